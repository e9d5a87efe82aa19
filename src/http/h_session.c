/* h_session.c - browser sign-in and sign-out, the session, and set-password links (app/sessions.h). */
#include <sodium.h>
#include <string.h>

#include "app/sessions.h"
#include "http/http_int.h"
#include "util/clock.h"
#include "util/err.h"

/* {"user": {id, name, role, client_id}, "csrf", "expires_at"} of a session. */
static json_t *session_json(const struct actor *a, const char *cookie, int64_t expires_at)
{
	char csrf[AUTH_CSRF_TEXT], at[40];

	auth_session_csrf(cookie, csrf);
	clock_format_ms(expires_at, at, sizeof(at));
	return json_pack("{s:{s:I, s:s, s:s, s:o}, s:s, s:s}", "user", "id",
			 (json_int_t)a->user_id, "name", a->name, "role", role_name(a->role),
			 "client_id", a->client_id ? json_integer((json_int_t)a->client_id)
						   : json_null(),
			 "csrf", csrf, "expires_at", at);
}

/* The key a login's failures are counted under: its hash, so any text is one key. */
static void login_key(const char *login, unsigned char key[HTTP_ADDR_KEY])
{
	crypto_generichash(key, HTTP_ADDR_KEY, (const unsigned char *)login, strlen(login), NULL, 0);
}

/* Seconds until the address and the login may fail again; 0 if both may now. */
static int signin_wait(struct req *r, const unsigned char lkey[HTTP_ADDR_KEY], int64_t now)
{
	struct http_server *h = r->srv;
	int a = 0, l = 0;

	if (h->signin_addr && !r->local)
		a = http__iprate_check(h->signin_addr, r->addr, now);
	if (h->signin_login)
		l = http__iprate_check(h->signin_login, lkey, now);
	return a > l ? a : l;
}

static void signin_failed(struct req *r, const unsigned char lkey[HTTP_ADDR_KEY], int64_t now)
{
	struct http_server *h = r->srv;

	if (h->signin_addr && !r->local)
		http__iprate_charge(h->signin_addr, r->addr, now);
	if (h->signin_login)
		http__iprate_charge(h->signin_login, lkey, now);
}

/*
 * A browser's request sent by another site's page (Sec-Fetch-Site, which
 * browsers set and pages cannot): refused, so a hostile page cannot sign
 * its victim in to the attacker's account (login CSRF) nor spend a link.
 * Tools that send no such header (curl) are not browsers and pass.
 */
static bool cross_site(struct req *r)
{
	const char *site = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Sec-Fetch-Site");

	if (!site || !strcmp(site, "same-origin") || !strcmp(site, "none"))
		return false;
	http__fail(r, ERR_CSRF, "a sign-in from another site's page (Sec-Fetch-Site: %.40s)", site);
	return true;
}

/*
 * The sign-in's checks, on the first run only: they hash (tens of ms, on
 * this HTTP thread, never the engine's). Fills c and r->actor, the user
 * signing in, whom the command runs as. 0, or answered.
 */
static int signin_check(struct req *r, struct cmd *c)
{
	struct signin_in in = {.max_ms = r->srv->opts.session_max_ms};
	unsigned char lkey[HTTP_ADDR_KEY];
	struct buf err = BUF_INIT;
	int64_t now = http__now(r);
	struct actor who;
	json_t *body;
	int rc, wait;

	if (cross_site(r))
		return ERR_CSRF;
	if ((rc = http__body(r, false, &body)))
		return rc;
	if ((rc = http__unpack(r, body, "{s:s, s:s}", "login", &in.login, "password",
			       &in.password)))
		goto out;
	login_key(in.login, lkey);
	if ((wait = signin_wait(r, lkey, now))) {
		atomic_fetch_add(&r->srv->rate_limited, 1);
		r->retry_after = wait;
		rc = http__fail(r, ERR_RATE, "too many failed sign-ins; try again in %d s", wait);
		goto out;
	}
	rc = app_signin(&r->srv->app, &in, &who, c, &err);
	if (rc == ERR_UNAUTH)
		signin_failed(r, lkey, now);
	if (rc) {
		/* One body for every refusal: which of login and password was wrong is not said. */
		http__app_fail(r, rc, &err);
		if (rc == ERR_UNAUTH)
			http__fail(r, rc, "wrong login or password");
		goto out;
	}
	buf_release(&err);
	r->actor = who;
	c->actor = &r->actor;
out:
	json_decref(body);
	return rc;
}

/*
 * POST /v1/session {"login", "password"} (public) -> 200 {"user", "csrf",
 * "expires_at"} and Set-Cookie alihdaya_session=...; HttpOnly; SameSite=Strict.
 * Wrong password and unknown login: the same 401. Too many failures of the
 * login or from the address: 429 with Retry-After, before any hash.
 */
int h_session_create(struct req *r)
{
	struct cmd *c = http__cmd_new(r, CMD_SESSION_CREATE);
	int rc;

	if (!c)
		return ERR_NOMEM;
	if (!r->pending && (rc = signin_check(r, c)))
		goto out;
	rc = http__engine(r, c);
	if (rc || r->status >= 300)
		goto out;
	http__set_cookie(r, c->result.token);
	r->session_expires = http__now(r) + r->srv->opts.session_idle_ms;
	if (r->session_expires > http__now(r) + r->srv->opts.session_max_ms)
		r->session_expires = http__now(r) + r->srv->opts.session_max_ms;
	r->actor.session_id = c->result.token_id;
	rc = http__read(r, 0, session_json(&r->actor, c->result.token, r->session_expires));
out:
	if (c)
		sodium_memzero(c->result.token, sizeof(c->result.token));
	http__cmd_free(c);
	return rc;
}

/* GET /v1/session -> 200 {"user", "csrf", "expires_at"}; 401 without a session cookie */
int h_session_get(struct req *r)
{
	if (!r->cookie || !r->actor.session_id)
		return http__fail(r, ERR_UNAUTH, "not signed in with a session");
	return http__read(r, 0, session_json(&r->actor, r->cookie, r->session_expires));
}

/* DELETE /v1/session -> 204: the session ends server-side at once, and the cookie is cleared */
int h_session_delete(struct req *r)
{
	struct cmd *c = http__cmd_new(r, CMD_SESSION_END);
	struct buf err = BUF_INIT;
	int rc;

	if (!c)
		return ERR_NOMEM;
	if (!r->pending && (rc = app_signout(&r->srv->app, &r->actor, c, &err))) {
		rc = http__app_fail(r, rc, &err);
		goto out;
	}
	buf_release(&err);
	rc = http__engine(r, c);
	if (rc || r->status >= 300)
		goto out;
	http__set_cookie(r, "");
	http__reply(r, 204, NULL);
out:
	http__cmd_free(c);
	return rc;
}

/* POST /v1/password {"token", "password"} (public) -> 204; the link works once, for 24 h */
int h_password_use(struct req *r)
{
	struct cmd *c = http__cmd_new(r, CMD_PASSWORD_SET);
	struct password_in in = {0};
	struct buf err = BUF_INIT;
	json_t *body = NULL;
	struct actor who;
	int rc = 0;

	if (!c)
		return ERR_NOMEM;
	if (!r->pending) {
		if (cross_site(r)) {
			rc = ERR_CSRF;
			goto out;
		}
		if ((rc = http__body(r, false, &body)) ||
		    (rc = http__unpack(r, body, "{s:s, s:s}", "token", &in.token, "password",
				       &in.password)))
			goto out;
		if ((rc = app_password_use(&r->srv->app, &in, &who, c, &err))) {
			rc = http__app_fail(r, rc, &err);
			goto out;
		}
		r->actor = who;
		c->actor = &r->actor;
	}
	rc = http__engine(r, c);
	if (!rc && r->status < 300)
		http__reply(r, 204, NULL);
out:
	buf_release(&err);
	json_decref(body);
	http__cmd_free(c);
	return rc;
}

/* POST /v1/users/:id/password {"password"} -> 204 (admin); the user's sessions end */
int h_users_password(struct req *r)
{
	struct cmd *c = http__cmd_new(r, CMD_PASSWORD_SET);
	struct password_in in = {.user_id = r->param[0]};
	struct buf err = BUF_INIT;
	json_t *body = NULL;
	int rc = 0;

	if (!c)
		return ERR_NOMEM;
	/* The first run only: the hash is made here, on this HTTP thread. */
	if (!r->pending) {
		if ((rc = http__body(r, false, &body)) ||
		    (rc = http__unpack(r, body, "{s:s}", "password", &in.password)))
			goto out;
		if ((rc = app_password_set(&r->srv->app, &r->actor, &in, c, &err))) {
			rc = http__app_fail(r, rc, &err);
			goto out;
		}
	}
	rc = http__engine(r, c);
	if (!rc && r->status < 300)
		http__reply(r, 204, NULL);
out:
	buf_release(&err);
	json_decref(body);
	http__cmd_free(c);
	return rc;
}

/*
 * POST /v1/users/:id/password-link {} -> 201 {"token", "path", "expires_at"}
 * (admin): path is "/#/set-password/<token>", usable once within 24 h.
 */
int h_users_password_link(struct req *r)
{
	struct cmd *c = http__cmd_new(r, CMD_PASSWORD_LINK);
	struct password_in in = {.user_id = r->param[0]};
	struct buf err = BUF_INIT;
	char path[96], at[40];
	json_t *body = NULL;
	int rc;

	if (!c)
		return ERR_NOMEM;
	/* It takes no fields: one given is refused, not ignored. */
	rc = http__body(r, true, &body);
	if (!rc)
		rc = http__unpack(r, body, "{}");
	json_decref(body);
	if (rc)
		goto out;
	if ((rc = app_password_link(&r->srv->app, &r->actor, &in, c, &err))) {
		rc = http__app_fail(r, rc, &err);
		goto out;
	}
	buf_release(&err);
	rc = http__engine(r, c);
	if (rc || r->status >= 300)
		goto out;
	snprintf(path, sizeof(path), "/#/set-password/%s", c->result.token);
	clock_format_ms(c->u.password.expires_at, at, sizeof(at));
	http__reply(r, 201, json_pack("{s:s, s:s, s:s}", "token", c->result.token, "path", path,
				      "expires_at", at));
out:
	http__cmd_free(c);
	return rc;
}

/* DELETE /v1/users/:id/sessions -> 204 (admin): every browser session of the user ends at once */
int h_users_sessions_revoke(struct req *r)
{
	struct cmd *c = http__cmd_new(r, CMD_SESSION_END);
	struct buf err = BUF_INIT;
	json_t *body = NULL;
	int rc;

	if (!c)
		return ERR_NOMEM;
	rc = http__body(r, true, &body);
	if (!rc)
		rc = http__unpack(r, body, "{}");
	json_decref(body);
	if (!rc && (rc = app_sessions_revoke(&r->srv->app, &r->actor, r->param[0], c, &err)))
		rc = http__app_fail(r, rc, &err);
	buf_release(&err);
	if (!rc)
		rc = http__engine(r, c);
	if (!rc && r->status < 300)
		http__reply(r, 204, NULL);
	http__cmd_free(c);
	return rc;
}
