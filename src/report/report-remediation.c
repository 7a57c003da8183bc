/* SPDX-License-Identifier: MIT */
/*
 * report-remediation.c - what the report derives from a user's findings
 * rather than copies: one remediation command for all of them, the
 * distinct source IPs of each, and the overall outcome.
 *
 * Each detection proposes `m365ir remediate USER --steps a,b`
 * (ir_detect_remediation()); an administrator wants one command per user,
 * so the steps are merged, each once, in the order the (sorted, worst
 * first) findings name them. The command is rebuilt with
 * ir_detect_remediation() so the user name is shell-quoted the same way.
 */
#include "util/compat.h"

#include "util/xalloc.h"
#include "detect/detect.h"
#include "report/report.h"

#define STEPS_OPT " --steps "

static bool
has_item(const struct ir_buf *list, const char *item, size_t len)
{
	const char *p = list->buf;

	while (*p) {
		size_t n = strcspn(p, ",");

		if (n == len && !strncmp(p, item, len))
			return true;
		p += n + (p[n] == ',');
	}
	return false;
}

/* Add each comma-separated step of `steps` to `list` unless present. */
static void
merge_steps(struct ir_buf *list, const char *steps)
{
	while (*steps) {
		size_t n = strcspn(steps, ",");

		if (n && !has_item(list, steps, n)) {
			if (list->len)
				ir_buf_addch(list, ',');
			ir_buf_add(list, steps, n);
		}
		steps += n + (steps[n] == ',');
	}
}

/* The steps part of a remediation command, or NULL. */
static const char *
steps_of(const char *cmd)
{
	const char *p = cmd, *last = NULL;

	while ((p = strstr(p, STEPS_OPT))) {
		last = p + strlen(STEPS_OPT);
		p++;
	}
	return last;
}

char *
ir_report_remediation(const struct ir_findings *f, size_t first, size_t end)
{
	struct ir_buf steps = IR_BUF_INIT;
	const char *plain = NULL;
	char *cmd;

	for (size_t i = first; i < end; i++) {
		const char *rem = f->v[i]->remediation, *s;

		if (!rem)
			continue;
		if ((s = steps_of(rem)))
			merge_steps(&steps, s);
		else if (!plain)
			plain = rem;
	}
	/* A command without --steps runs the whole playbook: it wins. */
	if (plain)
		cmd = xstrdup(plain);
	else if (steps.len)
		cmd = ir_detect_remediation(f->v[first]->user, steps.buf);
	else
		cmd = NULL;
	ir_buf_release(&steps);
	return cmd;
}

size_t
ir_report_client_ips(struct ir_buf *out, const struct ir_finding *fd,
		     const char *sep)
{
	size_t n = 0;

	for (size_t i = 0; i < fd->nevidence; i++) {
		const char *ip = fd->evidence[i].client_ip;
		bool seen = false;

		if (!ip || !*ip)
			continue;
		for (size_t j = 0; j < i && !seen; j++)
			seen = fd->evidence[j].client_ip &&
			       !strcmp(fd->evidence[j].client_ip, ip);
		if (seen)
			continue;
		if (n++)
			ir_buf_addstr(out, sep);
		ir_buf_addstr(out, ip);
	}
	return n;
}

enum ir_outcome
ir_report_outcome(const struct ir_findings *f, const struct ir_coverage *cov)
{
	/* A partial result must never be scripted as a complete one. */
	if (ir_coverage_incomplete(cov))
		return IR_OUTCOME_INCOMPLETE;
	return f->n ? IR_OUTCOME_FINDINGS : IR_OUTCOME_CLEAN;
}
