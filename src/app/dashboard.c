/* dashboard.c - the operations dashboard's use case: the engine's snapshot as the actor may see it. */
#include "app/dashboard.h"

#include "app/records.h"
#include "util/err.h"

int app_dashboard_allowed(const struct actor *actor, struct buf *err)
{
	return app_allow(actor, POL_DASHBOARD_READ, NULL, err);
}

int app_dashboard_get(const struct app *app, const struct actor *actor, bool fresh,
		      struct dashboard_view *out, struct buf *err)
{
	int64_t client_id = 0, worker_id = 0;
	int rc;

	*out = (struct dashboard_view)DASHBOARD_VIEW_INIT;
	if ((rc = app_dashboard_allowed(actor, err)))
		return rc;
	/* The list's narrowing is the policy's: a client user's own client, or everything. */
	if ((rc = policy_list_filter(actor, POL_DASHBOARD_READ, &client_id, &worker_id)))
		return buf_error(err, rc, "%s", err_message(rc));
	if (!app->engine)
		return buf_error(err, ERR_BUSY, "the dashboard needs the server's engine");
	out->engine = app->engine;
	out->client_id = client_id;
	out->workers = client_id == 0 && worker_id == 0;
	out->snap = engine_dash_get(app->engine, fresh);
	if (!out->snap)
		return buf_error(err, ERR_BUSY, "the dashboard's figures are not ready; retry");
	return 0;
}

bool dashboard_view_shows(const struct dashboard_view *v, const struct dash_engagement *d)
{
	return !v->client_id || d->client_id == v->client_id;
}

void dashboard_view_release(struct dashboard_view *v)
{
	if (v->snap)
		engine_dash_put(v->engine, v->snap);
	v->snap = NULL;
}
