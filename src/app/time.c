/* time.c - time entries, billing periods and the cost side: input checked, reads scoped. */
#include "app/time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/input.h"
#include "app/records.h"
#include "util/err.h"
#include "util/utf8.h"

/* An optional whole number given as JSON (APP_ABSENT: 0). */
static int opt_id(const char *field, double v, int64_t *out, struct buf *err)
{
	*out = 0;
	if (isnan(v))
		return 0;
	return app_in_whole(field, v, APP_ABSENT, 1, INT64_MAX / 2, out, err);
}

/* An optional RFC 3339 time (NULL: 0). */
static int opt_time(const char *field, const char *s, int64_t *out, struct buf *err)
{
	*out = 0;
	if (!s)
		return 0;
	if (clock_parse_rfc3339(s, out) || *out <= 0)
		return buf_error(err, ERR_INVALID,
				 "%s must be an RFC 3339 time like 2026-11-23T09:00:00Z", field);
	return 0;
}

static int note_in(const char *field, const char *src, char *dst, size_t cap, struct buf *err)
{
	size_t n = src ? strlen(src) : 0;

	dst[0] = '\0';
	if (!src)
		return 0;
	if (n > TIME_NOTE_MAX)
		return buf_error(err, ERR_INVALID, "%s is longer than %d bytes", field,
				 TIME_NOTE_MAX);
	if (!utf8_valid(src, n))
		return buf_error(err, ERR_INVALID, "%s is not UTF-8", field);
	snprintf(dst, cap, "%s", src);
	return 0;
}

static int id_ok(const char *field, int64_t v, struct buf *err)
{
	return v >= 1 ? 0 : buf_error(err, ERR_INVALID, "%s must be a positive id", field);
}

/* The fields a log and a start share. */
static int log_common(const struct actor *actor, const struct time_log_in *in, struct cmd *c,
		      struct buf *err)
{
	int rc;

	if ((rc = id_ok("engagement id", in->engagement_id, err)) ||
	    (rc = opt_id("worker_id", in->worker_id, &c->u.time.worker_id, err)) ||
	    (rc = opt_id("milestone_id", in->milestone_id, &c->u.time.milestone_id, err)) ||
	    (rc = note_in("note", in->note, c->u.time.note, sizeof(c->u.time.note), err)))
		return rc;
	if (actor->role != ROLE_WORKER && !c->u.time.worker_id)
		return buf_error(err, ERR_INVALID, "worker_id is required (the worker whose time "
						   "this is)");
	c->actor = actor;
	c->u.time.engagement_id = in->engagement_id;
	c->u.time.billable = in->billable < 0 ? 1 : in->billable != 0;
	return 0;
}

int app_time_log(const struct app *app, const struct actor *actor, const struct time_log_in *in,
		 struct cmd *c, struct buf *err)
{
	int64_t from = 0, to = 0, ms = 0;
	int rc;

	if ((rc = app_write_start(actor, POL_TIME_LOG, CMD_TIME_LOG, c, err)) ||
	    (rc = log_common(actor, in, c, err)) ||
	    (rc = opt_time("started_at", in->started_at, &from, err)) ||
	    (rc = opt_time("ended_at", in->ended_at, &to, err)))
		return rc;
	if (!isnan(in->duration_ms) &&
	    (rc = app_in_whole("duration_ms", in->duration_ms, APP_ABSENT, 1, TIME_ENTRY_MAX_MS,
			       &ms, err)))
		return rc;
	if (ms && from && to)
		return buf_error(err, ERR_INVALID,
				 "give started_at and ended_at, or duration_ms with one of them");
	if (!ms && !(from && to))
		return buf_error(err, ERR_INVALID,
				 "give started_at and ended_at, or duration_ms (with started_at or "
				 "ended_at; ended_at defaults to now)");
	if (ms && from)
		to = from + ms;
	else if (ms && to)
		from = to - ms;
	/* A duration alone ends at the engine's now (its clock, not the caller's). */
	c->u.time.started_at = from;
	c->u.time.ended_at = to;
	c->u.time.duration_ms = from ? 0 : ms;
	(void)app;
	return 0;
}

int app_time_start(const struct app *app, const struct actor *actor,
		   const struct time_log_in *in, struct cmd *c, struct buf *err)
{
	int rc;

	(void)app;
	if ((rc = app_write_start(actor, POL_TIME_LOG, CMD_TIME_START, c, err)) ||
	    (rc = log_common(actor, in, c, err)) ||
	    (rc = opt_time("started_at", in->started_at, &c->u.time.started_at, err)))
		return rc;
	if (in->ended_at || !isnan(in->duration_ms))
		return buf_error(err, ERR_INVALID, "a timer has no end yet: stop it with "
						   "POST /v1/time/stop");
	return 0;
}

int app_time_stop(const struct app *app, const struct actor *actor, int64_t worker_id,
		  struct cmd *c, struct buf *err)
{
	int rc;

	(void)app;
	if ((rc = app_write_start(actor, POL_TIME_LOG, CMD_TIME_STOP, c, err)))
		return rc;
	if (actor->role != ROLE_WORKER && worker_id <= 0)
		return buf_error(err, ERR_INVALID, "worker_id is required (whose timer to stop)");
	c->actor = actor;
	c->u.time.worker_id = worker_id > 0 ? worker_id : 0;
	return 0;
}

int app_time_correct(const struct app *app, const struct actor *actor,
		     const struct time_correct_in *in, struct cmd *c, struct buf *err)
{
	int64_t ms = 0;
	int rc;

	(void)app;
	if ((rc = app_write_start(actor, POL_TIME_CORRECT, CMD_TIME_CORRECT, c, err)) ||
	    (rc = id_ok("time entry id", in->entry_id, err)) ||
	    (rc = opt_time("started_at", in->started_at, &c->u.time.started_at, err)) ||
	    (rc = opt_time("ended_at", in->ended_at, &c->u.time.ended_at, err)) ||
	    (rc = note_in("note", in->note, c->u.time.note, sizeof(c->u.time.note), err)) ||
	    (rc = note_in("reason", in->reason, c->u.time.reason, sizeof(c->u.time.reason), err)))
		return rc;
	if (!c->u.time.reason[0])
		return buf_error(err, ERR_INVALID, "reason is required: a correction says why");
	if (!isnan(in->duration_ms)) {
		if ((rc = app_in_whole("duration_ms", in->duration_ms, APP_ABSENT, 1,
				       TIME_ENTRY_MAX_MS, &ms, err)))
			return rc;
		if (c->u.time.ended_at)
			return buf_error(err, ERR_INVALID, "give ended_at or duration_ms, not both");
		if (!c->u.time.started_at)
			return buf_error(err, ERR_INVALID,
					 "duration_ms needs started_at (the corrected start)");
		c->u.time.ended_at = c->u.time.started_at + ms;
	}
	if (!c->u.time.started_at && !c->u.time.ended_at && !in->note && in->billable < 0)
		return buf_error(err, ERR_INVALID,
				 "give what changes: started_at, ended_at, duration_ms, billable or "
				 "note");
	c->actor = actor;
	c->u.time.entry_id = in->entry_id;
	c->u.time.billable = in->billable < 0 ? -1 : in->billable != 0;
	c->u.time.has_note = in->note != NULL;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Reads                                                               */
/* ------------------------------------------------------------------ */

/* The engagement if the actor may take act on it (a hidden one: ERR_NOTFOUND, said). */
static int engagement_scoped(const struct app *app, const struct actor *actor,
			     enum policy_action act, int64_t id, struct engagement_rec *out,
			     struct buf *err)
{
	struct policy_scope sc;
	int rc;

	if ((rc = app_allow(actor, act, NULL, err)) || (rc = id_ok("engagement id", id, err)))
		return rc;
	rc = store_engagement_get(app->store, id, out);
	if (!rc) {
		sc = (struct policy_scope){.client_id = out->client_id,
					   .worker_id = actor->worker_id};
		rc = app_allow(actor, act, &sc, err);
	}
	/* A worker reads its own time of the engagements it may see (its clearances now). */
	if (!rc && actor->role == ROLE_WORKER) {
		struct worker_rec w;

		rc = store_worker_get(app->store, actor->worker_id, &w);
		if (!rc) {
			sc = (struct policy_scope){.client_id = out->client_id};
			policy_scope_worker(&sc, &w, app_now_ms(app));
			rc = policy_require(actor, POL_ENGAGEMENT_READ, &sc);
		}
	}
	if (rc == ERR_NOTFOUND)
		return buf_error(err, rc, "no engagement %lld", (long long)id);
	return rc ? app_got(app, rc, err) : 0;
}

/* The periods a client user may read the time of: the approved and locked ones. */
struct shown {
	size_t n, cap;
	struct billing_period *p;
};

static int shown_add(void *ctx, const struct billing_period *p)
{
	struct shown *s = ctx;

	if (p->state == PERIOD_OPEN)
		return 0;
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		struct billing_period *q = realloc(s->p, cap * sizeof(*q));

		if (!q)
			return ERR_NOMEM;
		s->p = q;
		s->cap = cap;
	}
	s->p[s->n++] = *p;
	return 0;
}

static bool shown_holds(const struct shown *s, int64_t at)
{
	for (size_t i = 0; i < s->n; i++)
		if (period_holds(&s->p[i], at))
			return true;
	return false;
}

static int shown_load(const struct app *app, int64_t engagement_id, struct shown *s)
{
	struct store_page pg = {.engagement_id = engagement_id};

	return store_period_list(app->store, &pg, shown_add, s, NULL);
}

struct list_ctx {
	const struct shown *only; /* NULL: every entry */
	store_time_cb cb;
	void *ctx;
};

static int list_row(void *ctx, const struct time_entry *t)
{
	struct list_ctx *l = ctx;

	if (l->only && !shown_holds(l->only, t->started_at))
		return 0;
	return l->cb(l->ctx, t);
}

/* A period of this engagement by its id text (into from/to). */
static int period_span(const struct app *app, int64_t engagement_id, const char *text,
		       struct billing_period *p, struct buf *err)
{
	int64_t id;
	int rc;

	if ((rc = app_in_id_text("period_id", text, &id, err)))
		return rc;
	rc = store_period_get(app->store, id, p);
	if (rc == ERR_NOTFOUND || (!rc && p->engagement_id != engagement_id))
		return buf_error(err, ERR_NOTFOUND, "no period %lld of engagement %lld",
				 (long long)id, (long long)engagement_id);
	return rc ? app_got(app, rc, err) : 0;
}

int app_time_list(const struct app *app, const struct actor *actor, const struct time_list_in *in,
		  store_time_cb cb, void *ctx, int64_t *next, struct buf *err)
{
	struct engagement_rec eng;
	struct store_page pg;
	struct time_filter f;
	struct shown sh = {0};
	struct billing_period p;
	struct list_ctx l = {NULL, cb, ctx};
	int rc;

	*next = 0;
	memset(&f, 0, sizeof(f));
	if ((rc = engagement_scoped(app, actor, POL_TIME_READ, in->engagement_id, &eng, err)) ||
	    (rc = app_page(&in->page, &pg, err)) ||
	    (rc = opt_time("from", in->from, &f.from, err)) ||
	    (rc = opt_time("to", in->to, &f.to, err)))
		return rc;
	if (in->period_id) {
		if (in->from || in->to)
			return buf_error(err, ERR_INVALID, "give period_id or from/to, not both");
		if ((rc = period_span(app, eng.id, in->period_id, &p, err)))
			return rc;
		f.from = p.starts_at;
		f.to = p.ends_at;
	}
	if (in->worker_id && (rc = app_in_id_text("worker_id", in->worker_id, &f.worker_id, err)))
		return rc;
	if (actor->role == ROLE_WORKER) {
		if (f.worker_id && f.worker_id != actor->worker_id)
			return buf_error(err, ERR_FORBIDDEN, "a worker reads its own time only");
		f.worker_id = actor->worker_id;
	}
	if (actor->role == ROLE_CLIENT && in->worker_id)
		return buf_error(err, ERR_INVALID, "worker_id is not a filter of a client's read");
	f.engagement_id = eng.id;
	f.after = pg.after;
	f.limit = pg.limit;
	f.with_superseded = in->all && !strcmp(in->all, "true") && actor->role != ROLE_CLIENT;
	f.with_note = true;
	if (actor->role == ROLE_CLIENT) {
		if ((rc = shown_load(app, eng.id, &sh)))
			goto out;
		l.only = &sh;
	}
	rc = store_time_entries_each(app->store, &f, list_row, &l, next);
out:
	free(sh.p);
	return rc ? buf_error(err, rc, "%s", err_message(rc)) : 0;
}

int app_time_get(const struct app *app, const struct actor *actor, int64_t id,
		 struct time_entry *out, struct buf *err)
{
	struct policy_scope sc;
	struct shown sh = {0};
	int rc;

	if ((rc = app_allow(actor, POL_TIME_READ, NULL, err)) ||
	    (rc = id_ok("time entry id", id, err)))
		return rc;
	rc = store_time_entry_get(app->store, id, out);
	if (!rc) {
		sc = (struct policy_scope){.client_id = out->client_id, .worker_id = out->worker_id};
		rc = app_allow(actor, POL_TIME_READ, &sc, err);
	}
	if (!rc && actor->role == ROLE_CLIENT) {
		rc = shown_load(app, out->engagement_id, &sh);
		if (!rc && !shown_holds(&sh, out->started_at))
			rc = ERR_NOTFOUND;
		free(sh.p);
	}
	if (rc == ERR_NOTFOUND)
		return buf_error(err, rc, "no time entry %lld", (long long)id);
	return rc ? app_got(app, rc, err) : 0;
}

/* ------------------------------------------------------------------ */
/* Periods                                                             */
/* ------------------------------------------------------------------ */

/* Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm). */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	int64_t era, yoe, doy, doe;

	y -= m <= 2;
	era = (y >= 0 ? y : y - 399) / 400;
	yoe = y - era * 400;
	doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

static int date_in(const char *s, int *y, int *m, int *d, struct buf *err)
{
	static const int mdays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	char tail;

	if (!s || strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", y, m, d, &tail) != 3 ||
	    *y < 1970 || *y > 9999 || *m < 1 || *m > 12 || *d < 1 || *d > mdays[*m - 1] ||
	    (*m == 2 && *d == 29 && !((*y % 4 == 0 && *y % 100) || *y % 400 == 0)))
		return buf_error(err, ERR_INVALID, "start must be a date like 2026-11-02");
	return 0;
}

int app_period_create(const struct app *app, const struct actor *actor, int64_t engagement_id,
		      const char *kind, const char *start, struct cmd *c, struct buf *err)
{
	struct engagement_rec eng;
	const char *tz;
	int y, m, d, rc;

	if ((rc = app_write_start(actor, POL_PERIOD_MANAGE, CMD_PERIOD_CREATE, c, err)) ||
	    (rc = engagement_scoped(app, actor, POL_PERIOD_MANAGE, engagement_id, &eng, err)))
		return rc;
	if (!kind || period_kind_parse(kind, &c->u.time.kind))
		return buf_error(err, ERR_INVALID, "kind must be week or month");
	if ((rc = date_in(start, &y, &m, &d, err)))
		return rc;
	/* 1970-01-01 was a Thursday: day 0 + 3 is Sunday's 6. Monday is 0 below. */
	if (c->u.time.kind == PERIOD_WEEK && (days_from_civil(y, m, d) + 3) % 7 != 0)
		return buf_error(err, ERR_INVALID, "a week starts on a Monday (%s is not one)",
				 start);
	if (c->u.time.kind == PERIOD_MONTH && d != 1)
		return buf_error(err, ERR_INVALID, "a month starts on its first day (give %04d-%02d-01)",
				 y, m);
	tz = eng.time_zone[0] ? eng.time_zone : "UTC";
	rc = clock_local_midnight(tz, y, m, d, &c->u.time.starts_at);
	if (!rc && c->u.time.kind == PERIOD_WEEK)
		rc = clock_local_midnight(tz, y, m, d + 7, &c->u.time.ends_at);
	else if (!rc)
		rc = clock_local_midnight(tz, m == 12 ? y + 1 : y, m == 12 ? 1 : m + 1, 1,
					  &c->u.time.ends_at);
	if (rc)
		return buf_error(err, ERR_INVALID, "the date cannot be placed in time zone %s", tz);
	if (c->u.time.kind == PERIOD_WEEK)
		snprintf(c->u.time.label, sizeof(c->u.time.label), "%04d-%02d-%02d", y, m, d);
	else
		snprintf(c->u.time.label, sizeof(c->u.time.label), "%04d-%02d", y, m);
	c->actor = actor;
	c->u.time.engagement_id = engagement_id;
	return 0;
}

int app_period_advance(const struct app *app, const struct actor *actor, int64_t period_id,
		       enum period_state to, struct cmd *c, struct buf *err)
{
	int rc;

	(void)app;
	if ((rc = app_write_start(actor, POL_PERIOD_MANAGE, CMD_PERIOD_ADVANCE, c, err)) ||
	    (rc = id_ok("period id", period_id, err)))
		return rc;
	c->actor = actor;
	c->u.time.period_id = period_id;
	c->u.time.to = to;
	return 0;
}

int app_period_get(const struct app *app, const struct actor *actor, int64_t id,
		   struct billing_period *out, struct buf *err)
{
	struct policy_scope sc;
	int rc;

	if ((rc = app_allow(actor, POL_PERIOD_READ, NULL, err)) ||
	    (rc = id_ok("period id", id, err)))
		return rc;
	rc = store_period_get(app->store, id, out);
	if (!rc) {
		sc = (struct policy_scope){.client_id = out->client_id};
		rc = app_allow(actor, POL_PERIOD_READ, &sc, err);
	}
	if (rc == ERR_NOTFOUND)
		return buf_error(err, rc, "no period %lld", (long long)id);
	return rc ? app_got(app, rc, err) : 0;
}

int app_period_list(const struct app *app, const struct actor *actor, int64_t engagement_id,
		    const struct app_page_in *page, store_period_cb cb, void *ctx, int64_t *next,
		    struct buf *err)
{
	struct engagement_rec eng;
	struct store_page pg;
	int rc;

	*next = 0;
	if ((rc = engagement_scoped(app, actor, POL_PERIOD_READ, engagement_id, &eng, err)) ||
	    (rc = app_page(page, &pg, err)))
		return rc;
	pg.engagement_id = eng.id;
	rc = store_period_list(app->store, &pg, cb, ctx, next);
	return rc ? buf_error(err, rc, "%s", err_message(rc)) : 0;
}

/* ------------------------------------------------------------------ */
/* Cost                                                                */
/* ------------------------------------------------------------------ */

void time_cost_release(struct time_cost *c)
{
	free(c->workers);
	c->workers = NULL;
	c->n_workers = 0;
}

struct cost_walk {
	struct time_cost *c;
	size_t cap;
	int rc;
};

static int cost_row(void *ctx, const struct time_entry *t)
{
	struct cost_walk *w = ctx;
	struct time_cost *c = w->c;
	struct time_cost_worker *cw = NULL;

	if (!t->ended_at)
		return 0; /* a running timer has no duration yet */
	for (size_t i = c->n_workers; i-- > 0;)
		if (c->workers[i].worker_id == t->worker_id) {
			cw = &c->workers[i];
			break;
		}
	if (!cw) {
		if (c->n_workers == TIME_COST_WORKERS_MAX)
			return ERR_TOOBIG;
		if (c->n_workers == w->cap) {
			size_t cap = w->cap ? 2 * w->cap : 16;
			struct time_cost_worker *p = realloc(c->workers, cap * sizeof(*p));

			if (!p)
				return ERR_NOMEM;
			c->workers = p;
			w->cap = cap;
		}
		cw = &c->workers[c->n_workers++];
		memset(cw, 0, sizeof(*cw));
		cw->worker_id = t->worker_id;
	}
	c->entries++;
	cw->ms += t->duration_ms;
	c->ms += t->duration_ms;
	if (t->billable) {
		cw->billable_ms += t->duration_ms;
		c->billable_ms += t->duration_ms;
	}
	return 0;
}

static int by_worker(const void *a, const void *b)
{
	const struct time_cost_worker *x = a, *y = b;

	return (x->worker_id > y->worker_id) - (x->worker_id < y->worker_id);
}

int app_time_cost(const struct app *app, const struct actor *actor, int64_t engagement_id,
		  const char *period_id, const char *from, const char *to, struct time_cost *out,
		  struct buf *err)
{
	struct engagement_rec eng;
	struct billing_period p;
	struct time_filter f;
	struct cost_walk w = {out, 0, 0};
	struct worker_rec wr;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&f, 0, sizeof(f));
	if ((rc = engagement_scoped(app, actor, POL_TIME_COST, engagement_id, &eng, err)) ||
	    (rc = opt_time("from", from, &f.from, err)) || (rc = opt_time("to", to, &f.to, err)))
		return rc;
	if (period_id) {
		if (from || to)
			return buf_error(err, ERR_INVALID, "give period_id or from/to, not both");
		if ((rc = period_span(app, eng.id, period_id, &p, err)))
			return rc;
		out->period_id = p.id;
		f.from = p.starts_at;
		f.to = p.ends_at;
	}
	f.engagement_id = out->engagement_id = eng.id;
	out->from = f.from;
	out->to = f.to;
	rc = store_time_entries_each(app->store, &f, cost_row, &w, NULL);
	if (rc == ERR_TOOBIG)
		return buf_error(err, ERR_TOOBIG, "more than %d workers in the span: ask for a "
						  "shorter one",
				 TIME_COST_WORKERS_MAX);
	if (rc)
		return buf_error(err, rc, "%s", err_message(rc));
	if (out->n_workers)
		qsort(out->workers, out->n_workers, sizeof(out->workers[0]), by_worker);
	for (size_t i = 0; i < out->n_workers; i++) {
		struct time_cost_worker *cw = &out->workers[i];
		size_t k;

		rc = store_worker_get(app->store, cw->worker_id, &wr);
		if (rc && rc != ERR_NOTFOUND)
			return app_got(app, rc, err);
		if (!rc) {
			cw->cost_per_hour_minor = wr.cost_minor;
			snprintf(cw->currency, sizeof(cw->currency), "%s", wr.currency);
		}
		/* Cost is of the hours worked, billable or not: the provider pays them all. */
		if (time_cost_minor(cw->ms, cw->cost_per_hour_minor, &cw->cost_minor))
			return buf_error(err, ERR_INVALID, "the cost of worker %lld passes 2^63",
					 (long long)cw->worker_id);
		for (k = 0; k < out->n_totals; k++)
			if (!strcmp(out->totals[k].currency, cw->currency))
				break;
		if (k == out->n_totals) {
			if (k == sizeof(out->totals) / sizeof(out->totals[0]))
				return buf_error(err, ERR_TOOBIG, "workers are paid in more than 8 "
								  "currencies");
			snprintf(out->totals[k].currency, sizeof(out->totals[k].currency), "%s",
				 cw->currency);
			out->n_totals++;
		}
		if (out->totals[k].cost_minor > INT64_MAX - cw->cost_minor)
			return buf_error(err, ERR_INVALID, "the cost in %s passes 2^63",
					 cw->currency);
		out->totals[k].cost_minor += cw->cost_minor;
	}
	return 0;
}
