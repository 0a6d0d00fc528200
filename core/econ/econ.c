/* Ledger names, prices, discounting and appraisal (docs/economics.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iaptsim/econ.h"
#include "util/util.h"

static const struct {
	const char *name;
	int programme_cost;
} categories[IAPT_CAT__COUNT] = {
#define X(id, name, cost, doc) {name, cost},
	IAPT_CATEGORY_LIST(X)
#undef X
};

static const char *const perspective_names[IAPT_PERSP__COUNT] = {"nhs", "exchequer", "societal"};

const char *iapt_category_name(int c)
{
	return c >= 0 && c < IAPT_CAT__COUNT ? categories[c].name : "?";
}

const char *iapt_perspective_name(int p)
{
	return p >= 0 && p < IAPT_PERSP__COUNT ? perspective_names[p] : "?";
}

int iapt_category_is_programme_cost(int c)
{
	return c >= 0 && c < IAPT_CAT__COUNT && categories[c].programme_cost;
}

int iapt_perspective_includes(int perspective, int tag)
{
	return tag >= 0 && tag <= perspective;
}

/* ---- the price index ----
 * Annual percentage changes from data/nhs_cost_inflation.csv: HCHS pay and prices
 * index 2009-10 to 2014-15, PSSRU NHS Cost Inflation Index (pay and prices) from 2015-16
 * (PSSRU Unit Costs of Health and Social Care 2025; 2024-25 provisional). pct[k] is the
 * change from year 2008 + k to 2009 + k. */
#define INDEX_FIRST 2008
static const double index_pct[] = {
	0.6, 3.0, 2.1, 1.7, 1.1, 0.9,                         /* 2009-10 .. 2014-15, HCHS */
	0.40, 2.09, 1.24, 1.60, 2.14, 2.49, 2.58, 7.32, 2.47, 4.02, /* 2015-16 .. 2024-25, NHSCII */
};
#define INDEX_N ((int)(sizeof index_pct / sizeof index_pct[0]))
#define INDEX_LAST (INDEX_FIRST + INDEX_N)

void iapt_price_index_info(int *first_year, int *last_year, const char **series, const char **source)
{
	if (first_year)
		*first_year = INDEX_FIRST;
	if (last_year)
		*last_year = INDEX_LAST;
	if (series)
		*series = "NHS pay and prices: HCHS index to 2014-15, PSSRU NHS Cost Inflation Index from 2015-16";
	if (source)
		*source = "PSSRU Unit Costs of Health and Social Care 2025, NHS Cost Inflation Index (pay and prices), "
			  "2015-16 to 2024-25 (2024-25 provisional); HCHS pay and prices index 2009-10 to 2014-15 as "
			  "coded in public model code (secondary, to verify against PSSRU Unit Costs); "
			  "data/nhs_cost_inflation.csv";
}

/* Level of `year` with 2008-09 = 1. */
static double raw_level(int year)
{
	double l = 1.0;
	int k;
	for (k = 0; k < year - INDEX_FIRST; k++)
		l *= 1.0 + index_pct[k] / 100.0;
	return l;
}

int iapt_price_level(int year, double *level)
{
	if (year < INDEX_FIRST || year > INDEX_LAST)
		return iapt_error__set(IAPT_ERANGE, "price year %d-%02d is outside the price index, which covers %d-%02d to %d-%02d",
				       year, (year + 1) % 100, INDEX_FIRST, (INDEX_FIRST + 1) % 100, INDEX_LAST, (INDEX_LAST + 1) % 100);
	*level = raw_level(year) / raw_level(2019);
	return IAPT_OK;
}

int iapt_price_convert(double value, int from_year, int to_year, double *out)
{
	double a, b;
	int rc;
	if ((rc = iapt_price_level(from_year, &a)) || (rc = iapt_price_level(to_year, &b)))
		return rc;
	*out = value * (b / a);
	return IAPT_OK;
}

int iapt_unit_price_year(const char *unit)
{
	const char *p;
	int y = 0;
	if (!unit || strncmp(unit, "GBP", 3) != 0)
		return 0;
	p = strrchr(unit, ' ');
	if (!p || strlen(p + 1) != 7 || p[5] != '-')
		return 0;
	if (sscanf(p + 1, "%4d", &y) != 1)
		return 0;
	return y;
}

/* ---- payers and cash terms ---- */

static const char *const payer_names[IAPT_PAYER__COUNT] = {"nhs", "dwp", "hmrc", "employers", "individuals"};

const char *iapt_payer_name(int p)
{
	return p >= 0 && p < IAPT_PAYER__COUNT ? payer_names[p] : "?";
}

static int is_tax(int c)
{
	return c == IAPT_CAT_INCOME_TAX || c == IAPT_CAT_EMPLOYEE_NI || c == IAPT_CAT_EMPLOYER_NI;
}

int iapt_econ_payer(int c, int tag)
{
	if (c < 0 || c >= IAPT_CAT__COUNT || c == IAPT_CAT_QALYS || tag < 0 || tag >= IAPT_PERSP__COUNT)
		return -1;
	if (tag == IAPT_PERSP_NHS)
		return IAPT_PAYER_NHS;
	if (tag == IAPT_PERSP_EXCHEQUER)
		return is_tax(c) ? IAPT_PAYER_HMRC : IAPT_PAYER_DWP;
	/* societal: the other side of each transfer, and output */
	return c == IAPT_CAT_EMPLOYER_NI || c == IAPT_CAT_SICKNESS_ABSENCE ? IAPT_PAYER_EMPLOYERS : IAPT_PAYER_INDIVIDUALS;
}

/* HM Treasury GDP deflator at market prices, financial years (ONS L8GG), March 2026 (Quarterly
 * National Accounts) edition, annual % change from data/gdp_deflator.csv (its sources there);
 * gdp_pct[k] is the change from 2008 + k to 2009 + k. */
static const double gdp_pct[] = {
	1.29, 1.70, 2.13, 1.73, 2.08, 1.41, 0.69, 2.00, 1.27, 2.28, /* 2009-10 .. 2018-19 */
	2.64, 5.23, 0.24, 7.03, 5.27, 4.05,                         /* 2019-20 .. 2024-25 */
};
#define GDP_N ((int)(sizeof gdp_pct / sizeof gdp_pct[0]))
#define PROJECTED_PCT 2.0 /* beyond the last year of either series */

void iapt_gdp_deflator_info(int *first_year, int *last_year, const char **source)
{
	if (first_year)
		*first_year = INDEX_FIRST;
	if (last_year)
		*last_year = INDEX_FIRST + GDP_N;
	if (source)
		*source = "HM Treasury, GDP deflators at market prices, and money GDP: March 2026 (Quarterly National "
			  "Accounts), financial years (ONS L8GG), 2009-10 to 2024-25, data/gdp_deflator.csv; "
			  "2% a year after 2024-25";
}

/* Level of `year` with 2008-09 = 1 from a series of n changes, 2% a year after them. */
static double series_level(const double *pct, int n, int year)
{
	double l = 1.0;
	int k;
	for (k = 0; k < year - INDEX_FIRST; k++)
		l *= 1.0 + (k < n ? pct[k] : PROJECTED_PCT) / 100.0;
	return l;
}

int iapt_gdp_deflator_level(int year, double *level)
{
	if (year < INDEX_FIRST)
		return iapt_error__set(IAPT_ERANGE, "year %d-%02d is before the GDP deflator's first year, %d-%02d", year,
				       (year + 1) % 100, INDEX_FIRST, (INDEX_FIRST + 1) % 100);
	*level = series_level(gdp_pct, GDP_N, year) / series_level(gdp_pct, GDP_N, 2019);
	return IAPT_OK;
}

int iapt_price_cash_factor(int payer, int year, int price_year, double *factor)
{
	const double *pct = payer == IAPT_PAYER_NHS ? index_pct : gdp_pct;
	int n = payer == IAPT_PAYER_NHS ? INDEX_N : GDP_N;
	if (payer < 0 || payer >= IAPT_PAYER__COUNT)
		return iapt_error__set(IAPT_EINVAL, "payer %d is not one of the %d payers", payer, IAPT_PAYER__COUNT);
	if (year < INDEX_FIRST || price_year < INDEX_FIRST)
		return iapt_error__set(IAPT_ERANGE, "year %d-%02d is before the price series' first year, %d-%02d",
				       year < price_year ? year : price_year, ((year < price_year ? year : price_year) + 1) % 100,
				       INDEX_FIRST, (INDEX_FIRST + 1) % 100);
	*factor = series_level(pct, n, year) / series_level(pct, n, price_year);
	return IAPT_OK;
}

/* ---- discounting ---- */

static double rate_in_year(const iapt_discount_schedule *s, int year)
{
	double r = s->n ? s->rate[0] : 0.0;
	int k;
	for (k = 1; k < s->n; k++)
		if (year >= s->from[k])
			r = s->rate[k];
	return r;
}

double iapt_discount_factor(const iapt_discount_schedule *s, int t)
{
	double d = 1.0;
	int k;
	for (k = 1; k <= t; k++)
		d /= 1.0 + rate_in_year(s, k);
	return d;
}

static void schedule(iapt_discount_schedule *s, int n, const int *from, const double *rate)
{
	int k;
	s->n = n;
	for (k = 0; k < n; k++) {
		s->from[k] = from[k];
		s->rate[k] = rate[k];
	}
}

int iapt_econ_discount_preset(iapt_econ_settings *s, const char *name)
{
	/* HM Treasury Green Book (2022) Annex A6, Table 8: declining long-term rates; health
	 * effects at the rate without the wealth effect (1.5% declining) [S43]. */
	static const int gb_from[] = {0, 31, 76, 126, 201, 301};
	static const double gb_costs[] = {0.035, 0.030, 0.025, 0.020, 0.015, 0.010};
	static const double gb_health[] = {0.015, 0.0129, 0.0107, 0.0086, 0.0064, 0.0043};
	/* NICE methods (2008 s5.6.2; 2022 manual): 3.5% for costs and health [S45] */
	static const int nice_from[] = {0};
	static const double nice_rate[] = {0.035};
	if (strcmp(name, "green_book") == 0) {
		schedule(&s->costs, 6, gb_from, gb_costs);
		schedule(&s->health, 6, gb_from, gb_health);
	} else if (strcmp(name, "nice") == 0) {
		schedule(&s->costs, 1, nice_from, nice_rate);
		schedule(&s->health, 1, nice_from, nice_rate);
	} else {
		return iapt_error__set(IAPT_EINVAL, "unknown discount schedule '%s' (known: green_book, nice, or custom rates)", name);
	}
	snprintf(s->discount, sizeof s->discount, "%s", name);
	return IAPT_OK;
}

void iapt_econ_defaults(iapt_econ_settings *s)
{
	memset(s, 0, sizeof *s);
	s->price_year = 2019;
	iapt_econ_discount_preset(s, "green_book");
	s->perspectives = (1u << IAPT_PERSP__COUNT) - 1;
	s->n_thresholds = 2;
	s->thresholds[0] = 20000; /* NICE 20,000-30,000 per QALY [S44, S45] */
	s->thresholds[1] = 30000;
	s->qaly_value = 70000; /* Green Book 2022 / DHSC: GBP 70,000 per QALY, 2020-21 prices [S42, S43] */
	s->qaly_value_year = 2020;
	s->optimism_bias = 0;
	s->accrual = IAPT_ACCRUAL_MIDDLE; /* half-cycle correction, as heemod and hesim users expect */
}

static const char *const accrual_names[] = {"start", "middle", "end"};

const char *iapt_accrual_name(int a)
{
	return a >= IAPT_ACCRUAL_START && a <= IAPT_ACCRUAL_END ? accrual_names[a] : "?";
}

int iapt_accrual_parse(const char *name, int *accrual)
{
	int k;
	for (k = IAPT_ACCRUAL_START; k <= IAPT_ACCRUAL_END; k++)
		if (!strcmp(name, accrual_names[k])) {
			*accrual = k;
			return IAPT_OK;
		}
	return iapt_error__set(IAPT_EINVAL, "accrual '%s' is not one of start, middle, end", name);
}

static int check_schedule(const iapt_discount_schedule *s, const char *what)
{
	int k;
	if (s->n < 1 || s->from[0] != 0)
		return iapt_error__set(IAPT_EINVAL, "%s discount schedule must start at year 0", what);
	for (k = 0; k < s->n; k++) {
		if (!(s->rate[k] >= 0 && s->rate[k] < 1))
			return iapt_error__set(IAPT_ERANGE, "%s discount rate %g from year %d is out of range [0, 1)", what, s->rate[k], s->from[k]);
		if (k > 0 && s->from[k] <= s->from[k - 1])
			return iapt_error__set(IAPT_EINVAL, "%s discount schedule: year %d does not come after year %d", what, s->from[k], s->from[k - 1]);
	}
	return IAPT_OK;
}

int iapt_econ_check(const iapt_econ_settings *s)
{
	double l;
	int rc, k;
	if ((rc = check_schedule(&s->costs, "costs")) || (rc = check_schedule(&s->health, "health")))
		return rc;
	if ((rc = iapt_price_level(s->price_year, &l)))
		return rc;
	if ((rc = iapt_price_level(s->qaly_value_year, &l)))
		return rc;
	if (!(s->qaly_value >= 0 && s->qaly_value <= 1e7))
		return iapt_error__set(IAPT_ERANGE, "QALY value %g is out of range [0, 10000000]", s->qaly_value);
	if (!(s->optimism_bias >= 0 && s->optimism_bias <= 10))
		return iapt_error__set(IAPT_ERANGE, "optimism bias %g is out of range [0, 10]", s->optimism_bias);
	if (s->n_thresholds < 0 || s->n_thresholds > IAPT_ECON_MAX_THRESHOLDS)
		return iapt_error__set(IAPT_ERANGE, "%d thresholds: at most %d", s->n_thresholds, IAPT_ECON_MAX_THRESHOLDS);
	for (k = 0; k < s->n_thresholds; k++)
		if (!(s->thresholds[k] >= 0 && s->thresholds[k] <= 1e7))
			return iapt_error__set(IAPT_ERANGE, "threshold %g is out of range [0, 10000000]", s->thresholds[k]);
	if (s->accrual < IAPT_ACCRUAL_START || s->accrual > IAPT_ACCRUAL_END)
		return iapt_error__set(IAPT_EINVAL, "accrual %d is not one of start, middle, end", s->accrual);
	if (!(s->perspectives & ((1u << IAPT_PERSP__COUNT) - 1)))
		return iapt_error__set(IAPT_EINVAL, "no perspective chosen (known: nhs, exchequer, societal)");
	return IAPT_OK;
}

/* ---- appraisal ---- */

int iapt_econ_measure_count(const iapt_econ_settings *s)
{
	return IAPT_E__FIXED + s->n_thresholds + IAPT_CAT_QALYS; /* QALYs have their own measure */
}

int iapt_econ_measure_ratio(int measure, int *num, int *den)
{
	int n, d;
	if (measure == IAPT_E_BCR) {
		n = IAPT_E_PV_BENEFITS;
		d = IAPT_E_PV_COSTS;
	} else if (measure == IAPT_E_COST_PER_QALY) {
		n = IAPT_E_NET_COST;
		d = IAPT_E_QALYS;
	} else {
		return 0;
	}
	if (num)
		*num = n;
	if (den)
		*den = d;
	return 1;
}

const char *iapt_econ_measure_name(const iapt_econ_settings *s, int m, char buf[64])
{
	static const char *const fixed[IAPT_E__FIXED] = {
		"pv_costs", "pv_benefits", "npv", "bcr", "payback_years", "qalys", "net_cost", "cost_per_qaly",
	};
	if (m < 0 || m >= iapt_econ_measure_count(s))
		snprintf(buf, 64, "?");
	else if (m < IAPT_E__FIXED)
		snprintf(buf, 64, "%s", fixed[m]);
	else if (m < IAPT_E__FIXED + s->n_thresholds)
		snprintf(buf, 64, "nmb_%.0f", s->thresholds[m - IAPT_E__FIXED]);
	else
		snprintf(buf, 64, "pv:%s", iapt_category_name(m - IAPT_E__FIXED - s->n_thresholds));
	return buf;
}

#define FLOW(f, y, c, t) ((f)[((size_t)(y) * IAPT_CAT__COUNT + (size_t)(c)) * IAPT_PERSP__COUNT + (size_t)(t)])

int iapt_econ_appraise(const iapt_econ_settings *s, const double *flows, int n_years, double *out)
{
	int count = iapt_econ_measure_count(s), persp, y, c, t;
	double qaly_value;
	int rc;

	if ((rc = iapt_price_convert(s->qaly_value, s->qaly_value_year, s->price_year, &qaly_value)))
		return rc;
	for (persp = 0; persp < IAPT_PERSP__COUNT; persp++) {
		double *o = out + (size_t)persp * (size_t)count;
		double pv_cost = 0, pv_money = 0, pv_qaly = 0, cum = 0, payback = NAN;
		int k, behind = 0;
		for (k = 0; k < count; k++)
			o[k] = 0;
		for (y = 0; y < n_years; y++) {
			double dc = iapt_discount_factor(&s->costs, y), dh = iapt_discount_factor(&s->health, y);
			double cost_y = 0, money_y = 0, qaly_y = 0, net_y;
			for (c = 0; c < IAPT_CAT__COUNT; c++) {
				double v = 0;
				for (t = 0; t < IAPT_PERSP__COUNT; t++)
					if (iapt_perspective_includes(persp, t))
						v += FLOW(flows, y, c, t);
				if (c == IAPT_CAT_QALYS) {
					qaly_y += v;
				} else if (iapt_category_is_programme_cost(c)) {
					cost_y += -v * (1.0 + s->optimism_bias); /* costs are negative flows */
					o[IAPT_E__FIXED + s->n_thresholds + c] += v * (1.0 + s->optimism_bias) * dc;
				} else {
					money_y += v;
					o[IAPT_E__FIXED + s->n_thresholds + c] += v * dc;
				}
			}
			pv_cost += cost_y * dc;
			pv_money += money_y * dc;
			pv_qaly += qaly_y * dh;
			/* discounted cumulative net, flows spread evenly over each year; payback is
			 * when it last turns from negative to non-negative and stays there */
			net_y = (money_y - cost_y) * dc + (persp == IAPT_PERSP_SOCIETAL ? qaly_y * qaly_value * dh : 0);
			if (cum < 0 && cum + net_y >= 0)
				payback = y + (-cum) / net_y;
			cum += net_y;
			if (cum < 0) {
				payback = NAN;
				behind = 1;
			}
		}
		if (!behind)
			payback = pv_cost > 0 ? 0.0 : NAN; /* never behind: paid back at once, if anything was paid */
		o[IAPT_E_PV_COSTS] = pv_cost;
		o[IAPT_E_PV_BENEFITS] = pv_money + (persp == IAPT_PERSP_SOCIETAL ? pv_qaly * qaly_value : 0);
		o[IAPT_E_NPV] = o[IAPT_E_PV_BENEFITS] - pv_cost;
		o[IAPT_E_BCR] = pv_cost != 0 ? o[IAPT_E_PV_BENEFITS] / pv_cost : NAN;
		o[IAPT_E_PAYBACK_YEARS] = payback;
		o[IAPT_E_QALYS] = pv_qaly;
		o[IAPT_E_NET_COST] = pv_cost - pv_money;
		o[IAPT_E_COST_PER_QALY] = pv_qaly != 0 ? (pv_cost - pv_money) / pv_qaly : NAN;
		for (k = 0; k < s->n_thresholds; k++)
			o[IAPT_E__FIXED + k] = s->thresholds[k] * pv_qaly - (pv_cost - pv_money);
	}
	return IAPT_OK;
}
