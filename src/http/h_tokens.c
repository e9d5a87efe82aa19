/* h_tokens.c - API tokens: list, get and revoke (app/tokens.h); made under a user (h_users.c). */
#include "app/tokens.h"
#include "http/http_int.h"
#include "util/err.h"
#include "wire/tokens.h"
#include "wire/wire.h"

/* GET /v1/tokens?after=&limit=&user_id= : an admin's every token, anyone else's own */
int h_tokens_list(struct req *r)
{
	struct token_list_in in = {.user_id = http__query(r, "user_id")};
	json_t *data = json_array(), *page;
	struct buf err = BUF_INIT;
	int64_t next = 0;
	int rc;

	if (!data)
		return http__fail(r, ERR_NOMEM, NULL);
	http__page_in(r, false, &in.page);
	rc = app_token_list(&r->srv->app, &r->actor, &in, wire_token_add, data, &next, &err);
	if (rc) {
		json_decref(data);
		return http__app_fail(r, rc, &err);
	}
	buf_release(&err);
	page = wire_page(data, next);
	return http__read(r, page ? 0 : ERR_NOMEM, page);
}

/* GET /v1/tokens/:id */
int h_tokens_get(struct req *r)
{
	struct buf err = BUF_INIT;
	struct token_rec t;
	int rc = app_token_get(&r->srv->app, &r->actor, r->param[0], &t, &err);

	if (rc)
		return http__app_fail(r, rc, &err);
	buf_release(&err);
	return http__read(r, 0, wire_token(&t));
}

/*
 * DELETE /v1/tokens/:id and POST /v1/tokens/:id/revoke {} -> 200 the token,
 * revoked. Effective at once: the token's next request answers 401.
 */
int h_tokens_revoke(struct req *r)
{
	struct token_revoke_in in = {.token_id = r->param[0]};
	struct buf err = BUF_INIT;
	struct token_rec t;
	int rc = http__write(r, CMD_TOKEN_REVOKE, &in, "{}");

	if (rc || r->status >= 300)
		return rc;
	/* Durable now: answer with the token as it is (the revoker may read it). */
	rc = app_token_get(&r->srv->app, &r->actor, in.token_id, &t, &err);
	if (rc)
		return http__app_fail(r, rc, &err);
	buf_release(&err);
	return http__read(r, 0, wire_token(&t));
}
