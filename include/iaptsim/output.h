/* iaptsim: result files. */
#ifndef IAPTSIM_OUTPUT_H
#define IAPTSIM_OUTPUT_H

#include "iaptsim/calib.h"
#include "iaptsim/cea.h"
#include "iaptsim/psa.h"
#include "iaptsim/scenario.h"
#include "iaptsim/sim.h"
#include "iaptsim/stats.h"

#ifdef __cplusplus
extern "C" {
#endif

/* An option that shaped a result, for run.json: name "--set", value "treatment.dna_rate=0.2". */
typedef struct iapt_output_option {
	const char *name, *value;
} iapt_output_option;

/* What made a result, recorded in run.json as "command" and "options". Only what shapes the
 * result belongs here (seed, replicates, scale, --set values, ...), not where it was written
 * or how many threads ran it, so that such runs give identical files. Borrowed; may be NULL. */
typedef struct iapt_output_meta {
	const char *command;               /* "run", "compare", ...; may be NULL */
	const iapt_output_option *options; /* n_options of them, in the order to record */
	size_t n_options;
	/* Warnings raised before the run (e.g. by compare: two strategies that are the same
	 * model), written first in run.json's "warnings", without an "iaptsim: warning: "
	 * prefix; n_warnings of them, may be NULL when 0. */
	const char *const *warnings;
	size_t n_warnings;
	/* Files the command writes into the folder after run.json (report.html,
	 * summary_nhstt.csv), named at the end of run.json's "files"; n_also of them, may be
	 * NULL when 0. */
	const char *const *also;
	size_t n_also;
	/* At most this many threads write the CSV files at once (0 or 1: one at a time; the
	 * files are the same either way, and run.json still comes last). */
	int threads;
} iapt_output_meta;

/* Write summary.csv, replicates.csv and run.json into dir (created if missing). Each file
 * is written to a temporary name and renamed into place; run.json comes last, so a folder
 * with a run.json holds a whole result. */
int iapt_output_write(const char *dir, const iapt_scenario *sc, const iapt_results *res,
		      const iapt_output_meta *meta);

/* Can these scenarios be compared (the first is the base)? The same years and the same
 * economics block; IAPT_EINVAL naming the one that differs. */
int iapt_compare_check(const iapt_scenario *const *sc, size_t n);

/* Draw by draw (replicate by replicate), an alternative minus the base in a perspective:
 * net cost (d_cost) and QALYs gained (d_qalys); each array holds the replicates. */
void iapt_compare_paired(const iapt_results *base, const iapt_results *alt, int perspective, double *d_cost, double *d_qalys);

/* One increment of an alternative over the base, as a row of comparison.csv. */
typedef struct iapt_compare_row {
	size_t strategy;   /* the alternative: 1 .. n - 1 */
	int perspective;   /* iapt_perspective, or -1 for the pathway (national counts over the years) */
	char measure[64];  /* "incremental_cost", "icer", "inmb", "pathway:recovered", "pv:benefits", ... */
	double threshold;  /* GBP per QALY for "inmb" and "prob_cost_effective"; NaN otherwise */
	iapt_summary s;    /* mean (for icer: the ratio of means), lo95, hi95 (NaN where none), n, mcse */
} iapt_compare_row;

/* Every increment of every alternative, in the order of comparison.csv (whose header says
 * what each measure is; docs/uncertainty.md). *rows is allocated: free() it. */
int iapt_compare_rows(const iapt_scenario *const *sc, const iapt_results *const *res, size_t n, iapt_compare_row **rows,
		      size_t *n_rows);

/* The payback horizon in years: from the first year to the last ledger year with a flow in
 * any replicate (the ledger may end with empty years), at least 1. The terminal, run.json
 * and so the report all give payback against it. res may hold several strategies (n of
 * them): the last year with a flow in any. */
int iapt_output_horizon_years(const iapt_results *const *res, size_t n);

/* Budget impact (budget_impact.csv, docs/economics.md): replicate rep's undiscounted flows in
 * financial year `year` of `category` (or of every money category when category < 0) that
 * `payer` (iapt_payer) pays or receives, summed over cohorts, GBP at the price year; positive
 * = a gain to the payer. NaN for a replicate, year or payer outside the results. */
double iapt_output_budget_flow(const iapt_results *res, int rep, int year, int payer, int category);
/* The Exchequer's net cash position in `year`: everything HMRC receives (income tax,
 * employee and employer NI) plus DWP's flows (benefits saved, support paid), real terms. */
double iapt_output_exchequer_net(const iapt_results *res, int rep, int year);

/* The full incremental analysis in a perspective (frontier.csv): mean net cost and QALYs
 * of each strategy over the draws complete in all, and out[s] for each. cost, effect and
 * out hold n. */
int iapt_compare_frontier(const iapt_results *const *res, size_t n, int perspective, double *cost, double *effect,
			  iapt_cea_row *out);

/* 1 when some strategy's replicates carry parameter draws (an uncertainty block with a
 * distribution other than fixed); else 0, and *reason (static; may be NULL) says why there
 * is then no acceptability curve, probability of cost-effectiveness or EVPI. */
int iapt_compare_parameter_uncertainty(const iapt_scenario *const *sc, size_t n, const char **reason);

typedef struct iapt_compare_options {
	double lambda_min, lambda_max, lambda_step; /* thresholds for ceac.csv and evpi.csv, GBP/QALY */
} iapt_compare_options;

/* Write a comparison of n strategies run with common random numbers (the first is the
 * base): comparison.csv (strategy,perspective,measure,mean,lo95,hi95: incremental cost,
 * QALYs, ICER, incremental net monetary benefit and the probability of cost-effectiveness
 * at the scenario's thresholds, incremental NPV), ceac.csv (perspective,threshold,strategy,
 * probability), evpi.csv (perspective,threshold,evpi), psa.csv (draw,strategy,parameters,
 * effect,cost_<perspective>) and run.json. folders[s] names where strategy s's own results
 * were written (for run.json). */
int iapt_output_compare(const char *dir, const iapt_scenario *const *sc, const iapt_results *const *res, size_t n,
			const char *const *folders, const iapt_compare_options *opt, const iapt_output_meta *meta);

/* Write tornado.csv (rows as given: sort them first) and run.json for one-way sensitivity
 * of `measure` ("societal:npv", ...). */
int iapt_output_tornado(const char *dir, const iapt_scenario *sc, const iapt_oneway *rows, size_t n, const char *measure,
			const iapt_output_meta *meta);

/* Write a calibration: calibration.csv (parameter,unit,min,max,start,fitted), fit.csv
 * (year,group,metric,observed,weight,model_start,model_fitted), fitted.yaml (a parameters
 * block for a scenario's include:) and run.json. */
int iapt_output_calibration(const char *dir, const iapt_scenario *sc, const size_t *params, const double *start,
			    const double *fitted, size_t np, const iapt_target *t, size_t nt, const double *model_start,
			    const double *model_end, const iapt_calib_result *cr, const iapt_output_meta *meta);

/* A result folder is whole or not there. iapt_output_begin takes the target folder of a
 * command (-o) before any work: it refuses a target that exists and holds anything but an
 * earlier result of iaptsim (a folder with an iaptsim run.json and the files iaptsim writes,
 * or, for a comparison, strategies' folders of the same kind) or an empty folder; takes a
 * lock beside it (".NAME.lock", removed at the end; a second run on the same target gets
 * IAPT_EINVAL at once);
 * and makes a temporary folder beside it (".NAME.tmp-XXXXXX"), which proves the place can
 * be written. Write every file into iapt_output_dir_path(); iapt_output_commit then swaps
 * the temporary folder with the target in one step (renameat2 RENAME_EXCHANGE), removes the
 * earlier result and frees o; iapt_output_abort removes the temporary folder and frees o.
 * A kill at any moment leaves the earlier whole result or the new whole one; a temporary
 * folder left by a kill is removed by the next begin on that target. Errors: IAPT_EINVAL
 * for a target that cannot be used (the reason in the message), IAPT_EIO, IAPT_ENOMEM. */
typedef struct iapt_output_dir iapt_output_dir;
int iapt_output_begin(iapt_output_dir **out, const char *target);
/* Where to write: the temporary folder. Borrowed from o. */
const char *iapt_output_dir_path(const iapt_output_dir *o);
int iapt_output_commit(iapt_output_dir *o);
void iapt_output_abort(iapt_output_dir *o); /* NULL is fine */

/* The folder name made from a scenario name: lower case, [a-z0-9_-], others become '_'.
 * buf must hold n bytes. */
const char *iapt_output_slug(const char *name, char *buf, size_t n);

#ifdef __cplusplus
}
#endif
#endif
