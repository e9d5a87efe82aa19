/* authn.c - the security layer's first question: who is calling (socket, token, session cookie). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "http/http_int.h"
#include "util/clock.h"
#include "util/err.h"

/*
 * The policy of what the browser may load and run: only this server's own
 * files, no inline script or style (so an injected <script> or style=
 * does nothing), and no framing by another site (clickjacking).
 */
#define HTTP_CSP                                                                                   \
	"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "          \
	"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"

int64_t http__now(const struct req *r)
{
	return app_now_ms(&r->srv->app);
}

/* A request without a valid token from an address whose bucket is empty: 429. */
bool http__address_limited(struct req *r)
{
	struct http_server *h = r->srv;
	int wait;

	if (!h->iprate || r->local)
		return false;
	wait = http__iprate_check(h->iprate, r->addr, clock_now_ms());
	if (!wait)
		return false;
	atomic_fetch_add(&h->rate_limited, 1);
	r->retry_after = wait;
	http__fail(r, ERR_RATE, "more than %d requests per second without a valid token from this address",
		   h->opts.fail_rate_per_s);
	return true;
}

void http__address_charge(struct req *r)
{
	if (r->srv->iprate && !r->local)
		http__iprate_charge(r->srv->iprate, r->addr, clock_now_ms());
}

void http__answer_headers(struct req *r, struct MHD_Response *resp)
{
	MHD_add_response_header(resp, "Content-Security-Policy", HTTP_CSP);
	MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
	MHD_add_response_header(resp, "Referrer-Policy", "no-referrer");
	if (r->set_cookie[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_SET_COOKIE, r->set_cookie);
}

/* Served over TLS: the flag, or a reverse proxy we trust saying the client spoke https. */
static bool secure(struct req *r)
{
	const char *proto;

	if (r->srv->opts.secure_cookies)
		return true;
	if (!r->srv->opts.trust_proxy)
		return false;
	proto = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "X-Forwarded-Proto");
	return proto && !strcasecmp(proto, "https");
}

/*
 * HttpOnly: no script reads it (an injected one cannot steal the session).
 * SameSite=Strict: no other site's page makes the browser send it. No
 * Max-Age: it ends with the browser, and the server ends it sooner.
 */
void http__set_cookie(struct req *r, const char *value)
{
	snprintf(r->set_cookie, sizeof(r->set_cookie), "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s",
		 AUTH_SESSION_COOKIE, value, *value ? "" : "; Max-Age=0",
		 secure(r) ? "; Secure" : "");
}

/* GET and HEAD change nothing: a session's other requests must prove they come from our page. */
static bool csrf_needed(const struct req *r)
{
	return strcmp(r->method, "GET") && strcmp(r->method, "HEAD");
}

/* The session cookie, with its CSRF token on a write. False when answered. */
static bool session_auth(struct req *r, const char *cookie)
{
	struct http_server *h = r->srv;
	int rc = auth_session_authenticate(h->store, cookie, h->opts.session_idle_ms, http__now(r),
					   &r->actor, &r->session_expires);

	if (rc == ERR_UNAUTH && http__address_limited(r))
		return false;
	if (rc) {
		if (rc == ERR_UNAUTH)
			http__address_charge(r);
		http__fail(r, rc, rc == ERR_UNAUTH ? "the session is unknown, ended or expired"
						   : "could not check the session");
		return false;
	}
	r->cookie = cookie;
	if (csrf_needed(r) &&
	    !auth_csrf_ok(cookie, MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
							      "X-CSRF-Token"))) {
		http__fail(r, ERR_CSRF, NULL);
		return false;
	}
	return true;
}

bool http__authenticate(struct req *r)
{
	struct http_server *h = r->srv;
	const char *authz, *cookie;
	int rc;

	if (r->route->action == POL_PUBLIC) {
		if (http__address_limited(r))
			return false;
		http__address_charge(r);
		return true;
	}
	authz = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	cookie = authz ? NULL
		       : MHD_lookup_connection_value(r->conn, MHD_COOKIE_KIND, AUTH_SESSION_COOKIE);
	if (r->local && !authz && !cookie) {
		/*
		 * The Unix socket is mode 0600 in the data directory: only the
		 * installation's owner (and root) can connect, as they could
		 * open the store itself. File permissions are the authentication.
		 * A request there with a token acts as the token's user (the CLI
		 * with ALIHDAYA_TOKEN: a worker submitting), never as more.
		 */
		r->actor = AUTH_LOCAL_ADMIN;
		return true;
	}
	if (cookie) {
		/* A browser's: a bearer token, when there is one, wins (no CSRF for it). */
		if (!session_auth(r, cookie))
			return false;
	} else {
		/*
		 * A valid token is never held back by its address's limit (many
		 * users may share one address); a missing or bad one is counted,
		 * and past the limit answered 429 instead of 401.
		 */
		rc = auth_authenticate(h->store, authz, &r->actor);
		if (rc == ERR_UNAUTH && http__address_limited(r))
			return false;
		if (rc) {
			if (rc == ERR_UNAUTH)
				http__address_charge(r);
			http__fail(r, rc, rc == ERR_UNAUTH ? NULL : "could not check the token");
			return false;
		}
	}
	if (h->rate && !http__rate_take(h->rate, r->actor.user_id, clock_now_ms())) {
		atomic_fetch_add(&h->rate_limited, 1);
		r->retry_after = 1;
		http__fail(r, ERR_RATE, "more than %d requests per second for this token",
			   h->opts.rate_per_s);
		return false;
	}
	return true;
}
