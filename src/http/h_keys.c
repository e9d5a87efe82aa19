/* h_keys.c - the keyring (status, rotation) and removing a client: crypto-shredding (app/keys.h). */
#include "app/keys.h"
#include "http/http_int.h"
#include "util/err.h"
#include "wire/keys.h"

/* GET /v1/keys -> the versions of the master key and of each client's data key, no key material */
int h_keys_status(struct req *r)
{
	struct keys_view v;
	struct buf err = BUF_INIT;
	int rc = app_keys_status(&r->srv->app, &r->actor, &v, &err);

	if (rc)
		return http__app_fail(r, rc, &err);
	buf_release(&err);
	rc = http__read(r, 0, wire_keys_status(&v));
	keys_view_release(&v);
	return rc;
}

/*
 * POST /v1/keys/rotate {} -> {"master_version", "master_changed", "clients"}
 * Not through the engine: the keyring has its own lock, and every sealed
 * value stays readable across the rotation (old versions are kept).
 */
int h_keys_rotate(struct req *r)
{
	struct keys_rotation rot;
	struct buf err = BUF_INIT;
	json_t *body = NULL;
	int rc = http__body(r, true, &body);

	if (rc)
		return rc;
	rc = http__unpack(r, body, "{}");
	json_decref(body);
	if (rc)
		return rc;
	rc = app_keys_rotate(&r->srv->app, &r->actor, &rot, &err);
	if (rc)
		return http__app_fail(r, rc, &err);
	buf_release(&err);
	return http__read(r, 0, wire_keys_rotation(&rot));
}

/*
 * DELETE /v1/clients/:id -> 200 with the client as it now is (inactive) and
 * "data_key": "destroyed". The deactivation first (durable, audited), then
 * the data key; a remove cut short between them is finished by a retry.
 */
int h_clients_remove(struct req *r)
{
	struct http_write w;
	struct buf err = BUF_INIT;
	int rc = http__write_begin(r, &w, CMD_RECORD_ACTIVE, "{}");

	if (rc)
		return w.rc;
	rc = app_client_remove(&r->srv->app, &r->actor, r->param[0], w.c, &w.err);
	if (rc) {
		http__app_fail(r, rc, &w.err);
		return http__write_end(&w, rc, NULL);
	}
	rc = http__write_end(&w, 0, &(struct app_active_in){ .kind = APP_CLIENT, .id = r->param[0],
							     .active = false });
	if (rc || r->status >= 300)
		return rc;
	rc = app_client_shred(&r->srv->app, &r->actor, r->param[0], &err);
	if (rc)
		return http__app_fail(r, rc, &err);
	buf_release(&err);
	if (json_is_object(r->out))
		json_object_set_new(r->out, "data_key", json_string("destroyed"));
	return 0;
}
