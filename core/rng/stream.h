/* Keyed streams as GSL generators (SplitMix64 steps from a hashed key, iaptsim/rng.h), so
 * the whole of GSL's gsl_ran_* distributions can draw from them. Rekeying is a single
 * store, cheap enough to do per person. Internal: public headers do not need GSL's. */
#ifndef IAPT_RNG_STREAM_H
#define IAPT_RNG_STREAM_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

#include "iaptsim/rng.h"

/* The GSL generator type. Its seed (gsl_rng_set) is taken as the 64-bit state itself. */
extern const gsl_rng_type *iapt_rng_keyed;

/* Allocate a keyed stream positioned at the start of key. Free with gsl_rng_free. */
int iapt_rng_new(gsl_rng **out, uint64_t key);

/* Position an existing iapt_rng_keyed stream at the start of key, or at a saved state. */
void iapt_rng_rekey(gsl_rng *r, uint64_t state);

/* The current state of an iapt_rng_keyed stream, to save and restore with iapt_rng_rekey. */
uint64_t iapt_rng_state(const gsl_rng *r);

#endif
