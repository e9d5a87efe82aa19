/* clients.c - client use cases: the input rules of a client, and who reads which client. */
#include "app/clients.h"

#include "util/err.h"

int app_client_create(const struct app *app, const struct actor *actor,
		      const struct client_in *in, struct cmd *c, struct buf *err)
{
	struct client_rec *cl = &c->u.client;
	int rc;

	(void)app;
	rc = app_write_start(actor, POL_CLIENT_CREATE, CMD_CLIENT_CREATE, c, err);
	if (!rc)
		rc = app_in_code_name(in->code, in->name, cl->code, cl->name, err);
	return rc ? rc : app_in_tz("time_zone", in->time_zone, "UTC", cl->time_zone, err);
}

