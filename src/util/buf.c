/* SPDX-License-Identifier: MIT */
/*
 * buf.c - growable byte strings. The empty buffer points at a shared static
 * byte so that IR_BUF_INIT needs no allocation and `buf` is never NULL.
 */
#include "util/compat.h"

#include <stdarg.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/xalloc.h"

char ir_buf_empty[1];

void
ir_buf_init(struct ir_buf *b)
{
	b->buf = ir_buf_empty;
	b->len = b->alloc = b->limit = 0;
	b->toobig = false;
}

void
ir_buf_release(struct ir_buf *b)
{
	if (b->alloc)
		free(b->buf);
	ir_buf_init(b);
}

void
ir_buf_reset(struct ir_buf *b)
{
	b->len = 0;
	b->buf[0] = '\0';
	b->toobig = false;
}

void
ir_buf_limit(struct ir_buf *b, size_t max)
{
	b->limit = max;
}

bool
ir_buf_grow(struct ir_buf *b, size_t extra)
{
	size_t want;

	if (b->toobig)
		return false;
	if (extra > SIZE_MAX - b->len - 1 ||
	    (b->limit && b->len + extra > b->limit)) {
		b->toobig = true;
		return false;
	}
	want = b->len + extra + 1;
	if (want <= b->alloc)
		return true;
	if (!b->alloc) {
		b->buf = NULL;
		b->alloc = 0;
	}
	b->alloc = want > (b->alloc + 16) * 3 / 2 ? want
						  : (b->alloc + 16) * 3 / 2;
	b->buf = xrealloc(b->buf, b->alloc);
	if (!b->len)
		b->buf[0] = '\0';
	return true;
}

void
ir_buf_add(struct ir_buf *b, const void *data, size_t len)
{
	if (!ir_buf_grow(b, len))
		return;
	if (len)
		memcpy(b->buf + b->len, data, len);
	b->len += len;
	b->buf[b->len] = '\0';
}

void
ir_buf_addstr(struct ir_buf *b, const char *s)
{
	ir_buf_add(b, s, strlen(s));
}

void
ir_buf_addch(struct ir_buf *b, int c)
{
	char ch = (char)c;

	ir_buf_add(b, &ch, 1);
}

void
ir_buf_addf(struct ir_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->buf + b->len, b->alloc ? b->alloc - b->len : 0, fmt,
		      ap);
	va_end(ap);
	if (n < 0)
		IR_BUG("vsnprintf failed for format \"%s\"", fmt);
	if (b->alloc && (size_t)n < b->alloc - b->len) {
		b->len += (size_t)n;
		return;
	}
	if (!ir_buf_grow(b, (size_t)n))
		return;
	va_start(ap, fmt);
	vsnprintf(b->buf + b->len, b->alloc - b->len, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void
ir_buf_setlen(struct ir_buf *b, size_t len)
{
	if (len >= b->len)
		return;
	b->len = len;
	b->buf[len] = '\0';
}

char *
ir_buf_detach(struct ir_buf *b, size_t *len_out)
{
	char *s;

	if (len_out)
		*len_out = b->len;
	s = b->alloc ? b->buf : xstrdup("");
	b->buf = ir_buf_empty;
	b->len = b->alloc = 0;
	b->toobig = false;
	return s;
}
