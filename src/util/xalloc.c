/* SPDX-License-Identifier: MIT */
/*
 * xalloc.c - out-of-memory is fatal. See xalloc.h for why.
 */
#include "util/compat.h"

#include "util/xalloc.h"

static IR_NORETURN void
oom(size_t size)
{
	fprintf(stderr, "m365ir: out of memory (allocating %zu bytes)\n", size);
	abort();
}

void *
xmalloc(size_t size)
{
	void *p = malloc(size ? size : 1);

	if (!p)
		oom(size);
	return p;
}

void *
xcalloc(size_t nmemb, size_t size)
{
	void *p;

	if (!nmemb || !size)
		nmemb = size = 1;
	p = calloc(nmemb, size);
	if (!p)
		oom(nmemb * size);
	return p;
}

void *
xrealloc(void *ptr, size_t size)
{
	void *p = realloc(ptr, size ? size : 1);

	if (!p)
		oom(size);
	return p;
}

char *
xstrdup(const char *s)
{
	return xmemdupz(s, strlen(s));
}

char *
xstrndup(const char *s, size_t len)
{
	const char *nul = memchr(s, '\0', len);

	return xmemdupz(s, nul ? (size_t)(nul - s) : len);
}

char *
xmemdupz(const void *p, size_t len)
{
	char *s = xmalloc(len + 1);

	if (len)
		memcpy(s, p, len);
	s[len] = '\0';
	return s;
}

size_t
ir_alloc_nr(size_t nr, size_t alloc)
{
	size_t n = (alloc + 16) * 3 / 2;

	if (n < nr)
		n = nr;
	if (n > SIZE_MAX / 2)
		oom(n);
	return n;
}
