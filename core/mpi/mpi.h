/* Replicates across MPI ranks (built with -DIAPTSIM_MPI=ON), a layer above the engine
 * (core/mpi/run.c). Rank k runs replicates k, k + n, k + 2n, ...; then every rank receives
 * every replicate's results, copied exactly from the rank that ran it, so the files rank 0
 * writes are byte-identical to a single process's. The only user of mpi.h. */
#ifndef IAPT_MPI_H
#define IAPT_MPI_H

#include "engine/engine.h"

/* This process's rank and the number of ranks (0 and 1 when MPI is not initialised). */
void iapt_mpi__layout(int *rank, int *ranks);

/* After the local replicates (res: this rank's, from iapt_sim_run with this rank's first
 * replicate and the number of ranks as stride; NULL when rc is an error): agree on failure
 * (the lowest failing rank's error, on every rank), else share every replicate's results
 * with every rank. reps: the scenario's replicates. Returns the agreed code. */
int iapt_mpi__merge(iapt_results *res, int reps, int rc, const char *err);

#endif
