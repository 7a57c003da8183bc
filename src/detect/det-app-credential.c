/* SPDX-License-Identifier: MIT */
/*
 * det-app-credential.c - secrets or certificates added to applications,
 * and new application registrations (ATT&CK T1098.001, additional cloud
 * credentials).
 *
 * A credential on an application or service principal is a password for
 * the app: it signs in without MFA, survives the compromised user's
 * password reset, and, with application permissions, reads every mailbox
 * (the Solorigate and Midnight Blizzard pattern). Entra audit operations:
 * "Add service principal credentials." and "Update application –
 * Certificates and secrets management " (en dash, trailing space: see
 * ir_det_op_is()) add credentials; "Add application." and "Add service
 * principal." create apps.
 *
 * Kept simple on purpose (docs/detections/app-credential.md): a credential
 * added to an application is high, unless the same account registered that
 * same object earlier in the same logs, which is the ordinary "register an
 * app, give it a secret" flow (medium). That needs the whole stream, so
 * credential events are folded per (actor, object) and judged in finish().
 * New registrations are low: they are common, but an attacker's app shows
 * up here first. State: per (actor, object), never per event.
 */
#include "util/compat.h"

#include "util/xalloc.h"
#include "detect/detect.h"
#include "detect/signin.h"

struct cred {
	char *actor, *object;
	uint64_t n;
	struct ir_snap first, last;
};

struct appcred {
	struct ir_strmap creds;	  /* actor "\n" object -> struct cred */
	struct ir_strmap created; /* actor "\n" object -> (void *)1 */
};

static void *
cred_start(const struct ir_detect_ctx *ctx)
{
	return xcalloc(1, sizeof(struct appcred));
}

static void
pair_key(char *out, size_t size, const char *actor, const char *object)
{
	snprintf(out, size, "%s\n%s", actor, object);
}

static void
add_cred(struct appcred *st, const struct ir_event *ev, const char *actor,
	 const char *object)
{
	char key[768];
	void **slot;
	struct cred *c;

	pair_key(key, sizeof(key), actor, object);
	slot = ir_strmap_put(&st->creds, key, NULL);
	if (!*slot) {
		c = *slot = xcalloc(1, sizeof(*c));
		c->actor = xstrdup(actor);
		c->object = xstrdup(object);
	}
	c = *slot;
	c->n++;
	if (!ir_snap_valid(&c->first) ||
	    ir_time_cmp(ev->time, c->first.time) < 0)
		ir_snap_set(&c->first, ev);
	if (!ir_snap_valid(&c->last) || ir_time_cmp(ev->time, c->last.time) > 0)
		ir_snap_set(&c->last, ev);
}

/* The app's display name from "Add application." (["name"]), or NULL. */
static void
display_name(char *out, size_t size, const struct ir_event *ev)
{
	const struct ir_str *v = ir_event_param_str(ev, "DisplayName");
	struct ir_str s = v ? *v : (struct ir_str){NULL, 0};
	static const char junk[] = " \t\r\n[]\"";

	while (s.len && strchr(junk, *s.ptr))
		s.ptr++, s.len--;
	while (s.len && strchr(junk, s.ptr[s.len - 1]))
		s.len--;
	snprintf(out, size, "%.*s", (int)(s.len > 200 ? 200 : s.len),
		 s.len ? s.ptr : "");
}

static void
new_app(const struct ir_event *ev, const char *actor, const char *object,
	struct ir_findings *out)
{
	struct ir_buf sum = IR_BUF_INIT;
	char name[256];
	bool sp = ir_det_op_is(ev->operation, "Add service principal");
	struct ir_hit hit = {.det = &ir_det_app_credential,
			     .severity = IR_SEV_LOW,
			     .user = ev->user,
			     .key = object,
			     .ev = ev};

	display_name(name, sizeof(name), ev);
	/* Object ids can be long lists of service principal names. */
	ir_buf_addf(&sum, "%s %s %s%s%.80s%s: check that it is known", actor,
		    sp ? "added the service principal"
		       : "registered the "
			 "application",
		    *name ? name : "", *name ? " (" : "", object,
		    *name ? ")" : "");
	hit.summary = sum.buf;
	ir_findings_hit(out, &hit);
	ir_buf_release(&sum);
}

static void
cred_event(void *state, const struct ir_event *ev, struct ir_findings *out)
{
	struct appcred *st = state;
	const char *actor = ev->user && *ev->user ? ev->user : "(unknown)";
	const char *object = ev->object && *ev->object ? ev->object
						       : "(unknown app)";
	char key[768];

	if (!ev->operation || ir_det_failed(ev))
		return;
	if (ir_det_op_is(ev->operation, "Add service principal credentials") ||
	    ir_det_op_is(ev->operation,
			 "Update application - Certificates and secrets "
			 "management")) {
		add_cred(st, ev, actor, object);
	} else if (ir_det_op_is(ev->operation, "Add application") ||
		   ir_det_op_is(ev->operation, "Add service principal")) {
		pair_key(key, sizeof(key), actor, object);
		*ir_strmap_put(&st->created, key, NULL) = (void *)1;
		/*
		 * Microsoft's own services add first-party service
		 * principals all the time, with a non-user actor
		 * ("Certificate", a service name): not worth a finding.
		 */
		if (strchr(actor, '@') ||
		    ir_det_op_is(ev->operation, "Add application"))
			new_app(ev, actor, object, out);
	}
}

static void
report_cred(struct ir_findings *out, const struct appcred *st, const char *key,
	    const struct cred *c)
{
	bool own = !!ir_strmap_find(&st->created, key);
	const struct ir_snap *snaps[2] = {&c->first, &c->last};
	struct ir_buf sum = IR_BUF_INIT;
	char *fix = NULL;
	struct ir_hit hit = {.det = &ir_det_app_credential,
			     .user = c->actor,
			     .key = c->object};

	if (own) {
		ir_buf_addf(&sum,
			    "%s added a secret or certificate to %.80s, an "
			    "application the same account registered: check "
			    "that the registration is known",
			    c->actor, c->object);
	} else {
		ir_buf_addf(
			&sum,
			"%s added a secret or certificate to the "
			"existing application %.80s: the app can now sign in "
			"without MFA; remove the credential under App "
			"registrations > Certificates & secrets unless it "
			"is known",
			c->actor, c->object);
		fix = ir_detect_remediation(c->actor, "sessions-and-password");
	}
	hit.severity = own ? IR_SEV_MEDIUM : IR_SEV_HIGH;
	hit.summary = sum.buf;
	hit.remediation = fix;
	ir_det_hit_n(out, &hit, snaps, c->n > 1 ? 2 : 1, c->n);
	ir_buf_release(&sum);
	free(fix);
}

static void
cred_finish(void *state, struct ir_findings *out)
{
	struct appcred *st = state;

	for (size_t i = 0; i < st->creds.size; i++)
		if (st->creds.keys[i])
			report_cred(out, st, st->creds.keys[i],
				    st->creds.vals[i]);
}

static void
cred_free_one(void *p)
{
	struct cred *c = p;

	ir_snap_release(&c->first);
	ir_snap_release(&c->last);
	free(c->actor);
	free(c->object);
	free(c);
}

static void
cred_free(void *state)
{
	struct appcred *st = state;

	if (!st)
		return;
	ir_strmap_release(&st->creds, cred_free_one);
	ir_strmap_release(&st->created, NULL);
	free(st);
}

static const char *const cred_ops[] = {
	"Add service principal credentials.",
	"Add service principal credentials",
	"Update application \xe2\x80\x93 Certificates and secrets management ",
	"Update application \xe2\x80\x93 Certificates and secrets management",
	"Update application - Certificates and secrets management",
	"Add application.",
	"Add application",
	"Add service principal.",
	"Add service principal",
	NULL};

const struct ir_detection ir_det_app_credential = {
	.id = "app-credential",
	.title = "Credentials added to an application, or a new application",
	.attack = "T1098.001",
	.operations = cred_ops,
	.start = cred_start,
	.event = cred_event,
	.finish = cred_finish,
	.free = cred_free,
};
