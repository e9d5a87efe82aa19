/* auth.h - who is calling: bearer tokens and the actor they stand for (what it may do: policy.h). */
#ifndef ALIHDAYA_AUTH_H
#define ALIHDAYA_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/model.h"
#include "store/store.h"

/* The authenticated caller of a request or CLI command. */
struct actor {
	int64_t user_id; /* 0 for the local CLI acting as the installation itself */
	char name[MODEL_CODE_MAX];
	enum role role;
	int64_t client_id; /* ROLE_CLIENT only */
	int64_t worker_id; /* ROLE_WORKER only: the worker record of this user, 0 if none */
	int64_t token_id;  /* the token presented, 0 for the local admin */
	int64_t session_id; /* the browser session (cookie) presented, 0 for a token */
};

/* The CLI on the machine itself acts as an admin with user id 0. */
extern const struct actor AUTH_LOCAL_ADMIN;

#define AUTH_TOKEN_BYTES 32
#define AUTH_TOKEN_TEXT (AUTH_TOKEN_BYTES * 2 + 5) /* "ahd_" + hex + NUL */

/*
 * Makes a new token: 32 random bytes, written as "ahd_<64 hex>" into text.
 * OUT: hash, the BLAKE2b-256 of the text, which is all the store keeps.
 */
void auth_token_new(char text[AUTH_TOKEN_TEXT], unsigned char hash[32]);
/* The hash of a presented token text. */
void auth_token_hash(const char *text, unsigned char hash[32]);

/*
 * Resolves "Bearer <token>" (the Authorization header value, may be NULL)
 * to an actor. ERR_UNAUTH when missing, malformed, unknown, revoked or
 * expired, or its user is deactivated. Successful lookups are cached for 5
 * seconds (never past the token's expiry); every success notes the token's
 * use (auth_uses_take).
 */
int auth_authenticate(struct store *s, const char *authorization, struct actor *out);

/*
 * Last use of tokens: noted in memory on each success, written by the
 * engine at most once a minute (AUTH_USES_FLUSH_MS) and when it stops, so a
 * request costs no write. The table is fixed in size: a use that finds no
 * room is dropped (last_used_at is a hint, not an audit).
 */
#define AUTH_USES_FLUSH_MS 60000
#define AUTH_USES_MAX 1024
struct auth_use {
	const struct store *store; /* whose token */
	bool session;              /* token_id is a session's id (store_session_touch) */
	int64_t token_id;
	int64_t at; /* ms since the epoch */
};
/* True if a use of a token of s is waiting to be written. */
bool auth_uses_pending(const struct store *s);
/* Moves up to cap waiting uses of tokens of s into out and forgets them. OUT: *n. */
void auth_uses_take(const struct store *s, struct auth_use *out, size_t cap, size_t *n);

/* ------------------------------------------------------ browser sessions */

/*
 * A session's cookie value: 32 random bytes in base64url without padding
 * (43 characters). The store keeps only its BLAKE2b-256 hash, as for tokens.
 */
#define AUTH_SESSION_BYTES 32
#define AUTH_SESSION_TEXT 44 /* 43 characters and the NUL */
#define AUTH_CSRF_TEXT 33    /* 32 hex digits and the NUL */
#define AUTH_SESSION_COOKIE "alihdaya_session"

/* A new session: its cookie text. OUT: hash, all the store keeps. */
void auth_session_new(char text[AUTH_SESSION_TEXT], unsigned char hash[32]);
/*
 * The session's CSRF token: BLAKE2b-128 keyed by the cookie text, in hex.
 * As random as the session itself and different for every session, and
 * nothing to store: a request carries its cookie, so the server derives
 * the token to compare with (auth_csrf_ok) instead of reading it.
 */
void auth_session_csrf(const char *cookie, char out[AUTH_CSRF_TEXT]);
/* True if given (may be NULL) is the CSRF token of cookie; constant time (sodium_memcmp). */
bool auth_csrf_ok(const char *cookie, const char *given);

/*
 * Resolves a session cookie value to its actor (session_id set, token_id
 * 0) at now (the server's clock, ms). ERR_UNAUTH when malformed, unknown,
 * ended, past its absolute expiry, idle for idle_ms or more, or its user is
 * deactivated. Sessions are not cached: each request reads its row, so a
 * session ended (sign-out, revoke, user deactivated) is refused at once.
 * The use is noted in memory (written at most once a minute, as tokens'
 * last use) and counts for the idle expiry at once.
 * OUT: *expires_at, when the session ends if not used again (may be NULL).
 */
int auth_session_authenticate(struct store *s, const char *cookie, int64_t idle_ms, int64_t now,
			      struct actor *out, int64_t *expires_at);
/*
 * The same answer without noting a use: a check the server makes on its own
 * (an open event stream's re-check every few seconds) must not keep an
 * unattended session from its idle expiry.
 */
int auth_session_check(struct store *s, const char *cookie, int64_t idle_ms, int64_t now,
		       struct actor *out);

/*
 * Forgets every cached token, at once for every thread: the engine calls it
 * once a change of a user (deactivated, edited) is durable; tests too.
 */
void auth_cache_clear(void);

#endif
