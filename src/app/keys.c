/* keys.c - the keyring's use cases: status, rotation, client removal (app/keys.h). */
#include "app/keys.h"

#include <stdlib.h>

#include "app/records.h"
#include "sec/policy.h"
#include "util/err.h"
#include "util/log.h"

void keys_view_release(struct keys_view *v)
{
	free(v->clients);
	v->clients = NULL;
	v->n = 0;
}

static int no_keyring(const struct app *app, struct buf *err)
{
	return app->keys ? 0 : buf_error(err, ERR_INTERNAL, "no keyring is open here");
}

/* keys_status()'s callback: the client into the view (sized by info.n_clients). */
static int view_add(void *ctx, const struct keys_client *c)
{
	struct keys_view *v = ctx;

	if (v->n == v->info.n_clients)
		return ERR_INTERNAL;
	v->clients[v->n++] = *c;
	return 0;
}

int app_keys_status(const struct app *app, const struct actor *actor, struct keys_view *out,
		    struct buf *err)
{
	int rc;

	*out = (struct keys_view){ 0 };
	if ((rc = app_allow(actor, POL_KEYS_READ, NULL, err)) || (rc = no_keyring(app, err)))
		return rc;
	/* Sized first: the count and the walk are two looks, each under the keyring's lock. */
	for (int tries = 0; tries < 3; tries++) {
		keys_view_release(out);
		rc = keys_status(app->keys, &out->info, NULL, NULL);
		if (rc)
			break;
		out->clients = calloc(out->info.n_clients + 1, sizeof(*out->clients));
		if (!out->clients)
			return buf_error(err, ERR_NOMEM, "out of memory");
		rc = keys_status(app->keys, &out->info, view_add, out);
		if (rc != ERR_INTERNAL)
			break;
	}
	if (rc)
		keys_view_release(out);
	return rc ? buf_error(err, rc, "cannot read the keyring") : 0;
}

int app_keys_rotate(const struct app *app, const struct actor *actor, struct keys_rotation *out,
		    struct buf *err)
{
	int rc;

	if ((rc = app_allow(actor, POL_KEYS_ROTATE, NULL, err)) || (rc = no_keyring(app, err)))
		return rc;
	rc = keys_rotate(app->keys, out, err);
	if (!rc)
		log_info("keys rotated: master key version %u, %zu clients given a new data key",
			 out->master_version, out->clients);
	return rc;
}

int app_client_remove(const struct app *app, const struct actor *actor, int64_t id, struct cmd *c,
		      struct buf *err)
{
	struct client_rec cl;
	int rc;

	if ((rc = app_allow(actor, POL_CLIENT_REMOVE, NULL, err)) || (rc = no_keyring(app, err)))
		return rc;
	rc = store_client_get(app->store, id, &cl);
	if (rc)
		return rc == ERR_NOTFOUND ? buf_error(err, rc, "no client %lld", (long long)id)
					  : app_got(app, rc, err);
	return app_set_active(app, actor, APP_CLIENT, id, false, c, err);
}

int app_client_shred(const struct app *app, const struct actor *actor, int64_t id,
		     struct buf *err)
{
	int rc;

	if ((rc = app_allow(actor, POL_CLIENT_REMOVE, NULL, err)) || (rc = no_keyring(app, err)))
		return rc;
	rc = keys_destroy(app->keys, id, err);
	if (!rc)
		log_info("client %lld removed: its data key is destroyed", (long long)id);
	return rc;
}
