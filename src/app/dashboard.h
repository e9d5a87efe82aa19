/* dashboard.h - the operations dashboard as an actor may see it: the engine's snapshot, narrowed. */
#ifndef ALIHDAYA_APP_DASHBOARD_H
#define ALIHDAYA_APP_DASHBOARD_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "engine/engine.h"
#include "sec/auth.h"
#include "util/buf.h"

/*
 * dashboard.read (docs/api.md "Dashboard"): staff and auditors see every
 * engagement and the workers; a client user its own client's engagements
 * and no worker at all (names, loads and the floor's counts are the
 * provider's); a worker nothing (403). The figures are the engine's
 * snapshot (engine.h, struct dash_snapshot), shared, never copied.
 */
struct dashboard_view {
	const struct dash_snapshot *snap; /* referenced: dashboard_view_release() */
	struct engine *engine;
	int64_t client_id; /* 0: every engagement; else only this client's */
	bool workers;	   /* the workers are shown */
};

#define DASHBOARD_VIEW_INIT                                                                        \
	{                                                                                          \
		NULL, NULL, 0, false                                                               \
	}

/*
 * The dashboard for actor. fresh: as of every command answered before the
 * call (engine_dash_get). ERR_FORBIDDEN for a worker; ERR_BUSY when
 * there is no engine or no snapshot. OUT: *out (release it, also on error).
 */
int app_dashboard_get(const struct app *app, const struct actor *actor, bool fresh,
		      struct dashboard_view *out, struct buf *err);
/* May actor read the dashboard at all (its role)? 0, or the refusal with its line. */
int app_dashboard_allowed(const struct actor *actor, struct buf *err);
/* True if the view shows engagement d. */
bool dashboard_view_shows(const struct dashboard_view *v, const struct dash_engagement *d);
void dashboard_view_release(struct dashboard_view *v);

#endif
