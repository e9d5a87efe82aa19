/* tokens.c - API token use cases: who lists and revokes which token. */
#include "app/tokens.h"

#include "app/input.h"
#include "util/err.h"

int app_token_list(const struct app *app, const struct actor *actor, const struct token_list_in *in,
		   store_token_cb cb, void *ctx, int64_t *next_after, struct buf *err)
{
	struct store_page pg;
	int64_t own = 0, asked = 0;
	int rc;

	*next_after = 0;
	if ((rc = app_allow(actor, POL_TOKEN_READ, NULL, err)) ||
	    (rc = app_page(&in->page, &pg, err)))
		return rc;
	if (in->user_id && (rc = app_in_id_text("user_id", in->user_id, &asked, err)))
		return rc;
	rc = policy_user_filter(actor, POL_TOKEN_READ, &own);
	if (rc == ERR_NOTFOUND) /* an actor without a user has no tokens */
		return 0;
	if (rc)
		return buf_error(err, rc, "your role may not list tokens");
	/* Another user's filter on one's own list: nothing is theirs to see. */
	if (own && asked && asked != own)
		return 0;
	pg.user_id = own ? own : asked;
	rc = store_token_list(app->store, &pg, cb, ctx, next_after);
	if (rc == ERR_NOMEM) /* the callback's, or the store's */
		return buf_error(err, rc, "out of memory");
	return app_store_end(app, NULL, rc, err);
}

int app_token_get(const struct app *app, const struct actor *actor, int64_t id,
		  struct token_rec *out, struct buf *err)
{
	struct policy_scope sc = {0};
	int rc;

	if ((rc = app_allow(actor, POL_TOKEN_READ, NULL, err)))
		return rc;
	if ((rc = app_got(app, store_token_get(app->store, id, out), err)))
		return rc;
	sc.user_id = out->user_id;
	return app_allow(actor, POL_TOKEN_READ, &sc, err);
}

int app_token_revoke(const struct app *app, const struct actor *actor,
		     const struct token_revoke_in *in, struct cmd *c, struct buf *err)
{
	struct policy_scope sc = {0};
	struct token_rec t;
	int rc;

	if ((rc = app_write_start(actor, POL_TOKEN_REVOKE, CMD_TOKEN_REVOKE, c, err)) ||
	    (rc = app_in_range("token id", in->token_id, 1, INT64_MAX, err)))
		return rc;
	/* Read first: whose token it is decides who may revoke it. */
	if ((rc = app_got(app, store_token_get(app->store, in->token_id, &t), err)))
		return rc;
	sc.user_id = t.user_id;
	if ((rc = app_allow(actor, POL_TOKEN_REVOKE, &sc, err)))
		return rc;
	c->u.token.token_id = t.id;
	c->u.token.user_id = t.user_id;
	return 0;
}
