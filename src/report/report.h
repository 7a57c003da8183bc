/* SPDX-License-Identifier: MIT */
/*
 * report.h - findings and coverage turned into what people and scripts
 * read: the terminal summary, JSON Lines, CSV, coverage.json and the
 * per-user timeline.
 *
 * Like the rest of src/, this module never prints: every function appends
 * to a caller's struct ir_buf, or writes to a FILE * the caller opened
 * (the timeline, which can be too large to hold). The CLI decides where
 * the bytes go and which exit code follows (ir_report_outcome() gives it
 * the verdict).
 *
 * Two rules hold for every output:
 *  - Attacker-controlled text is data. Rule names, user names, file names
 *    and reader messages go through ir_csv_quote() in CSV (formula
 *    neutralisation), through yyjson in JSON, and have their control bytes
 *    shown as \xNN in the text summary, so a rule named "\e]0;..." cannot
 *    drive the administrator's terminal.
 *  - Nothing is silently lost. struct ir_coverage records, per input file,
 *    what was read, skipped and lost and why; any loss makes the outcome
 *    IR_OUTCOME_INCOMPLETE, which outranks findings.
 *
 * Calling sequence (what `m365ir analyze` does):
 *
 *	struct ir_coverage cov;
 *	ir_coverage_init(&cov);
 *	for each file:
 *		fc = ir_coverage_file(&cov, path);
 *		... ir_coverage_problem(fc, err.msg) for each bad record ...
 *		ir_coverage_file_done(fc, stats, ret < 0 ? err.msg : NULL);
 *	ir_coverage_set_domains(&cov, domains, users_seen);
 *	ir_report_summary(&text, &findings, &cov, IR_REPORT_COLOR);
 *	switch (ir_report_outcome(&findings, &cov)) ...
 *	ir_coverage_release(&cov);
 */
#ifndef IR_REPORT_H
#define IR_REPORT_H

#include "util/compat.h"
#include "util/buf.h"
#include "util/err.h" /* util/time.h uses struct ir_err */
#include "logs/event.h"
#include "logs/logs.h"
#include "detect/domains.h"
#include "detect/findings.h"

/* Problems kept per file for the report; the rest are only counted. */
#define IR_COVERAGE_MAX_PROBLEMS 20

/* One record that could not be read, as the reader described it. */
struct ir_problem {
	uint64_t record; /* 0 when the message names none */
	uint64_t line;	 /* 0 when the message names none */
	char *reason;	 /* the message without file, record and line */
	char *msg;	 /* the whole message */
};

/* What became of one input file. */
struct ir_file_cov {
	char *file;
	char *format;		/* NULL until the reader knew it */
	struct ir_file_stats st; /* counters; st.file/st.format not used */
	char *error;		/* could not be opened or read to the end */
	struct ir_problem *problems; /* the first IR_COVERAGE_MAX_PROBLEMS */
	size_t nproblems, problems_alloc;
	uint64_t problems_total;
};

struct ir_coverage {
	struct ir_file_cov *files;
	size_t nfiles, files_alloc;
	char **checked; /* detection slugs that ran */
	size_t nchecked;
	char **domains; /* tenant domains in effect, sorted */
	size_t ndomains;
	bool domains_inferred;
	uint64_t users_seen; /* distinct users the inference looked at */
	char *timeline_note; /* NULL, or a sentence about the timeline */
};

void ir_coverage_init(struct ir_coverage *cov);
void ir_coverage_release(struct ir_coverage *cov);

/*
 * Start the record of input `path` (copied) and return it; borrowed,
 * valid until the next ir_coverage_file() or ir_coverage_release().
 */
struct ir_file_cov *ir_coverage_file(struct ir_coverage *cov,
				     const char *path);

/*
 * Note a record the reader could not read. `msg` is the reader's message
 * ("FILE: record N (line L): reason"); record, line and reason are taken
 * out of it when present. Copied.
 */
void ir_coverage_problem(struct ir_file_cov *fc, const char *msg);

/*
 * The file is finished: copy its counters (may be NULL when it never
 * opened) and, when it could not be opened or read to the end, `error`
 * (copied; NULL when it was read completely).
 */
void ir_coverage_file_done(struct ir_file_cov *fc,
			   const struct ir_file_stats *st, const char *error);

/* Copy the slugs of the detections that ran. */
void ir_coverage_set_checked(struct ir_coverage *cov,
			     const char *const *slugs, size_t n);

/* Copy the tenant domains in effect and how they were found. */
void ir_coverage_set_domains(struct ir_coverage *cov,
			     const struct ir_domains *d, uint64_t users_seen);

/* Copy a sentence about the timeline into the report (NULL clears it). */
void ir_coverage_set_timeline_note(struct ir_coverage *cov, const char *note);

/* True when any file was unreadable, cut short or had a bad record. */
bool ir_coverage_incomplete(const struct ir_coverage *cov);

/*
 * True when this file could not be read completely: an error, failed
 * records or problems, reading cut short, or no records at all.
 */
bool ir_file_cov_incomplete(const struct ir_file_cov *fc);

/* Records read without error, duplicates removed, over all files. */
uint64_t ir_coverage_events(const struct ir_coverage *cov);

/*
 * Append coverage.json: {"files":[{file, format, records, events,
 * skipped, failed, duplicates, bytes, truncated, error, problems:[{record,
 * line, reason}], problems_omitted}], "checked":[...], "domains":
 * {"list":[...], "inferred":bool, "users_seen":N}, "complete":bool}
 * followed by a newline.
 */
void ir_coverage_write_json(struct ir_buf *out, const struct ir_coverage *cov);

enum ir_report_flags {
	IR_REPORT_COLOR = (1 << 0), /* ANSI colour: a terminal only */
};

/*
 * The coverage block of the summary: one paragraph per file with its
 * counters and first problems, the tenant-domain line, and one line
 * starting "INCOMPLETE:" per file that lost records.
 */
void ir_report_coverage(struct ir_buf *out, const struct ir_coverage *cov,
			unsigned flags);

/*
 * The verdict line, without newline: "2 users at risk: 9 findings
 * (3 critical, 4 high, 2 medium)" or "No findings in 3 files (12,345
 * events). Checked: a, b."
 */
void ir_report_verdict(struct ir_buf *out, const struct ir_findings *f,
		       const struct ir_coverage *cov);

/*
 * The whole terminal summary: verdict, then per user (in the order of
 * ir_findings_sort(), which must have run) each finding with first/last
 * seen, count and source IPs and one merged remediation command, then
 * ir_report_coverage().
 */
void ir_report_summary(struct ir_buf *out, const struct ir_findings *f,
		       const struct ir_coverage *cov, unsigned flags);

/*
 * One `m365ir remediate USER --steps a,b,c` for the findings f->v[first]
 * up to f->v[end - 1], which all name one user: the steps of all their
 * remediation commands, each once, in order of appearance. Returns a
 * string the caller frees, or NULL when none of them has a remediation.
 */
char *ir_report_remediation(const struct ir_findings *f, size_t first,
			    size_t end);

/*
 * The distinct client IPs in a finding's evidence, in order of
 * appearance, joined with `sep`, appended to `out`; returns how many.
 */
size_t ir_report_client_ips(struct ir_buf *out, const struct ir_finding *fd,
			    const char *sep);

enum ir_outcome {
	IR_OUTCOME_CLEAN,      /* every input read, nothing found */
	IR_OUTCOME_FINDINGS,   /* every input read, something found */
	IR_OUTCOME_INCOMPLETE, /* some input lost: outranks findings */
};

enum ir_outcome ir_report_outcome(const struct ir_findings *f,
				  const struct ir_coverage *cov);

/* Every finding as one JSON object per line (ir_finding_write_json). */
void ir_report_jsonl(struct ir_buf *out, const struct ir_findings *f);

/*
 * Findings as CSV with CRLF line ends, header first: detection,severity,
 * attack,user,first_seen,last_seen,count,summary,client_ips,remediation.
 * Every field goes through ir_csv_quote().
 */
void ir_report_csv(struct ir_buf *out, const struct ir_findings *f);

/*
 * Append `len` bytes of `s` for a terminal or text file: control bytes
 * and DEL become \xNN, a backslash stays itself; UTF-8 passes through.
 */
void ir_report_text(struct ir_buf *out, const char *s, size_t len);

/* `n` with thousands separators: 12345 -> "12,345". */
void ir_report_count(struct ir_buf *out, uint64_t n);

/*
 * The timeline: every event of the flagged users, sorted by time (events
 * without a time last, ties in file order), as CSV with the columns
 * time,user,operation,client_ip,client_port,result,failed,workload,
 * record_type,source,file,record,id,params (params as compact JSON;
 * failed from ir_event_failed()).
 *
 * Rows are held in memory (the flagged users are few) up to a limit; past
 * it, the rows held are written in file order and the rest streamed as
 * they come, and ir_timeline_sorted() says so. Rows go to `fp`, which the
 * caller owns; its write errors are the caller's to check (ferror).
 *
 *	tl = ir_timeline_new(fp, 1000000);
 *	ir_timeline_add_user(tl, "alice@contoso.com");
 *	for each event: ir_timeline_event(tl, ev);
 *	ir_timeline_finish(tl);
 *	ir_timeline_free(tl);
 */
struct ir_timeline;

#define IR_TIMELINE_MAX_SORTED 1000000

struct ir_timeline *ir_timeline_new(FILE *fp, size_t max_sorted);
void ir_timeline_free(struct ir_timeline *tl);

/* Flag a user (copied); their events go into the timeline. */
void ir_timeline_add_user(struct ir_timeline *tl, const char *user);

/* Is `user` flagged? (the second pass uses this to skip cheaply) */
bool ir_timeline_has_user(const struct ir_timeline *tl, const char *user);

/* Keep (or stream) `ev` when its user is flagged. */
void ir_timeline_event(struct ir_timeline *tl, const struct ir_event *ev);

/* Write the header and the held rows, sorted if still within the limit. */
void ir_timeline_finish(struct ir_timeline *tl);

/* Rows written so far (after finish: all of them). */
uint64_t ir_timeline_rows(const struct ir_timeline *tl);

/* False when the limit was passed and the rows are in file order. */
bool ir_timeline_sorted(const struct ir_timeline *tl);

/* Append one event's CSV row (CRLF ended) in the timeline's columns. */
void ir_timeline_row(struct ir_buf *out, const struct ir_event *ev);

/* The header row, CRLF ended. */
void ir_timeline_header(struct ir_buf *out);

#endif
