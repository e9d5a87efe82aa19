/* cmd_session.c - commands of the browser's security layer: sign-in, sign-out, passwords. */
#include <string.h>

#include "engine/engine_int.h"
#include "sec/auth.h"
#include "util/err.h"

/* The user of a command, active; "no user" and "deactivated" are answers, other errors fail. */
static int active_user(struct engine *e, struct cmd *c, int64_t id, struct user_rec *u)
{
	int rc = store_user_rec_get(e->store, id, u);

	if (rc == ERR_NOTFOUND)
		return engine__fail(c, rc, "no user %lld", (long long)id);
	if (rc)
		return rc;
	if (!u->active)
		return engine__fail(c, ERR_UNAUTH, "user %lld is deactivated", (long long)id);
	return 0;
}

/*
 * session.create: the HTTP thread checked the password (Argon2id costs
 * tens of milliseconds: here it would hold every commit). A new session id
 * every time, so a session fixed before sign-in is never the one used after.
 * The user is read again: deactivated since the check, no session. The
 * cookie text exists only in this result.
 */
int engine__session_create(struct engine *e, struct cmd *c, int64_t now)
{
	struct session_rec se = {0};
	unsigned char hash[32];
	struct user_rec u;
	int rc;

	if ((rc = active_user(e, c, c->u.session.user_id, &u)))
		return rc;
	if (c->u.session.max_ms <= 0)
		return ERR_INTERNAL;
	auth_session_new(c->result.token, hash);
	se.user_id = u.id;
	se.created_at = se.last_seen_at = now;
	se.expires_at = now + c->u.session.max_ms;
	rc = store_session_insert(e->store, &se, hash);
	if (!rc && c->u.session.rehash[0])
		rc = store_password_set(e->store, u.id, c->u.session.rehash, now);
	if (!rc)
		rc = engine__record_done(e, c, CMD_OUT_CREATED, "session.create", "user", u.id,
					 u.client_id, now);
	if (rc)
		memset(c->result.token, 0, sizeof(c->result.token));
	c->result.token_id = rc ? 0 : se.id;
	return rc;
}

/*
 * session.end: sign-out (the session's own user) or an admin's revoke. The
 * session's next request is refused: sessions are read at every request.
 */
int engine__session_end(struct engine *e, struct cmd *c, int64_t now)
{
	int64_t id = c->u.session.session_id;
	struct user_rec u;
	int rc;

	if (!id) {
		/* An admin's revoke: every session of the user. */
		rc = store_user_rec_get(e->store, c->u.session.user_id, &u);
		if (rc == ERR_NOTFOUND)
			return engine__fail(c, rc, "no user %lld", (long long)c->u.session.user_id);
		if (rc || (rc = store_session_end_user(e->store, u.id, now)))
			return rc;
		e->st.auth_changed = 1;
		return engine__record_done(e, c, CMD_OUT_OK, "session.revoke", "user", u.id,
					   u.client_id, now);
	}
	rc = store_session_end(e->store, id, now);

	if (rc == ERR_NOTFOUND)
		return engine__fail(c, rc, "no session %lld", (long long)id);
	if (rc)
		return rc;
	e->st.auth_changed = 1;
	return engine__record_done(e, c, CMD_OUT_OK, "session.end", "session", id, 0, now);
}

/*
 * password.set: the hash was made by the caller. Through a one-time link,
 * the link is used up here, in the same transaction as the new hash, so two
 * uses of one link cannot both succeed. Every session of the user ends: who
 * changes a password means to lock out whoever else knew the old one.
 */
int engine__password_set(struct engine *e, struct cmd *c, int64_t now)
{
	int64_t uid = c->u.password.user_id;
	struct user_rec u;
	int rc;

	if (strncmp(c->u.password.hash, "$argon2id$", 10))
		return ERR_INTERNAL;
	if (c->u.password.by_link) {
		rc = store_link_take(e->store, c->u.password.link, now, &uid);
		if (rc == ERR_NOTFOUND)
			return engine__fail(c, ERR_INVALID,
					    "the link is unknown, used already or expired");
		if (rc)
			return rc;
	}
	if ((rc = active_user(e, c, uid, &u)))
		return rc;
	if ((rc = store_password_set(e->store, u.id, c->u.password.hash, now)) ||
	    (rc = store_session_end_user(e->store, u.id, now)))
		return rc;
	e->st.auth_changed = 1;
	return engine__record_done(e, c, CMD_OUT_OK, "password.set", "user", u.id, u.client_id,
				   now);
}

/* password.link: a one-time set-password link; its text exists only in this result. */
int engine__password_link(struct engine *e, struct cmd *c, int64_t now)
{
	unsigned char hash[32];
	struct user_rec u;
	int rc;

	if ((rc = active_user(e, c, c->u.password.user_id, &u)))
		return rc;
	if (c->u.password.expires_at <= now)
		return engine__fail(c, ERR_INVALID, "the link would be expired already");
	auth_session_new(c->result.token, hash);
	rc = store_link_insert(e->store, u.id, hash, now, c->u.password.expires_at);
	if (!rc)
		rc = engine__record_done(e, c, CMD_OUT_CREATED, "password.link", "user", u.id,
					 u.client_id, now);
	if (rc)
		memset(c->result.token, 0, sizeof(c->result.token));
	return rc;
}
