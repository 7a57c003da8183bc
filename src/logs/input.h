/* SPDX-License-Identifier: MIT */
/*
 * input.h - the framing side of src/logs, private to it: the byte source
 * (input.c), the JSON framer (jsonframe.c) and the CSV row builder
 * (csvrec.c). reader.c glues them to the normalizer (logs-internal.h).
 *
 * struct ir_input is one read buffer over a file descriptor or a memory
 * block. Unconsumed bytes are buf[pos, end); a framer keeps its offsets
 * relative to `pos`, because ir_input_fill() moves those bytes to the front
 * of the buffer before reading more. The buffer always has
 * YYJSON_PADDING_SIZE spare bytes after `cap`, so a record ending at `end`
 * can be parsed in place (YYJSON_READ_INSITU).
 *
 * Memory: one chunk plus the largest record seen (capped by max_record).
 */
#ifndef IR_LOGS_INPUT_H
#define IR_LOGS_INPUT_H

#include "util/compat.h"

#include <yyjson.h>

#include "util/buf.h"
#include "util/err.h"
#include "logs/logs.h"

#define IR_INPUT_CHUNK (1u << 20)

struct ir_input {
	const char *path; /* borrowed: for messages */
	int fd;		  /* -1: reading from `mem` */
	bool close_fd;
	const char *mem;
	size_t memlen, memoff;
	char *buf;
	size_t cap;	   /* bytes usable before the padding */
	size_t pos, end;
	size_t chunk;	   /* bytes asked of each read(2) */
	size_t max_record; /* a framer gives up on a record past this */
	uint64_t offset;   /* file offset of buf[0] */
	bool eof;
};

/*
 * Open `path` ("-" = standard input) for reading. IR_ENOTFOUND when it
 * does not exist, IR_EIO for a directory or an unreadable file.
 */
int ir_input_open(struct ir_input *in, const char *path,
		  struct ir_err *err) IR_MUST_CHECK;

/* Read from `len` bytes at `data` (borrowed) as if from a file `name`. */
void ir_input_open_mem(struct ir_input *in, const char *name,
		       const void *data, size_t len);

/*
 * Read more: moves buf[pos, end) to the front (pos becomes 0) and reads up
 * to one chunk, growing the buffer when it is full. Returns the number of
 * bytes added (> 0), 0 at the end of input, or IR_EIO.
 */
long ir_input_fill(struct ir_input *in, struct ir_err *err);

/* Total bytes consumed (up to `pos`). */
uint64_t ir_input_consumed(const struct ir_input *in);

/*
 * ir_read_fn for util/csv: hands out the buffered bytes first, then reads
 * the descriptor directly. `payload` is the struct ir_input.
 */
long ir_input_read(void *payload, char *dst, size_t cap);

/*
 * Recognise the content: skips a UTF-8 BOM and leading white space, and
 * for CSV a PowerShell `#TYPE ...` line (*skipped_lines says how many
 * lines were consumed). `forced` (IR_FORMAT_AUTO: detect) overrides the
 * guess. IR_EPARSE says what the file looks like when it is neither JSON
 * nor CSV; IR_EIO when reading failed. An empty file is JSON with no
 * records.
 */
int ir_input_sniff(enum ir_format *out, struct ir_input *in,
		   enum ir_format forced, uint64_t *skipped_lines,
		   struct ir_err *err) IR_MUST_CHECK;

void ir_input_release(struct ir_input *in);

/*
 * JSON framer: finds top-level values (JSON Lines, one array whose
 * elements come out one by one, several documents back to back, one
 * pretty-printed object) and parses each with yyjson.
 */
struct ir_jframe;

struct ir_jframe *ir_jframe_new(struct ir_input *in);
void ir_jframe_free(struct ir_jframe *f);

/*
 * Next value: 1 with *out set (valid until the next call) and *line the
 * line it starts on, 0 at the end, IR_EPARSE for a value that is not valid
 * JSON or is too big (*line set; the message is the reason only; the next
 * call continues after it), IR_EIO (final).
 */
int ir_jframe_next(struct ir_jframe *f, yyjson_val **out, uint64_t *line,
		   struct ir_err *err) IR_MUST_CHECK;

/* "jsonl" once the framing is known to be one value per line, else "json" */
const char *ir_jframe_format(const struct ir_jframe *f);

/*
 * CSV rows as yyjson objects keyed by the header (csvrec.c). `want` may be
 * NULL; when set and the header has an operation column, declined rows
 * are not built.
 */
struct ir_csvrec;

int ir_csvrec_new(struct ir_csvrec **out, struct ir_input *in,
		  uint64_t line_base, ir_want_fn want, void *want_payload,
		  struct ir_err *err) IR_MUST_CHECK;
void ir_csvrec_free(struct ir_csvrec *c);

/*
 * Next data row: 1 with *out an object (valid until the next call), 2 when
 * the prefilter declined the row, 0 at the end, IR_EPARSE for a malformed
 * row (reason only; the next call continues), IR_EIO (final). *line is the
 * physical line the row starts on.
 */
int ir_csvrec_next(struct ir_csvrec *c, yyjson_val **out, uint64_t *line,
		   struct ir_err *err) IR_MUST_CHECK;

/* True when rows are prefiltered here, so the normalizer need not. */
bool ir_csvrec_prefiltered(const struct ir_csvrec *c);

/* Bytes consumed by the CSV reader so far. */
uint64_t ir_csvrec_bytes(const struct ir_csvrec *c);

/*
 * Open a reader on a file or, when `mem` is not NULL, on a memory block,
 * with a chosen read chunk and record cap (0: the defaults). Tests use the
 * small values to put record boundaries across reads.
 */
int ir_logs__reader_open_ex(struct ir_reader **out, const char *path,
			    const void *mem, size_t memlen, size_t chunk,
			    size_t max_record,
			    const struct ir_reader_opts *opts,
			    struct ir_err *err) IR_MUST_CHECK;

#endif
