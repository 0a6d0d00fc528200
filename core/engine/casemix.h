/* Who is referred, by financial year: data/case_mix.csv (docs/model.md, Who is referred).
 * Internal to core/engine/. */
#ifndef IAPT_ENGINE_CASEMIX_H
#define IAPT_ENGINE_CASEMIX_H

#include <stddef.h>

#include "params/params_internal.h"

#define IAPT_CASEMIX_MAX_YEARS 40
/* age 8, gender 3, ethnicity 5, IMD 10, problem 12, ltc yes/no */
#define IAPT_CASEMIX_COLS 40

typedef struct iapt_casemix {
	int first_year, n_years; /* financial years first_year .. + n_years - 1 */
	double share[IAPT_CASEMIX_MAX_YEARS][IAPT_CASEMIX_COLS];
} iapt_casemix;

/* "2019-20" -> 2019; -1 if not a financial year label. */
int iapt_casemix__fin_year(const char *s);
/* Parse the text of a case-mix file (year,attribute,value,share,source; modified in
 * place) into *out. IAPT_EPARSE with "path:line: ..." for a bad header, year, attribute,
 * value or share, a row given twice, a year missing a value, or shares of an attribute
 * in a year that do not add up to 1 (within 1e-4). */
int iapt_casemix__parse(char *text, const char *path, iapt_casemix *out);
/* The table built into the library (data/case_mix.csv), parsed once; borrowed. */
int iapt_casemix__builtin(const iapt_casemix **out);
/* Put the year's shares into pv (indexed by parameter) for the attributes whose
 * parameters p leaves at their defaults; years outside the table use its first or last. */
void iapt_casemix__apply(const iapt_casemix *cm, const iapt_params *p, int year, double *pv);
/* 1 if the attribute of weight parameter `param` takes its weights from the table (the
 * parameters p leaves them at their defaults), else 0. */
int iapt_casemix__from_table(const iapt_params *p, size_t param);
/* Parameter idx in year as the engine uses it: a case-mix weight left at its default is
 * the table's share for the year; anything else is iapt_params_get. */
double iapt_casemix__param(const iapt_params *p, size_t idx, int year);

#endif
