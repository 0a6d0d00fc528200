/* Names and descriptions generated from the lists in iaptsim/hooks.h. */
#include <stddef.h>
#include <string.h>

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

int iapt_person_field_find(const char *name)
{
	int f;
	for (f = 0; name && f < IAPT_PF__COUNT; f++)
		if (strcmp(person_fields[f].name, name) == 0)
			return f;
	return -1;
}

/* ---- the hooks that act during waiting and treatment ----
 * Called from pathway.c only when the hook set has them (s->has), so a run without them
 * does no work here. Each fills the person as hooks see them, calls the hook, checks what
 * it wrote against the fields' bounds and puts it back where the engine keeps it. */

#include <math.h>
#include <stdlib.h>

#include "engine/outcome.h"
#include "engine/state.h"
#include "rng/stream.h"

/* The checkpoints of on_wait due, by week: a ring of buckets (weeks since referral are at
 * most IAPT_WAIT_MAX_WEEKS, so a checkpoint falls within the ring). An entry is a person's
 * next checkpoint; people are checked when it is due, whether or not they still wait. */
typedef struct wait_entry {
	uint32_t i, id; /* index in the pool and id: a freed index may hold someone else */
	uint16_t k;     /* the checkpoint: hooks->wait_weeks[k] */
} wait_entry;

typedef struct iapt_waitcal {
	struct {
		wait_entry *v;
		size_t len, cap;
	} b[1024];
} waitcal;
_Static_assert(IAPT_WAIT_MAX_WEEKS < 1024, "the ring holds every checkpoint");

static int wait_schedule(sim *s, uint32_t i, int week, size_t k)
{
	waitcal *c = s->wait;
	int due = s->people[i].arrival + s->hooks->wait_weeks[k];
	size_t b = (size_t)due & 1023u;
	(void)week;
	if (c->b[b].len == c->b[b].cap) {
		size_t cap = c->b[b].cap ? c->b[b].cap * 2 : 64;
		wait_entry *v = realloc(c->b[b].v, cap * sizeof *v);
		if (!v)
			return iapt_error__set(IAPT_ENOMEM, "out of memory (waiting-list checkpoints)");
		c->b[b].v = v;
		c->b[b].cap = cap;
	}
	c->b[b].v[c->b[b].len++] = (wait_entry){i, s->people[i].id, (uint16_t)k};
	return IAPT_OK;
}

int iapt_engine__wait_join(sim *s, uint32_t i, int week)
{
	if (!s->hooks->n_wait_weeks)
		return IAPT_OK;
	if (!s->wait && !(s->wait = calloc(1, sizeof *s->wait)))
		return iapt_error__set(IAPT_ENOMEM, "out of memory (waiting-list checkpoints)");
	return wait_schedule(s, i, week, 0);
}

void iapt_engine__wait_free(sim *s)
{
	size_t b;
	if (!s->wait)
		return;
	for (b = 0; b < 1024; b++)
		free(s->wait->b[b].v);
	free(s->wait);
	s->wait = NULL;
}

/* Still on the list for a first session at the start of `week`: the same person, no
 * session booked yet (a session, attended or missed, takes them off it) and not gone. */
static int still_waiting(const sim *s, const wait_entry *e, int week)
{
	const person *p;
	if (e->i >= s->n_people)
		return 0;
	p = &s->people[e->i];
	return p->id == e->id && p->attended == 0 && p->missed == 0 && p->leave_week > week;
}

static int wait_one(sim *s, const wait_entry *e, int week)
{
	person *p = &s->people[e->i];
	person_ext *x = &s->ext[e->i];
	iapt_hook_person v, given;
	double h0 = x->leave > 0 ? x->leave - 1.0 : iapt_engine__leave_hazard(s, p, x);
	int rc;
	iapt_engine__advance(s, p, week); /* the scores now */
	iapt_engine__hook_view(s, p, x, &v);
	v.leave_chance = h0;
	s->ev_week = week;
	s->ev_cohort = year_index(s, p->arrival);
	given = v;
	hook_begin();
	if ((rc = iapt_engine__hook_rc(s->hooks->on_wait(s->hooks->data, s, &v, s->hooks->wait_weeks[e->k]), IAPT_HOOK_I_ON_WAIT)) ||
	    (rc = iapt_engine__hook_check(&v, &given, IAPT_PW, IAPT_HOOK_I_ON_WAIT)))
		return rc;
	x->mark = (uint8_t)v.mark;
	x->user = v.user;
	/* the treated path only: the natural course is who they would have been without it */
	p->xp = (float)v.phq9;
	p->xg = (float)v.gad7;
	if (v.leave_chance != given.leave_chance) {
		/* from this week on, on a draw of its own (the person's others keep theirs) */
		uint64_t st = iapt_rng_state(s->r);
		double u;
		iapt_rng_rekey(s->r, iapt_rng_key(s->sc->seed, (uint64_t)s->rep, ((uint64_t)(unsigned)(week + 1) << 32) | p->id,
						  IAPT_RNG_ACCESS));
		u = iapt_rng_uniform(s->r);
		iapt_rng_rekey(s->r, st);
		x->leave = (float)(1.0 + v.leave_chance);
		p->leave_week = iapt_engine__leave_week(week - 1, v.leave_chance, u);
	}
	return IAPT_OK;
}

int iapt_engine__wait_due(sim *s, int week)
{
	waitcal *c = s->wait;
	size_t b = (size_t)week & 1023u, j, n;
	int rc;
	if (!c)
		return IAPT_OK;
	/* entries added while we go are for later weeks (checkpoints ascend), never this bucket */
	n = c->b[b].len;
	for (j = 0; j < n; j++) {
		wait_entry e = c->b[b].v[j];
		if (!still_waiting(s, &e, week))
			continue;
		if ((rc = wait_one(s, &e, week)))
			return rc;
		if (e.k + 1u < s->hooks->n_wait_weeks && still_waiting(s, &e, week) &&
		    (rc = wait_schedule(s, e.i, week, e.k + 1u)))
			return rc;
	}
	c->b[b].len = 0;
	return IAPT_OK;
}

int iapt_engine__on_session(sim *s, person *p, int week, int lvl, double p_dna, double *u_dna, double *u_miss, double z1, double z2,
			    int *phq, int *gad)
{
	person_ext *x = &s->ext[p - s->people];
	iapt_hook_person v, given;
	int rc, attended = !(*u_dna < p_dna * (p->m_dna * (1.0 / MULT_ONE)));
	int recorded = *u_miss >= P(s, OUT_MISSING);
	/* the scores this session measures, recorded or not (as session() computes them) */
	int phq_m = score(p->xp, z1, 27), gad_m = score(p->xg, z2, 21);
	iapt_engine__hook_view(s, p, x, &v);
	v.responsiveness = p->resp;
	v.session = p->attended + p->missed + 1;
	v.step = lvl == LI ? IAPT_ROUTE_LI : IAPT_ROUTE_HI;
	v.session_attended = attended;
	v.session_phq9 = attended && recorded ? phq_m : -1;
	v.session_gad7 = attended && recorded ? gad_m : -1;
	s->ev_week = week;
	s->ev_cohort = year_index(s, p->arrival);
	given = v;
	hook_begin();
	if ((rc = iapt_engine__hook_rc(s->hooks->on_session(s->hooks->data, s, &v), IAPT_HOOK_I_ON_SESSION)) ||
	    (rc = iapt_engine__hook_check(&v, &given, IAPT_PS, IAPT_HOOK_I_ON_SESSION)))
		return rc;
	x->mark = (uint8_t)v.mark;
	x->user = v.user;
	p->resp = (float)v.responsiveness;
	/* the draws decide as before unless the hook changed the outcome */
	if (v.session_attended != attended)
		*u_dna = v.session_attended ? INFINITY : -INFINITY;
	if (v.session_phq9 != given.session_phq9 || v.session_gad7 != given.session_gad7) {
		if (!v.session_attended)
			return iapt_error__set(IAPT_EINVAL, "hook on_session set person.session_phq9 or session_gad7 of a missed session");
		/* scores are recorded in pairs: one set records both, the other as measured */
		if (v.session_phq9 < 0 && v.session_gad7 < 0) {
			*u_miss = -INFINITY;
		} else {
			*u_miss = INFINITY;
			*phq = v.session_phq9 >= 0 ? v.session_phq9 : phq_m;
			*gad = v.session_gad7 >= 0 ? v.session_gad7 : gad_m;
		}
	}
	return IAPT_OK;
}

int iapt_engine__on_step_up(sim *s, uint32_t i, int week)
{
	person *p = &s->people[i];
	person_ext *x = &s->ext[i];
	iapt_hook_person v, given;
	int rc;
	iapt_engine__hook_view(s, p, x, &v);
	v.responsiveness = p->resp;
	s->ev_week = week;
	s->ev_cohort = year_index(s, p->arrival);
	given = v;
	hook_begin();
	if ((rc = iapt_engine__hook_rc(s->hooks->on_step_up(s->hooks->data, s, &v), IAPT_HOOK_I_ON_STEP_UP)) ||
	    (rc = iapt_engine__hook_check(&v, &given, IAPT_PU, IAPT_HOOK_I_ON_STEP_UP)))
		return rc;
	x->mark = (uint8_t)v.mark;
	x->user = v.user;
	p->resp = (float)v.responsiveness;
	return IAPT_OK;
}

int iapt_engine__on_followup(sim *s, uint32_t i, int week, unsigned flags)
{
	person *p = &s->people[i];
	person_ext *x = &s->ext[i];
	iapt_hook_person v, given;
	int rc;
	iapt_engine__discharge_view(s, p, x, week, flags, &v);
	given = v;
	hook_begin();
	if ((rc = iapt_engine__hook_rc(s->hooks->on_followup(s->hooks->data, s, &v), IAPT_HOOK_I_ON_FOLLOWUP)) ||
	    (rc = iapt_engine__hook_check(&v, &given, IAPT_PFU, IAPT_HOOK_I_ON_FOLLOWUP)))
		return rc;
	x->mark = (uint8_t)v.mark;
	x->user = v.user;
	return IAPT_OK;
}

/* ---- what hooks may ask of the run: base values, referrals of a group ---- */

double iapt_run_param_base(const iapt_run *r, size_t idx, int year)
{
	const iapt_params *p = r->base_params ? r->base_params : r->params;
	return iapt_params_get(p, idx, year ? year : r->year);
}

/* the attributes a referral is drawn with, their first multiplier and value count */
static const struct {
	int field, at, n;
} refer_attrs[] = {
	{IAPT_PF_age_band, 0, N_AGE},
	{IAPT_PF_gender, N_AGE, N_GENDER},
	{IAPT_PF_ethnicity, N_AGE + N_GENDER, N_ETH},
	{IAPT_PF_imd_decile, N_AGE + N_GENDER + N_ETH, N_IMD},
	{IAPT_PF_problem, N_AGE + N_GENDER + N_ETH + N_IMD, N_PROBLEM},
};
#define N_REFER (N_AGE + N_GENDER + N_ETH + N_IMD + N_PROBLEM)

int iapt_run_refer_more(iapt_run *r, int field, const int *values, size_t n_values, double factor)
{
	size_t a, k;
	for (a = 0; a < sizeof refer_attrs / sizeof refer_attrs[0]; a++)
		if (refer_attrs[a].field == field)
			break;
	if (!r->in_setup)
		return iapt_error__set(IAPT_EINVAL, "referrals of a group can be changed only in setup and on_year");
	if (a == sizeof refer_attrs / sizeof refer_attrs[0])
		return iapt_error__set(IAPT_EINVAL, "referrals can be changed by age_band, gender, ethnicity, imd_decile or problem");
	if (!(factor >= 0 && factor <= 100))
		return iapt_error__set(IAPT_ERANGE, "the factor %g is outside [0, 100]", factor);
	for (k = 0; k < n_values; k++) {
		int v = field == IAPT_PF_imd_decile ? values[k] - 1 : values[k];
		if (v < 0 || v >= refer_attrs[a].n)
			return iapt_error__set(IAPT_ERANGE, "value %d of %s is out of range", values[k], iapt_person_field_get(field)->name);
	}
	if (!r->refer_mult) {
		if (!(r->refer_mult = malloc(N_REFER * sizeof *r->refer_mult)))
			return iapt_error__set(IAPT_ENOMEM, "out of memory");
		for (k = 0; k < N_REFER; k++)
			r->refer_mult[k] = 1.0;
	}
	for (k = 0; k < n_values; k++) {
		int v = field == IAPT_PF_imd_decile ? values[k] - 1 : values[k];
		r->refer_mult[refer_attrs[a].at + v] = factor;
	}
	return IAPT_OK;
}

/* One attribute's weights x the multipliers; returns the factor on all referrals (the
 * weighted mean multiplier), so that the other values' referrals stay as they were. */
static double refer_one(double *w, const double *m, int n)
{
	double before = 0, after = 0;
	int k;
	for (k = 0; k < n; k++) {
		before += w[k];
		w[k] *= m[k];
		after += w[k];
	}
	return before > 0 ? after / before : 1.0;
}

void iapt_engine__refer_apply(sim *s)
{
	const double *m = s->refer_mult;
	double f = refer_one(s->w_age, m, N_AGE);
	f *= refer_one(s->w_gender, m + N_AGE, N_GENDER);
	f *= refer_one(s->w_eth, m + N_AGE + N_GENDER, N_ETH);
	f *= refer_one(s->w_imd, m + N_AGE + N_GENDER + N_ETH, N_IMD);
	f *= refer_one(s->w_problem, m + N_AGE + N_GENDER + N_ETH + N_IMD, N_PROBLEM);
	s->referrals_week *= f;
}
