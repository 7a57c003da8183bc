/* SPDX-License-Identifier: MIT */
/*
 * common.c - small helpers every part of graphsim uses: the clock, the
 * random stream behind ids and tokens, base64url and form decoding.
 *
 * The random stream is splitmix64, seeded by --seed (or the clock), so a
 * run with a fixed seed hands out the same request ids and tokens in the
 * same order. It is not a cryptographic generator and does not need to be:
 * the simulator only ever listens on loopback and holds no real secret.
 */
#include "util/compat.h"

#include "sim/graphsim/graphsim.h"
#include "util/time.h"
#include "util/xalloc.h"

#include <ctype.h>
#include <strings.h>
#include <time.h>

int64_t
gs_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return ts.tv_sec;
}

void
gs_format_time(char out[40], int64_t t)
{
	struct ir_time it = { t, 0 };

	ir_time_format(out, it);
}

uint64_t
gs_rand(struct gs_server *gs)
{
	uint64_t z = (gs->rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A version 4 GUID, as Graph uses for request-id and object ids. */
void
gs_guid(struct gs_server *gs, char out[GS_GUID_LEN])
{
	uint64_t hi = gs_rand(gs), lo = gs_rand(gs);

	hi = (hi & ~0xf000ULL) | 0x4000ULL;
	lo = (lo & ~(3ULL << 62)) | (2ULL << 62);
	snprintf(out, GS_GUID_LEN, "%08x-%04x-%04x-%04x-%012llx",
		 (unsigned)(hi >> 32), (unsigned)(hi >> 16) & 0xffff,
		 (unsigned)hi & 0xffff, (unsigned)(lo >> 48),
		 (unsigned long long)(lo & 0xffffffffffffULL));
}

void
gs_base64url(struct ir_buf *out, const void *data, size_t len)
{
	static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
				  "abcdefghijklmnopqrstuvwxyz0123456789-_";
	const unsigned char *p = data;
	size_t i;

	for (i = 0; i + 2 < len; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16 | p[i + 1] << 8 | p[i + 2];

		ir_buf_addch(out, tab[v >> 18]);
		ir_buf_addch(out, tab[(v >> 12) & 63]);
		ir_buf_addch(out, tab[(v >> 6) & 63]);
		ir_buf_addch(out, tab[v & 63]);
	}
	if (len - i == 1) {
		ir_buf_addch(out, tab[p[i] >> 2]);
		ir_buf_addch(out, tab[(p[i] & 3) << 4]);
	} else if (len - i == 2) {
		uint32_t v = (uint32_t)p[i] << 8 | p[i + 1];

		ir_buf_addch(out, tab[v >> 10]);
		ir_buf_addch(out, tab[(v >> 4) & 63]);
		ir_buf_addch(out, tab[(v << 2) & 63]);
	}
}

static int
b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '-')
		return 62;
	if (c == '_')
		return 63;
	return -1;
}

int
gs_base64url_decode(struct ir_buf *out, const char *s)
{
	uint32_t acc = 0;
	int bits = 0, v;

	for (; *s; s++) {
		v = b64val((unsigned char)*s);
		if (v < 0)
			return -1;
		acc = (acc << 6) | (uint32_t)v;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			ir_buf_addch(out, (int)((acc >> bits) & 0xff));
		}
	}
	return bits >= 6 ? -1 : 0;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

char *
gs_form_unescape(char *s)
{
	char *r = s, *w = s;

	for (; *r; r++) {
		if (*r == '+') {
			*w++ = ' ';
		} else if (*r == '%' && hexval(r[1]) >= 0 &&
			   hexval(r[2]) >= 0) {
			*w++ = (char)(hexval(r[1]) << 4 | hexval(r[2]));
			r += 2;
		} else {
			*w++ = *r;
		}
	}
	*w = '\0';
	return s;
}

char *
gs_form_get(const char *form, const char *name)
{
	size_t nlen = strlen(name);
	const char *p = form;

	while (p && *p) {
		const char *end = strchr(p, '&');
		size_t len = end ? (size_t)(end - p) : strlen(p);

		if (len > nlen && !strncmp(p, name, nlen) && p[nlen] == '=')
			return gs_form_unescape(
				xstrndup(p + nlen + 1, len - nlen - 1));
		if (len == nlen && !strncmp(p, name, nlen))
			return xstrdup("");
		p = end ? end + 1 : NULL;
	}
	return NULL;
}

bool
gs_str_eq_ci(const char *a, const char *b)
{
	return !strcasecmp(a, b);
}
