/* SPDX-License-Identifier: MIT */
/*
 * report-text.c - the small pieces every text rendering is made of: safe
 * display of attacker-controlled strings, thousands separators, plurals,
 * times and colours.
 *
 * Display safety is the point of this file: a rule name, a user name or a
 * reader message printed to a terminal must not be able to move the
 * cursor, retitle the window or hide a line, nor read as something it is
 * not. So C0 control bytes and DEL become \xNN; bytes that are not valid
 * UTF-8 become \xNN (a lone 0x9B is CSI to 8-bit terminals); and valid
 * code points that control display rather than show a character become
 * \u{XXXX}: the C1 controls, the bidirectional overrides and isolates
 * (U+202E makes "moc.osotnoc@x" read as a contoso address), zero-width
 * characters and the tag block. Everything else passes through, so names
 * in any script stay readable.
 */
#include "util/compat.h"

#include "report/report-internal.h"

/* Length of the valid UTF-8 sequence at s (RFC 3629), 0 if invalid. */
static size_t
utf8_seq(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t need;
	uint32_t v, min;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 2, v = s[0] & 0x1f, min = 0x80;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 3, v = s[0] & 0x0f, min = 0x800;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 4, v = s[0] & 0x07, min = 0x10000;
	else
		return 0;
	if (n < need)
		return 0;
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return need;
}

/* Code points that steer display instead of showing a character. */
static bool
invisible(uint32_t cp)
{
	return (cp >= 0x80 && cp <= 0x9f) || cp == 0x061c ||
	       (cp >= 0x200b && cp <= 0x200f) ||
	       (cp >= 0x202a && cp <= 0x202e) ||
	       (cp >= 0x2060 && cp <= 0x2069) || cp == 0xfeff ||
	       (cp >= 0xe0000 && cp <= 0xe007f);
}

void
ir_report_text(struct ir_buf *out, const char *s, size_t len)
{
	const unsigned char *u = (const unsigned char *)s;
	uint32_t cp;
	size_t n;

	for (size_t i = 0; i < len; i += n) {
		n = 1;
		if (u[i] < 0x20 || u[i] == 0x7f) {
			ir_buf_addf(out, "\\x%02x", u[i]);
		} else if (u[i] < 0x80) {
			ir_buf_addch(out, u[i]);
		} else if (!(n = utf8_seq(u + i, len - i, &cp))) {
			n = 1;
			ir_buf_addf(out, "\\x%02x", u[i]);
		} else if (invisible(cp)) {
			ir_buf_addf(out, "\\u{%04X}", (unsigned)cp);
		} else {
			ir_buf_add(out, u + i, n);
		}
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
