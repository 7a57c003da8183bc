/* SPDX-License-Identifier: MIT */
/*
 * xalloc.h - allocation that cannot fail.
 *
 * m365ir treats out-of-memory as fatal (as git, tmux and redis do): these
 * wrappers print one line and abort, so library code never checks for NULL
 * from them and never carries an error path for it. Zero-size requests
 * return a valid pointer.
 *
 * IR_ALLOC_GROW(ptr, nr, alloc) makes room for `nr` elements in an array
 * that currently has room for `alloc`, growing it by about 1.5x (git's
 * ALLOC_GROW), so appending n items costs O(n) amortised.
 */
#ifndef IR_XALLOC_H
#define IR_XALLOC_H

#include "util/compat.h"

void *xmalloc(size_t size);
void *xcalloc(size_t nmemb, size_t size);
void *xrealloc(void *ptr, size_t size);
char *xstrdup(const char *s);
/* A NUL-terminated copy of the first `len` bytes of `s`. */
char *xstrndup(const char *s, size_t len);
/* A copy of `len` bytes plus a terminating NUL (embedded NULs kept). */
char *xmemdupz(const void *p, size_t len);

/* Number of elements to allocate when growing to at least `nr`. */
size_t ir_alloc_nr(size_t nr, size_t alloc);

#define IR_ALLOC_GROW(ptr, nr, alloc)                                       \
	do {                                                                \
		if ((nr) > (alloc)) {                                       \
			(alloc) = ir_alloc_nr((nr), (alloc));               \
			(ptr) = xrealloc((ptr), (alloc) * sizeof(*(ptr)));  \
		}                                                           \
	} while (0)

#endif
