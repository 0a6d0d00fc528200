/* iaptsim: result files. */
#ifndef IAPTSIM_OUTPUT_H
#define IAPTSIM_OUTPUT_H

#include "iaptsim/scenario.h"
#include "iaptsim/sim.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct iapt_output_meta {
	const char *command; /* the command line that made the run, for provenance; may be NULL */
} iapt_output_meta;

/* Write summary.csv, replicates.csv and run.json into dir (created if missing). Each file
 * is written to a temporary name and renamed into place; run.json comes last, so a folder
 * with a run.json holds a whole result. */
int iapt_output_write(const char *dir, const iapt_scenario *sc, const iapt_results *res,
		      const iapt_output_meta *meta);

/* The folder name made from a scenario name: lower case, [a-z0-9_-], others become '_'.
 * buf must hold n bytes. */
const char *iapt_output_slug(const char *name, char *buf, size_t n);

#ifdef __cplusplus
}
#endif
#endif
