/* h_services.c - the provider's service catalogue: create, list, get. */
#include <string.h>

#include "http/http_int.h"
#include "util/err.h"
#include "wire/wire.h"

/* POST /v1/services {code, name, kind: "bpo"|"kpo", category} */
int h_services_create(struct req *r)
{
	const char *code = NULL, *name = NULL, *kind = NULL, *category = NULL;
	struct cmd *c = NULL;
	json_t *in = NULL;
	int rc;

	if ((rc = http__body(r, false, &in)) ||
	    (rc = http__unpack(r, in, "{s:s, s:s, s:s, s:s}", "code", &code, "name", &name, "kind",
			       &kind, "category", &category)))
		goto out;
	if (!(c = http__cmd_new(r, CMD_SERVICE_CREATE))) {
		rc = ERR_NOMEM;
		goto out;
	}
	if ((rc =
		 http__code(r, "code", code, c->u.service.code, sizeof(c->u.service.code), true)) ||
	    (rc = http__str(r, "name", name, c->u.service.name, sizeof(c->u.service.name), true)) ||
	    (rc = http__code(r, "category", category, c->u.service.category,
			     sizeof(c->u.service.category), true)))
		goto out;
	if (service_kind_parse(kind, &c->u.service.kind)) {
		rc = http__fail(r, ERR_INVALID, "kind must be \"bpo\" or \"kpo\"");
		goto out;
	}
	if (!(rc = http__engine(r, c)))
		http__expand(r, wire_service_read);
out:
	http__cmd_free(c);
	json_decref(in);
	return rc;
}

/* GET /v1/services?after=&limit= */
int h_services_list(struct req *r)
{
	struct store_page pg;
	json_t *j = NULL;
	int rc;

	if ((rc = http__page(r, &pg)))
		return rc;
	rc = wire_service_list(r->srv->store, &pg, &j);
	return http__read(r, rc, j);
}

/* GET /v1/services/:id */
int h_services_get(struct req *r)
{
	json_t *j = NULL;
	int rc;

	rc = wire_service_read(r->srv->store, r->param[0], &j);
	return http__read(r, rc, j);
}
