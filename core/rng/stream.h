/* Keyed streams as GSL generators (SplitMix64 steps from a hashed key, iaptsim/rng.h), so
 * the whole of GSL's gsl_ran_* distributions can draw from them. Rekeying is a single
 * store, cheap enough to do per person. Internal: public headers do not need GSL's. */
#ifndef IAPT_RNG_STREAM_H
#define IAPT_RNG_STREAM_H

#include <stdint.h>
#include <string.h>
#include <gsl/gsl_rng.h>

#include "iaptsim/rng.h"

/* The GSL generator type. Its seed (gsl_rng_set) is taken as the 64-bit state itself. */
extern const gsl_rng_type *iapt_rng_keyed;

/* Allocate a keyed stream positioned at the start of key. Free with gsl_rng_free. */
int iapt_rng_new(gsl_rng **out, uint64_t key);

#define IAPT_RNG__GOLDEN 0x9e3779b97f4a7c15ULL

/* The state behind an iapt_rng_keyed generator; in the header so that the uniform below
 * and the rekeying (once or twice per session) can be inlined at the engine's hot call sites. */
typedef struct {
	uint64_t s;
} iapt_rng__keyed_state;

/* Position an existing iapt_rng_keyed stream at the start of key, or at a saved state. */
static inline void iapt_rng_rekey(gsl_rng *r, uint64_t state)
{
	((iapt_rng__keyed_state *)r->state)->s = state;
}

/* The current state of an iapt_rng_keyed stream, to save and restore with iapt_rng_rekey. */
static inline uint64_t iapt_rng_state(const gsl_rng *r)
{
	return ((const iapt_rng__keyed_state *)r->state)->s;
}

static inline uint64_t iapt_rng__mix64(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* iapt_rng_key(seed, replicate, entity, purpose) in three stages, so that what stays fixed
 * over many keys (a replicate; a person's several purposes) is hashed once:
 * key_purpose(key_entity(key_rep(seed, replicate), entity), purpose) is iapt_rng_key's
 * value. Each coordinate goes through the finaliser before the next is folded in, so that
 * nearby keys (person 1, person 2) give unrelated streams. */
static inline uint64_t iapt_rng__key_rep(uint64_t seed, uint64_t replicate)
{
	return iapt_rng__mix64(iapt_rng__mix64(seed ^ 0x6a09e667f3bcc908ULL) ^ (replicate + IAPT_RNG__GOLDEN));
}

static inline uint64_t iapt_rng__key_entity(uint64_t rep_key, uint64_t entity)
{
	return iapt_rng__mix64(rep_key ^ (entity * 0xd1b54a32d192ed03ULL + 0x3c6ef372fe94f82bULL));
}

static inline uint64_t iapt_rng__key_purpose(uint64_t entity_key, uint64_t purpose)
{
	return iapt_rng__mix64(entity_key ^ (purpose * 0xaef17502108ef2d9ULL));
}

/* FNV-1a of a name (a service's code, a parameter's name): an entity key that stays the
 * same whatever else a table holds or in what order. */
static inline uint64_t iapt_rng__name_key(const char *s)
{
	uint64_t h = 1469598103934665603ULL;
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ULL;
	return h;
}

/* A uniform on [0, 1) from an iapt_rng_keyed stream r: the same bits as gsl_rng_uniform(r)
 * (one SplitMix64 step, top 53 bits), without GSL's library call and indirect call. Only
 * for streams of type iapt_rng_keyed. */
static inline double iapt_rng_uniform(gsl_rng *r)
{
	iapt_rng__keyed_state *st = (iapt_rng__keyed_state *)r->state;
	st->s += IAPT_RNG__GOLDEN;
	return (double)(int64_t)(iapt_rng__mix64(st->s) >> 11) * 0x1.0p-53; /* signed: one conversion */
}

/* The first uniform of the stream at state `state`: what iapt_rng_uniform returns just after
 * iapt_rng_rekey(r, state), without a stream object (a stream used for one draw). */
static inline double iapt_rng__uniform_at(uint64_t state)
{
	return (double)(int64_t)(iapt_rng__mix64(state + IAPT_RNG__GOLDEN) >> 11) * 0x1.0p-53;
}

/* gsl_rng_uniform_int(r, n) for an iapt_rng_keyed stream r (0 < n <= 2^32 - 1), inlined:
 * the same draws and the same value (the top 32 bits of a step, divided down by
 * floor((2^32 - 1) / n), redrawn while n or more). */
static inline unsigned long iapt_rng_uniform_int(gsl_rng *r, unsigned long n)
{
	iapt_rng__keyed_state *st = (iapt_rng__keyed_state *)r->state;
	unsigned long scale = 0xffffffffUL / n, k;
	do {
		st->s += IAPT_RNG__GOLDEN;
		k = (unsigned long)(iapt_rng__mix64(st->s) >> 32) / scale;
	} while (k >= n);
	return k;
}

/* ---- draws by position, and both halves of an output ----
 * SplitMix64 is a counter: the k-th output of the stream at state s is mix64(s + k * golden),
 * so a fixed block of outputs can be reserved for an event (a session) and only those a branch
 * needs computed, keeping every later draw where it was (common random numbers). */

/* The output of the stream one step on from state pos (the stream at pos - golden's k-th
 * output is at pos = s + k * golden). */
static inline uint64_t iapt_rng__out_at(uint64_t pos)
{
	return iapt_rng__mix64(pos);
}

/* The next 64-bit output of an iapt_rng_keyed stream r (one step). */
static inline uint64_t iapt_rng_next64(gsl_rng *r)
{
	iapt_rng__keyed_state *st = (iapt_rng__keyed_state *)r->state;
	st->s += IAPT_RNG__GOLDEN;
	return iapt_rng__mix64(st->s);
}

/* Uniforms on [0, 1) from the high and the low 32 bits of an output: two per step. */
static inline double iapt_rng__hi(uint64_t o)
{
	return (double)(int64_t)(o >> 32) * 0x1.0p-32;
}

static inline double iapt_rng__lo(uint64_t o)
{
	return (double)(int64_t)(uint32_t)o * 0x1.0p-32;
}

/* A whole number in [0, n) from 32 bits (Lemire's multiply and shift; the bias, at most
 * n / 2^32, is far below what a run could see). */
static inline unsigned iapt_rng__below(uint32_t h, unsigned n)
{
	return (unsigned)(((uint64_t)h * n) >> 32);
}

/* Standard normals by a ziggurat of 128 layers (tables and method in rng.c): a draw from 32
 * bits takes 7 for the layer, 1 for the sign and 24 for the magnitude, so an output gives two.
 * About 1 in 80 needs the slow path (a wedge or the tail), whose further draws come from a side
 * stream keyed by `side`, so that the main stream's positions stay fixed. */
#define IAPT_RNG__ZIG_N 128
extern const double iapt_rng__zig_w[IAPT_RNG__ZIG_N], iapt_rng__zig_f[IAPT_RNG__ZIG_N];
extern const uint32_t iapt_rng__zig_k[IAPT_RNG__ZIG_N];
double iapt_rng__gauss_slow(uint32_t h, uint64_t side);

static inline double iapt_rng__gauss32(uint32_t h, uint64_t side)
{
	uint32_t i = h & (IAPT_RNG__ZIG_N - 1), j = h >> 8;
	if (j < iapt_rng__zig_k[i]) {
		/* (h & 0x80) ? -x : x by flipping the sign bit: the same value (-0.0 included)
		 * without a branch on a random bit, which the predictor lost half the time (a
		 * fifth of the run's mispredicted branches when measured) */
		double x = (double)j * iapt_rng__zig_w[i];
		uint64_t b;
		memcpy(&b, &x, sizeof b);
		b ^= (uint64_t)(h & 0x80) << 56;
		memcpy(&x, &b, sizeof x);
		return x;
	}
	return iapt_rng__gauss_slow(h, side);
}

/* A standard normal from the high half of o, the output at position pos (the low half is
 * left for a uniform, iapt_rng__lo). */
static inline double iapt_rng__gauss_hi(uint64_t pos, uint64_t o)
{
	return iapt_rng__gauss32((uint32_t)(o >> 32), pos ^ 0x5851f42d4c957f2dULL);
}

/* Two independent standard normals from the output at position pos (iapt_rng__out_at). */
static inline void iapt_rng__gauss2_at(uint64_t pos, double *z1, double *z2)
{
	uint64_t o = iapt_rng__mix64(pos);
	*z1 = iapt_rng__gauss_hi(pos, o);
	*z2 = iapt_rng__gauss32((uint32_t)o, pos ^ 0x14057b7ef767814fULL);
}

/* Two standard normals from the next output of an iapt_rng_keyed stream r (one step). */
static inline void iapt_rng_gauss2(gsl_rng *r, double *z1, double *z2)
{
	iapt_rng__keyed_state *st = (iapt_rng__keyed_state *)r->state;
	st->s += IAPT_RNG__GOLDEN;
	iapt_rng__gauss2_at(st->s, z1, z2);
}

#endif
