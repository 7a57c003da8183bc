/* SPDX-License-Identifier: MIT */
/*
 * ingest.c - many files read as one stream, each record delivered once.
 *
 * The Management Activity API redelivers events in later content blobs
 * (cases/04), and people export the same days twice, from Purview and
 * from PowerShell. A record is identified by its own id together with its
 * time and operation (the UAL Id alone is not unique across workloads in
 * every export); events without an id are never treated as duplicates,
 * because nothing says two of them are the same.
 *
 * Only a 64-bit hash of that key is kept, in a table of fixed size
 * (SEEN_BUCKETS buckets of SEEN_WAYS hashes: 8 MiB, allocated on the
 * first event; the kernel backs a page only once it is written), so
 * memory never follows the size of the files. A bucket is a small FIFO:
 * a new record goes in front, and when the bucket is full its oldest hash
 * falls off the end (counted as dedupe_forgotten, which the coverage
 * report shows, so the approximation is never silent). Up to about
 * 300,000 distinct records (some 2 GiB of unified audit log JSON Lines
 * under `analyze`, whose prefilter delivers one record in six; 0.4 GiB
 * for `m365ir events`, which delivers all) fewer than one bucket in a
 * thousand has overflowed; at a million, a third have, each forgetting its
 * oldest hashes. So past a few hundred thousand records a copy that comes
 * long after its original may be delivered again; overlapping exports
 * concatenated end to end meet this first. A second delivery mostly
 * repeats evidence already there, but a failed sign-in delivered twice is
 * two failures to brute-force and password-spray (which pair only copies
 * from the other log, signin.h).
 *
 * The price of keeping hashes is a chance of two different records sharing
 * one: with n records in the table about n^2 / 2^65 (3e-8 for ten million
 * records). A collision drops one event as a duplicate, which is far
 * rarer than the export problems this removes; an attacker cannot aim for
 * it without knowing the seed, and the seed is fixed only so that runs
 * are reproducible.
 */
#include "util/compat.h"

#include "util/hashset.h"
#include "util/xalloc.h"
#include "logs/logs.h"

#define KEY_SEED 0x6d33363569722d31ull /* "m365ir-1" */
#define SEEN_BITS 17
#define SEEN_BUCKETS (1u << SEEN_BITS)
#define SEEN_WAYS 8 /* 64 bytes: one cache line per bucket */
#define SEEN_EMPTY 0

/* The records delivered lately: see the top of the file. */
struct seen {
	uint64_t (*b)[SEEN_WAYS]; /* NULL until the first add */
};

struct ir_ingest {
	struct ir_reader_opts opts;
	struct seen seen;
	struct ir_file_stats *stats;
	size_t nstats, alloc;
};

int
ir_ingest_new(struct ir_ingest **out, const struct ir_reader_opts *opts,
	      struct ir_err *err)
{
	struct ir_ingest *ing = xcalloc(1, sizeof(*ing));

	if (opts)
		ing->opts = *opts;
	*out = ing;
	return 0;
}

void
ir_ingest_free(struct ir_ingest *ing)
{
	if (!ing)
		return;
	free(ing->seen.b);
	free(ing->stats);
	free(ing);
}

const struct ir_file_stats *
ir_ingest_stats(const struct ir_ingest *ing, size_t *n)
{
	*n = ing->nstats;
	return ing->stats;
}

/* The identity of an event, or 0 (with *has = false) when it has no id. */
static uint64_t
event_key(const struct ir_event *ev, bool *has)
{
	uint64_t h;
	int64_t t[2] = { 0, -1 };

	*has = ev->id && ev->id[0];
	if (!*has)
		return 0;
	if (ev->has_time) {
		t[0] = ev->time.sec;
		t[1] = ev->time.nsec;
	}
	h = ir_hash64(ev->id, strlen(ev->id), KEY_SEED);
	h = ir_hash64(t, sizeof(t), h);
	if (ev->operation)
		h = ir_hash64(ev->operation, strlen(ev->operation), h);
	return h;
}

/*
 * Add `h`; false when it was seen lately. The front of a bucket is its
 * newest hash and empty slots are at the back, so a lookup stops at the
 * first empty one.
 */
static bool
seen_add(struct seen *s, uint64_t h, uint64_t *forgotten)
{
	uint64_t *b;
	size_t i;

	if (!s->b)
		s->b = xcalloc(SEEN_BUCKETS, sizeof(*s->b));
	/* 0 marks an empty slot, so the hash 0 is kept as 1. */
	if (h == SEEN_EMPTY)
		h = 1;
	/* Fibonacci hashing: the top bits of h times 2^64/phi. */
	b = s->b[(h * 0x9e3779b97f4a7c15ull) >> (64 - SEEN_BITS)];
	for (i = 0; i < SEEN_WAYS && b[i] != SEEN_EMPTY; i++)
		if (b[i] == h)
			return false;
	if (i == SEEN_WAYS)
		(*forgotten)++; /* the oldest falls off: report it */
	memmove(b + 1, b, (SEEN_WAYS - 1) * sizeof(*b));
	b[0] = h;
	return true;
}

static struct ir_file_stats *
add_stats(struct ir_ingest *ing, const char *path)
{
	struct ir_file_stats *st;

	IR_ALLOC_GROW(ing->stats, ing->nstats + 1, ing->alloc);
	st = &ing->stats[ing->nstats++];
	memset(st, 0, sizeof(*st));
	st->file = path;
	return st;
}

/* Deliver unless seen before; returns the callback's verdict. */
static int
one_event(struct ir_ingest *ing, struct ir_file_stats *st,
	  const struct ir_event *ev, const struct ir_ingest_cb *cb)
{
	bool has_id;
	uint64_t key = event_key(ev, &has_id);

	if (has_id && !seen_add(&ing->seen, key, &st->dedupe_forgotten)) {
		st->duplicates++;
		return 0;
	}
	return cb->event ? cb->event(ev, cb->payload) : 0;
}

int
ir_ingest_file(struct ir_ingest *ing, const char *path,
	       const struct ir_ingest_cb *cb, struct ir_err *err)
{
	struct ir_file_stats *st = add_stats(ing, path);
	struct ir_reader *r = NULL;
	const struct ir_event *ev;
	uint64_t dups, forgotten;
	int ret;

	if ((ret = ir_reader_open(&r, path, &ing->opts, err)) < 0) {
		ing->stats[ing->nstats - 1].truncated = true;
		return ret;
	}
	while ((ret = ir_reader_next(r, &ev, err)) != 0) {
		if (ret == IR_EPARSE) {
			if (cb->problem)
				cb->problem(err, cb->payload);
			continue;
		}
		if (ret < 0)
			break;
		/* progress readers watch this while the file is read */
		st->bytes = ir_reader_stats(r)->bytes;
		if ((ret = one_event(ing, st, ev, cb)) != 0)
			break;
	}
	dups = st->duplicates;
	forgotten = st->dedupe_forgotten;
	*st = *ir_reader_stats(r);
	st->duplicates = dups;
	st->dedupe_forgotten = forgotten;
	ir_reader_free(r);
	return ret;
}
