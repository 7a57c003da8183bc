/* SPDX-License-Identifier: MIT */
/*
 * analyze.h - the state of one `m365ir analyze` run, shared by the files
 * that make up the command: cmd-analyze.c (options, output, exit code),
 * analyze-run.c (the reading passes) and analyze-out.c (the --out
 * directory and the stdin spool). Private to cli/.
 *
 * Calling sequence (cmd-analyze.c):
 *
 *	analyze_spool_stdin()     when "-" is read twice (--out)
 *	analyze_detect()          pass 1: prefiltered, detections, coverage
 *	analyze_write_out()       pass 2 (timeline) and the --out files
 */
#ifndef IR_CLI_ANALYZE_H
#define IR_CLI_ANALYZE_H

#include "util/compat.h"
#include "util/err.h"
#include "util/hashset.h"
#include "logs/logs.h"
#include "detect/detect.h"
#include "report/report.h"
#include "cli/cli.h"
#include "cli/progress.h"

/* Reader problems echoed to stderr as they happen; the rest are counted. */
#define ANALYZE_MAX_PRINTED_PROBLEMS 20

struct analyze {
	struct cli_ctx *ctx;

	/* options */
	enum ir_format format;
	const char **only; /* deduplicated --only slugs */
	size_t nonly;
	const char *out_dir;
	bool json, csv;
	char **files;
	size_t nfiles;

	/* the run */
	struct ir_detect_ctx dctx; /* borrowed by `run` for its life */
	struct ir_domains *domains;
	bool infer;			 /* no --tenant-domain: infer */
	struct ir_hashset users_seen;	 /* hashes of users observed */
	struct ir_detect_run *run;
	struct ir_findings findings;
	struct ir_coverage cov;
	struct ir_file_cov *cur;	 /* file being read (pass 1) */
	uint64_t problems;		 /* reader problems, all files */
	bool stdin_spooled;		 /* fd 0 can be rewound */
	int64_t stdin_offset;		 /* ... to here */

	/* progress */
	struct cli_progress progress;
	struct ir_ingest *ing;
	uint64_t bytes_done; /* bytes of the files finished */
	uint64_t tick;
};

/*
 * When an input is "-" and a second pass will be needed (--out), copy
 * standard input to a temporary file in the output directory (mkstemp,
 * unlinked at once so it never outlives the run) and make it fd 0, so
 * each pass can rewind it and events still name the file "-".
 */
int analyze_spool_stdin(struct analyze *a, struct ir_err *err) IR_MUST_CHECK;

/* Rewind the stdin spool before a pass (no-op when none). */
void analyze_rewind_stdin(struct analyze *a);

/*
 * Pass 1: read every file through the prefilter into the detections,
 * filling a->findings (sorted) and a->cov. Unreadable files and bad
 * records are recorded, echoed to stderr, and do not stop the run.
 */
void analyze_detect(struct analyze *a);

/*
 * Pass 2: read every file again with no prefilter and write the flagged
 * users' events to `tl`. Problems were reported by pass 1 and are not
 * repeated.
 */
void analyze_timeline(struct analyze *a, struct ir_timeline *tl);

/*
 * Create the --out directory (0700) and write timeline.csv, then the
 * other files from `summary` (the terminal text without colour):
 * findings.jsonl, findings.csv, summary.txt, coverage.json. Every file is
 * written atomically. IR_EIO names the file that could not be written.
 */
int analyze_write_out(struct analyze *a, struct ir_err *err) IR_MUST_CHECK;

/* Total size of the regular-file inputs, for the progress line. */
uint64_t analyze_input_bytes(const struct analyze *a);

#endif
