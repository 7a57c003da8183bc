/* SPDX-License-Identifier: MIT */
/*
 * fuzz-ip.c - ir_ip_parse() on arbitrary bytes. It must not crash, and
 * what it reports must be consistent: an address inet_pton() accepts in
 * the family claimed, never an address and a host at once, a port in
 * range, strings terminated inside their arrays. Any breach aborts.
 */
#include "util/compat.h"

#include <arpa/inet.h>

#include "util/ip.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool
terminated(const char *s, size_t cap)
{
	return memchr(s, '\0', cap);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ir_ip a;
	unsigned char bin[16];
	bool found = ir_ip_parse(&a, (const char *)data, size);

	if (!terminated(a.ip, sizeof(a.ip)) ||
	    !terminated(a.host, sizeof(a.host)) ||
	    !terminated(a.zone, sizeof(a.zone)))
		abort();
	if (found != (a.ip[0] || a.host[0]) || (a.ip[0] && a.host[0]))
		abort();
	if (a.port < -1 || a.port > 65535 || (!found && a.port != -1))
		abort();
	if (a.ip[0] && inet_pton(a.v6 ? AF_INET6 : AF_INET, a.ip, bin) != 1)
		abort();
	if (a.mapped_v6 && a.v6)
		abort();
	(void)ir_ip_is_private(&a);
	return 0;
}
