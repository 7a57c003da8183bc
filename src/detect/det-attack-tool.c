/* SPDX-License-Identifier: MIT */
/*
 * det-attack-tool.c - sign-ins by offensive tooling, by scripts posing as
 * a person, and the MFA sweep (ATT&CK T1087.004 cloud account discovery;
 * T1110 when the tool is guessing passwords).
 *
 * Many attack tools never change their HTTP client's user agent, and the
 * sign-in log keeps it (UAL ExtendedProperties UserAgent, Entra userAgent;
 * both the canonical UserAgent param). Signals, per user and tool:
 *  - a known offensive tool in the user agent or the application:
 *    AzureHound, ROADtools, AADInternals, MSOLSpray, o365spray,
 *    TeamFiltration, the BAV2ROPC legacy ROPC client that sprayers use,
 *    the fasthttp client of recent spray campaigns. High when a sign-in
 *    succeeded (or the password was accepted and only MFA stopped it),
 *    medium when every attempt failed;
 *  - a generic HTTP library signing in as a user (python-requests,
 *    Go-http-client, okhttp, curl, axios, Postman ...): people use
 *    browsers and Office clients, scripts use these. Medium on success;
 *    not reported when every attempt failed (the spray and brute-force
 *    detections weigh failures);
 *  - administration tools (Azure CLI, Azure PowerShell, Azure AD
 *    PowerShell, a PowerShell user agent): low when they got in, as they
 *    are normal for administrators and m365ir cannot tell offline who is
 *    one; not reported when every attempt failed;
 *  - the MFA sweep (MFASweep and its kind): one account signing in, with
 *    success or with only MFA stopping it, from four or more different
 *    device platforms or legacy clients within five minutes: someone with
 *    the password is probing which door has no MFA. High.
 * One finding per user and tool (key: the tool's name, "MFASweep" for the
 * sweep), judged in finish() so the summary can name every address.
 *
 * The sweep is judged per user on a ring of the SW_RING most recent
 * sign-ins in file order (time and platform only); each new sign-in is
 * compared with those within five minutes of it. Exports are not in time
 * order, but one sweep's records lie close together in any export, so the
 * approximation is: a sweep whose sign-ins are more than SW_RING of that
 * user's sign-ins apart in the file is missed. Evidence for the sweep is
 * one record per platform (the newest of that platform seen so far).
 *
 * Platforms, not raw user agents or resources, are counted: a person's
 * browser opens sign-ins to four resources in a second, and Outlook,
 * Teams, OneDrive and Edge are four user agents on one laptop, but
 * nobody is on Linux, a Mac, Android and a Windows Phone in five minutes.
 */
#include "util/compat.h"

#include "util/xalloc.h"
#include "detect/detect.h"
#include "detect/inboxrule.h"
#include "detect/signin.h"

#define SW_RING 32
#define SW_WINDOW (5 * 60)
#define SW_MIN_PLATFORMS 4
/* Evidence records kept per user and tool (the earliest). */
#define AT_SNAPS 8
#define AT_IPS 3
#define AT_UA_MAX 80

enum tool_class {
	TC_OFFENSIVE,
	TC_SCRIPT,
	TC_ADMIN,
};

struct tool {
	const char *name;
	const char *needle; /* lower-case substring of the user agent */
	enum tool_class cls;
	const char *what; /* for the summary */
};

/* Matched in order: the first hit names the tool. */
static const struct tool ua_tools[] = {
	{"AzureHound", "azurehound", TC_OFFENSIVE,
	 "the BloodHound collector that maps users, groups, roles and apps"},
	{"ROADtools", "roadrecon", TC_OFFENSIVE,
	 "a tenant-dumping and token toolkit"},
	{"ROADtools", "roadtx", TC_OFFENSIVE,
	 "a tenant-dumping and token toolkit"},
	{"ROADtools", "roadtools", TC_OFFENSIVE,
	 "a tenant-dumping and token toolkit"},
	{"AADInternals", "aadinternals", TC_OFFENSIVE,
	 "an Entra ID attack and recon toolkit"},
	{"MSOLSpray", "msolspray", TC_OFFENSIVE, "a password sprayer"},
	{"o365spray", "o365spray", TC_OFFENSIVE, "a password sprayer"},
	{"TeamFiltration", "teamfiltration", TC_OFFENSIVE,
	 "a spraying and exfiltration framework"},
	{"BAV2ROPC", "bav2ropc", TC_OFFENSIVE,
	 "the legacy password-only (ROPC) client that sprayers use"},
	{"fasthttp", "fasthttp", TC_OFFENSIVE,
	 "the HTTP client of large password-spray campaigns"},
	{"python-requests", "python-requests", TC_SCRIPT, "a Python script"},
	{"python", "python-urllib", TC_SCRIPT, "a Python script"},
	{"python", "python-httpx", TC_SCRIPT, "a Python script"},
	{"python", "aiohttp", TC_SCRIPT, "a Python script"},
	{"Go-http-client", "go-http-client", TC_SCRIPT, "a Go program"},
	{"okhttp", "okhttp", TC_SCRIPT, "a Java/Kotlin HTTP client"},
	{"curl", "curl/", TC_SCRIPT, "curl"},
	{"axios", "axios", TC_SCRIPT, "a Node.js script"},
	{"node-fetch", "node-fetch", TC_SCRIPT, "a Node.js script"},
	{"Postman", "postmanruntime", TC_SCRIPT, "Postman"},
	{"Azure PowerShell", "azurepowershell", TC_ADMIN,
	 "an administration tool"},
	{"Azure CLI", "azure-cli", TC_ADMIN, "an administration tool"},
	{"PowerShell", "powershell", TC_ADMIN, "a PowerShell session"},
};

struct app_tool {
	const char *name;
	const char *app;    /* appDisplayName */
	const char *app_id; /* well-known first-party client id */
};

/* Administration clients, by application (a script may set any agent). */
static const struct app_tool app_tools[] = {
	{"Azure CLI", "Microsoft Azure CLI",
	 "04b07795-8ddb-461a-bbee-02f9e1bf7b46"},
	{"Azure PowerShell", "Microsoft Azure PowerShell",
	 "1950a258-227b-4e31-a9cf-717495945fc2"},
	{"Azure AD PowerShell", "Azure Active Directory PowerShell",
	 "1b730954-1685-4b74-9bfd-dac224a7b894"},
};

/* What a sign-in came through, for the sweep. */
enum platform {
	PF_NONE = -1,
	PF_WINDOWS,
	PF_MAC,
	PF_LINUX,
	PF_ANDROID,
	PF_IOS,
	PF_WINPHONE,
	PF_CHROMEOS,
	PF_TOOL, /* a user agent naming no platform */
	PF_ACTIVESYNC,
	PF_EWS,
	PF_LEGACY, /* IMAP, POP, SMTP, "Other clients" ... */
	PF_N,
};

static const char *const pf_names[PF_N] = {
	"Windows",
	"macOS",
	"Linux",
	"Android",
	"iOS",
	"Windows Phone",
	"ChromeOS",
	"a non-browser client",
	"ActiveSync",
	"EWS",
	"a legacy client",
};

struct use {
	const char *tool; /* static */
	const char *what;
	enum tool_class cls;
	char *user;
	char *ua; /* safe, truncated; the first seen */
	uint64_t n, nok;
	struct ir_snap snaps[AT_SNAPS]; /* the earliest */
	struct ir_snap ok;		/* the earliest success */
};

struct ring_ent {
	int64_t sec;
	int8_t pf;
	bool swept;
};

struct sweeper {
	struct ring_ent ring[SW_RING];
	size_t n, next;
	struct ir_snap last[PF_N]; /* newest sign-in per platform */
	/* what was found */
	unsigned mask; /* platforms seen in a sweep; 0: none found */
	uint64_t nswept;
	struct ir_snap ev[PF_N];
	int64_t first, last_sec;
};

struct at {
	struct ir_strmap uses;	   /* "user\ntool" -> struct use */
	struct ir_strmap sweepers; /* user -> struct sweeper */
};

static void *
at_start(const struct ir_detect_ctx *ctx)
{
	return xcalloc(1, sizeof(struct at));
}

/* --- which tool --- */

static const struct tool *
match_ua(const char *ua)
{
	for (size_t i = 0; i < IR_ARRAY_SIZE(ua_tools); i++)
		if (strstr(ua, ua_tools[i].needle))
			return &ua_tools[i];
	return NULL;
}

static const char *
match_app(const struct ir_event *ev)
{
	const struct ir_str *app = ir_event_param_str(ev, "App");
	const struct ir_str *id = ir_event_param_str(ev, "AppId");

	for (size_t i = 0; i < IR_ARRAY_SIZE(app_tools); i++)
		if ((app && ir_str_eq_ci(*app, app_tools[i].app)) ||
		    (id && ir_str_eq_ci(*id, app_tools[i].app_id)))
			return app_tools[i].name;
	return NULL;
}

/*
 * The tool behind `ev`: offensive and scripted agents first, then the
 * administration applications, then administration agents. `lua` is the
 * user agent lower-cased.
 */
static bool
which_tool(struct tool *out, const struct ir_event *ev, const char *lua)
{
	const struct ir_str *ca = ir_event_param_str(ev, "ClientApp");
	const struct tool *t = match_ua(lua);
	const char *app;

	if (!t && ca && ir_str_eq_ci(*ca, "BAV2ROPC"))
		t = match_ua("bav2ropc");
	if (t && t->cls != TC_ADMIN) {
		*out = *t;
		return true;
	}
	if ((app = match_app(ev))) {
		*out = (struct tool){app, NULL, TC_ADMIN,
				     "an administration tool"};
		return true;
	}
	if (t)
		*out = *t;
	return !!t;
}

/* --- per user and tool --- */

static struct use *
use_get(struct at *st, const char *user, const struct tool *t,
	const struct ir_str *ua)
{
	char key[512];
	void **slot;
	struct use *u;

	snprintf(key, sizeof(key), "%s\n%s", user, t->name);
	slot = ir_strmap_put(&st->uses, key, NULL);
	if (*slot)
		return *slot;
	*slot = u = xcalloc(1, sizeof(*u));
	u->tool = t->name;
	u->what = t->what;
	u->cls = t->cls;
	u->user = xstrdup(user);
	if (ua && ua->len)
		u->ua = ir_detect__safe_dup(ua->ptr, ua->len, AT_UA_MAX);
	return u;
}

/* Keep the AT_SNAPS earliest records: replace the latest when full. */
static void
keep_snap(struct use *u, const struct ir_event *ev)
{
	struct ir_snap *late = NULL;

	for (size_t i = 0; i < AT_SNAPS; i++) {
		struct ir_snap *s = &u->snaps[i];

		if (!ir_snap_valid(s)) {
			ir_snap_set(s, ev);
			return;
		}
		if (!late || ir_time_cmp(s->time, late->time) > 0)
			late = s;
	}
	if (ev->has_time && ir_time_cmp(ev->time, late->time) < 0)
		ir_snap_set(late, ev);
}

static void
tool_signin(struct at *st, const struct ir_event *ev, enum ir_signin_kind kind,
	    const char *lua)
{
	const struct ir_str *ua = ir_event_param_str(ev, "UserAgent");
	bool ok = kind == IR_SIGNIN_SUCCESS || kind == IR_SIGNIN_PASSWORD_OK;
	struct tool t;
	struct use *u;

	if (!which_tool(&t, ev, lua))
		return;
	u = use_get(st, ev->user, &t, ua);
	u->n++;
	keep_snap(u, ev);
	if (!ok)
		return;
	u->nok++;
	if (!ir_snap_valid(&u->ok) ||
	    (ev->has_time && ir_time_cmp(ev->time, u->ok.time) < 0))
		ir_snap_set(&u->ok, ev);
}

/* --- the sweep --- */

static enum platform
legacy_client(const struct ir_event *ev)
{
	const struct ir_str *ca = ir_event_param_str(ev, "ClientApp");

	if (!ca || !ca->len || ir_str_eq_ci(*ca, "Browser") ||
	    ir_str_eq_ci(*ca, "Mobile Apps and Desktop clients"))
		return PF_NONE;
	if (ir_str_eq_ci(*ca, "Exchange ActiveSync"))
		return PF_ACTIVESYNC;
	if (ir_str_eq_ci(*ca, "Exchange Web Services"))
		return PF_EWS;
	return PF_LEGACY;
}

/* The platform a (lower-cased) user agent names; order matters. */
static enum platform
ua_platform(const char *ua)
{
	static const struct {
		const char *needle;
		enum platform pf;
	} map[] = {
		{"windows phone", PF_WINPHONE},
		{"android", PF_ANDROID},
		{"iphone", PF_IOS},
		{"ipad", PF_IOS},
		{"-ios", PF_IOS},
		{"ios/", PF_IOS},
		{" ios ", PF_IOS},
		{" cros ", PF_CHROMEOS},
		{"macintosh", PF_MAC},
		{"mac os", PF_MAC},
		{"macoutlook", PF_MAC},
		{"darwin", PF_MAC},
		{"windows", PF_WINDOWS},
		{"linux", PF_LINUX},
		{"x11", PF_LINUX},
	};

	if (!*ua)
		return PF_NONE;
	for (size_t i = 0; i < IR_ARRAY_SIZE(map); i++)
		if (strstr(ua, map[i].needle))
			return map[i].pf;
	return PF_TOOL;
}

static struct sweeper *
sweeper_get(struct at *st, const char *user)
{
	void **slot = ir_strmap_put(&st->sweepers, user, NULL);

	if (!*slot)
		*slot = xcalloc(1, sizeof(struct sweeper));
	return *slot;
}

static int
cmp_ent(const void *a, const void *b)
{
	const struct ring_ent *x = *(const struct ring_ent *const *)a;
	const struct ring_ent *y = *(const struct ring_ent *const *)b;

	return (x->sec > y->sec) - (x->sec < y->sec);
}

static unsigned
popcount(unsigned m)
{
	unsigned n = 0;

	for (; m; m &= m - 1)
		n++;
	return n;
}

/* Record the window v[i..j] as (part of) a sweep. */
static void
sweep_mark(struct sweeper *sw, struct ring_ent **v, size_t i, size_t j)
{
	for (size_t k = i; k <= j; k++) {
		unsigned bit = 1u << v[k]->pf;

		if (!v[k]->swept)
			sw->nswept++;
		v[k]->swept = true;
		if (!(sw->mask & bit) && ir_snap_valid(&sw->last[v[k]->pf])) {
			struct ir_event ev;

			ir_snap_event(&ev, &sw->last[v[k]->pf]);
			ir_snap_set(&sw->ev[v[k]->pf], &ev);
		}
		if (!sw->mask)
			sw->first = sw->last_sec = v[k]->sec;
		sw->mask |= bit;
		if (v[k]->sec < sw->first)
			sw->first = v[k]->sec;
		if (v[k]->sec > sw->last_sec)
			sw->last_sec = v[k]->sec;
	}
}

/* Judge the windows of SW_WINDOW seconds that contain the newest entry. */
static void
sweep_judge(struct sweeper *sw, const struct ring_ent *newest)
{
	struct ring_ent *v[SW_RING];
	size_t n = 0;

	for (size_t k = 0; k < sw->n; k++) {
		int64_t d = sw->ring[k].sec - newest->sec;

		if (d <= SW_WINDOW && d >= -SW_WINDOW)
			v[n++] = &sw->ring[k];
	}
	qsort(v, n, sizeof(*v), cmp_ent);
	for (size_t i = 0, j = 0; i < n; i++) {
		unsigned mask = 0;

		if (v[i]->sec > newest->sec)
			break;
		for (j = i; j < n && v[j]->sec - v[i]->sec <= SW_WINDOW; j++)
			mask |= 1u << v[j]->pf;
		if (v[j - 1]->sec >= newest->sec &&
		    popcount(mask) >= SW_MIN_PLATFORMS)
			sweep_mark(sw, v, i, j - 1);
	}
}

static void
sweep_signin(struct at *st, const struct ir_event *ev, const char *lua)
{
	enum platform pf = legacy_client(ev);
	struct sweeper *sw;
	struct ring_ent *e;

	if (pf == PF_NONE)
		pf = ua_platform(lua);
	if (pf == PF_NONE || !ev->has_time)
		return;
	sw = sweeper_get(st, ev->user);
	ir_snap_set(&sw->last[pf], ev);
	e = &sw->ring[sw->next];
	sw->next = (sw->next + 1) % SW_RING;
	if (sw->n < SW_RING)
		sw->n++;
	*e = (struct ring_ent){ev->time.sec, (int8_t)pf, false};
	sweep_judge(sw, e);
}

static void
at_event(void *state, const struct ir_event *ev, struct ir_findings *out)
{
	enum ir_signin_kind kind = ir_signin_classify(ev);
	const struct ir_str *ua;
	char lua[512] = "";

	if (kind == IR_SIGNIN_NONE || !ev->user || !*ev->user)
		return;
	if ((ua = ir_event_param_str(ev, "UserAgent")))
		ir_det_lower(lua, sizeof(lua), *ua);
	tool_signin(state, ev, kind, lua);
	if (kind == IR_SIGNIN_SUCCESS || kind == IR_SIGNIN_PASSWORD_OK)
		sweep_signin(state, ev, lua);
}

/* --- reporting --- */

/* Up to AT_IPS distinct addresses of `snaps`, ", "-separated. */
static void
add_ips(struct ir_buf *b, const struct ir_snap *const *snaps, size_t n)
{
	const char *seen[AT_IPS];
	size_t nseen = 0;
	bool more = false;

	for (size_t i = 0; i < n; i++) {
		const char *ip = snaps[i]->client_ip;
		bool dup = false;

		if (!ip)
			continue;
		for (size_t k = 0; k < nseen; k++)
			dup = dup || !strcmp(seen[k], ip);
		if (dup)
			continue;
		if (nseen == AT_IPS) {
			more = true;
			continue;
		}
		ir_buf_addf(b, "%s%s", nseen ? ", " : "", ip);
		seen[nseen++] = ip;
	}
	if (!nseen)
		ir_buf_addstr(b, "an unknown address");
	if (more)
		ir_buf_addstr(b, " and others");
}

static int
cmp_snap(const void *a, const void *b)
{
	const struct ir_snap *x = *(const struct ir_snap *const *)a;
	const struct ir_snap *y = *(const struct ir_snap *const *)b;
	int c = ir_time_cmp(x->time, y->time);

	if (c)
		return c;
	c = strcmp(x->file, y->file);
	return c ? c : (x->record > y->record) - (x->record < y->record);
}

/* The evidence of `u` in time order; the earliest success included. */
static size_t
use_snaps(const struct ir_snap **v, const struct use *u)
{
	size_t n = 0;
	bool have_ok = !ir_snap_valid(&u->ok);

	for (size_t i = 0; i < AT_SNAPS; i++) {
		const struct ir_snap *s = &u->snaps[i];

		if (!ir_snap_valid(s))
			continue;
		v[n++] = s;
		if (!have_ok && s->record == u->ok.record &&
		    !strcmp(s->file, u->ok.file))
			have_ok = true;
	}
	if (!have_ok)
		v[n++] = &u->ok;
	qsort(v, n, sizeof(*v), cmp_snap);
	return n;
}

static enum ir_severity
use_severity(const struct use *u)
{
	switch (u->cls) {
	case TC_OFFENSIVE:
		return u->nok ? IR_SEV_HIGH : IR_SEV_MEDIUM;
	case TC_SCRIPT:
		return u->nok ? IR_SEV_MEDIUM : IR_SEV_LOW;
	default:
		return IR_SEV_LOW;
	}
}

static const char *
use_advice(const struct use *u)
{
	if (u->cls == TC_ADMIN)
		return "normal for administrators; for anyone else, ask who "
		       "ran it";
	if (!u->nok)
		return "every attempt failed: make sure the account has MFA "
		       "and block the address";
	if (u->cls == TC_SCRIPT)
		return "a person does not sign in through an HTTP library: "
		       "unless this is a known script, treat the password as "
		       "stolen";
	return "the attacker holds a valid password or token: revoke "
	       "sessions, reset the password and review what the account "
	       "read";
}

static void
report_use(struct ir_findings *out, const struct use *u)
{
	const struct ir_snap *v[AT_SNAPS + 1];
	size_t n = use_snaps(v, u);
	struct ir_buf b = IR_BUF_INIT;
	char when[IR_TIME_MAX], *fix = NULL;
	struct ir_hit hit = {.det = &ir_det_attack_tool,
			     .severity = use_severity(u),
			     .user = u->user,
			     .key = u->tool};

	ir_time_format(when, v[0]->time);
	ir_buf_addf(&b,
		    "%s (%s; user agent \"%s\") signed in as %s: "
		    "%llu sign-in(s), %llu succeeded, the first at %s, from ",
		    u->tool, u->what, u->ua ? u->ua : "none", u->user,
		    (unsigned long long)u->n, (unsigned long long)u->nok,
		    v[0]->has_time ? when : "an unknown time");
	add_ips(&b, v, n);
	ir_buf_addf(&b, ": %s", use_advice(u));
	if (u->nok && u->cls != TC_ADMIN)
		fix = ir_detect_remediation(u->user, "sessions-and-password");
	hit.summary = b.buf;
	hit.remediation = fix;
	ir_det_hit_n(out, &hit, v, n, u->n);
	free(fix);
	ir_buf_release(&b);
}

static void
report_sweep(struct ir_findings *out, const char *user,
	     const struct sweeper *sw)
{
	const struct ir_snap *v[PF_N];
	struct ir_buf b = IR_BUF_INIT;
	char when[IR_TIME_MAX], *fix;
	size_t n = 0;
	struct ir_hit hit = {.det = &ir_det_attack_tool,
			     .severity = IR_SEV_HIGH,
			     .user = user,
			     .key = "MFASweep"};

	if (!sw->mask)
		return;
	for (size_t i = 0; i < PF_N; i++)
		if (ir_snap_valid(&sw->ev[i]))
			v[n++] = &sw->ev[i];
	qsort(v, n, sizeof(*v), cmp_snap);
	ir_time_format(when, (struct ir_time){sw->first, 0});
	ir_buf_addf(&b,
		    "%s signed in through %u different platforms or "
		    "clients (",
		    user, popcount(sw->mask));
	for (size_t i = 0, k = 0; i < PF_N; i++)
		if (sw->mask & (1u << i))
			ir_buf_addf(&b, "%s%s", k++ ? ", " : "", pf_names[i]);
	ir_buf_addf(&b, ") within %d minutes at %s, from ", SW_WINDOW / 60,
		    when);
	add_ips(&b, v, n);
	ir_buf_addstr(&b, ": an MFA sweep, someone with the password is "
			  "looking for a way in without MFA");
	fix = ir_detect_remediation(user, "sessions-and-password");
	hit.summary = b.buf;
	hit.remediation = fix;
	ir_det_hit_n(out, &hit, v, n, sw->nswept);
	free(fix);
	ir_buf_release(&b);
}

/*
 * A script or admin tool that never got in is a failed sign-in, which
 * password-spray and brute-force already weigh; reporting it per account
 * would bury the accounts that matter under every spray target. A named
 * offensive tool is worth a line even when it failed.
 */
static bool
worth_reporting(const struct use *u)
{
	return u->nok || u->cls == TC_OFFENSIVE;
}

static void
at_finish(void *state, struct ir_findings *out)
{
	struct at *st = state;

	for (size_t i = 0; i < st->uses.size; i++)
		if (st->uses.keys[i] && worth_reporting(st->uses.vals[i]))
			report_use(out, st->uses.vals[i]);
	for (size_t i = 0; i < st->sweepers.size; i++)
		if (st->sweepers.keys[i])
			report_sweep(out, st->sweepers.keys[i],
				     st->sweepers.vals[i]);
}

static void
use_free(void *p)
{
	struct use *u = p;

	for (size_t i = 0; i < AT_SNAPS; i++)
		ir_snap_release(&u->snaps[i]);
	ir_snap_release(&u->ok);
	free(u->user);
	free(u->ua);
	free(u);
}

static void
sweeper_free(void *p)
{
	struct sweeper *sw = p;

	for (size_t i = 0; i < PF_N; i++) {
		ir_snap_release(&sw->last[i]);
		ir_snap_release(&sw->ev[i]);
	}
	free(sw);
}

static void
at_free(void *state)
{
	struct at *st = state;

	if (!st)
		return;
	ir_strmap_release(&st->uses, use_free);
	ir_strmap_release(&st->sweepers, sweeper_free);
	free(st);
}

static const char *const at_ops[] = {"UserLoggedIn", "UserLoginFailed",
				     "Sign-in activity", NULL};

const struct ir_detection ir_det_attack_tool = {
	.id = "attack-tool",
	.title = "Sign-ins by attack tools, scripts, or an MFA sweep",
	.attack = "T1087.004",
	.operations = at_ops,
	.start = at_start,
	.event = at_event,
	.finish = at_finish,
	.free = at_free,
};
