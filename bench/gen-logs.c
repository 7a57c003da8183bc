/* SPDX-License-Identifier: MIT */
/*
 * gen-logs.c - the driver of the log generator: `gen-logs demo DIR`
 * writes the Contoso export that `make demo` and tests/e2e/demo.sh
 * analyse, `gen-logs ual-jsonl|purview-csv SIZE_MB FILE` write benchmark
 * inputs (bench/run.sh).
 *
 * Determinism is the point: a fixed seed, our own PRNG, no clock. Speed
 * matters for the benchmark inputs (1 GB should take seconds, not a
 * minute), so records are rendered once into templates with slot markers
 * (gen-logs.h) and written by memcpy with a fresh Id and time each.
 * This is a developer tool, not part of m365ir: it prints and exits.
 */
#include "bench/gen-logs.h"

#include <errno.h>
#include <stdarg.h>

#include "util/err.h"
#include "util/time.h"
#include "util/xalloc.h"

#define GEN_SEED 0x436f6e746f736fULL /* "Contoso" */
#define FLUSH_AT (8u << 20)

static bool escape_slash;

static uint64_t
rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

void
gen_rng_seed(struct gen_rng *r, uint64_t seed)
{
	/* splitmix64 spreads one seed over the four words of state. */
	for (size_t i = 0; i < 4; i++) {
		uint64_t z = (seed += 0x9e3779b97f4a7c15ULL);

		z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
		z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
		r->s[i] = z ^ (z >> 31);
	}
}

uint64_t
gen_rng_next(struct gen_rng *r)
{
	uint64_t *s = r->s;
	uint64_t out = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;

	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return out;
}

/* Lemire's multiply-shift: no division, and bias far below notice. */
uint32_t
gen_rng_below(struct gen_rng *r, uint32_t n)
{
	return (uint32_t)(((gen_rng_next(r) >> 32) * n) >> 32);
}

void
gen_rng_guid(struct gen_rng *r, char out[37])
{
	static const char hex[] = "0123456789abcdef";
	uint64_t a, b;
	size_t o = 0;

	a = gen_rng_next(r);
	b = gen_rng_next(r);

	for (size_t i = 0; i < 32; i++) {
		uint64_t w = i < 16 ? a : b;

		if (i == 8 || i == 12 || i == 16 || i == 20)
			out[o++] = '-';
		out[o++] = hex[(w >> ((i % 16) * 4)) & 15];
	}
	out[o] = '\0';
}

int64_t
gen_epoch(int y, int mo, int d, int h, int mi, int s)
{
	return ir_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 +
	       h * 3600 + mi * 60 + s;
}

/* Hinnant's civil_from_days, so no libc time function is needed. */
static void
civil(int64_t sec, int f[6])
{
	int64_t z = sec / 86400 + 719468, rem = sec % 86400;
	int64_t era = z / 146097, doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;

	f[2] = (int)(doy - (153 * mp + 2) / 5 + 1);
	f[1] = (int)(mp < 10 ? mp + 3 : mp - 9);
	f[0] = (int)(yoe + era * 400 + (f[1] <= 2));
	f[3] = (int)(rem / 3600);
	f[4] = (int)(rem / 60 % 60);
	f[5] = (int)(rem % 60);
}

static void
add_slot(struct ir_buf *out, int slot, const struct gen_slots *s)
{
	/* One record has several times but one instant: cache its text. */
	static int64_t cached = -1;
	static char iso[24], us[32];
	static size_t us_len;
	int f[6];

	if (slot == GEN_SLOT_ID) {
		ir_buf_add(out, s->id, 36);
		return;
	}
	if (s->sec != cached) {
		civil(s->sec, f);
		snprintf(iso, sizeof(iso), "%04d-%02d-%02dT%02d:%02d:%02d",
			 f[0], f[1], f[2], f[3], f[4], f[5]);
		us_len = (size_t)snprintf(us, sizeof(us),
					  "%d/%d/%d %d:%02d:%02d %s", f[1],
					  f[2], f[0],
					  f[3] % 12 ? f[3] % 12 : 12, f[4],
					  f[5], f[3] < 12 ? "AM" : "PM");
		cached = s->sec;
	}
	if (slot == GEN_SLOT_ISO)
		ir_buf_add(out, iso, 19);
	else if (slot == GEN_SLOT_US)
		ir_buf_add(out, us, us_len);
	else
		ir_buf_addf(out, "%s.%07uZ", iso, (unsigned)s->frac7);
}

/*
 * Split `text` at its slot markers. A NUL inside the text is kept as text:
 * the last segment is the one that ends at `len`, with no slot after it.
 */
void
gen_tmpl_compile(struct gen_tmpl *t, const char *text, size_t len)
{
	size_t start = 0, alloc = 8;

	t->text = xmemdupz(text, len);
	t->seg = xmalloc(alloc * sizeof(*t->seg));
	t->nseg = 0;
	t->bytes = len;
	for (size_t i = 0; i <= len; i++) {
		int c = i < len ? (unsigned char)text[i] : 0;

		if (i < len && (c == 0 || c > GEN_SLOT_GRAPH))
			continue;
		if (t->nseg == alloc) {
			alloc *= 2;
			t->seg = xrealloc(t->seg, alloc * sizeof(*t->seg));
		}
		t->seg[t->nseg].lit = t->text + start;
		t->seg[t->nseg].len = i - start;
		t->seg[t->nseg++].slot = c;
		t->bytes += c ? 20 : 0;
		start = i + 1;
	}
}

void
gen_tmpl_release(struct gen_tmpl *t)
{
	free(t->text);
	free(t->seg);
	t->text = NULL;
	t->seg = NULL;
}

void
gen_tmpl_write(struct ir_buf *out, const struct gen_tmpl *t,
	       const struct gen_slots *s)
{
	for (size_t i = 0; i < t->nseg; i++) {
		ir_buf_add(out, t->seg[i].lit, t->seg[i].len);
		if (t->seg[i].slot)
			add_slot(out, t->seg[i].slot, s);
	}
}

void
gen_expand(struct ir_buf *out, const char *text, size_t len,
	   const struct gen_slots *s)
{
	struct gen_tmpl t;

	gen_tmpl_compile(&t, text, len);
	gen_tmpl_write(out, &t, s);
	gen_tmpl_release(&t);
}

void
gen_json_escape_slash(bool on)
{
	escape_slash = on;
}

void
gj_esc(struct ir_buf *b, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			ir_buf_addch(b, '\\');
		if (c == '/' && escape_slash)
			ir_buf_addch(b, '\\');
		if (c == '\r' || c == '\n' || c == '\t')
			ir_buf_addf(b, "\\%c",
				    c == '\r'	? 'r'
				    : c == '\n' ? 'n'
						: 't');
		else if (c < 0x20)
			ir_buf_addf(b, "\\u%04x", c);
		else
			ir_buf_addch(b, c);
	}
}

/* The comma before a member, unless it is the first in its container. */
static void
sep(struct ir_buf *b)
{
	char last = b->len ? b->buf[b->len - 1] : '{';

	if (last != '{' && last != '[')
		ir_buf_addch(b, ',');
}

static void
key(struct ir_buf *b, const char *k)
{
	sep(b);
	if (!k)
		return;
	ir_buf_addch(b, '"');
	gj_esc(b, k);
	ir_buf_addstr(b, "\":");
}

void
gj_str(struct ir_buf *b, const char *k, const char *val)
{
	key(b, k);
	if (!val) {
		ir_buf_addstr(b, "null");
		return;
	}
	ir_buf_addch(b, '"');
	/* Slot markers pass through unescaped: gen_expand replaces them. */
	if (val[0] > 0 && val[0] <= GEN_SLOT_GRAPH && !val[1])
		ir_buf_addch(b, val[0]);
	else
		gj_esc(b, val);
	ir_buf_addch(b, '"');
}

void
gj_strf(struct ir_buf *b, const char *k, const char *fmt, ...)
{
	char tmp[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	gj_str(b, k, tmp);
}

void
gj_num(struct ir_buf *b, const char *k, long long v)
{
	key(b, k);
	ir_buf_addf(b, "%lld", v);
}

void
gj_raw(struct ir_buf *b, const char *k, const char *raw)
{
	key(b, k);
	ir_buf_addstr(b, raw);
}

void
gj_open(struct ir_buf *b, const char *k, char bracket)
{
	key(b, k);
	ir_buf_addch(b, bracket);
}

void
gj_close(struct ir_buf *b, char bracket)
{
	ir_buf_addch(b, bracket);
}

void
gj_nv(struct ir_buf *b, const char *name, const char *val)
{
	gj_open(b, NULL, '{');
	gj_str(b, "Name", name);
	gj_str(b, "Value", val);
	gj_close(b, '}');
}

void
gj_kv(struct ir_buf *b, const char *k, const char *val)
{
	gj_open(b, NULL, '{');
	gj_str(b, "key", k);
	gj_str(b, "value", val);
	gj_close(b, '}');
}

bool
gen_flush(FILE *f, struct ir_buf *b)
{
	bool ok = fwrite(b->buf, 1, b->len, f) == b->len;

	ir_buf_reset(b);
	return ok;
}

/*
 * Benchmark input: templates drawn at random, each with a new Id and a
 * clock that moves 0-3 seconds per record from 2026-11-01, until the file
 * holds `mb` MiB.
 */
static int
bench(const char *mode, const char *size, const char *path)
{
	bool csv = !strcmp(mode, "purview-csv");
	struct gen_tmpl tmpl[512];
	struct gen_rng r;
	struct ir_buf out = IR_BUF_INIT;
	struct gen_slots s = {0};
	char id[37], *end;
	uint64_t target, written = 0;
	long mb = strtol(size, &end, 10);
	FILE *f;

	if (*end || mb <= 0 || mb > (1L << 20))
		return fprintf(stderr, "gen-logs: bad size '%s'\n", size), 2;
	f = fopen(path, "wb");
	if (!f)
		return fprintf(stderr, "gen-logs: %s: %s\n", path,
			       strerror(errno)),
		       1;
	gen_rng_seed(&r, GEN_SEED ^ (csv ? 2 : 1));
	gen_bench_templates(tmpl, IR_ARRAY_SIZE(tmpl), csv, &r);
	target = (uint64_t)mb << 20;
	ir_buf_grow(&out, FLUSH_AT + 65536);
	if (csv)
		ir_buf_addstr(&out,
			      "RecordId,CreationDate,RecordType,"
			      "Operation,UserId,AuditData,AssociatedAdminUnits,"
			      "AssociatedAdminUnitsNames\r\n");
	s.id = id;
	s.sec = gen_epoch(2026, 11, 1, 0, 0, 0);
	while (written + out.len < target) {
		const struct gen_tmpl *t = &tmpl[gen_rng_below(&r, 512)];

		gen_rng_guid(&r, id);
		s.sec += gen_rng_below(&r, 4);
		gen_tmpl_write(&out, t, &s);
		if (out.len >= FLUSH_AT) {
			written += out.len;
			if (!gen_flush(f, &out))
				break;
		}
	}
	written += out.len;
	if (!gen_flush(f, &out) || fclose(f))
		return fprintf(stderr, "gen-logs: %s: %s\n", path,
			       strerror(errno)),
		       1;
	for (size_t i = 0; i < IR_ARRAY_SIZE(tmpl); i++)
		gen_tmpl_release(&tmpl[i]);
	ir_buf_release(&out);
	return 0;
}

static int
usage(void)
{
	fputs("usage: gen-logs demo DIR\n"
	      "       gen-logs ual-jsonl SIZE_MB FILE\n"
	      "       gen-logs purview-csv SIZE_MB FILE\n",
	      stderr);
	return 2;
}

int
main(int argc, char **argv)
{
	if (argc == 3 && !strcmp(argv[1], "demo"))
		return gen_demo(argv[2]) ? 1 : 0;
	if (argc == 4 &&
	    (!strcmp(argv[1], "ual-jsonl") || !strcmp(argv[1], "purview-csv")))
		return bench(argv[1], argv[2], argv[3]);
	return usage();
}
