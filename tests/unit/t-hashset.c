/* SPDX-License-Identifier: MIT */
/*
 * t-hashset.c - the set of 64-bit hashes behind duplicate removal, and the
 * string hash that feeds it.
 */
#include "tests/unit/test.h"

#include "util/hashset.h"

static void
test_hashset__add_reports_new_members_once(void **state)
{
	struct ir_hashset s = IR_HASHSET_INIT;

	assert_false(ir_hashset_has(&s, 42));
	assert_true(ir_hashset_add(&s, 42));
	assert_false(ir_hashset_add(&s, 42));
	assert_true(ir_hashset_has(&s, 42));
	assert_false(ir_hashset_has(&s, 43));
	/* 0 is a member like any other, not an empty-slot marker. */
	assert_false(ir_hashset_has(&s, 0));
	assert_true(ir_hashset_add(&s, 0));
	assert_false(ir_hashset_add(&s, 0));
	assert_true(ir_hashset_has(&s, 0));
	assert_int_equal(s.n, 2);
	ir_hashset_release(&s);
	assert_false(ir_hashset_has(&s, 42));
	assert_int_equal(s.n, 0);
}

/* Growth keeps every member; sequential keys probe worst for linear. */
static void
test_hashset__grows_and_keeps_members(void **state)
{
	struct ir_hashset s = IR_HASHSET_INIT;
	const uint64_t n = 300000;

	for (uint64_t i = 1; i <= n; i++)
		assert_true(ir_hashset_add(&s, i << 32));
	for (uint64_t i = 1; i <= n; i++)
		assert_false(ir_hashset_add(&s, i << 32));
	assert_int_equal(s.n, n);
	assert_false(ir_hashset_has(&s, (n + 1) << 32));
	/* Load factor at most 1/2: 8 bytes per member, 16 at worst. */
	assert_true(s.cap >= 2 * n && s.cap <= 4 * n);
	ir_hashset_release(&s);
}

static void
test_hashset__hash_is_stable_and_sensitive(void **state)
{
	static const char s[] = "97fc1f52-0000-4000-8000-000000000128";
	uint64_t h = ir_hash64(s, strlen(s), 0);
	char copy[sizeof(s)];

	/* Same bytes, same hash, whatever the alignment of the copy. */
	memcpy(copy, s, sizeof(s));
	assert_true(h == ir_hash64(copy, strlen(copy), 0));
	assert_true(h != ir_hash64(s, strlen(s), 1));
	assert_true(h != ir_hash64(s, strlen(s) - 1, 0));
	/* Each single-bit flip anywhere changes the hash. */
	for (size_t i = 0; i < strlen(s); i++) {
		for (int b = 0; b < 8; b++) {
			copy[i] ^= (char)(1 << b);
			assert_true(h != ir_hash64(copy, strlen(s), 0));
			copy[i] ^= (char)(1 << b);
		}
	}
	/* Embedded NULs count: "a\0b" and "a\0c" differ. */
	assert_true(ir_hash64("a\0b", 3, 0) != ir_hash64("a\0c", 3, 0));
	assert_true(ir_hash64("", 0, 0) != ir_hash64("\0", 1, 0));
}

/* A million near-identical ids (the shape of UAL Ids) never collide. */
static void
test_hashset__no_collisions_on_similar_ids(void **state)
{
	struct ir_hashset s = IR_HASHSET_INIT;
	char id[64];

	for (unsigned i = 0; i < 1000000; i++) {
		int n = snprintf(id, sizeof(id),
				 "22222222-3333-4444-5555-%012u", i);

		assert_true(ir_hashset_add(&s, ir_hash64(id, (size_t)n, 0)));
	}
	ir_hashset_release(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hashset__add_reports_new_members_once),
		cmocka_unit_test(test_hashset__grows_and_keeps_members),
		cmocka_unit_test(test_hashset__hash_is_stable_and_sensitive),
		cmocka_unit_test(test_hashset__no_collisions_on_similar_ids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
