/* SPDX-License-Identifier: MIT */
/*
 * det-role-assignment.c - an account, guest or app was given an admin role
 * (MITRE ATT&CK T1098.003, Additional Cloud Roles).
 *
 * An attacker who holds one admin account gives a second account (their
 * own, a new one, a guest from their tenant, or an app whose secret they
 * hold) a privileged role, so a password reset of the first does not lock
 * them out. Two places grant such roles:
 *
 *  - Entra ID directory roles. The unified audit log writes "Add member to
 *    role." (ObjectId: the grantee; ModifiedProperties Role.DisplayName,
 *    Role.TemplateId; Global Administrator is still "Company
 *    Administrator" there). Directory audits (Graph, Event Hub, Log
 *    Analytics) write "Add member to role", "Add eligible member to role",
 *    "Add scoped member to role", and PIM's "Add [eligible] member to role
 *    in PIM requested|completed (permanent|timebound)" and "Add member to
 *    role outside of PIM (permanent)", naming grantee and role in
 *    targetResources. The role is judged by template id (names in the UAL
 *    are legacy, and names can be anonymised) and by name: Global,
 *    Privileged Role and Privileged Authentication Administrator are
 *    critical, the other roles that can take over accounts, apps or mail
 *    high, any other role low.
 *  - Exchange Online RBAC: New-ManagementRoleAssignment, New-RoleGroup,
 *    Add-RoleGroupMember, Update-RoleGroupMember granting
 *    ApplicationImpersonation (an app reads every mailbox: the Midnight
 *    Blizzard move) or Mailbox Import Export, or membership of the
 *    Organization, Recipient, Discovery or Compliance Management groups
 *    (high). Role groups created with such a role are remembered, so
 *    members added to them later are reported too (bounded: one entry per
 *    role group created in the log).
 *
 * A guest (#EXT#) or a service principal as grantee raises the severity one
 * level: neither is a colleague who signs in with the tenant's MFA.
 *
 * The finding is filed under the grantee (lower-case UPN, else the app's or
 * group's name), keyed by the role. PIM activations (a user switching on a
 * role they are already eligible for), removals and failed operations are
 * not reported. Exchange provisioning (NT AUTHORITY\SYSTEM) is ignored.
 *
 * False positives: planned admin work. The summary names who granted what
 * to whom, when and from where, so the admin can check it with the change
 * log.
 */
#include "util/compat.h"

#include <ctype.h>
#include <strings.h>

#include "util/buf.h"
#include "util/parse.h"
#include "util/xalloc.h"
#include "detect/detect.h"
#include "detect/inboxrule.h"
#include "detect/signin.h"

#define WHO_MAX 320
#define ROLE_MAX 128

struct role_def {
	const char *name;
	const char *legacy; /* the unified audit log's name, or NULL */
	const char *template_id;
	enum ir_severity sev;
};

/* Built-in Entra roles worth more than "low"; template ids are global. */
static const struct role_def entra_roles[] = {
	{"Global Administrator", "Company Administrator",
	 "62e90394-69f5-4237-9190-012177145e10", IR_SEV_CRITICAL},
	{"Privileged Role Administrator", NULL,
	 "e8611ab8-c189-46e8-94e1-60213ab1f814", IR_SEV_CRITICAL},
	{"Privileged Authentication Administrator", NULL,
	 "7be44c8a-adaf-4e2a-84d6-ab2649e08a13", IR_SEV_CRITICAL},
	{"Exchange Administrator", "Exchange Service Administrator",
	 "29232cdf-9323-42fd-ade2-1d097af3e4de", IR_SEV_HIGH},
	{"SharePoint Administrator", "SharePoint Service Administrator",
	 "f28a1f50-f6e7-4571-818b-6a12f2af6b6c", IR_SEV_HIGH},
	{"Security Administrator", NULL, "194ae4cb-b126-40b2-bd5b-6091b380977d",
	 IR_SEV_HIGH},
	{"User Administrator", "User Account Administrator",
	 "fe930be7-5e62-47db-91af-98c3a49a38b1", IR_SEV_HIGH},
	{"Application Administrator", NULL,
	 "9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3", IR_SEV_HIGH},
	{"Cloud Application Administrator", NULL,
	 "158c047a-c907-4556-b7ef-446551a6b5f7", IR_SEV_HIGH},
	{"Authentication Administrator", NULL,
	 "c4e39bd9-1100-46d3-8c65-fb160da0071f", IR_SEV_HIGH},
	{"Helpdesk Administrator", NULL, "729827e3-9c14-49f7-bb1b-9608f156bbb8",
	 IR_SEV_HIGH},
	{"Conditional Access Administrator", NULL,
	 "b1be1c3e-b65d-4f19-8427-f6fa0d97feb9", IR_SEV_HIGH},
	{"Hybrid Identity Administrator", NULL,
	 "8ac3fc64-6eca-42ea-9e69-59f4c7b60eb2", IR_SEV_HIGH},
	{"Intune Administrator", "Intune Service Administrator",
	 "3a2c62db-5318-420d-8d74-23affee5d9d5", IR_SEV_HIGH},
};

/* Exchange roles and role groups that reach into every mailbox. */
struct exo_def {
	const char *name;
	const char *needle; /* lower-case, for ir_detect__contains_ci */
	const char *does;
};

static const struct exo_def exo_roles[] = {
	{"ApplicationImpersonation", "applicationimpersonation",
	 "can read and send as every mailbox"},
	{"Mailbox Import Export", "mailbox import export",
	 "can export any mailbox to a PST file"},
};

static const struct exo_def exo_groups[] = {
	{"Organization Management", "organization management",
	 "can administer all of Exchange Online"},
	{"Recipient Management", "recipient management",
	 "can change every mailbox and its permissions"},
	{"Discovery Management", "discovery management",
	 "can search every mailbox"},
	{"Compliance Management", "compliance management",
	 "can change audit and retention settings"},
};

/* One assignment, as read from an event, ready to report. */
struct grant {
	const struct ir_event *ev;
	char who[WHO_MAX]; /* lower-case UPN, else a safe name */
	bool sp;	   /* a service principal (an app) */
	bool group;
	bool guid; /* Exchange named it by GUID: taken as an app */
	bool app;  /* Exchange -App: the caller named an app */
	char role[ROLE_MAX];
	enum ir_severity sev;
	const char *verb; /* "was made", "was made eligible for", ... */
	const char *does; /* Exchange: what the role allows, or NULL */
	const char *undo; /* how to remove it, for the summary */
};

struct state {
	struct ir_strmap groups; /* custom role group -> exo_roles index + 1 */
};

static void *
start(const struct ir_detect_ctx *ctx)
{
	(void)ctx;
	return xcalloc(1, sizeof(struct state));
}

static void
release(void *state)
{
	struct state *st = state;

	ir_strmap_release(&st->groups, NULL);
	free(st);
}

static bool
op_is(const struct ir_event *ev, const char *name)
{
	return ir_det_op_is(ev->operation, name);
}

static bool
op_has(const struct ir_event *ev, const char *needle)
{
	return ir_detect__contains_ci(ev->operation, strlen(ev->operation),
				      needle);
}

static const char *
actor(const struct ir_event *ev)
{
	return ev->user && *ev->user ? ev->user : "an unknown account";
}

static bool
system_actor(const char *a)
{
	return a && (!strncasecmp(a, "nt authority\\system", 19) ||
		     !strcasecmp(a, "s-1-5-18"));
}

static enum ir_severity
raise_sev(enum ir_severity s)
{
	return s >= IR_SEV_HIGH ? IR_SEV_CRITICAL : s + 1;
}

/* Trim spaces and quotes around (s, len) in place. */
static void
trim(const char **s, size_t *len)
{
	while (*len && (**s == ' ' || **s == '"' || **s == '\'')) {
		(*s)++;
		(*len)--;
	}
	while (*len && ((*s)[*len - 1] == ' ' || (*s)[*len - 1] == '"' ||
			(*s)[*len - 1] == '\''))
		(*len)--;
}

/* The grantee name into g->who: a UPN lower-cased, anything else safe. */
static void
set_who(struct grant *g, const char *s, size_t len)
{
	char *safe;

	trim(&s, &len);
	if (!len) {
		snprintf(g->who, sizeof(g->who), "(unknown)");
	} else if (memchr(s, '@', len)) {
		struct ir_str v = {s, len};

		ir_det_lower(g->who, sizeof(g->who), v);
	} else {
		safe = ir_detect__safe_dup(s, len, 120);
		snprintf(g->who, sizeof(g->who), "%s", safe);
		free(safe);
	}
}

static const char *
json_str(yyjson_val *obj, const char *key)
{
	const char *s = yyjson_get_str(yyjson_obj_get(obj, key));

	return s && *s ? s : NULL;
}

/* --- reporting --- */

/* What the grantee is, when it is not plainly a colleague's account. */
static const char *
what_is(const struct grant *g)
{
	if (g->guid)
		return " (a GUID: most likely an app's service principal, "
		       "see Get-ServicePrincipal)";
	if (g->sp)
		return " (an app's service principal)";
	if (strstr(g->who, "#ext#"))
		return " (a guest)";
	return "";
}

static void
consequence(struct ir_buf *b, const struct grant *g)
{
	ir_buf_addstr(b, ": if this was not planned, ");
	if (g->does)
		ir_buf_addstr(b, "an attacker holds that access: ");
	else if (g->sev == IR_SEV_CRITICAL)
		ir_buf_addstr(b, "an attacker holds the tenant: ");
	else if (g->sev >= IR_SEV_HIGH)
		ir_buf_addstr(b, "an attacker holds admin rights: ");
	ir_buf_addstr(b, g->undo);
	if (!g->sp && !g->group && strchr(g->who, '@'))
		ir_buf_addstr(b, ", then reset the account");
}

static void
report(struct ir_findings *out, const struct grant *g)
{
	const struct ir_event *ev = g->ev;
	struct ir_buf s = IR_BUF_INIT;
	char when[IR_TIME_MAX];
	char *fix = NULL;
	struct ir_hit hit = {.det = &ir_det_role_assignment,
			     .severity = g->sev,
			     .user = g->who,
			     .key = g->role,
			     .ev = ev};

	ir_buf_addf(&s, "%s%s %s %s", g->who, what_is(g), g->verb, g->role);
	if (g->does)
		ir_buf_addf(&s, ", which %s,", g->does);
	ir_buf_addf(&s, " by %s", actor(ev));
	if (ev->has_time) {
		ir_time_format(when, ev->time);
		ir_buf_addf(&s, " at %s", when);
	}
	if (ev->client_ip)
		ir_buf_addf(&s, " (from %s)", ev->client_ip);
	consequence(&s, g);
	if (!g->sp && !g->group)
		fix = ir_detect_remediation(g->who, "sessions-and-password");
	hit.summary = s.buf;
	hit.remediation = fix;
	ir_findings_hit(out, &hit);
	ir_buf_release(&s);
	free(fix);
}

static void
judge_who(struct grant *g)
{
	if (g->sp || strstr(g->who, "#ext#"))
		g->sev = raise_sev(g->sev);
}

/* --- Entra ID --- */

/* Is the operation a new assignment ("eligible" set when PIM-eligible)? */
static bool
entra_assign(const struct ir_event *ev, bool *eligible)
{
	static const char *const direct[] = {
		"Add member to role", "Add eligible member to role",
		"Add scoped member to role",
		"Add member to role outside of PIM (permanent)"};
	const char *op = ev->operation;

	*eligible = ir_detect__contains_ci(op, strlen(op), "eligible");
	for (size_t i = 0; i < IR_ARRAY_SIZE(direct); i++)
		if (op_is(ev, direct[i]))
			return true;
	/* PIM: requested and completed assignments, not activations. */
	return !strncasecmp(op, "Add ", 4) &&
	       (op_has(ev, " in pim requested (") ||
		op_has(ev, " in pim completed ("));
}

/*
 * targetResources, wherever the shape keeps it: Graph at the top, Event
 * Hub under properties, Log Analytics as JSON text (parsed into *doc, which
 * the caller frees).
 */
static yyjson_val *
targets(const struct ir_event *ev, yyjson_doc **doc)
{
	yyjson_val *raw = ev->raw, *t;
	const char *s;

	*doc = NULL;
	if (!yyjson_is_obj(raw))
		return NULL;
	t = yyjson_obj_get(raw, "targetResources");
	if (!t)
		t = yyjson_obj_get(yyjson_obj_get(raw, "properties"),
				   "targetResources");
	if (!t)
		t = yyjson_obj_get(raw, "TargetResources");
	if ((s = yyjson_get_str(t))) {
		*doc = yyjson_read(s, strlen(s), 0);
		t = yyjson_doc_get_root(*doc);
	}
	return yyjson_is_arr(t) ? t : NULL;
}

/* Read grantee and (when no Role.* property named it) role from targets. */
static bool
from_targets(struct grant *g, char *role, size_t rsize,
	     const struct ir_event *ev)
{
	yyjson_doc *doc;
	yyjson_val *arr = targets(ev, &doc), *t;
	size_t i, max;
	bool found = false;

	yyjson_arr_foreach(arr, i, max, t)
	{
		const char *type = json_str(t, "type"), *name;

		name = json_str(t, "userPrincipalName");
		if (!name)
			name = json_str(t, "displayName");
		if (!name)
			name = json_str(t, "id");
		if (!type || !name)
			continue;
		if (!strcasecmp(type, "Role") && !*role) {
			snprintf(role, rsize, "%s", name);
		} else if (!found && (!strcasecmp(type, "User") ||
				      !strcasecmp(type, "ServicePrincipal") ||
				      !strcasecmp(type, "Group"))) {
			set_who(g, name, strlen(name));
			g->sp = !strcasecmp(type, "ServicePrincipal");
			g->group = !strcasecmp(type, "Group");
			found = true;
		}
	}
	yyjson_doc_free(doc);
	return found;
}

/* The unified audit log's Target list marks a service principal. */
static bool
ual_target_sp(const struct ir_event *ev)
{
	yyjson_val *arr = yyjson_obj_get(ev->raw, "Target"), *t;
	size_t i, max;

	yyjson_arr_foreach(arr, i, max, t)
	{
		const char *id = json_str(t, "ID");

		if (id && !strncasecmp(id, "ServicePrincipal", 16))
			return true;
	}
	return false;
}

/*
 * No targetResources (the unified audit log, or a test event): the UAL's
 * ObjectId is the grantee; a PIM record's object is the role, and its
 * grantee is unknown.
 */
static void
no_targets(struct grant *g, char *role, size_t rsize, const struct ir_event *ev)
{
	const char *obj = ev->object ? ev->object : "";

	if (op_has(ev, " in pim ")) {
		set_who(g, "", 0);
		if (!*role)
			snprintf(role, rsize, "%s", obj);
		return;
	}
	set_who(g, obj, strlen(obj));
	g->sp = ual_target_sp(ev);
}

static const struct ir_str *
param_nonempty(const struct ir_event *ev, const char *name)
{
	const struct ir_str *v = ir_event_param_str(ev, name);
	const char *s;
	size_t len;

	if (!v)
		return NULL;
	s = v->ptr;
	len = v->len;
	trim(&s, &len);
	return len ? v : NULL;
}

/* Name the role in g->role and rank it (by template id, then name). */
static void
judge_role(struct grant *g, const char *name, size_t len)
{
	const struct ir_str *tid = param_nonempty(g->ev, "Role.TemplateId");
	const struct role_def *hit = NULL;
	char *safe;

	if (!tid)
		tid = param_nonempty(g->ev, "TemplateId");
	trim(&name, &len);
	for (size_t i = 0; i < IR_ARRAY_SIZE(entra_roles); i++) {
		const struct role_def *r = &entra_roles[i];

		if ((tid && ir_detect__contains_ci(tid->ptr, tid->len,
						   r->template_id)) ||
		    ir_strn_eq_ci(name, len, r->name) ||
		    (r->legacy && ir_strn_eq_ci(name, len, r->legacy)))
			if (!hit || r->sev > hit->sev)
				hit = r;
	}
	g->sev = hit ? hit->sev : IR_SEV_LOW;
	if (hit) {
		snprintf(g->role, sizeof(g->role), "%s", hit->name);
		return;
	}
	safe = ir_detect__safe_dup(name, len, 80);
	snprintf(g->role, sizeof(g->role), "%s", *safe ? safe : "a role");
	free(safe);
}

static void
entra_event(const struct ir_event *ev, struct ir_findings *out)
{
	struct grant g = {.ev = ev};
	const struct ir_str *rn = param_nonempty(ev, "Role.DisplayName");
	char role[ROLE_MAX] = "";
	bool eligible;

	if (!entra_assign(ev, &eligible))
		return;
	if (rn)
		snprintf(role, sizeof(role), "%.*s",
			 (int)(rn->len < ROLE_MAX ? rn->len : ROLE_MAX - 1),
			 rn->ptr);
	if (!from_targets(&g, role, sizeof(role), ev))
		no_targets(&g, role, sizeof(role), ev);
	judge_role(&g, role, strlen(role));
	g.verb = eligible ? "was made eligible for" : "was made";
	g.undo = eligible ? "remove the eligible assignment in Entra PIM"
			  : "remove the assignment in the Entra admin "
			    "center > Roles and admins";
	judge_who(&g);
	report(out, &g);
}

/* --- Exchange Online RBAC --- */

static const struct exo_def *
exo_find(const struct exo_def *defs, size_t n, const char *s, size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (ir_detect__contains_ci(s, len, defs[i].needle))
			return &defs[i];
	return NULL;
}

/* The role group an -Identity names: its last path part, lower-cased. */
static void
group_key(char *out, size_t size, struct ir_str id)
{
	const char *s = id.ptr, *slash;
	size_t len = id.len;

	while ((slash = memchr(s, '/', len)) ||
	       (slash = memchr(s, '\\', len))) {
		len -= (size_t)(slash + 1 - s);
		s = slash + 1;
	}
	trim(&s, &len);
	id.ptr = s;
	id.len = len;
	ir_det_lower(out, size, id);
}

/*
 * Exchange names a service principal by its object id (New-ServicePrincipal
 * -ObjectId), while people are usually named by alias or UPN.
 */
static bool
is_guid(const char *s, size_t len)
{
	if (len != 36)
		return false;
	for (size_t i = 0; i < len; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !isxdigit((unsigned char)s[i]))
			return false;
	}
	return true;
}

/* Callback per member: Update-RoleGroupMember's @{Add=...} adds only. */
static void
each_member(const char *s, size_t len, void *payload)
{
	void **pl = payload;
	struct grant *g = pl[0];
	struct ir_findings *out = pl[1];
	const char *eq;

	if (len > 2 && s[0] == '@' && s[1] == '{') {
		if (!(eq = memchr(s, '=', len)) ||
		    !ir_detect__contains_ci(s, (size_t)(eq - s), "add"))
			return;
		len -= (size_t)(eq + 1 - s);
		s = eq + 1;
		while (len && (s[len - 1] == '}' || s[len - 1] == ' '))
			len--;
	}
	trim(&s, &len);
	if (!len)
		return;
	set_who(g, s, len);
	g->guid = !g->app && !g->group && is_guid(s, len);
	g->sp = g->app || g->guid;
	g->sev = IR_SEV_HIGH;
	judge_who(g);
	report(out, g);
}

/* How an Exchange grant reached the grantee. */
enum exo_via {
	VIA_ASSIGNMENT, /* New-ManagementRoleAssignment */
	VIA_GROUP,	/* a built-in role group */
	VIA_CUSTOM,	/* a role group made with the role (New-RoleGroup) */
};

static void
exo_grant(struct grant *g, const struct exo_def *d, enum exo_via via)
{
	snprintf(g->role, sizeof(g->role), "%s", d->name);
	g->does = d->does;
	g->verb = via == VIA_GROUP ? "was added to the Exchange role group"
				   : "was given the Exchange role";
	g->undo = via == VIA_ASSIGNMENT
			  ? "remove it with Remove-ManagementRoleAssignment"
			  : "remove the member with Remove-RoleGroupMember";
}

static void
new_assignment(const struct ir_event *ev, struct ir_findings *out)
{
	static const char *const who[] = {"User", "App", "SecurityGroup",
					  "Policy"};
	const struct ir_str *r = ir_event_param_str(ev, "Role");
	const struct exo_def *d;
	struct grant g = {.ev = ev};
	void *pl[2] = {&g, out};

	if (!r || !(d = exo_find(exo_roles, IR_ARRAY_SIZE(exo_roles), r->ptr,
				 r->len)))
		return;
	exo_grant(&g, d, VIA_ASSIGNMENT);
	for (size_t i = 0; i < IR_ARRAY_SIZE(who); i++) {
		const struct ir_param *p = ir_event_param(ev, who[i]);

		if (!p)
			continue;
		g.app = i == 1;
		g.group = i >= 2;
		ir_detect__foreach_recipient(p, each_member, pl);
	}
}

static void
new_role_group(struct state *st, const struct ir_event *ev,
	       struct ir_findings *out)
{
	const struct ir_str *r = ir_event_param_str(ev, "Roles");
	const struct ir_str *name = ir_event_param_str(ev, "Name");
	const struct exo_def *d;
	struct grant g = {.ev = ev};
	void *pl[2] = {&g, out};
	char key[ROLE_MAX];

	if (!r || !(d = exo_find(exo_roles, IR_ARRAY_SIZE(exo_roles), r->ptr,
				 r->len)))
		return;
	if (name) {
		group_key(key, sizeof(key), *name);
		*ir_strmap_put(&st->groups, key, NULL) =
			(void *)(uintptr_t)(d - exo_roles + 1);
	}
	exo_grant(&g, d, VIA_CUSTOM);
	ir_detect__foreach_recipient(ir_event_param(ev, "Members"), each_member,
				     pl);
}

static void
group_member(struct state *st, const struct ir_event *ev,
	     struct ir_findings *out)
{
	const struct ir_str *id = ir_event_param_str(ev, "Identity");
	const struct ir_param *m = ir_event_param(ev, "Member");
	const struct exo_def *d;
	struct grant g = {.ev = ev};
	void *pl[2] = {&g, out}, **custom;
	char key[ROLE_MAX];

	if (!id)
		return;
	group_key(key, sizeof(key), *id);
	if ((d = exo_find(exo_groups, IR_ARRAY_SIZE(exo_groups), key,
			  strlen(key)))) {
		exo_grant(&g, d, VIA_GROUP);
	} else if ((custom = ir_strmap_find(&st->groups, key))) {
		exo_grant(&g, &exo_roles[(uintptr_t)*custom - 1], VIA_CUSTOM);
	} else {
		return;
	}
	if (!m)
		m = ir_event_param(ev, "Members");
	ir_detect__foreach_recipient(m, each_member, pl);
}

static void
event(void *state, const struct ir_event *ev, struct ir_findings *out)
{
	struct state *st = state;

	if (!ev->operation || ir_det_failed(ev))
		return;
	if (op_is(ev, "New-ManagementRoleAssignment") ||
	    op_is(ev, "New-RoleGroup") || op_is(ev, "Add-RoleGroupMember") ||
	    op_is(ev, "Update-RoleGroupMember")) {
		if (system_actor(ev->user))
			return;
		if (op_is(ev, "New-ManagementRoleAssignment"))
			new_assignment(ev, out);
		else if (op_is(ev, "New-RoleGroup"))
			new_role_group(st, ev, out);
		else
			group_member(st, ev, out);
		return;
	}
	entra_event(ev, out);
}

static const char *const operations[] = {
	"Add member to role.",
	"Add member to role",
	"Add eligible member to role.",
	"Add eligible member to role",
	"Add scoped member to role.",
	"Add scoped member to role",
	"Add member to role outside of PIM (permanent)",
	"Add member to role in PIM requested (permanent)",
	"Add member to role in PIM requested (timebound)",
	"Add member to role in PIM completed (permanent)",
	"Add member to role in PIM completed (timebound)",
	"Add eligible member to role in PIM requested (permanent)",
	"Add eligible member to role in PIM requested (timebound)",
	"Add eligible member to role in PIM completed (permanent)",
	"Add eligible member to role in PIM completed (timebound)",
	"New-ManagementRoleAssignment",
	"New-RoleGroup",
	"Add-RoleGroupMember",
	"Update-RoleGroupMember",
	NULL,
};

const struct ir_detection ir_det_role_assignment = {
	.id = "role-assignment",
	.title = "Admin role given to an account or app",
	.attack = "T1098.003",
	.operations = operations,
	.start = start,
	.event = event,
	.free = release,
};
