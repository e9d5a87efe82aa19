/* clients.c - client use cases: the input rules of a client, and who reads which client. */
#include "app/clients.h"

#include "util/err.h"

int app_client_create(const struct app *app, const struct actor *actor,
		      const struct client_in *in, struct cmd *c, struct buf *err)
{
	struct client_rec *cl = &c->u.client;
	int rc;

	(void)app;
	c->type = CMD_CLIENT_CREATE;
	*cl = (struct client_rec){0};
	if ((rc = app_allow(actor, POL_CLIENT_CREATE, NULL, err)) ||
	    (rc = app_in_code("code", in->code, cl->code, sizeof(cl->code), true, err)) ||
	    (rc = app_in_str("name", in->name, cl->name, sizeof(cl->name), true, err)))
		return rc;
	return app_in_tz("time_zone", in->time_zone, "UTC", cl->time_zone, err);
}

int app_client_get(const struct app *app, const struct actor *actor, int64_t id,
		   struct client_rec *out, struct buf *err)
{
	/* The scope is the id itself: a hidden client is not read at all. */
	int rc = app_allow(actor, POL_CLIENT_READ, &(struct policy_scope){.client_id = id}, err);

	if (rc)
		return rc;
	rc = store_client_get(app->store, id, out);
	return rc == ERR_NOTFOUND ? rc : app_store_end(app, NULL, rc, err);
}

static int each_client(void *ctx, const struct client_rec *c)
{
	return app_fwd(ctx, &(struct app_rec){.kind = APP_CLIENT, .u.client = c});
}

int app_client_list(const struct app *app, const struct actor *actor,
		    const struct app_page_in *in, app_rec_cb cb, void *ctx, int64_t *next,
		    struct buf *err)
{
	struct app_fwd f = {cb, ctx, 0};
	int64_t only = 0, worker = 0;
	struct store_page pg;
	struct client_rec cl;
	int rc;

	*next = 0;
	if ((rc = app_page(in, &pg, err)))
		return rc;
	rc = policy_list_filter(actor, POL_CLIENT_READ, &only, &worker);
	if (rc == ERR_NOTFOUND) /* a client user without a client sees none */
		return 0;
	if (rc)
		return app_allow(actor, POL_CLIENT_READ, NULL, err);
	if (!only)
		return app_store_end(app, &f, store_client_list(app->store, &pg, each_client, &f, next),
				     err);
	/* A page of at most one: the caller's own client. */
	if (only <= pg.after)
		return 0;
	rc = store_client_get(app->store, only, &cl);
	if (rc == ERR_NOTFOUND)
		return 0;
	return app_store_end(app, &f, rc ? rc : each_client(&f, &cl), err);
}
