/* SPDX-License-Identifier: MIT */
/*
 * coverage-text.c - the coverage block at the end of the terminal
 * summary: per file what was read, skipped and lost, the first problems,
 * where the tenant domains came from, and one "INCOMPLETE:" line per file
 * that lost anything.
 *
 * The INCOMPLETE lines come last on purpose: on a terminal the last line
 * is the one left on screen, and a partial result must not be mistaken
 * for a clean one. Only the first few problems of a file are shown here;
 * coverage.json keeps IR_COVERAGE_MAX_PROBLEMS of them.
 */
#include "util/compat.h"

#include "report/report-internal.h"

/* Problems per file shown in the text; coverage.json has more. */
#define SHOWN_PROBLEMS 5

static void
file_counts(struct ir_buf *out, const struct ir_file_cov *fc)
{
	const struct ir_file_stats *st = &fc->st;

	/*
	 * Every record is accounted for once: failed + relevant + not
	 * relevant = read. Duplicates can only be recognised among the
	 * relevant ones (the others are never normalized), so they are
	 * counted there.
	 */
	ir_buf_addstr(out, fc->format ? fc->format : "unknown format");
	ir_buf_addstr(out, ", ");
	ir_report__plural(out, st->records, "record", "records");
	ir_buf_addstr(out, " read: ");
	ir_report_count(out, st->failed);
	ir_buf_addstr(out, " failed, ");
	ir_report_count(out, st->events);
	ir_buf_addstr(out, " relevant to the detections");
	if (st->duplicates) {
		ir_buf_addstr(out, " (");
		ir_report_count(out, st->duplicates);
		ir_buf_addstr(out, " of them copies of records already read, "
				   "removed)");
	}
	ir_buf_addstr(out, ", ");
	ir_report_count(out, st->skipped);
	ir_buf_addstr(out, " not relevant");
	if (st->dedupe_forgotten) {
		ir_buf_addstr(out, " (duplicate removal approximate: ");
		ir_report_count(out, st->dedupe_forgotten);
		ir_buf_addstr(out, " older record ids forgotten, so a late "
				   "copy may count twice)");
	}
	ir_buf_addch(out, '\n');
}

static void
file_problems(struct ir_buf *out, const struct ir_file_cov *fc)
{
	size_t shown = fc->nproblems < SHOWN_PROBLEMS ? fc->nproblems
						      : SHOWN_PROBLEMS;

	for (size_t i = 0; i < shown; i++) {
		ir_buf_addstr(out, "    ");
		ir_report__str(out, fc->problems[i].msg);
		ir_buf_addch(out, '\n');
	}
	if (fc->problems_total > shown) {
		ir_buf_addstr(out, "    ... and ");
		ir_report__plural(out, fc->problems_total - shown,
				  "more problem", "more problems");
		ir_buf_addch(out, '\n');
	}
}

static void
file_block(struct ir_buf *out, const struct ir_file_cov *fc)
{
	ir_buf_addstr(out, "  ");
	ir_report__str(out, fc->file);
	ir_buf_addstr(out, ": ");
	if (fc->error && !fc->st.records) {
		ir_buf_addstr(out, "could not be read: ");
		ir_report__str(out, fc->error);
		ir_buf_addch(out, '\n');
		return;
	}
	file_counts(out, fc);
	if (fc->error) {
		ir_buf_addstr(out, "    reading stopped early: ");
		ir_report__str(out, fc->error);
		ir_buf_addch(out, '\n');
	}
	file_problems(out, fc);
}

static void
domain_line(struct ir_buf *out, const struct ir_coverage *cov)
{
	if (!cov->domains_inferred)
		ir_buf_addstr(out,
			      "Tenant domains (given with --tenant-domain): ");
	else if (!cov->ndomains)
		ir_buf_addstr(out, "Tenant domains: none given, and none could "
				   "be inferred from ");
	else
		ir_buf_addstr(out, "Tenant domains inferred from ");
	if (cov->domains_inferred) {
		ir_report__plural(out, cov->users_seen, "user", "users");
		ir_buf_addstr(out, " seen in the logs");
		ir_buf_addstr(out,
			      cov->ndomains ? ": " : "; use --tenant-domain");
	}
	for (size_t i = 0; i < cov->ndomains; i++) {
		if (i)
			ir_buf_addstr(out, ", ");
		ir_report__str(out, cov->domains[i]);
	}
	ir_buf_addch(out, '\n');
}

static void
incomplete_line(struct ir_buf *out, const struct ir_file_cov *fc,
		unsigned flags)
{
	uint64_t lost = fc->st.failed > fc->problems_total ? fc->st.failed
							   : fc->problems_total;

	ir_report__style_on(out, IR_STYLE_WARN, flags);
	ir_buf_addstr(out, "INCOMPLETE: ");
	ir_report__off(out, flags);
	ir_report__str(out, fc->file);
	if (fc->error && !fc->st.records) {
		ir_buf_addstr(out, " could not be read: ");
		ir_report__str(out, fc->error);
	} else if (!fc->st.records && !fc->st.truncated) {
		ir_buf_addstr(out, " holds no records: check the export's "
				   "dates and filters, as an empty export "
				   "says nothing about the tenant");
	} else if (lost) {
		ir_buf_addstr(out, ": ");
		ir_report__plural(out, lost, "record", "records");
		ir_buf_addstr(out, " could not be read");
		if (fc->nproblems && fc->problems[0].record)
			ir_buf_addf(out, " (record %llu%s)",
				    (unsigned long long)fc->problems[0].record,
				    lost > 1 ? " and others" : "");
	}
	if ((fc->error || fc->st.truncated) && fc->st.records) {
		ir_buf_addstr(out, lost ? "; " : ": ");
		ir_buf_addstr(out, "reading stopped early");
		if (fc->error) {
			ir_buf_addstr(out, ": ");
			ir_report__str(out, fc->error);
		}
	}
	ir_buf_addstr(out, "; findings may be missing\n");
}

void
ir_report_coverage(struct ir_buf *out, const struct ir_coverage *cov,
		   unsigned flags)
{
	ir_report__style_on(out, IR_STYLE_BOLD, flags);
	ir_buf_addstr(out, "Coverage");
	ir_report__off(out, flags);
	ir_buf_addch(out, '\n');
	for (size_t i = 0; i < cov->nfiles; i++)
		file_block(out, &cov->files[i]);
	domain_line(out, cov);
	if (cov->timeline_note) {
		ir_report__str(out, cov->timeline_note);
		ir_buf_addch(out, '\n');
	}
	for (size_t i = 0; i < cov->nfiles; i++) {
		if (ir_file_cov_incomplete(&cov->files[i]))
			incomplete_line(out, &cov->files[i], flags);
	}
}
