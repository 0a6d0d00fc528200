/* The distributor: iapt_sim_run across MPI ranks (iaptsim/sim.h). The engine runs this
 * rank's share of the replicates; the merge (mpi.c) then shares them, so the engine never
 * sees MPI. Without MPI this is iapt_sim_run. */
#include <stdio.h>

#include "iaptsim/sim.h"
#include "util/util.h"
#ifdef IAPTSIM_MPI
#include "mpi/mpi.h"
#endif

int iapt_sim_run_distributed(iapt_results **out, const iapt_scenario *sc, const iapt_run_options *opt)
{
	iapt_run_options o = IAPT_RUN_OPTIONS_INIT;
#ifdef IAPTSIM_MPI
	int rank, ranks, rc;
	char err[4096];
	iapt_results *res = NULL;
#endif
	if (opt)
		o = *opt;
	o.first_replicate = 0;
	o.replicate_stride = 1;
#ifdef IAPTSIM_MPI
	iapt_mpi__layout(&rank, &ranks);
	if (ranks > 1) {
		*out = NULL;
		o.first_replicate = rank;
		o.replicate_stride = ranks;
		rc = iapt_sim_run(&res, sc, &o);
		snprintf(err, sizeof err, "%s", rc ? iapt_error_last()->message : "");
		/* every rank agrees on failure, or gets every replicate's results */
		if ((rc = iapt_mpi__merge(res, sc->replicates, rc, err))) {
			iapt_results_free(res);
			return rc;
		}
		*out = res;
		return IAPT_OK;
	}
#endif
	return iapt_sim_run(out, sc, &o);
}
