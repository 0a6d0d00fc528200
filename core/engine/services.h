/* Services with identities (docs/model.md, Services): the services table (data/services.csv
 * or a scenario's `services:` file), each service's case mix and features by year, and the
 * per-service counters of services.csv. Internal to core/engine/ (and output via sim.h). */
#ifndef IAPT_ENGINE_SERVICES_H
#define IAPT_ENGINE_SERVICES_H

#include <stddef.h>

#include <gsl/gsl_rng.h>

#include "engine/state.h"
#include "rng/stream.h"

#define IAPT_SVC_MAX_YEARS 20
#define IAPT_SVC_MAX 1000
/* Entries of the guide table that starts the search for a referral's service (a power of
 * two, so that j / IAPT_SVC_GUIDE is exact): about four per service. */
#define IAPT_SVC_GUIDE 1024

/* One service in one year, as the table gives it (NaN: not given; see data/services.md). */
typedef struct iapt_svc_row {
	double referrals, finished, recovery_pct;
	double step_up;            /* of courses with LI, share stepped up to HI */
	double pd;                 /* finished courses with a problem descriptor recorded */
	double ltc;                /* referrals with an LTC, of those recorded */
	double under18, age65;     /* referrals aged under 18, 65 and over */
	double depression, anxiety; /* finished courses with a descriptor: depression, anxiety (incl. mixed) */
	double imd[10];            /* referrals by IMD decile, 1 least deprived */
	double capacity;           /* capacity per referral relative to England's; NaN: from throughput */
	double entering;           /* chance of being offered treatment relative to England's; NaN: 1 */
} iapt_svc_row;

/* One service's identity, as the table's first row of it gives it (owned strings). */
typedef struct iapt_svc_id {
	char *code, *name, *icb, *region_code, *region;
	char *icb_name; /* NULL: the table names no ICB (no or an empty icb_name column) */
} iapt_svc_id;

/* Areas that group services (NHS regions, ICBs): the distinct codes of one identity field. */
typedef struct iapt_svc_areas {
	int n;
	const iapt_svc_id **last; /* [area], sorted by code: the area's last service, whose
	                           * fields name it; borrowed from the table's id */
	int *of;                  /* [service]: its area's index in last */
} iapt_svc_areas;

struct iapt_services {
	char *path;                  /* as loaded ("data/services.csv" for the built-in one) */
	char sha256[65];             /* of the bytes read (iapt_services_source); "" until set */
	int n, first_year, n_years;  /* services; financial years first_year .. + n_years - 1 */
	iapt_svc_id *id;             /* [service], owned */
	iapt_svc_row *row;           /* [year][service] */
	double *resid;               /* [service]: fitted response multiplier (1: none) */
	double *z_given[2];          /* [feature: missed appointments, sessions][service]: the
	                              * standard normal fitted with the residual (NAN: none, the
	                              * code's hash draws it) */
	iapt_svc_areas regions;      /* NHS regions (region_code; named by region) */
	iapt_svc_areas icbs;         /* ICBs (icb; named by icb_name, when given) */
};

/* Parse a services table (text modified in place). IAPT_EPARSE "path:line: ..." for a
 * missing column, a bad number or one outside its column's bounds, a service or year
 * given twice or missing, a service whose name, ICB or region changes between years, an ICB
 * whose services give it different names (icb_name, optional). */
int iapt_services__parse(char *text, const char *path, iapt_services **out);
void iapt_services__free(iapt_services *t);
/* The scenario's services_policy against its services and the features' bounds (a program
 * may change it after loading): IAPT_EINVAL, IAPT_ERANGE. */
int iapt_services__check_policy(const iapt_scenario *sc);
/* The plugins' service options (`service = true`): each value in force, the scenario's or
 * the plugin's default, is a code of the scenario's services table; IAPT_EINVAL naming the
 * option, the value and the nearest codes, and where the value came from: a scenario's
 * value at its place (file:LINE:COL: ..., then the line and a caret), else "(the plugin's
 * default)" or "(set after the scenario was read)". */
int iapt_services__check_plugin_options(const iapt_scenario *sc);
/* The table built into the library (data/services.csv with data/services_residuals.csv),
 * parsed once; borrowed. */
int iapt_services__builtin(const iapt_services **out);
/* The scenario's table: the built-in one (sc->services NULL), none for synthetic services
 * (*out NULL), or its file, read once per process and kept; borrowed. */
int iapt_services__for(const iapt_scenario *sc, const iapt_services **out);
/* The row of service k in year y: years before the table use its first, after it its last. */
const iapt_svc_row *iapt_services__row(const iapt_services *t, int y, int k);


/* The measure of results/services.csv from one service's (or a sum of services')
 * counters at national scale; NaN when undefined. */
double iapt_services__measure(const double *c, int measure, double scale);

/* ---- in a replicate ---- */

/* A service's case mix and person-level features in the year in force. */
typedef struct iapt_svc_mix {
	double w_age[N_AGE], w_imd[N_IMD], w_problem[N_PROBLEM];
	double cum_age[N_AGE], cum_imd[N_IMD], cum_problem[N_PROBLEM]; /* the same, cumulated */
	double ltc;    /* chance of a long-term condition */
	double p_desc; /* chance that the problem descriptor is recorded (and treatment matched) */
	double resp;   /* response multiplier: the service's fitted residual */
} iapt_svc_mix;

struct iapt_svc_state {
	iapt_svc_mix *mix;     /* [service], or one (synthetic services: the national mix) */
	double *cum;           /* [service]: cumulative referral shares of the year */
	int *guide;            /* [IAPT_SVC_GUIDE]: first service whose cum exceeds j / IAPT_SVC_GUIDE */
	double *z_dna, *z_sess; /* [service]: fixed standard normals of the unpublished features */
	double *f_desc, *f_step, *f_enter, *w_ref, *tmp; /* [service]: the year's relative levels, weights, scratch */
	double *pairs;         /* [2 x service]: scratch of services_policy (value, weight) */
};

/* Set up s->svc, s->n_services and s->tab (replicate start); free with teardown. */
int iapt_services__setup(sim *s);
void iapt_services__teardown(sim *s);
/* The year's referral shares, capacity factors, case mix and features (after the national
 * parameters of year y are in s->pv and s->w_*). */
void iapt_services__load_year(sim *s, int y);
/* The first service whose cumulative share exceeds u in [0, 1) (cum[n - 1] exceeds every
 * u), by an indexed search (Chen and Asau 1974): the guide entry of u's slot is the first
 * service past the slot's start, so a step or two at most remain. */
static inline int iapt_services__pick_table(const iapt_svc_state *v, double u)
{
	int k = v->guide[(int)(u * IAPT_SVC_GUIDE)];
	while (v->cum[k] <= u)
		k++;
	return k;
}
/* Service k's feature f (IAPT_SVCF_*, iaptsim/scenario.h) in force, and setting it (the
 * table's services only; load_year's values, then services_policy's, then a plugin's). */
double iapt_services__feature(const sim *s, int k, int f);
void iapt_services__set_feature(sim *s, int k, int f, double x);

/* The service of a new referral, from one output o of the attribute stream (its high half;
 * its low half is the caller's). */
static inline int iapt_services__pick(const sim *s, uint64_t o)
{
	if (!s->tab)
		return (int)iapt_rng__below((uint32_t)(o >> 32), (unsigned)s->n_services);
	return iapt_services__pick_table(s->svs, iapt_rng__hi(o));
}

static inline const iapt_svc_mix *iapt_services__mix(const sim *s, int svc)
{
	return &s->svs->mix[s->tab ? svc : 0];
}

/* The counter of service svc in the year of week, or NULL when not counted. */
static inline double *iapt_services__ctr(const sim *s, int week, int svc)
{
	int y = year_index(s, week);
	if (!s->ct->svc || y < 0 || y >= s->n_years)
		return NULL;
	return s->ct->svc + ((size_t)y * (size_t)s->n_services + (size_t)svc) * IAPT_SC__COUNT;
}

/* A count of pathway.c's counts (IAPT_C_*) into a service's counter c (iapt_services__ctr;
 * NULL: not counted). */
static inline void iapt_services__count_at(double *c, int k, double v)
{
	static const signed char map[IAPT_C__COUNT] = {
		[IAPT_C_REFERRALS] = IAPT_SC_REFERRALS + 1, [IAPT_C_ENTERED] = IAPT_SC_ENTERED + 1,
		[IAPT_C_FINISHED] = IAPT_SC_FINISHED + 1, [IAPT_C_FIN_CASENESS] = IAPT_SC_FIN_CASENESS + 1,
		[IAPT_C_RECOVERED] = IAPT_SC_RECOVERED + 1, [IAPT_C_RELIABLE_RECOVERY] = IAPT_SC_RELIABLE_RECOVERY + 1,
		[IAPT_C_RELIABLE_IMPROVEMENT] = IAPT_SC_RELIABLE_IMPROVEMENT + 1,
		[IAPT_C_SESSIONS_FINISHED] = IAPT_SC_SESSIONS_FINISHED + 1, [IAPT_C_WITHIN_6WK] = IAPT_SC_WITHIN_6WK + 1,
		[IAPT_C_WAIT_WEEKS_ENTERED] = IAPT_SC_WAIT_WEEKS + 1,
	};
	if (c && map[k])
		c[map[k] - 1] += v;
}

/* What services.csv counts beyond count(): at referral (LTC, IMD decile) and at the end
 * of a finished course (descriptor recorded, step-up). */
static inline void iapt_services__referred(const sim *s, int week, const person *p, const person_ext *x)
{
	double *c = iapt_services__ctr(s, week, x->svc);
	if (c) {
		c[IAPT_SC_LTC] += p->ltc;
		c[IAPT_SC_IMD_SUM] += x->imd;
	}
}

static inline void iapt_services__finished(const sim *s, int week, const person *p, const person_ext *x)
{
	double *c = iapt_services__ctr(s, week, x->svc);
	if (c) {
		c[IAPT_SC_PD_RECORDED] += p->pd;
		c[IAPT_SC_FIN_HAD_LI] += p->s_li > 0;
		c[IAPT_SC_FIN_STEPPED] += p->s_li > 0 && p->s_hi > 0;
	}
}

/* A booked session at service sv: attended or missed. */
static inline void iapt_services__session(const sim *s, const service *sv, int week, int missed)
{
	double *c = iapt_services__ctr(s, week, (int)(sv - s->svc));
	if (c)
		c[missed ? IAPT_SC_MISSED : IAPT_SC_ATTENDED] += 1;
}

#endif
