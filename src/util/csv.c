/* SPDX-License-Identifier: MIT */
/*
 * csv.c - the streaming RFC 4180 reader and the safe field writer.
 *
 * The reader parses in place in one read buffer (256 KiB; it grows only
 * for a record longer than that, never past the record cap). Field bytes
 * are found with memchr(): commas and LFs for unquoted fields, the next
 * quote inside quoted ones. Doubled quotes are unescaped by sliding the
 * field's bytes left over the dropped quote; from the first one on, a
 * quoted field is copied 8 bytes at a time (copy_to_quote()), because a
 * Purview AuditData cell has a "" every dozen bytes and a memchr() plus
 * memmove() per segment was the bottleneck. A field is kept
 * as (offset, length) until its record is complete: a refill may move the
 * unfinished record to the front of the buffer. The parser is a small state
 * machine that can stop at any byte and resume after a refill, so chunk
 * boundaries never change the result.
 *
 * Leniency, chosen to match what Excel and Python's csv module do with
 * the files M365 admins actually hand us:
 *  - a quote inside an unquoted field is a literal character;
 *  - text after a closing quote (`"abc"def,`) is appended to the field,
 *    with quotes in it literal, and the field still counts as quoted;
 *  - a record ends at LF or CRLF, and a CR right before the end of input
 *    is dropped too; a CR anywhere else outside quotes is data (no M365
 *    tool writes old Mac CR-only files);
 *  - empty lines are skipped (a Log Analytics export may end with one).
 *
 * Line numbers count LFs: those inside quoted fields are counted when the
 * field ends, by one memchr() pass over its (unescaped) content.
 *
 * The record cap: a record may hold at most `max` bytes, its line end
 * included. The check is made on the byte offset, not on how much happens
 * to be buffered, so it fires at the same byte whatever the read sizes.
 * After reporting it, the reader discards the bytes read so far and
 * resynchronises at the next LF in the raw input, ignoring quotes: a
 * runaway record is most often a missing closing quote, and the quote
 * state is exactly what cannot be trusted then. A record with more than
 * CSV_MAX_FIELDS fields is reported too (it would otherwise cost 48 bytes
 * of field table per comma), but it ended cleanly, so nothing is skipped.
 *
 * The writer's choices are documented at is_negative_number() (why "-5"
 * gets no `'`) and needs_quotes() (why a leading BOM is quoted).
 */
#include "util/compat.h"

#include <inttypes.h>

#include "util/buf.h"
#include "util/csv.h"
#include "util/err.h"
#include "util/xalloc.h"

#define CSV_BUF_SIZE (256u << 10)
/* Excel stops at 16384 columns; M365 exports use at most a few hundred. */
#define CSV_MAX_FIELDS 65536

enum state {
	ST_FIELD,    /* at the first byte of a field */
	ST_UNQUOTED, /* in an unquoted field, or text after a closing quote */
	ST_QUOTED,   /* between the quotes of a quoted field */
	ST_CLOSED,   /* right after a quote inside a quoted field */
	ST_SKIP,     /* discarding the rest of an oversized record's line */
	ST_DONE,     /* end of input, or an unterminated quote was reported */
};

enum step {
	STEP_MORE,	   /* keep going */
	STEP_RECORD,	   /* a record ended */
	STEP_END,	   /* no more records */
	STEP_UNTERMINATED, /* the input ended inside a quoted field */
};

/* A field while its record is parsed: offsets survive buffer moves. */
struct span {
	size_t off;
	size_t len;
	bool quoted;
};

struct ir_csv {
	ir_read_fn read;
	void *payload;

	char *buf;
	size_t alloc;
	size_t end;    /* bytes in buf */
	size_t rec;    /* first byte of the record being parsed */
	size_t pos;    /* next raw byte to look at */
	size_t nl;     /* no LF in [pos, nl); buf[nl] is one if nl < limit */
	size_t fstart; /* first content byte of the current field */
	size_t out;    /* where its next content byte goes (<= pos) */
	bool fquoted;
	enum state state;

	struct span *span;
	size_t nspan, span_alloc;
	bool too_many;
	struct ir_csv_field *field;
	size_t field_alloc;

	size_t max;
	uint64_t base; /* stream offset of buf[0] */
	uint64_t line; /* physical line of buf[pos] */
	uint64_t rec_line;
	uint64_t field_line;
	bool started;
	bool eof;
	int failed; /* IR_EIO once a read failed: final */
};

int
ir_csv_new(struct ir_csv **out, ir_read_fn read, void *payload,
	   struct ir_err *err)
{
	struct ir_csv *csv = xcalloc(1, sizeof(*csv));

	csv->read = read;
	csv->payload = payload;
	csv->alloc = CSV_BUF_SIZE;
	csv->buf = xmalloc(csv->alloc);
	csv->max = IR_CSV_MAX_RECORD;
	csv->line = csv->rec_line = 1;
	*out = csv;
	return 0;
}

/* A cap of 0 restores the default. */
void
ir_csv_set_max_record(struct ir_csv *csv, size_t max)
{
	csv->max = max ? max : IR_CSV_MAX_RECORD;
}

uint64_t
ir_csv_bytes(const struct ir_csv *csv)
{
	return csv->base + csv->pos;
}

void
ir_csv_free(struct ir_csv *csv)
{
	if (!csv)
		return;
	free(csv->buf);
	free(csv->span);
	free(csv->field);
	free(csv);
}

/* ---- buffer management ---- */

/* Move the unfinished record to the front of the buffer. */
static void
compact(struct ir_csv *csv)
{
	size_t shift = csv->rec;

	if (csv->nl < csv->pos)
		csv->nl = csv->pos;
	memmove(csv->buf, csv->buf + shift, csv->end - shift);
	csv->rec = 0;
	csv->pos -= shift;
	csv->end -= shift;
	csv->nl -= shift;
	/* Only a field in progress has live fstart/out; others are reset. */
	csv->fstart = csv->fstart >= shift ? csv->fstart - shift : 0;
	csv->out = csv->out >= shift ? csv->out - shift : 0;
	for (size_t i = 0; i < csv->nspan; i++)
		csv->span[i].off -= shift;
	csv->base += shift;
}

/* Room for a record longer than the buffer: never past the cap. */
static void
grow(struct ir_csv *csv)
{
	size_t want = csv->alloc > csv->max / 2 ? csv->max : csv->alloc * 2;

	if (want <= csv->alloc)
		IR_BUG("csv: grow to %zu with %zu allocated", want, csv->alloc);
	csv->buf = xrealloc(csv->buf, want);
	csv->alloc = want;
}

static int
refill(struct ir_csv *csv, struct ir_err *err)
{
	size_t room;
	long n;

	/*
	 * Compact only when less than half the buffer is free, so a read is
	 * always big and the memmove (a partial record) is rare.
	 */
	if (csv->rec > 0 && csv->alloc - csv->end < csv->alloc / 2)
		compact(csv);
	if (csv->end == csv->alloc)
		grow(csv);
	room = csv->alloc - csv->end;
	n = csv->read(csv->payload, csv->buf + csv->end, room);
	if (n < 0) {
		csv->failed = IR_EIO;
		return ir_err_set(err, IR_EIO, "line %" PRIu64 ": read error",
				  csv->line);
	}
	if ((size_t)n > room)
		IR_BUG("csv: read callback returned %ld for %zu", n, room);
	if (!n)
		csv->eof = true;
	csv->end += (size_t)n;
	return 0;
}

/* How far the current record may be scanned: the data or the cap. */
static size_t
limit(const struct ir_csv *csv)
{
	if (csv->end - csv->rec > csv->max)
		return csv->rec + csv->max;
	return csv->end;
}

static int
skip_bom(struct ir_csv *csv, struct ir_err *err)
{
	int ret;

	while (csv->end < 3 && !csv->eof) {
		ret = refill(csv, err);
		if (ret < 0)
			return ret;
	}
	if (csv->end >= 3 && !memcmp(csv->buf, "\xEF\xBB\xBF", 3))
		csv->rec = csv->pos = 3;
	csv->started = true;
	return 0;
}

/* ---- fields ---- */

static size_t
count_lf(const char *p, size_t len)
{
	const char *end = p + len;
	size_t n = 0;

	for (;;) {
		p = memchr(p, '\n', (size_t)(end - p));
		if (!p)
			return n;
		n++;
		p++;
	}
}

/* Append raw bytes [pos, stop) to the field, sliding them if unescaped. */
static void
take(struct ir_csv *csv, size_t stop)
{
	size_t n = stop - csv->pos;

	if (csv->out != csv->pos && n)
		memmove(csv->buf + csv->out, csv->buf + csv->pos, n);
	csv->out += n;
	csv->pos = stop;
}

static void
end_field(struct ir_csv *csv)
{
	size_t len = csv->out - csv->fstart;

	if (csv->fquoted)
		csv->line += count_lf(csv->buf + csv->fstart, len);
	csv->state = ST_FIELD;
	if (csv->nspan == CSV_MAX_FIELDS) {
		csv->too_many = true;
		return;
	}
	IR_ALLOC_GROW(csv->span, csv->nspan + 1, csv->span_alloc);
	csv->span[csv->nspan].off = csv->fstart;
	csv->span[csv->nspan].len = len;
	csv->span[csv->nspan].quoted = csv->fquoted;
	csv->nspan++;
}

/* An unquoted field ends at LF or at the end of input: drop one CR. */
static void
end_line_field(struct ir_csv *csv)
{
	if (csv->out > csv->fstart && csv->buf[csv->out - 1] == '\r')
		csv->out--;
	end_field(csv);
}

static void
start_record(struct ir_csv *csv)
{
	csv->rec = csv->pos;
	csv->rec_line = csv->line;
	csv->nspan = 0;
	csv->too_many = false;
	csv->state = ST_FIELD;
}

/* ---- the parser: each step consumes at least one byte below `lim` ---- */

static enum step
begin_field(struct ir_csv *csv)
{
	csv->fquoted = csv->buf[csv->pos] == '"';
	if (csv->fquoted) {
		csv->pos++;
		csv->field_line = csv->line;
	}
	csv->fstart = csv->out = csv->pos;
	csv->state = csv->fquoted ? ST_QUOTED : ST_UNQUOTED;
	return STEP_MORE;
}

/*
 * Returns the offset of the next LF below `lim`, or `lim`. The answer is
 * kept in csv->nl, so a record's fields do not each rescan to its end.
 */
static size_t
find_lf(struct ir_csv *csv, size_t lim)
{
	const char *p;

	if (csv->nl < csv->pos)
		csv->nl = csv->pos;
	if (csv->nl >= lim)
		return lim;
	if (csv->buf[csv->nl] == '\n')
		return csv->nl;
	p = memchr(csv->buf + csv->nl, '\n', lim - csv->nl);
	csv->nl = p ? (size_t)(p - csv->buf) : lim;
	return csv->nl;
}

static enum step
parse_unquoted(struct ir_csv *csv, size_t lim)
{
	size_t lf = find_lf(csv, lim);
	const char *comma = memchr(csv->buf + csv->pos, ',', lf - csv->pos);

	take(csv, comma ? (size_t)(comma - csv->buf) : lf);
	if (comma) {
		csv->pos++;
		end_field(csv);
		return STEP_MORE;
	}
	if (lf == lim)
		return STEP_MORE; /* the field goes on past what is buffered */
	csv->pos++;
	end_line_field(csv);
	csv->line++;
	return STEP_RECORD;
}

/*
 * Index of the first quote in the 8 bytes `w` (as laid out in memory), or
 * 8. The mask is exact (a 0x80 for each byte that was a quote, none
 * elsewhere), so either bit order finds the first one.
 */
static unsigned
quote_in_word(uint64_t w)
{
	const uint64_t low7 = 0x7F7F7F7F7F7F7F7Full;
	uint64_t v = w ^ 0x2222222222222222ull; /* quote bytes become 0 */
	uint64_t m = ~(((v & low7) + low7) | v | low7);

	if (!m)
		return 8;
#if __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	return (unsigned)__builtin_clzll(m) / 8;
#else
	return (unsigned)__builtin_ctzll(m) / 8;
#endif
}

/*
 * Move the bytes before the next quote below `lim` to the field's end,
 * 8 at a time: memchr() per segment is slow when a JSON cell has a
 * doubled quote every dozen bytes. A whole word is stored at `out` only
 * when it holds no quote, so the store (out <= pos) never lands on a byte
 * not yet read. Returns the quote's offset, or `lim`.
 */
static size_t
copy_to_quote(struct ir_csv *csv, size_t lim)
{
	char *buf = csv->buf;
	size_t pos = csv->pos, out = csv->out;
	const char *q;
	uint64_t w;
	unsigned k = 8;

	/* Nothing unescaped yet: no bytes to move, and memchr() is fastest. */
	if (out == pos) {
		q = memchr(buf + pos, '"', lim - pos);
		csv->pos = csv->out = q ? (size_t)(q - buf) : lim;
		return csv->pos;
	}
	while (lim - pos >= 8) {
		memcpy(&w, buf + pos, 8);
		k = quote_in_word(w);
		if (k < 8)
			break;
		memcpy(buf + out, &w, 8);
		pos += 8;
		out += 8;
	}
	for (; pos < lim && buf[pos] != '"'; pos++)
		buf[out++] = buf[pos];
	csv->pos = pos;
	csv->out = out;
	return pos;
}

static enum step
parse_quoted(struct ir_csv *csv, size_t lim)
{
	for (;;) {
		if (copy_to_quote(csv, lim) == lim)
			return STEP_MORE;
		csv->pos++;
		/* The fast path for "" inside a big JSON cell. */
		if (csv->pos < lim && csv->buf[csv->pos] == '"') {
			csv->buf[csv->out++] = '"';
			csv->pos++;
			continue;
		}
		csv->state = ST_CLOSED;
		return STEP_MORE;
	}
}

/* After a quote in a quoted field, when the "" fast path could not tell. */
static enum step
after_quote(struct ir_csv *csv)
{
	switch (csv->buf[csv->pos]) {
	case '"':
		csv->buf[csv->out++] = '"';
		csv->pos++;
		csv->state = ST_QUOTED;
		return STEP_MORE;
	case ',':
		csv->pos++;
		end_field(csv);
		return STEP_MORE;
	case '\n':
		csv->pos++;
		end_field(csv);
		csv->line++;
		return STEP_RECORD;
	default:
		/* `"abc"def`: keep the text; a CR before LF is dropped there */
		csv->state = ST_UNQUOTED;
		return STEP_MORE;
	}
}

static enum step
skip_line(struct ir_csv *csv, size_t lim)
{
	const char *lf = memchr(csv->buf + csv->pos, '\n', lim - csv->pos);

	if (!lf) {
		csv->pos = csv->rec = lim; /* let the refill drop these bytes */
		return STEP_MORE;
	}
	csv->pos = (size_t)(lf - csv->buf) + 1;
	csv->line++;
	start_record(csv);
	return STEP_MORE;
}

static enum step
parse(struct ir_csv *csv, size_t lim)
{
	switch (csv->state) {
	case ST_FIELD:
		return begin_field(csv);
	case ST_UNQUOTED:
		return parse_unquoted(csv, lim);
	case ST_QUOTED:
		return parse_quoted(csv, lim);
	case ST_CLOSED:
		return after_quote(csv);
	case ST_SKIP:
		return skip_line(csv, lim);
	case ST_DONE:
		break;
	}
	return STEP_END;
}

static enum step
at_eof(struct ir_csv *csv)
{
	switch (csv->state) {
	case ST_FIELD:
		if (!csv->nspan)
			break;
		csv->fquoted = false;
		csv->fstart = csv->out = csv->pos;
		end_field(csv); /* "a,<EOF>": the empty last field */
		return STEP_RECORD;
	case ST_UNQUOTED:
		end_line_field(csv);
		return STEP_RECORD;
	case ST_CLOSED:
		end_field(csv);
		return STEP_RECORD;
	case ST_QUOTED:
		csv->state = ST_DONE;
		return STEP_UNTERMINATED;
	case ST_SKIP:
	case ST_DONE:
		break;
	}
	csv->state = ST_DONE;
	return STEP_END;
}

/* ---- records ---- */

static int
overflow(struct ir_csv *csv, struct ir_err *err)
{
	bool in_field = csv->state != ST_FIELD;
	size_t max = csv->max;
	const char *unit = "bytes";

	/* The LFs of a quoted field in progress were not counted yet. */
	if (in_field && csv->fquoted)
		csv->line += count_lf(csv->buf + csv->fstart,
				      csv->out - csv->fstart);
	csv->rec = csv->pos;
	csv->nspan = 0;
	csv->state = ST_SKIP;
	if (!(max % (1u << 20))) {
		max >>= 20;
		unit = "MiB";
	} else if (!(max % 1024)) {
		max >>= 10;
		unit = "KiB";
	}
	return ir_err_set(err, IR_EPARSE,
			  "line %" PRIu64 ": record over %zu %s", csv->rec_line,
			  max, unit);
}

/* 1 with *row filled, 0 for an empty line, or IR_EPARSE. */
static int
finish_record(struct ir_csv *csv, struct ir_csv_row *row, struct ir_err *err)
{
	uint64_t line = csv->rec_line;
	size_t n = csv->nspan;

	if (csv->too_many) {
		start_record(csv);
		return ir_err_set(err, IR_EPARSE,
				  "line %" PRIu64 ": more than %d fields", line,
				  CSV_MAX_FIELDS);
	}
	if (n == 1 && !csv->span[0].len && !csv->span[0].quoted) {
		start_record(csv);
		return 0;
	}
	IR_ALLOC_GROW(csv->field, n, csv->field_alloc);
	for (size_t i = 0; i < n; i++) {
		csv->field[i].ptr = csv->buf + csv->span[i].off;
		csv->field[i].len = csv->span[i].len;
		csv->field[i].quoted = csv->span[i].quoted;
	}
	row->field = csv->field;
	row->n = n;
	row->line = line;
	start_record(csv);
	return 1;
}

int
ir_csv_next(struct ir_csv *csv, struct ir_csv_row *row, struct ir_err *err)
{
	enum step st = STEP_MORE;
	size_t lim;
	int ret;

	if (csv->failed)
		return ir_err_set(err, csv->failed, "read error");
	if (!csv->started) {
		ret = skip_bom(csv, err);
		if (ret < 0)
			return ret;
	}
	for (;;) {
		lim = limit(csv);
		if (csv->pos < lim) {
			st = parse(csv, lim);
		} else if (csv->pos - csv->rec >= csv->max) {
			return overflow(csv, err);
		} else if (!csv->eof) {
			ret = refill(csv, err);
			if (ret < 0)
				return ret;
			continue;
		} else {
			st = at_eof(csv);
		}
		if (st == STEP_END)
			return 0;
		if (st == STEP_UNTERMINATED)
			return ir_err_set(err, IR_EPARSE,
					  "line %" PRIu64
					  ": unterminated quoted field",
					  csv->field_line);
		if (st == STEP_RECORD) {
			ret = finish_record(csv, row, err);
			if (ret)
				return ret;
		}
	}
}

/* ---- the writer ---- */

/*
 * "-5" and "-0.5" are data, not formulas: Excel reads them as numbers and
 * nothing runs, and a `'` in front would turn a balance or a time offset
 * into text for whoever reads the file back. Anything else after the '-'
 * ("-2+3+cmd|' /C calc'!A0") is neutralised.
 */
static bool
is_negative_number(const char *s, size_t len)
{
	size_t digits = 0, dots = 0;

	if (len < 2 || s[0] != '-')
		return false;
	for (size_t i = 1; i < len; i++) {
		if (s[i] >= '0' && s[i] <= '9')
			digits++;
		else if (s[i] == '.' && !dots)
			dots++;
		else
			return false;
	}
	return digits > 0;
}

/*
 * A lone "-" (the file name of standard input, an empty value in many
 * exports) cannot compute anything either, so it stays as written.
 */
static bool
is_formula(const char *s, size_t len)
{
	if (!len || !memchr("=+-@\t\r", s[0], 6))
		return false;
	if (len == 1 && s[0] == '-')
		return false;
	return !is_negative_number(s, len);
}

/*
 * Beyond RFC 4180: a leading BOM is quoted too, or a reader (ours among
 * them) would drop it when the field opens the file.
 */
static bool
needs_quotes(const char *s, size_t len)
{
	if (len && (s[0] == ' ' || s[len - 1] == ' '))
		return true;
	if (len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
		return true;
	/*
	 * ';' and TAB too: spreadsheets in locales whose list separator is
	 * ';' (nl, de, fr) split an unquoted field there, and the piece after
	 * it would then start a formula the neutralisation never saw.
	 */
	for (size_t i = 0; i < len; i++)
		if (s[i] == ',' || s[i] == '"' || s[i] == '\r' ||
		    s[i] == '\n' || s[i] == ';' || s[i] == '\t')
			return true;
	return false;
}

void
ir_csv_quote(struct ir_buf *out, const char *s, size_t len)
{
	bool quote = needs_quotes(s, len);
	size_t run = 0;

	if (quote)
		ir_buf_addch(out, '"');
	if (is_formula(s, len))
		ir_buf_addch(out, '\'');
	for (size_t i = 0; i < len; i++) {
		if (s[i] != '\0' && s[i] != '"')
			continue;
		ir_buf_add(out, s + run, i - run);
		ir_buf_addstr(out, s[i] ? "\"\"" : "\xEF\xBF\xBD");
		run = i + 1;
	}
	ir_buf_add(out, s + run, len - run);
	if (quote)
		ir_buf_addch(out, '"');
}
