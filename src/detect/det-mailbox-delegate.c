/* SPDX-License-Identifier: MIT */
/*
 * det-mailbox-delegate.c - someone was given access to a mailbox
 * (MITRE ATT&CK T1098.002, Additional Email Delegate Permissions).
 *
 * An attacker with admin rights, or with the mailbox itself, keeps access
 * after the password reset by granting it to an account they hold:
 * Add-MailboxPermission (FullAccess: read everything), Add-RecipientPermission
 * (SendAs), Set-Mailbox -GrantSendOnBehalfTo, and folder permissions
 * (Add-/Set-MailboxFolderPermission on "alice:\Inbox"). Each grant is a
 * finding for the mailbox owner, keyed by the delegate; FullAccess or
 * SendAs to an external or unknown principal is high, to a colleague
 * medium; lesser rights one step lower. The delegate's domain is judged in
 * finish(), once the tenant's domains are known.
 *
 * Not reported: Exchange provisioning its own system mailboxes (actor
 * "NT AUTHORITY\SYSTEM (...)" / S-1-5-18 granting on DiscoverySearchMailbox,
 * SystemMailbox{...}, Migration.*, FederatedEmail.*), grants to
 * "NT AUTHORITY\SELF", Deny entries, and folder rights that show nothing
 * (None, AvailabilityOnly, LimitedDetails).
 *
 * False positives: assistants and shared-mailbox members given access on
 * purpose; the summary names delegate and right so the admin can tell.
 */
#include "util/compat.h"

#include <strings.h>

#include "util/buf.h"
#include "util/parse.h"
#include "util/xalloc.h"
#include "detect/detect.h"
#include "detect/domains.h"
#include "detect/inboxrule.h"

enum {
	F_STRONG = 1 << 0,    /* FullAccess, SendAs, permission changes */
	F_DEFAULT = 1 << 1,   /* folder "Default": everyone in the tenant */
	F_ANONYMOUS = 1 << 2, /* folder "Anonymous": anyone */
};

/* One grant, as read from the event. */
struct grant {
	const struct ir_event *ev;
	char *owner;
	bool guess;
	const char *what; /* "can read the whole mailbox of" */
	char *rights;	  /* safe, for the summary */
	bool strong;
};

static bool
op_is(const struct ir_event *ev, const char *name)
{
	return ev->operation && !strcasecmp(ev->operation, name);
}

static bool
system_actor(const char *actor)
{
	return actor && (!strncasecmp(actor, "nt authority\\system", 19) ||
			 !strcasecmp(actor, "s-1-5-18"));
}

static const char *const system_mailboxes[] = {
	"discoverysearchmailbox", "systemmailbox{", "migration.",
	"federatedemail.",	  "searchmailbox",  "discovery management",
};

static bool
system_name(const char *s, size_t len)
{
	for (size_t i = 0; i < IR_ARRAY_SIZE(system_mailboxes); i++)
		if (ir_detect__contains_ci(s, len, system_mailboxes[i]))
			return true;
	return false;
}

/* Rights that show a folder's contents to nobody. */
static bool
noneish(const char *s, size_t len)
{
	static const char *const none[] = {"none", "availabilityonly",
					   "limiteddetails"};
	size_t start = 0;

	for (size_t i = 0; i <= len; i++) {
		bool known = false;

		if (i < len && s[i] != ',' && s[i] != ';')
			continue;
		while (start < i && s[start] == ' ')
			start++;
		for (size_t k = 0; k < IR_ARRAY_SIZE(none); k++)
			known |= ir_detect__contains_ci(s + start, i - start,
							none[k]);
		if (i > start && !known)
			return false;
		start = i + 1;
	}
	return true;
}

static void
remember(struct ir_pending_det *st, const struct grant *g, const char *who,
	 size_t len)
{
	struct ir_pending_item *it;
	struct ir_buf b = IR_BUF_INIT;
	char *key = ir_detect__addr_key(who, len);
	int level = g->strong ? 1 : 0;

	it = ir_detect__pending_add(st->items, g->owner, key, g->ev);
	ir_detect__pending_target(it, who, len);
	if (ir_strn_eq_ci(who, len, "default"))
		it->flags |= F_DEFAULT;
	if (ir_strn_eq_ci(who, len, "anonymous"))
		it->flags |= F_ANONYMOUS;
	if (it->text && level < it->level)
		goto out;
	it->level = level;
	it->flags |= g->strong ? F_STRONG : 0;
	free(it->text);
	it->text = xstrdup(g->what);
	ir_buf_addf(&b, " (%s", g->rights);
	if (g->guess)
		ir_buf_addf(&b,
			    "; the mailbox was not named by UPN and could "
			    "not be resolved offline; changed by %s",
			    g->ev->user ? g->ev->user : "the actor");
	else if (g->ev->user && strcmp(g->ev->user, g->owner))
		ir_buf_addf(&b, "; set by %s", g->ev->user);
	ir_buf_addch(&b, ')');
	free(it->detail);
	it->detail = ir_buf_detach(&b, NULL);
out:
	free(key);
}

/* Callback for each delegate named in the event. */
static void
each_delegate(const char *s, size_t len, void *payload)
{
	void **pl = payload;
	struct ir_pending_det *st = pl[0];
	const struct grant *g = pl[1];
	const char *add;

	/* Set-Mailbox -GrantSendOnBehalfTo @{Add="bob"}: only Add grants. */
	if (len > 2 && s[0] == '@' && s[1] == '{') {
		if (!(add = memchr(s, '=', len)) ||
		    !ir_detect__contains_ci(s, (size_t)(add - s), "add"))
			return;
		len -= (size_t)(add + 1 - s);
		s = add + 1;
		while (len && (s[len - 1] == '}' || s[len - 1] == ' '))
			len--;
	}
	if (!len || ir_detect__contains_ci(s, len, "nt authority\\self") ||
	    ir_strn_eq_ci(s, len, "s-1-5-10"))
		return;
	if (system_actor(g->ev->user) && system_name(s, len))
		return;
	remember(st, g, s, len);
}

/*
 * The mailbox an Add-*Permission acted on: a UPN, the actor's alias, or
 * else the Identity itself (a GUID or alias), which names the mailbox
 * better than the admin who ran the cmdlet would (ir_detect__owner).
 */
static char *
mailbox_of(const struct ir_event *ev, const char *s, size_t len)
{
	bool guess;

	return ir_detect__owner(ev, s, len, &guess);
}

static void
grant_release(struct grant *g)
{
	free(g->owner);
	free(g->rights);
	free((char *)g->what);
}

/* Add-/Set-MailboxFolderPermission -Identity "alice:\Inbox": folder, owner */
static void
folder_grant(struct grant *g, const struct ir_event *ev, struct ir_str ids)
{
	const char *colon = memchr(ids.ptr, ':', ids.len);
	size_t mlen = colon ? (size_t)(colon - ids.ptr) : ids.len;
	struct ir_buf b = IR_BUF_INIT;

	ir_buf_addstr(&b, "can open folder \"");
	if (colon && mlen + 1 < ids.len) {
		size_t skip = colon[1] == '\\' ? 2 : 1;

		if (mlen + skip <= ids.len)
			ir_detect__safe(&b, colon + skip, ids.len - mlen - skip,
					60);
	}
	ir_buf_addstr(&b, "\" of");
	g->what = ir_buf_detach(&b, NULL);
	g->owner = mailbox_of(ev, ids.ptr, mlen);
}

/* Fill `g` for the operation of `ev`; false when it grants nothing. */
static bool
grant_read(struct grant *g, const struct ir_event *ev, const char **who)
{
	const struct ir_str *id = ir_event_param_str(ev, "Identity");
	const struct ir_str *r = ir_event_param_str(ev, "AccessRights");
	struct ir_str none = {"", 0};
	struct ir_str ids = id ? *id : none, rs = r ? *r : none;

	memset(g, 0, sizeof(*g));
	g->ev = ev;
	if (ir_detect__param_true(ev, "Deny") ||
	    (system_actor(ev->user) && system_name(ids.ptr, ids.len)))
		return false;
	g->rights = ir_detect__safe_dup(rs.ptr, rs.len, 80);
	if (op_is(ev, "Add-MailboxPermission")) {
		*who = "User";
		g->strong =
			ir_detect__contains_ci(rs.ptr, rs.len, "fullaccess") ||
			ir_detect__contains_ci(rs.ptr, rs.len, "change");
		g->what = xstrdup(
			ir_detect__contains_ci(rs.ptr, rs.len, "fullaccess")
				? "can read the whole mailbox of"
				: "has rights on the mailbox of");
	} else if (op_is(ev, "Add-RecipientPermission")) {
		*who = "Trustee";
		g->strong = ir_detect__contains_ci(rs.ptr, rs.len, "sendas");
		g->what = xstrdup("can send mail as");
	} else if (op_is(ev, "Set-Mailbox")) {
		*who = "GrantSendOnBehalfTo";
		free(g->rights);
		g->rights = xstrdup("GrantSendOnBehalfTo");
		g->what = xstrdup("can send mail on behalf of");
		g->owner = ir_detect__owner(ev, ids.ptr, ids.len, &g->guess);
		return true;
	} else {
		if (!r || noneish(rs.ptr, rs.len))
			return false;
		*who = "User";
		folder_grant(g, ev, ids);
		return true;
	}
	g->owner = mailbox_of(ev, ids.ptr, ids.len);
	return true;
}

static void
event(void *state, const struct ir_event *ev, struct ir_findings *out)
{
	struct ir_pending_det *st = state;
	struct grant g;
	const char *who = NULL;
	void *pl[2] = {st, &g};

	if (!ev->operation || ir_detect__failed(ev))
		return;
	if (!op_is(ev, "Add-MailboxPermission") &&
	    !op_is(ev, "Add-RecipientPermission") &&
	    !op_is(ev, "Add-MailboxFolderPermission") &&
	    !op_is(ev, "Set-MailboxFolderPermission") &&
	    !(op_is(ev, "Set-Mailbox") &&
	      ir_event_param(ev, "GrantSendOnBehalfTo")))
		return;
	if (grant_read(&g, ev, &who))
		ir_detect__foreach_recipient(ir_event_param(ev, who),
					     each_delegate, pl);
	grant_release(&g);
}

static bool
judge(struct ir_buf *s, struct ir_hit *hit, const struct ir_detect_ctx *ctx,
      const struct ir_pending_item *it)
{
	const char *t = it->target[0];
	enum ir_addr_class c = ir_domains_classify(ctx->domains, t, strlen(t));
	bool strong = it->flags & F_STRONG;

	if (it->flags & F_DEFAULT)
		c = IR_ADDR_INTERNAL;
	if (it->flags & F_ANONYMOUS)
		c = IR_ADDR_EXTERNAL;
	ir_buf_addf(s, "%s%s %s %s%s", it->key,
		    c == IR_ADDR_EXTERNAL     ? " (external)"
		    : c == IR_ADDR_UNRESOLVED ? " (could not be resolved "
						"offline; check with "
						"Get-Recipient)"
					      : "",
		    it->text, it->user, it->detail);
	ir_detect__since(s, it->has_time, it->first);
	if (c == IR_ADDR_INTERNAL)
		hit->severity = strong ? IR_SEV_MEDIUM : IR_SEV_LOW;
	else
		hit->severity = strong ? IR_SEV_HIGH : IR_SEV_MEDIUM;
	return true;
}

static const struct ir_pending_kind kind = {
	.det = &ir_det_mailbox_delegate,
	.steps = "mailbox-delegates",
	.judge = judge,
};

static void *
start(const struct ir_detect_ctx *ctx)
{
	return ir_detect__pending_det_start(ctx, &kind);
}

static const char *const operations[] = {
	"Add-MailboxFolderPermission", "Add-MailboxPermission",
	"Add-RecipientPermission",     "Set-Mailbox",
	"Set-MailboxFolderPermission", NULL,
};

const struct ir_detection ir_det_mailbox_delegate = {
	.id = "mailbox-delegate",
	.title = "Mailbox access granted to another account",
	.attack = "T1098.002",
	.operations = operations,
	.start = start,
	.event = event,
	.finish = ir_detect__pending_det_finish,
	.free = ir_detect__pending_det_free,
};
