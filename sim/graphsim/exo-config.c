/* SPDX-License-Identifier: MIT */
/*
 * exo-config.c - InvokeCommand cmdlets over tenant configuration and
 * folder ACLs (api-map.md §B.2, §B.7, §B.T2, §B.T3, §C.6):
 *	Get/Remove-MailboxFolderPermission  mailboxes[].folderPermissions[]
 *	Get-TransportRule                   transportRules[]
 *	Get/Set-AdminAuditLogConfig         adminAuditLogConfig {}
 *	Get/Set-OrganizationConfig          organizationConfig {}
 *	Get/Set-MailboxAuditBypassAssociation
 *	                                    mailboxAuditBypassAssociations[]
 * Rows copy the fixture's PowerShell property names. A configuration
 * object missing from the fixture reads as the documented defaults
 * (UnifiedAuditLogIngestionEnabled and AdminAuditLogEnabled true,
 * AuditDisabled false); a Set creates it in the live state.
 */
#include "util/compat.h"

#include "sim/graphsim/exo.h"
#include "util/xalloc.h"

#include <strings.h>

#define T_NO_ACE "Microsoft.Exchange.Management.StoreTasks." \
		 "UserNotFoundInPermissionEntryException"
#define NOT_FOUND_FMT "The operation couldn't be performed because " \
		      "object '%s' couldn't be found on 'graphsim'."

/* Folders every mailbox has, so an empty ACL is not a missing folder. */
static const char *const known_folders[] = {
	"", "Inbox", "Calendar", "Contacts", "Sent Items", "Deleted Items",
	"Drafts", "Junk Email", "Archive", "Tasks", "Notes",
};

/* "mailbox:\Folder\Sub": the mailbox and "Folder\Sub"; NULL on error. */
static yyjson_mut_val *
folder_target(const char **folder, struct exo *x)
{
	const char *id = yyjson_get_str(exo_param(x, "Identity")), *sep;
	char *box;
	yyjson_mut_val *m;

	if (!id) {
		exo_error(x, 400, T_BINDING, "Cannot bind argument to "
			  "parameter 'Identity' because it is null or "
			  "missing.");
		return NULL;
	}
	sep = strstr(id, ":\\");
	box = sep ? xstrndup(id, (size_t)(sep - id)) : xstrdup(id);
	*folder = sep ? sep + 2 : "";
	m = gs_mailbox_find(&x->gs->state, box);
	free(box);
	if (!m)
		exo_error(x, 404, T_NOT_FOUND, NOT_FOUND_FMT, id);
	return m;
}

static bool
folder_exists(yyjson_mut_val *acl, const char *folder)
{
	yyjson_mut_arr_iter it = yyjson_mut_arr_iter_with(acl);
	yyjson_mut_val *e;

	for (size_t i = 0; i < IR_ARRAY_SIZE(known_folders); i++)
		if (gs_str_eq_ci(known_folders[i], folder))
			return true;
	while ((e = yyjson_mut_arr_iter_next(&it)))
		if (gs_str_eq_ci(exo_str(e, "FolderPath"), folder))
			return true;
	return false;
}

static void
folder_row(struct exo *x, yyjson_mut_val *mbx, yyjson_mut_val *ace)
{
	const char *path = exo_str(ace, "FolderPath");
	const char *name = strrchr(path, '\\');
	yyjson_mut_val *row = yyjson_mut_obj(x->doc), *k;
	yyjson_mut_obj_iter it = yyjson_mut_obj_iter_with(ace);
	struct ir_buf id = IR_BUF_INIT;

	ir_buf_addf(&id, "%s:\\%s", exo_str(mbx, "Alias"), path);
	yyjson_mut_obj_add_strcpy(x->doc, row, "Identity", id.buf);
	yyjson_mut_obj_add_strcpy(x->doc, row, "FolderName",
				  name ? name + 1 : *path ? path :
				  "Top of Information Store");
	while ((k = yyjson_mut_obj_iter_next(&it)))
		if (strcmp(yyjson_mut_get_str(k), "FolderPath"))
			exo_add_annotated(x->doc, row, yyjson_mut_get_str(k),
					  yyjson_mut_obj_iter_get_val(k));
	yyjson_mut_obj_add_true(x->doc, row, "IsValid");
	yyjson_mut_arr_append(x->value, row);
	ir_buf_release(&id);
}

void
exo_get_folder_permission(struct exo *x)
{
	const char *folder, *user = yyjson_get_str(exo_param(x, "User"));
	yyjson_mut_val *m = folder_target(&folder, x), *acl, *e;
	yyjson_mut_arr_iter it;

	if (!m)
		return;
	acl = yyjson_mut_obj_get(m, "folderPermissions");
	if (!folder_exists(acl, folder)) {
		exo_error(x, 404, T_NOT_FOUND, NOT_FOUND_FMT,
			  yyjson_get_str(exo_param(x, "Identity")));
		return;
	}
	it = yyjson_mut_arr_iter_with(acl);
	while ((e = yyjson_mut_arr_iter_next(&it)))
		if (gs_str_eq_ci(exo_str(e, "FolderPath"), folder) &&
		    (!user || gs_str_eq_ci(exo_str(e, "User"), user)))
			folder_row(x, m, e);
}

void
exo_remove_folder_permission(struct exo *x)
{
	const char *folder, *user = yyjson_get_str(exo_param(x, "User"));
	yyjson_mut_val *m = folder_target(&folder, x), *acl, *e;

	if (!m)
		return;
	if (!user) {
		exo_error(x, 400, T_BINDING, "Cannot bind argument to "
			  "parameter 'User' because it is null or missing.");
		return;
	}
	acl = yyjson_mut_obj_get(m, "folderPermissions");
	for (size_t i = 0; i < yyjson_mut_arr_size(acl); i++) {
		e = yyjson_mut_arr_get(acl, i);
		if (gs_str_eq_ci(exo_str(e, "FolderPath"), folder) &&
		    gs_str_eq_ci(exo_str(e, "User"), user)) {
			yyjson_mut_arr_remove(acl, i);
			return;
		}
	}
	exo_error(x, 400, T_NO_ACE, "There is no existing permission entry "
		  "found for user: %s.", user);
}

static yyjson_mut_val *
root_get(struct exo *x, const char *key)
{
	return yyjson_mut_obj_get(yyjson_mut_doc_get_root(x->gs->state.doc),
				  key);
}

static bool
named(yyjson_mut_val *o, const char *key)
{
	return gs_str_eq_ci(exo_str(o, "Identity"), key) ||
	       gs_str_eq_ci(exo_str(o, "Name"), key) ||
	       gs_str_eq_ci(exo_str(o, "Guid"), key);
}

void
exo_get_transport_rule(struct exo *x)
{
	const char *id = yyjson_get_str(exo_param(x, "Identity"));
	const char *state = yyjson_get_str(exo_param(x, "State"));
	yyjson_mut_arr_iter it = yyjson_mut_arr_iter_with(
		root_get(x, "transportRules"));
	yyjson_mut_val *r;

	while ((r = yyjson_mut_arr_iter_next(&it))) {
		if ((id && !named(r, id)) ||
		    (state && !gs_str_eq_ci(exo_str(r, "State"), state)))
			continue;
		yyjson_mut_arr_append(x->value, exo_row(x, r, NULL, 0));
	}
	if (id && !yyjson_mut_arr_size(x->value))
		exo_error(x, 404, T_NOT_FOUND, NOT_FOUND_FMT, id);
}

/* The configuration object `key` over its defaults, as one row. */
static void
config_row(struct exo *x, const char *key, const char *defaults)
{
	yyjson_doc *d = yyjson_read(defaults, strlen(defaults), 0);
	yyjson_mut_doc *tmp = yyjson_mut_doc_new(NULL);
	yyjson_mut_val *o = gs_dir_overlay(tmp, yyjson_doc_get_root(d),
					   root_get(x, key), NULL);

	if (!yyjson_mut_obj_get(o, "Identity"))
		yyjson_mut_obj_add_strcpy(tmp, o, "Identity",
					  x->req->params[0]);
	yyjson_mut_arr_append(x->value, exo_row(x, o, NULL, 0));
	yyjson_mut_doc_free(tmp);
	yyjson_doc_free(d);
}

/* Set the boolean parameter `prop` on object `key`, made when missing. */
static void
config_set(struct exo *x, const char *key, const char *prop)
{
	yyjson_mut_doc *st = x->gs->state.doc;
	yyjson_mut_val *o = root_get(x, key);
	yyjson_val *v = exo_param(x, prop);
	bool b;

	if (!v)
		return;
	if (!exo_want_bool(&b, x, prop))
		return;
	if (!yyjson_mut_is_obj(o)) {
		o = yyjson_mut_obj(st);
		yyjson_mut_obj_put(yyjson_mut_doc_get_root(st),
				   yyjson_mut_strcpy(st, key), o);
	}
	yyjson_mut_obj_put(o, yyjson_mut_strcpy(st, prop),
			   yyjson_mut_bool(st, b));
}

#define AUDIT_DEFAULTS "{\"Identity\":\"Admin Audit Log Settings\"," \
	"\"Name\":\"Admin Audit Log Settings\",\"AdminAuditLogEnabled\":" \
	"true,\"UnifiedAuditLogIngestionEnabled\":true}"
#define ORG_DEFAULTS "{\"AuditDisabled\":false}"

void
exo_get_admin_audit_log_config(struct exo *x)
{
	config_row(x, "adminAuditLogConfig", AUDIT_DEFAULTS);
}

void
exo_set_admin_audit_log_config(struct exo *x)
{
	config_set(x, "adminAuditLogConfig",
		   "UnifiedAuditLogIngestionEnabled");
	if (!x->failed)
		config_set(x, "adminAuditLogConfig", "AdminAuditLogEnabled");
}

void
exo_get_organization_config(struct exo *x)
{
	config_row(x, "organizationConfig", ORG_DEFAULTS);
}

void
exo_set_organization_config(struct exo *x)
{
	config_set(x, "organizationConfig", "AuditDisabled");
}

/* The association for the account `id`, or NULL; index in *idx. */
static yyjson_mut_val *
bypass_find(struct exo *x, const char *id)
{
	yyjson_mut_arr_iter it = yyjson_mut_arr_iter_with(
		root_get(x, "mailboxAuditBypassAssociations"));
	yyjson_mut_val *a, *m = gs_mailbox_find(&x->gs->state, id);

	while ((a = yyjson_mut_arr_iter_next(&it)))
		if (named(a, id) || (m && named(a, exo_str(m, "Alias"))))
			return a;
	return NULL;
}

void
exo_get_bypass(struct exo *x)
{
	const char *id = yyjson_get_str(exo_param(x, "Identity"));
	yyjson_mut_arr_iter it = yyjson_mut_arr_iter_with(
		root_get(x, "mailboxAuditBypassAssociations"));
	yyjson_mut_val *a, *m, *row;

	if (!id) {
		while ((a = yyjson_mut_arr_iter_next(&it)))
			yyjson_mut_arr_append(x->value,
					      exo_row(x, a, NULL, 0));
		return;
	}
	a = bypass_find(x, id);
	if (a) {
		yyjson_mut_arr_append(x->value, exo_row(x, a, NULL, 0));
		return;
	}
	m = exo_want_mailbox(x, "Identity");
	if (!m)
		return;
	/* Every account has an association; off unless the fixture says. */
	row = yyjson_mut_obj(x->doc);
	yyjson_mut_obj_add_strcpy(x->doc, row, "Identity",
				  exo_str(m, "Alias"));
	yyjson_mut_obj_add_strcpy(x->doc, row, "Name", exo_str(m, "Alias"));
	yyjson_mut_obj_add_false(x->doc, row, "AuditBypassEnabled");
	yyjson_mut_arr_append(x->value, row);
}

void
exo_set_bypass(struct exo *x)
{
	yyjson_mut_doc *st = x->gs->state.doc;
	const char *id = yyjson_get_str(exo_param(x, "Identity"));
	yyjson_mut_val *a = id ? bypass_find(x, id) : NULL, *m, *arr;
	bool on;

	if (!exo_want_bool(&on, x, "AuditBypassEnabled"))
		return;
	if (!a) {
		m = exo_want_mailbox(x, "Identity");
		if (!m)
			return;
		arr = root_get(x, "mailboxAuditBypassAssociations");
		if (!yyjson_mut_is_arr(arr)) {
			arr = yyjson_mut_arr(st);
			yyjson_mut_obj_put(yyjson_mut_doc_get_root(st),
					   yyjson_mut_str(st,
					"mailboxAuditBypassAssociations"), arr);
		}
		a = yyjson_mut_obj(st);
		yyjson_mut_obj_add_strcpy(st, a, "Identity",
					  exo_str(m, "Alias"));
		yyjson_mut_obj_add_strcpy(st, a, "Name", exo_str(m, "Alias"));
		yyjson_mut_arr_append(arr, a);
	}
	yyjson_mut_obj_put(a, yyjson_mut_str(st, "AuditBypassEnabled"),
			   yyjson_mut_bool(st, on));
}
