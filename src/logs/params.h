/* SPDX-License-Identifier: MIT */
/*
 * params.h - the PowerShell parameter-string parser behind the `params` of
 * an event (event.h). Internal to src/logs.
 *
 * Exchange admin records are documented to carry `Parameters` as a
 * Name/Value array, but some carry the cmdlet's command line instead
 * (elastic/beats#22780), and `ExtendedProperties` can be one too:
 *
 *	-Identity "alice@contoso.com" -DeliverToMailboxAndForward $false
 *	-QuarantineTypes ("Bulk","Spam") -Force -Name:'it''s'
 *
 * The parser reads PowerShell's argument syntax, not a grammar of its own:
 * `-Name` starts a parameter (a letter or `_` must follow the dash, so
 * `-5` is a value); its value is a double-quoted string (`""`, `` `" ``
 * and `\"` are quotes inside it), a single-quoted string (`''`), a
 * parenthesised list `("a","b")` or `@(...)`, `$true`/`$false` (given as
 * "True"/"False", as PowerShell prints them), or a bare word up to the
 * next blank; `-Name:value` is the same as `-Name value`. A parameter
 * followed by another parameter or by the end is a switch: "True".
 * Malformed input (an unclosed quote or list, stray text) never fails: an
 * unclosed quote runs to the end, stray values are skipped.
 *
 * Calling sequence: fill a struct ir_ps_cb; for each parameter the parser
 * calls param() once, then value() once for a scalar or once per item for
 * a list (zero times for `()`).
 */
#ifndef IR_LOGS_PARAMS_H
#define IR_LOGS_PARAMS_H

#include "util/compat.h"

#include "util/buf.h"

struct ir_ps_cb {
	/* A parameter starts: name without the dash, not NUL-terminated. */
	void (*param)(void *payload, const char *name, size_t len,
		      bool is_list);
	/* One value, unescaped; valid only during the call. */
	void (*value)(void *payload, const char *s, size_t len);
	void *payload;
};

/*
 * Parse `len` bytes at `s`. `scratch` (reset and reused) holds unescaped
 * values. Returns the number of parameters reported.
 */
size_t ir_ps_parse(const char *s, size_t len, const struct ir_ps_cb *cb,
		   struct ir_buf *scratch);

/* True when `s` looks like a PowerShell parameter string ("-Name ..."). */
bool ir_ps_looks_like(const char *s, size_t len);

#endif
