/* h_dashboard.c - the operations dashboard over HTTP: its figures, their event stream, /metrics. */
#include "app/dashboard.h"
#include "http/http_int.h"
#include "util/err.h"
#include "wire/dashboard.h"

/* The most engagements /metrics labels (the lowest ids): a bound on its series. */
#define DASH_METRICS_MAX 1000

/*
 * GET /v1/dashboard -> {at, version, engagements: [...], workers: {...}}
 * (docs/api.md "Dashboard"): staff and auditors every engagement and the
 * workers, a client user its own engagements and no workers, a worker 403.
 * As of every command answered before the request.
 */
int h_dashboard_get(struct req *r)
{
	struct dashboard_view v = DASHBOARD_VIEW_INIT;
	struct buf err = BUF_INIT;
	int rc = app_dashboard_get(&r->srv->app, &r->actor, true, &v, &err);

	if (rc) {
		dashboard_view_release(&v);
		return http__app_fail(r, rc, &err);
	}
	buf_release(&err);
	rc = http__read(r, 0, wire_dashboard(&v));
	dashboard_view_release(&v);
	return rc;
}

/*
 * GET /v1/dashboard/events -> text/event-stream: "event: snapshot" with the
 * JSON of GET /v1/dashboard at once, again after a change (at most once a
 * second), ": keep-alive" comments every 15 s; ends when the credential
 * does or the server stops. 503 past the server's limit of streams.
 */
int h_dashboard_events(struct req *r)
{
	struct buf err = BUF_INIT;
	int rc = app_dashboard_allowed(&r->actor, &err);

	if (rc)
		return http__app_fail(r, rc, &err);
	buf_release(&err);
	return http__sse_open(r);
}

/* One gauge or counter family over the engagements. */
static void family(struct buf *out, const struct dash_snapshot *s, const char *name,
		   const char *type, const char *help, uint64_t (*val)(const struct dash_snapshot *,
								      const struct dash_engagement *))
{
	size_t n = s->n_eng < DASH_METRICS_MAX ? s->n_eng : DASH_METRICS_MAX;

	buf_printf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
	for (size_t i = 0; i < n; i++)
		buf_printf(out, "%s{engagement=\"%lld\"} %llu\n", name, (long long)s->eng[i].id,
			   (unsigned long long)val(s, &s->eng[i]));
}

static uint64_t v_depth(const struct dash_snapshot *s, const struct dash_engagement *d)
{
	(void)s;
	return d->open.queued;
}

static uint64_t v_leased(const struct dash_snapshot *s, const struct dash_engagement *d)
{
	(void)s;
	return d->open.assigned;
}

static uint64_t v_oldest(const struct dash_snapshot *s, const struct dash_engagement *d)
{
	int64_t age = s->at - d->open.oldest_created;

	return d->open.oldest_id && age > 0 ? (uint64_t)(age / 1000) : 0;
}

static uint64_t v_soon(const struct dash_snapshot *s, const struct dash_engagement *d)
{
	(void)s;
	return d->open.due_next_hour;
}

static uint64_t v_breached(const struct dash_snapshot *s, const struct dash_engagement *d)
{
	(void)s;
	return d->open.breached;
}

static uint64_t v_late(const struct dash_snapshot *s, const struct dash_engagement *d)
{
	(void)s;
	return d->done_late_today;
}

static uint64_t v_hour(const struct dash_snapshot *s, const struct dash_engagement *d)
{
	(void)s;
	return d->done_hour;
}

static uint64_t v_done(const struct dash_snapshot *s, const struct dash_engagement *d)
{
	(void)s;
	return d->done_total;
}

static uint64_t v_assigned(const struct dash_snapshot *s, const struct dash_engagement *d)
{
	(void)s;
	return d->assigned_total;
}

static uint64_t v_expired(const struct dash_snapshot *s, const struct dash_engagement *d)
{
	(void)s;
	return d->leases_expired_total;
}

static uint64_t v_offers(const struct dash_snapshot *s, const struct dash_engagement *d)
{
	(void)s;
	return d->offers_expired_total;
}

void http__dash_metrics(struct http_server *h, struct buf *out)
{
	const struct dash_snapshot *s;

	if (!h->engine || !(s = engine_dash_get(h->engine, true)))
		return;
	family(out, s, "alihdaya_engagement_queue_depth", "gauge", "Items waiting in the queue.",
	       v_depth);
	family(out, s, "alihdaya_engagement_leased_items", "gauge", "Items leased to workers.",
	       v_leased);
	family(out, s, "alihdaya_engagement_oldest_waiting_seconds", "gauge",
	       "Age of the queued item that arrived first (0: none queued).", v_oldest);
	family(out, s, "alihdaya_engagement_due_next_hour", "gauge",
	       "Open items due within the next hour.", v_soon);
	family(out, s, "alihdaya_engagement_breached_items", "gauge",
	       "Open items past their due time.", v_breached);
	family(out, s, "alihdaya_engagement_done_late_today", "gauge",
	       "Items done after their due time today (UTC).", v_late);
	family(out, s, "alihdaya_engagement_done_last_hour", "gauge",
	       "Items done in the last 60 minutes.", v_hour);
	family(out, s, "alihdaya_engagement_done_total", "counter",
	       "Items done since the server started.", v_done);
	family(out, s, "alihdaya_engagement_assignments_total", "counter",
	       "Leases handed out since the server started.", v_assigned);
	family(out, s, "alihdaya_engagement_lease_expiries_total", "counter",
	       "Leases that ran out since the server started.", v_expired);
	family(out, s, "alihdaya_engagement_offer_expiries_total", "counter",
	       "Offers that ran out since the server started.", v_offers);
	buf_printf(out,
		   "# HELP alihdaya_workers Active workers by state (busy: holding a lease).\n"
		   "# TYPE alihdaya_workers gauge\n"
		   "alihdaya_workers{state=\"available\"} %llu\n"
		   "alihdaya_workers{state=\"busy\"} %llu\n"
		   "alihdaya_workers{state=\"away\"} %llu\n"
		   "alihdaya_workers{state=\"offline\"} %llu\n"
		   "# HELP alihdaya_dashboard_streams Dashboard event streams open.\n"
		   "# TYPE alihdaya_dashboard_streams gauge\n"
		   "alihdaya_dashboard_streams %d\n",
		   (unsigned long long)s->workers_available, (unsigned long long)s->workers_busy,
		   (unsigned long long)s->workers_away, (unsigned long long)s->workers_offline,
		   h->sse ? http__sse_count(h->sse) : 0);
	engine_dash_put(h->engine, s);
}
