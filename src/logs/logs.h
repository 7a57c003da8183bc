/* SPDX-License-Identifier: MIT */
/*
 * logs.h - read the logs an administrator exported, in whatever shape,
 * as a stream of normalized events (event.h).
 *
 * Formats are recognised from content, never from the file name:
 *  - CSV: the Purview audit search export, `Search-UnifiedAuditLog |
 *    Export-Csv` (with or without `#TYPE`, extra PS* columns, RecordType as a
 *    name), Log Analytics portal exports of SigninLogs, AuditLogs and
 *    OfficeActivity. Columns are found by header name, never by position.
 *  - JSON in any framing: JSON Lines, one array, several documents back to
 *    back, one pretty-printed object, Graph collection pages
 *    (`{"value":[...]}`), objects whose members are arrays of records.
 *    Management Activity API records, Graph auditLogRecord, signIn and
 *    directoryAudit, Event Hub diagnostic records, PowerShell 5.1
 *    ConvertTo-Json output.
 * `--format csv|json` overrides the detection.
 *
 * Memory is bounded: a reader holds one record (capped, IR_LOGS_MAX_RECORD)
 * and its read buffer, never the file. A record that cannot be read is
 * reported (IR_EPARSE with file, record number, line and reason) and
 * counted, and the records after it are still read.
 *
 * Calling sequence:
 *
 *	struct ir_reader *r;
 *	const struct ir_event *ev;
 *	struct ir_reader_opts opts = IR_READER_OPTS_INIT;
 *	if (ir_reader_open(&r, "audit.csv", &opts, &err) < 0)
 *		return err.code;		// cannot open: IR_EIO/ENOTFOUND
 *	while ((ret = ir_reader_next(r, &ev, &err)) != 0) {
 *		if (ret == IR_EPARSE) { report(&err); continue; }
 *		if (ret < 0) break;	// IR_EIO: the rest is unreadable
 *		use(ev);
 *	}
 *	stats = ir_reader_stats(r);
 *	ir_reader_free(r);
 *
 * Several files with duplicates removed: see ir_ingest below.
 */
#ifndef IR_LOGS_H
#define IR_LOGS_H

#include "util/compat.h"
#include "util/err.h"
#include "logs/event.h"

#define IR_LOGS_MAX_RECORD (64u << 20)

enum ir_format {
	IR_FORMAT_AUTO = 0,
	IR_FORMAT_CSV,
	IR_FORMAT_JSON,
};

/* "auto", "csv" or "json" -> enum; IR_EUSAGE naming the choices. */
int ir_format_parse(enum ir_format *out, const char *name,
		    struct ir_err *err) IR_MUST_CHECK;

/*
 * Prefilter: called with a record's operation before the record is fully
 * normalized; return false to skip it cheaply (counted as `skipped`).
 * Records whose operation cannot be seen early are always normalized.
 */
typedef bool (*ir_want_fn)(const char *operation, size_t len, void *payload);

struct ir_reader_opts {
	enum ir_format format;
	ir_want_fn want; /* NULL: every record */
	void *want_payload;
};
#define IR_READER_OPTS_INIT { IR_FORMAT_AUTO, NULL, NULL }

/* What became of one file's records. */
struct ir_file_stats {
	const char *file;
	const char *format;  /* "csv", "jsonl" or "json" once known */
	uint64_t records;    /* records found = events + failed + skipped */
	uint64_t events;     /* delivered (before duplicate removal) */
	uint64_t failed;     /* unreadable: reported one by one */
	uint64_t skipped;    /* declined by the prefilter */
	uint64_t duplicates; /* dropped by ir_ingest as seen before */
	/*
	 * Older record ids the duplicate table had to forget while this
	 * file was read (ir_ingest below): non-zero means a copy of a record
	 * seen long before may have been delivered again.
	 */
	uint64_t dedupe_forgotten;
	uint64_t bytes;	     /* bytes consumed */
	bool truncated;	     /* reading stopped early (I/O error) */
};

struct ir_reader;

/*
 * Open `path` ("-" for standard input; borrowed, must outlive the reader).
 * Returns 0, IR_ENOTFOUND, IR_EIO, or IR_EPARSE when the content is in no
 * format m365ir knows (the message says what the file looks like).
 */
int ir_reader_open(struct ir_reader **out, const char *path,
		   const struct ir_reader_opts *opts,
		   struct ir_err *err) IR_MUST_CHECK;

/*
 * Next event: 1 and *out set (valid until the next call), 0 at the end,
 * IR_EPARSE when one record was unreadable (err names file, record, line
 * and reason; call again for the rest), IR_EIO when the rest of the file
 * cannot be read.
 */
int ir_reader_next(struct ir_reader *r, const struct ir_event **out,
		   struct ir_err *err) IR_MUST_CHECK;

/* Counters so far; borrowed, valid until ir_reader_free(). */
const struct ir_file_stats *ir_reader_stats(const struct ir_reader *r);

void ir_reader_free(struct ir_reader *r);

/*
 * ir_ingest: many files, one stream, each record once. The same record
 * exported twice (the same Id with the same time and operation, as the
 * Management Activity API redelivers and as overlapping Purview and
 * PowerShell exports of one tenant contain) reaches `event` once; the
 * copies are counted as `duplicates` in the file where they were seen.
 * Memory is bounded (a fixed 8 MiB table of hashes), so removal is exact
 * up to a few hundred thousand distinct delivered records; past that the
 * oldest are forgotten, and `dedupe_forgotten` says so rather than let a
 * re-delivered copy pass unnoticed.
 */
struct ir_ingest_cb {
	/* An event; return non-zero to stop the whole ingest. */
	int (*event)(const struct ir_event *ev, void *payload);
	/* A record that could not be read; `msg` names file and record. */
	void (*problem)(const struct ir_err *err, void *payload);
	void *payload;
};

struct ir_ingest;

int ir_ingest_new(struct ir_ingest **out, const struct ir_reader_opts *opts,
		  struct ir_err *err) IR_MUST_CHECK;

/*
 * Read one file through the callbacks. Returns 0 when the file was read to
 * the end (even if some records failed: see its stats), IR_EIO/ENOTFOUND/
 * IR_EPARSE when it could not be opened or read, or the callback's non-zero
 * value when it stopped the ingest.
 */
int ir_ingest_file(struct ir_ingest *ing, const char *path,
		   const struct ir_ingest_cb *cb, struct ir_err *err);

/* Per-file stats in the order the files were read; borrowed. */
const struct ir_file_stats *ir_ingest_stats(const struct ir_ingest *ing,
					    size_t *n);

void ir_ingest_free(struct ir_ingest *ing);

#endif
