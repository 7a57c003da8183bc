/* SPDX-License-Identifier: MIT */
/*
 * t-ip.c - splitting client address fields (util/ip.h).
 *
 * Inline vectors give every spelling with the exact expected fields, so a
 * wrong split (the last-colon bug), a lost port or a non-canonical address
 * fails here. Case 14 and the 15 real spellings in
 * corpus/elastic-beats-o365/ip-formats.log are read at run time from
 * $SHARED when present.
 */
#include "util/compat.h"

#include <yyjson.h>

#include "tests/unit/test.h"
#include "util/ip.h"

struct vec {
	const char *in;
	const char *ip;
	const char *host;
	const char *zone;
	int port;
	bool v6, mapped;
};

static void
check(const struct vec *v)
{
	struct ir_ip a;
	bool found = ir_ip_parse(&a, v->in, strlen(v->in));

	print_message("'%s' -> ip '%s' host '%s' zone '%s' port %d\n", v->in,
		      a.ip, a.host, a.zone, a.port);
	assert_int_equal(found, v->ip[0] || v->host[0]);
	assert_string_equal(a.ip, v->ip);
	assert_string_equal(a.host, v->host);
	assert_string_equal(a.zone, v->zone);
	assert_int_equal(a.port, v->port);
	assert_int_equal(a.v6, v->v6);
	assert_int_equal(a.mapped_v6, v->mapped);
}

static void
test_ip__forms(void **state)
{
	static const struct vec v[] = {
		{ "203.0.113.7", "203.0.113.7", "", "", -1, false, false },
		{ "203.0.113.7:50123", "203.0.113.7", "", "", 50123, 0, 0 },
		{ "[203.0.113.7]:50123", "203.0.113.7", "", "", 50123, 0, 0 },
		{ "[203.0.113.7]", "203.0.113.7", "", "", -1, false, false },
		{ "2001:db8::17", "2001:db8::17", "", "", -1, true, false },
		{ "[2001:db8::17]:50123", "2001:db8::17", "", "", 50123, 1, 0 },
		{ "[2001:db8::17]", "2001:db8::17", "", "", -1, true, false },
		{ "2001:DB8:0:0:0:0:0:17", "2001:db8::17", "", "", -1, 1, 0 },
		{ "::ffff:203.0.113.7", "203.0.113.7", "", "", -1, 0, true },
		{ "[::ffff:198.51.100.9]:443", "198.51.100.9", "", "", 443, 0,
		  1 },
		{ "fe80::1%3", "fe80::1", "", "3", -1, true, false },
		{ "[fe80::1%eth0]:8080", "fe80::1", "", "eth0", 8080, 1, 0 },
		{ "cool.client.local:12345", "", "cool.client.local", "", 12345,
		  0, 0 },
		{ "[host.contoso.com]:1", "", "host.contoso.com", "", 1, 0, 0 },
		{ "localhost", "", "localhost", "", -1, false, false },
		{ " 198.51.100.9\t", "198.51.100.9", "", "", -1, false, false },
		{ "198.51.100.9:0", "198.51.100.9", "", "", 0, false, false },
		{ "198.51.100.9:65535", "198.51.100.9", "", "", 65535, 0, 0 },
		{ "::1", "::1", "", "", -1, true, false },
		/* A zone makes it a link-scoped IPv6 address, not IPv4. */
		{ "::ffff:203.0.113.7%3", "::ffff:203.0.113.7", "", "3", -1, 1,
		  0 },
	};

	for (size_t i = 0; i < IR_ARRAY_SIZE(v); i++)
		check(&v[i]);
}

static void
test_ip__junk(void **state)
{
	static const char *const junk[] = {
		"", "   ", "not an ip!", "203.0.113.7:", "203.0.113.7:65536",
		"203.0.113.7:-1", "203.0.113.7:+1", "203.0.113.7:8x",
		"[2001:db8::17", "[2001:db8::17]x", "[2001:db8::17]:",
		"999.1.1.1", "1.2.3", "010.1.1.1", "203.0.113.7%3",
		"fe80::1%", "fe80::1%a b", ":::", "2001:db8::17:50123",
		"[]:80", "[]", "-host", ".host", "a b", "host:80:90x",
	};
	struct ir_ip a;

	for (size_t i = 0; i < IR_ARRAY_SIZE(junk); i++) {
		bool found = ir_ip_parse(&a, junk[i], strlen(junk[i]));

		if (found)
			print_error("accepted '%s'\n", junk[i]);
		assert_false(found);
		/* Never half a result: no port without an address. */
		assert_string_equal(a.ip, "");
		assert_string_equal(a.host, "");
		assert_string_equal(a.zone, "");
		assert_int_equal(a.port, -1);
	}
}

/* A bare IPv6 address must never be cut at its last colon. */
static void
test_ip__v6_never_split(void **state)
{
	static const struct vec v[] = {
		{ "2001:db8::1234", "2001:db8::1234", "", "", -1, true, 0 },
		{ "2001:db8:0:0:1:0:0:443", "2001:db8::1:0:0:443", "", "", -1,
		  true, false },
	};

	check(&v[0]);
	check(&v[1]);
}

/* Counted input: bytes past `len` must not be read. */
static void
test_ip__counted(void **state)
{
	struct ir_ip a;

	assert_true(ir_ip_parse(&a, "203.0.113.7:50123", 11));
	assert_string_equal(a.ip, "203.0.113.7");
	assert_int_equal(a.port, -1);
	assert_true(ir_ip_parse(&a, "203.0.113.7:50123xyz", 17));
	assert_int_equal(a.port, 50123);
}

static bool
is_priv(const char *s)
{
	struct ir_ip a;

	ir_ip_parse(&a, s, strlen(s));
	return ir_ip_is_private(&a);
}

static void
test_ip__is_private(void **state)
{
	static const char *const yes[] = {
		"10.1.2.3", "172.16.0.1", "172.31.255.255", "192.168.1.1",
		"127.0.0.1", "169.254.1.1", "100.64.0.1", "100.127.255.255",
		"::1", "fd00::1", "fc00::1", "fe80::1%3", "febf::1",
		"::ffff:10.0.0.1", "[192.168.0.1]:443",
	};
	static const char *const no[] = {
		"203.0.113.7", "198.51.100.1", "172.32.0.1", "172.15.255.255",
		"100.128.0.1", "100.63.255.255", "11.0.0.1", "192.169.0.1",
		"2001:db8::1", "fec0::1", "::ffff:203.0.113.7", "localhost",
		"", "junk",
	};

	for (size_t i = 0; i < IR_ARRAY_SIZE(yes); i++) {
		if (!is_priv(yes[i]))
			print_error("'%s' should be private\n", yes[i]);
		assert_true(is_priv(yes[i]));
	}
	for (size_t i = 0; i < IR_ARRAY_SIZE(no); i++) {
		if (is_priv(no[i]))
			print_error("'%s' should be public\n", no[i]);
		assert_false(is_priv(no[i]));
	}
}

/* ---- shared cases and corpus, read at run time ---- */

static char *
slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n >= 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static char *
next_line(char **rest)
{
	char *l = *rest;
	size_t n;

	if (!*l)
		return NULL;
	n = strcspn(l, "\n");
	*rest = l[n] ? l + n + 1 : l + n;
	l[n] = '\0';
	return l;
}

static char *
need(const char *rel)
{
	const char *path = tshared(rel);

	if (!path) {
		print_message("SKIP: ../shared/%s not present\n", rel);
		skip();
	}
	return slurp(path);
}

/* ClientIP of one JSON line, parsed. */
static void
parse_line(struct ir_ip *out, const char *line, char *raw, size_t rawsz)
{
	yyjson_doc *doc = yyjson_read(line, strlen(line), 0);
	yyjson_val *v = yyjson_obj_get(yyjson_doc_get_root(doc), "ClientIP");
	const char *s = yyjson_get_str(v);

	assert_non_null(s);
	snprintf(raw, rawsz, "%s", s ? s : "");
	ir_ip_parse(out, s, yyjson_get_len(v));
	yyjson_doc_free(doc);
}

/* Compare one result with an expected object: absent keys are "". */
static void
expect_obj(const struct ir_ip *a, yyjson_val *want)
{
	yyjson_val *ip = yyjson_obj_get(want, "ip");
	yyjson_val *host = yyjson_obj_get(want, "host");
	yyjson_val *zone = yyjson_obj_get(want, "zone");
	yyjson_val *port = yyjson_obj_get(want, "port");

	assert_string_equal(a->ip, yyjson_is_str(ip) ? yyjson_get_str(ip) : "");
	assert_string_equal(a->host,
			    yyjson_is_str(host) ? yyjson_get_str(host) : "");
	assert_string_equal(a->zone,
			    yyjson_is_str(zone) ? yyjson_get_str(zone) : "");
	assert_int_equal(a->port,
			 yyjson_is_int(port) ? yyjson_get_int(port) : -1);
	assert_int_equal(a->mapped_v6,
			 yyjson_get_bool(yyjson_obj_get(want, "mapped_v6")));
}

static void
test_ip__case14_clientip_forms(void **state)
{
	char *in = need("cases/14-clientip-forms.input.jsonl");
	char *exp = need("cases/14-clientip-forms.expected.txt");
	yyjson_doc *doc = yyjson_read(exp, strlen(exp),
				      YYJSON_READ_STOP_WHEN_DONE);
	yyjson_val *want = yyjson_doc_get_root(doc);
	char *rest = in, *l, raw[256];
	size_t n = 0;
	struct ir_ip a;

	assert_true(yyjson_is_arr(want));
	for (l = next_line(&rest); l; l = next_line(&rest)) {
		parse_line(&a, l, raw, sizeof(raw));
		print_message("'%s'\n", raw);
		assert_true(n < yyjson_arr_size(want));
		expect_obj(&a, yyjson_arr_get(want, n));
		n++;
	}
	assert_int_equal(n, yyjson_arr_size(want));
	assert_int_equal(n, 9);
	yyjson_doc_free(doc);
	free(in);
	free(exp);
}

/*
 * What the raw spelling says the address or host is: brackets, a single
 * `:port` and a `::ffff:` prefix removed.
 */
static void
core(char *out, size_t outsz, const char *raw)
{
	const char *s = raw, *colon = strchr(raw, ':');
	size_t n = strlen(raw);

	if (raw[0] == '[') {
		s = raw + 1;
		n = (size_t)(strchr(raw, ']') - s);
	} else if (colon && !strchr(colon + 1, ':')) {
		n = (size_t)(colon - raw);
	}
	if (n > 7 && !strncmp(s, "::ffff:", 7)) {
		s += 7;
		n -= 7;
	}
	snprintf(out, outsz, "%.*s", (int)n, s);
}

/* `[x]:port`, or exactly one colon outside brackets. */
static bool
has_port(const char *raw)
{
	const char *colon = strchr(raw, ':');

	if (raw[0] == '[')
		return strstr(raw, "]:");
	return colon && !strchr(colon + 1, ':');
}

/*
 * The 15 ClientIP spellings Elastic tests with: every one yields an
 * address or a host (never both), the port exactly when the text ends in
 * `:<digits>` after an address or host, and the canonical text equals
 * what the spelling holds once brackets, port and ::ffff: are gone.
 */
static void
test_ip__corpus_ip_formats(void **state)
{
	char *text = need("corpus/elastic-beats-o365/ip-formats.log");
	char *rest = text, *l, raw[256], want[256];
	int n = 0, addrs = 0, hosts = 0, mapped = 0, v6 = 0, ports = 0;
	struct ir_ip a;

	for (l = next_line(&rest); l; l = next_line(&rest)) {
		const char *tail;

		parse_line(&a, l, raw, sizeof(raw));
		print_message("'%s' -> ip '%s' host '%s' port %d\n", raw, a.ip,
			      a.host, a.port);
		assert_true(!a.ip[0] != !a.host[0]);
		core(want, sizeof(want), raw);
		assert_string_equal(a.ip[0] ? a.ip : a.host, want);
		tail = strrchr(raw, ':');
		assert_int_equal(a.port >= 0, has_port(raw));
		if (a.port >= 0) {
			assert_non_null(tail);
			assert_int_equal(a.port,
					 (int)strtol(tail + 1, NULL, 10));
			ports++;
		}
		addrs += !!a.ip[0];
		hosts += !!a.host[0];
		mapped += a.mapped_v6;
		v6 += a.v6;
		n++;
	}
	assert_int_equal(n, 15);
	assert_int_equal(addrs, 9);
	assert_int_equal(hosts, 6);
	assert_int_equal(mapped, 2);
	assert_int_equal(v6, 3);
	assert_int_equal(ports, 8);
	free(text);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ip__forms),
		cmocka_unit_test(test_ip__junk),
		cmocka_unit_test(test_ip__v6_never_split),
		cmocka_unit_test(test_ip__counted),
		cmocka_unit_test(test_ip__is_private),
		cmocka_unit_test(test_ip__case14_clientip_forms),
		cmocka_unit_test(test_ip__corpus_ip_formats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
