/* auth.c - bearer tokens, authentication, and the role and scope predicates. */
#include "sec/auth.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "util/clock.h"
#include "util/err.h"

const struct actor AUTH_LOCAL_ADMIN = { 0, "local", ROLE_ADMIN, 0, 0, 0, 0 };

void auth_token_hash(const char *text, unsigned char hash[32])
{
	crypto_generichash(hash, 32, (const unsigned char *)text, strlen(text), NULL, 0);
}

void auth_token_new(char text[AUTH_TOKEN_TEXT], unsigned char hash[32])
{
	unsigned char raw[AUTH_TOKEN_BYTES];

	randombytes_buf(raw, sizeof(raw));
	memcpy(text, "ahd_", 4);
	sodium_bin2hex(text + 4, AUTH_TOKEN_TEXT - 4, raw, sizeof(raw));
	sodium_memzero(raw, sizeof(raw));
	auth_token_hash(text, hash);
}

/*
 * Every request presents its token, and looking it up costs two reads.
 * A small direct-mapped cache of recent successes keeps that off the hot
 * path; an entry lives AUTH_CACHE_TTL_MS (never past its token's expiry), so
 * a token removed from the store (or a worker record added) is seen within
 * that time. A token revoked, or a user deactivated or edited, is seen at
 * once: the engine calls auth_cache_clear() once that is durable, which
 * empties the cache and moves its generation on, so a lookup that read the
 * store before the change cannot put its stale answer back.
 */
#define AUTH_CACHE_SLOTS 1024
#define AUTH_CACHE_TTL_MS 5000

struct auth_cache_slot {
	const struct store *store;
	unsigned char hash[32];
	struct actor actor;
	int64_t expires;
	uint64_t gen;
};

static struct auth_cache_slot auth_cache[AUTH_CACHE_SLOTS];
static pthread_mutex_t auth_cache_mu = PTHREAD_MUTEX_INITIALIZER;
static uint64_t auth_cache_gen = 1; /* under auth_cache_mu; slots of another are stale */

static uint64_t cache_gen(void)
{
	uint64_t g;

	pthread_mutex_lock(&auth_cache_mu);
	g = auth_cache_gen;
	pthread_mutex_unlock(&auth_cache_mu);
	return g;
}

static size_t cache_slot(const unsigned char hash[32])
{
	return ((size_t)hash[0] << 8 | hash[1]) % AUTH_CACHE_SLOTS;
}

static bool cache_get(const struct store *s, const unsigned char hash[32], struct actor *out)
{
	struct auth_cache_slot *e = &auth_cache[cache_slot(hash)];
	bool hit;

	pthread_mutex_lock(&auth_cache_mu);
	hit = e->store == s && e->gen == auth_cache_gen && e->expires > clock_now_ms() &&
	      !memcmp(e->hash, hash, 32);
	if (hit)
		*out = e->actor;
	pthread_mutex_unlock(&auth_cache_mu);
	return hit;
}

/* Keeps a's lookup, made in generation gen, unless the cache was cleared since. */
static void cache_put(const struct store *s, const unsigned char hash[32], const struct actor *a,
		      uint64_t gen, int64_t token_expires)
{
	int64_t expires = clock_now_ms() + AUTH_CACHE_TTL_MS;

	struct auth_cache_slot *e = &auth_cache[cache_slot(hash)];

	pthread_mutex_lock(&auth_cache_mu);
	if (gen != auth_cache_gen) {
		pthread_mutex_unlock(&auth_cache_mu);
		return;
	}
	e->gen = gen;
	e->store = s;
	memcpy(e->hash, hash, 32);
	e->actor = *a;
	e->expires = token_expires && token_expires < expires ? token_expires : expires;
	pthread_mutex_unlock(&auth_cache_mu);
}

void auth_cache_clear(void)
{
	pthread_mutex_lock(&auth_cache_mu);
	memset(auth_cache, 0, sizeof(auth_cache));
	auth_cache_gen++;
	pthread_mutex_unlock(&auth_cache_mu);
}

/* ------------------------------------------------------------ last uses */

/* Open addressing by token id; at == 0 is a free slot. */
static struct auth_use uses[AUTH_USES_MAX];
static size_t n_uses;
static pthread_mutex_t uses_mu = PTHREAD_MUTEX_INITIALIZER;

static size_t use_slot(bool session, int64_t id)
{
	return (size_t)(((uint64_t)id * 2 + session) * 2654435761u) % AUTH_USES_MAX;
}

static bool use_is(const struct auth_use *u, const struct store *s, bool session, int64_t id)
{
	return u->at && u->token_id == id && u->store == s && u->session == session;
}

/* Notes a use of token (or session) id; a later use already noted stays. */
static void use_note(const struct store *s, bool session, int64_t id, int64_t at)
{
	size_t i = use_slot(session, id);

	if (id <= 0)
		return;
	pthread_mutex_lock(&uses_mu);
	for (size_t k = 0; k < 16; k++, i = (i + 1) % AUTH_USES_MAX) {
		if (uses[i].at && !use_is(&uses[i], s, session, id))
			continue;
		if (!uses[i].at)
			n_uses++;
		uses[i].store = s;
		uses[i].session = session;
		uses[i].token_id = id;
		if (uses[i].at < at)
			uses[i].at = at;
		break;
	}
	pthread_mutex_unlock(&uses_mu);
}

/* The use of session id noted and not yet written, 0 if none. */
static int64_t use_last(const struct store *s, int64_t id)
{
	size_t i = use_slot(true, id);
	int64_t at = 0;

	pthread_mutex_lock(&uses_mu);
	for (size_t k = 0; k < 16 && !at; k++, i = (i + 1) % AUTH_USES_MAX)
		if (use_is(&uses[i], s, true, id))
			at = uses[i].at;
	pthread_mutex_unlock(&uses_mu);
	return at;
}

bool auth_uses_pending(const struct store *s)
{
	bool any = false;

	pthread_mutex_lock(&uses_mu);
	for (size_t i = 0; n_uses && i < AUTH_USES_MAX && !any; i++)
		any = uses[i].at && uses[i].store == s;
	pthread_mutex_unlock(&uses_mu);
	return any;
}

void auth_uses_take(const struct store *s, struct auth_use *out, size_t cap, size_t *n)
{
	*n = 0;
	pthread_mutex_lock(&uses_mu);
	for (size_t i = 0; i < AUTH_USES_MAX && *n < cap; i++) {
		if (!uses[i].at || uses[i].store != s)
			continue;
		out[(*n)++] = uses[i];
		uses[i].at = 0;
		n_uses--;
	}
	pthread_mutex_unlock(&uses_mu);
}

/* ------------------------------------------------------- authentication */

/* The actor user u stands for (its worker record's id for a worker). */
static int actor_fill(struct store *s, const struct user_rec *u, struct actor *out)
{
	struct worker_rec *w;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->user_id = u->id;
	memcpy(out->name, u->name, sizeof(out->name));
	out->role = u->role;
	out->client_id = u->role == ROLE_CLIENT ? u->client_id : 0;
	if (u->role != ROLE_WORKER)
		return 0;
	/* worker_rec is large (clearances); keep it off the request thread's stack. */
	w = malloc(sizeof(*w));
	if (!w)
		return ERR_NOMEM;
	rc = store_worker_by_user(s, u->id, w);
	if (!rc)
		out->worker_id = w->id;
	free(w);
	return rc == ERR_NOTFOUND ? 0 : rc;
}

int auth_authenticate(struct store *s, const char *authorization, struct actor *out)
{
	unsigned char hash[32];
	struct token_rec t;
	struct user_rec u;
	int64_t now;
	const char *tok;
	uint64_t gen;
	size_t n;
	int rc;

	if (!authorization || strncasecmp(authorization, "Bearer ", 7))
		return ERR_UNAUTH;
	tok = authorization + 7;
	while (*tok == ' ')
		tok++;
	n = strnlen(tok, AUTH_TOKEN_TEXT);
	/* Only our own format is looked up; anything else is refused unread. */
	if (n != AUTH_TOKEN_TEXT - 1 || strncmp(tok, "ahd_", 4))
		return ERR_UNAUTH;
	auth_token_hash(tok, hash);
	now = clock_now_ms();
	if (cache_get(s, hash, out)) {
		use_note(s, false, out->token_id, now);
		return 0;
	}
	gen = cache_gen();
	rc = store_token_lookup(s, hash, &u, &t);
	if (rc == ERR_NOTFOUND)
		return ERR_UNAUTH;
	if (rc)
		return rc;
	/* A deactivated user's tokens stop working; a revoked or expired one is unknown. */
	if (!u.active || t.revoked_at || (t.expires_at && t.expires_at <= now))
		return ERR_UNAUTH;
	if ((rc = actor_fill(s, &u, out)))
		return rc;
	out->token_id = t.id;
	cache_put(s, hash, out, gen, t.expires_at);
	use_note(s, false, t.id, now);
	return 0;
}

/* ------------------------------------------------------ browser sessions */

void auth_session_new(char text[AUTH_SESSION_TEXT], unsigned char hash[32])
{
	unsigned char raw[AUTH_SESSION_BYTES];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(text, AUTH_SESSION_TEXT, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
	auth_token_hash(text, hash);
}

void auth_session_csrf(const char *cookie, char out[AUTH_CSRF_TEXT])
{
	static const char label[] = "alihdaya csrf v1";
	unsigned char mac[16];

	crypto_generichash(mac, sizeof(mac), (const unsigned char *)label, sizeof(label) - 1,
			   (const unsigned char *)cookie, strnlen(cookie, AUTH_SESSION_TEXT));
	sodium_bin2hex(out, AUTH_CSRF_TEXT, mac, sizeof(mac));
}

bool auth_csrf_ok(const char *cookie, const char *given)
{
	char want[AUTH_CSRF_TEXT];

	if (!given || strnlen(given, AUTH_CSRF_TEXT) != AUTH_CSRF_TEXT - 1)
		return false;
	auth_session_csrf(cookie, want);
	return sodium_memcmp(want, given, AUTH_CSRF_TEXT - 1) == 0;
}

/* Only our own shape is looked up: 43 characters of the base64url alphabet. */
static bool session_text_ok(const char *text)
{
	static const char b64url[] =
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

	return text && strnlen(text, AUTH_SESSION_TEXT) == AUTH_SESSION_TEXT - 1 &&
	       strspn(text, b64url) == AUTH_SESSION_TEXT - 1;
}

static int session_auth(struct store *s, const char *cookie, int64_t idle_ms, int64_t now,
			struct actor *out, int64_t *expires_at, bool use)
{
	struct session_rec se;
	unsigned char hash[32];
	struct user_rec u;
	int64_t last, noted;
	int rc;

	if (!session_text_ok(cookie))
		return ERR_UNAUTH;
	auth_token_hash(cookie, hash);
	rc = store_session_lookup(s, hash, &u, &se);
	if (rc == ERR_NOTFOUND)
		return ERR_UNAUTH;
	if (rc)
		return rc;
	noted = use_last(s, se.id);
	last = noted > se.last_seen_at ? noted : se.last_seen_at;
	if (!u.active || se.ended_at || se.expires_at <= now || (idle_ms > 0 && last + idle_ms <= now))
		return ERR_UNAUTH;
	if ((rc = actor_fill(s, &u, out)))
		return rc;
	out->session_id = se.id;
	if (use)
		use_note(s, true, se.id, now);
	if (expires_at)
		*expires_at = idle_ms > 0 && now + idle_ms < se.expires_at ? now + idle_ms
									  : se.expires_at;
	return 0;
}

int auth_session_authenticate(struct store *s, const char *cookie, int64_t idle_ms, int64_t now,
			      struct actor *out, int64_t *expires_at)
{
	return session_auth(s, cookie, idle_ms, now, out, expires_at, true);
}

int auth_session_check(struct store *s, const char *cookie, int64_t idle_ms, int64_t now,
		       struct actor *out)
{
	return session_auth(s, cookie, idle_ms, now, out, NULL, false);
}
