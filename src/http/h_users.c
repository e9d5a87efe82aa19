/* h_users.c - users and their bearer tokens (admin only). */
#include <string.h>

#include "http/http_int.h"
#include "util/err.h"
#include "wire/wire.h"

/* POST /v1/users {name, role, client_id (required iff role is "client")} */
int h_users_create(struct req *r)
{
	const char *name = NULL, *role = NULL;
	json_int_t client_id = 0;
	struct cmd *c = NULL;
	json_t *in = NULL;
	int rc;

	if ((rc = http__body(r, false, &in)) ||
	    (rc = http__unpack(r, in, "{s:s, s:s, s?I}", "name", &name, "role", &role, "client_id",
			       &client_id)))
		goto out;
	if (!(c = http__cmd_new(r, CMD_USER_CREATE))) {
		rc = ERR_NOMEM;
		goto out;
	}
	if ((rc = http__code(r, "name", name, c->u.user.name, sizeof(c->u.user.name), true)))
		goto out;
	if (role_parse(role, &c->u.user.role)) {
		rc = http__fail(r, ERR_INVALID,
				"role must be admin, manager, worker, client or auditor");
		goto out;
	}
	if (c->u.user.role == ROLE_CLIENT) {
		if ((rc = http__range(r, "client_id", client_id, 1, INT64_MAX)))
			goto out;
	} else if (json_object_get(in, "client_id")) {
		rc = http__fail(r, ERR_INVALID, "client_id is only for users with role client");
		goto out;
	}
	c->u.user.client_id = client_id;
	if (!(rc = http__engine(r, c)))
		http__expand(r, wire_user_read);
out:
	http__cmd_free(c);
	json_decref(in);
	return rc;
}

/* GET /v1/users?after=&limit=&client_id= */
int h_users_list(struct req *r)
{
	struct store_page pg;
	int64_t client_id;
	json_t *j = NULL;
	int rc;

	if ((rc = http__page(r, &pg)) || (rc = http__query_id(r, "client_id", &client_id)))
		return rc;
	pg.client_id = client_id;
	rc = wire_user_list(r->srv->store, &pg, &j);
	return http__read(r, rc, j);
}

/* GET /v1/users/:id */
int h_users_get(struct req *r)
{
	json_t *j = NULL;
	int rc;

	rc = wire_user_read(r->srv->store, r->param[0], &j);
	return http__read(r, rc, j);
}

/* POST /v1/users/:id/tokens {} -> 201 {"token": "ahd_...", "user_id": N} */
int h_users_token(struct req *r)
{
	struct cmd *c = NULL;
	json_t *in = NULL;
	int rc;

	if ((rc = http__body(r, true, &in)) || (rc = http__unpack(r, in, "{}")))
		goto out;
	if (!(c = http__cmd_new(r, CMD_TOKEN_CREATE))) {
		rc = ERR_NOMEM;
		goto out;
	}
	c->u.token.user_id = r->param[0];
	rc = http__engine(r, c);
out:
	http__cmd_free(c);
	json_decref(in);
	return rc;
}
