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

#endif
