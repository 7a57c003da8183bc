/* SPDX-License-Identifier: MIT */
/*
 * err.h - error codes and the error record every fallible call fills.
 *
 * Convention (docs/internals/errors.md): a fallible function returns int,
 * 0 on success or a negative `enum ir_code`, and takes `struct ir_err *err`
 * as its last parameter. The function that *detects* a failure writes the
 * message; callers pass the code up unchanged and leave the message alone,
 * adding context with ir_err_prefix() only when they know something the
 * callee did not (typically a file name). Messages are one line, lower
 * case, no trailing period.
 *
 * `err` may be NULL when the caller only wants the code. Setting an error
 * never allocates (the message buffer is fixed), so it is safe anywhere.
 *
 *	struct ir_err err = IR_ERR_INIT;
 *	if (ir_reader_open(&r, path, &opts, &err) < 0)
 *		return cli_fail(&err);	// "x.csv: line 3: unterminated quote"
 *
 * Programming errors (a broken invariant) are not error codes: IR_BUG()
 * prints file and line and aborts. Out of memory aborts too (xalloc.h).
 */
#ifndef IR_ERR_H
#define IR_ERR_H

#include "util/compat.h"

/* Only codes a caller would branch on (libgit2's rule). */
enum ir_code {
	IR_OK = 0,
	IR_ERROR = -1,	     /* generic: the message says what happened */
	IR_ENOTFOUND = -2,   /* a file, user or object does not exist */
	IR_EAUTH = -3,	     /* token missing, expired or lacking permission */
	IR_ETHROTTLED = -4,  /* throttled and retries ran out */
	IR_EPARSE = -5,	     /* input that is not what it claims to be */
	IR_ECONFLICT = -6,   /* the tenant changed under us */
	IR_ECANCELLED = -7,  /* the user or a signal stopped us */
	IR_EUSAGE = -8,	     /* bad command line or configuration */
	IR_EIO = -9,	     /* reading or writing a file failed */
};

struct ir_err {
	enum ir_code code;
	char msg[512];
};

#define IR_ERR_INIT { IR_OK, "" }

/*
 * Record an error and return `code`, so that
 * `return ir_err_set(err, IR_EPARSE, "line %zu: ...", n);` works. A NULL
 * `err` is allowed. The message is truncated to fit.
 */
int ir_err_set(struct ir_err *err, enum ir_code code, const char *fmt, ...)
	IR_PRINTF(3, 4);

/* Put context in front of the current message ("x.json: " + msg). */
void ir_err_prefix(struct ir_err *err, const char *fmt, ...) IR_PRINTF(2, 3);

/* Forget the error: code IR_OK, empty message. */
void ir_err_clear(struct ir_err *err);

/* A short name for a code ("parse error"), for messages and tests. */
const char *ir_code_name(int code);

/* Report a broken invariant and abort; use through IR_BUG(). */
IR_NORETURN void ir_bug(const char *file, int line, const char *fmt, ...)
	IR_PRINTF(3, 4);
#define IR_BUG(...) ir_bug(__FILE__, __LINE__, __VA_ARGS__)

#endif
