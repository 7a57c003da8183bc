/* SPDX-License-Identifier: MIT */
/*
 * domains.c - the tenant's own mail domains, and judging a recipient
 * against them (domains.h).
 *
 * Two sorted sets of lower-cased domains: the given ones (`--tenant-domain`,
 * authoritative) and the ones seen in users' UPNs. Once a domain is given,
 * the inferred set is ignored, because an attacker's address can appear as
 * a "user" in a log (a guest, a spray target) and must not become internal
 * that way. Observing runs once per event, so it is a binary search in a
 * small array; the inferred set is capped so that a log full of junk user
 * names cannot grow it without bound.
 *
 * Recipients arrive in every spelling Exchange writes: `smtp:` prefixes
 * (the upper-case one marks the primary address), `"Name" <addr>`,
 * `"Name" [SMTP:addr]`, X.500 DNs (`/o=ExchangeLabs/ou=.../cn=...`) and
 * bare aliases. The last two name a recipient object we cannot look up
 * offline, so they are "unresolved", never guessed internal.
 */
#include "util/compat.h"

#include "util/xalloc.h"
#include "detect/domains.h"

/* More distinct UPN domains than this is noise, not a tenant. */
#define MAX_INFERRED 256
#define MAX_DOMAIN 256

struct set {
	char **v;
	size_t n, alloc;
};

struct ir_domains {
	struct set given, seen;
};

struct ir_domains *
ir_domains_new(void)
{
	return xcalloc(1, sizeof(struct ir_domains));
}

static void
set_release(struct set *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

void
ir_domains_free(struct ir_domains *d)
{
	if (!d)
		return;
	set_release(&d->given);
	set_release(&d->seen);
	free(d);
}

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

/* Where `dom` is or would go in the sorted set; *found says which. */
static size_t
set_find(const struct set *s, const char *dom, bool *found)
{
	size_t lo = 0, hi = s->n;

	*found = false;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(s->v[mid], dom);

		if (!c) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void
set_add(struct set *s, const char *dom, size_t cap)
{
	bool found;
	size_t at = set_find(s, dom, &found);

	if (found || (cap && s->n >= cap))
		return;
	IR_ALLOC_GROW(s->v, s->n + 1, s->alloc);
	memmove(s->v + at + 1, s->v + at, (s->n - at) * sizeof(*s->v));
	s->v[at] = xstrdup(dom);
	s->n++;
}

/*
 * Lower-case a domain into `out`, dropping a trailing dot; false when it
 * is empty, too long or holds a byte no domain has.
 */
static bool
domain_clean(char *out, const char *s, size_t len)
{
	while (len && s[len - 1] == '.')
		len--;
	if (!len || len >= MAX_DOMAIN)
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= ' ' || c == '@' || c == '/' || c == '\\' || c == '<' ||
		    c == '>' || c == '"' || c == ',' || c == ';' || c == 0x7f)
			return false;
		out[i] = (char)lower(c);
	}
	out[len] = '\0';
	return true;
}

void
ir_domains_add(struct ir_domains *d, const char *domain)
{
	char dom[MAX_DOMAIN];

	while (*domain == '@' || *domain == ' ')
		domain++;
	if (domain_clean(dom, domain, strlen(domain)))
		set_add(&d->given, dom, 0);
}

void
ir_domains_observe_user(struct ir_domains *d, const char *user)
{
	const char *at;
	char dom[MAX_DOMAIN];

	if (!user || d->given.n)
		return;
	at = strrchr(user, '@');
	if (!at || at == user)
		return;
	/* Guests: alice_fabrikam.com#EXT#@contoso.onmicrosoft.com. */
	for (const char *p = user; p + 5 <= at; p++)
		if (p[0] == '#' && lower(p[1]) == 'e' && lower(p[2]) == 'x' &&
		    lower(p[3]) == 't' && p[4] == '#')
			return;
	if (domain_clean(dom, at + 1, strlen(at + 1)) && strchr(dom, '.'))
		set_add(&d->seen, dom, MAX_INFERRED);
}

bool
ir_domains_inferred(const struct ir_domains *d)
{
	return !d->given.n;
}

const char *const *
ir_domains_list(const struct ir_domains *d, size_t *n)
{
	const struct set *s = d->given.n ? &d->given : &d->seen;

	*n = s->n;
	return (const char *const *)s->v;
}

/* True when `dom` is `tenant` or one of its subdomains. */
static bool
domain_within(const char *dom, size_t len, const char *tenant)
{
	size_t tlen = strlen(tenant);

	if (len < tlen || memcmp(dom + len - tlen, tenant, tlen))
		return false;
	return len == tlen || dom[len - tlen - 1] == '.';
}

enum ir_addr_class
ir_domains_classify(const struct ir_domains *d, const char *addr, size_t len)
{
	char norm[512];
	size_t n = ir_addr_normalize(norm, sizeof(norm), addr, len);
	const struct set *s = d->given.n ? &d->given : &d->seen;
	const char *dom;

	if (!n)
		return IR_ADDR_UNRESOLVED;
	dom = strrchr(norm, '@') + 1;
	for (size_t i = 0; i < s->n; i++)
		if (domain_within(dom, n - (size_t)(dom - norm), s->v[i]))
			return IR_ADDR_INTERNAL;
	return IR_ADDR_EXTERNAL;
}

static bool
is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static void
trim(const char **s, size_t *len)
{
	while (*len && is_space(**s)) {
		(*s)++;
		(*len)--;
	}
	while (*len && is_space((*s)[*len - 1]))
		(*len)--;
}

/* Narrow [s, s+len) to what lies between `open` and `close`, if present. */
static void
inside(const char **s, size_t *len, char open, char close)
{
	const char *a = memchr(*s, open, *len);
	const char *b;

	if (!a)
		return;
	b = memchr(a + 1, close, *len - (size_t)(a + 1 - *s));
	if (!b)
		return;
	*s = a + 1;
	*len = (size_t)(b - *s);
}

static bool
has_prefix_ci(const char *s, size_t len, const char *p)
{
	size_t plen = strlen(p);

	if (len < plen)
		return false;
	for (size_t i = 0; i < plen; i++)
		if (lower((unsigned char)s[i]) != p[i])
			return false;
	return true;
}

/* Is [s, s+len) one plausible mailbox address? */
static bool
address_ok(const char *s, size_t len)
{
	const char *at = memchr(s, '@', len);
	size_t dlen;

	if (!at || at == s || memchr(at + 1, '@', len - (size_t)(at + 1 - s)))
		return false;
	dlen = len - (size_t)(at + 1 - s);
	if (!dlen || !memchr(at + 1, '.', dlen))
		return false;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= ' ' || c == 0x7f || c == '/' || c == '\\' ||
		    c == '<' || c == '>' || c == '"' || c == ',' || c == ';' ||
		    c == '[' || c == ']')
			return false;
	}
	return true;
}

size_t
ir_addr_normalize(char *out, size_t size, const char *addr, size_t len)
{
	const char *s = addr;

	if (!s || !size)
		return 0;
	trim(&s, &len);
	/* `"Name" <addr>` and `"Name" [SMTP:addr]`: the address is inside. */
	inside(&s, &len, '<', '>');
	inside(&s, &len, '[', ']');
	trim(&s, &len);
	if (len >= 2 && ((s[0] == '"' && s[len - 1] == '"') ||
			 (s[0] == '\'' && s[len - 1] == '\''))) {
		s++;
		len -= 2;
	}
	if (has_prefix_ci(s, len, "smtp:")) {
		s += 5;
		len -= 5;
	} else if (has_prefix_ci(s, len, "mailto:")) {
		s += 7;
		len -= 7;
	}
	trim(&s, &len);
	while (len && s[len - 1] == '.')
		len--;
	if (!address_ok(s, len) || len >= size)
		return 0;
	for (size_t i = 0; i < len; i++)
		out[i] = (char)lower((unsigned char)s[i]);
	out[len] = '\0';
	return len;
}
