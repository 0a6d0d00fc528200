/* Numbers for people (include/iaptsim/format.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "iaptsim/format.h"

/* |v| rounded to `sig` significant figures, at least to units */
static double round_sig(double a, int sig)
{
	double p;
	if (a < 1)
		return a;
	p = pow(10, floor(log10(a)) + 1 - sig);
	if (p < 1)
		p = 1;
	return round(a / p) * p;
}

/* a whole number with commas, sign first */
static const char *grouped(char *buf, size_t n, double v)
{
	char d[48];
	size_t len, i, k = 0, lead;
	snprintf(d, sizeof d, "%.0f", fabs(v));
	len = strlen(d);
	lead = len % 3 ? len % 3 : 3;
	if (v < 0 && strcmp(d, "0") && k + 1 < n)
		buf[k++] = '-';
	for (i = 0; i < len && k + 2 < n; i++) {
		if (i >= lead && (i - lead) % 3 == 0)
			buf[k++] = ',';
		buf[k++] = d[i];
	}
	buf[k] = '\0';
	return buf;
}

/* m and bn for large magnitudes; returns 1 when written */
static int scaled(char *buf, size_t n, double v, const char *prefix)
{
	double a = fabs(v);
	const char *sign = v < 0 ? "-" : "";
	if (a >= 999.5e9) {
		char g[48];
		snprintf(buf, n, "%s%s%sbn", sign, prefix, grouped(g, sizeof g, a / 1e9));
	} else if (a >= 0.9995e9) {
		snprintf(buf, n, "%s%s%.*fbn", sign, prefix, a >= 99.95e9 ? 0 : a >= 9.995e9 ? 1 : 2, a / 1e9);
	} else if (a >= 0.9995e6) {
		snprintf(buf, n, "%s%s%.*fm", sign, prefix, a >= 99.95e6 ? 0 : a >= 9.995e6 ? 1 : 2, a / 1e6);
	} else {
		return 0;
	}
	return 1;
}

const char *iapt_format_value(char *buf, size_t n, double v, int sig)
{
	double a = fabs(v);
	if (sig < 1)
		sig = 1;
	if (sig > 15)
		sig = 15;
	if (!isfinite(v)) {
		snprintf(buf, n, "n/a");
	} else if (a >= 999.5) {
		grouped(buf, n, (v < 0 ? -1 : 1) * round_sig(a, sig));
	} else if (a < pow(10, -(sig + 3))) {
		snprintf(buf, n, "0");
	} else {
		/* `sig` significant figures, fixed point, trailing zeros dropped */
		int dec = sig - 1 - (int)floor(log10(a));
		char *p;
		if (dec < 0)
			dec = 0;
		if (dec > 17)
			dec = 17;
		snprintf(buf, n, "%.*f", dec, v);
		if (dec > 0 && (p = strchr(buf, '.'))) {
			char *e = buf + strlen(buf) - 1;
			while (e > p && *e == '0')
				*e-- = '\0';
			if (e == p)
				*e = '\0';
		}
		if (!strcmp(buf, "-0"))
			snprintf(buf, n, "0");
	}
	return buf;
}

const char *iapt_format_number(char *buf, size_t n, double v)
{
	if (isfinite(v) && scaled(buf, n, v, ""))
		return buf;
	if (isfinite(v) && fabs(v) < 0.0005)
		return snprintf(buf, n, "0"), buf;
	return iapt_format_value(buf, n, v, 3);
}

const char *iapt_format_count(char *buf, size_t n, double v)
{
	double a = fabs(v);
	if (!isfinite(v))
		snprintf(buf, n, "n/a");
	else if (scaled(buf, n, v, ""))
		;
	else if (a >= 999.5)
		grouped(buf, n, (v < 0 ? -1 : 1) * round_sig(a, 3));
	else if (a < 9.95 && fabs(v - round(v)) > 0.05)
		snprintf(buf, n, "%.1f", v);
	else
		grouped(buf, n, round(v));
	return buf;
}

const char *iapt_format_money(char *buf, size_t n, double v)
{
	double a = fabs(v);
	char g[48];
	if (!isfinite(v))
		snprintf(buf, n, "n/a");
	else if (scaled(buf, n, v, "GBP "))
		;
	else
		snprintf(buf, n, "%sGBP %s", v < 0 && round_sig(a, 3) >= 0.5 ? "-" : "", grouped(g, sizeof g, round_sig(a, 3)));
	return buf;
}

const char *iapt_format_percent(char *buf, size_t n, double share)
{
	double p = share * 100;
	if (!isfinite(p))
		snprintf(buf, n, "n/a");
	else if (p == 0 || fabs(p) >= 9.95 || fabs(p - round(p)) < 0.05)
		snprintf(buf, n, "%.0f%%", p);
	else
		snprintf(buf, n, "%.1f%%", p);
	return buf;
}

const char *iapt_format_ratio(char *buf, size_t n, double v)
{
	if (!isfinite(v))
		snprintf(buf, n, "n/a");
	else if (fabs(v) >= 999.5)
		iapt_format_number(buf, n, v);
	else
		snprintf(buf, n, "%.2f", v);
	return buf;
}

const char *iapt_format_icer(char *buf, size_t n, double dc, double de)
{
	char m[48], q[48];
	if (!isfinite(dc) || !isfinite(de))
		snprintf(buf, n, "n/a");
	else if (dc == 0 && de == 0)
		snprintf(buf, n, "no difference");
	else if (de == 0)
		snprintf(buf, n, "%s: %s %s%s with no change in QALYs", dc > 0 ? "dominated" : "dominant", dc > 0 ? "costs" : "saves",
			 iapt_format_money(m, sizeof m, fabs(dc)), dc > 0 ? " more" : "");
	else if (dc == 0)
		snprintf(buf, n, "%s: the same cost and %s %s QALYs", de > 0 ? "dominant" : "dominated", de > 0 ? "gains" : "loses",
			 iapt_format_count(q, sizeof q, fabs(de)));
	else if (dc < 0 && de > 0)
		snprintf(buf, n, "dominant: saves %s and gains %s QALYs", iapt_format_money(m, sizeof m, -dc), iapt_format_count(q, sizeof q, de));
	else if (dc > 0 && de < 0)
		snprintf(buf, n, "dominated: costs %s more and loses %s QALYs", iapt_format_money(m, sizeof m, dc), iapt_format_count(q, sizeof q, -de));
	else if (de > 0)
		snprintf(buf, n, "%s per QALY gained", iapt_format_money(m, sizeof m, dc / de));
	else
		snprintf(buf, n, "saves %s per QALY lost (south-west: a willingness to accept)", iapt_format_money(m, sizeof m, dc / de));
	return buf;
}

const char *iapt_format_payback(char *buf, size_t n, double share, double median, int horizon_years)
{
	char m[48], p[48];
	iapt_format_value(m, sizeof m, median, 2);
	iapt_format_percent(p, sizeof p, share);
	if (!isfinite(share))
		snprintf(buf, n, "n/a");
	else if (share >= 1 && median == 0)
		snprintf(buf, n, "saves from the start");
	else if (share >= 1)
		snprintf(buf, n, "pays back in %s year%s", m, median == 1 ? "" : "s");
	else if (share > 0 && median == 0)
		snprintf(buf, n, "does not pay back within %d years (saves from the start in %s of replicates)", horizon_years, p);
	else if (share > 0)
		snprintf(buf, n, "does not pay back within %d years (pays back in %s of replicates, median %s years among them)", horizon_years, p, m);
	else
		snprintf(buf, n, "does not pay back within %d years", horizon_years);
	return buf;
}
