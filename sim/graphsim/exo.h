/* SPDX-License-Identifier: MIT */
/*
 * exo.h - what the InvokeCommand files share (exo.c, exo-config.c,
 * exo-search.c): the running command, its parameters and answer, and the
 * cmdlets that live outside exo.c. Private to graphsim's Exchange part;
 * graphsim.h has the handler.
 */
#ifndef GS_EXO_H
#define GS_EXO_H

#include "sim/graphsim/graphsim.h"

#define T_NOT_FOUND \
	"Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException"
#define T_BINDING \
	"System.Management.Automation.ParameterBindingException"
#define T_NO_CMDLET "System.Management.Automation.CommandNotFoundException"
#define T_ARGUMENT "System.ArgumentException"

struct exo {
	struct gs_server *gs;
	struct gs_req *req;
	struct gs_resp *resp;
	yyjson_val *params;	/* the request's Parameters object */
	yyjson_mut_doc *doc;	/* the answer */
	yyjson_mut_val *value, *warnings;
	bool failed;
};

/* The error answer (exo.c's design comment has the shape). */
void exo_error(struct exo *x, unsigned status, const char *type,
	       const char *fmt, ...) IR_PRINTF(4, 5);
/* A parameter by name, case-insensitive; NULL when not given. */
yyjson_val *exo_param(const struct exo *x, const char *name);
/* The string `key` of `obj`, or "". */
const char *exo_str(yyjson_mut_val *obj, const char *key);
/* The mailbox a string parameter names, or NULL after a 404/400. */
yyjson_mut_val *exo_want_mailbox(struct exo *x, const char *name);
void exo_warn(struct exo *x, const char *msg);
/* Add `key`: a copy of `v` to `row`, with the capture's annotations. */
void exo_add_annotated(yyjson_mut_doc *doc, yyjson_mut_val *row,
		       const char *key, yyjson_mut_val *v);
/* A row that copies every key of `obj` (annotated) but those in `skip`. */
yyjson_mut_val *exo_row(struct exo *x, yyjson_mut_val *obj,
			const char *const *skip, size_t nskip);
/* A required parameter of JSON type bool; false after a 400. */
bool exo_want_bool(bool *out, struct exo *x, const char *name);
/* `simulator.<name>` of the fixture when a positive integer, else `def`. */
size_t exo_knob(struct exo *x, const char *name, size_t def);

/* exo-config.c */
void exo_get_folder_permission(struct exo *x);
void exo_remove_folder_permission(struct exo *x);
void exo_get_transport_rule(struct exo *x);
void exo_get_admin_audit_log_config(struct exo *x);
void exo_set_admin_audit_log_config(struct exo *x);
void exo_get_organization_config(struct exo *x);
void exo_set_organization_config(struct exo *x);
void exo_get_bypass(struct exo *x);
void exo_set_bypass(struct exo *x);

/* exo-search.c */
void exo_search_ual(struct exo *x);

#endif
