/* SPDX-License-Identifier: MIT */
/*
 * test.h - what every unit test file includes: cmocka and a few helpers.
 *
 * Unit tests are tests/unit/t-<module>.c, with functions named
 * test_<module>__<case> listed in main() (cmocka_unit_test). Fixtures the
 * project wrote live in tests/fixtures/ (tfixture()); the real-format
 * corpus is read from $SHARED (tshared()), and tests that need it call
 * skip() with a message when it is absent.
 */
#ifndef IR_TEST_H
#define IR_TEST_H

#include "util/compat.h"

#include <setjmp.h>
#include <stdarg.h>
#include <cmocka.h>

/* Path of tests/fixtures/<rel> in a static buffer (valid until next call). */
static inline const char *
tfixture(const char *rel)
{
	static char path[4096];
	const char *src = getenv("SRCDIR");

	snprintf(path, sizeof(path), "%s/tests/fixtures/%s", src ? src : ".",
		 rel);
	return path;
}

/* Path of $SHARED/<rel>, or NULL when $SHARED/<rel> does not exist. */
static inline const char *
tshared(const char *rel)
{
	static char path[4096];
	const char *shared = getenv("SHARED");
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", shared ? shared : "../shared",
		 rel);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	fclose(f);
	return path;
}

#endif
