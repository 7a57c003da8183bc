/* SPDX-License-Identifier: MIT */
/*
 * exo.c - Exchange Online admin REST: POST /adminapi/beta/{tenant}/
 * InvokeCommand with {"CmdletInput":{"CmdletName","Parameters"}}
 * (api-map.md §C; api-examples/exo-adminapi/).
 *
 * The answer is the captured one: {"@odata.context":"...#Collection(
 * Exchange.GenericHashTable)","adminapi.warnings@odata.type":...,
 * "@adminapi.warnings":[...],"value":[rows]}, each row a hash table of
 * PowerShell property names with "X@odata.type" annotations on
 * collections and typed values, as in the Get-Mailbox capture. Cmdlet
 * and parameter names match case-insensitively, as PowerShell does (the
 * capture itself sends "get-mailbox"). A parameter the cmdlet lacks is a
 * ParameterBindingException, as PowerShell refuses it before running.
 *
 * Errors (§C.5 lists what clients parse; no capture of one exists):
 * {"error":{"code","message","details":[{"code","target","message":
 * "Ex<id>|<exception type>|<text>"}],"innererror":{"message","type",
 * "internalException":{"message","type"}}}} plus an X-ExceptionType
 * header, so each of the three parsers clients use finds its text.
 *
 * State: mailboxes[] in the fixture hold the Exchange properties by their
 * PowerShell names plus inboxRules[] (Graph messageRule shape, shared with
 * messagerules.c), mailboxPermissions[] and recipientPermissions[].
 * A rule's RuleIdentity is its Graph id read as a big-endian 64-bit
 * number (Graph ids are base64 of 8 bytes), so both APIs name one rule.
 *
 * Paging (§C.4): rows past the page size go behind an @odata.nextLink,
 * this URL with ?$skiptoken=<offset>; the client re-POSTs the same body
 * there and graphsim runs the cmdlet again and answers the next slice.
 * A write cmdlet re-POSTed runs again too; none of them returns rows.
 *
 * exo-config.c has the folder permission, transport rule and tenant
 * configuration cmdlets, exo-search.c Search-UnifiedAuditLog; exo.h is
 * what the three share.
 */
#include "util/compat.h"

#include "sim/graphsim/exo.h"
#include "util/xalloc.h"

#include <errno.h>
#include <stdarg.h>
#include <strings.h>

#define EXO_CONTEXT                                             \
	"https://outlook.office.com/adminapi/beta/%s/$metadata" \
	"#Collection(Exchange.GenericHashTable)"
#define EXO_PAGE_MAX 1000

/* Keys of a fixture mailbox that are graphsim's, not Get-Mailbox's. */
static const char *const mbx_private[] = {
	"inboxRules",
	"mailboxPermissions",
	"recipientPermissions",
	"folderPermissions",
};

void
exo_error(struct exo *x, unsigned status, const char *type, const char *fmt,
	  ...)
{
	yyjson_mut_doc *doc = yyjson_mut_doc_new(NULL);
	yyjson_mut_val *root = yyjson_mut_obj(doc), *e = yyjson_mut_obj(doc);
	yyjson_mut_val *det = yyjson_mut_obj(doc), *arr = yyjson_mut_arr(doc);
	yyjson_mut_val *in = yyjson_mut_obj(doc), *ie = yyjson_mut_obj(doc);
	struct ir_buf full = IR_BUF_INIT;
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	ir_buf_addf(&full, "Ex%06X|%s|%s",
		    (unsigned)(gs_rand(x->gs) & 0xffffff), type, msg);
	yyjson_mut_obj_add_val(doc, root, "error", e);
	yyjson_mut_obj_add_str(doc, e, "code",
			       status == 404 ? "NotFound" : "BadRequest");
	yyjson_mut_obj_add_str(doc, e, "message", "Error executing cmdlet");
	yyjson_mut_obj_add_str(doc, det, "code", "Context");
	yyjson_mut_obj_add_str(doc, det, "target", "");
	yyjson_mut_obj_add_strcpy(doc, det, "message", full.buf);
	yyjson_mut_arr_append(arr, det);
	yyjson_mut_obj_add_val(doc, e, "details", arr);
	yyjson_mut_obj_add_str(doc, in, "message", "Error executing cmdlet");
	yyjson_mut_obj_add_str(doc, in, "type",
			       "Microsoft.Exchange.Admin."
			       "OData.Core.ODataServiceException");
	yyjson_mut_obj_add_strcpy(doc, ie, "message", msg);
	yyjson_mut_obj_add_strcpy(doc, ie, "type", type);
	yyjson_mut_obj_add_val(doc, in, "internalException", ie);
	yyjson_mut_obj_add_val(doc, e, "innererror", in);
	gs_resp_json(x->resp, status, doc, root);
	gs_resp_header(x->resp, "X-ExceptionType", type);
	yyjson_mut_doc_free(doc);
	ir_buf_release(&full);
	x->failed = true;
}

yyjson_mut_val *
gs_mailbox_find(const struct gs_state *st, const char *key)
{
	static const char *const keys[] = {
		"UserPrincipalName", "PrimarySmtpAddress", "Alias",
		"DisplayName",	     "ExchangeGuid",
	};
	yyjson_mut_val *arr = yyjson_mut_obj_get(
			       yyjson_mut_doc_get_root(st->doc), "mailboxes"),
		       *m;
	yyjson_mut_arr_iter it = yyjson_mut_arr_iter_with(arr);

	while ((m = yyjson_mut_arr_iter_next(&it)))
		for (size_t i = 0; i < IR_ARRAY_SIZE(keys); i++) {
			const char *s = yyjson_mut_get_str(
				yyjson_mut_obj_get(m, keys[i]));

			if (s && gs_str_eq_ci(s, key))
				return m;
		}
	return NULL;
}

yyjson_val *
exo_param(const struct exo *x, const char *name)
{
	yyjson_obj_iter it = yyjson_obj_iter_with(x->params);
	yyjson_val *k;

	while ((k = yyjson_obj_iter_next(&it)))
		if (gs_str_eq_ci(yyjson_get_str(k), name))
			return yyjson_obj_iter_get_val(k);
	return NULL;
}

const char *
exo_str(yyjson_mut_val *mbx, const char *key)
{
	const char *s = yyjson_mut_get_str(yyjson_mut_obj_get(mbx, key));

	return s ? s : "";
}

yyjson_mut_val *
exo_want_mailbox(struct exo *x, const char *name)
{
	yyjson_val *v = exo_param(x, name);
	yyjson_mut_val *m;

	if (!yyjson_is_str(v)) {
		exo_error(x, 400, T_BINDING,
			  "Cannot bind argument to "
			  "parameter '%s' because it is null or missing.",
			  name);
		return NULL;
	}
	m = gs_mailbox_find(&x->gs->state, yyjson_get_str(v));
	if (!m)
		exo_error(x, 404, T_NOT_FOUND,
			  "The operation couldn't be "
			  "performed because object '%s' couldn't be found "
			  "on 'graphsim'.",
			  yyjson_get_str(v));
	return m;
}

void
exo_warn(struct exo *x, const char *msg)
{
	yyjson_mut_arr_add_strcpy(x->doc, x->warnings, msg);
}

bool
exo_want_bool(bool *out, struct exo *x, const char *name)
{
	yyjson_val *v = exo_param(x, name);

	if (yyjson_is_bool(v)) {
		*out = yyjson_get_bool(v);
		return true;
	}
	exo_error(x, 400, T_BINDING,
		  v ? "Cannot process argument "
		      "transformation on parameter '%s'."
		    : "Cannot bind argument "
		      "to parameter '%s' because it is null or missing.",
		  name);
	return false;
}

size_t
exo_knob(struct exo *x, const char *name, size_t def)
{
	yyjson_mut_val *v = yyjson_mut_obj_get(
		yyjson_mut_obj_get(yyjson_mut_doc_get_root(x->gs->state.doc),
				   "simulator"),
		name);

	if (yyjson_mut_is_int(v) && yyjson_mut_get_sint(v) > 0)
		return (size_t)yyjson_mut_get_sint(v);
	return def;
}

/* "KEY<suffix>": type, the annotations of the Get-Mailbox capture. */
static void
annotate(yyjson_mut_doc *doc, yyjson_mut_val *row, const char *key,
	 const char *suffix, const char *type)
{
	struct ir_buf k = IR_BUF_INIT;

	ir_buf_addf(&k, "%s%s", key, suffix);
	/* yyjson_mut_obj_add_strcpy() copies the value, not the key. */
	yyjson_mut_obj_add(row, yyjson_mut_strcpy(doc, k.buf),
			   yyjson_mut_strcpy(doc, type));
	ir_buf_release(&k);
}

void
exo_add_annotated(yyjson_mut_doc *doc, yyjson_mut_val *row, const char *key,
		  yyjson_mut_val *v)
{
	static const struct {
		const char *key, *data_type, *odata_type;
	} typed[] = {
		{"ExchangeGuid", "System.Guid", "#Guid"},
		{"StsRefreshTokensValidFrom", "System.DateTime", NULL},
		{"PitrCopyIntervalInSeconds", "System.Int16", "#Int16"},
	};

	for (size_t i = 0; i < IR_ARRAY_SIZE(typed); i++) {
		if (strcmp(key, typed[i].key))
			continue;
		annotate(doc, row, key, "@data.type", typed[i].data_type);
		if (typed[i].odata_type)
			annotate(doc, row, key, "@odata.type",
				 typed[i].odata_type);
	}
	if (yyjson_mut_is_arr(v))
		annotate(doc, row, key, "@odata.type", "#Collection(String)");
	yyjson_mut_obj_add(row, yyjson_mut_strcpy(doc, key),
			   yyjson_mut_val_mut_copy(doc, v));
}

static bool
is_private(const char *key)
{
	for (size_t i = 0; i < IR_ARRAY_SIZE(mbx_private); i++)
		if (!strcmp(key, mbx_private[i]))
			return true;
	return false;
}

yyjson_mut_val *
exo_row(struct exo *x, yyjson_mut_val *obj, const char *const *skip,
	size_t nskip)
{
	yyjson_mut_val *row = yyjson_mut_obj(x->doc), *k;
	yyjson_mut_obj_iter it = yyjson_mut_obj_iter_with(obj);
	const char *name;
	bool skipped;

	while ((k = yyjson_mut_obj_iter_next(&it))) {
		name = yyjson_mut_get_str(k);
		skipped = false;
		for (size_t i = 0; i < nskip; i++)
			skipped |= !strcmp(name, skip[i]);
		if (!skipped)
			exo_add_annotated(x->doc, row, name,
					  yyjson_mut_obj_iter_get_val(k));
	}
	return row;
}

static void
mailbox_row(struct exo *x, yyjson_mut_val *mbx)
{
	yyjson_mut_val *row = yyjson_mut_obj(x->doc), *k;
	yyjson_mut_obj_iter it = yyjson_mut_obj_iter_with(mbx);

	if (!yyjson_mut_obj_get(mbx, "Identity"))
		yyjson_mut_obj_add_strcpy(x->doc, row, "Identity",
					  exo_str(mbx, "Alias"));
	while ((k = yyjson_mut_obj_iter_next(&it)))
		if (!is_private(yyjson_mut_get_str(k)))
			exo_add_annotated(x->doc, row, yyjson_mut_get_str(k),
					  yyjson_mut_obj_iter_get_val(k));
	yyjson_mut_arr_append(x->value, row);
}

static void
get_mailbox(struct exo *x)
{
	yyjson_mut_val *arr, *m;
	yyjson_mut_arr_iter it;

	if (exo_param(x, "Identity")) {
		m = exo_want_mailbox(x, "Identity");
		if (m)
			mailbox_row(x, m);
		return;
	}
	arr = yyjson_mut_obj_get(yyjson_mut_doc_get_root(x->gs->state.doc),
				 "mailboxes");
	it = yyjson_mut_arr_iter_with(arr);
	while ((m = yyjson_mut_arr_iter_next(&it)))
		mailbox_row(x, m);
}

/* "d.hh:mm:ss" or "hh:mm:ss", the form a TimeSpan parameter takes. */
static bool
timespan_ok(const char *s)
{
	size_t d = strspn(s, "0123456789");

	if (d && s[d] == '.')
		s += d + 1;
	return strlen(s) == 8 && strspn(s, "0123456789:") == 8 && s[2] == ':' &&
	       s[5] == ':';
}

static bool
is_audit_set(const char *name)
{
	return !strcasecmp(name, "AuditOwner") ||
	       !strcasecmp(name, "AuditDelegate") ||
	       !strcasecmp(name, "AuditAdmin");
}

/* A list of audit actions: a JSON array of strings. */
static bool
audit_list_ok(yyjson_val *v)
{
	yyjson_arr_iter it = yyjson_arr_iter_with(v);
	yyjson_val *e;

	if (!yyjson_is_arr(v))
		return false;
	while ((e = yyjson_arr_iter_next(&it)))
		if (!yyjson_is_str(e))
			return false;
	return true;
}

static bool
set_value_ok(const char *name, yyjson_val *v)
{
	if (!strcasecmp(name, "ForwardingSmtpAddress") ||
	    !strcasecmp(name, "ForwardingAddress"))
		return yyjson_is_null(v) || yyjson_is_str(v);
	if (!strcasecmp(name, "AuditLogAgeLimit"))
		return yyjson_is_str(v) && timespan_ok(yyjson_get_str(v));
	if (!strcasecmp(name, "Identity"))
		return yyjson_is_str(v);
	if (is_audit_set(name))
		return yyjson_is_str(v) || audit_list_ok(v);
	return yyjson_is_bool(v);
}

/* The stored value for a Set-Mailbox parameter (smtp: on addresses). */
static yyjson_mut_val *
set_value(yyjson_mut_doc *doc, const char *name, yyjson_val *v)
{
	struct ir_buf b = IR_BUF_INIT;
	yyjson_mut_val *out;

	if (is_audit_set(name) && yyjson_is_str(v)) {
		/* One action given alone is a one-element set. */
		out = yyjson_mut_arr(doc);
		yyjson_mut_arr_add_strcpy(doc, out, yyjson_get_str(v));
		return out;
	}
	if (strcasecmp(name, "ForwardingSmtpAddress") || !yyjson_is_str(v) ||
	    !strncasecmp(yyjson_get_str(v), "smtp:", 5))
		return yyjson_val_mut_copy(doc, v);
	ir_buf_addf(&b, "smtp:%s", yyjson_get_str(v));
	out = yyjson_mut_strcpy(doc, b.buf);
	ir_buf_release(&b);
	return out;
}

static const char *const set_mailbox_props[] = {
	"ForwardingSmtpAddress",
	"ForwardingAddress",
	"DeliverToMailboxAndForward",
	"AuditEnabled",
	"AuditLogAgeLimit",
	"AuditOwner",
	"AuditDelegate",
	"AuditAdmin",
};

static void
set_mailbox(struct exo *x)
{
	yyjson_mut_doc *st = x->gs->state.doc;
	yyjson_mut_val *m = exo_want_mailbox(x, "Identity"), *nv;
	yyjson_obj_iter it = yyjson_obj_iter_with(x->params);
	yyjson_val *k, *v;
	bool changed = false;
	char msg[256];

	if (!m)
		return;
	while ((k = yyjson_obj_iter_next(&it)))
		if (!set_value_ok(yyjson_get_str(k),
				  yyjson_obj_iter_get_val(k))) {
			exo_error(x, 400, T_BINDING,
				  "Cannot process argument "
				  "transformation on parameter '%s'.",
				  yyjson_get_str(k));
			return;
		}
	for (size_t i = 0; i < IR_ARRAY_SIZE(set_mailbox_props); i++) {
		v = exo_param(x, set_mailbox_props[i]);
		if (!v)
			continue;
		nv = set_value(st, set_mailbox_props[i], v);
		if (!yyjson_mut_equals(
			    nv, yyjson_mut_obj_get(m, set_mailbox_props[i])))
			changed = true;
		yyjson_mut_obj_put(m, yyjson_mut_str(st, set_mailbox_props[i]),
				   nv);
	}
	if (!changed) {
		snprintf(msg, sizeof(msg),
			 "The command completed "
			 "successfully but no settings of '%s' have been "
			 "modified.",
			 exo_str(m, "Alias"));
		exo_warn(x, msg);
	}
}

/* RuleIdentity: the Graph id (base64 of 8 bytes) as a big-endian number. */
static uint64_t
rule_identity(yyjson_mut_val *rule)
{
	const char *id = yyjson_mut_get_str(yyjson_mut_obj_get(rule, "id"));
	struct ir_buf url = IR_BUF_INIT, raw = IR_BUF_INIT;
	uint64_t v = 0;

	for (const char *p = id ? id : ""; *p && *p != '='; p++)
		ir_buf_addch(&url, *p == '+' ? '-' : *p == '/' ? '_' : *p);
	if (!gs_base64url_decode(&raw, url.len ? url.buf : "") && raw.len == 8)
		for (size_t i = 0; i < 8; i++)
			v = v << 8 | (unsigned char)raw.buf[i];
	ir_buf_release(&url);
	ir_buf_release(&raw);
	return v;
}

static bool
rule_matches(yyjson_mut_val *rule, const char *key)
{
	char num[24];
	const char *name =
		yyjson_mut_get_str(yyjson_mut_obj_get(rule, "displayName"));
	const char *id = yyjson_mut_get_str(yyjson_mut_obj_get(rule, "id"));

	snprintf(num, sizeof(num), "%llu",
		 (unsigned long long)rule_identity(rule));
	return (name && gs_str_eq_ci(name, key)) || !strcmp(num, key) ||
	       (id && !strcmp(id, key));
}

/* "\"name\" [SMTP:address]" for each Graph recipient, or null. */
static yyjson_mut_val *
recipients(yyjson_mut_doc *doc, yyjson_mut_val *list)
{
	yyjson_mut_arr_iter it = yyjson_mut_arr_iter_with(list);
	yyjson_mut_val *arr, *r, *ea;
	struct ir_buf b = IR_BUF_INIT;

	if (!yyjson_mut_arr_size(list))
		return yyjson_mut_null(doc);
	arr = yyjson_mut_arr(doc);
	while ((r = yyjson_mut_arr_iter_next(&it))) {
		ea = yyjson_mut_obj_get(r, "emailAddress");
		ir_buf_reset(&b);
		ir_buf_addf(&b, "\"%s\" [SMTP:%s]", exo_str(ea, "name"),
			    exo_str(ea, "address"));
		yyjson_mut_arr_add_strcpy(doc, arr, b.buf);
	}
	ir_buf_release(&b);
	return arr;
}

static yyjson_mut_val *
copy_or_null(yyjson_mut_doc *doc, yyjson_mut_val *v)
{
	return v ? yyjson_mut_val_mut_copy(doc, v) : yyjson_mut_null(doc);
}

static void
rule_row(struct exo *x, yyjson_mut_val *mbx, yyjson_mut_val *rule)
{
	yyjson_mut_doc *d = x->doc;
	yyjson_mut_val *row = yyjson_mut_obj(d);
	yyjson_mut_val *a = yyjson_mut_obj_get(rule, "actions");
	yyjson_mut_val *c = yyjson_mut_obj_get(rule, "conditions");
	uint64_t rid = rule_identity(rule);
	char ident[320];

	snprintf(ident, sizeof(ident), "%s\\%llu", exo_str(mbx, "Alias"),
		 (unsigned long long)rid);
	yyjson_mut_obj_add_strcpy(d, row, "Identity", ident);
	yyjson_mut_obj_add_uint(d, row, "RuleIdentity", rid);
	exo_add_annotated(d, row, "Name",
			  yyjson_mut_obj_get(rule, "displayName"));
	exo_add_annotated(d, row, "Enabled",
			  yyjson_mut_obj_get(rule, "isEnabled"));
	exo_add_annotated(d, row, "Priority",
			  yyjson_mut_obj_get(rule, "sequence"));
	exo_add_annotated(d, row, "InError",
			  yyjson_mut_obj_get(rule, "hasError"));
	yyjson_mut_obj_add_strcpy(d, row, "MailboxOwnerId",
				  exo_str(mbx, "Alias"));
	exo_add_annotated(d, row, "ForwardTo",
			  recipients(d, yyjson_mut_obj_get(a, "forwardTo")));
	exo_add_annotated(
		d, row, "ForwardAsAttachmentTo",
		recipients(d, yyjson_mut_obj_get(a, "forwardAsAttachmentTo")));
	exo_add_annotated(d, row, "RedirectTo",
			  recipients(d, yyjson_mut_obj_get(a, "redirectTo")));
	yyjson_mut_obj_add_bool(
		d, row, "DeleteMessage",
		yyjson_mut_is_true(yyjson_mut_obj_get(a, "delete")));
	yyjson_mut_obj_add_bool(
		d, row, "MarkAsRead",
		yyjson_mut_is_true(yyjson_mut_obj_get(a, "markAsRead")));
	yyjson_mut_obj_add_bool(d, row, "StopProcessingRules",
				yyjson_mut_is_true(yyjson_mut_obj_get(
					a, "stopProcessingRules")));
	exo_add_annotated(d, row, "MoveToFolder",
			  copy_or_null(d,
				       yyjson_mut_obj_get(a, "moveToFolder")));
	exo_add_annotated(
		d, row, "SubjectContainsWords",
		copy_or_null(d, yyjson_mut_obj_get(c, "subjectContains")));
	exo_add_annotated(d, row, "BodyContainsWords",
			  copy_or_null(d,
				       yyjson_mut_obj_get(c, "bodyContains")));
	exo_add_annotated(
		d, row, "FromAddressContainsWords",
		copy_or_null(d, yyjson_mut_obj_get(c, "senderContains")));
	yyjson_mut_arr_append(x->value, row);
}

static void
get_inbox_rule(struct exo *x)
{
	yyjson_mut_val *m = exo_want_mailbox(x, "Mailbox"), *r;
	yyjson_val *id = exo_param(x, "Identity");
	bool hidden = yyjson_is_true(exo_param(x, "IncludeHidden"));
	yyjson_mut_arr_iter it;

	if (!m)
		return;
	it = yyjson_mut_arr_iter_with(yyjson_mut_obj_get(m, "inboxRules"));
	while ((r = yyjson_mut_arr_iter_next(&it))) {
		if (!hidden &&
		    yyjson_mut_is_true(yyjson_mut_obj_get(r, "hidden")))
			continue;
		if (yyjson_is_str(id) && !rule_matches(r, yyjson_get_str(id)))
			continue;
		rule_row(x, m, r);
	}
}

/*
 * The rule -Identity names ("rule", "mailbox\rule") in -Mailbox or the
 * mailbox before the backslash; its index in *idx. NULL after an error.
 */
static yyjson_mut_val *
want_rule(size_t *idx, yyjson_mut_val **mbx, struct exo *x)
{
	yyjson_val *id = exo_param(x, "Identity");
	const char *s = yyjson_get_str(id), *bs;
	char *box = NULL;
	yyjson_mut_val *rules, *r;

	if (!s)
		return exo_want_mailbox(x, "Identity");
	bs = strrchr(s, '\\');
	if (bs) {
		box = xstrndup(s, (size_t)(bs - s));
		*mbx = gs_mailbox_find(&x->gs->state, box);
		free(box);
		s = bs + 1;
	} else {
		*mbx = exo_param(x, "Mailbox") ? exo_want_mailbox(x, "Mailbox")
					       : NULL;
		if (x->failed)
			return NULL;
	}
	rules = yyjson_mut_obj_get(*mbx, "inboxRules");
	for (size_t i = 0; i < yyjson_mut_arr_size(rules); i++) {
		r = yyjson_mut_arr_get(rules, i);
		if (rule_matches(r, s)) {
			*idx = i;
			return r;
		}
	}
	exo_error(x, 404, T_NOT_FOUND,
		  "The operation couldn't be performed "
		  "because object '%s' couldn't be found on 'graphsim'.",
		  yyjson_get_str(id));
	return NULL;
}

static void
set_rule_enabled(struct exo *x, bool on)
{
	yyjson_mut_val *mbx = NULL, *r;
	size_t idx;

	r = want_rule(&idx, &mbx, x);
	if (r)
		yyjson_mut_obj_put(
			r, yyjson_mut_str(x->gs->state.doc, "isEnabled"),
			yyjson_mut_bool(x->gs->state.doc, on));
}

static void
disable_inbox_rule(struct exo *x)
{
	set_rule_enabled(x, false);
}

static void
enable_inbox_rule(struct exo *x)
{
	set_rule_enabled(x, true);
}

static void
remove_inbox_rule(struct exo *x)
{
	yyjson_mut_val *mbx = NULL;
	size_t idx;

	if (want_rule(&idx, &mbx, x))
		yyjson_mut_arr_remove(yyjson_mut_obj_get(mbx, "inboxRules"),
				      idx);
}

/* Rows of a permission list, filtered on `who_key` when `who` is given. */
static void
permission_rows(struct exo *x, const char *list, const char *who_key,
		const char *who_param, bool recipient)
{
	yyjson_mut_val *m = exo_want_mailbox(x, "Identity"), *p, *row, *k;
	const char *who = yyjson_get_str(exo_param(x, who_param));
	yyjson_mut_obj_iter oit;
	yyjson_mut_arr_iter it;

	if (!m)
		return;
	it = yyjson_mut_arr_iter_with(yyjson_mut_obj_get(m, list));
	while ((p = yyjson_mut_arr_iter_next(&it))) {
		if (who && !gs_str_eq_ci(exo_str(p, who_key), who))
			continue;
		row = yyjson_mut_obj(x->doc);
		yyjson_mut_obj_add_strcpy(x->doc, row, "Identity",
					  exo_str(m, "Alias"));
		oit = yyjson_mut_obj_iter_with(p);
		while ((k = yyjson_mut_obj_iter_next(&oit)))
			exo_add_annotated(x->doc, row, yyjson_mut_get_str(k),
					  yyjson_mut_obj_iter_get_val(k));
		if (recipient)
			yyjson_mut_obj_add_true(x->doc, row, "IsValid");
		yyjson_mut_arr_append(x->value, row);
	}
}

static void
get_mailbox_permission(struct exo *x)
{
	permission_rows(x, "mailboxPermissions", "User", "User", false);
}

static void
get_recipient_permission(struct exo *x)
{
	permission_rows(x, "recipientPermissions", "Trustee", "Trustee", true);
}

static bool
right_named(yyjson_val *rights, const char *right)
{
	yyjson_arr_iter it;
	yyjson_val *v;

	if (yyjson_is_str(rights))
		return gs_str_eq_ci(yyjson_get_str(rights), right);
	it = yyjson_arr_iter_with(rights);
	while ((v = yyjson_arr_iter_next(&it)))
		if (gs_str_eq_ci(yyjson_get_str(v), right))
			return true;
	return false;
}

/* Remove the named rights from one ACE; true when it had any of them. */
static bool
strip_rights(yyjson_mut_val *ace, yyjson_val *rights)
{
	yyjson_mut_val *have = yyjson_mut_obj_get(ace, "AccessRights");
	bool hit = false;

	for (size_t i = yyjson_mut_arr_size(have); i-- > 0;)
		if (right_named(rights, yyjson_mut_get_str(
						yyjson_mut_arr_get(have, i)))) {
			yyjson_mut_arr_remove(have, i);
			hit = true;
		}
	return hit;
}

/* Does the mutable rights array `have` hold `right` (any case)? */
static bool
right_named_mut(yyjson_mut_val *have, const char *right)
{
	for (size_t i = 0; i < yyjson_mut_arr_size(have); i++) {
		yyjson_mut_val *v = yyjson_mut_arr_get(have, i);

		if (gs_str_eq_ci(yyjson_mut_get_str(v), right))
			return true;
	}
	return false;
}

static void
remove_permission(struct exo *x, const char *list, const char *who_param)
{
	yyjson_mut_val *m = exo_want_mailbox(x, "Identity"), *aces, *ace;
	yyjson_val *rights = exo_param(x, "AccessRights");
	const char *who = yyjson_get_str(exo_param(x, who_param));
	bool hit = false;
	char msg[400];

	if (!m)
		return;
	if (!who || !(yyjson_is_str(rights) || yyjson_is_arr(rights))) {
		exo_error(x, 400, T_BINDING,
			  "Cannot bind argument to "
			  "parameter '%s' because it is null or missing.",
			  who ? "AccessRights" : who_param);
		return;
	}
	aces = yyjson_mut_obj_get(m, list);
	for (size_t i = yyjson_mut_arr_size(aces); i-- > 0;) {
		ace = yyjson_mut_arr_get(aces, i);
		if (!gs_str_eq_ci(exo_str(ace, who_param), who) ||
		    !strip_rights(ace, rights))
			continue;
		hit = true;
		if (!yyjson_mut_arr_size(
			    yyjson_mut_obj_get(ace, "AccessRights")))
			yyjson_mut_arr_remove(aces, i);
	}
	if (hit)
		return;
	snprintf(msg, sizeof(msg),
		 "Can't remove the access control entry "
		 "on the object '%s' for account '%s' because the ACE "
		 "doesn't exist on the object.",
		 exo_str(m, "Alias"), who);
	exo_warn(x, msg);
}

static void
remove_mailbox_permission(struct exo *x)
{
	remove_permission(x, "mailboxPermissions", "User");
}

static void
remove_recipient_permission(struct exo *x)
{
	remove_permission(x, "recipientPermissions", "Trustee");
}

/* Append each named right `ace` lacks (Add-* is additive and repeatable). */
static void
add_rights(struct exo *x, yyjson_mut_val *ace, yyjson_val *rights)
{
	yyjson_mut_val *have = yyjson_mut_obj_get(ace, "AccessRights");
	yyjson_arr_iter it;
	yyjson_val *v;

	if (yyjson_is_str(rights)) {
		if (!right_named_mut(have, yyjson_get_str(rights)))
			yyjson_mut_arr_add_strcpy(x->gs->state.doc, have,
						  yyjson_get_str(rights));
		return;
	}
	it = yyjson_arr_iter_with(rights);
	while ((v = yyjson_arr_iter_next(&it)))
		if (yyjson_is_str(v) &&
		    !right_named_mut(have, yyjson_get_str(v)))
			yyjson_mut_arr_add_strcpy(x->gs->state.doc, have,
						  yyjson_get_str(v));
}

/*
 * Add-MailboxPermission / Add-RecipientPermission: grant rights to a
 * principal, extending its entry or adding one shaped like the fixture's
 * (the undo of a removal must be able to put a delegate back). Values go
 * into the state's document: the answer's is freed after the response.
 */
static void
add_permission(struct exo *x, const char *list, const char *who_param)
{
	yyjson_mut_val *m = exo_want_mailbox(x, "Identity"), *aces, *ace = NULL;
	yyjson_val *rights = exo_param(x, "AccessRights");
	const char *who = yyjson_get_str(exo_param(x, who_param));

	if (!m)
		return;
	if (!who || !(yyjson_is_str(rights) || yyjson_is_arr(rights))) {
		exo_error(x, 400, T_BINDING,
			  "Cannot bind argument to "
			  "parameter '%s' because it is null or missing.",
			  who ? "AccessRights" : who_param);
		return;
	}
	if (!(aces = yyjson_mut_obj_get(m, list))) {
		aces = yyjson_mut_arr(x->gs->state.doc);
		yyjson_mut_obj_add_val(x->gs->state.doc, m, list, aces);
	}
	for (size_t i = 0; i < yyjson_mut_arr_size(aces) && !ace; i++)
		if (gs_str_eq_ci(exo_str(yyjson_mut_arr_get(aces, i),
					 who_param),
				 who))
			ace = yyjson_mut_arr_get(aces, i);
	if (!ace) {
		ace = yyjson_mut_obj(x->gs->state.doc);
		yyjson_mut_obj_add_strcpy(x->gs->state.doc, ace, who_param,
					  who);
		yyjson_mut_obj_add_val(x->gs->state.doc, ace, "AccessRights",
				       yyjson_mut_arr(x->gs->state.doc));
		yyjson_mut_obj_add_false(x->gs->state.doc, ace, "IsInherited");
		if (!strcmp(who_param, "User"))
			yyjson_mut_obj_add_false(x->gs->state.doc, ace, "Deny");
		else
			yyjson_mut_obj_add_str(x->gs->state.doc, ace,
					       "AccessControlType", "Allow");
		yyjson_mut_obj_add_str(x->gs->state.doc, ace, "InheritanceType",
				       !strcmp(who_param, "User") ? "All"
								  : "None");
		yyjson_mut_arr_append(aces, ace);
	}
	add_rights(x, ace, rights);
}

static void
add_mailbox_permission(struct exo *x)
{
	add_permission(x, "mailboxPermissions", "User");
}

static void
add_recipient_permission(struct exo *x)
{
	add_permission(x, "recipientPermissions", "Trustee");
}

static const struct cmdlet {
	const char *name;
	void (*run)(struct exo *x);
	const char *params[12];
} cmdlets[] = {
	{"Get-Mailbox",
	 get_mailbox,
	 {"Identity", "ResultSize",
	  "IncludeGrantSendOnBehalfToWithDisplayNames"}},
	{"Set-Mailbox",
	 set_mailbox,
	 {"Identity", "ForwardingSmtpAddress", "ForwardingAddress",
	  "DeliverToMailboxAndForward", "AuditEnabled", "AuditLogAgeLimit",
	  "AuditOwner", "AuditDelegate", "AuditAdmin", "Confirm", "Force"}},
	{"Get-InboxRule",
	 get_inbox_rule,
	 {"Mailbox", "Identity", "IncludeHidden"}},
	{"Disable-InboxRule",
	 disable_inbox_rule,
	 {"Identity", "Mailbox", "Confirm", "AlwaysDeleteOutlookRulesBlob",
	  "Force"}},
	{"Enable-InboxRule",
	 enable_inbox_rule,
	 {"Identity", "Mailbox", "Confirm", "AlwaysDeleteOutlookRulesBlob",
	  "Force"}},
	{"Remove-InboxRule",
	 remove_inbox_rule,
	 {"Identity", "Mailbox", "Confirm", "AlwaysDeleteOutlookRulesBlob",
	  "Force"}},
	{"Get-MailboxPermission", get_mailbox_permission, {"Identity", "User"}},
	{"Remove-MailboxPermission",
	 remove_mailbox_permission,
	 {"Identity", "User", "AccessRights", "InheritanceType", "Deny",
	  "Confirm", "BypassMasterAccountSid"}},
	{"Add-MailboxPermission",
	 add_mailbox_permission,
	 {"Identity", "User", "AccessRights", "InheritanceType", "AutoMapping",
	  "Confirm"}},
	{"Add-RecipientPermission",
	 add_recipient_permission,
	 {"Identity", "Trustee", "AccessRights", "Confirm"}},
	{"Get-RecipientPermission",
	 get_recipient_permission,
	 {"Identity", "Trustee", "AccessRights", "ResultSize"}},
	{"Remove-RecipientPermission",
	 remove_recipient_permission,
	 {"Identity", "Trustee", "AccessRights", "Confirm"}},
	{"Get-MailboxFolderPermission",
	 exo_get_folder_permission,
	 {"Identity", "User", "GroupMailbox"}},
	{"Remove-MailboxFolderPermission",
	 exo_remove_folder_permission,
	 {"Identity", "User", "Confirm", "Force", "SendNotificationToUser"}},
	{"Get-TransportRule",
	 exo_get_transport_rule,
	 {"Identity", "State", "ResultSize", "Filter", "DlpPolicy"}},
	{"Get-AdminAuditLogConfig", exo_get_admin_audit_log_config, {NULL}},
	{"Set-AdminAuditLogConfig",
	 exo_set_admin_audit_log_config,
	 {"UnifiedAuditLogIngestionEnabled", "AdminAuditLogEnabled", "Confirm",
	  "Force"}},
	{"Get-OrganizationConfig", exo_get_organization_config, {NULL}},
	{"Set-OrganizationConfig",
	 exo_set_organization_config,
	 {"AuditDisabled", "Confirm"}},
	{"Get-MailboxAuditBypassAssociation",
	 exo_get_bypass,
	 {"Identity", "ResultSize"}},
	{"Set-MailboxAuditBypassAssociation",
	 exo_set_bypass,
	 {"Identity", "AuditBypassEnabled", "Confirm"}},
	{"Search-UnifiedAuditLog",
	 exo_search_ual,
	 {"StartDate", "EndDate", "UserIds", "Operations", "RecordType",
	  "ResultSize", "SessionId", "SessionCommand"}},
};

/* Every given parameter is one the cmdlet has; else a binding error. */
static bool
check_params(struct exo *x, const struct cmdlet *c)
{
	yyjson_obj_iter it = yyjson_obj_iter_with(x->params);
	yyjson_val *k;

	while ((k = yyjson_obj_iter_next(&it))) {
		bool known = false;

		for (size_t i = 0; i < IR_ARRAY_SIZE(c->params) && c->params[i];
		     i++)
			if (gs_str_eq_ci(c->params[i], yyjson_get_str(k)))
				known = true;
		if (!known) {
			exo_error(x, 400, T_BINDING,
				  "A parameter cannot be "
				  "found that matches parameter name '%s'.",
				  yyjson_get_str(k));
			return false;
		}
	}
	return true;
}

/*
 * The page size: Prefer (or the capture's X-Prefer) odata.maxpagesize,
 * at most EXO_PAGE_MAX (api-map.md §C.2, §C.4), which is also the
 * default; `simulator.exoPageSize` lowers both so tests can page.
 */
static size_t
page_size(struct exo *x)
{
	size_t max = exo_knob(x, "exoPageSize", EXO_PAGE_MAX), want;
	const char *h = gs_header(x->req, "Prefer");
	const char *p;
	char *end;

	if (!h || !strstr(h, "odata.maxpagesize="))
		h = gs_header(x->req, "X-Prefer");
	p = h ? strstr(h, "odata.maxpagesize=") : NULL;
	if (!p)
		return max;
	want = (size_t)strtoul(p + strlen("odata.maxpagesize="), &end, 10);
	return want && want < max ? want : max;
}

/*
 * $skiptoken of a re-POST (§C.4): the offset of the page in the rows;
 * decimal, as graphsim writes it. False after a 400.
 */
static bool
skip_token(size_t *out, struct exo *x)
{
	const char *s = gs_query(x->req, "$skiptoken");
	char *end;
	unsigned long long v;

	*out = 0;
	if (!s)
		return true;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (!*s || *end || errno || *s == '-') {
		exo_error(x, 400, T_ARGUMENT,
			  "The skip token '%s' is not "
			  "valid.",
			  s);
		return false;
	}
	*out = (size_t)v;
	return true;
}

/* Cut the rows down to the page at `off`; a nextLink while more remain. */
static void
page(struct exo *x, yyjson_mut_val *root, size_t off)
{
	size_t n = yyjson_mut_arr_size(x->value), top = page_size(x);
	struct ir_buf link = IR_BUF_INIT;

	if (off > n)
		off = n;
	yyjson_mut_arr_remove_range(x->value, 0, off);
	if (n - off <= top)
		return;
	yyjson_mut_arr_remove_range(x->value, top, n - off - top);
	gs_request_base(&link, x->gs, x->req);
	ir_buf_addf(&link, "%s?$skiptoken=%zu", x->req->path, off + top);
	yyjson_mut_obj_add_strcpy(x->doc, root, "@odata.nextLink", link.buf);
	ir_buf_release(&link);
}

static void
answer(struct exo *x, size_t off)
{
	yyjson_mut_val *root = yyjson_mut_obj(x->doc);
	struct ir_buf ctx = IR_BUF_INIT;

	ir_buf_addf(&ctx, EXO_CONTEXT, x->req->params[0]);
	yyjson_mut_obj_add_strcpy(x->doc, root, "@odata.context", ctx.buf);
	yyjson_mut_obj_add_str(x->doc, root, "adminapi.warnings@odata.type",
			       "#Collection(String)");
	yyjson_mut_obj_add_val(x->doc, root, "@adminapi.warnings", x->warnings);
	page(x, root, off);
	yyjson_mut_obj_add_val(x->doc, root, "value", x->value);
	gs_resp_json(x->resp, 200, x->doc, root);
	ir_buf_release(&ctx);
}

static void
run(struct exo *x, yyjson_val *input)
{
	const char *name = yyjson_get_str(yyjson_obj_get(input, "CmdletName"));
	size_t off;

	x->params = yyjson_obj_get(input, "Parameters");
	if (x->params && !yyjson_is_obj(x->params)) {
		exo_error(x, 400, T_ARGUMENT, "Parameters must be an object.");
		return;
	}
	for (size_t i = 0; name && i < IR_ARRAY_SIZE(cmdlets); i++) {
		if (!gs_str_eq_ci(cmdlets[i].name, name))
			continue;
		if (!check_params(x, &cmdlets[i]) || !skip_token(&off, x))
			return;
		cmdlets[i].run(x);
		if (!x->failed)
			answer(x, off);
		return;
	}
	exo_error(x, 400, T_NO_CMDLET,
		  "The term '%s' is not recognized as "
		  "the name of a cmdlet, function, script file, or operable "
		  "program.",
		  name ? name : "");
}

void
gs_exo_invoke(struct gs_server *gs, struct gs_req *req, struct gs_resp *resp)
{
	struct exo x = {.gs = gs, .req = req, .resp = resp};
	yyjson_doc *in;
	yyjson_val *input;

	x.doc = yyjson_mut_doc_new(NULL);
	x.value = yyjson_mut_arr(x.doc);
	x.warnings = yyjson_mut_arr(x.doc);
	in = yyjson_read(req->body.buf, req->body.len, 0);
	input = yyjson_obj_get(yyjson_doc_get_root(in), "CmdletInput");
	if (!gs_state_is_tenant(&gs->state, req->params[0]))
		exo_error(&x, 404, T_NOT_FOUND,
			  "Tenant '%s' couldn't be "
			  "found.",
			  req->params[0]);
	else if (!yyjson_is_obj(input) ||
		 !yyjson_is_str(yyjson_obj_get(input, "CmdletName")))
		exo_error(&x, 400, T_ARGUMENT,
			  "The request body must be "
			  "{\"CmdletInput\":{\"CmdletName\":...,"
			  "\"Parameters\":{...}}}.");
	else
		run(&x, input);
	yyjson_doc_free(in);
	yyjson_mut_doc_free(x.doc);
}
