/* SPDX-License-Identifier: MIT */
/*
 * ip.h - the client address fields of Microsoft 365 logs, split into an
 * address and a port.
 *
 * ClientIP / ClientIPAddress / ActorIpAddress / ipAddress arrive as
 * `203.0.113.7`, `203.0.113.7:50123`, `[203.0.113.7]:50123`,
 * `2001:db8::17`, `[2001:db8::17]:50123`, `::ffff:203.0.113.7`,
 * `fe80::1%3`, `host.name:12345`, empty, or junk. A bare IPv6 address is
 * never split at its last colon. IPv4-mapped IPv6 is reported as the IPv4
 * address with `mapped_v6` set (the same client as a plain IPv4 sign-in).
 * Host names are not addresses: they land in `host`, with `ip` empty.
 */
#ifndef IR_IP_H
#define IR_IP_H

#include "util/compat.h"

struct ir_ip {
	char ip[64];   /* canonical text (inet_ntop), "" when not an address */
	char host[256];/* a host name given instead of an address, else "" */
	char zone[32]; /* IPv6 zone id without the '%', else "" */
	int port;      /* 0..65535, or -1 when absent */
	bool v6;
	bool mapped_v6;/* was ::ffff:a.b.c.d; `ip` holds a.b.c.d */
};

/*
 * Split `len` bytes at `s`. Never fails: unparseable text gives an empty
 * `ip` and `host` (and the caller keeps the raw text if it wants it).
 * Returns true when an address or host name was found.
 */
bool ir_ip_parse(struct ir_ip *out, const char *s, size_t len);

/* True for RFC 1918, loopback, link-local, CGNAT and IPv6 ULA/link-local. */
bool ir_ip_is_private(const struct ir_ip *ip);

#endif
