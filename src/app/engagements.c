/* engagements.c - engagement use cases: the input rules of a contract, and who reads which. */
#include "app/engagements.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/err.h"

/* The service named by id or code, exactly one of them. OUT: *id, *kind (BPO when unknown). */
static int service_of(const struct app *app, const struct engagement_in *in, int64_t *id,
		      enum service_kind *kind, struct buf *err)
{
	struct service_rec sv;
	int rc;

	*kind = KIND_BPO;
	if (!!in->service_id == !!in->service_code)
		return buf_error(err, ERR_INVALID, "give exactly one of service_id and service_code");
	if (!in->service_code) {
		*id = in->service_id;
		if ((rc = app_in_range("service_id", in->service_id, 1, INT64_MAX, err)))
			return rc;
		/* Only for the default lease: a missing service is the engine's answer. */
		rc = store_service_get(app->store, in->service_id, &sv);
		if (!rc)
			*kind = sv.kind;
		return rc && rc != ERR_NOTFOUND ? app_store_end(app, NULL, rc, err) : 0;
	}
	if (strlen(in->service_code) >= MODEL_CODE_MAX)
		return buf_error(err, ERR_INVALID, "service_code is too long");
	rc = store_service_by_code(app->store, in->service_code, &sv);
	if (rc == ERR_NOTFOUND)
		return buf_error(err, rc, "no service with this code");
	if (rc)
		return app_store_end(app, NULL, rc, err);
	*id = sv.id;
	*kind = sv.kind;
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

/* A duration in whole seconds into *ms: on create with its default, on an edit if given. */
static int seconds(const char *field, double v, double dflt, int64_t max, bool create,
		   unsigned bit, int64_t *ms, unsigned *fields, struct buf *err)
{
	int64_t s;
	int rc;

	if (!create && isnan(v))
		return 0;
	if ((rc = app_in_whole(field, v, create ? dflt : APP_ABSENT, 1, max, &s, err)))
		return rc;
	*ms = s * 1000;
	*fields |= bit;
	return 0;
}

/* The sensitive fields: names non-empty, bounded and unique; a mask each. */
static int sensitive_of(const struct engagement_in *in, struct engagement_rec *e, struct buf *err)
{
	char name[48];
	int rc;

	if (in->n_sensitive > MODEL_MAX_SENSITIVE)
		return buf_error(err, ERR_INVALID, "sensitive holds more than %d fields",
				 MODEL_MAX_SENSITIVE);
	for (size_t i = 0; i < in->n_sensitive; i++) {
		struct sensitive_field *f = &e->sensitive[i];

		snprintf(name, sizeof(name), "sensitive[%zu].field", i);
		if ((rc = app_in_str(name, in->sensitive[i].field, f->field, sizeof(f->field), true,
				     err)))
			return rc;
		if (mask_parse(in->sensitive[i].mask, &f->mask))
			return buf_error(err, ERR_INVALID,
					 "sensitive[%zu].mask must be last4, initials or hidden", i);
		for (size_t k = 0; k < i; k++)
			if (!strcmp(e->sensitive[k].field, f->field))
				return buf_error(err, ERR_INVALID, "sensitive names '%s' twice",
						 f->field);
	}
	e->n_sensitive = in->n_sensitive;
	return 0;
}

/* The wall: up to MODEL_MAX_WALL client ids, each once, and a window of whole days. */
static int wall_of(const struct engagement_in *in, struct engagement_rec *e, struct buf *err)
{
	int64_t days = 0;
	int rc;

	e->n_wall = 0;
	e->wall_days = 0;
	if (in->n_wall > MODEL_MAX_WALL)
		return buf_error(err, ERR_INVALID, "wall.clients holds more than %d clients",
				 MODEL_MAX_WALL);
	for (size_t i = 0; i < in->n_wall; i++) {
		if (in->wall[i] < 1)
			return buf_error(err, ERR_INVALID, "wall.clients[%zu] must be a client id", i);
		for (size_t k = 0; k < i; k++)
			if (in->wall[k] == in->wall[i])
				return buf_error(err, ERR_INVALID, "wall.clients names %lld twice",
						 (long long)in->wall[i]);
		e->wall[i] = in->wall[i];
	}
	if (in->n_wall &&
	    (rc = app_in_whole("wall.days", in->wall_days, APP_ABSENT, 1, MODEL_WALL_MAX_DAYS,
			       &days, err)))
		return rc;
	e->n_wall = in->n_wall;
	e->wall_days = (int)days;
	return 0;
}

/* The declared item types: bounded codes, each once (the rate card prices them by name). */
static int item_types_of(const struct engagement_in *in, struct engagement_rec *e,
			 struct buf *err)
{
	e->n_item_types = 0;
	if (in->n_item_types > MODEL_MAX_ITEM_TYPES)
		return buf_error(err, ERR_INVALID, "item_types holds more than %d types",
				 MODEL_MAX_ITEM_TYPES);
	for (size_t i = 0; i < in->n_item_types; i++) {
		const char *t = in->item_types[i];
		size_t len = t ? strlen(t) : 0;

		if (!len || len >= MODEL_ITEM_TYPE_MAX || strspn(t, "abcdefghijklmnopqrstuvwxyz"
							  "0123456789_") != len)
			return buf_error(err, ERR_INVALID,
					 "item_types[%zu] must be 1..%d of a-z, 0-9 and _", i,
					 MODEL_ITEM_TYPE_MAX - 1);
		for (size_t k = 0; k < i; k++)
			if (!strcmp(in->item_types[k], t))
				return buf_error(err, ERR_INVALID, "item_types names %s twice", t);
		memcpy(e->item_types[i], t, len + 1);
	}
	e->n_item_types = in->n_item_types;
	return 0;
}

/* The confidentiality fields of an engagement: sensitive, retention_days, wall. */
static int privacy_fields(const struct engagement_in *in, bool create, struct engagement_rec *e,
			  unsigned *fields, struct buf *err)
{
	int64_t days;
	int rc;

	if (create || in->has_sensitive) {
		if ((rc = sensitive_of(in, e, err)))
			return rc;
		*fields |= UPD_SENSITIVE;
	}
	if (create || !isnan(in->retention_days)) {
		if ((rc = app_in_whole("retention_days", in->retention_days, create ? 0 : APP_ABSENT,
				       0, MODEL_RETENTION_MAX_DAYS, &days, err)))
			return rc;
		e->retention_days = (int)days;
		*fields |= UPD_RETENTION;
	}
	if (create || in->has_wall) {
		if ((rc = wall_of(in, e, err)))
			return rc;
		*fields |= UPD_WALL;
	}
	if (create || in->has_item_types) {
		if ((rc = item_types_of(in, e, err)))
			return rc;
		*fields |= UPD_ITEM_TYPES;
	}
	return 0;
}

/*
 * The fields of an engagement as given into e: all on create (defaults for
 * the kind), those given on an edit (*fields). Its client and service are
 * the contract's and cannot change.
 */
static int engagement_fields(const struct engagement_in *in, bool create, enum service_kind kind,
			     struct engagement_rec *e, unsigned *fields, struct buf *err)
{
	double lease_dflt = kind == KIND_KPO ? ENGAGEMENT_LEASE_KPO_S : ENGAGEMENT_LEASE_BPO_S;
	int64_t prio;
	int rc;

	*fields = 0;
	if (!create && (in->client_id || in->service_id || in->service_code))
		return buf_error(err, ERR_INVALID, "%s cannot be changed: make a new engagement",
				 in->client_id ? "client_id" : "the service");
	if ((create || in->name) &&
	    (rc = app_in_str("name", in->name, e->name, sizeof(e->name), true, err)))
		return rc;
	if (in->name)
		*fields |= UPD_NAME;
	if (create || in->has_skills) {
		if ((rc = app_in_levels("required_skills", in->skills, in->n_skills, true, e->skills,
					MODEL_MAX_SKILLS, &e->n_skills, err)))
			return rc;
		*fields |= UPD_SKILLS;
	}
	if (create || in->has_langs) {
		if ((rc = app_in_levels("required_languages", in->langs, in->n_langs, false,
					e->langs, MODEL_MAX_LANGS, &e->n_langs, err)))
			return rc;
		*fields |= UPD_LANGS;
	}
	if ((rc = seconds("sla_seconds", in->sla_s, APP_ABSENT, ENGAGEMENT_SLA_MAX_S, create,
			  UPD_SLA, &e->sla_ms, fields, err)) ||
	    (rc = seconds("lease_seconds", in->lease_s, lease_dflt, ENGAGEMENT_LEASE_MAX_S, create,
			  UPD_LEASE, &e->lease_ms, fields, err)))
		return rc;
	/* Absent on create: 0, and the engine makes it ENGAGEMENT_LEASE_MAX_FACTOR x the lease. */
	if (!isnan(in->lease_max_s) &&
	    (rc = seconds("lease_max_seconds", in->lease_max_s, APP_ABSENT,
			  ENGAGEMENT_LEASE_TOTAL_MAX_S, false, UPD_LEASE_MAX, &e->lease_max_ms,
			  fields, err)))
		return rc;
	if (create && !e->lease_max_ms)
		e->lease_max_ms = ENGAGEMENT_LEASE_MAX_FACTOR * e->lease_ms;
	if ((*fields & UPD_LEASE_MAX) && (*fields & UPD_LEASE || create) &&
	    e->lease_max_ms < e->lease_ms)
		return buf_error(err, ERR_INVALID, "lease_max_seconds must be at least lease_seconds");
	if (create || !isnan(in->priority)) {
		if ((rc = app_in_whole("default_priority", in->priority, create ? 5 : APP_ABSENT, 1,
				       9, &prio, err)))
			return rc;
		e->default_priority = (int)prio;
		*fields |= UPD_PRIORITY;
	}
	if (!create && in->time_zone) {
		if ((rc = app_in_tz("time_zone", in->time_zone, NULL, e->time_zone, err)))
			return rc;
		*fields |= UPD_TZ;
	}
	return privacy_fields(in, create, e, fields, err);
}

int app_engagement_create(const struct app *app, const struct actor *actor,
			  const struct engagement_in *in, struct cmd *c, struct buf *err)
{
	struct engagement_rec *e = &c->u.engagement;
	enum service_kind kind;
	unsigned fields;
	int rc;

	if ((rc = app_write_start(actor, POL_ENGAGEMENT_CREATE, CMD_ENGAGEMENT_CREATE, c, err)) ||
	    (rc = app_in_range("client_id", in->client_id, 1, INT64_MAX, err)) ||
	    (rc = service_of(app, in, &e->service_id, &kind, err)) ||
	    (rc = engagement_fields(in, true, kind, e, &fields, err)) ||
	    (rc = zone_of(app, in, e->time_zone, err)))
		return rc;
	e->client_id = in->client_id;
	return 0;
}

int app_engagement_edit(const void *in, int64_t id, struct cmd *c, struct buf *err)
{
	c->u.upd.r.engagement.id = id;
	return engagement_fields(in, false, KIND_BPO, &c->u.upd.r.engagement, &c->u.upd.fields,
				 err);
}

int app_walled(const struct app *app, const struct actor *actor, const struct engagement_rec *e,
	       bool *walled)
{
	int64_t now = app_now_ms(app), window = (int64_t)e->wall_days * 86400 * 1000, at;
	int rc;

	*walled = false;
	if (actor->role != ROLE_WORKER || !actor->worker_id || e->wall_days <= 0)
		return 0;
	for (size_t i = 0; i < e->n_wall && i < MODEL_MAX_WALL; i++) {
		if ((rc = store_worked_last(app->store, actor->worker_id, e->wall[i], &at)))
			return rc;
		if (at && now - at < window) {
			*walled = true;
			return 0;
		}
	}
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
		if (!rc)
			policy_scope_worker(&sc, w, app_now_ms(app));
		if (!rc)
			rc = app_walled(app, actor, e, &sc.walled);
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

