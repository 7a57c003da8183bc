/* SPDX-License-Identifier: MIT */
/*
 * gen-story.c - Contoso B.V. (contoso.com, Amsterdam): fifty people, four
 * shared mailboxes, a fortnight of ordinary work ending 2026-11-30, and one
 * account taken over, exported the way an administrator would export it:
 *
 *   purview-audit.csv       Purview audit search, 17-24 Nov (US dates, CRLF)
 *   unified-audit.jsonl     Management Activity API, 24-30 Nov: the 24th is
 *                           in both files, with the same record Ids
 *   signins.json            one Graph auditLogs/signIns page (beta shape)
 *   directory-audit.json    Graph directoryAudits, one object per line
 *
 * The story, in UTC: on Monday 23 Nov from 23:05 a password spray from
 * 203.0.113.77/.78 (Lagos, NG) fails against twenty users (50126); at
 * 00:02 on the 24th Lisa de Vries's password works from .77. The attacker
 * registers an authenticator, hides mail about invoices in "RSS Feeds",
 * forwards the mailbox to fabrikam.com twice over (Set-Mailbox and an
 * Outlook rule), gives Noah Peters FullAccess to it and on the 26th
 * consents "MailSync Backup" to Mail.ReadWrite offline_access.
 * The near misses an analyst must not be woken for are here too: an
 * internal forwarding rule before a leave, the admin's FullAccess grant on
 * info@, an admin consent to Zoom, a new hire's MFA registration, typos.
 *
 * The record renderers live in gen-render.c; this file decides who does
 * what and when, and writes the files.
 */
#include "bench/gen-story.h"

#include <errno.h>
#include <sys/stat.h>

#include "util/xalloc.h"

const struct gen_person gen_people[GEN_NPEOPLE] = {
	{"Bram Visser", "bram.visser", "IT", 0},
	{"Sanne Kuijpers", "sanne.kuijpers", "Sales", 1},
	{"Thomas Mulder", "thomas.mulder", "Sales", 2},
	{"Fleur van Dijk", "fleur.vandijk", "Marketing", 3},
	{"Daan Meijer", "daan.meijer", "Engineering", 4},
	{"Jo\u00ebl Bos", "joel.bos", "Engineering", 5},
	{"Zo\u00eb de Jong", "zoe.dejong", "HR", 6},
	{"Lisa de Vries", "lisa.devries", "Finance", 2},
	{"Noah Peters", "noah.peters", "Sales", 7},
	{"Anouk Smit", "anouk.smit", "Finance", 1},
	{"Ruben Hendriks", "ruben.hendriks", "Engineering", 3},
	{"Eva van den Berg", "eva.vandenberg", "Marketing", 0},
	{"Lucas Dekker", "lucas.dekker", "Engineering", 4},
	{"Julia Brouwer", "julia.brouwer", "Customer Success", 5},
	{"Sem de Groot", "sem.degroot", "Engineering", 6},
	{"Isa Vermeulen", "isa.vermeulen", "Finance", 7},
	{"Milan Willems", "milan.willems", "Sales", 0},
	{"Lotte Hoekstra", "lotte.hoekstra", "Legal", 1},
	{"Finn Koster", "finn.koster", "Engineering", 2},
	{"Noor Prins", "noor.prins", "Customer Success", 3},
	{"Jesse van Leeuwen", "jesse.vanleeuwen", "Engineering", 4},
	{"Sophie Huisman", "sophie.huisman", "Marketing", 5},
	{"Thijs Bosman", "thijs.bosman", "Operations", 6},
	{"Femke Kok", "femke.kok", "HR", 7},
	{"Lars Schouten", "lars.schouten", "Engineering", 0},
	{"Ren\u00e9e Postma", "renee.postma", "Finance", 1},
	{"Stijn Jacobs", "stijn.jacobs", "Sales", 2},
	{"Maud Kramer", "maud.kramer", "Customer Success", 3},
	{"Bas van der Meer", "bas.vandermeer", "Operations", 4},
	{"Iris Wouters", "iris.wouters", "Legal", 5},
	{"Gijs Verhoeven", "gijs.verhoeven", "Engineering", 6},
	{"Roos Timmermans", "roos.timmermans", "Marketing", 7},
	{"Jens Maas", "jens.maas", "Engineering", 0},
	{"Tess de Boer", "tess.deboer", "Sales", 1},
	{"Max Sanders", "max.sanders", "Operations", 2},
	{"Lieke Dijkstra", "lieke.dijkstra", "Customer Success", 3},
	{"Koen Martens", "koen.martens", "Engineering", 4},
	{"Hanna Evers", "hanna.evers", "Finance", 5},
	{"Olivier Janssens", "olivier.janssens", "Sales", 6},
	{"Amira El Idrissi", "amira.elidrissi", "Engineering", 7},
	{"Priya Raman", "priya.raman", "Engineering", 0},
	{"Mehmet Y\u0131lmaz", "mehmet.yilmaz", "Operations", 1},
	{"Chlo\u00e9 Lambert", "chloe.lambert", "Marketing", 2},
	{"Wouter van Beek", "wouter.vanbeek", "Engineering", 3},
	{"Esther Kuiper", "esther.kuiper", "Customer Success", 4},
	{"Pieter Claassen", "pieter.claassen", "Operations", 5},
	{"Mila Vos", "mila.vos", "Sales", 6},
	{"Niels Brandsma", "niels.brandsma", "Engineering", 7},
	{"Yara Bakker", "yara.bakker", "HR", 0},
	{"Emma Jansen", "emma.jansen", "Finance", 1},
};

/* Shared mailboxes and the people who open them. */
const char *const gen_shared[GEN_NSHARED] = {"info", "sales", "support",
					     "facturen"};
static const int shared_user[GEN_NSHARED][2] = {
	{GEN_P_SANNE, GEN_P_MILAN},
	{GEN_P_THOMAS, GEN_P_NOAH},
	{13, 19},
	{GEN_P_VICTIM, 9},
};

/* The twenty accounts the spray tries: guessed names, not the whole list. */
static const int sprayed[] = {0,  1,  2,  4,  6,  GEN_P_VICTIM, GEN_P_NOAH, 9,
			      11, 13, 16, 17, 21, 23,		25,	    29,
			      33, 37, 42, 46};

#define DAY0_Y 2026
#define DAY0_M 11
#define DAY0_D 17
#define NDAYS 14
#define CSV_LAST_DAY 7	  /* 24 Nov: the last day of the CSV... */
#define JSONL_FIRST_DAY 7 /* ...and the first of the JSONL */

struct story {
	struct gen_ev *ev;
	size_t nev, alloc;
	struct gen_rng rng;
	int64_t day0;
};

static struct gen_ev *
add(struct story *s, int64_t sec, int kind, int who, int net)
{
	struct gen_ev *e;

	if (s->nev == s->alloc) {
		s->alloc = s->alloc ? 2 * s->alloc : 4096;
		s->ev = xrealloc(s->ev, s->alloc * sizeof(*s->ev));
	}
	e = &s->ev[s->nev];
	memset(e, 0, sizeof(*e));
	e->sec = sec;
	e->frac7 = gen_rng_below(&s->rng, 10000000);
	e->seq = (uint32_t)s->nev++;
	e->kind = (uint8_t)kind;
	e->who = (uint16_t)who;
	e->net = (uint8_t)net;
	gen_rng_guid(&s->rng, e->id);
	return e;
}

static int64_t
at(const struct story *s, int day, int h, int m, int sec)
{
	return s->day0 + day * 86400 + h * 3600 + m * 60 + sec;
}

/* A sign-in shows in both logs: the UAL record and the Entra sign-in. */
static void
signin(struct story *s, int64_t t, int who, int net, int var, int app)
{
	struct gen_ev *e = add(s, t, GEN_K_LOGIN, who, net);

	e->var = (uint8_t)var;
	e->aux = (uint16_t)app;
	e = add(s, t, GEN_K_SIGNIN, who, net);
	e->var = (uint8_t)var;
	e->aux = (uint16_t)app;
}

static int
pick(struct story *s, int lo, int hi)
{
	return lo + (int)gen_rng_below(&s->rng, (uint32_t)(hi - lo + 1));
}

/*
 * One thing done in the working day that began at `start`. Every PRNG
 * draw is its own statement: C leaves the order of calls within one
 * expression to the compiler, and gcc and clang choose differently.
 */
static void
act(struct story *s, int64_t start, int kind, int who, int net, int nvar)
{
	int64_t t = start + pick(s, 60, 30000);
	struct gen_ev *e = add(s, t, kind, who, net);
	int var = pick(s, 0, nvar - 1);

	e->var = (uint8_t)var;
}

/* Mail, files, chat and sending for one person's working day. */
static void
workday(struct story *s, int day, int who, int net)
{
	int64_t start = at(s, day, 7, 0, 0) + pick(s, 0, 9000), t;
	int n, app;

	if (gen_rng_below(&s->rng, 100) < 3) {
		t = start - pick(s, 20, 90);
		signin(s, t, who, net, GEN_V_FAIL, 0);
	}
	app = pick(s, 0, 2);
	signin(s, start, who, net, GEN_V_OK, app);
	for (n = pick(s, 2, 5); n > 0; n--)
		act(s, start, GEN_K_MAIL, who, net, 4);
	for (n = pick(s, 0, 3); n > 0; n--)
		act(s, start, GEN_K_FILE, who, net, 8);
	for (n = pick(s, 0, 2); n > 0; n--)
		act(s, start, GEN_K_TEAMS, who, net, 1);
	for (n = pick(s, 0, 2); n > 0; n--)
		act(s, start, GEN_K_SEND, who, net, 8);
	/* Outlook, Teams and the browser each sign in again in the day. */
	for (n = pick(s, 2, 4); n > 0; n--) {
		t = start + pick(s, 1800, 28000);
		app = pick(s, 0, 2);
		signin(s, t, who, net, GEN_V_OK, app);
	}
}

static void
shared_mail(struct story *s, int day)
{
	for (int m = 0; m < GEN_NSHARED; m++) {
		int who = shared_user[m][gen_rng_below(&s->rng, 2)];
		struct gen_ev *e;
		int64_t t;

		/* Sanne may open info@ only once she has been given it. */
		if (m == 0 && day < 1)
			continue;
		t = at(s, day, 9, 0, 0) + pick(s, 0, 25000);
		e = add(s, t, GEN_K_MAIL, who, GEN_NET_OFFICE);
		e->var = (uint8_t)pick(s, 0, 3);
		e->aux = (uint16_t)(m + 1);
	}
}

static void
ordinary_days(struct story *s)
{
	for (int day = 0; day < NDAYS; day++) {
		bool weekend = day == 4 || day == 5 || day == 11 || day == 12;

		for (int p = 0; p < GEN_NPEOPLE; p++) {
			int home = gen_rng_below(&s->rng, 100) < 30;

			if (p == GEN_P_NEWHIRE && day < 6)
				continue;
			if (p == GEN_P_THOMAS && day >= 8)
				continue; /* on leave, mail forwarded */
			if (weekend && gen_rng_below(&s->rng, 100) < 85)
				continue;
			workday(s, day, p,
				weekend || home ? GEN_NET_HOME
						: GEN_NET_OFFICE);
		}
		if (!weekend)
			shared_mail(s, day);
	}
}

/* What the admin and the users did that looks like, but is not, attack. */
static void
near_misses(struct story *s)
{
	int a = GEN_P_ADMIN;

	add(s, at(s, 1, 8, 12, 40), GEN_K_CMDLET, a, GEN_NET_OFFICE)->var =
		GEN_C_PERM_SHARED;
	add(s, at(s, 2, 10, 3, 11), GEN_K_CMDLET, 21, GEN_NET_OFFICE)->var =
		GEN_C_RULE_SORT;
	add(s, at(s, 3, 13, 47, 5), GEN_K_AAD, a, GEN_NET_OFFICE)->var =
		GEN_A_CONSENT_ADMIN;
	add(s, at(s, 3, 13, 47, 5), GEN_K_DIRAUDIT, a, GEN_NET_OFFICE)->var =
		GEN_D_CONSENT_ADMIN;
	add(s, at(s, 6, 7, 30, 2), GEN_K_AAD, a, GEN_NET_OFFICE)->var =
		GEN_A_ADD_USER;
	add(s, at(s, 6, 7, 30, 2), GEN_K_DIRAUDIT, a, GEN_NET_OFFICE)->var =
		GEN_D_ADD_USER;
	add(s, at(s, 6, 7, 31, 40), GEN_K_DIRAUDIT, a, GEN_NET_OFFICE)->var =
		GEN_D_ADD_MEMBER;
	add(s, at(s, 6, 8, 2, 19), GEN_K_DIRAUDIT, GEN_P_NEWHIRE,
	    GEN_NET_OFFICE)
		->var = GEN_D_MFA;
	add(s, at(s, 7, 15, 20, 33), GEN_K_CMDLET, GEN_P_THOMAS, GEN_NET_OFFICE)
		->var = GEN_C_RULE_FWD_INTERNAL;
	add(s, at(s, 9, 9, 14, 0), GEN_K_CMDLET, 35, GEN_NET_HOME)->var =
		GEN_C_RULE_SORT;
}

/* Monday 23 Nov, late evening in Amsterdam: twenty guesses, two hosts. */
static void
spray(struct story *s)
{
	int64_t t = at(s, 6, 23, 5, 0);

	for (size_t i = 0; i < IR_ARRAY_SIZE(sprayed); i++) {
		int net = i % 2 ? GEN_NET_SPRAY2 : GEN_NET_ATTACKER;

		t += pick(s, 40, 110);
		signin(s, t, sprayed[i], net, GEN_V_SPRAY, 0);
	}
}

static void
takeover(struct story *s)
{
	const int v = GEN_P_VICTIM, x = GEN_NET_ATTACKER;
	struct gen_ev *e;

	signin(s, at(s, 7, 0, 2, 17), v, x, GEN_V_OK, 1);
	add(s, at(s, 7, 0, 9, 48), GEN_K_DIRAUDIT, v, x)->var = GEN_D_MFA;
	add(s, at(s, 7, 0, 15, 3), GEN_K_CMDLET, v, x)->var = GEN_C_RULE_HIDE;
	signin(s, at(s, 8, 1, 40, 12), v, x, GEN_V_OK, 1);
	add(s, at(s, 8, 1, 44, 30), GEN_K_CMDLET, v, x)->var = GEN_C_SETMBX_FWD;
	add(s, at(s, 8, 1, 52, 9), GEN_K_RULES, v, x);
	add(s, at(s, 8, 2, 3, 51), GEN_K_CMDLET, v, x)->var = GEN_C_PERM_VICTIM;
	signin(s, at(s, 9, 9, 38, 40), v, x, GEN_V_OK, 1);
	add(s, at(s, 9, 9, 40, 2), GEN_K_AAD, v, x)->var = GEN_A_CONSENT_VICTIM;
	add(s, at(s, 9, 9, 40, 2), GEN_K_DIRAUDIT, v, x)->var =
		GEN_D_CONSENT_VICTIM;
	/* Reading the finance mail, first by hand, then through the app. */
	for (int day = 7; day < NDAYS; day++) {
		for (int n = 0; n < 4; n++) {
			e = add(s, at(s, day, 1, 0, 0) + pick(s, 0, 20000),
				GEN_K_MAIL, v, x);
			e->var = day >= 9 ? 4 : 1;
		}
	}
}

static int
cmp_ev(const void *pa, const void *pb)
{
	const struct gen_ev *a = pa, *b = pb;

	if (a->sec != b->sec)
		return a->sec < b->sec ? -1 : 1;
	if (a->frac7 != b->frac7)
		return a->frac7 < b->frac7 ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static bool
is_ual(const struct gen_ev *e)
{
	return e->kind != GEN_K_SIGNIN && e->kind != GEN_K_DIRAUDIT;
}

static void
emit(struct ir_buf *out, const struct ir_buf *rec, const struct gen_ev *e)
{
	struct gen_slots sl = {e->id, e->sec, e->frac7};

	gen_expand(out, rec->buf, rec->len, &sl);
}

static bool
write_csv(FILE *f, const struct story *s, int64_t from, int64_t to)
{
	struct ir_buf out = IR_BUF_INIT, rec = IR_BUF_INIT;
	bool ok = true;

	ir_buf_addstr(&out, "RecordId,CreationDate,RecordType,Operation,"
			    "UserId,AuditData,AssociatedAdminUnits,"
			    "AssociatedAdminUnitsNames\r\n");
	for (size_t i = 0; i < s->nev && ok; i++) {
		const struct gen_ev *e = &s->ev[i];

		if (!is_ual(e) || e->sec < from || e->sec >= to)
			continue;
		ir_buf_reset(&rec);
		gen_render_csv_row(&rec, e);
		emit(&out, &rec, e);
		if (out.len > (1 << 20))
			ok = gen_flush(f, &out);
	}
	ok = ok && gen_flush(f, &out);
	ir_buf_release(&out);
	ir_buf_release(&rec);
	return ok;
}

static bool
write_jsonl(FILE *f, const struct story *s, int64_t from, int64_t to)
{
	struct ir_buf out = IR_BUF_INIT, rec = IR_BUF_INIT;
	struct gen_meta m;
	bool ok;

	for (size_t i = 0; i < s->nev; i++) {
		const struct gen_ev *e = &s->ev[i];

		if (!is_ual(e) || e->sec < from || e->sec >= to)
			continue;
		ir_buf_reset(&rec);
		gen_render_ual(&rec, e, &m);
		ir_buf_addch(&rec, '\n');
		emit(&out, &rec, e);
	}
	ok = gen_flush(f, &out);
	ir_buf_release(&out);
	ir_buf_release(&rec);
	return ok;
}

/* Graph returns newest first; so do both Entra files. */
static bool
write_graph(FILE *f, const struct story *s, int kind, bool page)
{
	struct ir_buf out = IR_BUF_INIT, rec = IR_BUF_INIT;
	bool first = true, ok;

	if (page)
		ir_buf_addstr(
			&out,
			"{\"@odata.context\":\"https://graph."
			"microsoft.com/beta/$metadata#auditLogs/signIns\","
			"\"value\":[");
	for (size_t i = s->nev; i-- > 0;) {
		const struct gen_ev *e = &s->ev[i];

		if (e->kind != kind)
			continue;
		ir_buf_reset(&rec);
		if (kind == GEN_K_SIGNIN)
			gen_render_signin(&rec, e);
		else
			gen_render_diraudit(&rec, e);
		if (page && !first)
			ir_buf_addch(&out, ',');
		emit(&out, &rec, e);
		if (!page)
			ir_buf_addch(&out, '\n');
		first = false;
	}
	if (page)
		ir_buf_addstr(&out, "]}\n");
	ok = gen_flush(f, &out);
	ir_buf_release(&out);
	ir_buf_release(&rec);
	return ok;
}

static int
write_file(const char *dir, const char *name, const struct story *s, int which)
{
	char path[4096];
	FILE *f;
	bool ok;
	int64_t mid = s->day0 + JSONL_FIRST_DAY * 86400;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		return fprintf(stderr, "gen-logs: %s: %s\n", path,
			       strerror(errno)),
		       -1;
	if (which == 0)
		ok = write_csv(f, s, s->day0,
			       s->day0 + (CSV_LAST_DAY + 1) * 86400);
	else if (which == 1)
		ok = write_jsonl(f, s, mid, s->day0 + NDAYS * 86400);
	else
		ok = write_graph(f, s,
				 which == 2 ? GEN_K_SIGNIN : GEN_K_DIRAUDIT,
				 which == 2);
	if (fclose(f) || !ok)
		return fprintf(stderr, "gen-logs: %s: %s\n", path,
			       strerror(errno)),
		       -1;
	return 0;
}

int
gen_demo(const char *dir)
{
	static const char *const names[] = {"purview-audit.csv",
					    "unified-audit.jsonl",
					    "signins.json",
					    "directory-audit.json"};
	struct story s = {0};
	int ret = 0;

	if (mkdir(dir, 0777) && errno != EEXIST)
		return fprintf(stderr, "gen-logs: %s: %s\n", dir,
			       strerror(errno)),
		       -1;
	gen_rng_seed(&s.rng, 20261130);
	s.day0 = gen_epoch(DAY0_Y, DAY0_M, DAY0_D, 0, 0, 0);
	ordinary_days(&s);
	near_misses(&s);
	spray(&s);
	takeover(&s);
	qsort(s.ev, s.nev, sizeof(*s.ev), cmp_ev);
	for (size_t i = 0; i < IR_ARRAY_SIZE(names) && !ret; i++)
		ret = write_file(dir, names[i], &s, (int)i);
	free(s.ev);
	return ret;
}

/*
 * The benchmark's tenant: the same people and renderers, drawn in the
 * proportions of a real tenant's audit log (mostly mail and file access),
 * with about one record in a hundred an inbox rule, a forwarding change,
 * a delegate or a consent.
 */
void
gen_bench_templates(struct gen_tmpl *out, size_t n, bool csv, struct gen_rng *r)
{
	static const uint8_t mix[] = {
		GEN_K_MAIL,  GEN_K_MAIL,  GEN_K_MAIL,  GEN_K_MAIL, GEN_K_MAIL,
		GEN_K_MAIL,  GEN_K_MAIL,  GEN_K_FILE,  GEN_K_FILE, GEN_K_FILE,
		GEN_K_LOGIN, GEN_K_LOGIN, GEN_K_TEAMS, GEN_K_SEND,
	};
	static const uint8_t rare[] = {GEN_C_RULE_HIDE, GEN_C_SETMBX_FWD,
				       GEN_C_PERM_VICTIM, GEN_C_RULE_SORT,
				       GEN_C_RULE_FWD_INTERNAL};
	struct ir_buf rec = IR_BUF_INIT;
	struct gen_meta m;
	struct gen_ev e;

	for (size_t i = 0; i < n; i++) {
		memset(&e, 0, sizeof(e));
		e.seq = (uint32_t)i;
		e.who = (uint16_t)gen_rng_below(r, GEN_NPEOPLE);
		e.net = (uint8_t)(gen_rng_below(r, 3) ? GEN_NET_OFFICE
						      : GEN_NET_HOME);
		e.kind = mix[gen_rng_below(r, IR_ARRAY_SIZE(mix))];
		e.var = (uint8_t)gen_rng_below(r, 8);
		if (e.kind == GEN_K_LOGIN)
			e.var = gen_rng_below(r, 8) ? GEN_V_OK : GEN_V_FAIL;
		if (e.kind == GEN_K_MAIL)
			e.var %= 4;
		if (i % 100 == 50) {
			size_t k = i / 100 % (IR_ARRAY_SIZE(rare) + 2);

			e.kind = k < IR_ARRAY_SIZE(rare)    ? GEN_K_CMDLET
				 : k == IR_ARRAY_SIZE(rare) ? GEN_K_RULES
							    : GEN_K_AAD;
			e.var = k < IR_ARRAY_SIZE(rare) ? rare[k]
							: GEN_A_CONSENT_VICTIM;
			e.net = GEN_NET_ATTACKER;
		}
		ir_buf_reset(&rec);
		if (csv) {
			gen_render_csv_row(&rec, &e);
		} else {
			gen_render_ual(&rec, &e, &m);
			ir_buf_addch(&rec, '\n');
		}
		gen_tmpl_compile(&out[i], rec.buf, rec.len);
	}
	ir_buf_release(&rec);
}
