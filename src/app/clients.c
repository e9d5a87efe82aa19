/* clients.c - client use cases: the input rules of a client, and who reads which client. */
#include "app/clients.h"

#include "util/err.h"

/*
 * The fields of a client as given, into cl: every one on create (the
 * defaults applied), only those given on an edit, named in *fields. The one
 * place a client's input rules live.
 */
static int client_fields(const struct client_in *in, bool create, struct client_rec *cl,
			 unsigned *fields, struct buf *err)
{
	int rc;

	*fields = 0;
	if (create) {
		if ((rc = app_in_code_name(in->code, in->name, cl->code, cl->name, err)))
			return rc;
		return app_in_tz("time_zone", in->time_zone, "UTC", cl->time_zone, err);
	}
	if (in->code)
		return buf_error(err, ERR_INVALID, "code cannot be changed");
	if (in->name) {
		if ((rc = app_in_str("name", in->name, cl->name, sizeof(cl->name), true, err)))
			return rc;
		*fields |= UPD_NAME;
	}
	if (in->time_zone) {
		if ((rc = app_in_tz("time_zone", in->time_zone, NULL, cl->time_zone, err)))
			return rc;
		*fields |= UPD_TZ;
	}
	return 0;
}

int app_client_create(const struct app *app, const struct actor *actor,
		      const struct client_in *in, struct cmd *c, struct buf *err)
{
	unsigned fields;
	int rc;

	(void)app;
	rc = app_write_start(actor, POL_CLIENT_CREATE, CMD_CLIENT_CREATE, c, err);
	return rc ? rc : client_fields(in, true, &c->u.client, &fields, err);
}

int app_client_edit(const void *in, int64_t id, struct cmd *c, struct buf *err)
{
	c->u.upd.r.client.id = id;
	return client_fields(in, false, &c->u.upd.r.client, &c->u.upd.fields, err);
}
