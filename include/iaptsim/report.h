/* iaptsim: the HTML report. */
#ifndef IAPTSIM_REPORT_H
#define IAPTSIM_REPORT_H

#ifdef __cplusplus
extern "C" {
#endif

/* Build dir/report.html from the files in dir (run.json, and whichever of summary.csv,
 * economics.csv, comparison.csv, ceac.csv and tornado.csv are there): a self-contained page
 * with a headline table, charts as inline SVG, the parameters with their sources and the
 * provenance. IAPT_ENOTFOUND when dir holds no run.json. */
int iapt_report_write(const char *dir);

#ifdef __cplusplus
}
#endif
#endif
