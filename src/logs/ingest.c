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
 * Only a 64-bit hash of that key is kept, 8 bytes per distinct record
 * (util/hashset.h), so memory follows the number of distinct records,
 * never the size of the files. The price is a chance of two different
 * records sharing a hash: with n records about n^2 / 2^65, i.e. 3e-8 for
 * ten million records and 3e-6 for a hundred million. A collision drops
 * one event as a duplicate, which is far rarer than the export problems
 * this removes; an attacker cannot aim for it without knowing the seed,
 * and the seed is fixed only so that runs are reproducible.
 */
#include "util/compat.h"

#include "util/hashset.h"
#include "util/xalloc.h"
#include "logs/logs.h"

#define KEY_SEED 0x6d33363569722d31ull /* "m365ir-1" */

struct ir_ingest {
	struct ir_reader_opts opts;
	struct ir_hashset seen;
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
	ir_hashset_release(&ing->seen);
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

	if (has_id && !ir_hashset_add(&ing->seen, key)) {
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
	uint64_t dups;
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
		if ((ret = one_event(ing, st, ev, cb)) != 0)
			break;
	}
	dups = st->duplicates;
	*st = *ir_reader_stats(r);
	st->duplicates = dups;
	ir_reader_free(r);
	return ret;
}
