/* iaptsim: keyed random streams.
 *
 * Every random number in a run comes from a stream keyed by (seed, replicate, entity,
 * purpose), never from the clock or the order in which work is done. A stream is a
 * gsl_rng of type iapt_rng_keyed (SplitMix64 steps from a hashed key), so the whole of
 * GSL's gsl_ran_* distributions can draw from it. Rekeying is a single store, cheap
 * enough to do per person. */
#ifndef IAPTSIM_RNG_H
#define IAPTSIM_RNG_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Purposes: what a stream is used for. Fixed numbers: changing one changes results. */
typedef enum iapt_rng_purpose {
	IAPT_RNG_ATTRIBUTES = 1, /* who a referral is */
	IAPT_RNG_ACCESS = 2,     /* signposting, leaving the waiting list */
	IAPT_RNG_TREATMENT = 3,  /* attendance, dropout, step-up, measurement */
	IAPT_RNG_SYMPTOMS = 4,   /* weekly symptom innovations, shared by treated and natural course */
	IAPT_RNG_SERVICE = 5,    /* service-level heterogeneity */
	IAPT_RNG_FOLLOWUP = 6,   /* after discharge */
	IAPT_RNG_PLUGIN = 7,     /* math.random inside plugins */
	IAPT_RNG_PARAMS = 8,     /* parameter draws for probabilistic sensitivity analysis */
	IAPT_RNG_INTEGRATED = 9  /* integrated care's move into work at discharge */
} iapt_rng_purpose;

/* The GSL generator type. Its seed (gsl_rng_set) is taken as the 64-bit state itself. */
extern const gsl_rng_type *iapt_rng_keyed;

/* The key of a stream: a 64-bit hash of its four coordinates. */
uint64_t iapt_rng_key(uint64_t seed, uint64_t replicate, uint64_t entity, uint64_t purpose);

/* Allocate a keyed stream positioned at the start of key. Free with gsl_rng_free. */
int iapt_rng_new(gsl_rng **out, uint64_t key);

/* Position an existing iapt_rng_keyed stream at the start of key, or at a saved state. */
void iapt_rng_rekey(gsl_rng *r, uint64_t state);

/* The current state of an iapt_rng_keyed stream, to save and restore with iapt_rng_rekey. */
uint64_t iapt_rng_state(const gsl_rng *r);

#ifdef __cplusplus
}
#endif
#endif
