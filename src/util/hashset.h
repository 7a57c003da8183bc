/* SPDX-License-Identifier: MIT */
/*
 * hashset.h - a set of 64-bit hashes, and the string hash that feeds it.
 *
 * Sets of things that are few however large the logs are: the users seen
 * (for tenant-domain inference), the flagged users of a timeline. A
 * member costs 8 to 16 bytes; for sets that grow with the input, such as
 * the ids ir_ingest has delivered, use a bounded structure instead
 * (ingest.c keeps a fixed-size table).
 *
 * The set is open addressing with linear probing over a power-of-two table
 * kept at most half full; every value is a valid member, 0 included. It
 * only grows; ir_hashset_release() frees it.
 *
 *	struct ir_hashset seen = IR_HASHSET_INIT;
 *	uint64_t h = ir_hash64(id, strlen(id), 0);
 *	if (!ir_hashset_add(&seen, h))
 *		duplicates++;
 *	ir_hashset_release(&seen);
 *
 * ir_hash64() is a fast non-cryptographic hash (64x64->128 multiply-fold,
 * in the manner of wyhash): good distribution, not collision resistant
 * against an adversary who can choose inputs freely, which is acceptable
 * for sets of names taken from the logs (ingest.c explains the same trade
 * for duplicate removal).
 */
#ifndef IR_HASHSET_H
#define IR_HASHSET_H

#include "util/compat.h"

struct ir_hashset {
	uint64_t *slots; /* 0 marks an empty slot; the member 0 is has_zero */
	size_t cap;	 /* slots, a power of two (0 before the first add) */
	size_t n;	 /* members, has_zero included */
	bool has_zero;
};

#define IR_HASHSET_INIT { NULL, 0, 0, false }

/* Add `h`; true when it was not a member yet. May grow the table. */
bool ir_hashset_add(struct ir_hashset *s, uint64_t h);

/* True when `h` is a member. */
bool ir_hashset_has(const struct ir_hashset *s, uint64_t h);

/* Free the table; `s` is empty and reusable afterwards. */
void ir_hashset_release(struct ir_hashset *s);

/* Hash `len` bytes at `p` (may hold NULs), mixed with `seed`. */
uint64_t ir_hash64(const void *p, size_t len, uint64_t seed);

#endif
