/* h_clients.c - clients (tenants): create, list, get. The use cases are app/clients.h. */
#include "app/clients.h"
#include "http/http_int.h"

/* POST /v1/clients {code, name, time_zone?="UTC"} */
int h_clients_create(struct req *r)
{
	struct client_in in = {0};

	return http__write(r, CMD_CLIENT_CREATE, &in, "{s:s, s:s, s?s}", "code", &in.code, "name",
			   &in.name, "time_zone", &in.time_zone);
}

/* GET /v1/clients?after=&limit= (a client user sees only its own client) */
int h_clients_list(struct req *r)
{
	return http__list(r, APP_CLIENT, false);
}

/* GET /v1/clients/:id */
int h_clients_get(struct req *r)
{
	return http__get(r, APP_CLIENT, r->param[0]);
}
