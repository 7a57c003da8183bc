/* SPDX-License-Identifier: MIT */
/*
 * domains.h - which mail domains are the tenant's own.
 *
 * Forwarding to alice@contoso.com is fine in contoso's tenant and a breach
 * in anyone else's, so every "external" judgement goes through here. The
 * domains come from `--tenant-domain` (authoritative) or, when none is
 * given, are inferred from the UPNs of the users in the logs (guest
 * `#EXT#` accounts excluded); the report says which, because an inferred
 * list can miss a domain nobody signed in with. Subdomains of a tenant
 * domain count as internal; `*.onmicrosoft.com` counts only when it was
 * given or seen.
 *
 *	struct ir_domains *d = ir_domains_new();
 *	ir_domains_add(d, "contoso.com");        // from --tenant-domain
 *	ir_domains_observe_user(d, ev->user);    // for each event
 *	ir_domains_classify(d, "smtp:Bob@Fabrikam.com") -> IR_ADDR_EXTERNAL
 */
#ifndef IR_DOMAINS_H
#define IR_DOMAINS_H

#include "util/compat.h"

enum ir_addr_class {
	IR_ADDR_INTERNAL,
	IR_ADDR_EXTERNAL,
	IR_ADDR_UNRESOLVED, /* a bare alias or X.500 DN: cannot judge offline */
};

struct ir_domains;

struct ir_domains *ir_domains_new(void);
void ir_domains_free(struct ir_domains *d);

/* A domain given by the user; once any is given, inference stops. */
void ir_domains_add(struct ir_domains *d, const char *domain);

/* Count the domain of `user` (a UPN) towards inference. */
void ir_domains_observe_user(struct ir_domains *d, const char *user);

/* True when the domains were inferred rather than given. */
bool ir_domains_inferred(const struct ir_domains *d);

/*
 * Classify one recipient as written in logs: `smtp:` / `SMTP:` prefixes,
 * `"Name" <addr>`, `[SMTP:addr]` and surrounding space are understood.
 */
enum ir_addr_class ir_domains_classify(const struct ir_domains *d,
				       const char *addr, size_t len);

/*
 * The domains in effect, sorted, for the report; `*n` gets the count.
 * Borrowed until the next add/observe call.
 */
const char *const *ir_domains_list(const struct ir_domains *d, size_t *n);

/*
 * Copy the bare address out of `addr` (prefix, brackets and display name
 * removed, lower-cased) into `out` of `size` bytes; returns its length,
 * or 0 when it is not an address.
 */
size_t ir_addr_normalize(char *out, size_t size, const char *addr,
			 size_t len);

#endif
