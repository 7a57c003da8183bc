/* SPDX-License-Identifier: MIT */
/*
 * report-text.c - the small pieces every text rendering is made of: safe
 * display of attacker-controlled strings, thousands separators, plurals,
 * times and colours.
 *
 * Display safety is the point of this file: a rule name, a user name or a
 * reader message printed to a terminal must not be able to move the
 * cursor, retitle the window or hide a line, so C0 control bytes, DEL and
 * the C1 controls as UTF-8 encodes them (C2 80..C2 9F: U+009B is CSI to
 * some terminals) become visible \xNN escapes. Other bytes pass through so
 * UTF-8 names stay readable.
 */
#include "util/compat.h"

#include "report/report-internal.h"

void
ir_report_text(struct ir_buf *out, const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == 0xc2 && i + 1 < len &&
		    ((unsigned char)s[i + 1] & 0xe0) == 0x80) {
			ir_buf_addf(out, "\\xc2\\x%02x", (unsigned char)s[++i]);
			continue;
		}
		if (c < 0x20 || c == 0x7f)
			ir_buf_addf(out, "\\x%02x", c);
		else
			ir_buf_addch(out, c);
	}
}

void
ir_report__str(struct ir_buf *out, const char *s)
{
	if (!s)
		s = "-";
	ir_report_text(out, s, strlen(s));
}

void
ir_report_count(struct ir_buf *out, uint64_t n)
{
	char digits[24];
	int len = snprintf(digits, sizeof(digits), "%llu",
			   (unsigned long long)n);

	for (int i = 0; i < len; i++) {
		if (i && (len - i) % 3 == 0)
			ir_buf_addch(out, ',');
		ir_buf_addch(out, digits[i]);
	}
}

void
ir_report__plural(struct ir_buf *out, uint64_t n, const char *one,
		  const char *many)
{
	ir_report_count(out, n);
	ir_buf_addch(out, ' ');
	ir_buf_addstr(out, n == 1 ? one : many);
}

void
ir_report__time(struct ir_buf *out, struct ir_time t)
{
	char buf[IR_TIME_MAX];

	ir_buf_add(out, buf, ir_time_format(buf, t));
}

void
ir_report__sev_on(struct ir_buf *out, enum ir_severity sev, unsigned flags)
{
	static const char *const sgr[] = {
		[IR_SEV_INFO] = "2",	  [IR_SEV_LOW] = "36",
		[IR_SEV_MEDIUM] = "33",	  [IR_SEV_HIGH] = "31",
		[IR_SEV_CRITICAL] = "1;31",
	};

	if ((flags & IR_REPORT_COLOR) && (unsigned)sev < IR_ARRAY_SIZE(sgr))
		ir_buf_addf(out, "\033[%sm", sgr[sev]);
}

void
ir_report__style_on(struct ir_buf *out, enum ir_report_style st,
		    unsigned flags)
{
	static const char *const sgr[] = {
		[IR_STYLE_PLAIN] = "0",
		[IR_STYLE_BOLD] = "1",
		[IR_STYLE_DIM] = "2",
		[IR_STYLE_WARN] = "1;33",
	};

	if ((flags & IR_REPORT_COLOR) && (unsigned)st < IR_ARRAY_SIZE(sgr))
		ir_buf_addf(out, "\033[%sm", sgr[st]);
}

void
ir_report__off(struct ir_buf *out, unsigned flags)
{
	if (flags & IR_REPORT_COLOR)
		ir_buf_addstr(out, "\033[0m");
}
