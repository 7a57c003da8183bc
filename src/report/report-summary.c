/* SPDX-License-Identifier: MIT */
/*
 * report-summary.c - the text an administrator reads first: a verdict
 * line, then each user at risk (worst first) with their findings, when
 * and from where they happened, and the one command that fixes them all,
 * then the coverage block (coverage-text.c).
 *
 * The same text goes to the terminal (with colour when it is one) and to
 * summary.txt, so nothing here knows about terminals beyond the colour
 * flag. Findings must already be in ir_findings_sort() order, which
 * groups them by user.
 */
#include "util/compat.h"

#include "detect/detect.h"
#include "report/report-internal.h"

static void
severity_counts(struct ir_buf *out, const struct ir_findings *f)
{
	uint64_t n[IR_SEV_CRITICAL + 1] = { 0 };
	bool first = true;

	for (size_t i = 0; i < f->n; i++)
		n[f->v[i]->severity]++;
	ir_buf_addstr(out, " (");
	for (int s = IR_SEV_CRITICAL; s >= IR_SEV_INFO; s--) {
		if (!n[s])
			continue;
		if (!first)
			ir_buf_addstr(out, ", ");
		first = false;
		ir_report_count(out, n[s]);
		ir_buf_addch(out, ' ');
		ir_buf_addstr(out, ir_severity_name(s));
	}
	ir_buf_addch(out, ')');
}

/*
 * Accounts with findings. "(tenant)" and "(unknown)" are aggregates (a
 * spray, an actor the log did not name), not accounts, so they are not
 * counted as users at risk; *tenant says whether any such finding exists.
 */
static size_t
count_users(const struct ir_findings *f, bool *tenant)
{
	size_t n = 0;

	*tenant = false;
	for (size_t i = 0; i < f->n; i++) {
		if (f->v[i]->user[0] == '(') {
			*tenant = true;
			continue;
		}
		if (!i || strcmp(f->v[i]->user, f->v[i - 1]->user))
			n++;
	}
	return n;
}

void
ir_report_verdict(struct ir_buf *out, const struct ir_findings *f,
		  const struct ir_coverage *cov)
{
	if (f->n) {
		bool tenant;
		size_t users = count_users(f, &tenant);

		ir_report__plural(out, users, "user", "users");
		ir_buf_addstr(out, tenant ? " at risk, and tenant-wide "
					    "findings: "
					  : " at risk: ");
		ir_report__plural(out, f->n, "finding", "findings");
		severity_counts(out, f);
		return;
	}
	/*
	 * "No findings" about input that was never read would be a lie by
	 * omission, and the first line is the one a hurried admin reads.
	 */
	if (ir_coverage_incomplete(cov))
		ir_buf_addstr(out, "INCOMPLETE: some input could not be read "
				   "or held no records (see Coverage). No "
				   "findings in what was read: ");
	else
		ir_buf_addstr(out, "No findings in ");
	ir_report__plural(out, cov->nfiles, "file", "files");
	ir_buf_addstr(out, " (");
	ir_report__plural(out, ir_coverage_events(cov), "event", "events");
	ir_buf_addstr(out, "). Checked: ");
	for (size_t i = 0; i < cov->nchecked; i++) {
		if (i)
			ir_buf_addstr(out, ", ");
		ir_buf_addstr(out, cov->checked[i]);
	}
	ir_buf_addstr(out, cov->nchecked ? "." : "nothing (no detections).");
}

/* Width of the detection column: the longest slug among the findings. */
static int
slug_width(const struct ir_findings *f)
{
	size_t w = 0;

	for (size_t i = 0; i < f->n; i++)
		if (strlen(f->v[i]->det->id) > w)
			w = strlen(f->v[i]->det->id);
	return (int)w;
}

/* "seen 3 times from T1 to T2; source IPs: a, b" */
static void
finding_detail(struct ir_buf *out, const struct ir_finding *fd)
{
	ir_buf_addstr(out, "seen ");
	if (fd->count == 1)
		ir_buf_addstr(out, "once");
	else
		ir_report__plural(out, fd->count, "time", "times");
	if (fd->has_time && !ir_time_cmp(fd->first_seen, fd->last_seen)) {
		ir_buf_addstr(out, " at ");
		ir_report__time(out, fd->first_seen);
	} else if (fd->has_time) {
		ir_buf_addstr(out, " from ");
		ir_report__time(out, fd->first_seen);
		ir_buf_addstr(out, " to ");
		ir_report__time(out, fd->last_seen);
	} else {
		ir_buf_addstr(out, " (no timestamps)");
	}
	ir_buf_addstr(out, "; source IPs: ");
	{
		struct ir_buf ips = IR_BUF_INIT;

		if (!ir_report_client_ips(&ips, fd, ", "))
			ir_buf_addstr(&ips, "none recorded");
		ir_report_text(out, ips.buf, ips.len);
		ir_buf_release(&ips);
	}
	if (fd->evidence_dropped)
		ir_buf_addf(out, " (from the first %zu events)", fd->nevidence);
}

static void
finding_block(struct ir_buf *out, const struct ir_finding *fd, int width,
	      unsigned flags)
{
	char sev[16];
	size_t i;

	for (i = 0; ir_severity_name(fd->severity)[i] && i + 1 < sizeof(sev);
	     i++)
		sev[i] = (char)(ir_severity_name(fd->severity)[i] - 'a' + 'A');
	sev[i] = '\0';
	ir_buf_addstr(out, "  ");
	ir_report__sev_on(out, fd->severity, flags);
	ir_buf_addf(out, "%-8s", sev);
	ir_report__off(out, flags);
	ir_buf_addf(out, "  %-*s  ", width, fd->det->id);
	ir_report__str(out, fd->summary);
	ir_buf_addf(out, "\n  %-8s  %-*s  ", "", width, "");
	finding_detail(out, fd);
	ir_buf_addch(out, '\n');
}

static void
user_block(struct ir_buf *out, const struct ir_findings *f, size_t first,
	   size_t end, unsigned flags)
{
	int width = slug_width(f);
	char *fix;

	ir_buf_addch(out, '\n');
	ir_report__style_on(out, IR_STYLE_BOLD, flags);
	ir_report__str(out, f->v[first]->user);
	ir_report__off(out, flags);
	ir_buf_addch(out, '\n');
	for (size_t i = first; i < end; i++)
		finding_block(out, f->v[i], width, flags);
	fix = ir_report_remediation(f, first, end);
	if (fix) {
		ir_buf_addstr(out, "  To fix: ");
		ir_report__str(out, fix);
		ir_buf_addch(out, '\n');
	}
	free(fix);
}

void
ir_report_summary(struct ir_buf *out, const struct ir_findings *f,
		  const struct ir_coverage *cov, unsigned flags)
{
	size_t first = 0;

	ir_report__style_on(out, IR_STYLE_BOLD, flags);
	ir_report_verdict(out, f, cov);
	ir_report__off(out, flags);
	ir_buf_addch(out, '\n');
	for (size_t i = 1; i <= f->n; i++) {
		if (i < f->n && !strcmp(f->v[i]->user, f->v[first]->user))
			continue;
		user_block(out, f, first, i, flags);
		first = i;
	}
	ir_buf_addch(out, '\n');
	ir_report_coverage(out, cov, flags);
}
