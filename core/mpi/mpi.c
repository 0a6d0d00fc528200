/* Replicates across MPI ranks: the merge (core/mpi/mpi.h). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <mpi.h>

#include "engine/engine.h"
#include "mpi/mpi.h"
#include "util/util.h"

void iapt_mpi__layout(int *rank, int *ranks)
{
	int init = 0;
	MPI_Initialized(&init);
	if (!init) {
		*rank = 0;
		*ranks = 1;
		return;
	}
	MPI_Comm_rank(MPI_COMM_WORLD, rank);
	MPI_Comm_size(MPI_COMM_WORLD, ranks);
}

/* The doubles of one replicate, in a fixed order: values, ledger, economics, plugin
 * metrics, parameter draws, per-service counts, the hooks' groups. */
typedef struct slices {
	size_t n[7];
	double *base[7];
	size_t total;
} slices;

static void layout(iapt_results *r, slices *s)
{
	int n_years = r->last_year - r->first_year + 1;
	s->n[0] = (size_t)n_years * IAPT_G__COUNT * IAPT_M__COUNT;
	s->n[1] = IAPT_LEDGER_SIZE(r->n_ledger_years, n_years);
	s->n[2] = IAPT_PERSP__COUNT * (size_t)r->n_measures;
	s->n[3] = (size_t)n_years * r->n_extra;
	s->n[4] = r->n_uncertain;
	s->base[0] = r->values;
	s->base[1] = r->ledger;
	s->base[2] = r->econ_values;
	s->base[3] = r->extra;
	s->base[4] = r->draws;
	s->n[5] = (size_t)n_years * (size_t)r->n_svc * IAPT_SC__COUNT;
	s->base[5] = r->svc;
	s->n[6] = (size_t)n_years * r->n_hg_rows * IAPT_M__COUNT;
	s->base[6] = r->hg_values;
	s->total = s->n[0] + s->n[1] + s->n[2] + s->n[3] + s->n[4] + s->n[5] + s->n[6];
}

static int owned(int reps, int rank, int ranks)
{
	return rank < reps ? (reps - rank + ranks - 1) / ranks : 0;
}

int iapt_mpi__merge(iapt_results *res, int reps, int rc, const char *err)
{
	int rank, ranks, first_fail, k, i;
	slices s;
	double *mine = NULL, *all = NULL;
	int *counts = NULL, *displs = NULL;
	unsigned long long st[3], mx;
	char msg[4096];

	iapt_mpi__layout(&rank, &ranks);
	/* every rank learns whether any failed, and the lowest failing rank's message */
	k = rc ? rank : ranks;
	MPI_Allreduce(&k, &first_fail, 1, MPI_INT, MPI_MIN, MPI_COMM_WORLD);
	if (first_fail < ranks) {
		int code = rc;
		snprintf(msg, sizeof msg, "%s", rc ? err : "");
		MPI_Bcast(&code, 1, MPI_INT, first_fail, MPI_COMM_WORLD);
		MPI_Bcast(msg, (int)sizeof msg, MPI_CHAR, first_fail, MPI_COMM_WORLD);
		if (first_fail) { /* say which rank, at the end of the first line */
			char *nl = strchr(msg, '\n');
			return iapt_error__set(code, "%.*s (MPI rank %d)%s", nl ? (int)(nl - msg) : (int)strlen(msg), msg, first_fail, nl ? nl : "");
		}
		return iapt_error__set(code, "%s", msg);
	}
	/* results: each rank's replicates packed in order, gathered by all */
	layout(res, &s);
	counts = malloc((size_t)ranks * sizeof *counts);
	displs = malloc((size_t)ranks * sizeof *displs);
	mine = malloc(((size_t)owned(reps, rank, ranks) * s.total + 1) * sizeof *mine);
	all = malloc(((size_t)reps * s.total + 1) * sizeof *all);
	if (!counts || !displs || !mine || !all || (size_t)reps * s.total > INT32_MAX) {
		free(counts);
		free(displs);
		free(mine);
		free(all);
		MPI_Abort(MPI_COMM_WORLD, 1); /* cannot continue in step with the other ranks */
		return IAPT_ENOMEM;
	}
	for (i = 0; i < owned(reps, rank, ranks); i++) {
		int rep = rank + i * ranks, a;
		double *p = mine + (size_t)i * s.total;
		for (a = 0; a < 7; a++) {
			if (s.n[a]) /* base may be NULL then (no hook groups) */
				memcpy(p, s.base[a] + (size_t)rep * s.n[a], s.n[a] * sizeof *p);
			p += s.n[a];
		}
	}
	for (k = 0, i = 0; k < ranks; k++) {
		counts[k] = owned(reps, k, ranks) * (int)s.total;
		displs[k] = i;
		i += counts[k];
	}
	MPI_Allgatherv(mine, counts[rank], MPI_DOUBLE, all, counts, displs, MPI_DOUBLE, MPI_COMM_WORLD);
	for (k = 0; k < ranks; k++)
		for (i = 0; i < owned(reps, k, ranks); i++) {
			int rep = k + i * ranks, a;
			const double *p = all + displs[k] + (size_t)i * s.total;
			for (a = 0; a < 7; a++) {
				if (s.n[a])
					memcpy(s.base[a] + (size_t)rep * s.n[a], p, s.n[a] * sizeof *p);
				p += s.n[a];
			}
		}
	free(mine);
	free(all);
	/* the plugins' logs, replicate by replicate, from the rank that ran it */
	k = 0;
	for (i = 0; i < reps; i++)
		k |= res->logs[i] != NULL;
	MPI_Allreduce(MPI_IN_PLACE, &k, 1, MPI_INT, MPI_LOR, MPI_COMM_WORLD);
	for (i = 0; k && i < reps; i++) {
		int owner = i % ranks, len = res->logs[i] ? (int)strlen(res->logs[i]) + 1 : 0;
		MPI_Bcast(&len, 1, MPI_INT, owner, MPI_COMM_WORLD);
		if (!len)
			continue;
		if (rank != owner) {
			free(res->logs[i]);
			if (!(res->logs[i] = malloc((size_t)len)))
				MPI_Abort(MPI_COMM_WORLD, 1);
		}
		MPI_Bcast(res->logs[i], len, MPI_CHAR, owner, MPI_COMM_WORLD);
	}
	free(counts);
	free(displs);
	/* what was simulated, in all */
	st[0] = res->stats.referrals;
	st[1] = res->stats.sessions;
	st[2] = res->stats.person_weeks;
	MPI_Allreduce(MPI_IN_PLACE, st, 3, MPI_UNSIGNED_LONG_LONG, MPI_SUM, MPI_COMM_WORLD);
	res->stats.referrals = st[0];
	res->stats.sessions = st[1];
	res->stats.person_weeks = st[2];
	mx = res->stats.peak_people;
	MPI_Allreduce(MPI_IN_PLACE, &mx, 1, MPI_UNSIGNED_LONG_LONG, MPI_MAX, MPI_COMM_WORLD);
	res->stats.peak_people = (size_t)mx;
	return IAPT_OK;
}
