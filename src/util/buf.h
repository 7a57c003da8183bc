/* SPDX-License-Identifier: MIT */
/*
 * buf.h - a growable byte string (git's strbuf, with curl dynbuf's cap).
 *
 * Invariants: `buf` is never NULL and always NUL-terminated at `buf[len]`,
 * so it can be handed to C string functions; it may also hold embedded
 * NULs (inbox-rule names do), which is why `len` is the truth.
 *
 * Anything filled from a file or the network gets a size cap with
 * ir_buf_limit(). Growing past the cap does not abort: the addition is
 * dropped, the buffer keeps what it had and `toobig` stays set until
 * ir_buf_reset(), so a caller checks once after a run of additions:
 *
 *	struct ir_buf b = IR_BUF_INIT;
 *	ir_buf_limit(&b, 64 << 20);
 *	while (more)
 *		ir_buf_add(&b, chunk, n);
 *	if (b.toobig)
 *		return ir_err_set(err, IR_EPARSE, "record over 64 MiB");
 *	...
 *	ir_buf_release(&b);
 */
#ifndef IR_BUF_H
#define IR_BUF_H

#include "util/compat.h"

struct ir_buf {
	char *buf;
	size_t len;
	size_t alloc;
	size_t limit; /* 0: no cap */
	bool toobig;
};

extern char ir_buf_empty[];
#define IR_BUF_INIT { ir_buf_empty, 0, 0, 0, false }

void ir_buf_init(struct ir_buf *b);
/* Free the contents; `b` must be initialised again before reuse. */
void ir_buf_release(struct ir_buf *b);
/* Empty the buffer but keep its memory and limit; clears `toobig`. */
void ir_buf_reset(struct ir_buf *b);
/* Cap the length at `max` bytes (0 removes the cap). */
void ir_buf_limit(struct ir_buf *b, size_t max);
/* Make room for `extra` more bytes; false (and toobig) past the cap. */
bool ir_buf_grow(struct ir_buf *b, size_t extra);
void ir_buf_add(struct ir_buf *b, const void *data, size_t len);
void ir_buf_addstr(struct ir_buf *b, const char *s);
void ir_buf_addch(struct ir_buf *b, int c);
void ir_buf_addf(struct ir_buf *b, const char *fmt, ...) IR_PRINTF(2, 3);
/* Shorten to `len` bytes (no-op if already shorter). */
void ir_buf_setlen(struct ir_buf *b, size_t len);
/*
 * Hand the bytes over: returns a malloc'd NUL-terminated string the caller
 * frees, stores the length in *len_out when not NULL, and leaves `b`
 * empty and reusable.
 */
char *ir_buf_detach(struct ir_buf *b, size_t *len_out);

#endif
