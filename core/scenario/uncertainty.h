/* Internals of the uncertainty block shared by the parser and the draws. */
#ifndef IAPT_SCENARIO_UNCERTAINTY_H
#define IAPT_SCENARIO_UNCERTAINTY_H

#include <stddef.h>
#include "iaptsim/scenario.h"

/* Does the distribution fit a parameter with bounds [lo, hi]? A fixed value must lie inside;
 * any other distribution must put some weight inside. msg gets the reason. */
int iapt_uncertain__check(const iapt_uncertain *u, double lo, double hi, char *msg, size_t n);

/* Is sc->correlation positive definite? IAPT_EINVAL with a message if not. */
int iapt_uncertain__check_correlation(const iapt_scenario *sc);

#endif
