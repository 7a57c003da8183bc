/* SPDX-License-Identifier: MIT */
/*
 * fuzz-csv.c - the CSV reader under arbitrary bytes and read boundaries.
 *
 * The input is parsed twice with a small record cap: in one read, and in
 * reads whose sizes come from the data, so chunk boundaries get fuzzed.
 * The transcripts (rows, fields, errors) must be identical, every row has
 * a field, and copying every field makes ASan check its bounds. Then the
 * input, cut into fields, is written with ir_csv_quote() and read back:
 * fields without NUL or a formula-leading character come back unchanged.
 */
#include "util/compat.h"

#include "util/buf.h"
#include "util/csv.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct src {
	const uint8_t *p;
	size_t len, off;
	bool chunky;
};

static long
rd(void *payload, char *dst, size_t cap)
{
	struct src *s = payload;
	size_t n = s->len - s->off;

	if (s->chunky && n && n > 1u + s->p[s->off] % 13)
		n = 1u + s->p[s->off] % 13;
	n = n < cap ? n : cap;
	memcpy(dst, s->p + s->off, n);
	s->off += n;
	return (long)n;
}

static void
parse(struct ir_buf *t, const uint8_t *p, size_t len, bool chunky, size_t max)
{
	struct src s = {p, len, 0, chunky};
	struct ir_err err = IR_ERR_INIT;
	struct ir_csv_row row;
	struct ir_csv *csv;
	int ret = 1;

	if (ir_csv_new(&csv, rd, &s, &err) < 0)
		abort();
	ir_csv_set_max_record(csv, max);
	while (ret) {
		ret = ir_csv_next(csv, &row, &err);
		if (ret < 0)
			ir_buf_addf(t, "!%s\n", err.msg);
		if (ret != 1)
			continue;
		if (row.n < 1)
			abort();
		ir_buf_addf(t, "%llu %zu\n", (unsigned long long)row.line,
			    row.n);
		for (size_t i = 0; i < row.n; i++) {
			if (row.field[i].len > len)
				abort();
			ir_buf_addf(t, "%zu%d:", row.field[i].len,
				    row.field[i].quoted);
			ir_buf_add(t, row.field[i].ptr, row.field[i].len);
		}
	}
	ir_csv_free(csv);
}

/* The field of `p` at *start, cut at 0x1F; false past the last one. */
static bool
cut(const uint8_t *p, size_t len, size_t start, size_t *flen)
{
	const uint8_t *e;

	if (start > len)
		return false;
	e = memchr(p + start, 0x1F, len - start);
	*flen = e ? (size_t)(e - p) - start : len - start;
	return true;
}

/* Write the fields 3 to a row, read them back, compare. */
static void
round_trip(const uint8_t *p, size_t len)
{
	struct ir_buf w = IR_BUF_INIT;
	struct ir_err err = IR_ERR_INIT;
	struct ir_csv_row row;
	struct ir_csv *csv;
	struct src s = {NULL, 0, 0, false};
	size_t start = 0, flen = 0, nf = 0, rows = 0;

	for (; cut(p, len, start, &flen); start += flen + 1) {
		ir_csv_quote(&w, (const char *)p + start, flen);
		ir_buf_addstr(&w, ++nf % 3 ? "," : "\n");
	}
	while (nf % 3)
		ir_buf_addstr(&w, ++nf % 3 ? "," : "\n");
	s.p = (const uint8_t *)w.buf;
	s.len = w.len;
	if (ir_csv_new(&csv, rd, &s, &err) < 0)
		abort();
	for (start = 0; ir_csv_next(csv, &row, &err) == 1; rows++) {
		for (size_t i = 0; i < 3 && row.n == 3; i++) {
			const char *f = (const char *)p + start;

			if (!cut(p, len, start, &flen))
				flen = 0; /* a padding field */
			start += flen + 1;
			if (flen &&
			    (memchr("=+-@\t\r", f[0], 6) || memchr(f, 0, flen)))
				continue;
			if (row.field[i].len != flen ||
			    memcmp(row.field[i].ptr, f, flen))
				abort();
		}
		if (row.n != 3)
			abort();
	}
	if (rows != nf / 3)
		abort();
	ir_csv_free(csv);
	ir_buf_release(&w);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ir_buf a = IR_BUF_INIT, b = IR_BUF_INIT;
	size_t max = 16 + (size ? data[0] : 0);

	parse(&a, data, size, false, max);
	parse(&b, data, size, true, max);
	if (a.len != b.len || memcmp(a.buf, b.buf, a.len))
		abort();
	ir_buf_release(&a);
	ir_buf_release(&b);
	round_trip(data, size);
	return 0;
}
