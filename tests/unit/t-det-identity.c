/* SPDX-License-Identifier: MIT */
/*
 * t-det-identity.c - unit tests of the identity detections (app-consent,
 * app-credential, audit-tampering, brute-force, legacy-protocol,
 * mfa-change, password-spray, signin-new-country) and their shared helpers
 * in src/detect/signin.c.
 *
 * Events are built directly as struct ir_event values with struct ir_param
 * arrays, so these tests do not depend on any reader; the goldens in
 * tests/detect/<slug>/ cover the path from real-shaped JSON.
 */
#include "tests/unit/test.h"

#include "detect/detect.h"
#include "detect/signin.h"

#define MAXP 8

/* One event under construction: the event and the storage it points at. */
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
	if (time) {
		e->ev.time = t_at(time);
		e->ev.has_time = true;
	}
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

/* A detection run over `n` events, the findings sorted. */
static void
run(struct ir_findings *f, const struct ir_detection *det,
    const struct tev *evs, size_t n)
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
		if (!strcmp(f->v[i]->user, user) &&
		    (!key || (f->v[i]->key && !strcmp(f->v[i]->key, key))))
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

/* A sign-in: "Sign-in activity" with the canonical params. */
static void
signin(struct tev *e, uint64_t rec, const char *time, const char *user,
       const char *ip, const char *code)
{
	ev_init(e, rec, time, "Sign-in activity", user, ip);
	ev_param(e, "ErrorCode", code);
}

/* --- helpers --- */

static void
test_det_identity__op_is(void **state)
{
	assert_true(ir_det_op_is("Update application \xe2\x80\x93 Certificates "
				 "and secrets management ",
				 "Update application - Certificates and "
				 "secrets management"));
	assert_true(ir_det_op_is("Add service principal credentials.",
				 "Add service principal credentials"));
	assert_true(ir_det_op_is("add service principal credentials",
				 "Add service principal credentials."));
	assert_false(ir_det_op_is("Add service principal credentials.",
				  "Add service principal"));
	assert_false(ir_det_op_is(NULL, "Update user"));
	/* leading space and case must not trip the first-letter shortcut */
	assert_true(ir_det_op_is("  update user.", "Update user"));
	assert_false(ir_det_op_is("Delete user.", "Update user"));
	assert_false(ir_det_op_is("", "Update user"));
}

static void
test_det_identity__has_token(void **state)
{
	struct ir_str a = {"Scope:  openid Mail.Read offline_access, x", 41};
	struct ir_str b = {"Scope: Mail.ReadWrite", 21};
	struct ir_str c = {"[\"mail.read\"]", 13};

	assert_true(ir_det_has_token(a, "Mail.Read"));
	assert_true(ir_det_has_token(a, "offline_access"));
	assert_false(ir_det_has_token(b, "Mail.Read"));
	assert_true(ir_det_has_token(b, "Mail.ReadWrite"));
	assert_true(ir_det_has_token(c, "Mail.Read"));
}

static void
test_det_identity__classify(void **state)
{
	struct tev e;

	signin(&e, 1, NULL, "a@contoso.com", NULL, "50126");
	assert_int_equal(ir_signin_classify(&e.ev), IR_SIGNIN_BAD_PASSWORD);
	signin(&e, 1, NULL, "a@contoso.com", NULL, "50053");
	assert_int_equal(ir_signin_classify(&e.ev), IR_SIGNIN_LOCKED);
	signin(&e, 1, NULL, "a@contoso.com", NULL, "50076");
	assert_int_equal(ir_signin_classify(&e.ev), IR_SIGNIN_PASSWORD_OK);
	signin(&e, 1, NULL, "a@contoso.com", NULL, "0");
	assert_int_equal(ir_signin_classify(&e.ev), IR_SIGNIN_SUCCESS);
	signin(&e, 1, NULL, "a@contoso.com", NULL, "50140");
	assert_int_equal(ir_signin_classify(&e.ev), IR_SIGNIN_OTHER_FAILURE);
	assert_false(ir_signin_is_guess(IR_SIGNIN_OTHER_FAILURE));
	/* UAL: the operation says it when no code came along. */
	ev_init(&e, 1, NULL, "UserLoginFailed", "a@contoso.com", NULL);
	assert_int_equal(ir_signin_classify(&e.ev), IR_SIGNIN_BAD_PASSWORD);
	ev_init(&e, 1, NULL, "UserLoginFailed", "a@contoso.com", NULL);
	ev_param(&e, "ErrorNumber", "50034");
	assert_int_equal(ir_signin_classify(&e.ev), IR_SIGNIN_UNKNOWN_USER);
	ev_init(&e, 1, NULL, "New-InboxRule", "a@contoso.com", NULL);
	assert_int_equal(ir_signin_classify(&e.ev), IR_SIGNIN_NONE);
}

static void
test_det_identity__strmap(void **state)
{
	struct ir_strmap m = IR_STRMAP_INIT;
	char key[32];
	bool added;
	void **slot;

	/* Enough keys to grow the table several times. */
	for (size_t i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "user%zu@contoso.com", i);
		slot = ir_strmap_put(&m, key, &added);
		assert_true(added);
		*slot = (void *)(i + 1);
	}
	assert_int_equal(m.n, 1000);
	slot = ir_strmap_put(&m, "user7@contoso.com", &added);
	assert_false(added);
	assert_ptr_equal(*slot, (void *)8);
	slot = ir_strmap_find(&m, "user999@contoso.com");
	assert_non_null(slot);
	assert_ptr_equal(*slot, (void *)1000);
	assert_null(ir_strmap_find(&m, "user1000@contoso.com"));
	ir_strmap_release(&m, NULL);
	assert_null(ir_strmap_find(&m, "user7@contoso.com"));
}

/* --- password-spray --- */

/* Six users fail from one address in ten minutes; alice then gets in. */
static size_t
spray_events(struct tev *e, bool spread)
{
	static const char *const users[] = {
		"u1@contoso.com", "u2@contoso.com", "u3@contoso.com",
		"u4@contoso.com", "u5@contoso.com", "alice@contoso.com",
	};
	static const char *const close[] = {
		"2024-03-01T10:00:00Z", "2024-03-01T10:02:00Z",
		"2024-03-01T10:04:00Z", "2024-03-01T10:06:00Z",
		"2024-03-01T10:08:00Z", "2024-03-01T10:10:00Z",
	};
	static const char *const apart[] = {
		"2024-03-01T10:00:00Z", "2024-03-02T10:00:00Z",
		"2024-03-03T10:00:00Z", "2024-03-04T10:00:00Z",
		"2024-03-05T10:00:00Z", "2024-03-06T10:00:00Z",
	};
	size_t n = 0;

	for (size_t i = 0; i < 6; i++, n++)
		signin(&e[n], n + 1, spread ? apart[i] : close[i], users[i],
		       "203.0.113.9", "50126");
	signin(&e[n], n + 1, "2024-03-06T10:30:00Z", "alice@contoso.com",
	       "203.0.113.9", "0");
	return n + 1;
}

static void
test_det_identity__spray_hit(void **state)
{
	struct tev e[8];
	struct ir_findings f = IR_FINDINGS_INIT;
	const struct ir_finding *fd;
	size_t n = spray_events(e, false);

	run(&f, &ir_det_password_spray, e, n);
	assert_int_equal(f.n, 2);
	fd = find(&f, "(tenant)", "203.0.113.9");
	assert_non_null(fd);
	assert_int_equal(fd->severity, IR_SEV_HIGH);
	assert_int_equal(fd->count, 6);
	assert_int_equal(fd->nevidence, 6);
	assert_time(fd->first_seen, "2024-03-01T10:00:00Z");
	assert_time(fd->last_seen, "2024-03-01T10:10:00Z");
	fd = find(&f, "alice@contoso.com", "203.0.113.9");
	assert_non_null(fd);
	assert_int_equal(fd->severity, IR_SEV_CRITICAL);
	assert_int_equal(fd->count, 1);
	assert_int_equal(fd->evidence[0].record, 7);
	assert_non_null(strstr(fd->summary, "signed in successfully"));
	assert_string_equal(
		fd->remediation,
		"m365ir remediate "
		"alice@contoso.com --steps sessions-and-password,mfa");
	ir_findings_release(&f);
}

static void
test_det_identity__spray_out_of_order(void **state)
{
	struct tev e[8], r[8];
	struct ir_findings f = IR_FINDINGS_INIT;
	size_t n = spray_events(e, false);

	/* Purview exports newest first: the verdict must not change. */
	for (size_t i = 0; i < n; i++)
		r[i] = e[n - 1 - i], r[i].ev.params = r[i].p;
	run(&f, &ir_det_password_spray, r, n);
	assert_int_equal(f.n, 2);
	assert_int_equal(find(&f, "alice@contoso.com", NULL)->severity,
			 IR_SEV_CRITICAL);
	ir_findings_release(&f);
}

static void
test_det_identity__spray_miss_spread(void **state)
{
	struct tev e[8];
	struct ir_findings f = IR_FINDINGS_INIT;
	size_t n = spray_events(e, true);

	/* One typo a day from an office address is not a spray. */
	run(&f, &ir_det_password_spray, e, n);
	assert_int_equal(f.n, 0);
	ir_findings_release(&f);
}

static void
test_det_identity__spray_miss_four_users(void **state)
{
	struct tev e[8];
	struct ir_findings f = IR_FINDINGS_INIT;
	size_t n = spray_events(e, false);

	/* Drop two of the six failing users: four is under the threshold. */
	e[1] = e[n - 1], e[1].ev.params = e[1].p;
	run(&f, &ir_det_password_spray, e + 1, 4);
	assert_int_equal(f.n, 0);
	ir_findings_release(&f);
}

/* --- brute-force --- */

static void
test_det_identity__brute_force(void **state)
{
	struct tev e[16];
	struct ir_findings f = IR_FINDINGS_INIT;
	const struct ir_finding *fd;
	char when[32];
	size_t n = 0;

	for (; n < 12; n++) {
		snprintf(when, sizeof(when), "2024-03-01T10:%02zu:00Z", n * 3);
		signin(&e[n], n + 1, NULL, "bob@contoso.com", "198.51.100.7",
		       "50126");
		e[n].ev.time = t_at(when);
		e[n].ev.has_time = true;
	}
	signin(&e[n], n + 1, "2024-03-01T10:40:00Z", "bob@contoso.com",
	       "198.51.100.7", "0");
	n++;
	run(&f, &ir_det_brute_force, e, n);
	assert_int_equal(f.n, 2);
	fd = find(&f, "bob@contoso.com", "failures");
	assert_non_null(fd);
	assert_int_equal(fd->severity, IR_SEV_HIGH);
	assert_int_equal(fd->count, 12);
	assert_time(fd->first_seen, "2024-03-01T10:00:00Z");
	fd = find(&f, "bob@contoso.com", "success-after-failures");
	assert_non_null(fd);
	assert_int_equal(fd->severity, IR_SEV_CRITICAL);
	assert_int_equal(fd->evidence[0].record, 13);
	assert_non_null(strstr(fd->summary, "after 12 failed"));
	ir_findings_release(&f);
}

static void
test_det_identity__brute_force_miss_slow(void **state)
{
	struct tev e[16];
	struct ir_findings f = IR_FINDINGS_INIT;
	char when[32];
	size_t n = 0;

	/* Twelve failures, one an hour, then a success: a forgetful user. */
	for (; n < 12; n++) {
		snprintf(when, sizeof(when), "2024-03-01T%02zu:30:00Z", n);
		signin(&e[n], n + 1, NULL, "bob@contoso.com", "198.51.100.7",
		       "50126");
		e[n].ev.time = t_at(when);
		e[n].ev.has_time = true;
	}
	signin(&e[n], n + 1, "2024-03-01T12:00:00Z", "bob@contoso.com",
	       "198.51.100.7", "0");
	n++;
	run(&f, &ir_det_brute_force, e, n);
	assert_int_equal(f.n, 0);
	ir_findings_release(&f);
}

/* A UAL copy of a sign-in: UserLoginFailed, whole seconds, no ErrorCode. */
static void
ual_failed(struct tev *e, uint64_t rec, struct ir_time t, const char *user,
	   const char *ip)
{
	ev_init(e, rec, NULL, "UserLoginFailed", user, ip);
	e->ev.time.sec = t.sec;
	e->ev.has_time = true;
}

static void
test_det_identity__spray_two_logs(void **state)
{
	struct tev e[16];
	struct ir_findings f = IR_FINDINGS_INIT;
	const struct ir_finding *fd;
	size_t n = spray_events(e, false);

	/* Each Entra failure also in the UAL, 0.4 s earlier: one attempt. */
	for (size_t i = 0; i < 6; i++) {
		e[i].ev.time.nsec = 400000000;
		ual_failed(&e[n + i], n + i + 1, e[i].ev.time, e[i].ev.user,
			   "203.0.113.9");
	}
	run(&f, &ir_det_password_spray, e, n + 6);
	fd = find(&f, "(tenant)", "203.0.113.9");
	assert_non_null(fd);
	assert_int_equal(fd->count, 6);
	assert_non_null(strstr(fd->summary, "6 users failed to sign in "
					    "from it (6 attempts)"));
	ir_findings_release(&f);
}

/* Twelve failures three minutes apart, then a success, as in one log. */
static size_t
bf_events(struct tev *e, int min0)
{
	char when[32];
	size_t n = 0;

	for (; n < 12; n++) {
		snprintf(when, sizeof(when), "2024-03-01T10:%02d:59.5Z",
			 min0 + (int)n * 3);
		signin(&e[n], n + 1, when, "bob@contoso.com", "198.51.100.7",
		       "50126");
	}
	signin(&e[n], n + 1, "2024-03-01T10:50:00Z", "bob@contoso.com",
	       "198.51.100.7", "0");
	return n + 1;
}

static void
test_det_identity__brute_force_two_logs(void **state)
{
	struct tev e[32];
	struct ir_findings f = IR_FINDINGS_INIT;
	const struct ir_finding *fd;
	size_t n = bf_events(e, 0);

	/*
	 * Every failure also in the UAL one second later, which puts the
	 * 10:09:59.5 one's copy (10:10:00) in the next ten-minute bucket.
	 */
	for (size_t i = 0; i < 12; i++) {
		struct ir_time t = e[i].ev.time;

		t.sec++;
		ual_failed(&e[n + i], n + i + 1, t, "bob@contoso.com",
			   "198.51.100.7");
	}
	run(&f, &ir_det_brute_force, e, n + 12);
	fd = find(&f, "bob@contoso.com", "failures");
	assert_non_null(fd);
	assert_int_equal(fd->count, 12);
	fd = find(&f, "bob@contoso.com", "success-after-failures");
	assert_non_null(fd);
	assert_non_null(strstr(fd->summary, "after 12 failed"));
	ir_findings_release(&f);
}

/*
 * Nine days of hourly sign-ins (many more ten-minute buckets than a user
 * holds), an attack on day five: twelve failures then a success, and a
 * smaller burst of ten failures on day seven.
 */
static size_t
bf_long_events(struct tev *e)
{
	char when[32];
	size_t n = 0;

	for (int h = 0; h < 9 * 24; h++, n++) {
		snprintf(when, sizeof(when), "2024-03-%02dT%02d:05:00Z",
			 1 + h / 24, h % 24);
		signin(&e[n], n + 1, when, "bob@contoso.com", "192.0.2.1",
		       "0");
	}
	for (int i = 0; i < 12; i++, n++) {
		snprintf(when, sizeof(when), "2024-03-05T10:%02d:30Z", i * 3);
		signin(&e[n], n + 1, when, "bob@contoso.com", "198.51.100.7",
		       "50126");
	}
	signin(&e[n], n + 1, "2024-03-05T10:40:00Z", "bob@contoso.com",
	       "198.51.100.7", "0");
	n++;
	for (int i = 0; i < 10; i++, n++) {
		snprintf(when, sizeof(when), "2024-03-07T02:%02d:30Z", i * 2);
		signin(&e[n], n + 1, when, "bob@contoso.com", "203.0.113.8",
		       "50126");
	}
	return n;
}

static int
cmp_tev_time(const void *a, const void *b)
{
	return ir_time_cmp(((const struct tev *)a)->ev.time,
			   ((const struct tev *)b)->ev.time);
}

/*
 * The attack's success (10:40, after 12 failures) and, in the hour after
 * each burst, the ordinary hourly sign-ins: `nok` successes in all.
 */
static void
check_bf_long(const struct tev *e, size_t n, uint64_t nok)
{
	struct ir_findings f = IR_FINDINGS_INIT;
	const struct ir_finding *fd;

	run(&f, &ir_det_brute_force, e, n);
	assert_int_equal(f.n, 2);
	fd = find(&f, "bob@contoso.com", "failures");
	assert_non_null(fd);
	assert_int_equal(fd->count, 12);
	assert_int_equal(fd->nevidence, 4); /* first failure of 4 buckets */
	assert_time(fd->first_seen, "2024-03-05T10:00:30Z");
	fd = find(&f, "bob@contoso.com", "success-after-failures");
	assert_non_null(fd);
	assert_int_equal(fd->count, nok);
	assert_int_equal(fd->nevidence, nok);
	assert_time(fd->first_seen, "2024-03-05T10:40:00Z");
	assert_non_null(strstr(fd->summary, "at 2024-03-05T10:40:00Z"));
	assert_non_null(strstr(fd->summary, "after 12 failed"));
	ir_findings_release(&f);
}

static void
test_det_identity__brute_force_long_export_orders(void **state)
{
	static struct tev e[256], r[256];
	size_t n = bf_long_events(e);

	/*
	 * As made, the failures come days after the sign-ins around them,
	 * which were settled without them: only the attack's own success
	 * is caught (the approximation in docs/detections/brute-force.md).
	 */
	check_bf_long(e, n, 1);
	qsort(e, n, sizeof(*e), cmp_tev_time);
	for (size_t i = 0; i < n; i++)
		r[n - 1 - i] = e[i], r[n - 1 - i].ev.params = r[n - 1 - i].p;
	for (size_t i = 0; i < n; i++)
		e[i].ev.params = e[i].p;
	/* In time order, oldest first and newest first (as Purview writes). */
	check_bf_long(e, n, 4);
	check_bf_long(r, n, 4);
}

static void
test_det_identity__brute_force_same_log_twice(void **state)
{
	struct tev e[32];
	struct ir_findings f = IR_FINDINGS_INIT;
	size_t n = bf_events(e, 0);

	/* Two records in one log in the same second are two guesses... */
	for (size_t i = 0; i < 12; i++)
		e[n + i] = e[i], e[n + i].ev.params = e[n + i].p,
		e[n + i].ev.record = n + i + 1;
	run(&f, &ir_det_brute_force, e, n + 12);
	assert_int_equal(find(&f, "bob@contoso.com", "failures")->count, 24);
	ir_findings_release(&f);
	/* ...and a UAL copy from another address is another guess. */
	n = bf_events(e, 0);
	for (size_t i = 0; i < 12; i++)
		ual_failed(&e[n + i], n + i + 1, e[i].ev.time,
			   "bob@contoso.com", "203.0.113.8");
	run(&f, &ir_det_brute_force, e, n + 12);
	assert_int_equal(find(&f, "bob@contoso.com", "failures")->count, 24);
	ir_findings_release(&f);
}

/* --- signin-new-country --- */

static size_t
country_events(struct tev *e, const char *rare_ip)
{
	size_t n = 0;

	for (; n < 10; n++) {
		signin(&e[n], n + 1, "2024-03-01T08:00:00Z",
		       "carol@contoso.com", "192.0.2.10", "0");
		ev_param(&e[n], "Country", "NL");
	}
	signin(&e[n], n + 1, "2024-03-02T03:00:00Z", "carol@contoso.com",
	       rare_ip, "0");
	ev_param(&e[n], "Country", "ru");
	n++;
	signin(&e[n], n + 1, "2024-03-02T02:00:00Z", "dave@contoso.com",
	       "203.0.113.50", "50126");
	return n + 1;
}

static void
test_det_identity__new_country(void **state)
{
	struct tev e[13];
	struct ir_findings f = IR_FINDINGS_INIT;
	const struct ir_finding *fd;
	size_t n = country_events(e, "198.51.100.20");

	run(&f, &ir_det_signin_new_country, e, n);
	assert_int_equal(f.n, 1);
	fd = find(&f, "carol@contoso.com", "RU");
	assert_non_null(fd);
	assert_int_equal(fd->severity, IR_SEV_MEDIUM);
	assert_int_equal(fd->count, 1);
	assert_int_equal(fd->evidence[0].record, 11);
	assert_time(fd->first_seen, "2024-03-02T03:00:00Z");
	assert_non_null(strstr(fd->summary, "usually from NL"));
	ir_findings_release(&f);
}

static void
test_det_identity__new_country_bad_ip(void **state)
{
	struct tev e[13];
	struct ir_findings f = IR_FINDINGS_INIT;
	size_t n = country_events(e, "203.0.113.50");

	/* The RU address also failed for dave: high. */
	run(&f, &ir_det_signin_new_country, e, n);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.v[0]->severity, IR_SEV_HIGH);
	ir_findings_release(&f);
}

static void
test_det_identity__new_country_miss_thin_baseline(void **state)
{
	struct tev e[13];
	struct ir_findings f = IR_FINDINGS_INIT;
	size_t n = country_events(e, "198.51.100.20");

	/* Two NL sign-ins and one RU: no baseline to judge by. */
	e[2] = e[10], e[2].ev.params = e[2].p;
	run(&f, &ir_det_signin_new_country, e, 3);
	assert_int_equal(f.n, 0);
	(void)n;
	ir_findings_release(&f);
}

/* 30 NL sign-ins over 15 days, then `nforeign` from NG; newest first. */
static size_t
history_events(struct tev *e, size_t nforeign, const char *first_foreign)
{
	char when[32];
	size_t n = 0;

	for (; n < 30; n++) {
		snprintf(when, sizeof(when), "2024-04-%02zuT%s:00:00Z",
			 1 + n / 2, n % 2 ? "16" : "08");
		signin(&e[n], 40 - n, when, "mona@contoso.com", "192.0.2.80",
		       "0");
		ev_param(&e[n], "Country", "NL");
	}
	for (size_t k = 0; k < nforeign; k++, n++) {
		signin(&e[n], 40 - n, first_foreign, "mona@contoso.com",
		       "203.0.113.81", "0");
		ev_param(&e[n], "Country", "NG");
		e[n].ev.time.sec += (int64_t)k * 3600;
	}
	return n;
}

static void
test_det_identity__new_country_after_history(void **state)
{
	struct tev e[40];
	struct ir_findings f = IR_FINDINGS_INIT;
	const struct ir_finding *fd;
	size_t n = history_events(e, 3, "2024-04-20T02:15:00Z");

	/* After 30 home sign-ins the first NG one is new. */
	run(&f, &ir_det_signin_new_country, e, n);
	assert_int_equal(f.n, 1);
	fd = find(&f, "mona@contoso.com", "NG");
	assert_non_null(fd);
	assert_int_equal(fd->severity, IR_SEV_MEDIUM);
	assert_int_equal(fd->count, 3);
	assert_int_equal(fd->evidence[0].record, 10);
	assert_time(fd->first_seen, "2024-04-20T02:15:00Z");
	assert_non_null(strstr(fd->summary, "for the first time"));
	ir_findings_release(&f);
}

static void
test_det_identity__new_country_attacker_stays(void **state)
{
	struct tev e[48];
	struct ir_findings f = IR_FINDINGS_INIT;
	size_t n = history_events(e, 10, "2024-04-20T02:15:00Z");

	/* Ten NG sign-ins (25%) after the history: still new, and after
	 * a failure for mona from that address: high. */
	signin(&e[n], 99, "2024-04-20T02:10:00Z", "mona@contoso.com",
	       "203.0.113.81", "50126");
	run(&f, &ir_det_signin_new_country, e, n + 1);
	assert_int_equal(f.n, 1);
	assert_int_equal(f.v[0]->severity, IR_SEV_HIGH);
	assert_int_equal(f.v[0]->count, 10);
	ir_findings_release(&f);
}

static void
test_det_identity__new_country_miss_traveller(void **state)
{
	struct tev e[40];
	struct ir_findings f = IR_FINDINGS_INIT;
	size_t n = history_events(e, 3, "2024-03-30T09:00:00Z");

	/* The foreign sign-ins come before any history: not new. */
	run(&f, &ir_det_signin_new_country, e, n);
	assert_int_equal(f.n, 0);
	ir_findings_release(&f);
	/* Nor after only four home sign-ins (the 5th is 2024-04-03 08:00). */
	n = history_events(e, 1, "2024-04-03T07:00:00Z");
	run(&f, &ir_det_signin_new_country, e, n);
	assert_int_equal(f.n, 0);
	ir_findings_release(&f);
}

/* --- legacy-protocol --- */

static void
test_det_identity__legacy(void **state)
{
	struct tev e[4];
	struct ir_findings f = IR_FINDINGS_INIT;
	const struct ir_finding *fd;

	ev_init(&e[0], 1, "2024-03-01T10:00:00Z", "Set-CASMailbox",
		"admin@contoso.com", "192.0.2.1");
	ev_param(&e[0], "Identity", "Barbara@contoso.com");
	ev_param(&e[0], "PopEnabled", "True");
	ev_param(&e[0], "OWAEnabled", "True");
	ev_init(&e[1], 2, "2024-03-01T10:01:00Z", "Set-CASMailbox",
		"admin@contoso.com", "192.0.2.1");
	ev_param(&e[1], "Identity", "erin@contoso.com");
	ev_param(&e[1], "ImapEnabled", "$false");
	signin(&e[2], 3, "2024-03-01T11:00:00Z", "barbara@contoso.com",
	       "203.0.113.4", "0");
	ev_param(&e[2], "ClientApp", "IMAP4");
	signin(&e[3], 4, "2024-03-01T11:00:00Z", "erin@contoso.com",
	       "192.0.2.4", "0");
	ev_param(&e[3], "ClientApp", "Browser");
	run(&f, &ir_det_legacy_protocol, e, 4);
	assert_int_equal(f.n, 2);
	fd = find(&f, "barbara@contoso.com", "Set-CASMailbox");
	assert_non_null(fd);
	assert_int_equal(fd->severity, IR_SEV_MEDIUM);
	assert_non_null(strstr(fd->summary, "PopEnabled"));
	assert_null(strstr(fd->summary, "Imap"));
	fd = find(&f, "barbara@contoso.com", "IMAP4");
	assert_non_null(fd);
	assert_int_equal(fd->severity, IR_SEV_MEDIUM);
	ir_findings_release(&f);
}

/* --- audit-tampering --- */

static void
age_limit(struct tev *e, uint64_t rec, const char *value)
{
	ev_init(e, rec, "2024-03-01T10:00:00Z", "Set-Mailbox",
		"admin@contoso.com", "192.0.2.1");
	e->ev.result = "True";
	ev_param(e, "Identity", "Alex@contoso.com");
	ev_param(e, "AuditLogAgeLimit", value);
}

static void
test_det_identity__audit(void **state)
{
	struct tev e[6];
	struct ir_findings f = IR_FINDINGS_INIT;
	const struct ir_finding *fd;

	ev_init(&e[0], 1, "2024-03-01T09:00:00Z", "Set-AdminAuditLogConfig",
		"admin@contoso.com", "192.0.2.1");
	ev_param(&e[0], "UnifiedAuditLogIngestionEnabled", "False");
	age_limit(&e[1], 2, "1.00:00:00");
	age_limit(&e[2], 3, "00:00:00");
	age_limit(&e[3], 4, "180.00:00:00");
	ev_init(&e[4], 5, "2024-03-01T10:05:00Z",
		"Set-MailboxAuditBypassAssociation", "admin@contoso.com", NULL);
	ev_param(&e[4], "Identity", "Alex@contoso.com");
	ev_param(&e[4], "AuditBypassEnabled", "True");
	/* A cmdlet that failed changed nothing. */
	ev_init(&e[5], 6, "2024-03-01T10:06:00Z", "Set-OrganizationConfig",
		"admin@contoso.com", NULL);
	e[5].ev.result = "False";
	ev_param(&e[5], "AuditDisabled", "True");
	run(&f, &ir_det_audit_tampering, e, 6);
	assert_int_equal(f.n, 3);
	fd = find(&f, "admin@contoso.com", "UnifiedAuditLogIngestionEnabled");
	assert_non_null(fd);
	assert_int_equal(fd->severity, IR_SEV_CRITICAL);
	assert_null(fd->remediation);
	assert_non_null(strstr(fd->summary, "m365ir audit enable"));
	fd = find(&f, "alex@contoso.com", "AuditLogAgeLimit");
	assert_non_null(fd);
	/* "00:00:00" raised the 1-day finding to high; 180 days is fine. */
	assert_int_equal(fd->severity, IR_SEV_HIGH);
	assert_int_equal(fd->count, 2);
	assert_string_equal(fd->remediation,
			    "m365ir remediate "
			    "alex@contoso.com --steps mailbox-audit");
	fd = find(&f, "alex@contoso.com", "AuditBypassEnabled");
	assert_non_null(fd);
	assert_int_equal(fd->severity, IR_SEV_HIGH);
	ir_findings_release(&f);
}

/* --- mfa-change --- */

static void
test_det_identity__mfa(void **state)
{
	struct tev e[3];
	struct ir_findings f = IR_FINDINGS_INIT;
	const struct ir_finding *fd;

	ev_init(&e[0], 1, "2023-05-23T13:24:06Z", "Update user.",
		"admin@contoso.com", NULL);
	e[0].ev.object = "Stinger@contoso.com";
	ev_param(&e[0], "StrongAuthenticationRequirement", "[]");
	ev_param(&e[0], "StrongAuthenticationRequirement.OldValue",
		 "[\r\n  {\r\n \"RelyingParty\": \"*\", \"State\": 1 }\r\n]");
	ev_init(&e[1], 2, "2023-05-23T13:24:06Z",
		"Disable Strong Authentication.", "admin@contoso.com", NULL);
	e[1].ev.object = "stinger@contoso.com";
	/* A method added by the MFA service: medium, for the user. */
	ev_init(&e[2], 3, "2023-05-24T09:00:00Z", "Update user.",
		"ServicePrincipal_aa-bb", NULL);
	e[2].ev.object = "frank@contoso.com";
	ev_param(&e[2], "StrongAuthenticationMethod",
		 "[{\"Default\": true,\"MethodType\": 7}]");
	ev_param(&e[2], "StrongAuthenticationMethod.OldValue", "[]");
	run(&f, &ir_det_mfa_change, e, 3);
	assert_int_equal(f.n, 2);
	fd = find(&f, "stinger@contoso.com", NULL);
	assert_non_null(fd);
	assert_int_equal(fd->severity, IR_SEV_HIGH);
	assert_int_equal(fd->count, 2);
	assert_non_null(strstr(fd->summary, "by admin@contoso.com"));
	fd = find(&f, "frank@contoso.com", "StrongAuthenticationMethod");
	assert_non_null(fd);
	assert_int_equal(fd->severity, IR_SEV_MEDIUM);
	ir_findings_release(&f);
}

/* --- app-consent --- */

static void
consent(struct tev *e, uint64_t rec, const char *user, const char *admin,
	const char *perms)
{
	ev_init(e, rec, "2024-03-01T10:00:00Z", "Consent to application.", user,
		NULL);
	e->ev.object = "11111111-1111-1111-1111-111111111111";
	ev_param(e, "ConsentContext.IsAdminConsent", admin);
	ev_param(e, "ConsentAction.Permissions", perms);
}

static void
test_det_identity__consent(void **state)
{
	struct tev e[3];
	struct ir_findings f = IR_FINDINGS_INIT;
	const struct ir_finding *fd;

	consent(&e[0], 1, "gina@contoso.com", "False",
		"[] => [[Id: x, ConsentType: Principal, Scope:  openid "
		"Mail.Read offline_access, CreatedDateTime: ]]; ");
	consent(&e[1], 2, "admin@contoso.com", "True",
		"[[Scope: Mail.ReadWrite ]]");
	consent(&e[2], 3, "hank@contoso.com", "False",
		"[[Scope:  openid profile email offline_access ]]");
	run(&f, &ir_det_app_consent, e, 3);
	assert_int_equal(f.n, 3);
	fd = find(&f, "gina@contoso.com", NULL);
	assert_int_equal(fd->severity, IR_SEV_HIGH);
	assert_non_null(strstr(fd->summary, "Mail.Read (user consent, with "
					    "offline_access)"));
	assert_string_equal(fd->remediation,
			    "m365ir remediate gina@contoso.com --steps "
			    "sessions-and-password");
	assert_int_equal(find(&f, "admin@contoso.com", NULL)->severity,
			 IR_SEV_MEDIUM);
	assert_int_equal(find(&f, "hank@contoso.com", NULL)->severity,
			 IR_SEV_LOW);
	ir_findings_release(&f);
}

static void
test_det_identity__consent_two_copies(void **state)
{
	static const char perms[] =
		"[] => [[Id: x, "
		"ClientId: a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d, "
		"ConsentType: Principal, Scope:  Mail.Read offline_access ]]; ";
	static const char app[] = "6f1d2c3b-4a5e-4d7f-8a9b-0c1d2e3f4a5b";
	struct tev e[3];
	struct ir_findings f = IR_FINDINGS_INIT;
	const struct ir_finding *fd;

	/* The directory audit copy: by name, AppId in additionalDetails. */
	consent(&e[0], 1, "gina@contoso.com", "\"False\"", perms);
	e[0].ev.operation = "Consent to application";
	e[0].ev.source = "graph-directoryaudit";
	e[0].ev.object = "Mail Archiver";
	e[0].ev.time.nsec = 618000000;
	ev_param(&e[0], "AppId", app);
	/* The UAL copy: by AppId, the service principal in ClientId. */
	consent(&e[1], 2, "gina@contoso.com", "False", perms);
	e[1].ev.source = "ual-json";
	e[1].ev.object = app;
	/* The same app consented again a day later: same finding. */
	consent(&e[2], 3, "gina@contoso.com", "False", perms);
	e[2].ev.source = "ual-json";
	e[2].ev.object = app;
	e[2].ev.time.sec += 86400;
	run(&f, &ir_det_app_consent, e, 3);
	assert_int_equal(f.n, 1);
	fd = find(&f, "gina@contoso.com", app);
	assert_non_null(fd);
	assert_int_equal(fd->severity, IR_SEV_HIGH);
	assert_int_equal(fd->count, 2);
	assert_int_equal(fd->evidence[0].record, 1);
	assert_int_equal(fd->evidence[1].record, 3);
	assert_non_null(strstr(fd->summary, "application Mail Archiver "
					    "Mail.Read"));
	ir_findings_release(&f);
}

/* --- app-credential --- */

static void
test_det_identity__credential(void **state)
{
	struct tev e[3];
	struct ir_findings f = IR_FINDINGS_INIT;
	const struct ir_finding *fd;

	ev_init(&e[0], 1, "2024-03-01T10:00:00Z",
		"Add service principal credentials.", "ivan@contoso.com", NULL);
	e[0].ev.object = "ServicePrincipal_1";
	/* Registered, then given a secret, by the same account: medium. */
	ev_init(&e[1], 2, "2024-03-01T11:05:00Z",
		"Update application \xe2\x80\x93 Certificates and secrets "
		"management ",
		"judy@contoso.com", NULL);
	e[1].ev.object = "Application_2";
	ev_init(&e[2], 3, "2024-03-01T11:00:00Z", "Add application.",
		"judy@contoso.com", NULL);
	e[2].ev.object = "Application_2";
	ev_param(&e[2], "DisplayName", "[\r\n  \"clony\"\r\n]");
	run(&f, &ir_det_app_credential, e, 3);
	assert_int_equal(f.n, 2);
	fd = find(&f, "ivan@contoso.com", "ServicePrincipal_1");
	assert_non_null(fd);
	assert_int_equal(fd->severity, IR_SEV_HIGH);
	fd = find(&f, "judy@contoso.com", "Application_2");
	assert_non_null(fd);
	/* The low registration and the medium secret fold into one. */
	assert_int_equal(fd->severity, IR_SEV_MEDIUM);
	assert_int_equal(fd->count, 2);
	assert_time(fd->first_seen, "2024-03-01T11:00:00Z");
	ir_findings_release(&f);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_det_identity__op_is),
		cmocka_unit_test(test_det_identity__has_token),
		cmocka_unit_test(test_det_identity__classify),
		cmocka_unit_test(test_det_identity__strmap),
		cmocka_unit_test(test_det_identity__spray_hit),
		cmocka_unit_test(test_det_identity__spray_out_of_order),
		cmocka_unit_test(test_det_identity__spray_miss_spread),
		cmocka_unit_test(test_det_identity__spray_miss_four_users),
		cmocka_unit_test(test_det_identity__spray_two_logs),
		cmocka_unit_test(test_det_identity__brute_force),
		cmocka_unit_test(test_det_identity__brute_force_miss_slow),
		cmocka_unit_test(test_det_identity__brute_force_two_logs),
		cmocka_unit_test(test_det_identity__brute_force_same_log_twice),
		cmocka_unit_test(
			test_det_identity__brute_force_long_export_orders),
		cmocka_unit_test(test_det_identity__new_country),
		cmocka_unit_test(test_det_identity__new_country_bad_ip),
		cmocka_unit_test(
		    test_det_identity__new_country_miss_thin_baseline),
		cmocka_unit_test(test_det_identity__new_country_after_history),
		cmocka_unit_test(test_det_identity__new_country_attacker_stays),
		cmocka_unit_test(test_det_identity__new_country_miss_traveller),
		cmocka_unit_test(test_det_identity__legacy),
		cmocka_unit_test(test_det_identity__audit),
		cmocka_unit_test(test_det_identity__mfa),
		cmocka_unit_test(test_det_identity__consent),
		cmocka_unit_test(test_det_identity__consent_two_copies),
		cmocka_unit_test(test_det_identity__credential),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
