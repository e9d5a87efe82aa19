/* engagements.c - engagement use cases: the input rules of a contract, and who reads which. */
#include "app/engagements.h"

#include <stdlib.h>
#include <string.h>

#include "util/err.h"

/* The service named by id or code, exactly one of them. OUT: *id. */
static int service_of(const struct app *app, const struct engagement_in *in, int64_t *id,
		      struct buf *err)
{
	struct service_rec sv;
	int rc;

	if (!!in->service_id == !!in->service_code)
		return buf_error(err, ERR_INVALID, "give exactly one of service_id and service_code");
	if (!in->service_code) {
		*id = in->service_id;
		return app_in_range("service_id", in->service_id, 1, INT64_MAX, err);
	}
	if (strlen(in->service_code) >= MODEL_CODE_MAX)
		return buf_error(err, ERR_INVALID, "service_code is too long");
	rc = store_service_by_code(app->store, in->service_code, &sv);
	if (rc == ERR_NOTFOUND)
		return buf_error(err, rc, "no service with this code");
	if (rc)
		return app_store_end(app, NULL, rc, err);
	*id = sv.id;
	return 0;
}

/* The engagement's zone: as given, or its client's. */
static int zone_of(const struct app *app, const struct engagement_in *in, char *out,
		   struct buf *err)
{
	struct client_rec cl;
	int rc;

	if (in->time_zone)
		return app_in_tz("time_zone", in->time_zone, NULL, out, err);
	rc = store_client_get(app->store, in->client_id, &cl);
	if (rc == ERR_NOTFOUND)
		return buf_error(err, rc, "no client %lld", (long long)in->client_id);
	if (rc)
		return app_store_end(app, NULL, rc, err);
	return app_in_tz("time_zone", cl.time_zone, NULL, out, err);
}

int app_engagement_create(const struct app *app, const struct actor *actor,
			  const struct engagement_in *in, struct cmd *c, struct buf *err)
{
	struct engagement_rec *e = &c->u.engagement;
	int64_t sla, prio, lease;
	int rc;

	if ((rc = app_write_start(actor, POL_ENGAGEMENT_CREATE, CMD_ENGAGEMENT_CREATE, c, err)) ||
	    (rc = app_in_range("client_id", in->client_id, 1, INT64_MAX, err)) ||
	    (rc = app_in_str("name", in->name, e->name, sizeof(e->name), true, err)) ||
	    (rc = app_in_levels("required_skills", in->skills, in->n_skills, true, e->skills,
				MODEL_MAX_SKILLS, &e->n_skills, err)) ||
	    (rc = app_in_levels("required_languages", in->langs, in->n_langs, false, e->langs,
				MODEL_MAX_LANGS, &e->n_langs, err)) ||
	    (rc = app_in_whole("sla_seconds", in->sla_s, APP_ABSENT, 1, ENGAGEMENT_SLA_MAX_S, &sla,
			       err)) ||
	    (rc = app_in_whole("default_priority", in->priority, 5, 1, 9, &prio, err)) ||
	    (rc = app_in_whole("lease_seconds", in->lease_s, 1800, 1, ENGAGEMENT_LEASE_MAX_S,
			       &lease, err)) ||
	    (rc = service_of(app, in, &e->service_id, err)) ||
	    (rc = zone_of(app, in, e->time_zone, err)))
		return rc;
	e->client_id = in->client_id;
	e->sla_ms = sla * 1000;
	e->default_priority = (int)prio;
	e->lease_ms = lease * 1000;
	return 0;
}

/* What the policy needs of e for this actor: a worker's clearances come from its store record. */
static int engagement_allow(const struct app *app, const struct actor *actor,
			    const struct engagement_rec *e, struct buf *err)
{
	struct policy_scope sc = {.client_id = e->client_id, .kpo = e->kind == KIND_KPO};
	struct worker_rec *w = NULL;
	int rc = 0;

	if (actor->role == ROLE_WORKER && actor->worker_id &&
	    policy_rule_of(actor->role, POL_ENGAGEMENT_READ) == RULE_CLEARED) {
		if (!(w = malloc(sizeof(*w))))
			return buf_error(err, ERR_NOMEM, "out of memory");
		rc = store_worker_get(app->store, actor->worker_id, w);
		if (!rc) {
			sc.clear = w->clear;
			sc.n_clear = w->n_clear;
		}
	}
	if (!rc || rc == ERR_NOTFOUND) /* no worker record: no clearances */
		rc = app_allow(actor, POL_ENGAGEMENT_READ, &sc, err);
	else
		rc = app_store_end(app, NULL, rc, err);
	free(w);
	return rc;
}

int app_engagement_get(const struct app *app, const struct actor *actor, int64_t id,
		       struct engagement_rec *out, struct buf *err)
{
	int rc = app_allow(actor, POL_ENGAGEMENT_READ, NULL, err);

	if (rc)
		return rc;
	rc = store_engagement_get(app->store, id, out);
	if (rc)
		return rc == ERR_NOTFOUND ? rc : app_store_end(app, NULL, rc, err);
	return engagement_allow(app, actor, out, err);
}

