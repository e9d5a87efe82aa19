/* tokens.c - the wire JSON of an API token: what it is and when it was used, never its secret. */
#include "wire/tokens.h"

#include "util/clock.h"
#include "util/err.h"

static json_t *time_or_null(int64_t ms)
{
	char t[40];

	if (!ms)
		return json_null();
	clock_format_ms(ms, t, sizeof(t));
	return json_string(t);
}

json_t *wire_token(const struct token_rec *t)
{
	return json_pack("{s:I, s:o, s:I, s:s, s:o, s:o, s:o, s:b, s:o}", "id", (json_int_t)t->id,
			 "prefix", t->prefix[0] ? json_string(t->prefix) : json_null(), "user_id",
			 (json_int_t)t->user_id, "user", t->user_name, "created_at",
			 time_or_null(t->created_at), "expires_at", time_or_null(t->expires_at),
			 "last_used_at", time_or_null(t->last_used_at), "revoked",
			 t->revoked_at != 0, "revoked_at", time_or_null(t->revoked_at));
}

int wire_token_add(void *ctx, const struct token_rec *t)
{
	json_t *j = wire_token(t);

	if (!j || json_array_append_new(ctx, j))
		return ERR_NOMEM;
	return 0;
}
