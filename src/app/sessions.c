/* sessions.c - sign-in, sign-out and passwords: who may, and the hashing off the engine thread. */
#include "app/sessions.h"

#include <string.h>

#include "app/input.h"

#include "sec/password.h"
#include "util/err.h"

#define SIGNIN_REFUSED "wrong login or password"

/* The actor user u signs in as (the command's actor: its audit event names u). */
static void actor_of(const struct user_rec *u, struct actor *who)
{
	memset(who, 0, sizeof(*who));
	who->user_id = u->id;
	memcpy(who->name, u->name, sizeof(who->name));
	who->role = u->role;
	who->client_id = u->role == ROLE_CLIENT ? u->client_id : 0;
}

int app_signin(const struct app *app, const struct signin_in *in, struct actor *who,
	       struct cmd *c, struct buf *err)
{
	char hash[PASSWORD_HASH_MAX] = "";
	struct user_rec u;
	bool found = false, ok;
	int rc;

	memset(c, 0, sizeof(*c));
	memset(who, 0, sizeof(*who));
	c->type = CMD_SESSION_CREATE;
	if (!in->login || !in->password)
		return buf_error(err, ERR_INVALID, "login and password are required");
	rc = store_user_by_name(app->store, in->login, &u);
	if (!rc) {
		rc = store_password_get(app->store, u.id, hash);
		found = rc == 0;
	}
	if (rc && rc != ERR_NOTFOUND)
		return buf_error(err, rc, "could not read the user");
	/* Always one hash: an unknown login costs what a wrong password costs. */
	ok = password_verify(found ? hash : NULL, in->password);
	if (!ok || !u.active)
		return buf_error(err, ERR_UNAUTH, SIGNIN_REFUSED);
	c->u.session.user_id = u.id;
	c->u.session.max_ms = in->max_ms > 0 ? in->max_ms : APP_SESSION_MAX_MS;
	if (password_needs_rehash(hash) && password_hash(in->password, c->u.session.rehash))
		c->u.session.rehash[0] = '\0'; /* the old hash still works: keep it */
	actor_of(&u, who);
	c->actor = who;
	return 0;
}

int app_signout(const struct app *app, const struct actor *actor, struct cmd *c, struct buf *err)
{
	int rc;

	(void)app;
	if ((rc = app_write_start(actor, POL_SESSION, CMD_SESSION_END, c, err)))
		return rc;
	if (!actor->session_id)
		return buf_error(err, ERR_UNAUTH, "not signed in with a session");
	c->u.session.session_id = actor->session_id;
	c->u.session.user_id = actor->user_id;
	return 0;
}

int app_sessions_revoke(const struct app *app, const struct actor *actor, int64_t user_id,
			struct cmd *c, struct buf *err)
{
	int rc;

	(void)app;
	if ((rc = app_write_start(actor, POL_SESSION_REVOKE, CMD_SESSION_END, c, err)) ||
	    (rc = app_in_range("user id", user_id, 1, INT64_MAX, err)))
		return rc;
	c->u.session.user_id = user_id;
	return 0;
}

/* The user in->user_id, or else named in->login. ERR_NOTFOUND said in err. */
static int user_named(const struct app *app, const struct password_in *in, struct user_rec *u,
		      struct buf *err)
{
	const char *login = in->login;
	int rc;

	if (in->user_id) {
		rc = store_user_get(app->store, in->user_id, u);
		if (rc == ERR_NOTFOUND)
			return buf_error(err, rc, "no user %lld", (long long)in->user_id);
		return rc ? buf_error(err, rc, "could not read the user") : 0;
	}
	if (!login || !*login)
		return buf_error(err, ERR_INVALID, "login is required");
	rc = store_user_by_name(app->store, login, u);
	if (rc == ERR_NOTFOUND)
		return buf_error(err, rc, "no user named '%s'", login);
	return rc ? buf_error(err, rc, "could not read the user") : 0;
}

/* Hashes password into c's command, or says why not. */
static int hash_into(const char *password, struct cmd *c, struct buf *err)
{
	int rc = password ? password_hash(password, c->u.password.hash) : ERR_INVALID;

	if (rc == ERR_INVALID)
		return buf_error(err, rc, "password: %d to %d bytes", PASSWORD_MIN, PASSWORD_MAX);
	return rc ? buf_error(err, rc, "could not hash the password") : 0;
}

int app_password_set(const struct app *app, const struct actor *actor,
		     const struct password_in *in, struct cmd *c, struct buf *err)
{
	struct user_rec u;
	int rc;

	if ((rc = app_write_start(actor, POL_PASSWORD_SET, CMD_PASSWORD_SET, c, err)) ||
	    (rc = user_named(app, in, &u, err)) || (rc = hash_into(in->password, c, err)))
		return rc;
	c->u.password.user_id = u.id;
	return 0;
}

int app_password_link(const struct app *app, const struct actor *actor,
		      const struct password_in *in, struct cmd *c, struct buf *err)
{
	struct user_rec u;
	int rc;

	if ((rc = app_write_start(actor, POL_PASSWORD_LINK, CMD_PASSWORD_LINK, c, err)) ||
	    (rc = user_named(app, in, &u, err)))
		return rc;
	c->u.password.user_id = u.id;
	c->u.password.expires_at = app_now_ms(app) + APP_LINK_TTL_MS;
	return 0;
}

int app_password_use(const struct app *app, const struct password_in *in, struct actor *who,
		     struct cmd *c, struct buf *err)
{
	struct user_rec u;
	int64_t uid = 0;
	int rc;

	memset(c, 0, sizeof(*c));
	memset(who, 0, sizeof(*who));
	c->type = CMD_PASSWORD_SET;
	if (!in->token || strnlen(in->token, AUTH_SESSION_TEXT) != AUTH_SESSION_TEXT - 1)
		return buf_error(err, ERR_INVALID, "the link is unknown, used already or expired");
	auth_token_hash(in->token, c->u.password.link);
	/* Checked before hashing: a made-up link must not cost the server a hash. */
	rc = store_link_lookup(app->store, c->u.password.link, app_now_ms(app), &uid);
	if (rc == ERR_NOTFOUND)
		return buf_error(err, ERR_INVALID, "the link is unknown, used already or expired");
	if (!rc)
		rc = store_user_get(app->store, uid, &u);
	if (rc)
		return buf_error(err, rc, "could not read the link");
	if ((rc = hash_into(in->password, c, err)))
		return rc;
	c->u.password.by_link = true;
	actor_of(&u, who);
	c->actor = who;
	return 0;
}
