/* SPDX-License-Identifier: MIT */
/*
 * cmd-events.c - `m365ir events`: every record of the given exports as
 * one normalized event per line (the JSON contract in logs/event.h), each
 * record once across all files (ir_ingest removes re-exported copies).
 *
 * It is how a user checks what m365ir made of a file, and how scripts get
 * the events without knowing the export format. stdout gets only events,
 * through one big buffer (a 200 MB export is a million lines); every
 * problem goes to stderr as "m365ir: FILE: record N (line L): reason",
 * and, when any record was unreadable, one summary line per file. Exit 3
 * when anything could not be read: a partial stream must not pass for a
 * complete one.
 */
#include "util/compat.h"

#include <errno.h>
#include <inttypes.h>

#include "util/buf.h"
#include "logs/logs.h"
#include "report/report.h"
#include "cli/cli.h"

#define FLUSH_AT (1u << 20)

static const char options[] =
	"options:\n"
	"  --format F   read every FILE as F: auto (the default: recognise\n"
	"               JSON or CSV from the content), csv or json\n"
	"  -h, --help   show this help\n"
	"\n"
	"FILE may be - for standard input.\n";

struct events_out {
	struct ir_buf buf;
	FILE *fp;
	bool write_failed;
	uint64_t problems; /* unreadable records reported so far */
};

/*
 * A file in the wrong format fails on every record; the first few
 * messages say why, the rest only drown the terminal.
 */
#define SHOWN_PROBLEMS 20

static void
flush_out(struct events_out *o)
{
	if (o->buf.len && !o->write_failed &&
	    fwrite(o->buf.buf, 1, o->buf.len, o->fp) != o->buf.len)
		o->write_failed = true;
	ir_buf_reset(&o->buf);
}

static int
on_event(const struct ir_event *ev, void *payload)
{
	struct events_out *o = payload;

	ir_event_write_json(&o->buf, ev);
	ir_buf_addch(&o->buf, '\n');
	if (o->buf.len >= FLUSH_AT)
		flush_out(o);
	/* A closed pipe (| head) ends the run instead of reading on. */
	return o->write_failed ? IR_EIO : 0;
}

/*
 * Messages quote the log (a bad timestamp, a file name), so they go out
 * through the report's escaping: no raw control bytes reach a terminal.
 */
static void
warn(const char *msg)
{
	struct ir_buf b = IR_BUF_INIT;

	ir_report_text(&b, msg, strlen(msg));
	fprintf(stderr, "m365ir: %s\n", b.buf);
	ir_buf_release(&b);
}

static void
on_problem(const struct ir_err *err, void *payload)
{
	struct events_out *o = payload;

	if (o->problems++ < SHOWN_PROBLEMS)
		warn(err->msg);
}

/* Files in argv order; 0 or CLI_EXIT_USAGE / help. */
static int
parse_args(struct ir_reader_opts *opts, char **files, size_t *nfiles,
	   int argc, char **argv, bool *help)
{
	struct ir_err err = IR_ERR_INIT;
	bool only_files = false;
	const char *fmt;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];

		if (only_files || !strcmp(a, "-") || a[0] != '-') {
			files[(*nfiles)++] = argv[i];
			continue;
		}
		if (!strcmp(a, "--")) {
			only_files = true;
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			*help = true;
			return 0;
		} else if (!strcmp(a, "--format") ||
			   !strncmp(a, "--format=", 9)) {
			fmt = a[8] == '=' ? a + 9 : argv[++i];
			if (!fmt)
				return cli_usage_error(
					&cmd_events, "--format needs a value");
			if (ir_format_parse(&opts->format, fmt, &err) < 0)
				return cli_usage_error(&cmd_events, "%s",
						       err.msg);
		} else {
			return cli_usage_error(&cmd_events,
					       "unknown option '%s'", a);
		}
	}
	if (!*nfiles)
		return cli_usage_error(&cmd_events, "no files given");
	return 0;
}

/*
 * Per-file counts on stderr whenever something was left out: unreadable
 * records (the run is incomplete) or copies of records already printed
 * (nothing is lost, but the reader of the output should know).
 */
static bool
summarise(const struct ir_ingest *ing, const struct events_out *o)
{
	const struct ir_file_stats *st;
	bool incomplete = false, dropped = false;
	size_t n;

	st = ir_ingest_stats(ing, &n);
	for (size_t i = 0; i < n; i++) {
		if (st[i].failed || st[i].truncated)
			incomplete = true;
		if (st[i].duplicates || st[i].dedupe_forgotten)
			dropped = true;
	}
	if (o->problems > SHOWN_PROBLEMS)
		fprintf(stderr, "m365ir: ... and %" PRIu64 " more unreadable "
				"records\n",
			o->problems - SHOWN_PROBLEMS);
	if (!incomplete && !dropped)
		return false;
	for (size_t i = 0; i < n; i++)
		fprintf(stderr,
			"m365ir: %s: %" PRIu64 " records, %" PRIu64
			" events, %" PRIu64 " failed, %" PRIu64
			" duplicates%s\n",
			st[i].file, st[i].records, st[i].events,
			st[i].failed, st[i].duplicates,
			st[i].truncated ? ", not read to the end" : "");
	return incomplete;
}

static int
read_all(struct ir_ingest *ing, char **files, size_t nfiles,
	 struct events_out *o)
{
	struct ir_ingest_cb cb = { on_event, on_problem, o };
	struct ir_err err = IR_ERR_INIT;
	bool incomplete = false;
	int ret;

	for (size_t i = 0; i < nfiles && !o->write_failed; i++) {
		ret = ir_ingest_file(ing, files[i], &cb, &err);
		if (ret < 0 && !o->write_failed) {
			warn(err.msg);
			incomplete = true;
		}
	}
	flush_out(o);
	if (o->write_failed || fflush(o->fp)) {
		if (errno != EPIPE)
			fprintf(stderr, "m365ir: write error: %s\n",
				strerror(errno));
		return CLI_EXIT_INCOMPLETE;
	}
	if (summarise(ing, o) || incomplete)
		return CLI_EXIT_INCOMPLETE;
	return CLI_EXIT_OK;
}

static int
run(struct cli_ctx *ctx, int argc, char **argv)
{
	struct ir_reader_opts opts = IR_READER_OPTS_INIT;
	struct events_out o = { IR_BUF_INIT, ctx->out, false, 0 };
	struct ir_ingest *ing = NULL;
	struct ir_err err = IR_ERR_INIT;
	char **files = calloc((size_t)argc, sizeof(*files));
	size_t nfiles = 0;
	bool help = false;
	int ret;

	if (!files)
		return CLI_EXIT_BUG;
	ret = parse_args(&opts, files, &nfiles, argc, argv, &help);
	if (ret || help) {
		free(files);
		return help ? cli_help(&cmd_events, options) : ret;
	}
	if (ir_ingest_new(&ing, &opts, &err) < 0) {
		free(files);
		return cli_fail(&err);
	}
	ret = read_all(ing, files, nfiles, &o);
	ir_ingest_free(ing);
	ir_buf_release(&o.buf);
	free(files);
	return ret;
}

const struct cli_cmd cmd_events = {
	.name = "events",
	.summary = "print the normalized events of log exports, one JSON "
		   "object per line",
	.usage = "m365ir events [--format F] FILE...",
	.run = run,
};
