/* services.c - service catalogue use cases: the input rules of a service; everyone reads the catalogue. */
#include "app/services.h"

#include "util/err.h"

/* The fields of a service as given into sv: all on create, those given on an edit (*fields). */
static int service_fields(const struct service_in *in, bool create, struct service_rec *sv,
			  unsigned *fields, struct buf *err)
{
	int rc;

	*fields = 0;
	if (!create && (in->code || in->kind))
		return buf_error(err, ERR_INVALID,
				 "%s cannot be changed (engagements keep the kind they were made with)",
				 in->code ? "code" : "kind");
	if (create && (rc = app_in_code_name(in->code, in->name, sv->code, sv->name, err)))
		return rc;
	if (!create && in->name) {
		if ((rc = app_in_str("name", in->name, sv->name, sizeof(sv->name), true, err)))
			return rc;
		*fields |= UPD_NAME;
	}
	if (create || in->category) {
		if ((rc = app_in_code("category", in->category, sv->category, sizeof(sv->category),
				      true, err)))
			return rc;
		*fields |= UPD_CATEGORY;
	}
	if (create && (!in->kind || service_kind_parse(in->kind, &sv->kind)))
		return buf_error(err, ERR_INVALID, "kind must be \"bpo\" or \"kpo\"");
	return 0;
}

int app_service_create(const struct app *app, const struct actor *actor,
		       const struct service_in *in, struct cmd *c, struct buf *err)
{
	unsigned fields;
	int rc;

	(void)app;
	if ((rc = app_write_start(actor, POL_SERVICE_CREATE, CMD_SERVICE_CREATE, c, err)))
		return rc;
	return service_fields(in, true, &c->u.service, &fields, err);
}

int app_service_edit(const void *in, int64_t id, struct cmd *c, struct buf *err)
{
	c->u.upd.r.service.id = id;
	return service_fields(in, false, &c->u.upd.r.service, &c->u.upd.fields, err);
}
