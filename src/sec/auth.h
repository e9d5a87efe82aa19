/* auth.h - who is calling: bearer tokens, the actor they stand for, and what each role may see. */
#ifndef ALIHDAYA_AUTH_H
#define ALIHDAYA_AUTH_H

#include <stdbool.h>
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
};

/* The CLI on the machine itself acts as an admin with user id 0. */
extern const struct actor AUTH_LOCAL_ADMIN;

#define AUTH_TOKEN_BYTES 32
#define AUTH_TOKEN_TEXT (AUTH_TOKEN_BYTES * 2 + 5) /* "ahd_" + hex + NUL */

/* Bit for a role in a route's allowed-roles mask. */
#define ROLE_BIT(r) (1u << (r))
#define ROLES_ALL 0x1fu
#define ROLES_STAFF (ROLE_BIT(ROLE_ADMIN) | ROLE_BIT(ROLE_MANAGER))

/*
 * Makes a new token: 32 random bytes, written as "ahd_<64 hex>" into text.
 * OUT: hash, the BLAKE2b-256 of the text, which is all the store keeps.
 */
void auth_token_new(char text[AUTH_TOKEN_TEXT], unsigned char hash[32]);
/* The hash of a presented token text. */
void auth_token_hash(const char *text, unsigned char hash[32]);

/*
 * Resolves "Bearer <token>" (the Authorization header value, may be NULL)
 * to an actor. ERR_UNAUTH when missing, malformed or unknown. Successful
 * lookups are cached for 5 seconds.
 */
int auth_authenticate(struct store *s, const char *authorization, struct actor *out);

/* Forgets every cached token (tests; after revoking tokens). */
void auth_cache_clear(void);

/* True if the actor's role is in the mask. */
bool auth_role_allowed(const struct actor *a, unsigned mask);

/*
 * Client scope: may the actor see a record that belongs to client_id?
 * Client users see only their own client; staff and auditors see all;
 * workers see client records only through their leases (see auth_item_visible).
 */
bool auth_client_visible(const struct actor *a, int64_t client_id);

/*
 * May the actor see this item at all? Client users: their client's items.
 * Workers: only items currently leased to them. Staff, auditors: all.
 * A record that is not visible must answer 404, never 403.
 */
bool auth_item_visible(const struct actor *a, int64_t client_id, int64_t lease_worker_id);

/* May the actor read client payloads? Auditors may not. */
bool auth_payload_readable(const struct actor *a);

#endif
