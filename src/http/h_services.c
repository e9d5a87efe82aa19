/* h_services.c - the provider's service catalogue: create, list, get (app/services.h). */
#include "app/services.h"
#include "http/http_int.h"

/* POST /v1/services {code, name, kind: "bpo"|"kpo", category} */
int h_services_create(struct req *r)
{
	struct service_in in = {0};

	return http__write(r, CMD_SERVICE_CREATE, &in, "{s:s, s:s, s:s, s:s}", "code", &in.code,
			   "name", &in.name, "kind", &in.kind, "category", &in.category);
}

/* GET /v1/services?after=&limit= */
int h_services_list(struct req *r)
{
	return http__list(r, APP_SERVICE, false);
}

/* GET /v1/services/:id */
int h_services_get(struct req *r)
{
	return http__get(r, APP_SERVICE, r->param[0]);
}
