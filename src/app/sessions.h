/* sessions.h - sign-in, sign-out and passwords: the browser's use cases of the security layer. */
#ifndef ALIHDAYA_APP_SESSIONS_H
#define ALIHDAYA_APP_SESSIONS_H

#include "app/records.h"

/* The default lifetimes of a browser session: idle and absolute. */
#define APP_SESSION_IDLE_MS (30LL * 60 * 1000)
#define APP_SESSION_MAX_MS (12LL * 60 * 60 * 1000)
/* How long a one-time set-password link stays usable. */
#define APP_LINK_TTL_MS (24LL * 60 * 60 * 1000)

/*
 * Sign-in (public): checks in->password against the login's Argon2id hash
 * on the caller's thread (sec/password.h: waits for a free core), and fills
 * c (CMD_SESSION_CREATE, with a new hash when the stored one's parameters
 * are old) and *who, the actor the command runs as. Unknown login, wrong
 * password, no password set and a deactivated user are all ERR_UNAUTH with
 * the same line, after a hash of about the same cost. Not pure: it hashes,
 * so the HTTP adapter calls it once per request, not again on resume.
 * OUT: *known, true if the login names a user (for per-account limits).
 */
struct signin_in {
	const char *login;
	const char *password;
	int64_t max_ms; /* the absolute lifetime; 0: APP_SESSION_MAX_MS */
};
int app_signin(const struct app *app, const struct signin_in *in, struct actor *who,
	       struct cmd *c, struct buf *err);

/* Sign-out: fills c (CMD_SESSION_END) for the actor's own session; ERR_UNAUTH without one. */
int app_signout(const struct app *app, const struct actor *actor, struct cmd *c, struct buf *err);

/* session.revoke: fills c (CMD_SESSION_END) to end every session of user_id. */
int app_sessions_revoke(const struct app *app, const struct actor *actor, int64_t user_id,
			struct cmd *c, struct buf *err);

/*
 * password.set: hashes in->password for the user in->login on the caller's
 * thread and fills c (CMD_PASSWORD_SET). ERR_INVALID for a password out of
 * PASSWORD_MIN..PASSWORD_MAX bytes; ERR_NOTFOUND for no such user.
 */
struct password_in {
	int64_t user_id;      /* set, link: the user by id, or when 0 by login */
	const char *login;    /* set, link */
	const char *password; /* set, use */
	const char *token;    /* use: the link's text */
};
int app_password_set(const struct app *app, const struct actor *actor,
		     const struct password_in *in, struct cmd *c, struct buf *err);

/* password.link: fills c (CMD_PASSWORD_LINK) for in->login, usable APP_LINK_TTL_MS. */
int app_password_link(const struct app *app, const struct actor *actor,
		      const struct password_in *in, struct cmd *c, struct buf *err);

/*
 * A set-password link used (public): in->token must name a link unused and
 * unexpired (ERR_INVALID otherwise, before any hash is made); then hashes
 * in->password and fills c (CMD_PASSWORD_SET by link: the engine uses the
 * link up in the same transaction) and *who, the link's user.
 */
int app_password_use(const struct app *app, const struct password_in *in, struct actor *who,
		     struct cmd *c, struct buf *err);

#endif
