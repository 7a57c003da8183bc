/* SPDX-License-Identifier: MIT */
/*
 * event.c - looking things up in a normalized event, and its JSON form.
 *
 * ir_event_write_json() is on the hot path of `m365ir events` (one call
 * per record), so it writes straight into the output buffer: one grow per
 * string for the worst case, then a byte loop. Strings come from logs and
 * are attacker-controlled, may hold NUL (inbox-rule names) and, since the
 * readers accept invalid UTF-8, may not be UTF-8 at all: NUL and other
 * control bytes become \u00XX escapes, and each byte that does not start a
 * well-formed UTF-8 sequence becomes U+FFFD, so every line we write is
 * valid JSON that any consumer can read.
 */
#include "util/compat.h"

#include <strings.h>

#include "util/parse.h"
#include "logs/event.h"

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

static bool
eq_ci(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (lower((unsigned char)*a) != lower((unsigned char)*b))
			return false;
	return *a == *b;
}

const struct ir_param *
ir_event_param(const struct ir_event *ev, const char *name)
{
	for (size_t i = 0; i < ev->nparams; i++)
		if (eq_ci(ev->params[i].name, name))
			return &ev->params[i];
	return NULL;
}

const struct ir_str *
ir_event_param_str(const struct ir_event *ev, const char *name)
{
	const struct ir_param *p = ir_event_param(ev, name);

	return p ? &p->value : NULL;
}

bool
ir_str_eq_ci(struct ir_str s, const char *lit)
{
	return ir_strn_eq_ci(s.ptr, s.len, lit);
}

static bool
contains_fail(const char *s)
{
	for (; *s; s++)
		if (lower((unsigned char)s[0]) == 'f' &&
		    lower((unsigned char)s[1]) == 'a' &&
		    lower((unsigned char)s[2]) == 'i' &&
		    lower((unsigned char)s[3]) == 'l')
			return true;
	return false;
}

bool
ir_event_failed(const struct ir_event *ev)
{
	const struct ir_str *code;

	if (ev->result && contains_fail(ev->result))
		return true;
	/*
	 * Exchange admin-cmdlet records (RecordType 1, ExchangeAdmin) write
	 * ResultStatus "True" or "False": whether the cmdlet succeeded.
	 */
	if (ev->result && !strcasecmp(ev->result, "False"))
		return true;
	code = ir_event_param_str(ev, "ErrorCode");
	return code && code->len && !(code->len == 1 && code->ptr[0] == '0');
}

/*
 * Length of the well-formed UTF-8 sequence at `s` (RFC 3629: no overlong
 * forms, no surrogates, nothing past U+10FFFF), or 0.
 */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	unsigned char c = s[0], lo = 0x80, hi = 0xbf;
	size_t need;

	if (c >= 0xc2 && c <= 0xdf)
		need = 2;
	else if (c >= 0xe0 && c <= 0xef)
		need = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		need = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0;
	else if (c == 0xed)
		hi = 0x9f;
	else if (c == 0xf0)
		lo = 0x90;
	else if (c == 0xf4)
		hi = 0x8f;
	if (n < need || s[1] < lo || s[1] > hi)
		return 0;
	for (size_t i = 2; i < need; i++)
		if (s[i] < 0x80 || s[i] > 0xbf)
			return 0;
	return need;
}

/*
 * Byte classes: 0 copy as is, 1 \u00XX, 2 maybe the start of a UTF-8
 * sequence, other: the letter after the backslash. Runs of class 0 are
 * copied with one memcpy.
 */
#define U8 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2
static const unsigned char cls[256] = {
	1, 1, 1, 1, 1, 1, 1, 1, 'b', 't', 'n', 1, 'f', 'r', 1, 1,
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,
	['"'] = '"', ['\\'] = '\\',
	[0x80] = U8, [0x90] = U8, [0xa0] = U8, [0xb0] = U8,
	[0xc0] = U8, [0xd0] = U8, [0xe0] = U8, [0xf0] = U8,
};

static char *
put_special(char *o, const unsigned char *s, size_t len, size_t *i)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char c = s[*i], k = cls[c];
	size_t n;

	if (k == 2 && (n = utf8_len(s + *i, len - *i))) {
		memcpy(o, s + *i, n);
		*i += n;
		return o + n;
	}
	(*i)++;
	if (k == 2) {
		memcpy(o, "\xef\xbf\xbd", 3);
		return o + 3;
	}
	*o++ = '\\';
	if (k != 1) {
		*o++ = (char)k;
		return o;
	}
	memcpy(o, "u00", 3);
	o[3] = hex[c >> 4];
	o[4] = hex[c & 15];
	return o + 5;
}

static char *
put_escaped(char *o, const unsigned char *s, size_t len)
{
	size_t i = 0, j;

	while (i < len) {
		for (j = i; j < len && !cls[s[j]]; j++)
			;
		memcpy(o, s + i, j - i);
		o += j - i;
		if (j == len)
			break;
		i = j;
		o = put_special(o, s, len, &i);
	}
	return o;
}

static void
put_str(struct ir_buf *b, const char *s, size_t len)
{
	char *o;

	/* Worst case: every byte a six-byte \u00XX escape. */
	if (!ir_buf_grow(b, len * 6 + 2))
		return;
	o = b->buf + b->len;
	*o++ = '"';
	o = put_escaped(o, (const unsigned char *)s, len);
	*o++ = '"';
	b->len = (size_t)(o - b->buf);
	b->buf[b->len] = '\0';
}

static void
put_key(struct ir_buf *b, const char *key)
{
	ir_buf_addstr(b, key);
}

static void
put_cstr(struct ir_buf *b, const char *s)
{
	if (s)
		put_str(b, s, strlen(s));
	else
		ir_buf_add(b, "null", 4);
}

static void
put_u64(struct ir_buf *b, uint64_t v)
{
	char tmp[24];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	ir_buf_add(b, tmp + i, sizeof(tmp) - i);
}

static void
put_param(struct ir_buf *b, const struct ir_param *p)
{
	put_str(b, p->name, strlen(p->name));
	ir_buf_addch(b, ':');
	if (!p->is_list) {
		put_str(b, p->value.ptr, p->value.len);
		return;
	}
	ir_buf_addch(b, '[');
	for (size_t i = 0; i < p->nitems; i++) {
		if (i)
			ir_buf_addch(b, ',');
		put_str(b, p->items[i].ptr, p->items[i].len);
	}
	ir_buf_addch(b, ']');
}

static void
put_time(struct ir_buf *b, const struct ir_event *ev)
{
	char tmp[IR_TIME_MAX];
	size_t n;

	if (!ev->has_time) {
		ir_buf_add(b, "null", 4);
		return;
	}
	n = ir_time_format(tmp, ev->time);
	ir_buf_addch(b, '"');
	ir_buf_add(b, tmp, n);
	ir_buf_addch(b, '"');
}

/* Checklist: the key order is the contract in event.h and DESIGN.md. */
void
ir_event_write_json(struct ir_buf *out, const struct ir_event *ev)
{
	put_key(out, "{\"time\":");
	put_time(out, ev);
	put_key(out, ",\"source\":");
	put_cstr(out, ev->source);
	put_key(out, ",\"file\":");
	put_cstr(out, ev->file);
	put_key(out, ",\"record\":");
	put_u64(out, ev->record);
	put_key(out, ",\"id\":");
	put_cstr(out, ev->id);
	put_key(out, ",\"workload\":");
	put_cstr(out, ev->workload);
	put_key(out, ",\"record_type\":");
	put_cstr(out, ev->record_type);
	put_key(out, ",\"operation\":");
	put_cstr(out, ev->operation);
	put_key(out, ",\"user\":");
	put_cstr(out, ev->user);
	put_key(out, ",\"client_ip\":");
	put_cstr(out, ev->client_ip);
	put_key(out, ",\"client_port\":");
	if (ev->client_port >= 0)
		put_u64(out, (uint64_t)ev->client_port);
	else
		ir_buf_add(out, "null", 4);
	put_key(out, ",\"result\":");
	put_cstr(out, ev->result);
	put_key(out, ",\"params\":{");
	for (size_t i = 0; i < ev->nparams; i++) {
		if (i)
			ir_buf_addch(out, ',');
		put_param(out, &ev->params[i]);
	}
	put_key(out, "},\"object\":");
	put_cstr(out, ev->object);
	ir_buf_addch(out, '}');
}
