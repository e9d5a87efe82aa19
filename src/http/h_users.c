/* h_users.c - users and their bearer tokens (app/people.h). */
#include <string.h>

#include "app/people.h"
#include "http/http_int.h"
#include "util/err.h"

/* POST /v1/users {name, role, client_id (required iff role is "client")} */
int h_users_create(struct req *r)
{
	struct user_in in = {0};
	json_int_t client_id = 0;
	struct http_write w;

	if (http__write_begin(r, &w, CMD_USER_CREATE, "{s:s, s:s, s?I}", "name", &in.name, "role",
			      &in.role, "client_id", &client_id))
		return w.rc;
	in.has_client_id = json_object_get(w.body, "client_id") != NULL;
	in.client_id = client_id;
	return http__write_end(&w, 0, &in);
}

/* GET /v1/users?after=&limit=&client_id= */
int h_users_list(struct req *r)
{
	return http__list(r, APP_USER, true);
}

/* GET /v1/users/:id */
int h_users_get(struct req *r)
{
	return http__get(r, APP_USER, r->param[0]);
}

/*
 * POST /v1/users/:id/tokens {expires_at?: RFC 3339, expires_in?: seconds}
 *   -> 201 {"token": "ahd_...", "id": N, "user_id": N, "expires_at": time | null}
 */
int h_users_token(struct req *r)
{
	struct token_in in = {.user_id = r->param[0]};
	json_t *secs = NULL;
	struct http_write w;
	size_t i;
	int rc = 0;

	/* No body at all is {} here, as it always was (the fields are optional). */
	for (i = 0; i < r->body.len && strchr(" \t\r\n", buf_str(&r->body)[i]); i++)
		;
	if (i == r->body.len)
		return http__write(r, CMD_TOKEN_CREATE, &in, "{}");
	if (http__write_begin(r, &w, CMD_TOKEN_CREATE, "{s?s, s?o}", "expires_at", &in.expires_at,
			      "expires_in", &secs))
		return w.rc;
	if (secs && !json_is_integer(secs))
		rc = http__fail(r, ERR_INVALID, "expires_in must be a whole number of seconds");
	else if (secs)
		in.expires_in = (double)json_integer_value(secs);
	return http__write_end(&w, rc, &in);
}
