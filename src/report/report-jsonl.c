/* SPDX-License-Identifier: MIT */
/*
 * report-jsonl.c - findings as JSON Lines (`analyze --json`,
 * findings.jsonl): one ir_finding_write_json() object per line, in the
 * sorted order, and nothing else, so `jq` and log shippers can read it.
 */
#include "util/compat.h"

#include "report/report.h"

void
ir_report_jsonl(struct ir_buf *out, const struct ir_findings *f)
{
	for (size_t i = 0; i < f->n; i++) {
		ir_finding_write_json(out, f->v[i]);
		ir_buf_addch(out, '\n');
	}
}
