/* h_clients.c - clients (tenants): create, list, get. */
#include <string.h>

#include "http/http_int.h"
#include "util/clock.h"
#include "util/err.h"
#include "wire/wire.h"

/* POST /v1/clients {code, name, time_zone?="UTC"} */
int h_clients_create(struct req *r)
{
	const char *code = NULL, *name = NULL, *tz = NULL;
	struct cmd *c = NULL;
	json_t *in = NULL;
	int rc;

	if ((rc = http__body(r, false, &in)) ||
	    (rc = http__unpack(r, in, "{s:s, s:s, s?s}", "code", &code, "name", &name, "time_zone",
			       &tz)))
		goto out;
	if (!(c = http__cmd_new(r, CMD_CLIENT_CREATE))) {
		rc = ERR_NOMEM;
		goto out;
	}
	if ((rc = http__code(r, "code", code, c->u.client.code, sizeof(c->u.client.code), true)) ||
	    (rc = http__str(r, "name", name, c->u.client.name, sizeof(c->u.client.name), true)) ||
	    (rc = http__str(r, "time_zone", tz ? tz : "UTC", c->u.client.time_zone,
			    sizeof(c->u.client.time_zone), true)))
		goto out;
	if (!clock_valid_tz(c->u.client.time_zone)) {
		rc = http__fail(r, ERR_INVALID, "time_zone %s is not an IANA time zone",
				c->u.client.time_zone);
		goto out;
	}
	if (!(rc = http__engine(r, c)))
		http__expand(r, wire_client_read);
out:
	http__cmd_free(c);
	json_decref(in);
	return rc;
}

/* GET /v1/clients?after=&limit= (a client user sees only its own client) */
int h_clients_list(struct req *r)
{
	struct store_page pg;
	json_t *one = NULL, *list = NULL;
	int rc;

	if ((rc = http__page(r, &pg)))
		return rc;
	if (r->actor.role != ROLE_CLIENT) {
		rc = wire_client_list(r->srv->store, &pg, &list);
		return http__read(r, rc, list);
	}
	/* A page of at most one: the caller's own client. */
	if (r->actor.client_id > pg.after) {
		rc = wire_client_read(r->srv->store, r->actor.client_id, &one);
		if (rc && rc != ERR_NOTFOUND)
			return http__fail(r, rc, NULL);
	}
	list = wire_page(one ? json_pack("[o]", one) : json_array(), 0);
	return list ? http__read(r, 0, list) : http__fail(r, ERR_NOMEM, NULL);
}

/* GET /v1/clients/:id */
int h_clients_get(struct req *r)
{
	json_t *j = NULL;
	int rc;

	if (!auth_client_visible(&r->actor, r->param[0]))
		return http__fail(r, ERR_NOTFOUND, NULL);
	rc = wire_client_read(r->srv->store, r->param[0], &j);
	return http__read(r, rc, j);
}
