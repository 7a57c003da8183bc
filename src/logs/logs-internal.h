/* SPDX-License-Identifier: MIT */
/*
 * logs-internal.h - the seam inside src/logs between *framing* (finding the
 * records in a file: input.c, jsonframe.c, csvrec.c, reader.c) and
 * *normalization* (turning one record of a known schema into a
 * struct ir_event: normalize.c and its norm-*.c helpers).
 *
 * The framing side hands over every record as a yyjson object:
 *  - JSON: each top-level object, each element of a top-level array, and,
 *    for containers (a Graph page `{"value":[...]}`, an object whose
 *    members are arrays of records), each element of those arrays.
 *  - CSV: one object per row, keyed by the header names exactly as written
 *    (" [UTC]" suffixes, trailing spaces and all), every value a string;
 *    cells holding JSON (AuditData, Parameters) stay strings, and the
 *    normalizer parses them.
 * The normalizer recognises the schema from the keys, never from the file
 * name, and owns everything the event points into until its next call.
 *
 * Not part of the public API: only src/logs includes this.
 */
#ifndef IR_LOGS_INTERNAL_H
#define IR_LOGS_INTERNAL_H

#include "util/compat.h"

#include <yyjson.h>

#include "util/err.h"
#include "logs/event.h"
#include "logs/logs.h"

/* Per-file normalizer state: time-order hint, string arena, params. */
struct ir_norm;

/* `file` is borrowed and must outlive the normalizer. */
struct ir_norm *ir_logs__norm_new(const char *file);
void ir_logs__norm_free(struct ir_norm *n);

struct ir_norm_input {
	yyjson_val *obj; /* the record (a JSON object) */
	bool from_csv;	 /* built from a CSV row: every value a string */
	uint64_t record; /* 1-based record number within the file */
	uint64_t line;	 /* line the record starts on, 0 if unknown */
};

/*
 * Normalize one record into *out. Returns 1 with *out filled (pointers
 * valid until the next call or ir_logs__norm_free()), 0 when `want` (may
 * be NULL) declined the record's operation, or IR_EPARSE when the object
 * is not a record of any schema m365ir knows or a field is malformed
 * (the message says which field and why; the framing side prefixes file
 * and record).
 */
int ir_logs__normalize(struct ir_norm *n, struct ir_event *out,
		       const struct ir_norm_input *in, ir_want_fn want,
		       void *want_payload, struct ir_err *err) IR_MUST_CHECK;

enum ir_rec_kind {
	IR_REC_RECORD,	  /* normalize it */
	IR_REC_CONTAINER, /* its array members hold the records */
	IR_REC_UNKNOWN,	  /* neither: report it as unrecognised */
};

/*
 * What a top-level JSON object is. Containers are objects that do not look
 * like a record and have at least one member that is an array of objects
 * (`value` of a Graph page, the per-blob arrays of a Management API pull).
 */
enum ir_rec_kind ir_logs__classify(yyjson_val *obj);

/*
 * Open a reader on `len` bytes at `data` (borrowed until ir_reader_free()),
 * as if they were the file `name`: for the fuzz harnesses and tests.
 * Errors as ir_reader_open(), except that nothing is opened.
 */
int ir_logs__reader_open_mem(struct ir_reader **out, const char *name,
			     const void *data, size_t len,
			     const struct ir_reader_opts *opts,
			     struct ir_err *err) IR_MUST_CHECK;

#endif
