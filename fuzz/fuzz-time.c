/* SPDX-License-Identifier: MIT */
/*
 * fuzz-time.c - ir_time_parse() on arbitrary bytes, with and without
 * IR_TIME_EPOCH and with a hint carried between the two calls as a file
 * reader would. Anything accepted must survive a round trip: format it,
 * parse the RFC 3339 text back, and get exactly the same instant, or we
 * abort(). ir_duration_parse() gets the same bytes as a C string.
 */
#include "util/compat.h"

/* time.h uses struct ir_err without declaring it. */
#include "util/err.h"
#include "util/time.h"
#include "util/xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
round_trip(const char *s, size_t n, struct ir_time_hint *hint,
	   unsigned flags)
{
	struct ir_time t, back;
	char out[IR_TIME_MAX];
	size_t len;

	if (ir_time_parse(&t, s, n, hint, flags, NULL) < 0)
		return;
	if (t.nsec < 0 || t.nsec > 999999999)
		abort();
	len = ir_time_format(out, t);
	if (len >= IR_TIME_MAX || len != strlen(out))
		abort();
	if (ir_time_parse(&back, out, len, NULL, 0, NULL) < 0 ||
	    ir_time_cmp(t, back))
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ir_time_hint hint = { 0 };
	char *z = xmemdupz(data, size);
	int64_t d;

	round_trip((const char *)data, size, &hint, 0);
	round_trip((const char *)data, size, &hint, IR_TIME_EPOCH);
	/* The duration must be non-negative whenever it is accepted. */
	if (!ir_duration_parse(&d, z, NULL) && d < 0)
		abort();
	free(z);
	return 0;
}
