/* wire.c - the wire JSON of every record, one renderer each; pages; store reads rendered. */
#include "wire/wire.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/item.h"
#include "sec/audit.h"
#include "util/clock.h"
#include "util/err.h"

/* ================================================================
 * JSON shapes
 * ================================================================ */

static json_t *time_json(int64_t ms)
{
	char t[40];

	clock_format_ms(ms, t, sizeof(t));
	return json_string(t);
}

/* An id that is 0 when absent: null on the wire. */
static json_t *id_or_null(int64_t id)
{
	return id ? json_integer(id) : json_null();
}

static json_t *str_json(const char *s, size_t max)
{
	return json_stringn(s, strnlen(s, max));
}

static json_t *skills_json(const struct skill_level *sk, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n; i++) {
		if (json_array_append_new(a, json_pack("{s:o, s:i}", "code",
						       str_json(sk[i].code, MODEL_CODE_MAX),
						       "level", sk[i].level))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

json_t *wire_client(const struct client_rec *c)
{
	return json_pack("{s:I, s:o, s:o, s:o, s:o, s:b}", "id", (json_int_t)c->id, "code",
			 str_json(c->code, MODEL_CODE_MAX), "name",
			 str_json(c->name, MODEL_NAME_MAX), "time_zone",
			 str_json(c->time_zone, MODEL_TZ_MAX), "created_at",
			 time_json(c->created_at), "active", c->active);
}

json_t *wire_service(const struct service_rec *sv)
{
	return json_pack("{s:I, s:o, s:o, s:s, s:o, s:o}", "id", (json_int_t)sv->id, "code",
			 str_json(sv->code, MODEL_CODE_MAX), "name",
			 str_json(sv->name, MODEL_NAME_MAX), "kind", service_kind_name(sv->kind),
			 "category", str_json(sv->category, MODEL_CODE_MAX), "created_at",
			 time_json(sv->created_at));
}

/* An engagement's sensitive fields: [{"field", "mask"}]. */
static json_t *sensitive_json(const struct engagement_rec *e)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < e->n_sensitive && i < MODEL_MAX_SENSITIVE; i++) {
		if (json_array_append_new(
			a, json_pack("{s:o, s:s}", "field",
				     str_json(e->sensitive[i].field, MODEL_CODE_MAX), "mask",
				     mask_name(e->sensitive[i].mask)))) {
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

/* The ethical wall: {"clients": [ids], "days": N}, or null for none. */
static json_t *wall_json(const struct engagement_rec *e)
{
	json_t *a;

	if (!e->n_wall || e->wall_days <= 0)
		return json_null();
	a = json_array();
	for (size_t i = 0; a && i < e->n_wall && i < MODEL_MAX_WALL; i++)
		json_array_append_new(a, json_integer(e->wall[i]));
	return a ? json_pack("{s:o, s:i}", "clients", a, "days", e->wall_days) : NULL;
}

json_t *wire_engagement(const struct engagement_rec *e)
{
	json_t *o = json_pack(
	    "{s:I, s:I, s:I, s:o, s:s, s:o*, s:o*, s:I, s:i, s:I, s:I, s:o, s:o, s:b, s:o*, s:i, "
	    "s:o*}",
	    "id",
	    (json_int_t)e->id, "client_id", (json_int_t)e->client_id, "service_id",
	    (json_int_t)e->service_id, "name", str_json(e->name, MODEL_NAME_MAX), "kind",
	    service_kind_name(e->kind), "required_skills", skills_json(e->skills, e->n_skills),
	    "required_languages", skills_json(e->langs, e->n_langs), "sla_seconds",
	    (json_int_t)(e->sla_ms / 1000), "default_priority", e->default_priority,
	    "lease_seconds", (json_int_t)(e->lease_ms / 1000), "lease_max_seconds",
	    (json_int_t)(e->lease_max_ms / 1000), "time_zone", str_json(e->time_zone, MODEL_TZ_MAX),
	    "created_at", time_json(e->created_at), "active", e->active, "sensitive",
	    sensitive_json(e), "retention_days", e->retention_days, "wall", wall_json(e));
	if (o) {
		json_t *types = json_array();

		for (size_t i = 0; types && i < e->n_item_types && i < MODEL_MAX_ITEM_TYPES; i++)
			json_array_append_new(types, json_string(e->item_types[i]));
		json_object_set_new(o, "item_types", types ? types : json_null());
	}
	return o;
}

json_t *wire_user(const struct user_rec *u)
{
	return json_pack("{s:I, s:o, s:s, s:o, s:o, s:b}", "id", (json_int_t)u->id, "name",
			 str_json(u->name, MODEL_CODE_MAX), "role", role_name(u->role), "client_id",
			 id_or_null(u->client_id), "created_at", time_json(u->created_at), "active",
			 u->active);
}

/*
 * One clearance: its client id as before, or, when it has an expiry or terms,
 * {client_id, expires_at?, nda_ref?, unmasked?} as it was given.
 */
static json_t *clearance_json(const struct worker_rec *w, size_t i)
{
	const struct clear_terms *t = worker_terms(w, w->clear[i]);
	json_t *o, *um;

	if (!t && !w->clear_until[i])
		return json_integer(w->clear[i]);
	if (!(o = json_pack("{s:I}", "client_id", (json_int_t)w->clear[i])))
		return NULL;
	if (w->clear_until[i])
		json_object_set_new(o, "expires_at", time_json(w->clear_until[i]));
	if (t && t->nda_ref[0])
		json_object_set_new(o, "nda_ref", str_json(t->nda_ref, MODEL_CODE_MAX));
	if (t && t->n_unmasked) {
		um = json_array();
		for (size_t k = 0; um && k < t->n_unmasked; k++)
			json_array_append_new(um, str_json(t->unmasked[k], MODEL_CODE_MAX));
		json_object_set_new(o, "unmasked", um);
	}
	return o;
}

json_t *wire_worker(const struct worker_rec *w)
{
	json_t *creds = json_array(), *clear = json_array();

	for (size_t i = 0; creds && i < w->n_creds; i++)
		json_array_append_new(creds, str_json(w->creds[i], MODEL_CODE_MAX));
	for (size_t i = 0; clear && i < w->n_clear; i++)
		json_array_append_new(clear, clearance_json(w, i));
	return json_pack(
	    "{s:I, s:I, s:o, s:o*, s:o*, s:o*, s:o, s:o, s:i, "
	    "s:{s:I, s:o}, s:o*, s:s, s:o, s:b}",
	    "id", (json_int_t)w->id, "user_id", (json_int_t)w->user_id, "name",
	    str_json(w->name, MODEL_NAME_MAX), "skills", skills_json(w->skills, w->n_skills),
	    "languages", skills_json(w->langs, w->n_langs), "credentials", creds, "country",
	    str_json(w->country, MODEL_CODE_MAX), "time_zone", str_json(w->time_zone, MODEL_TZ_MAX),
	    "capacity", w->capacity, "cost_per_hour", "amount_minor", (json_int_t)w->cost_minor,
	    "currency", str_json(w->currency, sizeof(w->currency)), "clearances", clear, "status",
	    worker_status_name(w->status), "created_at", time_json(w->created_at), "active",
	    w->active);
}

static json_t *text_json(const char *t)
{
	json_error_t e;

	if (!t)
		return json_null();
	return json_loads(t, JSON_DECODE_ANY, &e);
}

json_t *wire_item(const struct item_rec *it, bool with_payload)
{
	json_t *o, *lease;

	if (it->state == ITEM_ASSIGNED)
		lease = json_pack("{s:o, s:o}", "worker_id", id_or_null(it->worker_id),
				  "expires_at", time_json(it->lease_expires));
	else
		lease = json_null();
	o = json_pack("{s:I, s:I, s:I, s:o, s:i, s:s, s:o, s:o, s:I, s:o*}", "id",
		      (json_int_t)it->id, "engagement_id", (json_int_t)it->engagement_id,
		      "client_id", (json_int_t)it->client_id, "external_ref",
		      it->external_ref[0] ? str_json(it->external_ref, MODEL_REF_MAX) : json_null(),
		      "priority", it->priority, "state", item_state_name(it->state), "created_at",
		      time_json(it->created_at), "due_at", time_json(it->due_at), "epoch",
		      (json_int_t)it->epoch, "lease", lease);
	/* its item type (issue 12): "default" unless the engagement declared another */
	if (o && json_object_set_new(o, "type", json_string(it->type[0] ? it->type : "default"))) {
		json_decref(o);
		return NULL;
	}
	/* json_object_set_new steals the value even when it fails. */
	if (o && with_payload &&
	    (json_object_set_new(o, "payload", text_json(it->payload)) ||
	     json_object_set_new(o, "result", text_json(it->result)))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *wire_event(const struct event_rec *ev)
{
	bool no_from = !strcmp(ev->action, "create") || ev->from_state >= ITEM_STATE__COUNT;
	json_t *d = text_json(ev->detail);

	if (!d)
		return NULL;
	return json_pack("{s:I, s:o, s:o, s:o, s:s, s:o, s:o, s:I, s:o}", "id", (json_int_t)ev->id,
			 "at", time_json(ev->at), "action", str_json(ev->action, MODEL_CODE_MAX),
			 "from", no_from ? json_null() : json_string(item_state_name(ev->from_state)),
			 "to", item_state_name(ev->to_state), "actor_user_id",
			 id_or_null(ev->actor_user_id), "worker_id", id_or_null(ev->worker_id),
			 "epoch", (json_int_t)ev->epoch, "detail", d);
}

/* Appends v (stolen) to the array ctx. */
/* A walk's callback body: appends one rendered record (stolen) to the array ctx. */
static int page_add(void *ctx, json_t *v)
{
	return v && !json_array_append_new(ctx, v) ? 0 : ERR_NOMEM;
}

int wire_item_add(void *ctx, const struct item_rec *it)
{
	return page_add(ctx, wire_item(it, false));
}

int wire_event_add(void *ctx, const struct event_rec *ev)
{
	json_t *v = wire_event(ev);

	if (!v)
		return ev->detail ? ERR_IO : ERR_NOMEM;
	return page_add(ctx, v);
}

json_t *wire_audit(const struct audit_rec *a)
{
	char prev[65], hash[65];
	/* An edit's before and after; a text that is not JSON is shown as the text it is. */
	json_t *d = a->detail ? text_json(a->detail) : json_null();

	if (!d)
		d = json_string(a->detail);
	audit_hex(a->prev_hash, prev);
	audit_hex(a->hash, hash);
	return json_pack("{s:I, s:o, s:o, s:o, s:o, s:I, s:o, s:s, s:s, s:o*}", "seq", (json_int_t)a->seq,
			 "at", time_json(a->at), "actor_user_id", id_or_null(a->actor_user_id),
			 "action", str_json(a->action, MODEL_CODE_MAX), "record_type",
			 str_json(a->record_type, MODEL_CODE_MAX), "record_id",
			 (json_int_t)a->record_id, "client_id", id_or_null(a->client_id),
			 "prev_hash", prev, "hash", hash, "detail", d);
}

#define NAMES_KEPT 16

int wire_audit_names(json_t *events, wire_name_fn name, void *ctx)
{
	int64_t kept_id[NAMES_KEPT];
	char kept[NAMES_KEPT][MODEL_CODE_MAX]; /* "": none */
	unsigned n_kept = 0;
	json_t *ev;
	size_t i;

	json_array_foreach(events, i, ev)
	{
		json_int_t id = json_integer_value(json_object_get(ev, "actor_user_id"));
		char one[MODEL_CODE_MAX] = "", *nm = one;
		int rc = 0;

		for (unsigned k = 0; k < n_kept; k++)
			if (kept_id[k] == id)
				nm = kept[k];
		if (nm == one && id > 0) {
			if (n_kept < NAMES_KEPT) {
				kept_id[n_kept] = id;
				nm = kept[n_kept++];
				nm[0] = '\0';
			}
			rc = name(ctx, id, nm);
			if (rc == ERR_NOTFOUND) {
				nm[0] = '\0';
				rc = 0;
			}
		}
		if (rc)
			return rc;
		if (json_object_set_new(ev, "actor_name", nm[0] ? json_string(nm) : json_null()))
			return ERR_NOMEM;
	}
	return 0;
}

json_t *wire_page(json_t *data, int64_t next_after)
{
	char cursor[24];

	if (!data)
		return NULL;
	/* The cursor is a string on the wire: clients must not do arithmetic on it. */
	snprintf(cursor, sizeof(cursor), "%lld", (long long)next_after);
	return json_pack("{s:o, s:o}", "data", data, "next_cursor",
			 next_after ? json_string(cursor) : json_null());
}

json_t *wire_rec(const struct app_rec *r)
{
	switch (r->kind) {
	case APP_CLIENT: return wire_client(r->u.client);
	case APP_SERVICE: return wire_service(r->u.service);
	case APP_ENGAGEMENT: return wire_engagement(r->u.engagement);
	case APP_USER: return wire_user(r->u.user);
	case APP_WORKER: return wire_worker(r->u.worker);
	case APP_AUDIT: return wire_audit(r->u.audit);
	}
	return NULL;
}

/* ================================================================
 * Pages: walk callbacks that append rendered records
 * ================================================================ */

int wire_rec_add(void *ctx, const struct app_rec *r)
{
	return page_add(ctx, wire_rec(r));
}

