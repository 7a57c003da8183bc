/* SPDX-License-Identifier: MIT */
/*
 * ip.c - split a log's client address field into address, port, zone or
 * host name (ip.h).
 *
 * The shape decides the split, before any address parsing: `[...]` may be
 * followed by `:port`; otherwise exactly one colon means `addr:port` or
 * `host:port`, and two or more mean a bare IPv6 address, which is never
 * split (cutting `2001:db8::17` at its last colon is the classic bug).
 * The address itself is left to inet_pton(), and its canonical text to
 * inet_ntop(), so we never hand-roll IPv6 parsing or compression.
 *
 * Not attempted: name resolution (host names stay names), CIDR suffixes,
 * and IPv4 spellings other than dotted quad (glibc refuses `010.1.1.1`
 * and so do we).
 */
#include "util/compat.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include "util/err.h"
#include "util/ip.h"
#include "util/parse.h"

static const unsigned char v4mapped[12] = { 0, 0, 0, 0, 0, 0,
					    0, 0, 0, 0, 0xff, 0xff };

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static bool
host_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

/*
 * A DNS-ish name: letters, digits, '-', '_' and dots, not starting with a
 * dot or '-', and not all digits and dots (that is a broken IPv4 address,
 * not a name).
 */
static bool
set_host(struct ir_ip *out, const char *s, size_t n)
{
	bool letter = false;

	if (!n || n >= sizeof(out->host) || s[0] == '.' || s[0] == '-')
		return false;
	for (size_t i = 0; i < n; i++) {
		if (!host_char(s[i]))
			return false;
		if (!(s[i] >= '0' && s[i] <= '9') && s[i] != '.')
			letter = true;
	}
	if (!letter)
		return false;
	memcpy(out->host, s, n);
	out->host[n] = '\0';
	return true;
}

/* Split off `%zone`; false when the zone is empty, too long or odd. */
static bool
split_zone(struct ir_ip *out, const char *s, size_t *n)
{
	const char *pct = memchr(s, '%', *n);
	size_t zlen;

	if (!pct)
		return true;
	zlen = *n - (size_t)(pct + 1 - s);
	if (!zlen || zlen >= sizeof(out->zone))
		return false;
	for (size_t i = 0; i < zlen; i++)
		if (!host_char(pct[1 + i]))
			return false;
	memcpy(out->zone, pct + 1, zlen);
	out->zone[zlen] = '\0';
	*n = (size_t)(pct - s);
	return true;
}

/* inet_pton() the `n` bytes at `s`; fill ip, v6, mapped_v6, zone. */
static bool
set_addr(struct ir_ip *out, const char *s, size_t n)
{
	char text[INET6_ADDRSTRLEN + 1];
	unsigned char a[16];

	if (!split_zone(out, s, &n) || !n || n >= sizeof(text))
		goto fail;
	memcpy(text, s, n);
	text[n] = '\0';
	if (!out->zone[0] && inet_pton(AF_INET, text, a) == 1)
		return !!inet_ntop(AF_INET, a, out->ip, sizeof(out->ip));
	if (inet_pton(AF_INET6, text, a) != 1)
		goto fail;
	/* ::ffff:a.b.c.d is an IPv4 client seen through a dual stack. */
	if (!memcmp(a, v4mapped, sizeof(v4mapped)) && !out->zone[0]) {
		out->mapped_v6 = true;
		return !!inet_ntop(AF_INET, a + 12, out->ip, sizeof(out->ip));
	}
	out->v6 = true;
	return !!inet_ntop(AF_INET6, a, out->ip, sizeof(out->ip));
fail:
	out->zone[0] = '\0';
	return false;
}

/* An address, or failing that a host name. */
static bool
set_addr_or_host(struct ir_ip *out, const char *s, size_t n)
{
	return set_addr(out, s, n) || set_host(out, s, n);
}

static bool
set_port(struct ir_ip *out, const char *s, size_t n)
{
	/* ir_parse_int allows a sign; a port never has one. */
	if (!n || s[0] == '+' || s[0] == '-')
		return false;
	return !ir_parse_int(&out->port, s, n, 0, 65535, NULL);
}

/* `[addr]` or `[addr]:port`; a host name in brackets is taken too. */
static bool
bracketed(struct ir_ip *out, const char *s, size_t len)
{
	const char *close = memchr(s, ']', len);
	size_t rest;

	if (!close)
		return false;
	rest = len - (size_t)(close + 1 - s);
	if (rest && (close[1] != ':' || !set_port(out, close + 2, rest - 1)))
		return false;
	return set_addr_or_host(out, s + 1, (size_t)(close - s - 1));
}

static bool
split(struct ir_ip *out, const char *s, size_t len)
{
	const char *colon = memchr(s, ':', len);

	if (s[0] == '[')
		return bracketed(out, s, len);
	if (!colon)
		return set_addr_or_host(out, s, len);
	if (memchr(colon + 1, ':', len - (size_t)(colon + 1 - s)))
		return set_addr(out, s, len);
	if (!set_port(out, colon + 1, len - (size_t)(colon + 1 - s)))
		return false;
	return set_addr_or_host(out, s, (size_t)(colon - s));
}

bool
ir_ip_parse(struct ir_ip *out, const char *s, size_t len)
{
	memset(out, 0, sizeof(*out));
	out->port = -1;
	while (len && is_space(*s)) {
		s++;
		len--;
	}
	while (len && is_space(s[len - 1]))
		len--;
	if (len && split(out, s, len))
		return true;
	/* Never leave half a result (a port without an address). */
	memset(out, 0, sizeof(*out));
	out->port = -1;
	return false;
}

static bool
in_v4(const unsigned char *a, unsigned a0, unsigned a1, unsigned bits)
{
	uint32_t x = (uint32_t)a[0] << 24 | (uint32_t)a[1] << 16 |
		     (uint32_t)a[2] << 8 | a[3];
	uint32_t net = (uint32_t)a0 << 24 | (uint32_t)a1 << 16;
	uint32_t mask = bits ? ~(uint32_t)0 << (32 - bits) : 0;

	return (x & mask) == net;
}

bool
ir_ip_is_private(const struct ir_ip *ip)
{
	unsigned char a[16];

	if (inet_pton(AF_INET, ip->ip, a) == 1)
		return in_v4(a, 10, 0, 8) ||	 /* RFC 1918 */
		       in_v4(a, 172, 16, 12) ||	 /* RFC 1918 */
		       in_v4(a, 192, 168, 16) || /* RFC 1918 */
		       in_v4(a, 127, 0, 8) ||	 /* loopback */
		       in_v4(a, 169, 254, 16) || /* link-local */
		       in_v4(a, 100, 64, 10);	 /* CGNAT, RFC 6598 */
	if (inet_pton(AF_INET6, ip->ip, a) != 1)
		return false;
	/* ULA fc00::/7, link-local fe80::/10, loopback ::1. */
	return (a[0] & 0xfe) == 0xfc ||
	       (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) ||
	       !memcmp(a, in6addr_loopback.s6_addr, 16);
}
