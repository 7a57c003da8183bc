/* SPDX-License-Identifier: MIT */
/*
 * csv.h - RFC 4180 CSV, read as a stream and written safely.
 *
 * Reader: pulls bytes through a callback (a file, stdin, a memory buffer),
 * so it never holds more than one record plus its read buffer. It handles a
 * UTF-8 BOM, CRLF or LF, quoted fields with doubled quotes and embedded
 * CR/LF (multi-line cells), and caps a record's size so that a missing
 * closing quote cannot swallow a whole file into memory. Fields are
 * returned unescaped, as (pointer, length) pairs that may contain NUL,
 * valid until the next call. Physical line numbers are tracked for error
 * messages.
 *
 * Calling sequence:
 *
 *	struct ir_csv *csv;
 *	struct ir_csv_row row;
 *	ir_csv_new(&csv, read_cb, file, &err);
 *	while ((ret = ir_csv_next(csv, &row, &err)) > 0)
 *		use(row.field[i].ptr, row.field[i].len) for i < row.n;
 *	if (ret < 0) ... err says "line 17: unterminated quoted field";
 *	ir_csv_free(csv);
 *
 * After IR_EPARSE for one record the reader has resynchronised at the next
 * line and ir_csv_next() may be called again; IR_EIO is final.
 *
 * Writer: ir_csv_quote() appends one field to a buffer, quoting when
 * needed, and neutralises spreadsheet formulas (a leading = + - @ TAB CR
 * gets a `'` in front, OWASP's advice) because attacker-chosen text such as
 * inbox-rule names ends up in these files and admins open them in Excel.
 */
#ifndef IR_CSV_H
#define IR_CSV_H

#include "util/compat.h"
#include "util/buf.h"
#include "util/err.h"

/*
 * Read up to `cap` bytes into `dst`; return the count, 0 at end of input,
 * or -1 on an I/O error (the reader then fails with IR_EIO).
 */
typedef long (*ir_read_fn)(void *payload, char *dst, size_t cap);

struct ir_csv_field {
	const char *ptr;
	size_t len;
	bool quoted;
};

struct ir_csv_row {
	struct ir_csv_field *field; /* borrowed, valid until the next call */
	size_t n;
	uint64_t line;		    /* physical line the record starts on */
};

struct ir_csv;

/* Largest record accepted by default (bytes). */
#define IR_CSV_MAX_RECORD (64u << 20)

/* Create a reader over `read`; `payload` is passed to it and borrowed. */
int ir_csv_new(struct ir_csv **out, ir_read_fn read, void *payload,
	       struct ir_err *err) IR_MUST_CHECK;

/*
 * Return 1 and fill *row with the next record, 0 at the end, IR_EPARSE for
 * a malformed or oversized record (skipped; the next call continues after
 * it), IR_EIO when reading failed. A leading BOM is skipped.
 */
int ir_csv_next(struct ir_csv *csv, struct ir_csv_row *row,
		struct ir_err *err) IR_MUST_CHECK;

/* Set a different record cap (bytes) before the first ir_csv_next(). */
void ir_csv_set_max_record(struct ir_csv *csv, size_t max);

/* Total bytes consumed so far (for progress and throughput figures). */
uint64_t ir_csv_bytes(const struct ir_csv *csv);

void ir_csv_free(struct ir_csv *csv);

/*
 * Append one field to `out`, quoted per RFC 4180 when it holds , " CR LF
 * or leading/trailing space, with formula neutralisation as described
 * above. Embedded NULs are written as U+FFFD so a spreadsheet cannot cut
 * the field short. Does not add the separator.
 */
void ir_csv_quote(struct ir_buf *out, const char *s, size_t len);

#endif
