/* queue.c - the queue summary of an engagement, read from the store in one snapshot. */
#include "app/queue.h"

#include <stdlib.h>
#include <string.h>

#include "app/records.h"
#include "core/route.h"
#include "util/err.h"

/* The walks' context: what is gathered, and the first allocation failure. */
struct gather {
	struct engagement_queue *out;
	int64_t (*loads)[2]; /* (worker id, leases), ascending by worker id */
	size_t n_loads, cap_loads;
	size_t cap_held, cap_workers;
	int64_t now; /* a clearance lapsed by now makes no worker eligible */
};

/* Room for one more element of *v (n used, *cap allocated, each size bytes). */
static int grow(void **v, size_t n, size_t *cap, size_t size)
{
	size_t c = *cap ? *cap * 2 : 16;
	void *p;

	if (n < *cap)
		return 0;
	if (!(p = realloc(*v, c * size)))
		return ERR_NOMEM;
	*v = p;
	*cap = c;
	return 0;
}

/* store_item_cb: an item leased now. */
static int on_held(void *ctx, const struct item_rec *it)
{
	struct gather *g = ctx;
	struct engagement_queue *o = g->out;
	struct queue_lease *l;

	if (grow((void **)&o->held, o->n_held, &g->cap_held, sizeof(*o->held)))
		return ERR_NOMEM;
	l = &o->held[o->n_held++];
	memset(l, 0, sizeof(*l));
	l->item_id = it->id;
	l->worker_id = it->worker_id;
	l->epoch = it->epoch;
	l->lease_expires = it->lease_expires;
	return 0;
}

/* store_load_cb: a worker's leases, in worker id order. */
static int on_load(void *ctx, int64_t worker_id, int64_t leases)
{
	struct gather *g = ctx;

	if (grow((void **)&g->loads, g->n_loads, &g->cap_loads, sizeof(*g->loads)))
		return ERR_NOMEM;
	g->loads[g->n_loads][0] = worker_id;
	g->loads[g->n_loads][1] = leases;
	g->n_loads++;
	return 0;
}

static int64_t load_of(const struct gather *g, int64_t worker_id)
{
	size_t lo = 0, hi = g->n_loads;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (g->loads[mid][0] == worker_id)
			return g->loads[mid][1];
		if (g->loads[mid][0] < worker_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

/* store_worker_cb: names the holders, and lists the worker if it is eligible. */
static int on_worker(void *ctx, const struct worker_rec *w)
{
	struct gather *g = ctx;
	struct engagement_queue *o = g->out;
	struct queue_worker *qw;

	for (size_t i = 0; i < o->n_held; i++)
		if (o->held[i].worker_id == w->id)
			memcpy(o->held[i].worker_name, w->name, sizeof(w->name));
	if (!route_qualified(w, &o->eng, g->now))
		return 0;
	if (o->n_workers >= QUEUE_WORKERS_MAX) {
		o->workers_truncated = true;
		return 0;
	}
	if (grow((void **)&o->workers, o->n_workers, &g->cap_workers, sizeof(*o->workers)))
		return ERR_NOMEM;
	qw = &o->workers[o->n_workers++];
	qw->id = w->id;
	memcpy(qw->name, w->name, sizeof(w->name));
	qw->status = w->status;
	qw->capacity = w->capacity;
	qw->load = load_of(g, w->id);
	return 0;
}

void engagement_queue_release(struct engagement_queue *q)
{
	free(q->held);
	free(q->workers);
	memset(q, 0, sizeof(*q));
}

int app_engagement_queue(const struct app *app, const struct actor *actor, int64_t id,
			 struct engagement_queue *out, struct buf *err)
{
	struct gather g = {.out = out, .now = app_now_ms(app)};
	struct policy_scope sc;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = app_allow(actor, POL_ENGAGEMENT_QUEUE, NULL, err)))
		return rc;
	if ((rc = store_engagement_get(app->store, id, &out->eng)))
		return rc == ERR_NOTFOUND ? buf_error(err, rc, "no engagement %lld", (long long)id)
					  : app_got(app, rc, err);
	sc = (struct policy_scope){.client_id = out->eng.client_id,
				   .kpo = out->eng.kind == KIND_KPO};
	if ((rc = app_allow(actor, POL_ENGAGEMENT_QUEUE, &sc, err)))
		return rc == ERR_NOTFOUND ? buf_error(err, rc, "no engagement %lld", (long long)id)
					  : rc;
	out->at = app_now_ms(app);
	rc = store_engagement_queue(app->store, id, out->at, QUEUE_SOON_MS, &out->q, on_held,
				    on_load, &g);
	/* The workers are a second read: a worker's record, not the items' snapshot. */
	if (!rc)
		rc = store_workers_each(app->store, on_worker, &g);
	if (rc == ERR_NOMEM)
		rc = buf_error(err, rc, "%s", err_message(rc));
	else if (rc)
		rc = app_store_end(app, NULL, rc, err);
	free(g.loads);
	return rc;
}
