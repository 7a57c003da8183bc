/* SPDX-License-Identifier: MIT */
/*
 * gen-render.c - one Contoso event in the shape of each export: the
 * Management Activity API record (Office 365 Management Activity API
 * schema: common schema, Exchange admin, Exchange mailbox, SharePoint,
 * Azure AD, Teams), the Purview audit-search CSV row that wraps it, the
 * Graph beta `signIn` and the Graph v1.0 `directoryAudit`.
 *
 * Field names, order and types follow real exports; every value is made
 * up here. Ids, times and (for the CSV) the US-locale date are left as
 * slot markers (gen-logs.h) so that one rendering can be written many
 * times by the benchmark. Anything derived (object ids, mailbox GUIDs)
 * comes from a hash of the person or the event, never from the PRNG
 * stream, so adding a field never shifts the rest of the story.
 */
#include "bench/gen-story.h"

#define ORG_ID "5b7f3c1e-9d2a-4e68-b0c4-7a1f2e3d4c5b"
#define ORG_NAME "contoso.onmicrosoft.com"
#define EXO_DN                                                    \
	"AM9PR07A004.PROD.OUTLOOK.COM/Microsoft Exchange Hosted " \
	"Organizations/contoso.onmicrosoft.com/"
#define APP_EXO "00000002-0000-0ff1-ce00-000000000000"
#define APP_GRAPH "00000003-0000-0000-c000-000000000000"
#define APP_EVIL "7d3c9a51-2e84-4b6f-a0d9-5c18e3f27b64"
#define APP_ZOOM "3a9e6d12-5b7c-4f08-8e21-c64d0b9f1a37"
/* Their service principals' object ids in Contoso's directory. */
#define SP_EVIL "c2e85f14-6a3b-4d97-8f21-0b5e9d4c7a36"
#define SP_ZOOM "91f4b7d2-3c6e-4a85-b1d0-7e2a5c9f6b18"
#define EVIL_FWD "lisadevries.archive@fabrikam.com"

static const struct {
	const char *city, *state;
	double lat, lon;
} towns[] = {
	{"Amsterdam", "Noord-Holland", 52.3676, 4.9041},
	{"Haarlem", "Noord-Holland", 52.3874, 4.6462},
	{"Utrecht", "Utrecht", 52.0907, 5.1214},
	{"Almere", "Flevoland", 52.3508, 5.2647},
	{"Leiden", "Zuid-Holland", 52.1601, 4.4970},
	{"Amstelveen", "Noord-Holland", 52.3114, 4.8701},
	{"Hilversum", "Noord-Holland", 52.2292, 5.1669},
	{"Zaandam", "Noord-Holland", 52.4420, 4.8292},
	{"Lagos", "Lagos", 6.4550, 3.3941},
};

static const struct {
	const char *id, *name, *client;
} apps[] = {
	{"4765445b-32c6-49b0-83e6-1d93765276ca", "OfficeHome", "Browser"},
	{"00000002-0000-0ff1-ce00-000000000000", "Office 365 Exchange Online",
	 "Browser"},
	{"d3590ed6-52b3-4102-aeff-aad2292ab01c", "Microsoft Office",
	 "Mobile Apps and Desktop clients"},
};

static const char *const agents[] = {
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
	"(KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36 Edg/142.0.0.0",
	"Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15"
	" (KHTML, like Gecko) Version/19.1 Safari/605.1.15",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
	"(KHTML, like Gecko) Chrome/142.0.0.0 Safari/537.36",
	"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
	"(KHTML, like Gecko) Chrome/139.0.0.0 Safari/537.36",
	"python-requests/2.32.3",
};

static bool
hostile(const struct gen_ev *e)
{
	return e->net == GEN_NET_ATTACKER || e->net == GEN_NET_SPRAY2;
}

/* A GUID that depends only on (a, b): stable ids for people and events. */
static void
hguid(uint64_t a, uint64_t b, char out[37])
{
	struct gen_rng r;

	gen_rng_seed(&r, a * 0x9e3779b97f4a7c15ULL ^ b);
	gen_rng_guid(&r, out);
}

static void
upn(char *out, size_t n, int who)
{
	snprintf(out, n, "%s@" GEN_DOMAIN, gen_people[who].local);
}

static const char *
agent(const struct gen_ev *e)
{
	if (e->var == GEN_V_SPRAY)
		return agents[4];
	return agents[hostile(e) ? 3 : e->who % 3];
}

static int
town(const struct gen_ev *e)
{
	if (hostile(e))
		return 8;
	return e->net == GEN_NET_OFFICE ? 0 : gen_people[e->who].home;
}

static void
ip(char *out, size_t n, const struct gen_ev *e)
{
	if (e->net == GEN_NET_OFFICE)
		snprintf(out, n, "198.51.100.%d", 10 + e->who % 4);
	else if (e->net == GEN_NET_ATTACKER)
		snprintf(out, n, "203.0.113.77");
	else if (e->net == GEN_NET_SPRAY2)
		snprintf(out, n, "203.0.113.78");
	else if (e->who % 7 == 3)
		snprintf(out, n, "2001:db8:4c1:%x::1e", 0x20 + e->who);
	else
		snprintf(out, n, "192.0.2.%d", 20 + e->who);
}

/* Exchange writes `ip:port`, with IPv6 in brackets. */
static void
ip_port(char *out, size_t n, const struct gen_ev *e)
{
	char a[64];

	ip(a, sizeof(a), e);
	snprintf(out, n, strchr(a, ':') ? "[%s]:%u" : "%s:%u", a,
		 49152 + (e->seq * 7919u) % 16000);
}

static void
puid(char *out, size_t n, int who)
{
	snprintf(out, n, "10032003%08X", 0x1A2B3C00u + (unsigned)who * 977u);
}

/*
 * The members every UAL record starts with, in the order the service
 * writes them (Management Activity API "Common schema").
 */
static void
common(struct ir_buf *b, const char *op, int rtype, const char *result,
       const char *key, int utype, const char *workload)
{
	gj_str(b, "CreationTime", GEN_SLOT_ISO_STR);
	gj_str(b, "Id", "\x01");
	gj_str(b, "Operation", op);
	gj_str(b, "OrganizationId", ORG_ID);
	gj_num(b, "RecordType", rtype);
	if (result)
		gj_str(b, "ResultStatus", result);
	gj_str(b, "UserKey", key);
	/* 0 Regular, 2 Admin (Management Activity API UserType). */
	gj_num(b, "UserType", utype);
	gj_num(b, "Version", 1);
	gj_str(b, "Workload", workload);
}

static void target_id(struct ir_buf *b, const char *id, int type);

static void
actor_target(struct ir_buf *b, const struct gen_ev *e, const char *oid,
	     const char *user, const char *target)
{
	char g[37];

	gj_open(b, "Actor", '[');
	gj_open(b, NULL, '{');
	gj_str(b, "ID", oid);
	gj_num(b, "Type", 0);
	gj_close(b, '}');
	gj_open(b, NULL, '{');
	gj_str(b, "ID", user);
	gj_num(b, "Type", 5);
	gj_close(b, '}');
	gj_close(b, ']');
	gj_str(b, "ActorContextId", ORG_ID);
	hguid(e->seq, 11, g);
	gj_str(b, "InterSystemsId", g);
	gj_str(b, "IntraSystemId", "\x01");
	gj_str(b, "SupportTicketId", "");
	if (!target)
		return;
	gj_open(b, "Target", '[');
	target_id(b, target, 0);
	gj_close(b, ']');
	gj_str(b, "TargetContextId", ORG_ID);
}

static void
target_id(struct ir_buf *b, const char *id, int type)
{
	gj_open(b, NULL, '{');
	gj_str(b, "ID", id);
	gj_num(b, "Type", type);
	gj_close(b, '}');
}

/*
 * A service principal as Entra names it in a consent's Target list: its
 * object id twice, its display name (Type 1), its app id (Types 2 and 4).
 */
static void
sp_target(struct ir_buf *b, const char *sp, const char *app, const char *name)
{
	char tag[64];

	snprintf(tag, sizeof(tag), "ServicePrincipal_%s", sp);
	gj_open(b, "Target", '[');
	target_id(b, tag, 2);
	target_id(b, sp, 2);
	target_id(b, "ServicePrincipal", 2);
	target_id(b, name, 1);
	target_id(b, app, 2);
	target_id(b, app, 4);
	gj_close(b, ']');
	gj_str(b, "TargetContextId", ORG_ID);
}

/* UserLoggedIn, UserLoginFailed: RecordType 15 AzureActiveDirectoryStsLogon. */
static void
r_login(struct ir_buf *b, const struct gen_ev *e, struct gen_meta *m)
{
	bool ok = e->var == GEN_V_OK;
	char oid[37], a[64], g[37];

	hguid(e->who, 1, oid);
	ip(a, sizeof(a), e);
	/* People type their UPN as they like; the log keeps it. */
	if (e->who % 5 == 0 && m->user[0])
		m->user[0] = (char)(m->user[0] - 'a' + 'A');
	m->record_type = 15;
	m->operation = ok ? "UserLoggedIn" : "UserLoginFailed";
	common(b, m->operation, 15, ok ? "Success" : "Failed", oid, 0,
	       "AzureActiveDirectory");
	gj_str(b, "ClientIP", a);
	gj_str(b, "ObjectId", APP_EXO);
	gj_str(b, "UserId", m->user);
	gj_num(b, "AzureActiveDirectoryEventType", 1);
	gj_open(b, "ExtendedProperties", '[');
	gj_nv(b, "ResultStatusDetail", ok ? "Redirect" : "Success");
	gj_nv(b, "UserAgent", agent(e));
	gj_nv(b, "RequestType", ok ? "OAuth2:Authorize" : "Login:login");
	gj_close(b, ']');
	gj_raw(b, "ModifiedProperties", "[]");
	actor_target(b, e, oid, m->user, APP_EXO);
	gj_str(b, "ActorIpAddress", a);
	gj_str(b, "ApplicationId", apps[e->aux % 3].id);
	gj_open(b, "DeviceProperties", '[');
	gj_nv(b, "OS", e->who % 3 == 1 && !hostile(e) ? "MacOs" : "Windows10");
	gj_nv(b, "BrowserType", e->who % 3 == 1 ? "Safari" : "Edge");
	gj_nv(b, "IsCompliantAndManaged", "False");
	hguid(e->who * 31 + e->sec / 86400, 2, g);
	gj_nv(b, "SessionId", g);
	gj_close(b, ']');
	/* AADSTS50126: invalid username or password, the spray's answer. */
	gj_str(b, "ErrorNumber", ok ? "0" : "50126");
	if (!ok)
		gj_str(b, "LogonError", "InvalidUserNameOrPassword");
}

static void
mailbox_head(struct ir_buf *b, const struct gen_ev *e, struct gen_meta *m,
	     const char *owner)
{
	char a[64], g[37], key[32];

	ip(a, sizeof(a), e);
	puid(key, sizeof(key), e->who);
	common(b, m->operation, m->record_type, "Succeeded", key, 0,
	       "Exchange");
	gj_str(b, "ClientIP", a);
	gj_str(b, "UserId", m->user);
	/* Variant 4 is the attacker's app reading mail with its new grant. */
	gj_str(b, "AppId", e->var == 4 ? APP_EVIL : APP_EXO);
	gj_str(b, "ClientAppId", e->var == 4 ? APP_EVIL : "");
	gj_str(b, "ClientIPAddress", a);
	gj_str(b, "ClientInfoString",
	       e->var == 4  ? "Client=REST;;"
	       : e->var % 2 ? "Client=OWA;Action=ViaProxy"
			    : "Client=MSExchangeRPC");
	gj_raw(b, "ExternalAccess", "false");
	gj_num(b, "InternalLogonType", 0);
	/* LogonType 1 is a delegate opening someone else's mailbox. */
	gj_num(b, "LogonType", e->aux ? 1 : 0);
	gj_strf(b, "LogonUserSid",
		"S-1-5-21-2217469981-3480316221-"
		"1902873312-%d",
		1100 + e->who);
	hguid(e->aux ? 900 + e->aux : e->who, 3, g);
	gj_str(b, "MailboxGuid", g);
	gj_strf(b, "MailboxOwnerSid",
		"S-1-5-21-2217469981-3480316221-"
		"1902873312-%d",
		e->aux ? 1000 + e->aux : 1100 + e->who);
	gj_str(b, "MailboxOwnerUPN", owner);
	gj_str(b, "OrganizationName", ORG_NAME);
	/* Mailbox records really do end this value with CRLF. */
	gj_str(b, "OriginatingServer", "AM9PR07MB7342 (15.20.9366.012)\r\n");
}

static const char *const folders[] = {
	"\\Inbox",
	"\\Postvak IN",
	"\\Inbox\\Facturen",
	"\\Sent Items",
};

/* MailItemsAccessed, RecordType 50 ExchangeItemAggregated. */
static void
r_mail(struct ir_buf *b, const struct gen_ev *e, struct gen_meta *m)
{
	char owner[128], g[37];
	bool bind = e->var != 0;
	int items = bind ? 2 + (int)(e->seq % 4) : 0;

	if (e->aux)
		snprintf(owner, sizeof(owner), "%s@" GEN_DOMAIN,
			 gen_shared[(e->aux - 1) % GEN_NSHARED]);
	else
		upn(owner, sizeof(owner), e->who);
	m->record_type = 50;
	m->operation = "MailItemsAccessed";
	mailbox_head(b, e, m, owner);
	gj_open(b, "OperationProperties", '[');
	gj_nv(b, "MailAccessType", bind ? "Bind" : "Sync");
	gj_nv(b, "IsThrottled", "False");
	gj_close(b, ']');
	hguid(e->who, e->sec / 3600, g);
	gj_str(b, "SessionId", g);
	gj_open(b, "Folders", '[');
	gj_open(b, NULL, '{');
	if (bind) {
		gj_open(b, "FolderItems", '[');
		for (int i = 0; i < items; i++) {
			hguid(e->seq, 20 + i, g);
			gj_open(b, NULL, '{');
			gj_strf(b, "InternetMessageId",
				"<AM9PR07MB%04u%.8s@"
				"AM9PR07MB7342.eurprd07.prod.outlook.com>",
				(e->seq * 13 + i) % 10000, g);
			gj_num(b, "SizeInBytes",
			       9000 + (e->seq * 37 + i * 7717) % 240000);
			gj_close(b, '}');
		}
		gj_close(b, ']');
	}
	gj_strf(b, "Id",
		"LgAAAAAkxnQ0lEVmQrUR%08XAQBbx09aQ9NyTYQ5Eg0sAAAA"
		"AAEMAAAB",
		0x5A000000u + e->who);
	gj_str(b, "Path", folders[e->var % 4]);
	gj_close(b, '}');
	gj_close(b, ']');
	gj_num(b, "OperationCount", bind ? items : 1);
}

static const char *const subjects[] = {
	"RE: Offerte \"Q4\" \u2013 caf\u00e9 M\u00fcller",
	"Factuur 2026-1187",
	"Weekly sync / agenda",
	"FW: Contract renewal (signed)",
	"Lunch vrijdag?",
	"Re: Sprint review \u2014 notes",
	"Vakantieplanning december",
	"Your Q3 expense report",
};

/* Send, RecordType 2 ExchangeItem. */
static void
r_send(struct ir_buf *b, const struct gen_ev *e, struct gen_meta *m)
{
	char g[37];

	m->record_type = 2;
	m->operation = "Send";
	mailbox_head(b, e, m, m->user);
	hguid(e->seq, 5, g);
	gj_open(b, "Item", '{');
	gj_strf(b, "Id", "RgAAAAAkxnQ0lEVmQrUR%.8sBwBbx09aQ9NyTYQ5Eg0sAAAA", g);
	gj_strf(b, "InternetMessageId",
		"<AM9PR07MB7342%.12s@AM9PR07MB7342."
		"eurprd07.prod.outlook.com>",
		g + 24);
	gj_open(b, "ParentFolder", '{');
	gj_str(b, "Id", "LgAAAAAkxnQ0lEVmQrURAQBbx09aQ9NyTYQ5Eg0sAAAAAAEJAAAB");
	gj_str(b, "Path", "\\Sent Items");
	gj_close(b, '}');
	gj_num(b, "SizeInBytes", 14000 + (e->seq * 53) % 90000);
	gj_str(b, "Subject", subjects[e->var % 8]);
	gj_close(b, '}');
}

static const char *const files[] = {
	"Begroting 2027.xlsx",	     "Offerte caf\u00e9 M\u00fcller.docx",
	"Roadmap Q1.pptx",	     "Notulen MT 17-11.docx",
	"Facturen november.xlsx",    "Architecture overview.vsdx",
	"Onboarding checklist.docx", "Klantlijst \"A\" 2026.xlsx",
};

/* FileAccessed & co, RecordType 6 SharePointFileOperation. */
static void
r_file(struct ir_buf *b, const struct gen_ev *e, struct gen_meta *m)
{
	static const char *const ops[] = {"FileAccessed",  "FileAccessed",
					  "FileAccessed",  "FileModified",
					  "FilePreviewed", "FileAccessed",
					  "FileUploaded",  "FileDownloaded"};
	const char *f = files[(e->var + e->who) % 8], *dept;
	char a[64], key[96], g[37], site[128];

	ip(a, sizeof(a), e);
	dept = gen_people[e->who].dept;
	snprintf(site, sizeof(site), "https://contoso.sharepoint.com/sites/%s/",
		 dept);
	m->record_type = 6;
	m->operation = ops[e->var % 8];
	snprintf(key, sizeof(key), "i:0h.f|membership|%08x2a1b@live.com",
		 0x10032003u + e->who);
	common(b, m->operation, 6, NULL, key, 0, "SharePoint");
	gj_str(b, "ClientIP", a);
	gj_strf(b, "ObjectId", "%sGedeelde documenten/%s", site, f);
	gj_str(b, "UserId", m->user);
	gj_str(b, "ApplicationId", "d3590ed6-52b3-4102-aeff-aad2292ab01c");
	gj_str(b, "AuthenticationType", "OAuth");
	gj_str(b, "BrowserName", e->who % 3 == 1 ? "Safari" : "Edge");
	gj_str(b, "BrowserVersion", e->who % 3 == 1 ? "19.1" : "142.0");
	hguid(e->seq, 6, g);
	gj_str(b, "CorrelationId", g);
	gj_str(b, "EventSource", "SharePoint");
	gj_raw(b, "IsManagedDevice",
	       e->net == GEN_NET_OFFICE ? "true" : "false");
	gj_str(b, "ItemType", "File");
	hguid(e->who % 8, 7, g);
	gj_str(b, "ListId", g);
	hguid(e->var + e->who, 8, g);
	gj_str(b, "ListItemUniqueId", g);
	gj_str(b, "Platform", "WinDesktop");
	hguid(e->who % 8, 9, g);
	gj_str(b, "Site", g);
	gj_str(b, "UserAgent", agent(e));
	gj_str(b, "WebId", g);
	gj_raw(b, "HighPriorityMediaProcessing", "false");
	gj_num(b, "ListBaseType", 1);
	gj_num(b, "ListServerTemplate", 101);
	gj_str(b, "SourceFileExtension", strrchr(f, '.') + 1);
	gj_str(b, "SiteUrl", site);
	gj_str(b, "SourceRelativeUrl", "Gedeelde documenten");
	gj_str(b, "SourceFileName", f);
}

/* MessageSent, RecordType 25 MicrosoftTeams. */
static void
r_teams(struct ir_buf *b, const struct gen_ev *e, struct gen_meta *m)
{
	char a[64], oid[37], g[37];

	ip(a, sizeof(a), e);
	hguid(e->who, 1, oid);
	m->record_type = 25;
	m->operation = "MessageSent";
	common(b, m->operation, 25, NULL, oid, 0, "MicrosoftTeams");
	gj_str(b, "ClientIP", a);
	gj_str(b, "UserId", m->user);
	hguid(e->who % 8, 12, g);
	gj_str(b, "AADGroupId", g);
	gj_strf(b, "ChannelGuid", "19:%.8s%.4sthread.tacv2", g, g + 9);
	gj_str(b, "ChannelName", "General");
	gj_str(b, "ChannelType", "Standard");
	gj_str(b, "CommunicationType", "Team");
	gj_num(b, "MessageId", 1763900000000LL + e->seq);
	gj_num(b, "MessageSizeInBytes", 300 + e->seq % 1900);
	gj_num(b, "MessageVersion", 1);
	gj_strf(b, "TeamName", "%s", gen_people[e->who].dept);
	gj_str(b, "TeamGuid", g);
	gj_str(b, "ResourceTenantId", ORG_ID);
	gj_raw(b, "MessageURLs", "[]");
}

/* Parameters of the Exchange cmdlets in the story, as Name/Value pairs. */
static void
cmdlet_params(struct ir_buf *b, const struct gen_ev *e, struct gen_meta *m)
{
	const char *me = gen_people[e->who].name;

	gj_open(b, "Parameters", '[');
	switch (e->var) {
	case GEN_C_RULE_HIDE:
		gj_nv(b, "AlwaysDeleteOutlookRulesBlob", "False");
		gj_nv(b, "Force", "False");
		gj_nv(b, "MoveToFolder", "RSS Feeds");
		gj_nv(b, "Name", "..");
		gj_nv(b, "SubjectOrBodyContainsWords", "invoice;payment;wire");
		gj_nv(b, "MarkAsRead", "True");
		gj_nv(b, "StopProcessingRules", "True");
		break;
	case GEN_C_RULE_SORT:
		gj_nv(b, "AlwaysDeleteOutlookRulesBlob", "False");
		gj_nv(b, "Force", "False");
		gj_nv(b, "From", "nieuwsbrief@fabrikam.com");
		gj_nv(b, "MoveToFolder", "Nieuwsbrieven");
		gj_nv(b, "Name", "Nieuwsbrieven");
		gj_nv(b, "StopProcessingRules", "False");
		break;
	case GEN_C_RULE_FWD_INTERNAL:
		gj_nv(b, "AlwaysDeleteOutlookRulesBlob", "False");
		gj_nv(b, "Force", "False");
		gj_nv(b, "ForwardTo", "sanne.kuijpers@" GEN_DOMAIN);
		gj_nv(b, "Name", "Doorsturen naar Sanne (verlof)");
		gj_nv(b, "StopProcessingRules", "False");
		break;
	case GEN_C_SETMBX_FWD:
		gj_nv(b, "Identity", me);
		gj_nv(b, "ForwardingSmtpAddress", "smtp:" EVIL_FWD);
		gj_nv(b, "DeliverToMailboxAndForward", "False");
		break;
	case GEN_C_PERM_SHARED:
		gj_nv(b, "Identity", "info");
		gj_nv(b, "User", "sanne.kuijpers@" GEN_DOMAIN);
		gj_nv(b, "AccessRights", "FullAccess");
		gj_nv(b, "InheritanceType", "All");
		gj_nv(b, "AutoMapping", "True");
		break;
	default:
		gj_nv(b, "Identity", m->user);
		gj_nv(b, "User", "noah.peters@" GEN_DOMAIN);
		gj_nv(b, "AccessRights", "FullAccess");
		gj_nv(b, "InheritanceType", "All");
		break;
	}
	gj_close(b, ']');
}

/* A 22-character base64url token id made from a GUID's hex digits. */
static void
token(char out[23], const char *guid)
{
	static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmn"
				  "opqrstuvwxyz0123456789-_";
	size_t o = 0;

	for (size_t i = 0; guid[i] && o < 22; i++) {
		if (guid[i] == '-')
			continue;
		out[o] = b64[((unsigned char)guid[i] * 7u + o) % 64];
		o++;
	}
	out[o] = '\0';
}

/* Exchange cmdlets, RecordType 1 ExchangeAdmin. */
static void
r_cmdlet(struct ir_buf *b, const struct gen_ev *e, struct gen_meta *m)
{
	static const char *const ops[] = {
		"New-InboxRule",	 "New-InboxRule",
		"New-InboxRule",	 "Set-Mailbox",
		"Add-MailboxPermission", "Add-MailboxPermission"};
	bool admin = e->who == GEN_P_ADMIN, rule = e->var <= 2;
	char a[64], key[32], g[37], tok[23];

	ip_port(a, sizeof(a), e);
	puid(key, sizeof(key), e->who);
	m->record_type = 1;
	m->operation = ops[e->var % 6];
	gj_open(b, "AppAccessContext", '{');
	hguid(e->seq, 13, g);
	token(tok, g);
	gj_str(b, "UniqueTokenId", tok);
	gj_close(b, '}');
	common(b, m->operation, 1, "True", key, admin ? 2 : 0, "Exchange");
	gj_str(b, "ClientIP", a);
	gj_strf(b, "ObjectId", EXO_DN "%s%s%s",
		e->var == GEN_C_PERM_SHARED ? "info" : gen_people[e->who].name,
		rule ? "\\" : "",
		e->var == GEN_C_RULE_HIDE ? ".."
		: rule			  ? "Rule"
					  : "");
	gj_str(b, "UserId", m->user);
	gj_str(b, "AppId",
	       admin ? "fb78d390-0c51-40cd-8e17-fdbfab77341b" : APP_EXO);
	gj_str(b, "ClientAppId", "");
	gj_raw(b, "ExternalAccess", "false");
	gj_str(b, "OrganizationName", ORG_NAME);
	gj_str(b, "OriginatingServer", "AM9PR07MB7342 (15.20.9366.012)");
	cmdlet_params(b, e, m);
	hguid(e->who * 31 + e->sec / 86400, 2, g);
	gj_str(b, "SessionId", g);
}

/* UpdateInboxRules (Outlook's rule blob), RecordType 2 ExchangeItem. */
static void
r_rules(struct ir_buf *b, const struct gen_ev *e, struct gen_meta *m)
{
	m->record_type = 2;
	m->operation = "UpdateInboxRules";
	mailbox_head(b, e, m, m->user);
	gj_str(b, "ClientProcessName", "OUTLOOK.EXE");
	gj_str(b, "ClientVersion", "16.0.19328.20178");
	gj_open(b, "OperationProperties", '[');
	gj_nv(b, "RuleOperation", "AddMailboxRule");
	gj_nv(b, "RuleId", "10239870283465998337");
	gj_nv(b, "RuleState", "Enabled");
	gj_nv(b, "RuleCondition", "{(Exists(ItemClass))}");
	gj_nv(b, "RuleName", "Sync");
	gj_nv(b, "RuleProvider", "RuleOrganizer");
	/* JSON inside a string: the forward is only visible in here. */
	gj_nv(b, "RuleActions",
	      "[{\"ActionType\":\"Forward\",\"Recipients\":"
	      "[\"" EVIL_FWD "\"],\"ForwardFlags\":\"None\"}]");
	gj_close(b, ']');
	gj_open(b, "Item", '{');
	gj_str(b, "Id", "RgAAAAAkxnQ0lEVmQrURAQBbx09aQ9NyTYQ5Eg0sAAAAAAEMAAAB");
	gj_open(b, "ParentFolder", '{');
	gj_str(b, "Id", "LgAAAAAkxnQ0lEVmQrURAQBbx09aQ9NyTYQ5Eg0sAAAAAAEMAAAB");
	gj_str(b, "Name", "Inbox");
	gj_str(b, "Path", "\\Inbox");
	gj_close(b, '}');
	gj_close(b, '}');
}

/* The ConsentAction.Permissions text, as Entra writes it. */
static void
consent_perm(char *out, size_t n, const struct gen_ev *e, bool victim)
{
	char oid[37];

	hguid(e->who, 1, oid);
	snprintf(out, n,
		 "[] => [[Id: %s, ClientId: %s, PrincipalId: %s, "
		 "ResourceId: %s, ConsentType: %s, Scope: %s, "
		 "CreatedDateTime: , LastModifiedDateTime ]]; ",
		 victim ? "kW3pLq9ZbUeYx1RcN8vT2aHgJ4sDfE6mOiP0uAyBcQw"
			: "Zr8uXnT1qWe5aSd3FgHjK7lZxCvBnM2qPoIuYtRe4Ws",
		 victim ? SP_EVIL : SP_ZOOM, victim ? oid : "", APP_GRAPH,
		 victim ? "Principal" : "AllPrincipals",
		 victim ? " Mail.ReadWrite offline_access User.Read"
			: " User.Read Calendars.ReadWrite "
			  "OnlineMeetings.ReadWrite");
}

static void
modified(struct ir_buf *b, const char *name, const char *val)
{
	gj_open(b, NULL, '{');
	gj_str(b, "Name", name);
	gj_str(b, "NewValue", val);
	gj_str(b, "OldValue", "");
	gj_close(b, '}');
}

/* Azure AD directory audit, RecordType 8 AzureActiveDirectory. */
static void
r_aad(struct ir_buf *b, const struct gen_ev *e, struct gen_meta *m)
{
	bool consent = e->var != GEN_A_ADD_USER;
	bool victim = e->var == GEN_A_CONSENT_VICTIM;
	char oid[37], perm[512], a[64];

	hguid(e->who, 1, oid);
	ip(a, sizeof(a), e);
	m->record_type = 8;
	m->operation = consent ? "Consent to application." : "Add user.";
	common(b, m->operation, 8, "Success", oid, 0, "AzureActiveDirectory");
	gj_str(b, "ClientIP", a);
	gj_str(b, "ObjectId",
	       consent ? (victim ? APP_EVIL : APP_ZOOM)
		       : "emma.jansen@" GEN_DOMAIN);
	gj_str(b, "UserId", m->user);
	gj_num(b, "AzureActiveDirectoryEventType", 1);
	gj_open(b, "ExtendedProperties", '[');
	gj_nv(b, "additionalDetails",
	      consent ? "{\"User-Agent\":\"EvoSTS\"}"
		      : "{\"UserType\":\"Member\"}");
	gj_nv(b, "extendedAuditEventCategory",
	      consent ? "ServicePrincipal" : "User");
	gj_close(b, ']');
	gj_open(b, "ModifiedProperties", '[');
	if (consent) {
		consent_perm(perm, sizeof(perm), e, victim);
		modified(b, "ConsentContext.IsAdminConsent",
			 victim ? "False" : "True");
		modified(b, "ConsentContext.IsAppOnly", "False");
		modified(b, "ConsentContext.OnBehalfOfAll",
			 victim ? "False" : "True");
		modified(b, "ConsentContext.Tags",
			 "WindowsAzureActiveDirectoryIntegratedApp");
		modified(b, "ConsentAction.Permissions", perm);
		modified(b, "TargetId.ServicePrincipalNames",
			 victim ? APP_EVIL : APP_ZOOM);
	}
	gj_close(b, ']');
	actor_target(b, e, oid, m->user,
		     consent ? NULL : "emma.jansen@" GEN_DOMAIN);
	if (consent)
		sp_target(b, victim ? SP_EVIL : SP_ZOOM,
			  victim ? APP_EVIL : APP_ZOOM,
			  victim ? "MailSync Backup" : "Zoom for Outlook");
	gj_str(b, "ActorIpAddress", a);
}

void
gen_render_ual(struct ir_buf *out, const struct gen_ev *e,
	       struct gen_meta *meta)
{
	memset(meta, 0, sizeof(*meta));
	upn(meta->user, sizeof(meta->user), e->who);
	gj_open(out, NULL, '{');
	switch (e->kind) {
	case GEN_K_LOGIN:
		r_login(out, e, meta);
		break;
	case GEN_K_MAIL:
		r_mail(out, e, meta);
		break;
	case GEN_K_SEND:
		r_send(out, e, meta);
		break;
	case GEN_K_FILE:
		r_file(out, e, meta);
		break;
	case GEN_K_TEAMS:
		r_teams(out, e, meta);
		break;
	case GEN_K_CMDLET:
		r_cmdlet(out, e, meta);
		break;
	case GEN_K_RULES:
		r_rules(out, e, meta);
		break;
	default:
		r_aad(out, e, meta);
		break;
	}
	gj_close(out, '}');
}

static void
csv_field(struct ir_buf *out, const char *s, size_t len, bool force)
{
	if (!force && !memchr(s, ',', len) && !memchr(s, '"', len)) {
		ir_buf_add(out, s, len);
		return;
	}
	ir_buf_addch(out, '"');
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '"')
			ir_buf_addch(out, '"');
		ir_buf_addch(out, s[i]);
	}
	ir_buf_addch(out, '"');
}

/* Purview writes AuditData with `\/`, RFC 4180 quoting and CRLF. */
void
gen_render_csv_row(struct ir_buf *out, const struct gen_ev *e)
{
	struct ir_buf json = IR_BUF_INIT;
	struct gen_meta m;

	gen_json_escape_slash(true);
	gen_render_ual(&json, e, &m);
	gen_json_escape_slash(false);
	ir_buf_addf(out, "\x01,\x03,%d,", m.record_type);
	csv_field(out, m.operation, strlen(m.operation), false);
	ir_buf_addch(out, ',');
	csv_field(out, m.user, strlen(m.user), false);
	ir_buf_addch(out, ',');
	csv_field(out, json.buf, json.len, true);
	ir_buf_addstr(out, ",,\r\n");
	ir_buf_release(&json);
}

static void
status(struct ir_buf *b, bool ok)
{
	gj_open(b, "status", '{');
	gj_num(b, "errorCode", ok ? 0 : 50126);
	/*
	 * Successful sign-ins say "Other." here: readers must judge by
	 * errorCode, never by the presence of a reason.
	 */
	gj_str(b, "failureReason",
	       ok ? "Other."
		  : "Error validating "
		    "credentials due to invalid username or password.");
	gj_str(b, "additionalDetails",
	       ok ? NULL
		  : "The user didn't enter the"
		    " right credentials. It's expected to see some number of "
		    "these errors in your logs due to users making mistakes.");
	gj_close(b, '}');
}

static void
location(struct ir_buf *b, const struct gen_ev *e)
{
	int t = town(e);

	gj_open(b, "location", '{');
	gj_str(b, "city", towns[t].city);
	gj_str(b, "state", towns[t].state);
	gj_str(b, "countryOrRegion", t == 8 ? "NG" : "NL");
	gj_open(b, "geoCoordinates", '{');
	gj_raw(b, "altitude", "null");
	gj_raw(b, "latitude", "");
	ir_buf_addf(b, "%.4f", towns[t].lat);
	gj_raw(b, "longitude", "");
	ir_buf_addf(b, "%.4f", towns[t].lon);
	gj_close(b, '}');
	gj_close(b, '}');
}

/* Graph beta signIn (auditLogs/signIns), interactive user sign-ins. */
void
gen_render_signin(struct ir_buf *b, const struct gen_ev *e)
{
	bool ok = e->var == GEN_V_OK;
	int app = e->aux % 3;
	char u[128], a[64], oid[37], g[37];

	upn(u, sizeof(u), e->who);
	ip(a, sizeof(a), e);
	hguid(e->who, 1, oid);
	gj_open(b, NULL, '{');
	gj_str(b, "id", "\x01");
	gj_str(b, "createdDateTime", "\x04");
	gj_str(b, "userDisplayName", gen_people[e->who].name);
	gj_str(b, "userPrincipalName", u);
	gj_str(b, "userId", oid);
	gj_str(b, "appId", apps[app].id);
	gj_str(b, "appDisplayName", apps[app].name);
	gj_str(b, "ipAddress", a);
	gj_str(b, "clientAppUsed", apps[app].client);
	/* userAgent exists only in the beta signIn; v1.0 has none. */
	gj_str(b, "userAgent", agent(e));
	hguid(e->seq, 14, g);
	gj_str(b, "correlationId", g);
	gj_str(b, "conditionalAccessStatus", "notApplied");
	gj_raw(b, "isInteractive", "true");
	gj_str(b, "riskDetail", "none");
	gj_str(b, "riskLevelAggregated", "none");
	gj_str(b, "riskLevelDuringSignIn", "none");
	gj_str(b, "riskState", "none");
	gj_raw(b, "riskEventTypes", "[]");
	gj_raw(b, "riskEventTypes_v2", "[]");
	gj_str(b, "resourceDisplayName", "Office 365 Exchange Online");
	gj_str(b, "resourceId", APP_EXO);
	status(b, ok);
	gj_open(b, "deviceDetail", '{');
	gj_str(b, "deviceId", "");
	gj_str(b, "displayName", NULL);
	gj_str(b, "operatingSystem",
	       e->who % 3 == 1 && !hostile(e) ? "MacOs"
	       : e->var == GEN_V_SPRAY	      ? ""
					      : "Windows10");
	gj_str(b, "browser",
	       e->var == GEN_V_SPRAY ? "Python Requests 2.32"
	       : e->who % 3 == 1     ? "Safari 19.1"
				     : "Edge 142.0.0");
	gj_raw(b, "isCompliant", "false");
	gj_raw(b, "isManaged", "false");
	gj_str(b, "trustType", NULL);
	gj_close(b, '}');
	location(b, e);
	gj_raw(b, "appliedConditionalAccessPolicies", "[]");
	gj_close(b, '}');
}

static void
who_did(struct ir_buf *b, const struct gen_ev *e)
{
	char u[128], a[64], oid[37];

	upn(u, sizeof(u), e->who);
	ip(a, sizeof(a), e);
	hguid(e->who, 1, oid);
	gj_open(b, "initiatedBy", '{');
	gj_open(b, "user", '{');
	gj_str(b, "id", oid);
	gj_str(b, "displayName", gen_people[e->who].name);
	gj_str(b, "userPrincipalName", u);
	gj_str(b, "ipAddress", a);
	gj_close(b, '}');
	gj_raw(b, "app", "null");
	gj_close(b, '}');
}

static void
modprop(struct ir_buf *b, const char *name, const char *val)
{
	gj_open(b, NULL, '{');
	gj_str(b, "displayName", name);
	gj_raw(b, "oldValue", "null");
	gj_strf(b, "newValue", "\"%s\"", val);
	gj_close(b, '}');
}

static void
target(struct ir_buf *b, const struct gen_ev *e, int who)
{
	bool consent = e->var == GEN_D_CONSENT_ADMIN ||
		       e->var == GEN_D_CONSENT_VICTIM;
	bool victim = e->var == GEN_D_CONSENT_VICTIM;
	char oid[37], u[128], perm[512];

	gj_open(b, "targetResources", '[');
	gj_open(b, NULL, '{');
	hguid((uint64_t)who, 1, oid);
	gj_str(b, "id", consent ? (victim ? SP_EVIL : SP_ZOOM) : oid);
	gj_str(b, "displayName",
	       consent ? (victim ? "MailSync Backup" : "Zoom for Outlook")
		       : gen_people[who].name);
	gj_str(b, "type", consent ? "ServicePrincipal" : "User");
	if (!consent) {
		upn(u, sizeof(u), who);
		gj_str(b, "userPrincipalName", u);
	}
	gj_open(b, "modifiedProperties", '[');
	if (consent) {
		consent_perm(perm, sizeof(perm), e, victim);
		modprop(b, "ConsentContext.IsAdminConsent",
			victim ? "False" : "True");
		modprop(b, "ConsentContext.OnBehalfOfAll",
			victim ? "False" : "True");
		modprop(b, "ConsentAction.Permissions", perm);
	}
	gj_close(b, ']');
	gj_close(b, '}');
	gj_close(b, ']');
}

/* Graph v1.0 directoryAudit (auditLogs/directoryAudits). */
void
gen_render_diraudit(struct ir_buf *b, const struct gen_ev *e)
{
	static const struct {
		const char *cat, *act, *svc, *type, *reason;
	} a[] = {
		{"UserManagement", "User registered security info",
		 "Authentication Methods", "Add",
		 "User registered Authenticator App with Notification "
		 "and Code"},
		{"ApplicationManagement", "Consent to application",
		 "Core Directory", "Assign", ""},
		{"ApplicationManagement", "Consent to application",
		 "Core Directory", "Assign", ""},
		{"UserManagement", "Add user", "Core Directory", "Add", ""},
		{"GroupManagement", "Add member to group", "Core Directory",
		 "Assign", ""},
	};
	int v = e->var % 5;
	char g[37];

	gj_open(b, NULL, '{');
	hguid(e->seq, 15, g);
	gj_strf(b, "id", "Directory_%s_%.5s_%u", g, g + 24, 30000000 + e->seq);
	gj_str(b, "category", a[v].cat);
	gj_str(b, "correlationId", g);
	gj_str(b, "result", "success");
	gj_str(b, "resultReason", a[v].reason);
	gj_str(b, "activityDisplayName", a[v].act);
	gj_str(b, "activityDateTime", "\x04");
	gj_str(b, "loggedByService", a[v].svc);
	gj_str(b, "operationType", a[v].type);
	who_did(b, e);
	target(b, e, v >= GEN_D_ADD_USER ? GEN_P_NEWHIRE : e->who);
	gj_open(b, "additionalDetails", '[');
	if (v == GEN_D_MFA)
		gj_kv(b, "UserAgent", agent(e));
	else if (v <= GEN_D_CONSENT_VICTIM)
		gj_kv(b, "User-Agent", "EvoSTS");
	if (v == GEN_D_CONSENT_ADMIN || v == GEN_D_CONSENT_VICTIM)
		gj_kv(b, "AppId",
		      v == GEN_D_CONSENT_VICTIM ? APP_EVIL : APP_ZOOM);
	else
		gj_kv(b, "UserType", "Member");
	gj_close(b, ']');
	gj_close(b, '}');
}
