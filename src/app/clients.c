/* clients.c - client use cases: the input rules of a client, and who reads which client. */
#include "app/clients.h"

#include "util/err.h"

int app_client_create(const struct app *app, const struct actor *actor,
		      const struct client_in *in, struct cmd *c, struct buf *err)
{
	struct client_rec *cl = &c->u.client;
	int rc;

	(void)app;
	*cl = (struct client_rec){0};
	c->type = CMD_CLIENT_CREATE;
	rc = app_allow(actor, POL_CLIENT_CREATE, NULL, err);
	if (!rc)
		rc = app_in_code_name(in->code, in->name, cl->code, cl->name, err);
	return rc ? rc : app_in_tz("time_zone", in->time_zone, "UTC", cl->time_zone, err);
}

int app_client_get(const struct app *app, const struct actor *actor, int64_t id,
		   struct client_rec *out, struct buf *err)
{
	/* The scope is the id itself: a hidden client is not read at all. */
	int rc = app_allow(actor, POL_CLIENT_READ, &(struct policy_scope){.client_id = id}, err);

	if (rc)
		return rc;
	return app_got(app, store_client_get(app->store, id, out), err);
}

