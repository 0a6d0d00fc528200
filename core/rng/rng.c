/* Keyed streams: SplitMix64 (Steele, Lea and Flood 2014, "Fast splittable pseudorandom
 * number generators", OOPSLA) stepped from a key that hashes (seed, replicate, entity,
 * purpose). Wrapped as a gsl_rng_type so GSL's distributions draw from it. */
#include <stdint.h>
#include <stdlib.h>

#include <gsl/gsl_rng.h>

#include "rng/stream.h"
#include "util/util.h"

static inline uint64_t next64(iapt_rng__keyed_state *st)
{
	st->s += IAPT_RNG__GOLDEN;
	return iapt_rng__mix64(st->s);
}

static void keyed_set(void *vstate, unsigned long int seed)
{
	((iapt_rng__keyed_state *)vstate)->s = (uint64_t)seed;
}

static unsigned long int keyed_get(void *vstate)
{
	return (unsigned long int)(next64((iapt_rng__keyed_state *)vstate) >> 32);
}

static double keyed_get_double(void *vstate)
{
	/* 53 random bits, in [0, 1) as GSL requires. */
	return (double)(next64((iapt_rng__keyed_state *)vstate) >> 11) * 0x1.0p-53;
}

static const gsl_rng_type keyed_type = {
	"iapt_keyed", 0xffffffffUL, 0, sizeof(iapt_rng__keyed_state), &keyed_set, &keyed_get, &keyed_get_double};

const gsl_rng_type *iapt_rng_keyed = &keyed_type;

uint64_t iapt_rng_key(uint64_t seed, uint64_t replicate, uint64_t entity, uint64_t purpose)
{
	return iapt_rng__key_purpose(iapt_rng__key_entity(iapt_rng__key_rep(seed, replicate), entity), purpose);
}

int iapt_rng_new(gsl_rng **out, uint64_t key)
{
	gsl_rng *r;
	*out = NULL;
	iapt_error__gsl_init(); /* every simulation's draws start here */
	r = gsl_rng_alloc(iapt_rng_keyed);
	if (!r)
		return iapt_error__set(IAPT_ENOMEM, "out of memory allocating a random stream");
	iapt_rng_rekey(r, key);
	*out = r;
	return IAPT_OK;
}
