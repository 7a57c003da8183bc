/* SPDX-License-Identifier: MIT */
/*
 * cmd-analyze.c - `m365ir analyze`: exported logs in, per-user findings
 * out, with an exit code a script can trust (0 clean, 1 findings, 3
 * incomplete, which outranks findings; 2 for usage errors).
 *
 * This file parses the options, runs the passes (analyze-run.c), and
 * chooses where the report goes: the terminal summary on stdout by
 * default, or findings only on stdout (--json, --csv) with the summary on
 * stderr, so `m365ir analyze --json x.csv | jq` sees nothing but
 * findings. --out adds a report directory (analyze-out.c).
 */
#include "util/compat.h"

#include <getopt.h>
#include <time.h>

#include "util/xalloc.h"
#include "cli/analyze.h"

static const char options_help[] =
	"options:\n"
	"  --format F           input format: auto (default), csv or json\n"
	"  --tenant-domain D    a mail domain of the tenant (repeatable);\n"
	"                       without it, domains are inferred from the\n"
	"                       user names in the logs\n"
	"  --only SLUG          run only this detection (repeatable)\n"
	"  --json               findings as JSON Lines on stdout\n"
	"  --csv                findings as CSV on stdout\n"
	"  --out DIR            also write findings.jsonl, findings.csv,\n"
	"                       summary.txt, coverage.json and timeline.csv\n"
	"  --list               list the detections and exit\n"
	"  -h, --help           this help\n"
	"\n"
	"FILE is a Purview or PowerShell audit export, Management Activity\n"
	"API JSON, or an Entra ID sign-in or audit log; - reads standard\n"
	"input. Exit status: 0 nothing found, 1 findings, 2 usage error,\n"
	"3 some input could not be read (the report says which).\n";

enum {
	OPT_FORMAT = 256,
	OPT_TENANT_DOMAIN,
	OPT_ONLY,
	OPT_JSON,
	OPT_CSV,
	OPT_OUT,
	OPT_LIST,
};

static const struct option long_opts[] = {
	{ "format", required_argument, NULL, OPT_FORMAT },
	{ "tenant-domain", required_argument, NULL, OPT_TENANT_DOMAIN },
	{ "only", required_argument, NULL, OPT_ONLY },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "csv", no_argument, NULL, OPT_CSV },
	{ "out", required_argument, NULL, OPT_OUT },
	{ "list", no_argument, NULL, OPT_LIST },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static int
list_detections(struct cli_ctx *ctx)
{
	for (size_t i = 0; ir_detections[i]; i++) {
		const struct ir_detection *d = ir_detections[i];

		fprintf(ctx->out, "%-22s %-11s %s\n", d->id, d->attack,
			d->title);
	}
	return CLI_EXIT_OK;
}

static void
add_only(struct analyze *a, const char *slug)
{
	/* A slug given twice must not run its detection twice. */
	for (size_t i = 0; i < a->nonly; i++)
		if (!strcmp(a->only[i], slug))
			return;
	a->only = xrealloc(a->only, (a->nonly + 1) * sizeof(*a->only));
	a->only[a->nonly++] = slug;
}

static int
one_option(struct analyze *a, int c, bool *list, struct ir_err *err)
{
	switch (c) {
	case OPT_FORMAT:
		return ir_format_parse(&a->format, optarg, err);
	case OPT_TENANT_DOMAIN:
		if (!*optarg || !strchr(optarg, '.'))
			return ir_err_set(err, IR_EUSAGE,
					  "--tenant-domain needs a domain "
					  "such as contoso.com, not '%s'",
					  optarg);
		ir_domains_add(a->domains, optarg);
		a->infer = false;
		return 0;
	case OPT_ONLY:
		add_only(a, optarg);
		return 0;
	case OPT_JSON:
	case OPT_CSV:
		*(c == OPT_JSON ? &a->json : &a->csv) = true;
		return 0;
	case OPT_OUT:
		a->out_dir = optarg;
		return 0;
	case OPT_LIST:
		*list = true;
		return 0;
	}
	return ir_err_set(err, IR_EUSAGE, "unknown option");
}

static int
check_files(struct analyze *a, struct ir_err *err)
{
	size_t stdin_uses = 0;

	if (!a->nfiles)
		return ir_err_set(err, IR_EUSAGE,
				  "no input files (give - for standard input)");
	for (size_t i = 0; i < a->nfiles; i++)
		stdin_uses += !strcmp(a->files[i], "-");
	if (stdin_uses > 1)
		return ir_err_set(err, IR_EUSAGE,
				  "standard input (-) can be read only once");
	if (a->json && a->csv)
		return ir_err_set(err, IR_EUSAGE,
				  "--json and --csv cannot be combined "
				  "(--out DIR writes both)");
	return 0;
}

/*
 * True to go on and analyze; false to stop with *exit (after --help,
 * --list or a usage error).
 */
static bool
parse_args(struct analyze *a, int argc, char **argv, int *exit)
{
	struct ir_err err = IR_ERR_INIT;
	bool list = false;
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "h", long_opts, NULL)) != -1) {
		if (c == 'h') {
			*exit = cli_help(&cmd_analyze, options_help);
			return false;
		}
		if (c == '?') {
			*exit = cli_usage_error(&cmd_analyze,
						"unknown option or missing "
						"argument: '%s'",
						argv[optind - 1]);
			return false;
		}
		if (one_option(a, c, &list, &err) < 0) {
			*exit = cli_usage_error(&cmd_analyze, "%s", err.msg);
			return false;
		}
	}
	if (list) {
		*exit = list_detections(a->ctx);
		return false;
	}
	a->files = argv + optind;
	a->nfiles = (size_t)(argc - optind);
	if (check_files(a, &err) < 0) {
		*exit = cli_usage_error(&cmd_analyze, "%s", err.msg);
		return false;
	}
	return true;
}

static int
write_stdout(struct analyze *a)
{
	struct ir_buf b = IR_BUF_INIT;
	FILE *report = a->json || a->csv ? stderr : a->ctx->out;
	bool tty = report == stderr ? a->ctx->err_tty : a->ctx->out_tty;
	unsigned flags = tty ? IR_REPORT_COLOR : 0;

	if (a->json)
		ir_report_jsonl(&b, &a->findings);
	else if (a->csv)
		ir_report_csv(&b, &a->findings);
	fwrite(b.buf, 1, b.len, a->ctx->out);
	ir_buf_reset(&b);
	if (report == stderr) {
		ir_report_verdict(&b, &a->findings, &a->cov);
		ir_buf_addch(&b, '\n');
		ir_report_coverage(&b, &a->cov, flags);
	} else {
		ir_report_summary(&b, &a->findings, &a->cov, flags);
	}
	fflush(a->ctx->out);
	fwrite(b.buf, 1, b.len, report);
	ir_buf_release(&b);
	if (fflush(a->ctx->out) || ferror(a->ctx->out)) {
		fputs("m365ir: could not write the report to standard "
		      "output\n", stderr);
		return CLI_EXIT_INCOMPLETE;
	}
	return 0;
}

/*
 * The run's "now": IR_NOW when set (tests need deterministic output), else
 * the clock. Detections never read the clock themselves.
 */
static int
analyze_now(struct ir_time *out, struct ir_err *err)
{
	const char *env = getenv("IR_NOW");
	struct timespec ts;

	if (env && *env) {
		if (ir_time_parse(out, env, strlen(env), NULL, 0, err) < 0) {
			ir_err_prefix(err, "IR_NOW: ");
			err->code = IR_EUSAGE;
			return IR_EUSAGE;
		}
		return 0;
	}
	clock_gettime(CLOCK_REALTIME, &ts);
	out->sec = ts.tv_sec;
	out->nsec = (int32_t)ts.tv_nsec;
	return 0;
}

static int
exit_code(struct analyze *a)
{
	switch (ir_report_outcome(&a->findings, &a->cov)) {
	case IR_OUTCOME_CLEAN:
		return CLI_EXIT_OK;
	case IR_OUTCOME_FINDINGS:
		return CLI_EXIT_FINDINGS;
	case IR_OUTCOME_INCOMPLETE:
		return CLI_EXIT_INCOMPLETE;
	}
	IR_BUG("outcome");
}

static int
analyze(struct analyze *a)
{
	struct ir_err err = IR_ERR_INIT;
	int ret;

	a->dctx.domains = a->domains;
	if ((ret = analyze_now(&a->dctx.now, &err)) < 0)
		return cli_fail(&err);
	if (ir_detect_run_new(&a->run, &a->dctx, a->only, a->nonly, &err) < 0)
		return cli_fail(&err);
	if (analyze_spool_stdin(a, &err) < 0)
		return cli_fail(&err);
	analyze_detect(a);
	/*
	 * A report directory that cannot be written must not cost the admin
	 * the findings: print them first, then say what is missing.
	 */
	if (a->out_dir && analyze_write_out(a, &err) < 0) {
		write_stdout(a);
		cli_fail(&err);
		fprintf(stderr, "m365ir: INCOMPLETE: the report directory %s "
				"was not written; the findings printed are "
				"complete\n",
			a->out_dir);
		return CLI_EXIT_INCOMPLETE;
	}
	if ((ret = write_stdout(a)))
		return ret;
	return exit_code(a);
}

static int
run(struct cli_ctx *ctx, int argc, char **argv)
{
	struct analyze a = { 0 };
	int ret = CLI_EXIT_OK;

	a.ctx = ctx;
	a.domains = ir_domains_new();
	a.infer = true;
	ir_coverage_init(&a.cov);
	if (parse_args(&a, argc, argv, &ret))
		ret = analyze(&a);
	ir_detect_run_free(a.run);
	ir_findings_release(&a.findings);
	ir_coverage_release(&a.cov);
	ir_hashset_release(&a.users_seen);
	ir_domains_free(a.domains);
	free(a.only);
	return ret;
}

const struct cli_cmd cmd_analyze = {
	.name = "analyze",
	.summary = "find what an attacker did in exported audit and sign-in "
		   "logs",
	.usage = "m365ir analyze [--format F] [--tenant-domain D]... "
		 "[--only SLUG]... [--json | --csv] [--out DIR] [--list] "
		 "FILE...",
	.run = run,
};
