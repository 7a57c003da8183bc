/* SPDX-License-Identifier: MIT */
/*
 * t-det-correlate.c - unit tests of the detections that correlate other
 * detections' findings (attacker-ip) and of the runner's "late" order
 * that lets them (src/detect/run.c).
 *
 * Other detections' findings are simulated with ir_findings_hit() before
 * attacker-ip's finish() runs, as the runner would leave them; the last
 * test goes through the runner with a real inbox-rule-hide instead.
 */
#include "tests/unit/test.h"

#include "detect/detect.h"
#include "detect/signin.h"

#define MAXP 4

struct tev {
	struct ir_event ev;
	struct ir_param p[MAXP];
};

static struct ir_time
t_at(const char *s)
{
	struct ir_time t;

	assert_int_equal(ir_time_parse(&t, s, strlen(s), NULL, 0, NULL), 0);
	return t;
}

static void
ev_init(struct tev *e, uint64_t rec, const char *time, const char *op,
	const char *user, const char *ip)
{
	memset(e, 0, sizeof(*e));
	e->ev.file = "t.jsonl";
	e->ev.record = rec;
	e->ev.operation = op;
	e->ev.user = user;
	e->ev.client_ip = ip;
	e->ev.client_port = -1;
	e->ev.params = e->p;
	e->ev.time = t_at(time);
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

/* An Entra sign-in with error code `code` ("0" = success). */
static void
signin(struct tev *e, uint64_t rec, const char *time, const char *user,
       const char *ip, const char *code)
{
	ev_init(e, rec, time, "Sign-in activity", user, ip);
	ev_param(e, "ErrorCode", code);
}

/* What another detection found before attacker-ip finishes. */
static void
prior(struct ir_findings *f, const struct ir_detection *det,
      enum ir_severity sev, const char *user, const struct tev *e)
{
	struct ir_hit hit = {.det = det, .severity = sev, .user = user,
			     .key = e->ev.client_ip, .summary = "s",
			     .ev = &e->ev};

	ir_findings_hit(f, &hit);
}

/* attacker-ip over `n` events, then finish() on what `f` already holds. */
static void
correlate(struct ir_findings *f, const struct tev *evs, size_t n)
{
	struct ir_detect_ctx ctx = {0};
	void *state = ir_det_attacker_ip.start(&ctx);

	for (size_t i = 0; i < n; i++)
		ir_det_attacker_ip.event(state, &evs[i].ev, f);
	ir_det_attacker_ip.finish(state, f);
	ir_det_attacker_ip.free(state);
}

static size_t
count_ours(const struct ir_findings *f)
{
	size_t n = 0;

	for (size_t i = 0; i < f->n; i++)
		n += f->v[i]->det == &ir_det_attacker_ip;
	return n;
}

static const struct ir_finding *
ours(const struct ir_findings *f, const char *user)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i]->det == &ir_det_attacker_ip &&
		    !strcmp(f->v[i]->user, user))
			return f->v[i];
	return NULL;
}

static void
assert_time(struct ir_time t, const char *want)
{
	char buf[IR_TIME_MAX];

	ir_time_format(buf, t);
	assert_string_equal(buf, want);
}

/* The Rogue Inbox shape: rules in one mailbox, sign-ins to another. */
static void
test_det_correlate__second_account(void **state)
{
	struct ir_findings f = IR_FINDINGS_INIT;
	struct tev rule, ev[4];
	const struct ir_finding *fd;

	ev_init(&rule, 1, "2023-09-26T01:56:15Z", "New-InboxRule",
		"debrab@contoso.com", "185.73.124.135");
	prior(&f, &ir_det_inbox_rule_hide, IR_SEV_HIGH, "debrab@contoso.com",
	      &rule);
	/* out of time order: the earliest is the evidence, not the first */
	ev_init(&ev[0], 7, "2023-09-26T02:13:04Z", "UserLoggedIn",
		"alexw@contoso.com", "185.73.124.135");
	ev_init(&ev[1], 5, "2023-09-26T02:12:55Z", "UserLoggedIn",
		"alexw@contoso.com", "185.73.124.135");
	signin(&ev[2], 6, "2023-09-26T02:12:58Z", "alexw@contoso.com",
	       "185.73.124.135", "0");
	/* the attacker's own account: already flagged for this address */
	ev_init(&ev[3], 2, "2023-09-26T01:51:34Z", "UserLoggedIn",
		"debrab@contoso.com", "185.73.124.135");
	correlate(&f, ev, 4);

	assert_int_equal(count_ours(&f), 1);
	fd = ours(&f, "alexw@contoso.com");
	assert_non_null(fd);
	assert_int_equal(fd->severity, IR_SEV_HIGH);
	assert_string_equal(fd->key, "185.73.124.135");
	assert_int_equal(fd->count, 3);
	assert_string_equal(
		fd->summary,
		"alexw@contoso.com used 185.73.124.135 (3 events from "
		"2023-09-26T02:12:55Z), an address from which the attack on "
		"debrab@contoso.com was carried out (inbox-rule-hide at "
		"2023-09-26T01:56:15Z): treat the account as compromised too");
	assert_string_equal(fd->remediation,
			    "m365ir remediate alexw@contoso.com --steps "
			    "sessions-and-password");
	assert_int_equal(fd->nevidence, 2);
	assert_int_equal(fd->evidence[0].record, 5);
	assert_int_equal(fd->evidence[1].record, 7);
	assert_time(fd->first_seen, "2023-09-26T02:12:55Z");
	assert_time(fd->last_seen, "2023-09-26T02:13:04Z");
	ir_findings_release(&f);
}

/*
 * Only a successful sign-in or an action shows the account in use, only
 * a high or critical finding makes an address the attacker's, and only
 * public addresses and real UPNs count.
 */
static void
test_det_correlate__near_misses(void **state)
{
	struct ir_findings f = IR_FINDINGS_INIT;
	struct tev rule, lan, med, ev[7];

	ev_init(&rule, 1, "2024-06-06T08:00:00Z", "New-InboxRule",
		"carol@contoso.com", "203.0.113.50");
	prior(&f, &ir_det_inbox_rule_hide, IR_SEV_HIGH, "carol@contoso.com",
	      &rule);
	ev_init(&lan, 2, "2024-06-06T08:00:00Z", "New-InboxRule",
		"carol@contoso.com", "10.1.2.3");
	prior(&f, &ir_det_inbox_rule_hide, IR_SEV_CRITICAL,
	      "carol@contoso.com", &lan);
	ev_init(&med, 3, "2024-06-06T08:00:00Z", "New-InboxRule",
		"gina@contoso.com", "192.0.2.10");
	prior(&f, &ir_det_inbox_rule_hide, IR_SEV_MEDIUM, "gina@contoso.com",
	      &med);
	ev_init(&ev[0], 10, "2024-06-06T08:10:00Z", "UserLoginFailed",
		"bob@contoso.com", "203.0.113.50");
	signin(&ev[1], 11, "2024-06-06T08:11:00Z", "dan@contoso.com",
	       "203.0.113.50", "50126");
	signin(&ev[2], 12, "2024-06-06T08:12:00Z", "dan@contoso.com",
	       "203.0.113.50", "50074");
	ev_init(&ev[3], 13, "2024-06-06T08:13:00Z", "FileAccessed",
		"app@sharepoint", "203.0.113.50");
	ev_init(&ev[4], 14, "2024-06-06T08:14:00Z", "UserLoggedIn",
		"erin@contoso.com", "10.1.2.3");
	ev_init(&ev[5], 15, "2024-06-06T08:15:00Z", "UserLoggedIn",
		"hank@contoso.com", "192.0.2.10");
	ev_init(&ev[6], 16, "2024-06-06T08:16:00Z", "UserLoggedIn",
		"ivy@contoso.com", "198.51.100.7");
	correlate(&f, ev, 7);
	assert_int_equal(count_ours(&f), 0);
	assert_int_equal(f.n, 3);
	ir_findings_release(&f);
}

/*
 * A spray address is attacker infrastructure even though its finding is
 * the "(tenant)" one; an action other than a sign-in counts too.
 */
static void
test_det_correlate__spray_source(void **state)
{
	struct ir_findings f = IR_FINDINGS_INIT;
	struct tev spray, ev;
	const struct ir_finding *fd;

	ev_init(&spray, 1, "2024-06-04T10:02:00Z", "UserLoginFailed",
		"p1@contoso.com", "2001:db8::23");
	prior(&f, &ir_det_password_spray, IR_SEV_HIGH, "(tenant)", &spray);
	ev_init(&ev, 9, "2024-06-04T09:00:00Z", "Set-Mailbox",
		"erin@contoso.com", "2001:db8::23");
	correlate(&f, &ev, 1);
	assert_int_equal(count_ours(&f), 1);
	fd = ours(&f, "erin@contoso.com");
	assert_non_null(fd);
	assert_int_equal(fd->count, 1);
	assert_int_equal(fd->nevidence, 1);
	assert_string_equal(fd->key, "2001:db8::23");
	assert_string_equal(
		fd->summary,
		"erin@contoso.com used 2001:db8::23 (1 event from "
		"2024-06-04T09:00:00Z), an address from which an attack was "
		"carried out (password-spray at 2024-06-04T10:02:00Z): treat "
		"the account as compromised too");
	ir_findings_release(&f);
}

/* Several findings from one address: the earliest is named, all counted. */
static void
test_det_correlate__earliest_attack(void **state)
{
	struct ir_findings f = IR_FINDINGS_INIT;
	struct tev late, early, ev;
	const struct ir_finding *fd;

	ev_init(&late, 1, "2024-06-03T11:00:00Z", "Set-Mailbox",
		"carol@contoso.com", "203.0.113.50");
	prior(&f, &ir_det_mailbox_forwarding, IR_SEV_HIGH,
	      "carol@contoso.com", &late);
	ev_init(&early, 2, "2024-06-03T09:05:00Z", "New-InboxRule",
		"dave@contoso.com", "203.0.113.50");
	prior(&f, &ir_det_inbox_rule_hide, IR_SEV_CRITICAL, "dave@contoso.com",
	      &early);
	ev_init(&ev, 3, "2024-06-03T12:00:00Z", "UserLoggedIn",
		"bob@contoso.com", "203.0.113.50");
	correlate(&f, &ev, 1);
	fd = ours(&f, "bob@contoso.com");
	assert_non_null(fd);
	assert_string_equal(
		fd->summary,
		"bob@contoso.com used 203.0.113.50 (1 event from "
		"2024-06-03T12:00:00Z), an address from which the attack on "
		"dave@contoso.com was carried out (inbox-rule-hide at "
		"2024-06-03T09:05:00Z; 1 more finding from it): treat the "
		"account as compromised too");
	ir_findings_release(&f);
}

/* More than five accounts at one address: one note, nobody flagged. */
static void
test_det_correlate__shared_address(void **state)
{
	static const char *const users[] = {
		"gus@contoso.com", "amy@contoso.com", "fay@contoso.com",
		"bob@contoso.com", "erin@contoso.com", "dan@contoso.com"};
	struct ir_findings f = IR_FINDINGS_INIT;
	struct tev rule, ev[6];
	const struct ir_finding *fd;

	ev_init(&rule, 1, "2024-06-05T08:00:00Z", "New-InboxRule",
		"carol@contoso.com", "203.0.113.80");
	prior(&f, &ir_det_inbox_rule_hide, IR_SEV_HIGH, "carol@contoso.com",
	      &rule);
	for (size_t i = 0; i < 6; i++)
		ev_init(&ev[i], 10 + i, "2024-06-05T08:10:00Z", "UserLoggedIn",
			users[i], "203.0.113.80");
	correlate(&f, ev, 6);
	assert_int_equal(count_ours(&f), 1);
	fd = ours(&f, "(tenant)");
	assert_non_null(fd);
	assert_int_equal(fd->severity, IR_SEV_INFO);
	assert_string_equal(fd->key, "203.0.113.80");
	assert_int_equal(fd->count, 6);
	assert_int_equal(fd->nevidence, 5);
	assert_null(fd->remediation);
	assert_string_equal(
		fd->summary,
		"203.0.113.80 is shared by 6 accounts (amy@contoso.com, "
		"bob@contoso.com, dan@contoso.com, erin@contoso.com, "
		"fay@contoso.com and 1 more), an address from which the "
		"attack on carol@contoso.com was carried out (inbox-rule-hide "
		"at 2024-06-05T08:00:00Z): not flagged one by one; unless it "
		"is a proxy, VPN or NAT address of the organisation, treat "
		"them as compromised");
	ir_findings_release(&f);
}

/* Past 16 accounts per address only a count is kept, and said so. */
static void
test_det_correlate__cap(void **state)
{
	struct ir_findings f = IR_FINDINGS_INIT;
	struct tev rule, ev[20];
	char users[20][32];
	const struct ir_finding *fd;

	ev_init(&rule, 1, "2024-06-05T08:00:00Z", "New-InboxRule",
		"carol@contoso.com", "203.0.113.80");
	prior(&f, &ir_det_inbox_rule_hide, IR_SEV_HIGH, "carol@contoso.com",
	      &rule);
	for (size_t i = 0; i < 20; i++) {
		snprintf(users[i], sizeof(users[i]), "u%02zu@contoso.com", i);
		ev_init(&ev[i], 10 + i, "2024-06-05T08:10:00Z", "UserLoggedIn",
			users[i], "203.0.113.80");
	}
	correlate(&f, ev, 20);
	fd = ours(&f, "(tenant)");
	assert_non_null(fd);
	assert_int_equal(fd->count, 16);
	assert_non_null(strstr(fd->summary,
			       "203.0.113.80 is shared by at least 16 "
			       "accounts (u00@contoso.com, u01@contoso.com, "
			       "u02@contoso.com, u03@contoso.com, "
			       "u04@contoso.com and at least 11 more), "));
	ir_findings_release(&f);
}

/*
 * Through the runner, attacker-ip named first: inbox-rule-hide reports in
 * its finish(), so attacker-ip sees its finding only if it finishes last.
 */
static void
test_det_correlate__runner_late_order(void **state)
{
	static const char *const only[] = {"attacker-ip", "inbox-rule-hide"};
	struct ir_detect_ctx ctx = {0};
	struct ir_findings f = IR_FINDINGS_INIT;
	struct ir_err err = IR_ERR_INIT;
	struct ir_detect_run *run;
	struct tev rule, login;
	const struct ir_finding *fd;

	assert_true(ir_det_attacker_ip.late);
	assert_false(ir_det_inbox_rule_hide.late);
	ev_init(&rule, 1, "2024-06-03T09:05:00Z", "New-InboxRule",
		"carol@contoso.com", "203.0.113.50");
	ev_param(&rule, "Name", ".");
	ev_param(&rule, "SubjectContainsWords", "invoice;payment");
	ev_param(&rule, "DeleteMessage", "True");
	ev_init(&login, 2, "2024-06-03T09:20:00Z", "UserLoggedIn",
		"bob@contoso.com", "203.0.113.50");
	assert_int_equal(ir_detect_run_new(&run, &ctx, only, 2, &err), 0);
	ir_detect_run_event(run, &rule.ev, &f);
	ir_detect_run_event(run, &login.ev, &f);
	assert_int_equal(f.n, 0);
	ir_detect_run_finish(run, &f);
	ir_detect_run_free(run);
	assert_int_equal(f.n, 2);
	assert_ptr_equal(f.v[0]->det, &ir_det_inbox_rule_hide);
	fd = ours(&f, "bob@contoso.com");
	assert_non_null(fd);
	assert_string_equal(fd->key, "203.0.113.50");
	ir_findings_release(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_det_correlate__second_account),
		cmocka_unit_test(test_det_correlate__near_misses),
		cmocka_unit_test(test_det_correlate__spray_source),
		cmocka_unit_test(test_det_correlate__earliest_attack),
		cmocka_unit_test(test_det_correlate__shared_address),
		cmocka_unit_test(test_det_correlate__cap),
		cmocka_unit_test(test_det_correlate__runner_late_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
