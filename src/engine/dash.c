/* dash.c - the operations dashboard: counters per engagement, snapshots of the live state. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/engine_int.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/log.h"

/* After a change, a watched dashboard is rebuilt at most this often; without one, this often. */
#define DASH_CHANGED_MS 1000
#define DASH_IDLE_MS 10000
/* How long a fresh snapshot is waited for. */
#define DASH_WAIT_MS 5000
/*
 * The least time between two builds, whoever asks: a pass over the open items is the one
 * cost that grows with the store (bench/dashboard.c), and readers asking faster than this
 * share the next build instead of each stalling the engine thread with one.
 */
#define DASH_GAP_MS 250
/*
 * And at least this many times the last build's own duration, so the passes take at most
 * a tenth of the engine thread whatever the store holds (200,000 open items: about 40 ms
 * a pass on the reference machine, so builds every 400 ms at most; 1,000,000: every 2 s).
 */
#define DASH_GAP_FACTOR 10

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The least time between two builds now (wall-clock ms). */
static int64_t build_gap(const struct engine *e)
{
	int64_t g = DASH_GAP_FACTOR * e->dash_build_ms;

	return g > DASH_GAP_MS ? g : DASH_GAP_MS;
}

/* What is counted per engagement as it happens (the figures a pass cannot see). */
struct dash_metrics {
	struct dash_counter done;
	uint64_t assigned, expired, offers_expired;
};

void engine__dash_init(struct engine *e)
{
	pthread_mutex_init(&e->dash_mu, NULL);
	pthread_cond_init(&e->dash_cv, NULL);
	atomic_init(&e->dash_dirty, true);
	atomic_init(&e->dash_req, 0);
	atomic_init(&e->dash_watchers, 0);
}

static void snap_free(struct dash_snapshot *s)
{
	if (!s)
		return;
	free(s->eng);
	free(s->workers);
	free(s);
}

void engine__dash_release(struct engine *e)
{
	int64_t id;
	void *v;

	for (size_t i = 0; idmap_next(&e->dash_m, &i, &id, &v);)
		free(v);
	idmap_release(&e->dash_m);
	/* Every reader has given its reference back: the HTTP server stops before the engine. */
	snap_free(e->dash_cur);
	e->dash_cur = NULL;
	pthread_mutex_destroy(&e->dash_mu);
	pthread_cond_destroy(&e->dash_cv);
}

/* The engagement's counters, made on first use; NULL when out of memory (the event is lost). */
static struct dash_metrics *metrics_of(struct engine *e, int64_t engagement_id)
{
	struct dash_metrics *m = idmap_get(&e->dash_m, engagement_id);

	if (m || engagement_id <= 0)
		return m;
	if (!(m = calloc(1, sizeof(*m))))
		return NULL;
	if (idmap_put(&e->dash_m, engagement_id, m)) {
		free(m);
		return NULL;
	}
	return m;
}

void engine__dash_step(struct engine *e, const struct live_item *it, enum item_action act,
		       enum item_state to, int64_t now)
{
	struct dash_metrics *m;

	if (it->gold_id) /* gold instances are the provider's checks, not the client's work */
		return;
	if (!(m = metrics_of(e, it->engagement_id)))
		return;
	if (to == ITEM_ASSIGNED && it->state != ITEM_ASSIGNED)
		m->assigned++;
	if (act == ACT_EXPIRE)
		m->expired++;
	if (to == ITEM_DONE && it->state != ITEM_DONE)
		dash_counter_add(&m->done, now, it->ri.due_at < now);
}

static int seed_done(void *ctx, int64_t engagement_id, int64_t at, int64_t due_at)
{
	struct dash_metrics *m = metrics_of(ctx, engagement_id);

	if (m) /* late as engine__dash_step says it: done after its due time */
		dash_counter_add(&m->done, at, due_at < at);
	return 0;
}

void engine__dash_seed(struct engine *e, int64_t now)
{
	int64_t day = now < 0 ? 0 : now - now % DASH_DAY_MS;
	int64_t hour = now - (int64_t)DASH_SLOTS * DASH_MINUTE_MS;
	int64_t id;
	void *v;
	int rc = store_done_since(e->store, hour < day ? hour : day, seed_done, e);

	if (rc)
		log_warn("engine: the dashboard's done counters start at zero: %s",
			 store_errmsg(e->store));
	for (size_t i = 0; idmap_next(&e->dash_m, &i, &id, &v);)
		((struct dash_metrics *)v)->done.total = 0;
}

void engine__dash_offer_expired(struct engine *e, int64_t engagement_id)
{
	struct dash_metrics *m = metrics_of(e, engagement_id);

	if (m)
		m->offers_expired++;
	atomic_store(&e->dash_dirty, true);
}

static int eng_cmp(const void *a, const void *b)
{
	const struct dash_engagement *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

static int worker_cmp(const void *a, const void *b)
{
	const struct dash_worker *x = a, *y = b;

	if (x->load != y->load)
		return y->load - x->load;
	return (x->id > y->id) - (x->id < y->id);
}

static struct dash_engagement *eng_find(struct dash_snapshot *s, int64_t id)
{
	size_t lo = 0, hi = s->n_eng;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->eng[mid].id == id)
			return &s->eng[mid];
		if (s->eng[mid].id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * Workers holding leases per engagement, counted distinct: (engagement,
 * worker) pairs of the leased items, sorted, each run counted once.
 */
struct pair {
	int64_t eng, worker;
};

static int pair_cmp(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;

	if (x->eng != y->eng)
		return (x->eng > y->eng) - (x->eng < y->eng);
	return (x->worker > y->worker) - (x->worker < y->worker);
}

/* One pass over the live state. 0 or ERR_NOMEM (*out untouched). */
static int snap_build(struct engine *e, int64_t now, struct dash_snapshot **out)
{
	struct engine_state *st = &e->st;
	struct dash_snapshot *s = calloc(1, sizeof(*s));
	struct pair *pairs = NULL;
	size_t n_pairs = 0, cap_workers = st->workers.n ? st->workers.n : 1;
	struct dash_engagement *last = NULL;
	const struct live_item *it;
	int64_t id;
	void *v;

	if (!s)
		return ERR_NOMEM;
	s->at = now;
	s->eng = calloc(st->engagements.n ? st->engagements.n : 1, sizeof(*s->eng));
	s->workers = calloc(cap_workers, sizeof(*s->workers));
	if (st->n_assigned)
		pairs = malloc(st->n_assigned * sizeof(*pairs));
	if (!s->eng || !s->workers || (st->n_assigned && !pairs))
		goto nomem;
	for (size_t i = 0; idmap_next(&st->engagements, &i, &id, &v);) {
		const struct live_engagement *le = v;
		const struct dash_metrics *m = idmap_get(&e->dash_m, id);
		struct dash_engagement *d = &s->eng[s->n_eng++];

		d->id = id;
		d->client_id = le->rec.client_id;
		memcpy(d->name, le->rec.name, sizeof(d->name));
		d->kind = le->rec.kind;
		d->active = engine__engagement_open(e, le);
		d->sla_ms = le->rec.sla_ms;
		if (m) {
			d->done_total = m->done.total;
			d->done_hour = dash_counter_hour(&m->done, now);
			d->done_today = dash_counter_today(&m->done, now, false);
			d->done_late_today = dash_counter_today(&m->done, now, true);
			d->assigned_total = m->assigned;
			d->leases_expired_total = m->expired;
			d->offers_expired_total = m->offers_expired;
		}
	}
	qsort(s->eng, s->n_eng, sizeof(*s->eng), eng_cmp);
	for (size_t i = 0; (it = idtable_next(&st->items, &i));) {

		if (it->gold_id)
			continue;
		if (!last || last->id != it->engagement_id)
			last = eng_find(s, it->engagement_id);
		if (!last)
			continue;
		dash_open_add(&last->open, it->state, it->ri.id, it->ri.since, it->ri.due_at, now);
		if (it->state == ITEM_ASSIGNED && n_pairs < st->n_assigned)
			pairs[n_pairs++] = (struct pair){it->engagement_id, it->worker_id};
	}
	if (n_pairs)
		qsort(pairs, n_pairs, sizeof(*pairs), pair_cmp);
	for (size_t i = 0; i < n_pairs; i++)
		if ((!i || pair_cmp(&pairs[i - 1], &pairs[i])) &&
		    (last = eng_find(s, pairs[i].eng)))
			last->workers_busy++;
	for (size_t i = 0; idmap_next(&st->workers, &i, &id, &v);) {
		const struct live_worker *lw = v;
		struct dash_worker *w;

		if (!lw->rec.active)
			continue; /* suspended by staff: not part of the floor */
		if (lw->load > 0)
			s->workers_busy++;
		else if (lw->rec.status == WORKER_AVAILABLE)
			s->workers_available++;
		else if (lw->rec.status == WORKER_OFFLINE)
			s->workers_offline++;
		else
			s->workers_away++; /* away, and any state between (wrap-up) */
		w = &s->workers[s->n_workers++];
		w->id = id;
		memcpy(w->name, lw->rec.name, sizeof(w->name));
		w->status = lw->rec.status;
		w->load = lw->load;
		w->capacity = lw->rec.capacity;
	}
	qsort(s->workers, s->n_workers, sizeof(*s->workers), worker_cmp);
	if (s->n_workers > DASH_WORKERS_MAX) {
		s->n_workers = DASH_WORKERS_MAX;
		s->workers_truncated = true;
	}
	free(pairs);
	*out = s;
	return 0;
nomem:
	free(pairs);
	snap_free(s);
	return ERR_NOMEM;
}

/*
 * True if a and b show the same figures (their moments aside): a batch that
 * changed nothing the dashboard shows (a sign-in) makes no new version, so
 * the event streams send nothing for it. Both were calloc'd: padding is 0.
 */
static bool snap_same(const struct dash_snapshot *a, const struct dash_snapshot *b)
{
	return a->n_eng == b->n_eng && a->n_workers == b->n_workers &&
	       a->workers_available == b->workers_available &&
	       a->workers_busy == b->workers_busy && a->workers_away == b->workers_away &&
	       a->workers_offline == b->workers_offline &&
	       a->workers_truncated == b->workers_truncated &&
	       !memcmp(a->eng, b->eng, a->n_eng * sizeof(*a->eng)) &&
	       !memcmp(a->workers, b->workers, a->n_workers * sizeof(*a->workers));
}

void engine__dash_begin(struct engine *e)
{
	e->dash_req_batch = atomic_load(&e->dash_req);
}

void engine__dash_tick(struct engine *e, int64_t now, bool changed)
{
	bool want = e->dash_req_batch > e->dash_served,
	     watched = atomic_load(&e->dash_watchers) > 0;
	struct dash_snapshot *s, *old = NULL;
	int64_t t0;
	int rc;

	if (changed)
		atomic_store(&e->dash_dirty, true);
	if (!want && !(watched && engine__dash_deadline(e) <= engine__now(e)))
		return;
	if (clock_now_ms() - e->dash_built_wall < build_gap(e))
		return; /* the engine wakes for it (engine__dash_deadline) */
	/* Cleared before the pass: a change made after it marks the next build due. */
	atomic_store(&e->dash_dirty, false);
	e->dash_built = now;
	e->dash_built_wall = clock_now_ms();
	t0 = mono_ms();
	rc = snap_build(e, now, &s);
	e->dash_build_ms = mono_ms() - t0;
	if (rc) {
		log_warn("engine: out of memory building the dashboard's snapshot");
		atomic_store(&e->dash_dirty, true);
		s = NULL;
	}
	pthread_mutex_lock(&e->dash_mu);
	if (s) {
		old = e->dash_cur;
		/* The same figures keep their version (the event streams send nothing for them). */
		s->version = old && snap_same(old, s) ? old->version : e->dash_version + 1;
		s->req = e->dash_req_batch;
		e->dash_version = s->version;
		e->dash_cur = s;
		if (old && --old->refs > 0)
			old = NULL;
		s->refs = 1; /* the engine's own */
		s->built_wall = e->dash_built_wall;
	}
	/* Requests made before this batch began are answered (or, out of memory, given up). */
	e->dash_served = e->dash_req_batch;
	pthread_cond_broadcast(&e->dash_cv);
	pthread_mutex_unlock(&e->dash_mu);
	snap_free(old);
}

int64_t engine__dash_deadline(const struct engine *e)
{
	int64_t left;

	if (atomic_load(&e->dash_req) > e->dash_served) {
		left = e->dash_built_wall + build_gap(e) - clock_now_ms();
		return left > 0 ? engine__now(e) + left : 0;
	}
	if (atomic_load(&e->dash_watchers) <= 0)
		return INT64_MAX;
	/* Paced by the wall clock: a test's clock that stands still must not stop the stream. */
	left = e->dash_built_wall +
	       (atomic_load(&e->dash_dirty) ? DASH_CHANGED_MS : DASH_IDLE_MS) - clock_now_ms();
	if (left < e->dash_built_wall + build_gap(e) - clock_now_ms())
		left = e->dash_built_wall + build_gap(e) - clock_now_ms();
	return engine__now(e) + (left > 0 ? left : 0);
}

const struct dash_snapshot *engine_dash_get(struct engine *e, bool fresh)
{
	struct dash_snapshot *s;
	struct timespec ts;
	int64_t until;
	uint64_t r;

	pthread_mutex_lock(&e->dash_mu);
	s = e->dash_cur;
	/* Time alone moves breaches and ages: older than a second by either clock is not fresh. */
	if (fresh && (!s || atomic_load(&e->dash_dirty) ||
		      clock_now_ms() - s->built_wall >= DASH_CHANGED_MS ||
		      engine__now(e) - s->at >= DASH_CHANGED_MS)) {
		/* Answered by a snapshot of a batch that begins after this request. */
		r = atomic_fetch_add(&e->dash_req, 1) + 1;
		pthread_mutex_unlock(&e->dash_mu);
		engine_wake(e);
		until = clock_now_ms() + DASH_WAIT_MS;
		ts.tv_sec = (time_t)(until / 1000);
		ts.tv_nsec = (long)(until % 1000) * 1000000L;
		pthread_mutex_lock(&e->dash_mu);
		while (e->dash_served < r &&
		       pthread_cond_timedwait(&e->dash_cv, &e->dash_mu, &ts) == 0)
			;
		s = e->dash_cur;
	}
	if (s)
		s->refs++;
	pthread_mutex_unlock(&e->dash_mu);
	return s;
}

void engine_dash_put(struct engine *e, const struct dash_snapshot *cs)
{
	struct dash_snapshot *s = (struct dash_snapshot *)cs;
	bool last;

	if (!s)
		return;
	pthread_mutex_lock(&e->dash_mu);
	last = --s->refs == 0;
	pthread_mutex_unlock(&e->dash_mu);
	if (last)
		snap_free(s);
}

void engine_dash_watch(struct engine *e, int delta)
{
	atomic_fetch_add(&e->dash_watchers, delta);
	if (delta > 0)
		engine_wake(e);
}
