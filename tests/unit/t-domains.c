/* SPDX-License-Identifier: MIT */
/*
 * t-domains.c - the tenant's domains: given vs inferred, guests, subdomains,
 * and every spelling of a recipient Exchange writes.
 */
#include "tests/unit/test.h"

#include "detect/domains.h"

static enum ir_addr_class
cls(const struct ir_domains *d, const char *addr)
{
	return ir_domains_classify(d, addr, strlen(addr));
}

static void
test_domains__inferred_from_users_without_guests(void **state)
{
	struct ir_domains *d = ir_domains_new();
	const char *const *list;
	size_t n;

	ir_domains_observe_user(d, "alice@contoso.com");
	ir_domains_observe_user(d, "bob@Contoso.com");
	ir_domains_observe_user(
		d, "eve_fabrikam.com#EXT#@contoso.onmicrosoft.com");
	ir_domains_observe_user(d, "NT AUTHORITY\\SYSTEM (w3wp)");
	ir_domains_observe_user(d, NULL);
	assert_true(ir_domains_inferred(d));
	list = ir_domains_list(d, &n);
	assert_int_equal(n, 1);
	assert_string_equal(list[0], "contoso.com");
	assert_int_equal(cls(d, "x@contoso.com"), IR_ADDR_INTERNAL);
	assert_int_equal(cls(d, "x@fabrikam.com"), IR_ADDR_EXTERNAL);
	/* seen only through a guest: not the tenant's */
	assert_int_equal(cls(d, "x@contoso.onmicrosoft.com"), IR_ADDR_EXTERNAL);
	ir_domains_free(d);
}

static void
test_domains__given_wins_over_inferred(void **state)
{
	struct ir_domains *d = ir_domains_new();
	const char *const *list;
	size_t n;

	ir_domains_observe_user(d, "mallory@fabrikam.com");
	ir_domains_add(d, "Contoso.COM");
	ir_domains_add(d, "contoso.onmicrosoft.com");
	ir_domains_observe_user(d, "eve@fabrikam.net");
	assert_false(ir_domains_inferred(d));
	list = ir_domains_list(d, &n);
	assert_int_equal(n, 2);
	assert_string_equal(list[0], "contoso.com");
	assert_string_equal(list[1], "contoso.onmicrosoft.com");
	assert_int_equal(cls(d, "mallory@fabrikam.com"), IR_ADDR_EXTERNAL);
	assert_int_equal(cls(d, "a@contoso.onmicrosoft.com"), IR_ADDR_INTERNAL);
	ir_domains_free(d);
}

static void
test_domains__subdomains_but_not_lookalikes(void **state)
{
	struct ir_domains *d = ir_domains_new();

	ir_domains_add(d, "contoso.com");
	assert_int_equal(cls(d, "a@sales.contoso.com"), IR_ADDR_INTERNAL);
	assert_int_equal(cls(d, "a@CONTOSO.COM."), IR_ADDR_INTERNAL);
	assert_int_equal(cls(d, "a@notcontoso.com"), IR_ADDR_EXTERNAL);
	assert_int_equal(cls(d, "a@contoso.com.fabrikam.com"),
			 IR_ADDR_EXTERNAL);
	ir_domains_free(d);
}

static void
test_domains__recipient_spellings(void **state)
{
	struct ir_domains *d = ir_domains_new();

	ir_domains_add(d, "contoso.com");
	assert_int_equal(cls(d, "smtp:Bob@Fabrikam.com"), IR_ADDR_EXTERNAL);
	assert_int_equal(cls(d, "SMTP:bob@contoso.com"), IR_ADDR_INTERNAL);
	assert_int_equal(cls(d, "\"Bob\" <bob@contoso.com>"), IR_ADDR_INTERNAL);
	assert_int_equal(cls(d, "\"Fab Ops\" [SMTP:ops@fabrikam.com]"),
			 IR_ADDR_EXTERNAL);
	assert_int_equal(cls(d, "  exfil@fabrikam.com  "), IR_ADDR_EXTERNAL);
	ir_domains_free(d);
}

static void
test_domains__aliases_and_x500_are_unresolved(void **state)
{
	struct ir_domains *d = ir_domains_new();

	ir_domains_add(d, "contoso.com");
	assert_int_equal(cls(d, "fabrikam-contact"), IR_ADDR_UNRESOLVED);
	assert_int_equal(cls(d, "Bob Smith"), IR_ADDR_UNRESOLVED);
	assert_int_equal(cls(d, "/o=ExchangeLabs/ou=Exchange Administrative "
				"Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=abc"),
			 IR_ADDR_UNRESOLVED);
	assert_int_equal(cls(d, "EX:/O=CONTOSO/OU=X/CN=RECIPIENTS/CN=BOB"),
			 IR_ADDR_UNRESOLVED);
	assert_int_equal(cls(d, ""), IR_ADDR_UNRESOLVED);
	assert_int_equal(cls(d, "a@b@fabrikam.com"), IR_ADDR_UNRESOLVED);
	ir_domains_free(d);
}

static void
test_domains__normalize_lowercases_and_checks_size(void **state)
{
	char out[64];
	const char *in = "\"Eve\" <SMTP:Eve.X@Fabrikam.COM>";

	assert_int_equal(ir_addr_normalize(out, sizeof(out), in, strlen(in)),
			 strlen("eve.x@fabrikam.com"));
	assert_string_equal(out, "eve.x@fabrikam.com");
	assert_int_equal(ir_addr_normalize(out, 8, in, strlen(in)), 0);
	assert_int_equal(ir_addr_normalize(out, sizeof(out), "alias", 5), 0);
	/* a NUL inside is not an address */
	assert_int_equal(ir_addr_normalize(out, sizeof(out), "a\0b@x.com", 9),
			 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_domains__inferred_from_users_without_guests),
		cmocka_unit_test(test_domains__given_wins_over_inferred),
		cmocka_unit_test(test_domains__subdomains_but_not_lookalikes),
		cmocka_unit_test(test_domains__recipient_spellings),
		cmocka_unit_test(test_domains__aliases_and_x500_are_unresolved),
		cmocka_unit_test(
			test_domains__normalize_lowercases_and_checks_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
