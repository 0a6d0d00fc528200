/* iaptsim: money and health flows, prices, discounting and appraisal (docs/economics.md).
 *
 * The engine writes every flow the programme changes into a ledger: an amount in GBP at
 * the run's price year (or QALYs), tagged with a category, the narrowest perspective that
 * bears it, the financial year it falls in and the cohort (year of referral) it belongs
 * to. Perspectives are nested: a flow borne by the NHS counts for the NHS, the Exchequer
 * and society; one borne by another part of government (benefits, tax) for the Exchequer
 * and society; one borne by households or employers (earnings) for society only. Positive
 * amounts are gains to the party, negative amounts are costs. */
#ifndef IAPTSIM_ECON_H
#define IAPTSIM_ECON_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Ledger categories: X(ID, "name", programme cost, "what"). A programme cost is one of the
 * "costs" of a benefit-cost ratio; the rest are outcomes. Adding one: a row here and the
 * flows that use it. The PLUGIN_* rows are slots for the cost categories plugins declare
 * (in scenario order); results name them (iapt_results_category_name, iaptsim/sim.h) and
 * outputs show only the slots in use. */
#define IAPT_CATEGORY_LIST(X) \
	X(THERAPY_SESSIONS, "therapy_sessions", 1, "sessions attended or courses") \
	X(ASSESSMENTS, "assessments", 1, "initial assessment of referrals") \
	X(TRAINING, "training", 1, "training fees of trainees") \
	X(EXPANSION, "expansion", 1, "trainee salaries for study time") \
	X(EMPLOYMENT_SUPPORT, "employment_support", 1, "employment advisers") \
	X(INTEGRATION, "integration", 1, "integrating psychological therapy with physical care: set-up and running") \
	X(BENEFITS, "benefits", 0, "out-of-work benefits: Exchequer saves, households lose") \
	X(INCOME_TAX, "income_tax", 0, "income tax on earnings: HMRC receives, the earner pays") \
	X(EMPLOYEE_NI, "employee_ni", 0, "employee (primary) National Insurance: HMRC receives, the earner pays") \
	X(EMPLOYER_NI, "employer_ni", 0, "employer (secondary) National Insurance: HMRC receives, the employer pays") \
	X(EARNINGS, "earnings", 0, "gross earnings of people in work (output)") \
	X(SICKNESS_ABSENCE, "sickness_absence", 0, "output lost to sickness absence while ill in work") \
	X(PHYSICAL_HEALTH, "physical_health", 0, "physical healthcare for people with a long-term condition") \
	X(PLUGIN_1, "plugin_1", 1, "the first cost category plugins declare, shown under its name (<plugin>.<category>)") \
	X(PLUGIN_2, "plugin_2", 1, "the second cost category plugins declare") \
	X(PLUGIN_3, "plugin_3", 1, "the third cost category plugins declare") \
	X(PLUGIN_4, "plugin_4", 1, "the fourth cost category plugins declare") \
	X(QALYS, "qalys", 0, "quality-adjusted life years (not money)") \
	X(WELLBYS, "wellbys", 0, "wellbeing-adjusted life years: life satisfaction (0-10) points x years (not money)")

typedef enum iapt_category {
#define IAPT_X_(id, name, cost, doc) IAPT_CAT_##id,
	IAPT_CATEGORY_LIST(IAPT_X_)
#undef IAPT_X_
	IAPT_CAT__COUNT
} iapt_category;
#define IAPT_CAT_PLUGIN_SLOTS (IAPT_CAT_PLUGIN_4 - IAPT_CAT_PLUGIN_1 + 1)

typedef enum iapt_perspective {
	IAPT_PERSP_NHS,
	IAPT_PERSP_EXCHEQUER,
	IAPT_PERSP_SOCIETAL,
	IAPT_PERSP__COUNT
} iapt_perspective;

/* "therapy_sessions", ... and "nhs", "exchequer", "societal": static strings. */
const char *iapt_category_name(int category);
const char *iapt_perspective_name(int perspective);
/* 1 for the programme's own costs (sessions, assessments, training, expansion,
 * employment support, integration): the "costs" of a benefit-cost ratio. The rest are
 * outcomes. */
int iapt_category_is_programme_cost(int category);
/* 1 for the health categories (QALYs, WELLBYs): units of health, not money, discounted at
 * the health rate; they have no payer. */
int iapt_category_is_health(int category);
/* 1 if a flow tagged `tag` counts from `perspective`'s point of view (tag <= perspective). */
int iapt_perspective_includes(int perspective, int tag);

/* ---- prices ---- */

/* The price index (PSSRU NHS Cost Inflation Index, HCHS index before 2015-16; see
 * docs/economics.md): level of financial year `year` relative to 2019-20 = 1. IAPT_ERANGE
 * naming the covered years when the year is outside them. */
int iapt_price_level(int year, double *level);
/* value given in prices of from_year, expressed in prices of to_year. */
int iapt_price_convert(double value, int from_year, int to_year, double *out);
/* Years the index covers, its name and its source. */
void iapt_price_index_info(int *first_year, int *last_year, const char **series, const char **source);
/* The price year of a parameter unit written "GBP 2019-20" or "GBP/month 2009-10"; 0 when the
 * unit is not money. */
int iapt_unit_price_year(const char *unit);

/* ---- payers and cash terms (budget impact) ---- */

/* Who pays or receives a ledger flow (docs/economics.md, "Budget impact"). */
typedef enum iapt_payer {
	IAPT_PAYER_NHS,         /* every flow tagged nhs */
	IAPT_PAYER_DWP,         /* exchequer-tagged flows other than tax: benefits, DWP-funded support */
	IAPT_PAYER_HMRC,        /* exchequer-tagged income tax, employee and employer NI (receipts) */
	IAPT_PAYER_EMPLOYERS,   /* societal-tagged employer NI and sickness absence */
	IAPT_PAYER_INDIVIDUALS, /* every other societal flow: earnings, income tax and employee NI paid, benefits */
	IAPT_PAYER__COUNT
} iapt_payer;

/* "nhs", "dwp", "hmrc", "employers", "individuals" (static strings). */
const char *iapt_payer_name(int payer);
/* The payer of a flow of `category` tagged `tag`; -1 for QALYs and WELLBYs (not money) and out-of-range
 * arguments. Each money cell has exactly one payer, so the payers' flows add up to the
 * ledger. */
int iapt_econ_payer(int category, int tag);

/* Cash (nominal) value of GBP 1 at `price_year` prices spent in financial year `year`, for
 * `payer`: NHS flows move with the NHS index (iapt_price_level), the others with HM
 * Treasury's GDP deflator (data/gdp_deflator.csv). Beyond the last year of a series both
 * grow 2% a year (the Bank of England's inflation target; no forecast is built in).
 * IAPT_ERANGE before 2008-09 (the first year of both series); IAPT_EINVAL for a bad payer. */
int iapt_price_cash_factor(int payer, int year, int price_year, double *factor);
/* The GDP deflator: level of `year` relative to 2019-20 = 1, projected at 2% a year after
 * the last outturn year; IAPT_ERANGE before 2008-09. */
int iapt_gdp_deflator_level(int year, double *level);
/* Years of outturn, and the source (static strings). */
void iapt_gdp_deflator_info(int *first_year, int *last_year, const char **source);

/* ---- discounting ---- */

#define IAPT_DISCOUNT_MAX_STEPS 8

/* A discount schedule: rate[k] applies to years from[k], from[k] + 1, ... up to the next
 * step. from[0] is 0. Year 0 is the run's first financial year and is not discounted. */
typedef struct iapt_discount_schedule {
	int n;
	int from[IAPT_DISCOUNT_MAX_STEPS];
	double rate[IAPT_DISCOUNT_MAX_STEPS];
} iapt_discount_schedule;

/* The factor for a flow t whole years after year 0: the product over years k = 1..t of
 * 1 / (1 + rate in force in year k). So with Green Book rates, D(30) = 1.035^-30 and
 * D(31) = 1.035^-30 * 1.030^-1. */
double iapt_discount_factor(const iapt_discount_schedule *s, int t);

#define IAPT_ECON_MAX_THRESHOLDS 8

/* When a month of follow-up accrues its flows and QALYs: in the state at its start, at its
 * end, or half of each (the half-cycle correction; the default). */
typedef enum iapt_accrual {
	IAPT_ACCRUAL_START,
	IAPT_ACCRUAL_MIDDLE,
	IAPT_ACCRUAL_END
} iapt_accrual;

/* "start", "middle", "end" (static strings); the parse returns IAPT_EINVAL for another name. */
const char *iapt_accrual_name(int accrual);
int iapt_accrual_parse(const char *name, int *accrual);

typedef struct iapt_econ_settings {
	int price_year;                 /* GBP in the outputs are at these prices */
	char discount[16];              /* "green_book", "nice" or "custom" */
	iapt_discount_schedule costs;   /* for money */
	iapt_discount_schedule health;  /* for QALYs */
	unsigned perspectives;          /* bit per iapt_perspective to report */
	int n_thresholds;
	double thresholds[IAPT_ECON_MAX_THRESHOLDS]; /* GBP per QALY, for net monetary benefit */
	double qaly_value;              /* GBP per QALY in the societal net present value */
	int qaly_value_year;            /* price year of qaly_value */
	double optimism_bias;           /* uplift on programme costs, e.g. 0.2 for 20% */
	int accrual;                    /* iapt_accrual: follow-up months accrue at their middle by default */
	int health_value;               /* iapt_health_value: which health measure enters society's NPV */
	double wellby_value;            /* GBP per WELLBY */
	int wellby_value_year;          /* price year of wellby_value */
	/* distributional weights of the five IMD quintiles (deciles 1-2, least deprived, ...
	 * 9-10, most deprived): Green Book Annex A3, iapt_econ_distribution_weights */
	double dist_weight[5];
} iapt_econ_settings;

/* Which health measure society's net present value counts: QALYs valued at qaly_value, or
 * WELLBYs valued at wellby_value; never both (docs/economics.md, "Wellbeing"). */
typedef enum iapt_health_value {
	IAPT_HEALTH_QALY,
	IAPT_HEALTH_WELLBY
} iapt_health_value;

/* How recovery turns into work after discharge, the values of the parameter
 * employment.mechanism (docs/economics.md, "How recovery turns into work"). */
typedef enum iapt_employment_mechanism {
	IAPT_EMPMECH_FLOWS,       /* monthly job finding and loss by health state */
	IAPT_EMPMECH_PREVALENCE,  /* towards the employment rate of the health state */
	IAPT_EMPMECH_SCARRING,    /* flows, job finding falling with months out of work */
	IAPT_EMPMECH__COUNT
} iapt_employment_mechanism;

/* "flows", "prevalence", "flows_with_scarring" (static strings); the parse returns
 * IAPT_EINVAL for another name. */
const char *iapt_employment_mechanism_name(int m);
int iapt_employment_mechanism_parse(const char *name, int *m);

/* "qaly", "wellby" (static strings); the parse returns IAPT_EINVAL for another name. */
const char *iapt_health_value_name(int h);
int iapt_health_value_parse(const char *name, int *h);

/* Green Book (2022) Annex A3 distributional weights for the five IMD quintiles, from the
 * median equivalised household disposable income of the five income quintiles (lowest first,
 * GBP a year) and the elasticity of marginal utility of income e: the weight of income
 * quintile k is (income[2] / income[k])^e (the middle quintile's median is the median of all,
 * the Green Book's reference, para A3.20), and IMD quintile q (q = 0 least
 * deprived) takes the weight of income quintile 4 - q (a stated proxy: area deprivation for
 * household income; docs/economics.md). IAPT_ERANGE for a non-positive income. */
int iapt_econ_distribution_weights(const double income[5], double elasticity, double weight[5]);

/* Green Book discounting, price year 2019-20, all perspectives, thresholds 20,000 and
 * 30,000, QALY value GBP 70,000 at 2020-21 prices, no optimism bias, accrual at the middle
 * of each month; QALYs in the NPV; WELLBY value GBP 13,000 at 2019-20 prices; every
 * distributional weight 1 (the engine sets them from the parameters). */
void iapt_econ_defaults(iapt_econ_settings *s);
/* Set costs and health schedules to a named preset: "green_book" (3.5/3.0/2.5/2.0/1.5/1.0%
 * from years 0/31/76/126/201/301; health 1.5/1.29/1.07/0.86/0.64/0.43%) or "nice" (3.5%
 * both). IAPT_EINVAL for an unknown name. */
int iapt_econ_discount_preset(iapt_econ_settings *s, const char *name);
/* Check settings: rates in [0, 1), steps ascending from 0, price years inside the index,
 * thresholds >= 0. Errors name the value and its bounds. */
int iapt_econ_check(const iapt_econ_settings *s);

/* ---- appraisal ---- */

/* Measures of one perspective. NMB has one measure per threshold, after the fixed ones,
 * then one present value per money category ("pv:benefits", ...; costs negative). */
enum {
	IAPT_E_PV_COSTS,       /* programme costs borne in this perspective, positive, with uplift */
	IAPT_E_PV_BENEFITS,    /* outcome flows in money (and QALYs valued, societal only) */
	IAPT_E_NPV,            /* PV benefits - PV costs (net present social value, societal) */
	IAPT_E_BCR,            /* PV benefits / PV costs */
	IAPT_E_PAYBACK_YEARS,  /* years from the start until discounted cumulative net >= 0 */
	IAPT_E_QALYS,          /* present value of QALYs gained */
	IAPT_E_NET_COST,       /* PV costs - PV money benefits (QALYs not valued) */
	IAPT_E_COST_PER_QALY,  /* net cost / QALYs gained */
	IAPT_E_WELLBYS,        /* present value of WELLBYs gained (health discounting) */
	IAPT_E_WELLBY_VALUE,   /* WELLBYs gained valued at wellby_value (GBP) */
	IAPT_E_NPV_WEIGHTED,   /* NPV with the distributional weights on households' flows and health */
	IAPT_E_NPV_IMD_1_2,    /* NPV of the flows of people in IMD deciles 1-2 (least deprived) */
	IAPT_E_NPV_IMD_3_4,
	IAPT_E_NPV_IMD_5_6,
	IAPT_E_NPV_IMD_7_8,
	IAPT_E_NPV_IMD_9_10,   /* ... deciles 9-10 (most deprived) */
	IAPT_E__FIXED,
	IAPT_E_NMB_FIRST = IAPT_E__FIXED /* net monetary benefit at thresholds[0], then the others */
};

/* Number of measures and their names ("pv_costs", ..., "nmb_20000", ...,
 * "pv:therapy_sessions", ...). The name is written to buf (64 bytes). */
int iapt_econ_measure_count(const iapt_econ_settings *s);
const char *iapt_econ_measure_name(const iapt_econ_settings *s, int measure, char buf[64]);

/* 1 if measure is a ratio (IAPT_E_BCR, IAPT_E_COST_PER_QALY), with the measures whose
 * means make it: a summary over replicates is mean(numerator) / mean(denominator), the
 * ratio of means (Briggs, Claxton and Sculpher 2006, ch. 4), never the mean of ratios.
 * 0 (and *num, *den untouched) for every other measure. num and den may be NULL. */
int iapt_econ_measure_ratio(int measure, int *num, int *den);

/* Appraise one ledger. flows[(y * IAPT_CAT__COUNT + cat) * IAPT_PERSP__COUNT + tag] holds
 * the sum over cohorts of flows in year y (0 = first year) of a category, tagged with the
 * narrowest perspective bearing it. out[persp * count + measure] receives every measure of
 * every perspective (NaN where undefined: a ratio over zero, a payback never reached). */
int iapt_econ_appraise(const iapt_econ_settings *s, const double *flows, int n_years, double *out);

#define IAPT_IMD_QUINTILES 5
/* The same, with the flows that can be put to a person by IMD quintile as well:
 * qflows[((y * IAPT_IMD_QUINTILES + q) * IAPT_CAT__COUNT + cat) * IAPT_PERSP__COUNT + tag]
 * (a part of flows; programme costs not tied to a person, training for one, are in flows
 * only). Fills the quintiles' NPVs and the weighted NPV: the unweighted one plus, for each
 * quintile, (weight - 1) x the present value of its households' flows (those whose payer is
 * individuals) and of its health gain as valued in the NPV. Government, employers and
 * costs keep weight 1. With qflows NULL these measures are NaN. */
int iapt_econ_appraise_groups(const iapt_econ_settings *s, const double *flows, const double *qflows, int n_years,
			      double *out);

#ifdef __cplusplus
}
#endif
#endif
