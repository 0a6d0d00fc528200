#ifndef IAPT_PARAMS_INTERNAL_H
#define IAPT_PARAMS_INTERNAL_H

#include "iaptsim/params.h"

/* IAPT_P_<ID> indexes the registry in the order of param_list.h. */
enum {
#define X(id, name, def, lo, hi, unit, integer, sourced, desc, src) IAPT_P_##id,
#include "params/param_list.h"
#undef X
	IAPT_P__COUNT
};

/* Parameter i is one value for the whole run: the engine reads it at the first year only
 * (the run's length, its services, the distributional weights), so year-by-year values are
 * refused (iapt_params_set), not ignored. */
int iapt_params__whole_run(size_t i);

/* Parameter i shapes the run (whole-run, or followup.years, which sizes the ledger): it
 * cannot vary in an uncertainty block nor be set by a plugin. */
int iapt_params__shapes_run(size_t i);

/* Where year-by-year value k of parameter i was given (as iapt_params_set recorded it),
 * or NULL; borrowed from p. */
const char *iapt_params__schedule_origin(const iapt_params *p, size_t i, size_t k);

#endif
