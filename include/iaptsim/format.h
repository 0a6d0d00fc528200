/* iaptsim: numbers for people, the same in every report and terminal table.
 *
 * Never exponent notation; thousands grouped with commas; about three significant figures
 * (counts to the unit below 1,000); money as "GBP 14.6m", "GBP 1.23bn", "GBP 18,400". Each
 * function writes at most n bytes (n >= 32 is always enough, 160 for the ICER's words)
 * into buf and returns buf. NaN and infinities are written "n/a". */
#ifndef IAPTSIM_FORMAT_H
#define IAPTSIM_FORMAT_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Any quantity: 0.00483, 12.3, 456, 7,890, 12,300, 1.69m, 2.41bn. */
const char *iapt_format_number(char *buf, size_t n, double v);
/* A value to `sig` significant figures (1..15), fixed point, trailing zeros dropped, whole
 * numbers from 1,000 grouped (a parameter 1694790 at 6 figures is "1,694,790"; 0.0048330192
 * at 4 is "0.004833"). */
const char *iapt_format_value(char *buf, size_t n, double v, int sig);
/* People, sessions, QALYs: whole numbers to three significant figures from 1,000 (9,910,
 * 11,400, 1.69m); below 10 with one decimal when not whole. */
const char *iapt_format_count(char *buf, size_t n, double v);
/* Money: "GBP 950", "GBP 18,400", "GBP 14.6m", "GBP 1.23bn"; negative "-GBP 3.2m". */
const char *iapt_format_money(char *buf, size_t n, double v);
/* A probability or share as a percentage: "42%", "0.5%", "100%". */
const char *iapt_format_percent(char *buf, size_t n, double share);
/* A ratio such as a benefit-cost ratio: two decimals ("0.78", "12.40"). */
const char *iapt_format_ratio(char *buf, size_t n, double v);
/* The cost per unit of effect of a change of d_cost (GBP) for d_effect (QALYs) in words,
 * never a bare negative number: "GBP 18,400 per QALY gained"; "dominant: saves GBP 3.2m
 * and gains 120 QALYs"; "dominated: costs GBP 87.6m more and loses 4,250 QALYs"; "saves
 * GBP 25,000 per QALY lost (south-west: a willingness to accept)"; "dominated: costs GBP
 * 1.2m more with no change in QALYs"; "no difference". */
const char *iapt_format_icer(char *buf, size_t n, double d_cost, double d_effect);

#ifdef __cplusplus
}
#endif
#endif
