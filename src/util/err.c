/* SPDX-License-Identifier: MIT */
/*
 * err.c - the error record. Deliberately tiny: formatting into a fixed
 * buffer, so that reporting an error can never itself fail.
 */
#include "util/compat.h"

#include <stdarg.h>

#include "util/err.h"

int
ir_err_set(struct ir_err *err, enum ir_code code, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

void
ir_err_prefix(struct ir_err *err, const char *fmt, ...)
{
	char old[sizeof(err->msg)];
	size_t n;
	va_list ap;

	if (!err)
		return;
	memcpy(old, err->msg, sizeof(old));
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	n = strlen(err->msg);
	if (n < sizeof(err->msg) - 1)
		snprintf(err->msg + n, sizeof(err->msg) - n, "%s", old);
}

void
ir_err_clear(struct ir_err *err)
{
	if (!err)
		return;
	err->code = IR_OK;
	err->msg[0] = '\0';
}

const char *
ir_code_name(int code)
{
	switch (code) {
	case IR_OK: return "ok";
	case IR_ERROR: return "error";
	case IR_ENOTFOUND: return "not found";
	case IR_EAUTH: return "authentication or permission error";
	case IR_ETHROTTLED: return "throttled";
	case IR_EPARSE: return "parse error";
	case IR_ECONFLICT: return "conflict";
	case IR_ECANCELLED: return "cancelled";
	case IR_EUSAGE: return "usage error";
	case IR_EIO: return "i/o error";
	}
	return "unknown error";
}

void
ir_bug(const char *file, int line, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "m365ir: BUG: %s:%d: ", file, line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}
