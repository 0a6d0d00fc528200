/* Replicates across MPI ranks (built with -DIAPTSIM_MPI=ON). Rank k runs replicates k,
 * k + n, k + 2n, ...; then every rank receives every replicate's results, copied exactly
 * from the rank that ran it, so the files rank 0 writes are byte-identical to a single
 * process's. The only user of mpi.h. */
#ifndef IAPT_MPI_H
#define IAPT_MPI_H

#include "engine/engine.h"

/* This process's rank and the number of ranks (0 and 1 when MPI is not initialised). */
void iapt_mpi__layout(int *rank, int *ranks);

/* After the local replicates: agree on failure (the lowest failing rank's error, on every
 * rank), else share every replicate's results with every rank. Returns the agreed code. */
int iapt_mpi__merge(iapt_results *res, int rc, const char *err);

#endif
