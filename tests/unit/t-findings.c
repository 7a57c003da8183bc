/* SPDX-License-Identifier: MIT */
/*
 * t-findings.c - folding hits into findings, the reading order, the JSON
 * contract, and the detection runner's prefilter.
 */
#include "tests/unit/test.h"

#include <yyjson.h>

#include "detect/detect.h"
#include "detect/findings.h"

static const char *const fwd_ops[] = {"Set-Mailbox", NULL};
static const char *const rule_ops[] = {"New-InboxRule", "UpdateInboxRules",
				       NULL};

static const struct ir_detection det_a = {.id = "aaa-test",
					  .title = "test a",
					  .attack = "T1114.003",
					  .operations = fwd_ops};
static const struct ir_detection det_b = {.id = "bbb-test",
					  .title = "test b",
					  .attack = "T1564.008",
					  .operations = rule_ops};

static struct ir_event
event_at(int64_t sec, uint64_t record, const char *ip)
{
	struct ir_event ev = {0};

	ev.time.sec = sec;
	ev.has_time = true;
	ev.file = "f.jsonl";
	ev.record = record;
	ev.operation = "Set-Mailbox";
	ev.client_ip = ip;
	ev.client_port = -1;
	return ev;
}

static void
hit(struct ir_findings *f, const struct ir_detection *det, enum ir_severity sev,
    const char *user, const char *key, const struct ir_event *ev)
{
	struct ir_hit h = {.det = det,
			   .severity = sev,
			   .user = user,
			   .key = key,
			   .summary = key,
			   .ev = ev};

	ir_findings_hit(f, &h);
}

static void
test_findings__same_key_folds_and_tracks_times(void **state)
{
	struct ir_findings f = IR_FINDINGS_INIT;
	struct ir_event e1 = event_at(2000, 7, "203.0.113.5");
	struct ir_event e2 = event_at(1000, 3, NULL);

	hit(&f, &det_a, IR_SEV_MEDIUM, "alice@contoso.com", "x@fabrikam.com",
	    &e1);
	hit(&f, &det_a, IR_SEV_HIGH, "alice@contoso.com", "x@fabrikam.com",
	    &e2);
	hit(&f, &det_a, IR_SEV_HIGH, "alice@contoso.com", "y@fabrikam.com",
	    &e2);
	assert_int_equal(f.n, 2);
	assert_int_equal(f.v[0]->count, 2);
	assert_int_equal(f.v[0]->severity, IR_SEV_HIGH); /* raised */
	assert_int_equal(f.v[0]->first_seen.sec, 1000);
	assert_int_equal(f.v[0]->last_seen.sec, 2000);
	assert_int_equal(f.v[0]->nevidence, 2);
	assert_int_equal(f.v[0]->evidence[0].record, 7);
	assert_string_equal(f.v[0]->evidence[0].client_ip, "203.0.113.5");
	assert_null(f.v[0]->evidence[1].client_ip);
	ir_findings_release(&f);
}

static void
test_findings__evidence_is_capped_and_counted(void **state)
{
	struct ir_findings f = IR_FINDINGS_INIT;

	for (int i = 0; i < IR_FINDING_MAX_EVIDENCE + 25; i++) {
		struct ir_event ev = event_at(i, (uint64_t)i + 1, NULL);

		hit(&f, &det_a, IR_SEV_LOW, "bob@contoso.com", NULL, &ev);
	}
	assert_int_equal(f.n, 1);
	assert_int_equal(f.v[0]->count, IR_FINDING_MAX_EVIDENCE + 25);
	assert_int_equal(f.v[0]->nevidence, IR_FINDING_MAX_EVIDENCE);
	assert_int_equal(f.v[0]->evidence_dropped, 25);
	ir_findings_release(&f);
}

static void
test_findings__many_subjects_survive_reindexing(void **state)
{
	struct ir_findings f = IR_FINDINGS_INIT;
	char key[32];

	for (int round = 0; round < 2; round++)
		for (int i = 0; i < 500; i++) {
			snprintf(key, sizeof(key), "rule-%d", i);
			hit(&f, &det_b, IR_SEV_LOW, "carol@contoso.com", key,
			    NULL);
		}
	assert_int_equal(f.n, 500);
	for (size_t i = 0; i < f.n; i++)
		assert_int_equal(f.v[i]->count, 2);
	ir_findings_release(&f);
}

static void
test_findings__sort_puts_worst_user_first(void **state)
{
	struct ir_findings f = IR_FINDINGS_INIT;
	struct ir_event ev = event_at(5, 1, NULL);

	hit(&f, &det_a, IR_SEV_MEDIUM, "zed@contoso.com", "k1", &ev);
	hit(&f, &det_b, IR_SEV_LOW, "amy@contoso.com", "k2", &ev);
	hit(&f, &det_b, IR_SEV_CRITICAL, "mia@contoso.com", "k3", &ev);
	hit(&f, &det_a, IR_SEV_LOW, "mia@contoso.com", "k4", &ev);
	hit(&f, &det_a, IR_SEV_MEDIUM, "bea@contoso.com", "k5", &ev);
	hit(&f, &det_b, IR_SEV_LOW, "bea@contoso.com", "k6", &ev);
	ir_findings_sort(&f);
	assert_string_equal(f.v[0]->user, "mia@contoso.com");
	assert_int_equal(f.v[0]->severity, IR_SEV_CRITICAL);
	assert_string_equal(f.v[1]->key, "k4");
	/* bea and zed are both medium; bea has more findings */
	assert_string_equal(f.v[2]->user, "bea@contoso.com");
	assert_string_equal(f.v[4]->user, "zed@contoso.com");
	assert_string_equal(f.v[5]->user, "amy@contoso.com");
	/* the index was dropped by the sort and must come back */
	hit(&f, &det_a, IR_SEV_MEDIUM, "zed@contoso.com", "k1", &ev);
	assert_int_equal(f.n, 6);
	ir_findings_release(&f);
}

/* Equal risk: the account hit first (the original victim) leads. */
static void
test_findings__sort_ties_by_first_seen(void **state)
{
	struct ir_findings f = IR_FINDINGS_INIT;
	struct ir_event late = event_at(2000, 1, NULL);
	struct ir_event early = event_at(1000, 2, NULL);

	hit(&f, &det_a, IR_SEV_HIGH, "alexw@contoso.com", "ip", &late);
	hit(&f, &det_b, IR_SEV_HIGH, "debrab@contoso.com", "rule", &early);
	ir_findings_sort(&f);
	assert_string_equal(f.v[0]->user, "debrab@contoso.com");
	assert_string_equal(f.v[1]->user, "alexw@contoso.com");
	ir_findings_release(&f);
}

static void
test_findings__json_follows_the_contract(void **state)
{
	struct ir_findings f = IR_FINDINGS_INIT;
	struct ir_buf b = IR_BUF_INIT;
	struct ir_event ev = event_at(1700000000, 12, "198.51.100.7");
	struct ir_hit h = {.det = &det_a,
			   .severity = IR_SEV_HIGH,
			   .user = "alice@contoso.com",
			   .key = "k",
			   .summary = "Rule \"=cmd\" forwards\nmail",
			   .remediation = "m365ir remediate alice@contoso.com",
			   .ev = &ev};
	yyjson_doc *doc;
	yyjson_val *root, *e0;

	ev.id = "abc";
	ir_findings_hit(&f, &h);
	ir_finding_write_json(&b, f.v[0]);
	doc = yyjson_read(b.buf, b.len, 0);
	assert_non_null(doc);
	root = yyjson_doc_get_root(doc);
	assert_string_equal(yyjson_get_str(yyjson_obj_get(root, "detection")),
			    "aaa-test");
	assert_string_equal(yyjson_get_str(yyjson_obj_get(root, "severity")),
			    "high");
	assert_string_equal(yyjson_get_str(yyjson_obj_get(root, "attack")),
			    "T1114.003");
	assert_string_equal(yyjson_get_str(yyjson_obj_get(root, "first_seen")),
			    "2023-11-14T22:13:20Z");
	assert_string_equal(yyjson_get_str(yyjson_obj_get(root, "summary")),
			    "Rule \"=cmd\" forwards\nmail");
	assert_int_equal(yyjson_get_uint(yyjson_obj_get(root, "count")), 1);
	e0 = yyjson_arr_get(yyjson_obj_get(root, "evidence"), 0);
	assert_int_equal(yyjson_get_uint(yyjson_obj_get(e0, "record")), 12);
	assert_string_equal(yyjson_get_str(yyjson_obj_get(e0, "id")), "abc");
	assert_string_equal(yyjson_get_str(yyjson_obj_get(e0, "client_ip")),
			    "198.51.100.7");
	assert_null(strchr(b.buf, '\n')); /* one line: JSON Lines safe */
	yyjson_doc_free(doc);
	ir_buf_release(&b);
	ir_findings_release(&f);
}

static void
test_detect__remediation_quotes_odd_users(void **state)
{
	char *cmd = ir_detect_remediation("alice@contoso.com", "mfa");

	assert_string_equal(cmd,
			    "m365ir remediate alice@contoso.com --steps mfa");
	free(cmd);
	cmd = ir_detect_remediation("o'brien@contoso.com;rm", NULL);
	assert_string_equal(cmd,
			    "m365ir remediate 'o'\\''brien@contoso.com;rm'");
	free(cmd);
	assert_null(ir_detect_remediation("NT AUTHORITY\\SYSTEM", NULL));
	assert_null(ir_detect_remediation("-rf@contoso.com", "mfa"));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(
			test_findings__same_key_folds_and_tracks_times),
		cmocka_unit_test(test_findings__evidence_is_capped_and_counted),
		cmocka_unit_test(
			test_findings__many_subjects_survive_reindexing),
		cmocka_unit_test(test_findings__sort_puts_worst_user_first),
		cmocka_unit_test(test_findings__sort_ties_by_first_seen),
		cmocka_unit_test(test_findings__json_follows_the_contract),
		cmocka_unit_test(test_detect__remediation_quotes_odd_users),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
