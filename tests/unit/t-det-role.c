/* SPDX-License-Identifier: MIT */
/*
 * t-det-role.c - unit tests of the role-assignment detection
 * (src/detect/det-role-assignment.c).
 *
 * Events are built directly as struct ir_event values with struct ir_param
 * arrays, so these tests do not depend on any reader; where the detection
 * reads the record itself (targetResources, the UAL Target list) the raw
 * JSON is parsed from a literal. The goldens in tests/detect/role-assignment/
 * cover the path from real-shaped records.
 */
#include "tests/unit/test.h"

#include "detect/detect.h"

#define MAXP 8
#define GA_TEMPLATE "62e90394-69f5-4237-9190-012177145e10"

struct tev {
	struct ir_event ev;
	struct ir_param p[MAXP];
	struct ir_str items[MAXP];
	char joined[256];
	yyjson_doc *doc;
};

static void
ev_init(struct tev *e, uint64_t rec, const char *op, const char *actor,
	const char *object)
{
	memset(e, 0, sizeof(*e));
	e->ev.file = "t.jsonl";
	e->ev.record = rec;
	e->ev.operation = op;
	e->ev.user = actor;
	e->ev.object = object;
	e->ev.result = "Success";
	e->ev.client_ip = "203.0.113.5";
	e->ev.client_port = -1;
	e->ev.params = e->p;
	assert_int_equal(ir_time_parse(&e->ev.time, "2024-05-06T08:00:00Z", 20,
				       NULL, 0, NULL),
			 0);
	e->ev.has_time = true;
}

static void
ev_param(struct tev *e, const char *name, const char *value)
{
	struct ir_param *p = &e->p[e->ev.nparams++];

	assert_true(e->ev.nparams <= MAXP);
	p->name = name;
	p->value.ptr = value;
	p->value.len = strlen(value);
}

/*
 * A list parameter of two items, as the readers make of a JSON array: the
 * value is the items joined with ";" (event.h).
 */
static void
ev_list2(struct tev *e, const char *name, const char *a, const char *b)
{
	struct ir_param *p = &e->p[e->ev.nparams++];

	p->name = name;
	p->is_list = true;
	p->items = e->items;
	p->nitems = 2;
	e->items[0].ptr = a;
	e->items[0].len = strlen(a);
	e->items[1].ptr = b;
	e->items[1].len = strlen(b);
	snprintf(e->joined, sizeof(e->joined), "%s;%s", a, b);
	p->value.ptr = e->joined;
	p->value.len = strlen(e->joined);
}

static void
ev_raw(struct tev *e, const char *json)
{
	e->doc = yyjson_read(json, strlen(json), 0);
	assert_non_null(e->doc);
	e->ev.raw = yyjson_doc_get_root(e->doc);
}

static void
run(struct ir_findings *f, struct tev *evs, size_t n)
{
	struct ir_detect_ctx ctx = {0};
	const struct ir_detection *det = &ir_det_role_assignment;
	void *state = det->start(&ctx);

	for (size_t i = 0; i < n; i++)
		det->event(state, &evs[i].ev, f);
	if (det->finish)
		det->finish(state, f);
	if (det->free)
		det->free(state);
	for (size_t i = 0; i < n; i++)
		yyjson_doc_free(evs[i].doc);
	ir_findings_sort(f);
}

static const struct ir_finding *
find(const struct ir_findings *f, const char *user, const char *key)
{
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->v[i]->user, user) && f->v[i]->key &&
		    !strcmp(f->v[i]->key, key))
			return f->v[i];
	return NULL;
}

/* An Entra "Add member to role." with the UAL's Role.* properties. */
static void
ual_add(struct tev *e, uint64_t rec, const char *object, const char *role,
	const char *template_id)
{
	ev_init(e, rec, "Add member to role.", "stinger@contoso.com", object);
	ev_param(e, "Role.DisplayName", role);
	ev_param(e, "Role.TemplateId", template_id);
}

static void
test_det_role__ual_global_admin(void **state)
{
	struct ir_findings f = IR_FINDINGS_INIT;
	struct tev e[1];
	const struct ir_finding *fd;

	ual_add(&e[0], 1, "Megan@Contoso.com", "Company Administrator",
		GA_TEMPLATE);
	run(&f, e, 1);
	assert_int_equal(f.n, 1);
	fd = find(&f, "megan@contoso.com", "Global Administrator");
	assert_non_null(fd);
	assert_int_equal(fd->severity, IR_SEV_CRITICAL);
	assert_string_equal(fd->remediation, "m365ir remediate "
					     "megan@contoso.com --steps "
					     "sessions-and-password");
	assert_non_null(strstr(fd->summary,
			       "megan@contoso.com was made Global "
			       "Administrator by stinger@contoso.com at "
			       "2024-05-06T08:00:00Z (from 203.0.113.5): if "
			       "this was not planned, an attacker holds the "
			       "tenant"));
	ir_findings_release(&f);
}

/*
 * The role is known by template id when the name is not a built-in one,
 * and by name when the id is not (anonymised exports change ids).
 */
static void
test_det_role__template_or_name(void **state)
{
	struct ir_findings f = IR_FINDINGS_INIT;
	struct tev e[3];

	ual_add(&e[0], 1, "a@contoso.com", "",
		"e8611ab8-c189-46e8-94e1-60213ab1f814");
	ual_add(&e[1], 2, "b@contoso.com", "Global Administrator",
		"ad1cbca4-efcc-4149-b4a2-aeb40412fe48");
	ual_add(&e[2], 3, "c@contoso.com", "Reports Reader",
		"4a5d8f65-41da-4de4-8968-e035b65339cf");
	run(&f, e, 3);
	assert_int_equal(f.n, 3);
	assert_int_equal(find(&f, "a@contoso.com",
			      "Privileged Role Administrator")
				 ->severity,
			 IR_SEV_CRITICAL);
	assert_int_equal(
		find(&f, "b@contoso.com", "Global Administrator")->severity,
		IR_SEV_CRITICAL);
	assert_int_equal(find(&f, "c@contoso.com", "Reports Reader")->severity,
			 IR_SEV_LOW);
	ir_findings_release(&f);
}

/* High roles; a guest raises one level, and never past critical. */
static void
test_det_role__levels_and_guest(void **state)
{
	struct ir_findings f = IR_FINDINGS_INIT;
	struct tev e[4];
	const char *guest = "mallory_fabrikam.com#EXT#@contoso.onmicrosoft.com";
	const char *lguest =
		"mallory_fabrikam.com#ext#@contoso.onmicrosoft.com";

	ual_add(&e[0], 1, "a@contoso.com", "Exchange Service Administrator",
		"");
	ual_add(&e[1], 2, guest, "Helpdesk Administrator", "");
	ual_add(&e[2], 3, guest, "Message Center Reader", "");
	ual_add(&e[3], 4, guest, "Company Administrator", GA_TEMPLATE);
	run(&f, e, 4);
	assert_int_equal(f.n, 4);
	assert_int_equal(
		find(&f, "a@contoso.com", "Exchange Administrator")->severity,
		IR_SEV_HIGH);
	assert_int_equal(find(&f, lguest, "Helpdesk Administrator")->severity,
			 IR_SEV_CRITICAL);
	assert_int_equal(find(&f, lguest, "Message Center Reader")->severity,
			 IR_SEV_MEDIUM);
	assert_int_equal(find(&f, lguest, "Global Administrator")->severity,
			 IR_SEV_CRITICAL);
	assert_non_null(
		strstr(find(&f, lguest, "Helpdesk Administrator")->summary,
		       "(a guest)"));
	ir_findings_release(&f);
}

/* Graph directoryAudit: a service principal named in targetResources. */
static void
test_det_role__graph_service_principal(void **state)
{
	struct ir_findings f = IR_FINDINGS_INIT;
	struct tev e[1];
	const struct ir_finding *fd;

	ev_init(&e[0], 1, "Add member to role", "stinger@contoso.com",
		"Contoso Reporting");
	ev_param(&e[0], "Role.DisplayName", "Application Administrator");
	ev_raw(&e[0], "{\"targetResources\": [{\"type\": "
		      "\"ServicePrincipal\", \"displayName\": \"Contoso "
		      "Reporting\", \"id\": \"5b3b0c3e\"}]}");
	run(&f, e, 1);
	assert_int_equal(f.n, 1);
	fd = find(&f, "Contoso Reporting", "Application Administrator");
	assert_non_null(fd);
	assert_int_equal(fd->severity, IR_SEV_CRITICAL);
	assert_null(fd->remediation);
	assert_non_null(strstr(fd->summary, "(an app's service principal)"));
	ir_findings_release(&f);
}

/* The unified audit log marks a service principal in its Target list. */
static void
test_det_role__ual_service_principal(void **state)
{
	struct ir_findings f = IR_FINDINGS_INIT;
	struct tev e[1];

	ual_add(&e[0], 1, "Contoso Backup Sync", "Reports Reader", "");
	ev_raw(&e[0], "{\"Target\": [{\"ID\": \"ServicePrincipal_5b3b\", "
		      "\"Type\": 2}, {\"ID\": \"Contoso Backup Sync\", "
		      "\"Type\": 1}]}");
	run(&f, e, 1);
	assert_int_equal(f.n, 1);
	assert_int_equal(
		find(&f, "Contoso Backup Sync", "Reports Reader")->severity,
		IR_SEV_MEDIUM);
	assert_null(f.v[0]->remediation);
	ir_findings_release(&f);
}

static const char pim_targets[] =
	"{\"properties\": {\"targetResources\": ["
	"{\"type\": \"Role\", \"displayName\": \"Global Administrator\"},"
	"{\"type\": \"Request\", \"id\": \"r1\"},"
	"{\"type\": \"User\", \"displayName\": \"Adele Vance\","
	" \"userPrincipalName\": \"Adele@contoso.com\"}]}}";

/*
 * PIM: eligibility (requested and completed fold into one finding), and
 * an activation of an eligible role, which is not a new grant.
 */
static void
test_det_role__pim(void **state)
{
	struct ir_findings f = IR_FINDINGS_INIT;
	struct tev e[3];
	const struct ir_finding *fd;

	ev_init(&e[0], 1,
		"Add eligible member to role in PIM requested (timebound)",
		"stinger@contoso.com", "Global Administrator");
	ev_raw(&e[0], pim_targets);
	ev_init(&e[1], 2,
		"Add eligible member to role in PIM completed (timebound)",
		"stinger@contoso.com", "Global Administrator");
	ev_raw(&e[1], pim_targets);
	ev_init(&e[2], 3, "Add member to role completed (PIM activation)",
		"adele@contoso.com", "Global Administrator");
	ev_raw(&e[2], pim_targets);
	run(&f, e, 3);
	assert_int_equal(f.n, 1);
	fd = find(&f, "adele@contoso.com", "Global Administrator");
	assert_non_null(fd);
	assert_int_equal(fd->count, 2);
	assert_int_equal(fd->severity, IR_SEV_CRITICAL);
	assert_non_null(strstr(fd->summary, "was made eligible for Global "
					    "Administrator"));
	ir_findings_release(&f);
}

/* Removals and failures are not grants. */
static void
test_det_role__not_grants(void **state)
{
	struct ir_findings f = IR_FINDINGS_INIT;
	struct tev e[4];

	ual_add(&e[0], 1, "megan@contoso.com", "Company Administrator",
		GA_TEMPLATE);
	e[0].ev.operation = "Remove member from role.";
	ual_add(&e[1], 2, "megan@contoso.com", "Company Administrator",
		GA_TEMPLATE);
	e[1].ev.result = "Failure";
	ev_init(&e[2], 3, "New-ManagementRoleAssignment", "stinger@contoso.com",
		NULL);
	ev_param(&e[2], "Role", "ApplicationImpersonation");
	ev_param(&e[2], "User", "svc@contoso.com");
	e[2].ev.result = "False";
	ev_init(&e[3], 4,
		"Remove eligible member from role in PIM completed "
		"(permanent)",
		"stinger@contoso.com", "Global Administrator");
	run(&f, e, 4);
	assert_int_equal(f.n, 0);
	ir_findings_release(&f);
}

/*
 * Exchange: a role group made with ApplicationImpersonation is remembered,
 * so a member added later (by its distinguished name, another case) is
 * reported; a GUID member is taken as an app. Other groups are not.
 */
static void
test_det_role__exchange_custom_group(void **state)
{
	struct ir_findings f = IR_FINDINGS_INIT;
	struct tev e[4];
	const char *app = "2d6a3c6e-8a1f-4f0e-9b7b-3c2d1e0f9a8b";
	const struct ir_finding *fd;

	ev_init(&e[0], 1, "New-RoleGroup", "stinger@contoso.com", NULL);
	ev_param(&e[0], "Name", "Sync Impersonation");
	ev_list2(&e[0], "Roles", "\"Mail Recipients\"",
		 "\"ApplicationImpersonation\"");
	ev_init(&e[1], 2, "Add-RoleGroupMember", "stinger@contoso.com", NULL);
	ev_param(&e[1], "Identity",
		 "NAMPR01A001.PROD.OUTLOOK.COM/Microsoft "
		 "Exchange Hosted Organizations/"
		 "contoso.onmicrosoft.com/SYNC "
		 "impersonation");
	ev_param(&e[1], "Member", app);
	ev_init(&e[2], 3, "Add-RoleGroupMember", "stinger@contoso.com", NULL);
	ev_param(&e[2], "Identity", "Help Desk");
	ev_param(&e[2], "Member", "bob@contoso.com");
	ev_init(&e[3], 4, "Add-RoleGroupMember",
		"NT AUTHORITY\\SYSTEM (Microsoft.Exchange.ServiceHost)", NULL);
	ev_param(&e[3], "Identity", "Organization Management");
	ev_param(&e[3], "Member", "bob@contoso.com");
	run(&f, e, 4);
	assert_int_equal(f.n, 1);
	fd = find(&f, app, "ApplicationImpersonation");
	assert_non_null(fd);
	assert_int_equal(fd->severity, IR_SEV_CRITICAL);
	assert_null(fd->remediation);
	assert_non_null(strstr(fd->summary, "Remove-RoleGroupMember"));
	ir_findings_release(&f);
}

/* Built-in role groups; Update-RoleGroupMember's @{Add=} and @{Remove=}. */
static void
test_det_role__exchange_role_groups(void **state)
{
	struct ir_findings f = IR_FINDINGS_INIT;
	struct tev e[3];
	const struct ir_finding *fd;

	ev_init(&e[0], 1, "Update-RoleGroupMember", "stinger@contoso.com",
		NULL);
	ev_param(&e[0], "Identity", "Organization Management");
	ev_param(&e[0], "Members", "@{Remove=\"old@contoso.com\"}");
	ev_init(&e[1], 2, "Update-RoleGroupMember", "stinger@contoso.com",
		NULL);
	ev_param(&e[1], "Identity", "Discovery Management");
	ev_param(&e[1], "Members", "@{Add=\"Eve@contoso.com\"}");
	ev_init(&e[2], 3, "New-ManagementRoleAssignment", "stinger@contoso.com",
		NULL);
	ev_param(&e[2], "Role", "Mailbox Import Export");
	ev_param(&e[2], "User", "svc@contoso.com");
	run(&f, e, 3);
	assert_int_equal(f.n, 2);
	fd = find(&f, "eve@contoso.com", "Discovery Management");
	assert_non_null(fd);
	assert_int_equal(fd->severity, IR_SEV_HIGH);
	assert_string_equal(fd->remediation, "m365ir remediate eve@contoso.com "
					     "--steps sessions-and-password");
	fd = find(&f, "svc@contoso.com", "Mailbox Import Export");
	assert_non_null(fd);
	assert_int_equal(fd->severity, IR_SEV_HIGH);
	assert_non_null(strstr(fd->summary, "Remove-ManagementRoleAssignment"));
	ir_findings_release(&f);
}

/* Each member of a new role group is its own finding. */
static void
test_det_role__exchange_members_list(void **state)
{
	struct ir_findings f = IR_FINDINGS_INIT;
	struct tev e[1];

	ev_init(&e[0], 1, "New-RoleGroup", "stinger@contoso.com", NULL);
	ev_param(&e[0], "Name", "Impersonators");
	ev_param(&e[0], "Roles", "ApplicationImpersonation");
	ev_list2(&e[0], "Members", "a@contoso.com", "b@contoso.com");
	run(&f, e, 1);
	assert_int_equal(f.n, 2);
	assert_non_null(find(&f, "a@contoso.com", "ApplicationImpersonation"));
	assert_non_null(find(&f, "b@contoso.com", "ApplicationImpersonation"));
	ir_findings_release(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_det_role__ual_global_admin),
		cmocka_unit_test(test_det_role__template_or_name),
		cmocka_unit_test(test_det_role__levels_and_guest),
		cmocka_unit_test(test_det_role__graph_service_principal),
		cmocka_unit_test(test_det_role__ual_service_principal),
		cmocka_unit_test(test_det_role__pim),
		cmocka_unit_test(test_det_role__not_grants),
		cmocka_unit_test(test_det_role__exchange_custom_group),
		cmocka_unit_test(test_det_role__exchange_role_groups),
		cmocka_unit_test(test_det_role__exchange_members_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
