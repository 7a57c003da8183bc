/* SPDX-License-Identifier: MIT */
/*
 * gen-story.h - the Contoso tenant shared by gen-story.c (who does what,
 * when) and gen-render.c (how each event looks in each export format).
 *
 * An event is small and format-free: a time, a kind, a variant, a person
 * and a network. The renderers derive every other field (object ids,
 * mailbox GUIDs, user agents, locations) from those deterministically, so
 * the same person keeps the same ids in every file and every run.
 */
#ifndef GEN_STORY_H
#define GEN_STORY_H

#include "bench/gen-logs.h"

#define GEN_DOMAIN "contoso.com"
#define GEN_NPEOPLE 50
#define GEN_NSHARED 4

/* People with a part in the story (indexes into gen_people). */
enum {
	GEN_P_ADMIN = 0,
	GEN_P_SANNE = 1,
	GEN_P_THOMAS = 2,
	GEN_P_VICTIM = 7,
	GEN_P_NOAH = 8,
	GEN_P_MILAN = 16,
	GEN_P_NEWHIRE = 49,
};

struct gen_person {
	const char *name;
	const char *local; /* UPN before the @ */
	const char *dept;
	int home; /* index of the home town */
};

extern const struct gen_person gen_people[GEN_NPEOPLE];
extern const char *const gen_shared[GEN_NSHARED];

/* Where a request came from. */
enum {
	GEN_NET_OFFICE,	  /* 198.51.100.10-13, Amsterdam */
	GEN_NET_HOME,	  /* 192.0.2.x or 2001:db8::, the person's town */
	GEN_NET_ATTACKER, /* 203.0.113.77, Lagos NG */
	GEN_NET_SPRAY2,	  /* 203.0.113.78, Lagos NG */
};

enum gen_kind {
	GEN_K_LOGIN = 1, /* UAL UserLoggedIn / UserLoginFailed */
	GEN_K_MAIL,	 /* MailItemsAccessed; aux = shared mailbox + 1 */
	GEN_K_SEND,	 /* Send */
	GEN_K_FILE,	 /* FileAccessed, FileModified ... */
	GEN_K_TEAMS,	 /* MessageSent */
	GEN_K_CMDLET,	 /* Exchange admin cmdlets, var = GEN_C_* */
	GEN_K_RULES,	 /* UpdateInboxRules from Outlook */
	GEN_K_AAD,	 /* AzureActiveDirectory audit, var = GEN_A_* */
	GEN_K_SIGNIN,	 /* Graph signIn */
	GEN_K_DIRAUDIT,	 /* Graph directoryAudit, var = GEN_D_* */
};

/* Sign-in variants (GEN_K_LOGIN, GEN_K_SIGNIN). */
enum { GEN_V_OK, GEN_V_FAIL, GEN_V_SPRAY };

enum {
	GEN_C_RULE_HIDE,
	GEN_C_RULE_SORT,
	GEN_C_RULE_FWD_INTERNAL,
	GEN_C_SETMBX_FWD,
	GEN_C_PERM_SHARED,
	GEN_C_PERM_VICTIM,
};

enum { GEN_A_CONSENT_ADMIN, GEN_A_CONSENT_VICTIM, GEN_A_ADD_USER };

enum {
	GEN_D_MFA,
	GEN_D_CONSENT_ADMIN,
	GEN_D_CONSENT_VICTIM,
	GEN_D_ADD_USER,
	GEN_D_ADD_MEMBER,
};

struct gen_ev {
	int64_t sec;
	uint32_t frac7;
	uint32_t seq;
	uint8_t kind;
	uint8_t var;
	uint8_t net;
	uint16_t who;
	uint16_t aux; /* per kind: app for sign-ins, mailbox for mail */
	char id[37];
};

/* The CSV columns of a UAL record, filled by gen_render_ual(). */
struct gen_meta {
	int record_type;
	const char *operation;
	char user[128];
};

/*
 * Render `e` with slot markers (gen-logs.h) into `out`: Management
 * Activity API JSON, a Purview CSV row with its CRLF, a Graph signIn,
 * a Graph directoryAudit.
 */
void gen_render_ual(struct ir_buf *out, const struct gen_ev *e,
		    struct gen_meta *meta);
void gen_render_csv_row(struct ir_buf *out, const struct gen_ev *e);
void gen_render_signin(struct ir_buf *out, const struct gen_ev *e);
void gen_render_diraudit(struct ir_buf *out, const struct gen_ev *e);

#endif
