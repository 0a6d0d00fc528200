/* iaptsim: keyed random streams.
 *
 * Every random number in a run comes from a stream keyed by (seed, replicate, entity,
 * purpose), never from the clock or the order in which work is done. Inside the library
 * a stream is a GSL generator of its own type (core/rng/stream.h). */
#ifndef IAPTSIM_RNG_H
#define IAPTSIM_RNG_H

#include <stdint.h>

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
	IAPT_RNG_INTEGRATED = 9, /* integrated care's move into work at discharge */
	IAPT_RNG_EMPLOYMENT = 10, /* monthly employment moves from referral to discharge, keyed by
				   * person and month, shared by treated and natural course */
	IAPT_RNG_DECLINE = 11,    /* a person's own rate of natural decline (symptoms.natural_decline_sd) */
	IAPT_RNG_UNSEEN = 12      /* leaving treatment in a week a person was not seen, keyed by person
				   * and week (access.first_treatment_priority_weeks) */
} iapt_rng_purpose;

/* The key of a stream: a 64-bit hash of its four coordinates. */
uint64_t iapt_rng_key(uint64_t seed, uint64_t replicate, uint64_t entity, uint64_t purpose);

#ifdef __cplusplus
}
#endif
#endif
