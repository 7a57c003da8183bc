/* SPDX-License-Identifier: MIT */
/*
 * report-internal.h - helpers shared by the text renderers of src/report
 * (report-summary.c, coverage-text.c). Not part of the public API.
 *
 * Colour is ANSI SGR and only ever on when the caller passed
 * IR_REPORT_COLOR (the CLI does so for a terminal only), so files and
 * pipes get plain text.
 */
#ifndef IR_REPORT_INTERNAL_H
#define IR_REPORT_INTERNAL_H

#include "util/compat.h"
#include "util/buf.h"
#include "report/report.h"

enum ir_report_style {
	IR_STYLE_PLAIN = 0,
	IR_STYLE_BOLD,
	IR_STYLE_DIM,
	IR_STYLE_WARN, /* the INCOMPLETE line */
};

/* Start a colour for severity `sev` (no-op without IR_REPORT_COLOR). */
void ir_report__sev_on(struct ir_buf *out, enum ir_severity sev,
		       unsigned flags);

/* Start style `st` (no-op without IR_REPORT_COLOR). */
void ir_report__style_on(struct ir_buf *out, enum ir_report_style st,
			 unsigned flags);

/* End any colour or style (no-op without IR_REPORT_COLOR). */
void ir_report__off(struct ir_buf *out, unsigned flags);

/* ir_report_text() of a NUL-terminated string; NULL prints "-". */
void ir_report__str(struct ir_buf *out, const char *s);

/* Append `t` as RFC 3339 UTC. */
void ir_report__time(struct ir_buf *out, struct ir_time t);

/* "1 file" / "3 files": count with separators and a plural. */
void ir_report__plural(struct ir_buf *out, uint64_t n, const char *one,
		       const char *many);

#endif
