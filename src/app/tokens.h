/* tokens.h - API tokens: list (never their text or hash) and revoke. Create is in people.h. */
#ifndef ALIHDAYA_APP_TOKENS_H
#define ALIHDAYA_APP_TOKENS_H

#include "app/records.h"

/*
 * token.read: the tokens the actor may see, a page of them to cb in id
 * order (an admin: every token, or those of in->user_id when given; anyone
 * else: its own). OUT: *next_after (0 on the last page).
 */
struct token_list_in {
	struct app_page_in page;
	const char *user_id; /* as text; NULL = any the actor may see */
};
int app_token_list(const struct app *app, const struct actor *actor, const struct token_list_in *in,
		   store_token_cb cb, void *ctx, int64_t *next_after, struct buf *err);

/* token.read of one token: ERR_NOTFOUND for one the actor may not see. */
int app_token_get(const struct app *app, const struct actor *actor, int64_t id,
		  struct token_rec *out, struct buf *err);

/* token.revoke: fills c (CMD_TOKEN_REVOKE) for a token the actor may see (else ERR_NOTFOUND). */
struct token_revoke_in {
	int64_t token_id;
};
int app_token_revoke(const struct app *app, const struct actor *actor,
		     const struct token_revoke_in *in, struct cmd *c, struct buf *err);

#endif
