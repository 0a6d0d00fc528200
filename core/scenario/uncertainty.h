/* Internals of the uncertainty block shared by the parser and the draws. */
#ifndef IAPT_SCENARIO_UNCERTAINTY_H
#define IAPT_SCENARIO_UNCERTAINTY_H

#include <stddef.h>
#include "iaptsim/scenario.h"

/* What to do about a parameter given both a value and a distribution (scenario.c and
 * uncertainty.c say it alike). */
#define IAPT_SCENARIO__FIXED_HINT                                                                 \
	"to fix it, leave it out of the uncertainty block (a scenario with base: can give an "    \
	"uncertainty block of its own without it); to vary it around another value, give the " \
	"distribution that mean"

/* A value of an uncertain parameter set after the scenario was read (--set, --alt-set, a
 * program) is lost to the draws: IAPT_EINVAL naming where each came from. */
int iapt_uncertain__check_fixed(const iapt_scenario *sc);

/* Does the distribution fit a parameter with bounds [lo, hi]? A fixed value must lie inside;
 * any other distribution must put some weight inside. msg gets the reason. */
int iapt_uncertain__check(const iapt_uncertain *u, double lo, double hi, char *msg, size_t n);

/* The least and greatest values the draws of sc->uncertain[k] can take (the quantiles at the
 * ends of the truncated range, as the draws clamp them), so that combinations of parameters
 * can be checked before a run. */
int iapt_uncertain__ends(const iapt_scenario *sc, size_t k, double *lo, double *hi);

/* Is sc->correlation positive definite? IAPT_EINVAL with a message if not. */
int iapt_uncertain__check_correlation(const iapt_scenario *sc);

#endif
