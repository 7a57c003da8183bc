/* SPDX-License-Identifier: MIT */
/*
 * inboxrule.c - reading inbox rules out of both audit shapes, and the
 * helpers the mail detections share (inboxrule.h).
 *
 * Everything a rule says is attacker-chosen: the name ("\0", ".", a
 * right-to-left override), the folder, the recipients. So every string kept
 * here is either the safe form (ir_detect__safe) or a recipient that only
 * goes through ir_addr_normalize() before it is shown. The folder and
 * keyword lists are our own, written from Exchange's default folder names
 * in the languages tenants commonly use; they decide severity, not whether
 * a hiding rule is reported at all.
 */
#include "util/compat.h"

#include <strings.h>

#include <yyjson.h>

#include "util/buf.h"
#include "util/err.h"
#include "util/time.h"
#include "util/xalloc.h"
#include "detect/domains.h"
#include "detect/inboxrule.h"

#define MAX_KEY 1024
#define MAX_SHOWN 60
#define MAX_EVIDENCE 16

/* ---- safe text ---- */

/* Length of the UTF-8 sequence at s (n bytes left) and its code point. */
static size_t
utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t need;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		need = 2, *cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		need = 3, *cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		need = 4, *cp = s[0] & 0x07;
	else
		return 0;
	if (n < need)
		return 0;
	for (size_t i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		*cp = (*cp << 6) | (s[i] & 0x3f);
	}
	if ((need == 3 && *cp < 0x800) || (need == 4 && *cp < 0x10000) ||
	    *cp > 0x10ffff || (*cp >= 0xd800 && *cp <= 0xdfff))
		return 0;
	return need;
}

/* Invisible or direction-changing: shown by number, never as itself. */
static bool
sneaky(uint32_t cp)
{
	return cp < 0xa0 || cp == 0xad || cp == 0x61c ||
	       (cp >= 0x200b && cp <= 0x200f) ||
	       (cp >= 0x2028 && cp <= 0x202e) ||
	       (cp >= 0x2060 && cp <= 0x2069) || cp == 0xfeff;
}

static void
safe_byte(struct ir_buf *out, unsigned char c)
{
	if (!c)
		ir_buf_addstr(out, "\\0");
	else if (c < 0x20 || c >= 0x7f)
		ir_buf_addf(out, "\\x%02x", c);
	else if (c == '"')
		ir_buf_addstr(out, "\\\"");
	else
		ir_buf_addch(out, c);
}

void
ir_detect__safe(struct ir_buf *out, const char *str, size_t len, size_t max)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t chars = 0;

	for (size_t i = 0; i < len; chars++) {
		uint32_t cp;
		size_t n;

		if (max && chars == max) {
			ir_buf_addstr(out, "\xe2\x80\xa6");
			return;
		}
		n = s[i] < 0x80 ? 0 : utf8_next(s + i, len - i, &cp);
		if (!n) {
			safe_byte(out, s[i++]);
		} else if (sneaky(cp)) {
			ir_buf_addf(out, "\\u{%04x}", (unsigned)cp);
			i += n;
		} else {
			ir_buf_add(out, s + i, n);
			i += n;
		}
	}
}

char *
ir_detect__safe_dup(const char *s, size_t len, size_t max)
{
	struct ir_buf b = IR_BUF_INIT;

	ir_detect__safe(&b, s, len, max);
	return ir_buf_detach(&b, NULL);
}

char *
ir_detect__addr_key(const char *s, size_t len)
{
	char addr[512];

	if (ir_addr_normalize(addr, sizeof(addr), s, len))
		return xstrdup(addr);
	return ir_detect__safe_dup(s, len, 200);
}

/* ---- small text helpers ---- */

static int
lower(int c)
{
	return c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c;
}

bool
ir_detect__contains_ci(const char *s, size_t len, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; n <= len && i <= len - n; i++) {
		size_t j = 0;

		while (j < n && lower((unsigned char)s[i + j]) == needle[j])
			j++;
		if (j == n)
			return true;
	}
	return false;
}

void
ir_detect__time(char *out, struct ir_time t)
{
	ir_time_format(out, t);
}

void
ir_detect__since(struct ir_buf *out, bool has_time, struct ir_time t)
{
	char since[IR_TIME_MAX];

	if (!has_time)
		return;
	ir_time_format(since, t);
	ir_buf_addf(out, ", since %s", since);
}

bool
ir_detect__failed(const struct ir_event *ev)
{
	return ir_event_failed(ev) ||
	       (ev->result && !strcasecmp(ev->result, "False"));
}

bool
ir_detect__param_true(const struct ir_event *ev, const char *name)
{
	const struct ir_str *v = ir_event_param_str(ev, name);

	return v && (ir_str_eq_ci(*v, "true") || ir_str_eq_ci(*v, "$true") ||
		     ir_str_eq_ci(*v, "1"));
}

static void
split_value(const char *s, size_t len,
	    void (*fn)(const char *s, size_t len, void *payload), void *payload)
{
	size_t start = 0;
	int depth = 0;
	bool quoted = false;

	for (size_t i = 0; i <= len; i++) {
		char c = i < len ? s[i] : ';';

		if (c == '"')
			quoted = !quoted;
		else if (!quoted && (c == '[' || c == '<'))
			depth++;
		else if (!quoted && (c == ']' || c == '>') && depth)
			depth--;
		if (i < len && (quoted || depth || (c != ';' && c != ',')))
			continue;
		while (start < i && (s[start] == ' ' || s[start] == '\t'))
			start++;
		if (i > start)
			fn(s + start, i - start, payload);
		start = i + 1;
	}
}

void
ir_detect__foreach_recipient(const struct ir_param *p,
			     void (*fn)(const char *s, size_t len,
					void *payload),
			     void *payload)
{
	if (!p)
		return;
	if (!p->is_list) {
		split_value(p->value.ptr, p->value.len, fn, payload);
		return;
	}
	for (size_t i = 0; i < p->nitems; i++)
		split_value(p->items[i].ptr, p->items[i].len, fn, payload);
}

/* ---- whose mailbox ---- */

static bool
same_ci(const char *a, const char *b, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
			return false;
	return true;
}

/* Letters and digits only, lower-cased: "Lisa de Vries" -> "lisadevries". */
static size_t
alnum_fold(char *out, size_t size, const char *s, size_t len)
{
	size_t n = 0;

	for (size_t i = 0; i < len && n + 1 < size; i++) {
		unsigned char c = (unsigned char)s[i];

		if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z'))
			out[n++] = (char)c;
		else if (c >= 'A' && c <= 'Z')
			out[n++] = (char)(c + 'a' - 'A');
	}
	out[n] = '\0';
	return n;
}

/* Does display name `name` spell the local part of the actor's UPN? */
static bool
same_person(const char *local, size_t llen, const char *name, size_t len)
{
	char a[128], b[128];

	return alnum_fold(a, sizeof(a), local, llen) >= 3 &&
	       alnum_fold(b, sizeof(b), name, len) && !strcmp(a, b);
}

/* The last part of "X/contoso.onmicrosoft.com/Name" or "DOMAIN\\Name". */
static const char *
mailbox_base(const char *s, size_t len)
{
	const char *base = s;

	for (size_t i = 0; i + 1 < len; i++)
		if (s[i] == '/' || s[i] == '\\')
			base = s + i + 1;
	return base;
}

char *
ir_detect__owner(const struct ir_event *ev, const char *mailbox, size_t len,
		 bool *guess)
{
	char addr[512];
	const char *actor = ev->user ? ev->user : "";
	const char *at = strchr(actor, '@');

	*guess = false;
	if (len && ir_addr_normalize(addr, sizeof(addr), mailbox, len))
		return xstrdup(addr);
	if (!len)
		return xstrdup(actor);
	/* "alice" acting on "alice": the alias of the actor's own mailbox. */
	if (at && (size_t)(at - actor) == len && same_ci(actor, mailbox, len))
		return xstrdup(actor);
	/* "Lisa de Vries" acting as lisa.devries@: her own display name. */
	if (at && same_person(actor, (size_t)(at - actor), mailbox, len))
		return xstrdup(actor);
	/*
	 * Anyone else's mailbox named by display name, GUID or alias cannot
	 * be resolved offline. Filing it under the actor (often an admin)
	 * would aim the remediation at the wrong mailbox, so the finding
	 * keeps the name as given.
	 */
	*guess = true;
	return ir_detect__safe_dup(
		mailbox_base(mailbox, len),
		len - (size_t)(mailbox_base(mailbox, len) - mailbox), 80);
}

/* ---- word lists ---- */

/*
 * Fold ASCII and the Latin-1 capitals of UTF-8 (C3 80..9E) to lower case,
 * so "Éléments supprimés" and "éléments supprimés" compare equal.
 */
static size_t
fold(char *out, size_t size, const char *s, size_t len)
{
	size_t n = 0;

	while (len && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t'))
		len--;
	for (size_t i = 0; i < len && n + 1 < size; i++) {
		unsigned char c = (unsigned char)s[i];

		if (i > 0 && (unsigned char)s[i - 1] == 0xc3 && c >= 0x80 &&
		    c <= 0x9e && c != 0x97)
			c += 0x20;
		out[n++] = (char)lower(c);
	}
	out[n] = '\0';
	return n;
}

/*
 * Default folders a user rarely opens, in English and the localized names
 * Exchange gives them (de, fr, es, it, nl, pt, sv, da, nb, fi, pl). A rule
 * moving mail there hides it from its owner.
 */
static const char *const hide_folders[] = {
	/* RSS */
	"rss feeds",
	"rss subscriptions",
	"rss-feeds",
	"rss-abonnements",
	"flux rss",
	"abonnements rss",
	"fuentes rss",
	"suscripciones rss",
	"feed rss",
	"sottoscrizioni rss",
	"feeds rss",
	"assinaturas rss",
	"rss-flöden",
	"rss-feeds",
	"rss-syötteet",
	"kanały rss",
	/* Archive */
	"archive",
	"archiv",
	"archives",
	"archivo",
	"archivio",
	"archief",
	"arquivo",
	"arkiv",
	"arkisto",
	"archiwum",
	/* Conversation History */
	"conversation history",
	"unterhaltungsverlauf",
	"historique des conversations",
	"historial de conversaciones",
	"cronologia conversazioni",
	"gespreksgeschiedenis",
	"histórico de conversas",
	"konversationshistorik",
	"samtalehistorik",
	"samtalelogg",
	"keskusteluhistoria",
	"historia konwersacji",
	/* Junk */
	"junk email",
	"junk e-mail",
	"junk-e-mail",
	"junk",
	"spam",
	"unerwünschte e-mail",
	"courrier indésirable",
	"correo no deseado",
	"posta indesiderata",
	"ongewenste e-mail",
	"lixo eletrônico",
	"e-mail de lixo",
	"skräppost",
	"uønsket e-mail",
	"søppelpost",
	"roskaposti",
	"wiadomości-śmieci",
	/* Deleted Items */
	"deleted items",
	"gelöschte elemente",
	"éléments supprimés",
	"elementos eliminados",
	"posta eliminata",
	"verwijderde items",
	"itens excluídos",
	"itens eliminados",
	"borttagna objekt",
	"slettet post",
	"slettede elementer",
	"poistetut",
	"elementy usunięte",
	"recoverable items",
	/* Calendar and Notes: never a destination for mail */
	"calendar",
	"kalender",
	"calendrier",
	"calendario",
	"calendário",
	"kalenteri",
	"kalendarz",
	"notes",
	"notizen",
	"notas",
	"note",
	"notities",
	"anteckningar",
	"noter",
	"notater",
	"muistiinpanot",
	"notatki",
};

static bool
is_hide_folder(const char *s, size_t len)
{
	char f[256];
	const char *base = s;

	/* "alice:\Inbox\RSS Feeds" and "\Archive": judge the last part. */
	for (size_t i = 0; i < len; i++)
		if (s[i] == '\\' || s[i] == '/')
			base = s + i + 1;
	fold(f, sizeof(f), base, len - (size_t)(base - s));
	for (size_t i = 0; i < IR_ARRAY_SIZE(hide_folders); i++)
		if (!strcmp(f, hide_folders[i]))
			return true;
	return false;
}

/*
 * Words business-email-compromise rules filter on: the payment thread the
 * attacker is working, or the warning a colleague sends ("were you
 * hacked?"). Short ones must stand alone ("ach" is in "attach").
 */
static const char *const bec_words[] = {
	"invoice",    "payment",   "wire",  "transfer", "bank",
	"remittance", "urgent",	   "ceo",   "cfo",	"payroll",
	"w-2",	      "w2",	   "ach",   "swift",	"iban",
	"deposit",    "hacked",	   "hack",  "phish",	"compromised",
	"security",   "password",  "fraud", "scam",	"spam",
	"suspicious", "malicious", "virus", "helpdesk", "help desk",
	"it support", "docusign",  "remit", "paypal",	"account verification",
};

static bool
is_alpha(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* `w` occurs in folded `s` at a word start (and end, when short). */
static bool
has_word(const char *s, size_t len, const char *w)
{
	size_t n = strlen(w);

	for (size_t i = 0; n <= len && i <= len - n; i++) {
		if (memcmp(s + i, w, n) || (i && is_alpha(s[i - 1])))
			continue;
		if (n > 3 || i + n == len || !is_alpha(s[i + n]))
			return true;
	}
	return false;
}

static const char *
bec_keyword(const char *s, size_t len)
{
	char f[1024];
	size_t n = fold(f, sizeof(f), s, len);

	for (size_t i = 0; i < IR_ARRAY_SIZE(bec_words); i++)
		if (has_word(f, n, bec_words[i]))
			return bec_words[i];
	return NULL;
}

/* ---- (user, key) pairs to numbers ---- */

static uint64_t
hash(uint64_t h, const char *s)
{
	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

static struct ir_keymap_entry *
km_slot(struct ir_keymap *m, const char *user, const char *key)
{
	uint64_t h = hash(hash(0xcbf29ce484222325ULL, user) * 31, key);
	size_t slot = h & (m->size - 1);

	while (m->e[slot].user && (strcmp(m->e[slot].user, user) ||
				   strcmp(m->e[slot].key, key)))
		slot = (slot + 1) & (m->size - 1);
	return &m->e[slot];
}

static void
km_grow(struct ir_keymap *m)
{
	struct ir_keymap old = *m;

	m->size = m->size ? m->size * 2 : 64;
	m->e = xcalloc(m->size, sizeof(*m->e));
	for (size_t i = 0; i < old.size; i++)
		if (old.e[i].user)
			*km_slot(m, old.e[i].user, old.e[i].key) = old.e[i];
	free(old.e);
}

size_t *
ir_detect__keymap_at(struct ir_keymap *m, const char *user, const char *key)
{
	struct ir_keymap_entry *e;

	if ((m->n + 1) * 2 > m->size)
		km_grow(m);
	e = km_slot(m, user, key);
	if (!e->user) {
		e->user = xstrdup(user);
		e->key = xstrdup(key);
		m->n++;
	}
	return &e->value;
}

void
ir_detect__keymap_release(struct ir_keymap *m)
{
	for (size_t i = 0; i < m->size; i++) {
		free(m->e[i].user);
		free(m->e[i].key);
	}
	free(m->e);
	memset(m, 0, sizeof(*m));
}

/* ---- rule names seen, per mailbox ---- */

struct ir_rulenames {
	struct ir_keymap count; /* ("", "owner\x1fkey") to rules created */
};

struct ir_rulenames *
ir_detect__rulenames_new(void)
{
	return xcalloc(1, sizeof(struct ir_rulenames));
}

void
ir_detect__rulenames_free(struct ir_rulenames *rn)
{
	if (!rn)
		return;
	ir_detect__keymap_release(&rn->count);
	free(rn);
}

/*
 * How many rules named `key` `owner` has created, counting this one when
 * `created`. New-InboxRule with a name already in use makes a second rule
 * (the Huntress "Rogue Inbox" attacker made 38 one-letter rules, several
 * with the same letter), and each must stay its own finding.
 */
static unsigned
rn_note(struct ir_rulenames *rn, const char *owner, const char *key,
	bool created)
{
	struct ir_buf k = IR_BUF_INIT;
	size_t *n;

	ir_buf_addf(&k, "%s\x1f%s", owner, key);
	n = ir_detect__keymap_at(&rn->count, "", k.buf);
	if (created)
		(*n)++;
	ir_buf_release(&k);
	return (unsigned)*n;
}

/* ---- reading a rule ---- */

const char *const ir_detect__rule_ops[] = {
	"New-InboxRule",
	"Set-InboxRule",
	"UpdateInboxRules",
	NULL,
};

bool
ir_detect__is_rule_op(const struct ir_event *ev)
{
	for (size_t i = 0; ev->operation && ir_detect__rule_ops[i]; i++)
		if (!strcasecmp(ev->operation, ir_detect__rule_ops[i]))
			return true;
	return false;
}

static bool
op_is(const struct ir_event *ev, const char *name)
{
	return ev->operation && !strcasecmp(ev->operation, name);
}

static const char *
odd_name(const char *s, size_t len)
{
	bool punct = true;
	size_t chars = 0;

	if (!len)
		return "is empty";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			return "contains control characters";
		if (c >= 0x80 || is_alpha(lower(c)))
			punct = false;
		if ((c & 0xc0) != 0x80)
			chars++;
	}
	if (punct)
		return "is only punctuation or spaces";
	return chars == 1 ? "is a single character" : NULL;
}

/* Characters (UTF-8 lead bytes and stray bytes) in `len` bytes at `s`. */
static size_t
char_count(const char *s, size_t len)
{
	size_t chars = 0;

	for (size_t i = 0; i < len; i++)
		chars += ((unsigned char)s[i] & 0xc0) != 0x80;
	return chars;
}

/*
 * A recipient as a C string. A NUL inside it would cut it short at the
 * first strlen() ("carol@contoso.com\0x@evil.example" would judge as
 * internal), so NULs become U+FFFD and the result no longer parses as an
 * address: it is judged unresolved and shown.
 */
static char *
target_dup(const char *s, size_t len)
{
	struct ir_buf b = IR_BUF_INIT;

	for (size_t i = 0; i < len; i++)
		if (s[i])
			ir_buf_addch(&b, s[i]);
		else
			ir_buf_addstr(&b, "\xEF\xBF\xBD");
	return ir_buf_detach(&b, NULL);
}

static void
add_target(const char *s, size_t len, void *payload)
{
	struct ir_rule *r = payload;

	if (r->ntarget >= IR_RULE_MAX_TARGETS) {
		r->target_dropped++;
		return;
	}
	r->target_kind[r->ntarget] = IR_FWD_FORWARD;
	r->target[r->ntarget++] = target_dup(s, len);
}

static void
param_targets(struct ir_rule *r, const struct ir_event *ev, const char *name,
	      enum ir_fwd_kind kind)
{
	size_t before = r->ntarget;

	ir_detect__foreach_recipient(ir_event_param(ev, name), add_target, r);
	for (size_t i = before; i < r->ntarget; i++)
		r->target_kind[i] = kind;
}

/* The name as logged; rule names may hold NUL, hence (ptr, len). */
static struct ir_str
raw_name(const struct ir_event *ev, bool *has)
{
	const struct ir_str *v = NULL;
	struct ir_str none = {"", 0};

	*has = true;
	if (op_is(ev, "Set-InboxRule") &&
	    (v = ir_event_param_str(ev, "Identity"))) {
		struct ir_str s = *v;

		/* "alice\Forward all": the rule part after the mailbox. */
		for (size_t i = v->len; i > 0; i--)
			if (v->ptr[i - 1] == '\\') {
				s.ptr = v->ptr + i;
				s.len = v->len - i;
				break;
			}
		return s;
	}
	if ((v = ir_event_param_str(ev, "Name")))
		return *v;
	if ((v = ir_event_param_str(ev, "RuleName")) && v->len)
		return *v;
	*has = false;
	return none;
}

static struct ir_str
owner_hint(const struct ir_event *ev)
{
	const struct ir_str *v = ir_event_param_str(ev, "Mailbox");
	struct ir_str none = {"", 0};
	yyjson_val *u;

	if (v && v->len)
		return *v;
	if (op_is(ev, "Set-InboxRule") &&
	    (v = ir_event_param_str(ev, "Identity"))) {
		for (size_t i = v->len; i > 0; i--)
			if (v->ptr[i - 1] == '\\') {
				struct ir_str s = {v->ptr, i - 1};
				return s;
			}
	}
	/* UpdateInboxRules is logged in the owner's mailbox audit. */
	u = ev->raw && yyjson_is_obj(ev->raw)
		    ? yyjson_obj_get(ev->raw, "MailboxOwnerUPN")
		    : NULL;
	if (yyjson_is_str(u) && strchr(yyjson_get_str(u), '@')) {
		struct ir_str s = {yyjson_get_str(u), yyjson_get_len(u)};
		return s;
	}
	return none;
}

/* "bob" is the alias of bob@contoso.com (mailbox audit logs the alias). */
static bool
is_alias_of(const char *alias, const char *upn)
{
	const char *at = strchr(upn, '@');

	return at && !strchr(alias, '@') &&
	       strlen(alias) == (size_t)(at - upn) &&
	       same_ci(alias, upn, strlen(alias));
}

static void
rule_identity(struct ir_rule *r, const struct ir_event *ev,
	      struct ir_rulenames *rn)
{
	struct ir_str own = owner_hint(ev);
	struct ir_str name = raw_name(ev, &r->has_name);
	const struct ir_str *id = ir_event_param_str(ev, "RuleId");
	struct ir_buf k = IR_BUF_INIT;
	unsigned n;

	r->owner = ir_detect__owner(ev, own.ptr, own.len, &r->owner_guess);
	r->by_other = !ev->user || (strcmp(r->owner, ev->user) &&
				    !is_alias_of(ev->user, r->owner));
	if (r->has_name) {
		r->odd_why = odd_name(name.ptr, name.len);
		r->odd_name = !!r->odd_why;
		r->one_char = char_count(name.ptr, name.len) == 1;
		ir_detect__safe(&k, name.ptr, name.len, MAX_KEY);
		r->name = ir_detect__safe_dup(name.ptr, name.len, MAX_SHOWN);
	} else {
		ir_buf_addstr(&k, "(unnamed rule, id");
		if (id && id->len) {
			ir_buf_addstr(&k, " ");
			ir_detect__safe(&k, id->ptr, id->len, 40);
		}
		ir_buf_addstr(&k, ")");
		r->name = xstrdup(k.buf);
	}
	n = rn_note(rn, r->owner, k.buf, r->created);
	if (r->created && n > 1)
		ir_buf_addf(&k, " (#%u)", n);
	r->key = ir_buf_detach(&k, NULL);
}

static void
check_keyword(struct ir_rule *r, const struct ir_event *ev, const char *name,
	      const char *where)
{
	const struct ir_param *p = ir_event_param(ev, name);
	const char *w;

	if (!p || r->keyword)
		return;
	for (size_t i = 0; i < (p->is_list ? p->nitems : 1); i++) {
		struct ir_str v = p->is_list ? p->items[i] : p->value;

		if ((w = bec_keyword(v.ptr, v.len))) {
			r->keyword = xstrdup(w);
			r->keyword_where = where;
			return;
		}
	}
}

/* Conditions New-InboxRule understands; none given means all mail. */
static const char *const conditions[] = {
	"BodyContainsWords",
	"ExceptIfBodyContainsWords",
	"FlaggedForAction",
	"From",
	"FromAddressContainsWords",
	"FromSubscription",
	"HasAttachment",
	"HasClassification",
	"HeaderContainsWords",
	"MessageTypeMatches",
	"MyNameInCcBox",
	"MyNameInToBox",
	"MyNameInToOrCcBox",
	"MyNameNotInToBox",
	"ReceivedAfterDate",
	"ReceivedBeforeDate",
	"RecipientAddressContainsWords",
	"SentOnlyToMe",
	"SentTo",
	"SubjectContainsWords",
	"SubjectOrBodyContainsWords",
	"WithImportance",
	"WithinSizeRangeMaximum",
	"WithinSizeRangeMinimum",
	"WithSensitivity",
};

/*
 * How each condition reads after "mail": words to show it with, around
 * its values ("with " "Attention" " in the subject"), or, for a yes/no
 * condition (`words` false), the whole phrase when it is true.
 */
struct cond_text {
	const char *param, *pre, *post;
	bool words;
};

static const struct cond_text cond_texts[] = {
	{"From", "from ", "", true},
	{"FromAddressContainsWords", "from an address containing ", "", true},
	{"SentTo", "sent to ", "", true},
	{"RecipientAddressContainsWords", "sent to an address containing ", "",
	 true},
	{"SubjectContainsWords", "with ", " in the subject", true},
	{"BodyContainsWords", "with ", " in the body", true},
	{"SubjectOrBodyContainsWords", "with ", " in the subject or body",
	 true},
	{"HeaderContainsWords", "with ", " in the headers", true},
	{"ExceptIfBodyContainsWords", "without ", " in the body", true},
	{"HasAttachment", "with attachments", "", false},
	{"MyNameInToBox", "with the owner's name in the To box", "", false},
	{"MyNameInCcBox", "with the owner's name in the Cc box", "", false},
	{"MyNameInToOrCcBox", "with the owner's name in the To or Cc box", "",
	 false},
	{"MyNameNotInToBox", "without the owner's name in the To box", "",
	 false},
	{"SentOnlyToMe", "sent only to the owner", "", false},
	{"FlaggedForAction", "flagged for ", "", true},
	{"FromSubscription", "from subscription ", "", true},
	{"HasClassification", "classified as ", "", true},
	{"MessageTypeMatches", "of type ", "", true},
	{"ReceivedAfterDate", "received after ", "", true},
	{"ReceivedBeforeDate", "received before ", "", true},
	{"WithImportance", "of importance ", "", true},
	{"WithSensitivity", "of sensitivity ", "", true},
	{"WithinSizeRangeMinimum", "of at least ", " bytes", true},
	{"WithinSizeRangeMaximum", "of at most ", " bytes", true},
	{"RuleCondition", "matching the Outlook condition ", "", true},
};

#define COND_VALUES 4	 /* values shown per condition */
#define COND_MAX 400	 /* bytes of description before "and more" */

/* `"a", "b" or "c"`: the values of `p`, safe and cut. */
static void
cond_values(struct ir_buf *b, const struct ir_param *p)
{
	size_t n = p->is_list ? p->nitems : 1;
	size_t shown = n < COND_VALUES ? n : COND_VALUES;

	for (size_t i = 0; i < shown; i++) {
		struct ir_str v = p->is_list ? p->items[i] : p->value;

		if (i)
			ir_buf_addstr(b, i + 1 == n ? " or " : ", ");
		ir_buf_addch(b, '"');
		ir_detect__safe(b, v.ptr, v.len, MAX_SHOWN);
		ir_buf_addch(b, '"');
	}
	if (shown < n)
		ir_buf_addf(b, " or %zu more", n - shown);
}

/* Outlook's "match every item": no condition at all. */
static bool
matches_all(const struct ir_event *ev)
{
	const struct ir_str *v = ir_event_param_str(ev, "RuleCondition");

	return v &&
	       ir_detect__contains_ci(v->ptr, v->len, "exists(itemclass)") &&
	       !memchr(v->ptr, '&', v->len) && !memchr(v->ptr, '|', v->len);
}

/* One condition's phrase into `b`, or nothing when it does not apply. */
static void
cond_phrase(struct ir_buf *b, const struct cond_text *c,
	    const struct ir_event *ev, unsigned *seen, bool *cut)
{
	static const char *const starts[] = {"with", "from", "sent"};
	const struct ir_param *p = ir_event_param(ev, c->param);
	unsigned kind = 0;

	if (!p || (!p->is_list && !p->value.len) ||
	    (p->is_list && !p->nitems))
		return;
	if (!c->words && !ir_detect__param_true(ev, c->param))
		return;
	if (!strcmp(c->param, "RuleCondition") && matches_all(ev))
		return;
	if (b->len >= COND_MAX) {
		if (!*cut)
			ir_buf_addstr(b, " and more conditions");
		*cut = true;
		return;
	}
	/* "from x and from an address containing y", not "from x from" */
	for (size_t i = 0; i < IR_ARRAY_SIZE(starts); i++)
		if (!strncmp(c->pre, starts[i], 4))
			kind = 1u << i;
	ir_buf_addstr(b, kind & *seen ? " and " : " ");
	*seen |= kind;
	ir_buf_addstr(b, c->pre);
	if (c->words)
		cond_values(b, p);
	ir_buf_addstr(b, c->post);
}

/* r->cond: "mail" and every condition; NULL when there are none. */
static void
describe_conditions(struct ir_rule *r, const struct ir_event *ev)
{
	struct ir_buf b = IR_BUF_INIT;
	unsigned seen = 0;
	bool cut = false;

	ir_buf_addstr(&b, "mail");
	for (size_t i = 0; i < IR_ARRAY_SIZE(cond_texts); i++)
		cond_phrase(&b, &cond_texts[i], ev, &seen, &cut);
	if (b.len > 4)
		r->cond = ir_buf_detach(&b, NULL);
	ir_buf_release(&b);
}

static void
rule_conditions(struct ir_rule *r, const struct ir_event *ev)
{
	const struct ir_str *v;
	bool any = false;

	check_keyword(r, ev, "SubjectContainsWords", "subject");
	check_keyword(r, ev, "SubjectOrBodyContainsWords", "subject or body");
	check_keyword(r, ev, "BodyContainsWords", "body");
	check_keyword(r, ev, "FromAddressContainsWords", "sender");
	check_keyword(r, ev, "HeaderContainsWords", "headers");
	check_keyword(r, ev, "RuleCondition", "rule condition");
	if ((v = ir_event_param_str(ev, "From")) && v->len)
		r->from = ir_detect__safe_dup(v->ptr, v->len, MAX_SHOWN);
	else if ((v = ir_event_param_str(ev, "FromAddressContainsWords")) &&
		 v->len)
		r->from = ir_detect__safe_dup(v->ptr, v->len, MAX_SHOWN);
	for (size_t i = 0; i < IR_ARRAY_SIZE(conditions); i++)
		any |= !!ir_event_param(ev, conditions[i]);
	if (op_is(ev, "New-InboxRule"))
		r->all_mail = !any;
	/* Outlook writes "match every item" as an existence test. */
	if (matches_all(ev))
		r->all_mail = true;
	describe_conditions(r, ev);
}

static void
set_folder(struct ir_rule *r, const char *s, size_t len)
{
	if (!len || r->move_to)
		return;
	r->move_to = ir_detect__safe_dup(s, len, MAX_SHOWN);
	r->hide_folder = is_hide_folder(s, len);
}

static void
param_actions(struct ir_rule *r, const struct ir_event *ev)
{
	const struct ir_str *v;

	param_targets(r, ev, "ForwardTo", IR_FWD_FORWARD);
	param_targets(r, ev, "ForwardAsAttachmentTo", IR_FWD_ATTACH);
	param_targets(r, ev, "RedirectTo", IR_FWD_REDIRECT);
	r->del = ir_detect__param_true(ev, "DeleteMessage") ||
		 ir_detect__param_true(ev, "SoftDeleteMessage");
	r->perm_del = ir_detect__param_true(ev, "PermanentDelete");
	r->mark_read = ir_detect__param_true(ev, "MarkAsRead");
	r->stop = ir_detect__param_true(ev, "StopProcessingRules");
	if ((v = ir_event_param_str(ev, "MoveToFolder")))
		set_folder(r, v->ptr, v->len);
	if ((v = ir_event_param_str(ev, "RuleState")) &&
	    ir_detect__contains_ci(v->ptr, v->len, "exitafterexecution"))
		r->stop = true;
}

static const char *
json_str(yyjson_val *obj, const char *key)
{
	yyjson_val *v = yyjson_obj_get(obj, key);

	return yyjson_is_str(v) ? yyjson_get_str(v) : NULL;
}

static void
json_recipients(struct ir_rule *r, yyjson_val *act, enum ir_fwd_kind kind)
{
	yyjson_val *list = yyjson_obj_get(act, "Recipients");
	yyjson_val *it;
	size_t i, max;

	yyjson_arr_foreach(list, i, max, it)
	{
		const char *s = yyjson_get_str(it);

		if (yyjson_is_obj(it) && !(s = json_str(it, "SmtpAddress")))
			s = json_str(it, "Address");
		if (!s)
			continue;
		if (r->ntarget >= IR_RULE_MAX_TARGETS) {
			r->target_dropped++;
			continue;
		}
		r->target_kind[r->ntarget] = kind;
		r->target[r->ntarget++] = target_dup(s, strlen(s));
	}
}

/*
 * One RuleActions entry. ActionType names follow the MAPI rule actions
 * (MS-OXORULE 2.2.5: OP_MOVE, OP_FORWARD, OP_DELETE, OP_MARK_AS_READ ...)
 * as the UpdateInboxRules audit record spells them.
 */
static void
json_action(struct ir_rule *r, yyjson_val *act)
{
	const char *t = json_str(act, "ActionType");
	const char *flags = json_str(act, "ForwardFlags");
	const char *folder;
	enum ir_fwd_kind kind = IR_FWD_FORWARD;

	if (!t)
		return;
	if (flags && ir_detect__contains_ci(flags, strlen(flags), "attach"))
		kind = IR_FWD_ATTACH;
	if (flags &&
	    (ir_detect__contains_ci(flags, strlen(flags), "preserve") ||
	     ir_detect__contains_ci(flags, strlen(flags), "munge")))
		kind = IR_FWD_REDIRECT;
	if (!strcasecmp(t, "Redirect"))
		kind = IR_FWD_REDIRECT;
	if (!strcasecmp(t, "Forward") || !strcasecmp(t, "Redirect") ||
	    !strcasecmp(t, "ForwardAsAttachment") || !strcasecmp(t, "Delegate"))
		json_recipients(r, act, kind);
	else if (!strcasecmp(t, "Delete"))
		r->del = true;
	else if (!strcasecmp(t, "PermanentDelete"))
		r->perm_del = true;
	else if (!strcasecmp(t, "MarkAsRead"))
		r->mark_read = true;
	else if (!strcasecmp(t, "MoveToFolder") || !strcasecmp(t, "Move")) {
		if (!(folder = json_str(act, "FolderName")) &&
		    !(folder = json_str(act, "Folder")))
			folder = "(a folder given by id)";
		set_folder(r, folder, strlen(folder));
	}
}

static void
json_actions(struct ir_rule *r, const struct ir_event *ev)
{
	const struct ir_param *p = ir_event_param(ev, "RuleActions");
	yyjson_doc *doc;
	yyjson_val *arr, *act;
	size_t i, max;

	if (!p || !p->value.len)
		return;
	doc = yyjson_read(p->value.ptr, p->value.len, 0);
	arr = yyjson_doc_get_root(doc);
	if (yyjson_is_obj(arr))
		json_action(r, arr);
	yyjson_arr_foreach(arr, i, max, act) json_action(r, act);
	yyjson_doc_free(doc);
}

bool
ir_detect__rule_parse(struct ir_rule *out, const struct ir_event *ev,
		      struct ir_rulenames *rn)
{
	const struct ir_str *op = ir_event_param_str(ev, "RuleOperation");

	memset(out, 0, sizeof(*out));
	if (!ir_detect__is_rule_op(ev) || ir_detect__failed(ev))
		return false;
	if (op && ir_detect__contains_ci(op->ptr, op->len, "remove"))
		return false;
	out->created = op_is(ev, "New-InboxRule") ||
		       (op && ir_detect__contains_ci(op->ptr, op->len, "add"));
	rule_identity(out, ev, rn);
	param_actions(out, ev);
	json_actions(out, ev);
	rule_conditions(out, ev);
	return true;
}

void
ir_detect__rule_release(struct ir_rule *r)
{
	for (size_t i = 0; i < r->ntarget; i++)
		free(r->target[i]);
	free(r->key);
	free(r->name);
	free(r->owner);
	free(r->move_to);
	free(r->keyword);
	free(r->from);
	free(r->cond);
	memset(r, 0, sizeof(*r));
}

void
ir_detect__rule_condition(struct ir_buf *out, const struct ir_rule *r)
{
	if (r->cond)
		ir_buf_addstr(out, r->cond);
	else if (r->all_mail)
		ir_buf_addstr(out, "all mail");
	else
		ir_buf_addstr(out, "mail");
}

void
ir_detect__rule_set_by(struct ir_buf *out, const struct ir_rule *r,
		       const struct ir_event *ev)
{
	if (r->owner_guess)
		ir_buf_addf(out,
			    " (the mailbox was not named by UPN and could "
			    "not be resolved offline; changed by %s)",
			    ev->user ? ev->user : "the actor");
	else if (r->by_other && ev->user)
		ir_buf_addf(out, " (set by %s)", ev->user);
}

/* ---- what a rule does, as a key ---- */

/* `len` bytes at `s`, ASCII lower-cased and made safe, length first. */
static void
sig_value(struct ir_buf *out, const char *tag, const char *s, size_t len)
{
	struct ir_buf low = IR_BUF_INIT;

	for (size_t i = 0; i < len; i++)
		ir_buf_addch(&low, lower((unsigned char)s[i]));
	ir_buf_addf(out, "%s=%zu:", tag, len);
	ir_detect__safe(out, low.buf, low.len, 0);
	ir_buf_addch(out, ';');
	ir_buf_release(&low);
}

void
ir_detect__rule_signature(struct ir_buf *out, const struct ir_rule *r,
			  const struct ir_event *ev)
{
	const struct ir_str *v;

	ir_buf_addf(out, "del=%d,%d;read=%d;stop=%d;all=%d;", r->del,
		    r->perm_del, r->mark_read, r->stop, r->all_mail);
	if (r->move_to)
		sig_value(out, "to", r->move_to, strlen(r->move_to));
	for (size_t i = 0; i < r->ntarget; i++) {
		const char *kind = r->target_kind[i] == IR_FWD_REDIRECT ? "rd"
				   : r->target_kind[i] == IR_FWD_ATTACH ? "fa"
									: "fw";

		sig_value(out, kind, r->target[i], strlen(r->target[i]));
	}
	for (size_t i = 0; i < IR_ARRAY_SIZE(conditions); i++) {
		const struct ir_param *p = ir_event_param(ev, conditions[i]);

		for (size_t j = 0; p && j < (p->is_list ? p->nitems : 1); j++) {
			struct ir_str s = p->is_list ? p->items[j] : p->value;

			sig_value(out, conditions[i], s.ptr, s.len);
		}
	}
	if ((v = ir_event_param_str(ev, "RuleCondition")))
		sig_value(out, "RuleCondition", v->ptr, v->len);
}

/* ---- hits held until finish() ---- */

struct ir_pending {
	struct ir_pending_item **v;
	size_t n, alloc;
	struct ir_keymap index; /* (user, key) to position + 1 */
};

struct ir_pending *
ir_detect__pending_new(void)
{
	return xcalloc(1, sizeof(struct ir_pending));
}

void
ir_detect__evcopy_release(struct ir_evcopy *e)
{
	free(e->file);
	free(e->id);
	free(e->op);
	free(e->ip);
}

static void
item_free(struct ir_pending_item *it)
{
	struct ir_evcopy *e = it->ev;

	for (size_t i = 0; i < it->nev; i++)
		ir_detect__evcopy_release(&e[i]);
	for (size_t i = 0; i < it->ntarget; i++)
		free(it->target[i]);
	free(it->ev);
	free(it->user);
	free(it->key);
	free(it->text);
	free(it->detail);
	free(it);
}

void
ir_detect__pending_free(struct ir_pending *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++)
		item_free(p->v[i]);
	free(p->v);
	ir_detect__keymap_release(&p->index);
	free(p);
}

void
ir_detect__evcopy_set(struct ir_evcopy *e, const struct ir_event *ev)
{
	ir_detect__evcopy_release(e);
	e->file = xstrdup(ev->file ? ev->file : "-");
	e->id = ev->id ? xstrdup(ev->id) : NULL;
	e->op = ev->operation ? xstrdup(ev->operation) : NULL;
	e->ip = ev->client_ip ? xstrdup(ev->client_ip) : NULL;
	e->record = ev->record;
	e->time = ev->time;
	e->has_time = ev->has_time;
}

/*
 * Keep the first MAX_EVIDENCE-1 events and, in the last slot, the latest
 * one, so the finding's first_seen and last_seen stay right however many
 * times a rule is touched; the rest only count.
 */
static void
item_evidence(struct ir_pending_item *it, const struct ir_event *ev)
{
	struct ir_evcopy *e;

	if (!it->ev)
		it->ev = xcalloc(MAX_EVIDENCE, sizeof(struct ir_evcopy));
	e = it->ev;
	if (ev->has_time &&
	    (!it->has_time || ir_time_cmp(ev->time, it->first) < 0)) {
		it->first = ev->time;
		it->has_time = true;
	}
	if (it->nev < MAX_EVIDENCE) {
		ir_detect__evcopy_set(&e[it->nev++], ev);
		return;
	}
	it->more++;
	if (ev->has_time &&
	    (!e[MAX_EVIDENCE - 1].has_time ||
	     ir_time_cmp(ev->time, e[MAX_EVIDENCE - 1].time) > 0))
		ir_detect__evcopy_set(&e[MAX_EVIDENCE - 1], ev);
}

struct ir_pending_item *
ir_detect__pending_add(struct ir_pending *p, const char *user, const char *key,
		       const struct ir_event *ev)
{
	struct ir_pending_item *it;
	size_t *slot;

	user = user && *user ? user : "(unknown)";
	key = key ? key : "";
	slot = ir_detect__keymap_at(&p->index, user, key);
	if (!*slot) {
		it = xcalloc(1, sizeof(*it));
		it->user = xstrdup(user);
		it->key = xstrdup(key);
		IR_ALLOC_GROW(p->v, p->n + 1, p->alloc);
		p->v[p->n++] = it;
		*slot = p->n;
	}
	it = p->v[*slot - 1];
	if (ev)
		item_evidence(it, ev);
	return it;
}

void
ir_detect__pending_target(struct ir_pending_item *it, const char *s, size_t len)
{
	for (size_t i = 0; i < it->ntarget; i++)
		if (strlen(it->target[i]) == len &&
		    same_ci(it->target[i], s, len))
			return;
	if (it->ntarget < IR_RULE_MAX_TARGETS)
		it->target[it->ntarget++] = target_dup(s, len);
	else
		it->target_dropped++;
}

size_t
ir_detect__pending_count(const struct ir_pending *p)
{
	return p->n;
}

struct ir_pending_item *
ir_detect__pending_get(struct ir_pending *p, size_t i)
{
	return i < p->n ? p->v[i] : NULL;
}

void
ir_detect__evcopy_hit(struct ir_findings *out, const struct ir_hit *hit,
		      const struct ir_evcopy *e, const char *user)
{
	struct ir_event ev;
	struct ir_hit h = *hit;

	memset(&ev, 0, sizeof(ev));
	ev.file = e->file;
	ev.record = e->record;
	ev.id = e->id;
	ev.operation = e->op;
	ev.client_ip = e->ip;
	ev.time = e->time;
	ev.has_time = e->has_time;
	ev.user = user;
	ev.client_port = -1;
	h.ev = &ev;
	ir_findings_hit(out, &h);
}

void
ir_detect__pending_report(struct ir_findings *out,
			  const struct ir_pending_item *it,
			  const struct ir_hit *hit)
{
	const struct ir_evcopy *e = it->ev;
	struct ir_hit h = *hit;

	for (size_t i = 0; i < it->nev; i++)
		ir_detect__evcopy_hit(out, hit, &e[i], it->user);
	h.ev = NULL;
	for (uint64_t i = 0; i < it->more; i++)
		ir_findings_hit(out, &h);
}

/* ---- detections that only hold hits ---- */

void *
ir_detect__pending_det_start(const struct ir_detect_ctx *ctx,
			     const struct ir_pending_kind *kind)
{
	struct ir_pending_det *st = xcalloc(1, sizeof(*st));

	st->ctx = ctx;
	st->kind = kind;
	if (kind->rulenames)
		st->names = ir_detect__rulenames_new();
	st->items = ir_detect__pending_new();
	return st;
}

static void
pending_judge(const struct ir_pending_det *st, const struct ir_pending_item *it,
	      struct ir_findings *out)
{
	struct ir_buf s = IR_BUF_INIT;
	struct ir_hit hit = {.det = st->kind->det,
			     .user = it->user,
			     .key = it->key};

	if (st->kind->judge(&s, &hit, st->ctx, it)) {
		hit.summary = s.buf;
		hit.remediation =
			ir_detect_remediation(it->user, st->kind->steps);
		ir_detect__pending_report(out, it, &hit);
		free((char *)hit.remediation);
	}
	ir_buf_release(&s);
}

void
ir_detect__pending_det_finish(void *state, struct ir_findings *out)
{
	struct ir_pending_det *st = state;

	for (size_t i = 0; i < ir_detect__pending_count(st->items); i++)
		pending_judge(st, ir_detect__pending_get(st->items, i), out);
}

void
ir_detect__pending_det_free(void *state)
{
	struct ir_pending_det *st = state;

	ir_detect__rulenames_free(st->names);
	ir_detect__pending_free(st->items);
	free(st);
}
