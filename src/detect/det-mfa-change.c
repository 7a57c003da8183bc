/* SPDX-License-Identifier: MIT */
/*
 * det-mfa-change.c - MFA switched off, or authentication methods added or
 * removed (ATT&CK T1556.006, modify authentication process: MFA).
 *
 * With a stolen password, an attacker registers their own authenticator
 * (persistence that survives a password reset) or removes MFA so the
 * password alone works. Signals, Entra audit log operations as the unified
 * audit log and Graph spell them (ir_det_op_is() ignores the trailing
 * period):
 *  - "Disable Strong Authentication." and "Update user." whose
 *    StrongAuthenticationRequirement goes from a value to empty: per-user
 *    MFA switched off (high);
 *  - "Update user." whose StrongAuthenticationMethod loses every method
 *    (high) or changes (medium), or whose StrongAuthenticationPhoneAppDetail
 *    changes (a new authenticator app, medium);
 *  - "User registered security info", "Admin registered security info",
 *    "User deleted security info" (medium), "User changed default security
 *    info" (low), "Delete application password for user." (low);
 *  - "Authentication Methods Policy Update" / "Update authentication
 *    methods policy": the tenant's allowed methods changed (medium, under
 *    the admin).
 * Findings go under the account whose MFA changed (the event's object when
 * it is a UPN), so the user who lost MFA is the one the report names.
 */
#include "util/compat.h"

#include "util/xalloc.h"
#include "detect/detect.h"
#include "detect/signin.h"

static void *
mfa_start(const struct ir_detect_ctx *ctx)
{
	return NULL;
}

/* What the change means for the account, for the summary. */
#define GAINED "if the user did not do this, an attacker holds a second factor"
#define LOST "the account now signs in with a password alone"
#define TENANT NULL /* a tenant setting: reported under the admin */

/* A simple operation and what it means. */
struct mfa_op {
	const char *op;
	enum ir_severity severity;
	const char *key;
	const char *what;
	const char *advice; /* GAINED, LOST, TENANT or "" */
};

/*
 * "Disable Strong Authentication." comes with an "Update user." emptying
 * StrongAuthenticationRequirement for the same change: one key folds them.
 */
static const struct mfa_op simple_ops[] = {
	{"Disable Strong Authentication", IR_SEV_HIGH,
	 "StrongAuthenticationRequirement", "per-user MFA was switched off",
	 LOST},
	{"User registered security info", IR_SEV_MEDIUM, "registered",
	 "a new MFA method was registered", GAINED},
	{"Admin registered security info", IR_SEV_MEDIUM, "registered",
	 "an admin registered a new MFA method", GAINED},
	{"User deleted security info", IR_SEV_MEDIUM, "deleted",
	 "an MFA method was deleted", ""},
	{"User changed default security info", IR_SEV_LOW, "default",
	 "the default MFA method was changed", GAINED},
	{"Delete application password for user", IR_SEV_LOW, "app-password",
	 "an app password was deleted", ""},
	{"Authentication Methods Policy Update", IR_SEV_MEDIUM, "policy",
	 "the tenant's authentication methods policy was changed", TENANT},
	{"Update authentication methods policy", IR_SEV_MEDIUM, "policy",
	 "the tenant's authentication methods policy was changed", TENANT},
};

static void
report(struct ir_findings *out, const struct ir_event *ev, enum ir_severity sev,
       const char *key, const char *what, const char *advice)
{
	struct ir_buf sum = IR_BUF_INIT;
	char user[320], *fix = NULL;
	const char *by = ev->user && *ev->user ? ev->user
					       : "an unknown account";
	struct ir_hit hit = {.det = &ir_det_mfa_change,
			     .severity = sev,
			     .key = key,
			     .ev = ev};

	if (!advice) {
		snprintf(user, sizeof(user), "%s", by);
		ir_buf_addf(&sum,
			    "%s by %s: check which methods are now "
			    "allowed",
			    what, by);
	} else {
		ir_det_target(user, sizeof(user), ev, NULL);
		ir_buf_addf(&sum, "%s for %s", what, user);
		if (strcmp(user, by))
			ir_buf_addf(&sum, " by %s", by);
		if (*advice)
			ir_buf_addf(&sum, ": %s", advice);
		fix = ir_detect_remediation(user, "sessions-and-password,mfa");
	}
	hit.user = user;
	hit.summary = sum.buf;
	hit.remediation = fix;
	ir_findings_hit(out, &hit);
	ir_buf_release(&sum);
	free(fix);
}

/* Is the JSON-ish value empty ("", "[]", "{}", "null")? */
static bool
empty_value(const struct ir_str *v)
{
	size_t n = 0;

	if (!v)
		return true;
	for (size_t i = 0; i < v->len; i++) {
		char c = v->ptr[i];

		if (c != ' ' && c != '\t' && c != '\r' && c != '\n' &&
		    c != '[' && c != ']' && c != '{' && c != '}' && c != '"')
			n++;
	}
	return !n || ir_str_eq_ci(*v, "null");
}

static bool
same_value(const struct ir_str *a, const struct ir_str *b)
{
	if (!a || !b)
		return !a == !b;
	return a->len == b->len && !memcmp(a->ptr, b->ptr, a->len);
}

/*
 * "Update user." carries the changed properties as NewValue under the
 * property name and OldValue under "<name>.OldValue" (event.h).
 */
static void
update_user(struct ir_findings *out, const struct ir_event *ev)
{
	const struct ir_str *n, *o;

	n = ir_event_param_str(ev, "StrongAuthenticationRequirement");
	o = ir_event_param_str(ev, "StrongAuthenticationRequirement.OldValue");
	if (n && empty_value(n) && !empty_value(o))
		report(out, ev, IR_SEV_HIGH, "StrongAuthenticationRequirement",
		       "per-user MFA was switched off", LOST);
	n = ir_event_param_str(ev, "StrongAuthenticationMethod");
	o = ir_event_param_str(ev, "StrongAuthenticationMethod.OldValue");
	if (n && empty_value(n) && !empty_value(o))
		report(out, ev, IR_SEV_HIGH, "StrongAuthenticationMethod",
		       "every MFA method was removed", LOST);
	else if (n && !empty_value(n) && !same_value(n, o))
		report(out, ev, IR_SEV_MEDIUM, "StrongAuthenticationMethod",
		       "the MFA methods were changed", GAINED);
	n = ir_event_param_str(ev, "StrongAuthenticationPhoneAppDetail");
	o = ir_event_param_str(ev,
			       "StrongAuthenticationPhoneAppDetail.OldValue");
	if (n && !empty_value(n) && !same_value(n, o))
		report(out, ev, IR_SEV_MEDIUM,
		       "StrongAuthenticationPhoneAppDetail",
		       "an authenticator app was registered", GAINED);
}

static void
mfa_event(void *state, const struct ir_event *ev, struct ir_findings *out)
{
	if (!ev->operation || ir_det_failed(ev))
		return;
	if (ir_det_op_is(ev->operation, "Update user")) {
		update_user(out, ev);
		return;
	}
	for (size_t i = 0; i < IR_ARRAY_SIZE(simple_ops); i++) {
		const struct mfa_op *m = &simple_ops[i];

		if (ir_det_op_is(ev->operation, m->op)) {
			report(out, ev, m->severity, m->key, m->what,
			       m->advice);
			return;
		}
	}
}

static const char *const mfa_ops[] = {"Update user.",
				      "Update user",
				      "Disable Strong Authentication.",
				      "Disable Strong Authentication",
				      "User registered security info",
				      "Admin registered security info",
				      "User deleted security info",
				      "User changed default security info",
				      "Delete application password for user.",
				      "Delete application password for user",
				      "Authentication Methods Policy Update",
				      "Update authentication methods policy",
				      NULL};

const struct ir_detection ir_det_mfa_change = {
	.id = "mfa-change",
	.title = "MFA switched off or authentication methods changed",
	.attack = "T1556.006",
	.operations = mfa_ops,
	.start = mfa_start,
	.event = mfa_event,
};
