/* people.h - users, their tokens and workers (with their status): create, get, list. */
#ifndef ALIHDAYA_APP_PEOPLE_H
#define ALIHDAYA_APP_PEOPLE_H

#include <stdbool.h>

#include "app/records.h"

/* A user as given (an edit: NULL and !has_client_id are unchanged). */
struct user_in {
	const char *name; /* required: a code */
	const char *role; /* required: admin, manager, worker, client or auditor */
	bool has_client_id;
	int64_t client_id; /* required (> 0) iff role is client, else not given */
};

/*
 * A token request: for user_id, or for the user named user_name (exactly
 * one); an expiry as an RFC 3339 time or as seconds from now (at most one;
 * neither: it never expires). Zero-initialised, expires_in is 0: none.
 */
struct token_in {
	int64_t user_id;
	const char *user_name;
	const char *expires_at;
	double expires_in; /* seconds; 0 or APP_ABSENT: not given */
};

#define TOKEN_EXPIRES_MAX_S ((int64_t)10 * 366 * 86400) /* ten years */

#define WORKER_COST_MAX_MINOR ((int64_t)100000000) /* 1,000,000.00 an hour is a typo */

/*
 * The terms of one clearance as given (the object form of "clearances"):
 * NULL or 0 fields were not given. expires_at: RFC 3339; nda_ref: text;
 * unmasked: payload field names the worker sees in clear for that client.
 */
struct clearance_terms_in {
	const char *expires_at;
	const char *nda_ref;
	const char *const *unmasked;
	size_t n_unmasked;
};

/*
 * A worker as given; numbers APP_ABSENT and strings NULL when not given (an
 * edit: unchanged; its lists change only when their has_ flag is set, an
 * empty list then clears).
 */
struct worker_in {
	const char *login;     /* required: a code; the worker's user is named so */
	const char *name;      /* required */
	const struct app_level_in *skills, *langs; /* levels required */
	size_t n_skills, n_langs;
	const char *const *creds;
	size_t n_creds;
	const char *country;   /* required: ISO 3166 alpha-2, upper case */
	const char *time_zone; /* NULL: UTC */
	double capacity;       /* 1..1000; absent: 1 */
	double cost_minor;     /* cost_per_hour.amount_minor, 0..WORKER_COST_MAX_MINOR; absent: 0 */
	const char *currency;  /* ISO 4217, upper case; NULL: USD */
	const int64_t *clear;  /* clearances: client ids, any order, repeats allowed */
	size_t n_clear;
	const struct clearance_terms_in *clear_terms; /* NULL, or n_clear: each clearance's terms */
	const char *status;    /* NULL: available */
	bool has_skills, has_langs, has_creds, has_clear;
};

#define WORKER_IN_INIT { .capacity = APP_ABSENT, .cost_minor = APP_ABSENT }

/* A worker's new status as given. */
struct worker_status_in {
	int64_t worker_id;
	const char *status; /* required: available, away or offline */
	const char *reason; /* away: why (core/release.h's away reasons), optional; else absent */
};

/* user.create: fills c (CMD_USER_CREATE). */
int app_user_create(const struct app *app, const struct actor *actor, const struct user_in *in,
		    struct cmd *c, struct buf *err);
int app_user_get(const struct app *app, const struct actor *actor, int64_t id,
		 struct user_rec *out, struct buf *err);
/* token.create: fills c (CMD_TOKEN_CREATE); a name is looked up (ERR_NOTFOUND, said so). */
int app_token_create(const struct app *app, const struct actor *actor, const struct token_in *in,
		     struct cmd *c, struct buf *err);

/* worker.create: fills c (CMD_WORKER_CREATE). */
int app_worker_create(const struct app *app, const struct actor *actor,
		      const struct worker_in *in, struct cmd *c, struct buf *err);
/* worker.status: staff, or the worker itself (others: ERR_NOTFOUND). Fills c. */
int app_worker_status(const struct app *app, const struct actor *actor,
		      const struct worker_status_in *in, struct cmd *c, struct buf *err);
/* worker.read: staff, or the worker itself. out is several KiB: keep it off small stacks. */
int app_worker_get(const struct app *app, const struct actor *actor, int64_t id,
		   struct worker_rec *out, struct buf *err);

#endif
