/* SPDX-License-Identifier: MIT */
/*
 * report-csv.c - findings as CSV (`analyze --csv`, findings.csv) for the
 * spreadsheet an incident is usually tracked in.
 *
 * Every field, the fixed ones included, goes through ir_csv_quote(): rule
 * names, user names and summaries are attacker-chosen, and a field that
 * starts with = + - @ would run as a formula when the administrator opens
 * the file. Line ends are CRLF, as RFC 4180 and Excel expect. Times are
 * RFC 3339 UTC; a finding without timestamps has empty time fields.
 */
#include "util/compat.h"

#include "util/csv.h"
#include "detect/detect.h"
#include "report/report.h"

static void
field(struct ir_buf *out, const char *s, bool last)
{
	if (s)
		ir_csv_quote(out, s, strlen(s));
	ir_buf_addstr(out, last ? "\r\n" : ",");
}

static void
time_field(struct ir_buf *out, bool has, struct ir_time t)
{
	char buf[IR_TIME_MAX];

	if (has)
		ir_time_format(buf, t);
	field(out, has ? buf : NULL, false);
}

static void
finding_row(struct ir_buf *out, const struct ir_finding *fd)
{
	struct ir_buf ips = IR_BUF_INIT;
	char count[24];

	field(out, fd->det->id, false);
	field(out, ir_severity_name(fd->severity), false);
	field(out, fd->det->attack, false);
	field(out, fd->user, false);
	time_field(out, fd->has_time, fd->first_seen);
	time_field(out, fd->has_time, fd->last_seen);
	snprintf(count, sizeof(count), "%llu", (unsigned long long)fd->count);
	field(out, count, false);
	field(out, fd->summary, false);
	ir_report_client_ips(&ips, fd, " ");
	field(out, ips.buf, false);
	field(out, fd->remediation, true);
	ir_buf_release(&ips);
}

void
ir_report_csv(struct ir_buf *out, const struct ir_findings *f)
{
	/* If you add a column, add it to the man page and the e2e test. */
	ir_buf_addstr(out,
		      "detection,severity,attack,user,first_seen,"
		      "last_seen,count,summary,client_ips,remediation\r\n");
	for (size_t i = 0; i < f->n; i++)
		finding_row(out, f->v[i]);
}
