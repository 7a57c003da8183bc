/* SPDX-License-Identifier: MIT */
/*
 * t-det-tools.c - unit tests of the attack-tool and mass-deletion
 * detections.
 *
 * Events are built directly as struct ir_event values with struct ir_param
 * arrays (as in t-det-identity.c), so these tests do not depend on any
 * reader; the goldens in tests/detect/attack-tool/ and
 * tests/detect/mass-deletion/ cover the path from real-shaped JSON.
 */
#include "tests/unit/test.h"

#include "detect/detect.h"

#define MAXP 6
#define MAXEV 40

struct tev {
	struct ir_event ev;
	struct ir_param p[MAXP];
};

static struct tev evs[MAXEV];

static struct ir_time
t_at(const char *s)
{
	struct ir_time t;

	assert_int_equal(ir_time_parse(&t, s, strlen(s), NULL, 0, NULL), 0);
	return t;
}

static struct tev *
ev_init(size_t i, const char *time, const char *op, const char *user)
{
	struct tev *e = &evs[i];

	assert_true(i < MAXEV);
	memset(e, 0, sizeof(*e));
	e->ev.file = "t.jsonl";
	e->ev.record = i + 1;
	e->ev.operation = op;
	e->ev.user = user;
	e->ev.client_ip = "203.0.113.9";
	e->ev.client_port = -1;
	e->ev.params = e->p;
	e->ev.time = t_at(time);
	e->ev.has_time = true;
	return e;
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

/* An Entra sign-in with the canonical params. */
static struct tev *
signin(size_t i, const char *time, const char *user, const char *code,
       const char *ua)
{
	struct tev *e = ev_init(i, time, "Sign-in activity", user);

	ev_param(e, "ErrorCode", code);
	if (ua)
		ev_param(e, "UserAgent", ua);
	return e;
}

/* Run `det` over evs[0..n), findings sorted. */
static void
run(struct ir_findings *f, const struct ir_detection *det, size_t n)
{
	struct ir_detect_ctx ctx = {0};
	void *state = det->start(&ctx);

	for (size_t i = 0; i < n; i++)
		det->event(state, &evs[i].ev, f);
	if (det->finish)
		det->finish(state, f);
	if (det->free)
		det->free(state);
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

#define WIN "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/124.0"
#define MAC "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) Safari/605"
#define LNX "Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Firefox/125"
#define AND "Mozilla/5.0 (Linux; Android 14; Pixel 8) Chrome/124.0 Mobile"
#define OUTLOOK "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook)"

/* --- attack-tool --- */

static void
test_det_tools__tool_success_is_high(void **state)
{
	struct ir_findings f = IR_FINDINGS_INIT;
	const struct ir_finding *fd;

	signin(0, "2024-05-06T10:00:05Z", "amy@contoso.com", "50126",
	       "azurehound/v2.1.7");
	signin(1, "2024-05-06T10:00:00Z", "amy@contoso.com", "0",
	       "AzureHound/v2.1.7");
	evs[1].ev.client_ip = "198.51.100.7";
	run(&f, &ir_det_attack_tool, 2);
	assert_int_equal(f.n, 1);
	fd = find(&f, "amy@contoso.com", "AzureHound");
	assert_non_null(fd);
	assert_int_equal(fd->severity, IR_SEV_HIGH);
	assert_int_equal(fd->count, 2);
	/* evidence in time order, both addresses named */
	assert_int_equal(fd->evidence[0].record, 2);
	assert_non_null(strstr(fd->summary, "198.51.100.7, 203.0.113.9"));
	assert_non_null(strstr(fd->summary, "1 succeeded"));
	assert_string_equal(fd->remediation,
			    "m365ir remediate amy@contoso.com --steps "
			    "sessions-and-password");
	ir_findings_release(&f);
}

static void
test_det_tools__tool_failed_only_is_medium(void **state)
{
	struct ir_findings f = IR_FINDINGS_INIT;
	const struct ir_finding *fd;

	/* BAV2ROPC as the client app, with no user agent */
	signin(0, "2024-05-07T03:00:00Z", "cat@contoso.com", "50126", NULL);
	ev_param(&evs[0], "ClientApp", "BAV2ROPC");
	signin(1, "2024-05-07T03:00:00Z", "dev@contoso.com", "50053",
	       "Mozilla/5.0 TeamFiltration/3.5");
	run(&f, &ir_det_attack_tool, 2);
	assert_int_equal(f.n, 2);
	fd = find(&f, "cat@contoso.com", "BAV2ROPC");
	assert_non_null(fd);
	assert_int_equal(fd->severity, IR_SEV_MEDIUM);
	assert_null(fd->remediation);
	fd = find(&f, "dev@contoso.com", "TeamFiltration");
	assert_non_null(fd);
	assert_int_equal(fd->severity, IR_SEV_MEDIUM);
	ir_findings_release(&f);
}

static void
test_det_tools__scripts_and_admin_tools(void **state)
{
	struct ir_findings f = IR_FINDINGS_INIT;
	const struct ir_finding *fd;

	signin(0, "2024-05-08T09:00:00Z", "eve@contoso.com", "0",
	       "python-requests/2.31.0");
	signin(1, "2024-05-08T09:00:00Z", "fin@contoso.com", "0", WIN);
	ev_param(&evs[1], "AppId", "04B07795-8DDB-461A-BBEE-02F9E1BF7B46");
	signin(2, "2024-05-08T09:00:00Z", "gus@contoso.com", "50126",
	       "Go-http-client/1.1");
	/* a browser, an Outlook client: nothing */
	signin(3, "2024-05-08T09:00:00Z", "hal@contoso.com", "0", WIN);
	signin(4, "2024-05-08T09:00:00Z", "hal@contoso.com", "0", OUTLOOK);
	/* not a sign-in at all */
	ev_init(5, "2024-05-08T09:00:00Z", "New-InboxRule", "ivy@contoso.com");
	ev_param(&evs[5], "UserAgent", "azurehound/2");
	run(&f, &ir_det_attack_tool, 6);
	/* gus's failed Go-http-client attempt is the spray detections' job */
	assert_int_equal(f.n, 2);
	fd = find(&f, "eve@contoso.com", "python-requests");
	assert_non_null(fd);
	assert_int_equal(fd->severity, IR_SEV_MEDIUM);
	fd = find(&f, "fin@contoso.com", "Azure CLI");
	assert_non_null(fd);
	assert_int_equal(fd->severity, IR_SEV_LOW);
	assert_null(find(&f, "gus@contoso.com", "Go-http-client"));
	ir_findings_release(&f);
}

static void
test_det_tools__user_agent_is_made_safe(void **state)
{
	struct ir_findings f = IR_FINDINGS_INIT;
	const struct ir_finding *fd;

	signin(0, "2024-05-08T09:00:00Z", "eve@contoso.com", "0",
	       "python-requests/2 \x1b[31m\xe2\x80\xae"
	       "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	       "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
	run(&f, &ir_det_attack_tool, 1);
	fd = find(&f, "eve@contoso.com", "python-requests");
	assert_non_null(fd);
	assert_null(strchr(fd->summary, '\x1b'));
	assert_null(strstr(fd->summary, "\xe2\x80\xae"));
	assert_null(strstr(fd->summary, "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
					"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
					"AAAAAAAAAAAAAAAAAAAAA"));
	ir_findings_release(&f);
}

static void
test_det_tools__mfa_sweep(void **state)
{
	struct ir_findings f = IR_FINDINGS_INIT;
	const struct ir_finding *fd;

	/* out of order; Linux was stopped by MFA (password accepted) */
	signin(0, "2024-05-09T12:04:00Z", "hal@contoso.com", "0", AND);
	signin(1, "2024-05-09T12:00:30Z", "hal@contoso.com", "0", WIN);
	signin(2, "2024-05-09T12:02:00Z", "hal@contoso.com", "50074", LNX);
	signin(3, "2024-05-09T12:01:00Z", "hal@contoso.com", "0", MAC);
	/* a bad password is not part of a sweep */
	signin(4, "2024-05-09T12:01:30Z", "ann@contoso.com", "50126", AND);
	signin(5, "2024-05-09T12:01:31Z", "ann@contoso.com", "0", WIN);
	signin(6, "2024-05-09T12:01:32Z", "ann@contoso.com", "0", MAC);
	signin(7, "2024-05-09T12:01:33Z", "ann@contoso.com", "0", LNX);
	run(&f, &ir_det_attack_tool, 8);
	assert_int_equal(f.n, 1);
	fd = find(&f, "hal@contoso.com", "MFASweep");
	assert_non_null(fd);
	assert_int_equal(fd->severity, IR_SEV_HIGH);
	assert_int_equal(fd->count, 4);
	assert_int_equal(fd->nevidence, 4);
	assert_int_equal(fd->evidence[0].record, 2);
	assert_non_null(strstr(fd->summary, "4 different platforms"));
	ir_findings_release(&f);
}

static void
test_det_tools__no_sweep_slow_or_one_pc(void **state)
{
	struct ir_findings f = IR_FINDINGS_INIT;

	/* four platforms, but 5 min 1 s from first to last */
	signin(0, "2024-05-09T12:00:00Z", "hal@contoso.com", "0", WIN);
	signin(1, "2024-05-09T12:01:00Z", "hal@contoso.com", "0", MAC);
	signin(2, "2024-05-09T12:02:00Z", "hal@contoso.com", "0", LNX);
	signin(3, "2024-05-09T12:05:01Z", "hal@contoso.com", "0", AND);
	/* Outlook, Teams, a browser on Windows, Outlook on an iPhone */
	signin(4, "2024-05-09T08:00:00Z", "jon@contoso.com", "0", OUTLOOK);
	signin(5, "2024-05-09T08:00:01Z", "jon@contoso.com", "0",
	       WIN " Teams/24060.3102");
	signin(6, "2024-05-09T08:00:02Z", "jon@contoso.com", "0", WIN);
	signin(7, "2024-05-09T08:00:03Z", "jon@contoso.com", "0",
	       "Outlook-iOS/2.0");
	run(&f, &ir_det_attack_tool, 8);
	assert_int_equal(f.n, 0);
	ir_findings_release(&f);
}

/* --- mass-deletion --- */

static const char *const targets[] = {
	"0b1a6a839f7b48a69bb3a95ca454451fann@contoso.com",
	"bob@contoso.com",
	"cyd@contoso.com",
	"dee@contoso.com",
	"eli@contoso.com",
	"fay@contoso.com",
	"gil@contoso.com",
	"hoa@contoso.com",
	"ida@contoso.com",
	"jay@contoso.com",
	"kim@contoso.com",
};

/* `n` user deletions by `actor`, one every `step` seconds from 01:00. */
static size_t
deletions(size_t at, size_t n, const char *actor, int step, const char *op)
{
	static char times[MAXEV][32];

	for (size_t k = 0; k < n; k++) {
		struct tev *e;

		snprintf(times[at + k], sizeof(times[0]),
			 "2024-06-01T%02d:%02d:%02dZ", 1 + (int)k * step / 3600,
			 (int)k * step / 60 % 60, (int)k * step % 60);
		e = ev_init(at + k, times[at + k], op, actor);
		e->ev.object = targets[k % IR_ARRAY_SIZE(targets)];
		e->ev.result = "Success";
	}
	return at + n;
}

static void
test_det_tools__ten_deletions(void **state)
{
	struct ir_findings f = IR_FINDINGS_INIT;
	const struct ir_finding *fd;
	size_t n = deletions(0, 10, "mallory@contoso.com", 300, "Delete user.");

	/* the same deletion again from the directory audit: once */
	n = deletions(n, 1, "mallory@contoso.com", 0, "Delete user");
	run(&f, &ir_det_mass_deletion, n);
	assert_int_equal(f.n, 1);
	fd = find(&f, "mallory@contoso.com", "users");
	assert_non_null(fd);
	assert_int_equal(fd->severity, IR_SEV_HIGH);
	assert_int_equal(fd->count, 10);
	/* the object id Entra glues to a deleted UPN is not shown */
	assert_non_null(strstr(fd->summary, "among them ann@contoso.com"));
	assert_non_null(strstr(fd->summary, "45 minutes"));
	ir_findings_release(&f);
}

static void
test_det_tools__too_few_or_too_slow(void **state)
{
	struct ir_findings f = IR_FINDINGS_INIT;
	size_t n;

	/* nine in a few minutes */
	n = deletions(0, 9, "a@contoso.com", 10, "Delete user.");
	/* eleven over more than an hour: at most 9 in any hour */
	n = deletions(n, 11, "b@contoso.com", 420, "Delete user.");
	/* twelve that failed */
	n = deletions(n, 12, "c@contoso.com", 5, "Delete user.");
	for (size_t i = n - 12; i < n; i++)
		evs[i].ev.result = "Failure";
	run(&f, &ir_det_mass_deletion, n);
	assert_int_equal(f.n, 0);
	ir_findings_release(&f);
}

static void
test_det_tools__sync_account_is_medium(void **state)
{
	struct ir_findings f = IR_FINDINGS_INIT;
	size_t n = deletions(0, 10, "sync_srv01_1a2b3c@contoso.com", 1,
			     "Hard Delete user");
	const struct ir_finding *fd;

	run(&f, &ir_det_mass_deletion, n);
	fd = find(&f, "sync_srv01_1a2b3c@contoso.com", "hard-deleted-users");
	assert_non_null(fd);
	assert_int_equal(fd->severity, IR_SEV_MEDIUM);
	ir_findings_release(&f);
}

static void
test_det_tools__role_removals(void **state)
{
	struct ir_findings f = IR_FINDINGS_INIT;
	const struct ir_finding *fd;
	size_t n = deletions(0, 2, "mallory@contoso.com", 60,
			     "Remove member from role.");

	ev_param(&evs[0], "Role.DisplayName.OldValue", "Global Administrator");
	ev_param(&evs[1], "Role.DisplayName.OldValue", "Global Administrator");
	/* bob again, from a second role: a third removal */
	n = deletions(n, 2, "mallory@contoso.com", 60,
		      "Remove member from role");
	ev_param(&evs[2], "Role.DisplayName", "Global Administrator");
	ev_param(&evs[3], "Role.DisplayName", "Security Administrator");
	run(&f, &ir_det_mass_deletion, n);
	assert_int_equal(f.n, 1);
	fd = find(&f, "mallory@contoso.com", "role-members");
	assert_non_null(fd);
	assert_int_equal(fd->severity, IR_SEV_HIGH);
	assert_int_equal(fd->count, 3);
	assert_non_null(strstr(fd->summary,
			       "bob@contoso.com (Security Administrator)"));
	ir_findings_release(&f);
}

static void
test_det_tools__mail_purge_counts_items(void **state)
{
	struct ir_findings f = IR_FINDINGS_INIT;
	const struct ir_finding *fd;
	struct ir_buf json = IR_BUF_INIT;
	yyjson_doc *doc;

	ir_buf_addstr(&json, "{\"AffectedItems\":[");
	for (int i = 0; i < 60; i++)
		ir_buf_addf(&json, "%s{\"Id\":\"i%d\"}", i ? "," : "", i);
	ir_buf_addstr(&json, "]}");
	doc = yyjson_read(json.buf, json.len, 0);
	assert_non_null(doc);
	ev_init(0, "2024-06-06T22:00:00Z", "HardDelete", "nia@contoso.com");
	evs[0].ev.raw = yyjson_doc_get_root(doc);
	/* 49 one-item purges by someone else: below 50 */
	for (size_t i = 1; i < 39; i++)
		ev_init(i, "2024-06-06T22:10:00Z", "HardDelete",
			"oli@contoso.com");
	run(&f, &ir_det_mass_deletion, 39);
	assert_int_equal(f.n, 1);
	fd = find(&f, "nia@contoso.com", "mail-items");
	assert_non_null(fd);
	assert_int_equal(fd->severity, IR_SEV_MEDIUM);
	assert_int_equal(fd->count, 1);
	assert_non_null(strstr(fd->summary, "60 mail items"));
	ir_findings_release(&f);
	yyjson_doc_free(doc);
	ir_buf_release(&json);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_det_tools__tool_success_is_high),
		cmocka_unit_test(test_det_tools__tool_failed_only_is_medium),
		cmocka_unit_test(test_det_tools__scripts_and_admin_tools),
		cmocka_unit_test(test_det_tools__user_agent_is_made_safe),
		cmocka_unit_test(test_det_tools__mfa_sweep),
		cmocka_unit_test(test_det_tools__no_sweep_slow_or_one_pc),
		cmocka_unit_test(test_det_tools__ten_deletions),
		cmocka_unit_test(test_det_tools__too_few_or_too_slow),
		cmocka_unit_test(test_det_tools__sync_account_is_medium),
		cmocka_unit_test(test_det_tools__role_removals),
		cmocka_unit_test(test_det_tools__mail_purge_counts_items),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
