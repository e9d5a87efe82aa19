/* dashboard.c - the JSON of the operations dashboard (docs/api.md "Dashboard"). */
#include "wire/dashboard.h"

#include "util/clock.h"

static json_t *time_json(int64_t ms)
{
	char t[40];

	clock_format_ms(ms, t, sizeof(t));
	return json_string(t);
}

static json_t *oldest_json(const struct dash_snapshot *s, const struct dash_open *o)
{
	int64_t age = s->at - o->oldest_created;

	if (!o->oldest_id)
		return json_null();
	return json_pack("{s:I, s:o, s:I}", "item_id", (json_int_t)o->oldest_id, "created_at",
			 time_json(o->oldest_created), "age_seconds",
			 (json_int_t)(age > 0 ? age / 1000 : 0));
}

static json_t *engagement_json(const struct dash_snapshot *s, const struct dash_engagement *d)
{
	const struct dash_open *o = &d->open;

	return json_pack(
	    "{s:I, s:I, s:s, s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:o, s:I, s:{s:I, s:I}, "
	    "s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
	    "id", (json_int_t)d->id, "client_id", (json_int_t)d->client_id, "name", d->name, "kind",
	    service_kind_name(d->kind), "active", d->active, "sla_seconds",
	    (json_int_t)(d->sla_ms / 1000), "queue_depth", (json_int_t)o->queued, "assigned",
	    (json_int_t)o->assigned, "submitted", (json_int_t)o->submitted, "in_review",
	    (json_int_t)o->in_review, "open",
	    (json_int_t)(o->queued + o->assigned + o->submitted + o->in_review), "oldest_waiting",
	    oldest_json(s, o), "due_next_hour", (json_int_t)o->due_next_hour, "breaches", "open",
	    (json_int_t)o->breached, "done_late_today", (json_int_t)d->done_late_today,
	    "done_today", (json_int_t)d->done_today, "throughput_hour", (json_int_t)d->done_hour,
	    "done_total", (json_int_t)d->done_total, "assignments_total",
	    (json_int_t)d->assigned_total, "leases_expired_total",
	    (json_int_t)d->leases_expired_total, "offers_expired_total",
	    (json_int_t)d->offers_expired_total, "workers_busy", (json_int_t)d->workers_busy);
}

static json_t *workers_json(const struct dash_snapshot *s)
{
	json_t *list = json_array(), *w;

	for (size_t i = 0; list && i < s->n_workers; i++) {
		const struct dash_worker *x = &s->workers[i];

		w = json_pack("{s:I, s:s, s:s, s:i, s:i}", "id", (json_int_t)x->id, "name", x->name,
			      "status", worker_status_name(x->status), "load", x->load, "capacity",
			      x->capacity);
		if (json_array_append_new(list, w)) {
			json_decref(list);
			return NULL;
		}
	}
	if (!list)
		return NULL;
	return json_pack("{s:I, s:I, s:I, s:I, s:o, s:b}", "available",
			 (json_int_t)s->workers_available, "busy", (json_int_t)s->workers_busy,
			 "away", (json_int_t)s->workers_away, "offline",
			 (json_int_t)s->workers_offline, "list", list, "truncated",
			 s->workers_truncated);
}

json_t *wire_dashboard(const struct dashboard_view *v)
{
	const struct dash_snapshot *s = v->snap;
	json_t *o, *a = json_array();

	for (size_t i = 0; a && i < s->n_eng; i++)
		if (dashboard_view_shows(v, &s->eng[i]) &&
		    json_array_append_new(a, engagement_json(s, &s->eng[i]))) {
			json_decref(a);
			return NULL;
		}
	if (!a)
		return NULL;
	o = json_pack("{s:o, s:I, s:o}", "at", time_json(s->at), "version",
		      (json_int_t)s->version, "engagements", a);
	if (o && v->workers && json_object_set_new(o, "workers", workers_json(s))) {
		json_decref(o);
		return NULL;
	}
	return o;
}
