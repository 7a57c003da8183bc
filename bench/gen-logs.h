/* SPDX-License-Identifier: MIT */
/*
 * gen-logs.h - what the parts of the log generator share.
 *
 * gen-logs.c is the driver: a seeded PRNG, JSON and time helpers, record
 * templates and the benchmark modes. gen-story.c knows Contoso: its
 * people, a fortnight of ordinary work and one compromised account.
 * gen-render.c renders each event in the real export shapes (Management
 * Activity API JSON, Purview CSV, Graph signIn, Graph directoryAudit).
 *
 * Nothing here reads the clock or calls rand(): the same build writes the
 * same bytes, so tests can cmp two runs and the demo never changes.
 *
 * Records are rendered once with slot markers instead of their Id and
 * times (GEN_SLOT_*); a template is then written as often as needed with
 * fresh values. The demo writes each template once, the benchmark writes
 * a few hundred templates a million times, which is what makes it fast.
 */
#ifndef GEN_LOGS_H
#define GEN_LOGS_H

#include "util/compat.h"

#include "util/buf.h"

/* xoshiro256**: fast, good enough, and the same on every platform. */
struct gen_rng {
	uint64_t s[4];
};

void gen_rng_seed(struct gen_rng *r, uint64_t seed);
uint64_t gen_rng_next(struct gen_rng *r);
/* Uniform in [0, n); n > 0. */
uint32_t gen_rng_below(struct gen_rng *r, uint32_t n);
/* A random GUID in the 8-4-4-4-12 spelling (37 bytes with the NUL). */
void gen_rng_guid(struct gen_rng *r, char out[37]);

/*
 * Slot markers. They are control bytes no JSON string may hold raw, so a
 * rendered record can carry them and still be told apart from its text.
 */
#define GEN_SLOT_ID '\x01'    /* record Id, 36 characters */
#define GEN_SLOT_ISO '\x02'   /* 2026-11-24T00:15:03 (UAL CreationTime) */
#define GEN_SLOT_US '\x03'    /* 11/24/2026 12:15:03 AM (Purview CSV) */
#define GEN_SLOT_GRAPH '\x04' /* 2026-11-24T00:15:03.1234567Z (Graph) */
#define GEN_SLOT_ISO_STR "\x02"

/* The values a template's slots are filled with. */
struct gen_slots {
	const char *id;
	int64_t sec;	/* Unix seconds, UTC */
	uint32_t frac7; /* 100 ns units, for the Graph spelling */
};

/* A rendered record split at its slots, ready to be written many times. */
struct gen_tmpl_seg {
	const char *lit;
	size_t len;
	int slot; /* 0 or a GEN_SLOT_* byte that follows `lit` */
};

struct gen_tmpl {
	char *text;
	struct gen_tmpl_seg *seg;
	size_t nseg;
	size_t bytes; /* approximate output size, for size targets */
};

void gen_tmpl_compile(struct gen_tmpl *t, const char *text, size_t len);
void gen_tmpl_release(struct gen_tmpl *t);
void gen_tmpl_write(struct ir_buf *out, const struct gen_tmpl *t,
		    const struct gen_slots *s);

/* Expand one rendered record straight away (the demo's path). */
void gen_expand(struct ir_buf *out, const char *text, size_t len,
		const struct gen_slots *s);

/* Unix seconds of a UTC civil time. */
int64_t gen_epoch(int y, int mo, int d, int h, int mi, int s);

/*
 * JSON building. Each helper appends a member (or array element) and puts
 * the separating comma in itself, looking at the last byte written, so the
 * renderers read like the records they produce. Strings are escaped as
 * JSON requires; with gen_json_escape_slash(true) `/` becomes `\/`, as the
 * Purview export writes it.
 */
void gen_json_escape_slash(bool on);
void gj_esc(struct ir_buf *b, const char *s);
void gj_str(struct ir_buf *b, const char *key, const char *val);
void gj_strf(struct ir_buf *b, const char *key, const char *fmt, ...)
	IR_PRINTF(3, 4);
void gj_num(struct ir_buf *b, const char *key, long long v);
void gj_raw(struct ir_buf *b, const char *key, const char *raw);
void gj_open(struct ir_buf *b, const char *key, char bracket);
void gj_close(struct ir_buf *b, char bracket);
/* {"Name":name,"Value":value} as an array element. */
void gj_nv(struct ir_buf *b, const char *name, const char *val);
/* {"key":key,"value":value} (Graph additionalDetails). */
void gj_kv(struct ir_buf *b, const char *key, const char *val);

/* Write `b` to `f` and empty it; false (errno set) on a write error. */
bool gen_flush(FILE *f, struct ir_buf *b);

/* gen-story.c: the Contoso export (`gen-logs demo DIR`). */
int gen_demo(const char *dir);

/*
 * gen-story.c: render `n` benchmark record templates into `out` as Management
 * Activity API JSON (csv false) or Purview CSV rows (csv true), with the
 * tenant's usual mix of operations.
 */
void gen_bench_templates(struct gen_tmpl *out, size_t n, bool csv,
			 struct gen_rng *r);

#endif
