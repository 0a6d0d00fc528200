/* Names and descriptions generated from the lists in iaptsim/hooks.h. */
#include <stddef.h>

#include "iaptsim/hooks.h"

static const struct {
	const char *name, *doc;
} hook_defs[IAPT_HOOK__COUNT] = {
#define X(id, name, doc) {#name, doc},
	IAPT_HOOK_LIST(X)
#undef X
};

const char *iapt_hook_name(int h)
{
	return h >= 0 && h < IAPT_HOOK__COUNT ? hook_defs[h].name : NULL;
}

const char *iapt_hook_doc(int h)
{
	return h >= 0 && h < IAPT_HOOK__COUNT ? hook_defs[h].doc : NULL;
}

#define NAME_OF(id, name) name,
static const char *const age_names[] = {IAPT_AGE_LIST(NAME_OF)};
static const char *const gender_names[] = {IAPT_GENDER_LIST(NAME_OF)};
static const char *const ethnicity_names[] = {IAPT_ETHNICITY_LIST(NAME_OF)};
static const char *const problem_names[] = {IAPT_PROBLEM_LIST(NAME_OF)};
static const char *const employment_names[] = {IAPT_EMPLOYMENT_LIST(NAME_OF)};
static const char *const ltc_names[] = {IAPT_LTC_LIST(NAME_OF)};
static const char *const route_names[] = {IAPT_ROUTE_LIST(NAME_OF)};
#undef NAME_OF

/* the values argument of a row: a value list, BOUNDS(min, max) or NONE */
#define VALUES_AGE age_names, IAPT_AGE__COUNT, 0, 0
#define VALUES_GENDER gender_names, IAPT_GENDER__COUNT, 0, 0
#define VALUES_ETHNICITY ethnicity_names, IAPT_ETHNICITY__COUNT, 0, 0
#define VALUES_PROBLEM problem_names, IAPT_PROBLEM__COUNT, 0, 0
#define VALUES_EMPLOYMENT employment_names, IAPT_EMP__COUNT, 0, 0
#define VALUES_LTC ltc_names, IAPT_LTC__COUNT, 0, 0
#define VALUES_ROUTE route_names, IAPT_ROUTE__COUNT, 0, 0
#define VALUES_NONE NULL, 0, 0, 0
#define VALUES_BOUNDS(lo, hi) NULL, 0, lo, hi
#define VALUES(v) VALUES_##v

static const iapt_person_field person_fields[IAPT_PF__COUNT] = {
#define X(name, ctype, kind, rd, wr, values, doc) {#name, doc, IAPT_PK_##kind, rd, wr, VALUES(values)},
	IAPT_PERSON_FIELDS(X)
#undef X
};

const iapt_person_field *iapt_person_field_get(int f)
{
	return f >= 0 && f < IAPT_PF__COUNT ? &person_fields[f] : NULL;
}
