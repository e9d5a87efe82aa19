/* time.h - time entries, billing periods and the cost side as use cases. */
#ifndef ALIHDAYA_APP_TIME_H
#define ALIHDAYA_APP_TIME_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "app/input.h"
#include "core/timeentry.h"

/*
 * POST /v1/engagements/:id/time (a manual entry) and .../time/start (a
 * timer): as received, NULL / APP_ABSENT when not given. A log gives
 * started_at and ended_at, or duration_ms with either (ended_at defaults to
 * now). A worker logs its own time; staff name the worker.
 */
struct time_log_in {
	int64_t engagement_id;
	double worker_id;    /* staff: required */
	double milestone_id; /* optional */
	const char *started_at, *ended_at; /* RFC 3339 */
	double duration_ms;
	const char *note;   /* at most TIME_NOTE_MAX bytes of UTF-8 */
	int billable;       /* -1: not given (billable) */
};

/* PATCH /v1/time/:id: what is given changes in the correcting entry; the reason is required. */
struct time_correct_in {
	int64_t entry_id;
	const char *started_at, *ended_at;
	double duration_ms; /* with started_at (given or kept): the new end */
	const char *note;
	int billable; /* -1: keep */
	const char *reason;
};

/* The filter of GET /v1/engagements/:id/time, as texts of the query (NULL: absent). */
struct time_list_in {
	int64_t engagement_id;
	const char *from, *to;	 /* RFC 3339: started_at in [from, to) */
	const char *period_id;	 /* instead of from/to: the period's span */
	const char *worker_id;	 /* staff, auditors: only this worker's */
	const char *all;	 /* "true": with the entries a correction replaced */
	struct app_page_in page; /* after, limit */
};

int app_time_log(const struct app *app, const struct actor *actor, const struct time_log_in *in,
		 struct cmd *c, struct buf *err);
int app_time_start(const struct app *app, const struct actor *actor,
		   const struct time_log_in *in, struct cmd *c, struct buf *err);
/* The worker's running timer stopped now (staff: worker_id names it). */
int app_time_stop(const struct app *app, const struct actor *actor, int64_t worker_id,
		  struct cmd *c, struct buf *err);
int app_time_correct(const struct app *app, const struct actor *actor,
		     const struct time_correct_in *in, struct cmd *c, struct buf *err);

/*
 * A page of an engagement's entries (time.read): a worker sees its own, a
 * client user only its own client's entries in approved or locked periods
 * (another client's engagement: ERR_NOTFOUND). OUT: *next (0: the end).
 */
int app_time_list(const struct app *app, const struct actor *actor, const struct time_list_in *in,
		  store_time_cb cb, void *ctx, int64_t *next, struct buf *err);
/* One entry with its note, by the same rules. */
int app_time_get(const struct app *app, const struct actor *actor, int64_t id,
		 struct time_entry *out, struct buf *err);

/*
 * POST /v1/engagements/:id/periods {kind: week|month, start: YYYY-MM-DD}:
 * the span from local midnight of start in the engagement's time zone; a
 * week starts on a Monday, a month on its first day.
 */
int app_period_create(const struct app *app, const struct actor *actor, int64_t engagement_id,
		      const char *kind, const char *start, struct cmd *c, struct buf *err);
/* POST /v1/periods/:id/approve | lock */
int app_period_advance(const struct app *app, const struct actor *actor, int64_t period_id,
		       enum period_state to, struct cmd *c, struct buf *err);
int app_period_get(const struct app *app, const struct actor *actor, int64_t id,
		   struct billing_period *out, struct buf *err);
int app_period_list(const struct app *app, const struct actor *actor, int64_t engagement_id,
		    const struct app_page_in *page, store_period_cb cb, void *ctx, int64_t *next,
		    struct buf *err);

/* The cost side of an engagement over a span: hours times each worker's cost per hour. */
#define TIME_COST_WORKERS_MAX 1000
struct time_cost_worker {
	int64_t worker_id;
	int64_t ms;	    /* billable and not billable */
	int64_t billable_ms;
	int64_t cost_per_hour_minor;
	char currency[4];
	int64_t cost_minor; /* ms at cost_per_hour_minor, rounded half up once per worker */
};
struct time_cost_total {
	char currency[4];
	int64_t cost_minor;
};
struct time_cost {
	int64_t engagement_id, period_id, from, to;
	int64_t entries, ms, billable_ms;
	size_t n_workers;
	struct time_cost_worker *workers; /* by worker id; owned (time_cost_release) */
	size_t n_totals;
	struct time_cost_total totals[8]; /* per currency */
};
/*
 * GET /v1/engagements/:id/cost?period_id= | from&to (time.cost). OUT: *out,
 * time_cost_release() also on error.
 */
int app_time_cost(const struct app *app, const struct actor *actor, int64_t engagement_id,
		  const char *period_id, const char *from, const char *to, struct time_cost *out,
		  struct buf *err);
void time_cost_release(struct time_cost *c);

#endif
