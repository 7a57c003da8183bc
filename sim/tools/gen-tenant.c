/* SPDX-License-Identifier: MIT */
/*
 * gen-tenant.c - writes a graphsim tenant fixture of N users (1 to
 * 100,000) for benchmarks: `gen-tenant [--seed S] [--rate R] N FILE`.
 *
 * The output uses the schema of docs/graphsim.md ("Fixtures") and the
 * story of sim/tenants/contoso-breach.json, scaled: every user has a
 * mailbox and a morning sign-in from the office; a share R of them
 * (default 0.01) is compromised and carries every artifact m365ir must
 * find, and as many others carry the benign look-alikes that must not be
 * flagged. The demo application of contoso-breach is registered with the
 * same client id and secret, so a benchmark signs in the same way.
 *
 * Determinism is the point: no clock, no global RNG state. Every id and
 * every choice is a hash of (seed, kind, user index), so two runs with
 * the same arguments give the same bytes, and a user's ids do not move
 * when R changes. The JSON is written compactly by hand (all strings are
 * ASCII made here, so nothing needs escaping) and flushed in large
 * chunks: 100,000 users take about a second.
 *
 * This is a developer tool, not part of m365ir: it prints and exits.
 */
#include "util/compat.h"

#include <errno.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/parse.h"
#include "util/xalloc.h"

#define USERS_MAX 100000
#define FLUSH_AT (8u << 20)
#define PPM 1000000u
#define DAY "2026-11-24"
#define TENANT_ID "5d0c4b3a-2e1f-4a9b-8c7d-6e5f4a3b2c1d"
#define DEMO_APP "5e0c9a3b-7d21-4f6e-9b8a-3c4d5e6f7a80"
#define DEMO_SECRET "gs~DemoSecret.contoso-breach.0123456789"
#define MAL_APP "c0ffee00-1a2b-4c3d-8e4f-5a6b7c8d9e0f"
#define GRAPH_APP "00000003-0000-0000-c000-000000000000"
#define OFFICE_IP "192.0.2.10"
#define ATTACK_IP "203.0.113.45"
#define IMAP_IP "203.0.113.46"

/* Kinds of generated ids: each kind hashes into its own GUID space. */
enum kind {
	K_USER = 1, K_EXGUID, K_AUTHM, K_SIGNIN, K_CORR, K_UAL, K_AUDIT,
	K_SP, K_RULE, K_KEY,
};

/* What a user is in the story. */
enum role { R_PLAIN, R_COMPROMISED, R_LOOKALIKE };

struct gen {
	FILE *out;
	const char *path;
	struct ir_buf b;
	uint64_t seed;
	uint32_t rate_ppm;
	size_t n;
	unsigned char *role; /* enum role per user */
	size_t ncomp;
	bool first; /* no comma before the next array element */
};

static const char *const given[] = {
	"Ava", "Ben", "Carla", "Dev", "Elena", "Farid", "Greta", "Hugo",
	"Ines", "Jonas", "Kira", "Luca", "Maya", "Noah", "Olga", "Pavel",
	"Quinn", "Rosa", "Sami", "Tara", "Uma", "Victor", "Wen", "Yusuf",
};

static const char *const family[] = {
	"Novak", "Okafor", "Lindqvist", "Moreau", "Tanaka", "Ruiz", "Haddad",
	"Kowalski", "Byrne", "Sato", "Ferreira", "Costa", "Ivanova", "Olsen",
	"Petrov", "Rossi", "Silva", "Thompson", "Varga", "Wang", "Yilmaz",
};

static uint64_t
mix(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t
hash3(uint64_t seed, enum kind k, uint64_t i)
{
	return mix(mix(seed ^ ((uint64_t)k << 56)) ^ i);
}

/* A version 4 GUID that depends only on (kind, i): ids stay put. */
static void
guid(char out[37], enum kind k, uint64_t i)
{
	uint64_t a = hash3(0x436f6e746f736fULL, k, i), b = mix(a ^ i);

	snprintf(out, 37, "%08x-%04x-4%03x-%04x-%012llx",
		 (unsigned)(a >> 32), (unsigned)(a >> 16) & 0xffff,
		 (unsigned)a & 0xfff, 0x8000 | ((unsigned)(b >> 48) & 0x3fff),
		 (unsigned long long)(b & 0xffffffffffffULL));
}

static void
flush(struct gen *g)
{
	if (g->b.len && fwrite(g->b.buf, 1, g->b.len, g->out) != g->b.len) {
		fprintf(stderr, "gen-tenant: %s: %s\n", g->path,
			strerror(errno));
		exit(1);
	}
	ir_buf_reset(&g->b);
}

static void
maybe_flush(struct gen *g)
{
	if (g->b.len >= FLUSH_AT)
		flush(g);
}

/* Start an array element: the comma goes before all but the first. */
static void
elem(struct gen *g)
{
	if (!g->first)
		ir_buf_addch(&g->b, ',');
	ir_buf_addch(&g->b, '\n');
	g->first = false;
	maybe_flush(g);
}

static void
open_array(struct gen *g, const char *key)
{
	ir_buf_addf(&g->b, ",\n\"%s\":[", key);
	g->first = true;
}

static void
close_array(struct gen *g)
{
	ir_buf_addstr(&g->b, "\n]");
}

/* user.N's local part: given.familyN, unique through N. */
static void
local_part(char *out, size_t size, size_t i)
{
	snprintf(out, size, "%s.%s%zu", given[i % IR_ARRAY_SIZE(given)],
		 family[(i / IR_ARRAY_SIZE(given)) % IR_ARRAY_SIZE(family)],
		 i);
	for (char *p = out; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
}

/* A time on DAY from seconds since midnight (wrapped to the day). */
static void
at(char out[24], unsigned secs)
{
	secs %= 86400;
	snprintf(out, 24, DAY "T%02u:%02u:%02uZ", secs / 3600,
		 secs / 60 % 60, secs % 60);
}

/* The attack on user i starts at 13:48 and each step follows in turn. */
static unsigned
attack_secs(size_t i, unsigned step)
{
	return 13 * 3600 + 48 * 60 + (unsigned)(i % 600) + step * 45;
}

static void
assign_roles(struct gen *g)
{
	g->role = xcalloc(g->n, 1);
	for (size_t i = 1; i < g->n; i++) {
		uint64_t h = hash3(g->seed, K_USER, i) % PPM;

		/* user 0 is the admin: never compromised, never a look-alike */
		if (h < g->rate_ppm) {
			g->role[i] = R_COMPROMISED;
			g->ncomp++;
		} else if (h < 2ull * g->rate_ppm) {
			g->role[i] = R_LOOKALIKE;
		}
	}
}

static void
write_tenant(struct gen *g)
{
	ir_buf_addf(&g->b,
		    "{\"tenant\":{\"id\":\"" TENANT_ID "\","
		    "\"displayName\":\"Contoso (gen-tenant %zu users, seed "
		    "%llu)\",\"verifiedDomains\":["
		    "{\"name\":\"contoso.com\",\"isDefault\":true,"
		    "\"isInitial\":false},"
		    "{\"name\":\"contoso.onmicrosoft.com\",\"isDefault\":false,"
		    "\"isInitial\":true}]}", g->n,
		    (unsigned long long)g->seed);
}

static void
password_cred(struct gen *g, unsigned k, const char *name,
	      const char *start, const char *end, const char *secret)
{
	char id[37];

	guid(id, K_KEY, k);
	ir_buf_addf(&g->b,
		    "{\"customKeyIdentifier\":null,\"displayName\":\"%s\","
		    "\"endDateTime\":\"%s\",\"hint\":\"%.3s\",\"keyId\":\"%s\","
		    "\"startDateTime\":\"%s\"", name, end, secret, id, start);
	if (secret[3])
		ir_buf_addf(&g->b, ",\"secretText\":\"%s\"", secret);
	ir_buf_addch(&g->b, '}');
}

static void
demo_app(struct gen *g)
{
	elem(g);
	ir_buf_addstr(&g->b,
		      "{\"id\":\"3a9e5c7d-1b2f-4c6e-8d0a-9f8e7d6c5b10\","
		      "\"appId\":\"" DEMO_APP "\","
		      "\"displayName\":\"m365ir demo\","
		      "\"signInAudience\":\"AzureADMyOrg\",\"roles\":["
		      "\"User.ReadWrite.All\",\"MailboxSettings.ReadWrite\","
		      "\"UserAuthenticationMethod.ReadWrite.All\","
		      "\"Policy.ReadWrite.AuthenticationMethod\","
		      "\"AuditLog.Read.All\",\"Directory.Read.All\","
		      "\"Application.ReadWrite.All\",\"Exchange.ManageAsApp\"],"
		      "\"passwordCredentials\":[");
	password_cred(g, 1, "m365ir demo secret", "2026-01-05T09:00:00Z",
		      "2099-12-31T00:00:00Z", DEMO_SECRET);
	ir_buf_addstr(&g->b, "],\"keyCredentials\":[]}");
}

static void
write_apps(struct gen *g)
{
	char t[24];

	open_array(g, "applications");
	demo_app(g);
	elem(g);
	ir_buf_addstr(&g->b,
		      "{\"id\":\"3a9e5c7d-1b2f-4c6e-8d0a-9f8e7d6c5b11\","
		      "\"appId\":\"a4b3c2d1-6e5f-4a7b-8c9d-0e1f2a3b4c5d\","
		      "\"displayName\":\"Contoso Payroll Connector\","
		      "\"signInAudience\":\"AzureADMyOrg\","
		      "\"roles\":[\"User.Read.All\"],\"passwordCredentials\":[");
	password_cred(g, 2, "prod", "2025-04-18T11:25:00Z",
		      "2027-04-18T11:25:00Z", "Pq4");
	if (g->ncomp) {
		/* the first victim's session added it: one per tenant */
		at(t, attack_secs(0, 8));
		ir_buf_addch(&g->b, ',');
		password_cred(g, 3, "sync", t, "2028-11-24T14:10:22Z", "q8R");
	}
	ir_buf_addstr(&g->b, "],\"keyCredentials\":[]}");
	close_array(g);
}

static void
service_principal(struct gen *g, unsigned n, const char *app,
		  const char *name, const char *owner)
{
	char id[37];

	guid(id, K_SP, n);
	elem(g);
	ir_buf_addf(&g->b,
		    "{\"id\":\"%s\",\"appId\":\"%s\",\"appDisplayName\":\"%s\","
		    "\"displayName\":\"%s\",\"accountEnabled\":true,"
		    "\"appOwnerOrganizationId\":\"%s\","
		    "\"servicePrincipalType\":\"Application\","
		    "\"passwordCredentials\":[],\"keyCredentials\":[]}",
		    id, app, name, name, owner);
}

static void
write_sps(struct gen *g)
{
	open_array(g, "servicePrincipals");
	service_principal(g, 1, GRAPH_APP, "Microsoft Graph",
			  "f8cdef31-a31e-4b4a-93e4-5f571e91255a");
	service_principal(g, 2, DEMO_APP, "m365ir demo", TENANT_ID);
	if (g->ncomp)
		service_principal(g, 3, MAL_APP, "MailBackup Sync",
				  "7a1b2c3d-4e5f-4a6b-9c8d-e0f1a2b3c4d5");
	close_array(g);
}

static void
authenticator(struct gen *g, size_t i, unsigned which, const char *name,
	      const char *when)
{
	char id[37];

	guid(id, K_AUTHM, i * 4 + which);
	ir_buf_addf(&g->b,
		    ",{\"@odata.type\":\"#microsoft.graph."
		    "microsoftAuthenticatorAuthenticationMethod\",\"id\":\"%s\","
		    "\"displayName\":\"%s\",\"deviceTag\":"
		    "\"SoftwareTokenActivated\",\"phoneAppVersion\":\"6.8.7\","
		    "\"createdDateTime\":\"%s\"}", id, name, when);
}

static void
auth_methods(struct gen *g, size_t i)
{
	char t[24];

	ir_buf_addstr(&g->b,
		      ",\"authenticationMethods\":[{\"@odata.type\":"
		      "\"#microsoft.graph.passwordAuthenticationMethod\","
		      "\"id\":\"28c10230-6103-485e-b985-444c60001490\","
		      "\"password\":null,"
		      "\"createdDateTime\":\"2023-03-01T09:00:00Z\"}");
	if (g->role[i] != R_PLAIN)
		authenticator(g, i, 0, "own phone", "2024-03-01T10:00:00Z");
	if (g->role[i] == R_COMPROMISED) {
		at(t, attack_secs(i, 1));
		authenticator(g, i, 1, "SM-G991B", t);
		ir_buf_addstr(&g->b,
			      ",{\"@odata.type\":\"#microsoft.graph."
			      "phoneAuthenticationMethod\",\"id\":"
			      "\"3179e48a-750b-4051-897c-87b9720928f7\","
			      "\"phoneNumber\":\"+44 7700900461\","
			      "\"phoneType\":\"mobile\","
			      "\"smsSignInState\":\"notAllowedByPolicy\"}");
	} else if (g->role[i] == R_LOOKALIKE) {
		/* the user's own new phone, registered from the office */
		at(t, 16 * 3600 + (unsigned)(i % 3600));
		authenticator(g, i, 2, "iPhone 15 Pro", t);
	}
	ir_buf_addch(&g->b, ']');
}

static void
write_user(struct gen *g, size_t i)
{
	char id[37], local[64];

	guid(id, K_USER, i);
	if (i)
		local_part(local, sizeof(local), i);
	else
		snprintf(local, sizeof(local), "admin");
	elem(g);
	ir_buf_addf(&g->b,
		    "{\"id\":\"%s\",\"userPrincipalName\":\"%s@contoso.com\","
		    "\"displayName\":\"%s %s\",\"givenName\":\"%s\","
		    "\"surname\":\"%s\",\"mail\":\"%s@contoso.com\","
		    "\"jobTitle\":null,\"mobilePhone\":null,"
		    "\"officeLocation\":null,\"preferredLanguage\":\"en-US\","
		    "\"businessPhones\":[],\"accountEnabled\":true,"
		    "\"passwordPolicies\":\"None\","
		    "\"createdDateTime\":\"2023-03-01T09:00:00Z\","
		    "\"perUserMfaState\":\"%s\"", id, local,
		    given[i % IR_ARRAY_SIZE(given)],
		    family[(i / IR_ARRAY_SIZE(given)) % IR_ARRAY_SIZE(family)],
		    given[i % IR_ARRAY_SIZE(given)],
		    family[(i / IR_ARRAY_SIZE(given)) % IR_ARRAY_SIZE(family)],
		    local, g->role[i] == R_PLAIN ? "disabled" : "enforced");
	auth_methods(g, i);
	ir_buf_addch(&g->b, '}');
}

static void
write_users(struct gen *g)
{
	open_array(g, "users");
	for (size_t i = 0; i < g->n; i++)
		write_user(g, i);
	close_array(g);
}

/* A messageRule; `hidden` adds graphsim's hidden flag. */
static void
rule(struct gen *g, size_t i, unsigned seq, const char *name,
     const char *cond, const char *act, bool hidden)
{
	uint64_t h = hash3(g->seed, K_RULE, i * 8 + seq);
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
				  "opqrstuvwxyz0123456789+/";
	char id[13];

	/* base64 of 8 bytes, 01 00 00 00 and 4 of the hash (RuleIdentity) */
	id[0] = 'A';
	id[1] = 'Q';
	id[2] = 'A';
	id[3] = 'A';
	id[4] = 'A';
	id[5] = b64[(h >> 26) & 15];
	id[6] = b64[(h >> 20) & 63];
	id[7] = b64[(h >> 14) & 63];
	id[8] = b64[(h >> 8) & 63];
	id[9] = b64[(h >> 2) & 63];
	id[10] = b64[(h & 3) << 4];
	id[11] = '=';
	id[12] = '\0';
	ir_buf_addf(&g->b,
		    "%s{\"id\":\"%s\",\"displayName\":\"%s\",\"sequence\":%u,"
		    "\"isEnabled\":true,\"hasError\":false,\"isReadOnly\":false,"
		    "%s\"conditions\":%s,\"actions\":%s}", seq > 1 ? "," : "",
		    id, name, seq, hidden ? "\"hidden\":true," : "", cond, act);
}

static void
compromised_rules(struct gen *g, size_t i)
{
	char act[160];

	snprintf(act, sizeof(act),
		 "{\"forwardTo\":[{\"emailAddress\":{\"name\":\"exfil%zu\","
		 "\"address\":\"exfil%zu@fabrikam.com\"}}],"
		 "\"stopProcessingRules\":false}", i, i);
	rule(g, i, 1, "..", "{\"bodyContains\":[\"invoice\",\"payment\"]}",
	     act, false);
	rule(g, i, 2, ".",
	     "{\"subjectContains\":[\"phish\",\"hacked\",\"password\"]}",
	     "{\"moveToFolder\":\"RSS Feeds\",\"markAsRead\":true,"
	     "\"stopProcessingRules\":true}", false);
	rule(g, i, 3, "x",
	     "{\"senderContains\":[\"helpdesk@contoso.com\"]}",
	     "{\"delete\":true,\"markAsRead\":true,"
	     "\"stopProcessingRules\":true}", true);
}

static void
mailbox_rules(struct gen *g, size_t i)
{
	char act[320], local[64];

	ir_buf_addstr(&g->b, ",\"inboxRules\":[");
	if (g->role[i] == R_COMPROMISED) {
		compromised_rules(g, i);
	} else if (g->role[i] == R_LOOKALIKE) {
		local_part(local, sizeof(local), i + 1 < g->n ? i + 1 : 1);
		snprintf(act, sizeof(act),
			 "{\"forwardTo\":[{\"emailAddress\":{\"name\":\"%s\","
			 "\"address\":\"%s@contoso.com\"}}],"
			 "\"stopProcessingRules\":false}", local, local);
		rule(g, i, 1, "Invoices to my manager",
		     "{\"subjectContains\":[\"invoice\"]}", act, false);
	}
	ir_buf_addch(&g->b, ']');
}

static void
mailbox_perms(struct gen *g, size_t i)
{
	char local[64];
	bool comp = g->role[i] == R_COMPROMISED;

	ir_buf_addstr(&g->b,
		      ",\"mailboxPermissions\":[{\"User\":"
		      "\"NT AUTHORITY\\\\SELF\",\"AccessRights\":[\"FullAccess\","
		      "\"ReadPermission\"],\"IsInherited\":false,\"Deny\":false,"
		      "\"InheritanceType\":\"All\"}");
	local_part(local, sizeof(local), i + 1 < g->n ? i + 1 : 1);
	if (comp)
		ir_buf_addf(&g->b,
			    ",{\"User\":\"%s@contoso.com\",\"AccessRights\":"
			    "[\"FullAccess\"],\"IsInherited\":false,"
			    "\"Deny\":false,\"InheritanceType\":\"All\"}",
			    local);
	ir_buf_addstr(&g->b,
		      "],\"recipientPermissions\":[{\"Trustee\":"
		      "\"NT AUTHORITY\\\\SELF\",\"AccessControlType\":\"Allow\","
		      "\"AccessRights\":[\"SendAs\"],\"IsInherited\":false,"
		      "\"InheritanceType\":\"None\",\"TrusteeSidString\":"
		      "\"S-1-5-10\"}");
	if (comp)
		ir_buf_addf(&g->b,
			    ",{\"Trustee\":\"%s@contoso.com\","
			    "\"AccessControlType\":\"Allow\",\"AccessRights\":"
			    "[\"SendAs\"],\"IsInherited\":false,"
			    "\"InheritanceType\":\"None\",\"TrusteeSidString\":"
			    "\"S-1-5-21-3623811015-3361044348-30300820-%zu\"}",
			    local, 1000 + i + 1);
	ir_buf_addch(&g->b, ']');
}

static void
write_mailbox(struct gen *g, size_t i)
{
	char local[64], exg[37], fwd[64] = "null";
	bool comp = g->role[i] == R_COMPROMISED;

	local_part(local, sizeof(local), i);
	guid(exg, K_EXGUID, i);
	if (comp)
		snprintf(fwd, sizeof(fwd), "\"smtp:exfil%zu@fabrikam.com\"", i);
	elem(g);
	ir_buf_addf(&g->b,
		    "{\"UserPrincipalName\":\"%s@contoso.com\","
		    "\"WindowsLiveID\":\"%s@contoso.com\","
		    "\"PrimarySmtpAddress\":\"%s@contoso.com\","
		    "\"Alias\":\"%s\",\"DisplayName\":\"%s\","
		    "\"RecipientTypeDetails\":\"UserMailbox\","
		    "\"ExchangeGuid\":\"%s\",\"ForwardingAddress\":null,"
		    "\"ForwardingSmtpAddress\":%s,"
		    "\"DeliverToMailboxAndForward\":%s,"
		    "\"GrantSendOnBehalfTo\":[],\"AuditEnabled\":true,"
		    "\"AuditLogAgeLimit\":\"90.00:00:00\","
		    "\"DefaultAuditSet\":[\"Admin\",\"Delegate\",\"Owner\"]",
		    local, local, local, local, local, exg, fwd,
		    comp ? "true" : "false");
	mailbox_rules(g, i);
	mailbox_perms(g, i);
	ir_buf_addch(&g->b, '}');
}

static void
write_mailboxes(struct gen *g)
{
	/* user 0, the admin, has no mailbox (as in contoso-breach) */
	open_array(g, "mailboxes");
	for (size_t i = 1; i < g->n; i++)
		write_mailbox(g, i);
	close_array(g);
}

static void
write_grants(struct gen *g)
{
	char id[37], sp_mal[37], sp_graph[37];

	guid(sp_graph, K_SP, 1);
	guid(sp_mal, K_SP, 3);
	open_array(g, "oauth2PermissionGrants");
	for (size_t i = 1; i < g->n; i++) {
		if (g->role[i] != R_COMPROMISED)
			continue;
		guid(id, K_USER, i);
		elem(g);
		ir_buf_addf(&g->b,
			    "{\"id\":\"grant-%zu\",\"clientId\":\"%s\","
			    "\"consentType\":\"Principal\",\"principalId\":"
			    "\"%s\",\"resourceId\":\"%s\",\"scope\":"
			    "\"Mail.Read offline_access User.Read\"}", i,
			    sp_mal, id, sp_graph);
	}
	close_array(g);
}

static void
write_tenant_config(struct gen *g)
{
	char local[64];

	write_grants(g);
	open_array(g, "mailboxAuditBypassAssociations");
	for (size_t i = 1; i < g->n; i++) {
		if (g->role[i] != R_COMPROMISED)
			continue;
		local_part(local, sizeof(local), i);
		elem(g);
		ir_buf_addf(&g->b,
			    "{\"Identity\":\"%s\",\"Name\":\"%s\","
			    "\"AuditBypassEnabled\":true}", local, local);
	}
	close_array(g);
	ir_buf_addstr(&g->b,
		      ",\n\"organizationConfig\":{\"AuditDisabled\":false},"
		      "\n\"adminAuditLogConfig\":{"
		      "\"UnifiedAuditLogIngestionEnabled\":true,"
		      "\"AdminAuditLogEnabled\":true}");
}

struct signin {
	unsigned secs;
	const char *ip, *country, *city, *client, *app, *app_id;
	unsigned seq; /* per-user sign-in number, for the ids */
};

static void
signin(struct gen *g, size_t i, const struct signin *s)
{
	char id[37], corr[37], uid[37], t[24], local[64];

	guid(id, K_SIGNIN, i * 4 + s->seq);
	guid(corr, K_CORR, i * 4 + s->seq);
	guid(uid, K_USER, i);
	at(t, s->secs);
	if (i)
		local_part(local, sizeof(local), i);
	else
		snprintf(local, sizeof(local), "admin");
	elem(g);
	ir_buf_addf(&g->b,
		    "{\"id\":\"%s\",\"createdDateTime\":\"%s\","
		    "\"userDisplayName\":\"%s\",\"userPrincipalName\":"
		    "\"%s@contoso.com\",\"userId\":\"%s\",\"appId\":\"%s\","
		    "\"appDisplayName\":\"%s\",\"ipAddress\":\"%s\","
		    "\"clientAppUsed\":\"%s\",\"correlationId\":\"%s\","
		    "\"conditionalAccessStatus\":\"notApplied\","
		    "\"isInteractive\":true,\"riskDetail\":\"none\","
		    "\"riskLevelAggregated\":\"none\","
		    "\"riskLevelDuringSignIn\":\"none\",\"riskState\":\"none\","
		    "\"riskEventTypes\":[],\"status\":{\"errorCode\":0,"
		    "\"failureReason\":null,\"additionalDetails\":null},"
		    "\"location\":{\"city\":\"%s\",\"countryOrRegion\":\"%s\"}}",
		    id, t, local, local, uid, s->app_id, s->app, s->ip,
		    s->client, corr, s->city, s->country);
}

static void
write_signins(struct gen *g)
{
	static const char oh[] = "4765445b-32c6-49b0-83e6-1d93765276ca";
	static const char exo[] = "00000002-0000-0ff1-ce00-000000000000";
	struct signin s;

	open_array(g, "signIns");
	for (size_t i = 0; i < g->n; i++) {
		s = (struct signin){ 7 * 3600 + (unsigned)(i % 7200),
				     OFFICE_IP, "US", "Redmond", "Browser",
				     "OfficeHome", oh, 0 };
		signin(g, i, &s);
		if (g->role[i] != R_COMPROMISED)
			continue;
		s = (struct signin){ attack_secs(i, 0), ATTACK_IP, "NG",
				     "Lagos", "Browser", "OfficeHome", oh, 1 };
		signin(g, i, &s);
		s = (struct signin){ attack_secs(i, 0) + 5400, IMAP_IP, "NG",
				     "Lagos", "IMAP4",
				     "Office 365 Exchange Online", exo, 2 };
		signin(g, i, &s);
	}
	close_array(g);
}

/* One UAL ExchangeAdmin record with its Parameters (a JSON array). */
static void
ual_admin(struct gen *g, size_t i, unsigned step, const char *op,
	  const char *params)
{
	char id[37], t[24], local[64];

	guid(id, K_UAL, i * 16 + step);
	at(t, attack_secs(i, step));
	t[19] = '\0'; /* UAL times have no zone letter */
	local_part(local, sizeof(local), i);
	elem(g);
	ir_buf_addf(&g->b,
		    "{\"CreationTime\":\"%s\",\"Id\":\"%s\",\"Operation\":"
		    "\"%s\",\"OrganizationId\":\"" TENANT_ID "\","
		    "\"RecordType\":1,\"ResultStatus\":\"True\",\"UserKey\":"
		    "\"%s@contoso.com\",\"UserType\":2,\"Version\":1,"
		    "\"Workload\":\"Exchange\",\"ClientIP\":\"" ATTACK_IP
		    ":49821\",\"UserId\":\"%s@contoso.com\",\"ObjectId\":"
		    "\"%s\",\"Parameters\":%s}", t, id, op, local, local,
		    local, params);
}

static void
ual_story(struct gen *g, size_t i)
{
	char p[320], local[64], next[64];

	local_part(local, sizeof(local), i);
	local_part(next, sizeof(next), i + 1 < g->n ? i + 1 : 1);
	snprintf(p, sizeof(p),
		 "[{\"Name\":\"Name\",\"Value\":\"..\"},{\"Name\":\"ForwardTo\","
		 "\"Value\":\"exfil%zu@fabrikam.com\"}]", i);
	ual_admin(g, i, 3, "New-InboxRule", p);
	ual_admin(g, i, 4, "New-InboxRule",
		  "[{\"Name\":\"Name\",\"Value\":\".\"},{\"Name\":"
		  "\"MoveToFolder\",\"Value\":\"RSS Feeds\"}]");
	snprintf(p, sizeof(p),
		 "[{\"Name\":\"Identity\",\"Value\":\"%s\"},{\"Name\":"
		 "\"ForwardingSmtpAddress\",\"Value\":"
		 "\"smtp:exfil%zu@fabrikam.com\"}]", local, i);
	ual_admin(g, i, 5, "Set-Mailbox", p);
	snprintf(p, sizeof(p),
		 "[{\"Name\":\"Identity\",\"Value\":\"%s\"},{\"Name\":\"User\","
		 "\"Value\":\"%s@contoso.com\"},{\"Name\":\"AccessRights\","
		 "\"Value\":\"FullAccess\"}]", local, next);
	ual_admin(g, i, 6, "Add-MailboxPermission", p);
	snprintf(p, sizeof(p),
		 "[{\"Name\":\"Identity\",\"Value\":\"%s\"},{\"Name\":"
		 "\"Trustee\",\"Value\":\"%s@contoso.com\"},{\"Name\":"
		 "\"AccessRights\",\"Value\":\"SendAs\"}]", local, next);
	ual_admin(g, i, 7, "Add-RecipientPermission", p);
	snprintf(p, sizeof(p),
		 "[{\"Name\":\"Identity\",\"Value\":\"%s\"},{\"Name\":"
		 "\"AuditBypassEnabled\",\"Value\":\"True\"}]", local);
	ual_admin(g, i, 9, "Set-MailboxAuditBypassAssociation", p);
}

static void
write_ual(struct gen *g)
{
	open_array(g, "unifiedAuditLog");
	for (size_t i = 1; i < g->n; i++)
		if (g->role[i] == R_COMPROMISED)
			ual_story(g, i);
	close_array(g);
}

static void
generate(struct gen *g)
{
	assign_roles(g);
	write_tenant(g);
	write_apps(g);
	write_sps(g);
	write_users(g);
	write_mailboxes(g);
	write_tenant_config(g);
	write_signins(g);
	write_ual(g);
	ir_buf_addstr(&g->b, "\n}\n");
	flush(g);
}

static void
usage(void)
{
	fprintf(stderr, "usage: gen-tenant [--seed S] [--rate R] N FILE\n"
			"  N: users, 1 to %d; R: share compromised, 0 to 0.5 "
			"(default 0.01)\n", USERS_MAX);
	exit(2);
}

/* "0.0125" -> 12500 parts per million; at most 6 decimals, <= 0.5. */
static int
parse_rate(uint32_t *out, const char *s)
{
	uint64_t ppm = 0, scale = PPM;
	const char *p = s;

	if (*p == '0')
		p++;
	else
		return -1;
	if (*p == '.') {
		for (p++; *p >= '0' && *p <= '9' && scale > 1; p++) {
			scale /= 10;
			ppm += (uint64_t)(*p - '0') * scale;
		}
	}
	if (*p || ppm > PPM / 2)
		return -1;
	*out = (uint32_t)ppm;
	return 0;
}

static void
parse_args(struct gen *g, int argc, char **argv)
{
	struct ir_err err = IR_ERR_INIT;
	int i = 1, n = 0;

	for (; i + 1 < argc && argv[i][0] == '-'; i += 2) {
		if (!strcmp(argv[i], "--seed")) {
			if (ir_parse_uint64(&g->seed, argv[i + 1],
					    strlen(argv[i + 1]), &err))
				usage();
		} else if (!strcmp(argv[i], "--rate")) {
			if (parse_rate(&g->rate_ppm, argv[i + 1]))
				usage();
		} else {
			usage();
		}
	}
	if (argc - i != 2 || ir_parse_int(&n, argv[i], strlen(argv[i]), 1,
					  USERS_MAX, &err))
		usage();
	g->n = (size_t)n;
	g->path = argv[i + 1];
}

int
main(int argc, char **argv)
{
	struct gen g = { .seed = 1, .rate_ppm = PPM / 100 };

	parse_args(&g, argc, argv);
	ir_buf_init(&g.b);
	g.out = fopen(g.path, "wb");
	if (!g.out) {
		fprintf(stderr, "gen-tenant: %s: %s\n", g.path,
			strerror(errno));
		return 1;
	}
	generate(&g);
	if (fclose(g.out)) {
		fprintf(stderr, "gen-tenant: %s: %s\n", g.path,
			strerror(errno));
		return 1;
	}
	ir_buf_release(&g.b);
	free(g.role);
	return 0;
}
