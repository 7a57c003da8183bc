/* SPDX-License-Identifier: MIT */
/*
 * event.h - the normalized event: one shape for every record of every log
 * format m365ir reads (DESIGN.md, "Normalized event").
 *
 * Readers (logs.h) turn each record of an export into a `struct ir_event`;
 * detections and reports only ever see this. The JSON form written by
 * `m365ir events` and ir_event_write_json() is a public contract:
 *
 *   time         RFC 3339 UTC with Z, or null
 *   source       format name (see "Source names" below)
 *   file         path as given on the command line ("-" for stdin)
 *   record       1-based record number within that file
 *   id           the record's own id (UAL Id, Graph id, RecordId), or null
 *   workload     Exchange, AzureActiveDirectory, SharePoint, ... or null
 *   record_type  name, never a number (15 -> AzureActiveDirectoryStsLogon)
 *   operation    New-InboxRule, UserLoggedIn, Add member to role., ...
 *   user         lower-case UPN; the raw actor when it is not a UPN
 *   client_ip    address only (see util/ip.h), or null
 *   client_port  integer or null
 *   result       as the source spells it (Succeeded, Success, Failed ...)
 *   params       flat object, see below
 *   object       the thing acted on (ObjectId, target), or null
 * Fields the source lacks are null, never invented.
 *
 * Params: `Parameters`, `ExtendedProperties`, `ModifiedProperties` (NewValue;
 * OldValue as "<Name>.OldValue"), `OperationProperties`,
 * `AdditionalDetails` and Graph `additionalDetails` / `modifiedProperties`
 * arrive as Name/Value arrays, as PowerShell parameter strings
 * (`-Identity "x" -Types ("A","B")`) or as JSON inside a string; all become
 * one flat list of name -> value. A value is a string, or a list of strings
 * (`is_list`). When the source was a PowerShell string it is also kept whole
 * under the name "_raw". Names keep their source spelling; look them up
 * with ir_event_param(), which ignores case as PowerShell does.
 *
 * Sign-in records (UAL UserLoggedIn/UserLoginFailed, Entra sign-in logs in
 * every shape) carry these canonical params when the source has them, so
 * detections need not know the source: ErrorCode ("0" = success),
 * FailureReason, Country (ISO 3166 alpha-2), City, State, Latitude,
 * Longitude, ClientApp (clientAppUsed), UserAgent, App, AppId, RiskLevel.
 * Entra sign-ins get operation "Sign-in activity" (the name Entra's own
 * exports use), and result "Success" or "Failure" from the error code.
 *
 * Lifetime: every pointer in an event is borrowed from the reader that
 * produced it and is valid until the next ir_reader_next() or
 * ir_reader_free(). Keep what you need by copying (findings do).
 */
#ifndef IR_EVENT_H
#define IR_EVENT_H

#include "util/compat.h"

#include <yyjson.h>

#include "util/buf.h"
#include "util/time.h"

/* Bytes that may contain NUL (inbox-rule names can be "\0"). */
struct ir_str {
	const char *ptr;
	size_t len;
};

struct ir_param {
	const char *name;     /* NUL-terminated */
	struct ir_str value;  /* for a list: the items joined with ";" */
	struct ir_str *items; /* list items, when is_list */
	size_t nitems;
	bool is_list;
};

struct ir_event {
	struct ir_time time;
	bool has_time;
	const char *source;
	const char *file;
	uint64_t record;
	const char *id;
	const char *workload;
	const char *record_type;
	const char *operation;
	const char *user;
	const char *client_ip;
	int client_port; /* -1: none */
	const char *result;
	const char *object;
	const struct ir_param *params;
	size_t nparams;
	/*
	 * The record's JSON object as read (the inner AuditData for CSV and
	 * PowerShell wrappers; a CSV row's columns otherwise), for the rare
	 * detection that needs a field the normalized form does not carry.
	 * Prefer the fields above.
	 */
	yyjson_val *raw;
};

/*
 * Source names, the `source` field. One per layout m365ir recognises; the
 * docs/formats.md page describes each.
 */
/* RecordId,CreationDate,RecordType,Operation,UserId,AuditData,... */
#define IR_SRC_PURVIEW_CSV "purview-csv"
/* Search-UnifiedAuditLog | Export-Csv */
#define IR_SRC_PS_CSV "ps-csv"
/* Management Activity API records, AuditData objects */
#define IR_SRC_UAL_JSON "ual-json"
/* PowerShell ConvertTo-Json of Search-UnifiedAuditLog objects */
#define IR_SRC_PS_JSON "ps-json"
/* Graph security/auditLog/queries/{id}/records */
#define IR_SRC_GRAPH_AUDIT "graph-auditlog"
#define IR_SRC_GRAPH_SIGNIN "graph-signin"
#define IR_SRC_GRAPH_DIRAUDIT "graph-directoryaudit"
/* diagnostic settings / Event Hub: {time, category, properties: {...}} */
#define IR_SRC_EVENTHUB "eventhub"
/* Log Analytics tables, exported as CSV or JSON */
#define IR_SRC_LA_SIGNIN "la-signinlogs"
#define IR_SRC_LA_AUDIT "la-auditlogs"
#define IR_SRC_LA_OFFICE "la-officeactivity"

/* The parameter `name` (case-insensitive), or NULL. */
const struct ir_param *ir_event_param(const struct ir_event *ev,
				      const char *name);

/* The scalar value of parameter `name` as (ptr,len), or NULL if absent. */
const struct ir_str *ir_event_param_str(const struct ir_event *ev,
					const char *name);

/* True when the record reports a failure (result or a non-zero ErrorCode). */
bool ir_event_failed(const struct ir_event *ev);

/*
 * Append the event's JSON form (the contract above, keys in that order, no
 * trailing newline) to `out`.
 */
void ir_event_write_json(struct ir_buf *out, const struct ir_event *ev);

/* Case-insensitive equality of (ptr,len) with a C string. */
bool ir_str_eq_ci(struct ir_str s, const char *lit);

#endif
