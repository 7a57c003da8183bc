/* SPDX-License-Identifier: MIT */
/*
 * signin.h - helpers shared by the identity detections (det-brute-force.c,
 * det-password-spray.c, det-signin-new-country.c, det-legacy-protocol.c,
 * det-mfa-change.c, det-app-*.c, det-audit-tampering.c). Internal to
 * src/detect: not part of the public API.
 *
 * Sign-ins. Three operations are sign-ins: the unified audit log's
 * UserLoggedIn and UserLoginFailed (RecordType AzureActiveDirectoryStsLogon)
 * and "Sign-in activity", which the readers give every Entra sign-in log
 * record (event.h). What matters to a detection is not the spelling but
 * what the outcome says about the password, so ir_signin_classify() sorts
 * the Entra error code (the canonical ErrorCode param; UAL ErrorNumber as a
 * fallback) into a few kinds:
 *
 *   SUCCESS         ErrorCode 0, or UserLoggedIn without a code
 *   BAD_PASSWORD    50126 invalid user name or password, 50056 no
 *                   password, 50064 credential validation failed, 50055
 *                   expired password; UserLoginFailed without a code
 *   LOCKED          50053 smart lockout (too many bad passwords, or the
 *                   address is blocked as malicious)
 *   UNKNOWN_USER    50034 no such user, 50057 account disabled, 50059
 *   PASSWORD_OK     the password was right but a second step stopped the
 *                   sign-in: 50072/50074/50076/50079/50158 (MFA required
 *                   or registration), 53003 (Conditional Access block)
 *   OTHER_FAILURE   everything else: mostly benign interrupts such as
 *                   50140 "keep me signed in" and 50058 SSO session
 * ir_signin_is_guess() is true for the kinds a password-guessing attack
 * produces (BAD_PASSWORD, LOCKED, UNKNOWN_USER).
 *
 * Evidence after the fact. Detections that decide in finish() (a spray is
 * only a spray once all users are counted) cannot keep events: they are
 * borrowed for one callback. struct ir_snap copies exactly the fields a
 * finding's evidence holds, and ir_snap_event() turns it back into a
 * minimal struct ir_event for ir_findings_hit().
 *
 * Also here: a string-keyed hash map (per user, per IP, per app state),
 * robust operation-name comparison and a few parameter readers.
 */
#ifndef IR_DETECT_SIGNIN_H
#define IR_DETECT_SIGNIN_H

#include "util/compat.h"
#include "util/time.h"
#include "logs/event.h"
#include "detect/findings.h"

/* --- operation names and parameters --- */

/*
 * Does the operation `op` (may be NULL) name `name`? Compared without
 * case, with surrounding white space and one trailing period ignored and
 * en and em dashes read as '-', because the unified audit log writes
 * "Add service principal credentials." where Graph writes it without the
 * period, and Entra writes "Update application – Certificates and secrets
 * management " with an en dash and a trailing space.
 */
bool ir_det_op_is(const char *op, const char *name);

/*
 * Read parameter `name` as a PowerShell boolean: True/False, $true/$false,
 * 1/0 (any case, surrounding space and quotes ignored). Returns false when
 * the parameter is absent or not a boolean; *out is then untouched.
 */
bool ir_det_param_bool(const struct ir_event *ev, const char *name, bool *out);

/*
 * Is `tok` one of the tokens of `s`? Tokens are runs of letters, digits,
 * '.', '_' and '-', so "Mail.Read" is found in "openid Mail.Read" and in
 * "[\"Mail.Read\"]" but not in "Mail.ReadWrite". Case is ignored.
 */
bool ir_det_has_token(struct ir_str s, const char *tok);

/*
 * Copy `s` lower-cased into `out` (`size` bytes, always NUL-terminated,
 * truncated to fit), with surrounding white space and quotes removed.
 * Returns `out`.
 */
char *ir_det_lower(char *out, size_t size, struct ir_str s);

/*
 * The account an event acted on, lower-cased into `out` (`size` bytes):
 * the parameter `param` (e.g. "Identity") when given and present, else
 * the event's object when it looks like a UPN, else the actor (ev->user),
 * else "(unknown)". Returns `out`.
 */
char *ir_det_target(char *out, size_t size, const struct ir_event *ev,
		    const char *param);

/*
 * Did the operation fail? ir_event_failed(), plus the "False" that
 * Exchange admin cmdlets write as ResultStatus when they fail.
 */
bool ir_det_failed(const struct ir_event *ev);

/* --- sign-ins --- */

enum ir_signin_kind {
	IR_SIGNIN_NONE = 0, /* not a sign-in record */
	IR_SIGNIN_SUCCESS,
	IR_SIGNIN_BAD_PASSWORD,
	IR_SIGNIN_LOCKED,
	IR_SIGNIN_UNKNOWN_USER,
	IR_SIGNIN_PASSWORD_OK,
	IR_SIGNIN_OTHER_FAILURE,
};

/* Is `ev` a sign-in record (see the overview)? */
bool ir_signin_is(const struct ir_event *ev);

/*
 * The Entra error code of a sign-in: 0 for success, -1 when the record
 * carries none or it is not a number.
 */
long ir_signin_error_code(const struct ir_event *ev);

/* What the sign-in says about the password (see the overview). */
enum ir_signin_kind ir_signin_classify(const struct ir_event *ev);

/* BAD_PASSWORD, LOCKED or UNKNOWN_USER: what a guessing attack leaves. */
bool ir_signin_is_guess(enum ir_signin_kind kind);

/* --- evidence kept across events --- */

struct ir_snap {
	char *file;
	uint64_t record;
	char *id;
	struct ir_time time;
	bool has_time;
	char *operation;
	char *client_ip;
	char *user;
};
#define IR_SNAP_INIT                                           \
	{                                                      \
		NULL, 0, NULL, {0, 0}, false, NULL, NULL, NULL \
	}

/* Copy the evidence fields of `ev` into `s`, replacing what it held. */
void ir_snap_set(struct ir_snap *s, const struct ir_event *ev);

/* True once ir_snap_set() has been called. */
static inline bool
ir_snap_valid(const struct ir_snap *s)
{
	return !!s->file;
}

/*
 * Fill `out` with a minimal event that points into `s` (borrowed: valid
 * while `s` is unchanged), fit to pass as ir_hit.ev.
 */
void ir_snap_event(struct ir_event *out, const struct ir_snap *s);

void ir_snap_release(struct ir_snap *s);

/*
 * Report an aggregate: one hit per snapshot in `snaps` (evidence), then
 * hits without evidence until `total` hits were made, so the finding's
 * count says how many events it stands for. `tmpl` gives everything but
 * `ev`. Snapshots that are not valid are skipped.
 */
void ir_det_hit_n(struct ir_findings *out, const struct ir_hit *tmpl,
		  const struct ir_snap *const *snaps, size_t nsnaps,
		  uint64_t total);

/* --- one attempt seen in two exports --- */

/*
 * Admins export the unified audit log and the Entra sign-in log together,
 * and every sign-in is in both: UserLoginFailed with whole-second
 * CreationTime, "Sign-in activity" with fractions. struct ir_attempts
 * remembers the attempts of one small window (one address and user, one
 * user's ten minutes) so that a copy from the other log is not counted
 * twice: the same address (the caller keys the user) within
 * IR_ATTEMPT_SKEW seconds, compared on whole seconds, from the other log
 * is the same attempt. Two records from one log are two attempts, as a
 * tool can try twice a second. A record without a time is always new.
 *
 * At most `cap` attempts are remembered; past that the rest are counted
 * per log and the larger of the two counts is added, on the assumption
 * that both exports hold the same sign-ins.
 */
#define IR_ATTEMPT_SKEW 2

struct ir_attempt {
	int64_t sec;
	uint32_t ip; /* hash of the address, 0 for none */
	uint8_t log; /* 0 unified audit log, 1 Entra sign-in log */
	bool paired; /* a copy from the other log was matched to it */
};

struct ir_attempts {
	struct ir_attempt *v;
	size_t n, alloc;
	uint64_t paired;   /* attempts counted once for two records */
	uint64_t over[2];  /* per log, attempts past the cap */
	uint64_t untimed;  /* without a time: never paired */
};
#define IR_ATTEMPTS_INIT                   \
	{                                  \
		NULL, 0, 0, 0, {0, 0}, 0   \
	}

/*
 * If `a` holds an unpaired attempt from the other log that `ev` is a copy
 * of, pair them and return true (the caller does not count `ev` again).
 */
bool ir_attempts_pair(struct ir_attempts *a, const struct ir_event *ev);

/*
 * Count `ev` (which has a time) in `a`: pair it with a copy already held,
 * else remember it while fewer than `cap` are held. Returns true when it
 * is a new attempt, false when it was a copy.
 */
bool ir_attempts_add(struct ir_attempts *a, const struct ir_event *ev,
		     size_t cap);

/* The number of distinct attempts counted in `a`. */
uint64_t ir_attempts_count(const struct ir_attempts *a);

void ir_attempts_release(struct ir_attempts *a);

/* --- string-keyed map --- */

/*
 * An open-addressing map from a string (copied) to a pointer the caller
 * owns. Iterate with `for (i = 0; i < m.size; i++) if (m.keys[i]) ...`.
 */
struct ir_strmap {
	char **keys;
	void **vals;
	size_t n, size;
};
#define IR_STRMAP_INIT           \
	{                        \
		NULL, NULL, 0, 0 \
	}

/* The value slot for `key`, or NULL when absent. */
void **ir_strmap_find(const struct ir_strmap *m, const char *key);

/*
 * The value slot for `key`, adding the key with a NULL value when absent
 * (*added tells which, and may be NULL).
 */
void **ir_strmap_put(struct ir_strmap *m, const char *key, bool *added);

/* Free the keys and tables, calling `free_val` (may be NULL) on values. */
void ir_strmap_release(struct ir_strmap *m, void (*free_val)(void *));

#endif
