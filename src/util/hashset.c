/* SPDX-License-Identifier: MIT */
/*
 * hashset.c - open-addressing set of 64-bit hashes and a fast string hash.
 *
 * Members are already hashes, but a caller may feed structured values
 * (counters, ids), so the slot index is taken from the top bits of the
 * member multiplied by 2^64/phi (Fibonacci hashing), which spreads any
 * input over the table. Linear probing keeps a lookup inside one or two
 * cache lines at the load factor we keep (at most 1/2).
 *
 * The string hash folds 8 bytes at a time through a 64x64->128 multiply
 * (the "mum" step of wyhash); unaligned loads go through memcpy, which
 * compilers turn into one load.
 */
#include "util/compat.h"

#include "util/hashset.h"
#include "util/xalloc.h"

#define HS_MIN_CAP 64
#define GOLDEN 0x9e3779b97f4a7c15ull

static size_t
slot_of(uint64_t h, size_t cap)
{
	/* cap is a power of two >= 64, so the shift is in 1..58. */
	return (size_t)((h * GOLDEN) >> (64 - __builtin_ctzll(cap)));
}

static void
insert_new(uint64_t *slots, size_t cap, uint64_t h)
{
	size_t i = slot_of(h, cap);

	while (slots[i])
		i = (i + 1) & (cap - 1);
	slots[i] = h;
}

static void
grow(struct ir_hashset *s)
{
	size_t ncap = s->cap ? s->cap * 2 : HS_MIN_CAP;
	uint64_t *ns = xcalloc(ncap, sizeof(*ns));

	for (size_t i = 0; i < s->cap; i++)
		if (s->slots[i])
			insert_new(ns, ncap, s->slots[i]);
	free(s->slots);
	s->slots = ns;
	s->cap = ncap;
}

bool
ir_hashset_has(const struct ir_hashset *s, uint64_t h)
{
	size_t i;

	if (!h)
		return s->has_zero;
	if (!s->cap)
		return false;
	for (i = slot_of(h, s->cap); s->slots[i]; i = (i + 1) & (s->cap - 1))
		if (s->slots[i] == h)
			return true;
	return false;
}

bool
ir_hashset_add(struct ir_hashset *s, uint64_t h)
{
	size_t i;

	if (!h) {
		if (s->has_zero)
			return false;
		s->has_zero = true;
		s->n++;
		return true;
	}
	if ((s->n + 1) * 2 > s->cap)
		grow(s);
	for (i = slot_of(h, s->cap); s->slots[i]; i = (i + 1) & (s->cap - 1))
		if (s->slots[i] == h)
			return false;
	s->slots[i] = h;
	s->n++;
	return true;
}

void
ir_hashset_release(struct ir_hashset *s)
{
	free(s->slots);
	s->slots = NULL;
	s->cap = s->n = 0;
	s->has_zero = false;
}

static uint64_t
mum(uint64_t a, uint64_t b)
{
	__uint128_t r = (__uint128_t)a * b;

	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

static uint64_t
load64(const unsigned char *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static uint64_t
load_tail(const unsigned char *p, size_t n)
{
	uint64_t v = 0;

	/* 1..7 bytes, byte order irrelevant as long as it is consistent. */
	memcpy(&v, p, n);
	return v;
}

uint64_t
ir_hash64(const void *data, size_t len, uint64_t seed)
{
	static const uint64_t k0 = 0xa0761d6478bd642full;
	static const uint64_t k1 = 0xe7037ed1a0b428dbull;
	const unsigned char *p = data;
	uint64_t h = seed ^ k0 ^ mum(len ^ k1, k0);
	size_t i = 0;

	for (; i + 16 <= len; i += 16)
		h = mum(load64(p + i) ^ k1 ^ h, load64(p + i + 8) ^ k0);
	if (i + 8 <= len) {
		h = mum(load64(p + i) ^ k1, h ^ k0);
		i += 8;
	}
	if (i < len)
		h = mum(load_tail(p + i, len - i) ^ k0, h ^ k1);
	return mum(h ^ k1, (uint64_t)len ^ k0 ^ GOLDEN);
}
