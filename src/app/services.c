/* services.c - service catalogue use cases: the input rules of a service; everyone reads the catalogue. */
#include "app/services.h"

#include "util/err.h"

int app_service_create(const struct app *app, const struct actor *actor,
		       const struct service_in *in, struct cmd *c, struct buf *err)
{
	struct service_rec *sv = &c->u.service;
	int rc;

	(void)app;
	if ((rc = app_write_start(actor, POL_SERVICE_CREATE, CMD_SERVICE_CREATE, c, err)) ||
	    (rc = app_in_code_name(in->code, in->name, sv->code, sv->name, err)) ||
	    (rc = app_in_code("category", in->category, sv->category, sizeof(sv->category), true,
			      err)))
		return rc;
	if (!in->kind || service_kind_parse(in->kind, &sv->kind))
		return buf_error(err, ERR_INVALID, "kind must be \"bpo\" or \"kpo\"");
	return 0;
}

