/* records.c - what the record use cases share: the policy's answer, walks forwarded, a get of any kind. */
#include "app/records.h"

#include <stdlib.h>
#include <string.h>

#include "app/clients.h"
#include "app/engagements.h"
#include "app/people.h"
#include "app/services.h"
#include "app/tokens.h"
#include "util/err.h"

int app_allow(const struct actor *actor, enum policy_action act, const struct policy_scope *scope,
	      struct buf *err)
{
	int rc = policy_require(actor, act, scope);

	if (rc == ERR_FORBIDDEN)
		return buf_error(err, rc, "role %s may not take %s", role_name(actor->role),
				 policy_action_name(act));
	return rc;
}

int app_write_start(const struct actor *actor, enum policy_action act, enum cmd_type t,
		    struct cmd *c, struct buf *err)
{
	c->type = t;
	memset(&c->u, 0, sizeof(c->u));
	return app_allow(actor, act, NULL, err);
}

int app_fwd(struct app_fwd *f, const struct app_rec *r)
{
	f->cb_rc = f->cb(f->ctx, r);
	return f->cb_rc;
}

int app_store_end(const struct app *app, const struct app_fwd *f, int rc, struct buf *err)
{
	if (!rc || (f && rc == f->cb_rc))
		return rc;
	return buf_error(err, rc, "%s", store_errmsg(app->store));
}

int app_got(const struct app *app, int rc, struct buf *err)
{
	return rc == ERR_NOTFOUND ? rc : app_store_end(app, NULL, rc, err);
}

/* Every record a get may fill (a worker_rec is several KiB: this lives on the heap). */
union any_rec {
	struct client_rec client;
	struct service_rec service;
	struct engagement_rec engagement;
	struct user_rec user;
	struct worker_rec worker;
};

int app_get(const struct app *app, const struct actor *actor, enum app_kind k, int64_t id,
	    app_rec_cb cb, void *ctx, struct buf *err)
{
	union any_rec *a = malloc(sizeof(*a));
	struct app_rec r = {.kind = k};
	int rc;

	if (!a)
		return buf_error(err, ERR_NOMEM, "out of memory");
	switch (k) {
	case APP_CLIENT: rc = app_client_get(app, actor, id, &a->client, err); break;
	case APP_SERVICE: rc = app_service_get(app, actor, id, &a->service, err); break;
	case APP_ENGAGEMENT: rc = app_engagement_get(app, actor, id, &a->engagement, err); break;
	case APP_USER: rc = app_user_get(app, actor, id, &a->user, err); break;
	case APP_WORKER: rc = app_worker_get(app, actor, id, &a->worker, err); break;
	default: rc = buf_error(err, ERR_INVALID, "this kind of record has no get");
	}
	/*
	 * Every member of the union is at a, and pointers to structures share
	 * one representation (C17 6.2.5): the kind's own member reads it.
	 */
	r.u.client = &a->client;
	if (!rc)
		rc = cb(ctx, &r);
	free(a);
	return rc;
}

int app_write(const struct app *app, const struct actor *actor, enum cmd_type t, const void *in,
	      struct cmd *c, struct buf *err)
{
	switch (t) {
	case CMD_CLIENT_CREATE: return app_client_create(app, actor, in, c, err);
	case CMD_SERVICE_CREATE: return app_service_create(app, actor, in, c, err);
	case CMD_ENGAGEMENT_CREATE: return app_engagement_create(app, actor, in, c, err);
	case CMD_USER_CREATE: return app_user_create(app, actor, in, c, err);
	case CMD_TOKEN_CREATE: return app_token_create(app, actor, in, c, err);
	case CMD_TOKEN_REVOKE: return app_token_revoke(app, actor, in, c, err);
	case CMD_WORKER_CREATE: return app_worker_create(app, actor, in, c, err);
	case CMD_WORKER_STATUS: return app_worker_status(app, actor, in, c, err);
	case CMD_CLIENT_UPDATE:
	case CMD_SERVICE_UPDATE:
	case CMD_ENGAGEMENT_UPDATE:
	case CMD_USER_UPDATE:
	case CMD_WORKER_UPDATE: {
		const struct app_update_in *u = in;
		enum app_kind k = APP_AUDIT;

		app_write_shows(t, &k);
		return app_update(app, actor, k, u->id, u->in, c, err);
	}
	case CMD_RECORD_ACTIVE: {
		const struct app_active_in *a = in;

		return app_set_active(app, actor, a->kind, a->id, a->active, c, err);
	}
	default: return buf_error(err, ERR_INVALID, "no such write of a record");
	}
}

/*
 * What the writes of one record share, a kind: the edit (its policy action,
 * command and input rules) and the switch off and on (policy action and
 * engine kind; on = false: none). Both check the policy, then an id > 0.
 */
static const struct {
	enum policy_action edit_act;
	enum cmd_type edit_t;
	int (*edit)(const void *in, int64_t id, struct cmd *c, struct buf *err);
	enum policy_action active_act;
	enum active_kind active_kind;
	bool on;
} record_writes[] = {
    [APP_CLIENT] = {POL_CLIENT_UPDATE, CMD_CLIENT_UPDATE, app_client_edit,
		    POL_CLIENT_DEACTIVATE, ACTIVE_CLIENT, true},
    [APP_SERVICE] = {POL_SERVICE_UPDATE, CMD_SERVICE_UPDATE, app_service_edit, 0, 0, false},
    [APP_ENGAGEMENT] = {POL_ENGAGEMENT_UPDATE, CMD_ENGAGEMENT_UPDATE, app_engagement_edit,
			POL_ENGAGEMENT_DEACTIVATE, ACTIVE_ENGAGEMENT, true},
    [APP_USER] = {POL_USER_UPDATE, CMD_USER_UPDATE, app_user_edit, POL_USER_DEACTIVATE,
		  ACTIVE_USER, true},
    [APP_WORKER] = {POL_WORKER_UPDATE, CMD_WORKER_UPDATE, app_worker_edit,
		    POL_WORKER_DEACTIVATE, ACTIVE_WORKER, true},
};

/* The start of a write of record id of kind k (ok: the kind has it, else ERR_INVALID, why). */
static int record_write_start(const struct actor *actor, enum app_kind k, bool active,
			      int64_t id, struct cmd *c, struct buf *err)
{
	bool ok = (unsigned)k < sizeof(record_writes) / sizeof(record_writes[0]) &&
		  (active ? record_writes[k].on : record_writes[k].edit != NULL);
	int rc;

	if (!ok)
		return buf_error(err, ERR_INVALID, "%s",
				 active ? "only users, workers, clients and engagements are deactivated"
					: "this kind of record has no edits");
	if (active)
		rc = app_write_start(actor, record_writes[k].active_act, CMD_RECORD_ACTIVE, c, err);
	else
		rc = app_write_start(actor, record_writes[k].edit_act, record_writes[k].edit_t, c, err);
	return rc ? rc : app_in_range("id", id, 1, INT64_MAX, err);
}

int app_update(const struct app *app, const struct actor *actor, enum app_kind k, int64_t id,
	       const void *in, struct cmd *c, struct buf *err)
{
	int rc = record_write_start(actor, k, false, id, c, err);

	(void)app;
	return rc ? rc : record_writes[k].edit(in, id, c, err);
}

int app_set_active(const struct app *app, const struct actor *actor, enum app_kind k, int64_t id,
		   bool active, struct cmd *c, struct buf *err)
{
	int rc = record_write_start(actor, k, true, id, c, err);

	(void)app;
	if (rc)
		return rc;
	c->u.active.kind = record_writes[k].active_kind;
	c->u.active.id = id;
	c->u.active.active = active;
	return 0;
}

bool app_write_shows(enum cmd_type t, enum app_kind *k)
{
	static const int kinds[CMD__COUNT] = {
	    [CMD_CLIENT_CREATE] = APP_CLIENT + 1, [CMD_SERVICE_CREATE] = APP_SERVICE + 1,
	    [CMD_ENGAGEMENT_CREATE] = APP_ENGAGEMENT + 1, [CMD_USER_CREATE] = APP_USER + 1,
	    [CMD_WORKER_CREATE] = APP_WORKER + 1, [CMD_WORKER_STATUS] = APP_WORKER + 1,
	    [CMD_CLIENT_UPDATE] = APP_CLIENT + 1, [CMD_SERVICE_UPDATE] = APP_SERVICE + 1,
	    [CMD_ENGAGEMENT_UPDATE] = APP_ENGAGEMENT + 1, [CMD_USER_UPDATE] = APP_USER + 1,
	    [CMD_WORKER_UPDATE] = APP_WORKER + 1,
	};

	if ((unsigned)t >= CMD__COUNT || !kinds[t])
		return false;
	*k = (enum app_kind)(kinds[t] - 1);
	return true;
}

bool app_cmd_shows(const struct cmd *c, enum app_kind *k)
{
	static const enum app_kind of_active[] = {
	    [ACTIVE_USER] = APP_USER,
	    [ACTIVE_WORKER] = APP_WORKER,
	    [ACTIVE_CLIENT] = APP_CLIENT,
	    [ACTIVE_ENGAGEMENT] = APP_ENGAGEMENT,
	};

	if (c->type != CMD_RECORD_ACTIVE)
		return app_write_shows(c->type, k);
	if ((unsigned)c->u.active.kind > ACTIVE_ENGAGEMENT)
		return false;
	*k = of_active[c->u.active.kind];
	return true;
}
