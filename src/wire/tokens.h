/* tokens.h - the wire JSON of an API token (docs/api.md, Tokens): never its text or hash. */
#ifndef ALIHDAYA_WIRE_TOKENS_H
#define ALIHDAYA_WIRE_TOKENS_H

#include <jansson.h>

#include "store/store.h"

/*
 * {"id", "prefix", "user_id", "user", "created_at", "expires_at",
 * "last_used_at", "revoked", "revoked_at"}: times RFC 3339 or null (never),
 * prefix null when unknown. A new value, NULL when out of memory.
 */
json_t *wire_token(const struct token_rec *t);
/* A store_token_cb appending the token rendered to the JSON array ctx (ERR_NOMEM). */
int wire_token_add(void *ctx, const struct token_rec *t);

#endif
