/* recover.c - the live state rebuilt from the store at start and after a failed batch. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "core/fields.h"
#include "engine/engine_int.h"
#include "engine/review.h"
#include "util/err.h"


/*
 * A new zeroed value of `size` bytes stored under id, its first rec_size
 * bytes a copy of rec (the live structs begin with their record). OUT: *out.
 */
static int put_new(struct idmap *m, int64_t id, size_t size, const void *rec, size_t rec_size,
		   void **out)
{
	void *v = calloc(1, size);

	if (!v)
		return ERR_NOMEM;
	if (idmap_put(m, id, v)) {
		free(v);
		return ERR_NOMEM;
	}
	if (rec)
		memcpy(v, rec, rec_size);
	*out = v;
	return 0;
}

/*
 * The open items are read in parts at once (store_load: id ranges, one
 * thread each); each part fills its own records of one run of the item
 * table, cut at the count, so the threads share nothing they write. The
 * records are put in the table afterwards, on this thread, in id order.
 */
struct recovery {
	struct engine_state *st;
	int parts;
	size_t first;			   /* the run (idtable_alloc_run) */
	int64_t base[STORE_LOAD_PARTS_MAX]; /* where each part's records begin in it */
	int64_t n[STORE_LOAD_PARTS_MAX];    /* and how many it has */
	struct {
		int64_t k; /* its records filled so far (apart: each written by its own thread) */
		char pad[56];
	} filled[STORE_LOAD_PARTS_MAX];
	int64_t added; /* the run's records in the table so far */
};

static int load_client(void *ctx, const struct client_rec *c)
{
	struct engine_state *st = ((struct recovery *)ctx)->st;
	void *lc;

	return put_new(&st->clients, c->id, sizeof(struct live_client), c, sizeof(*c), &lc);
}

static int load_service(void *ctx, const struct service_rec *sv)
{
	struct engine_state *st = ((struct recovery *)ctx)->st;
	void *ls;

	return put_new(&st->services, sv->id, sizeof(struct live_service), sv, sizeof(*sv), &ls);
}

_Static_assert(offsetof(struct live_engagement, rec) == 0, "rec first");
_Static_assert(offsetof(struct live_worker, rec) == 0, "rec first");
_Static_assert(offsetof(struct live_client, rec) == 0, "rec first");
_Static_assert(offsetof(struct live_service, rec) == 0, "rec first");

static int load_engagement(void *ctx, const struct engagement_rec *e)
{
	struct engine_state *st = ((struct recovery *)ctx)->st;
	void *le;

	return put_new(&st->engagements, e->id, sizeof(struct live_engagement), e, sizeof(*e), &le);
}

static int load_worker(void *ctx, const struct worker_rec *w)
{
	struct engine_state *st = ((struct recovery *)ctx)->st;
	void *lw;

	return put_new(&st->workers, w->id, sizeof(struct live_worker), w, sizeof(*w), &lw);
}

struct live_item *engine__item_new(struct engine_state *st)
{
	return idtable_alloc(&st->items);
}

void engine__item_free(struct engine_state *st, struct live_item *it)
{
	free(it->external_ref);
	engine__keying_forget(it);
	idtable_free(&st->items, it);
}

static int items_count(void *ctx, const int64_t *n, int parts)
{
	struct recovery *rv = ctx;
	int64_t total = 0;
	int rc;

	if (parts < 1 || parts > STORE_LOAD_PARTS_MAX)
		return ERR_INTERNAL;
	for (int i = 0; i < parts; i++) {
		rv->base[i] = total;
		rv->n[i] = n[i];
		total += n[i];
	}
	if ((rc = idtable_reserve(&rv->st->items, (size_t)total)) ||
	    (rc = idtable_alloc_run(&rv->st->items, (size_t)total, &rv->first)))
		return rc;
	rv->parts = parts;
	return 0;
}

/* The k-th open item of a part (called by that part's thread): its record in the run. */
static int load_item(void *ctx, int part, int64_t k, const struct item_open_rec *r)
{
	struct recovery *rv = ctx;
	struct live_item *it;

	if (part < 0 || part >= rv->parts || k < 0 || k >= rv->n[part])
		return ERR_INTERNAL;
	/* read-only here, as in every part: nothing writes the map while they run */
	if (!idmap_get(&rv->st->engagements, r->engagement_id))
		return ERR_INTERNAL;
	it = idtable_run_at(&rv->st->items, rv->first, (size_t)(rv->base[part] + k), NULL);
	memset(it, 0, sizeof(*it));
	rv->filled[part].k = k + 1;
	it->ri.id = r->id;
	it->ri.priority = r->priority;
	it->ri.due_at = r->due_at;
	it->ri.since = r->created_at;
	it->engagement_id = r->engagement_id;
	it->client_id = r->client_id;
	it->state = r->state;
	it->worker_id = r->worker_id;
	it->epoch = r->epoch;
	it->lease_expires = r->lease_expires;
	it->lease_started = r->lease_started;
	/*
	 * A lease's weight as stored with it (fixed at the take). 0: a lease from
	 * before the column, weighed by the engagement's weight once the routing
	 * settings are loaded (engine__routing_load).
	 */
	if (it->state == ITEM_ASSIGNED)
		it->ri.weight =
		    (uint16_t)(r->lease_weight > 0 && r->lease_weight <= RINDEX_MAX_WEIGHT
				   ? r->lease_weight
				   : 0);
	if (r->external_ref && !(it->external_ref = strdup(r->external_ref)))
		return ERR_NOMEM;
	return 0;
}

/* How far ahead the add pass starts the miss of a record's slot (a slot is a random line). */
#define ADD_AHEAD 16

/* The run's records into the table, in id order, with what each open item adds to the state. */
static int add_items(struct recovery *rv)
{
	struct engine_state *st = rv->st;
	size_t total = (size_t)(rv->parts ? rv->base[rv->parts - 1] + rv->n[rv->parts - 1] : 0);
	size_t left = 0, step = st->items.rec_size;
	unsigned char *p = NULL;
	int rc;

	for (size_t k = 0; k < total; k++, left--, p += step) {
		struct live_item *it;

		if (!left)
			p = idtable_run_at(&st->items, rv->first, k, &left);
		if (left > ADD_AHEAD && k + ADD_AHEAD < total)
			idtable_prefetch(&st->items, ((struct live_item *)(p + ADD_AHEAD * step))->ri.id);
		it = (struct live_item *)p;
		if ((rc = idtable_add(&st->items, it)))
			return rc;
		rv->added++;
		if (it->state == ITEM_QUEUED) {
			st->n_queued++;
			st->rx_stale = 1; /* queued in the routing index at its build (route_index.c) */
		} else if (it->state == ITEM_ASSIGNED) {
			struct live_worker *lw = idmap_get(&st->workers, it->worker_id);
			struct lease_deadline d = {it->lease_expires, it->ri.id, it->epoch};

			st->n_assigned++;
			if (!it->ri.weight)
				st->n_unweighed++;
			if (lw)
				lw->load += it->ri.weight;
			if ((rc = lease_heap_push(&st->leases, d)))
				return rc;
		}
	}
	return 0;
}

/* After a failure: what the run's records own that are not in the table (the rest is released). */
static void drop_run(struct recovery *rv)
{
	for (int i = 0; i < rv->parts; i++) {
		for (int64_t k = 0; k < rv->filled[i].k; k++) {
			struct live_item *it;

			if (rv->base[i] + k < rv->added)
				continue; /* in the table: engine_state_release frees it */
			it = idtable_run_at(&rv->st->items, rv->first, (size_t)(rv->base[i] + k), NULL);
			free(it->external_ref);
			it->external_ref = NULL;
		}
	}
}

static int load_worked(void *ctx, int64_t worker_id, int64_t client_id, int64_t at)
{
	struct live_worker *lw = idmap_get(&((struct engine_state *)ctx)->workers, worker_id);

	if (lw)
		engine__worked(lw, client_id, at);
	return 0;
}

int engine_state_load(struct engine_state *st, struct store *s, struct buf *err)
{
	return engine__state_load_parts(st, s, STORE_LOAD_PARTS_MAX, 0, err);
}

int engine__state_load_parts(struct engine_state *st, struct store *s, int parts,
			     int64_t split_min, struct buf *err)
{
	struct recovery rv = {.st = st};
	int rc;

	memset(st, 0, sizeof(*st));
	st->items = (struct idtable)ENGINE_ITEMS_INIT;
	rc = store_load(s,
			&(struct store_load){.client = load_client,
					     .service = load_service,
					     .engagement = load_engagement,
					     .worker = load_worker,
					     .parts_max = parts,
					     .split_min = split_min,
					     .open_items_count = items_count,
					     .open_item = load_item},
			&rv);
	if (!rc)
		rc = add_items(&rv);
	if (rc)
		drop_run(&rv);
	if (!rc)
		rc = engine__fields_load(st, s);
	if (!rc)
		rc = store_worked_each(s, load_worked, st);
	if (!rc)
		rc = engine__keying_load(st, s);
	if (!rc)
		rc = engine__gold_load(st, s);
	if (!rc)
		rc = store_audit_tail(s, &st->audit_seq, st->audit_hash);
	if (!rc)
		rc = engine__review_load(st, s);
	if (!rc)
		rc = engine__states_load(st, s);
	if (!rc)
		rc = engine__routing_load(st, s);
	if (rc) {
		buf_error(err, rc, "cannot recover live state: %s (%s)", err_message(rc),
			  store_errmsg(s));
		engine_state_release(st);
	}
	return rc;
}

static void free_all(struct idmap *m)
{
	int64_t id;
	void *v;

	for (size_t i = 0; idmap_next(m, &i, &id, &v);)
		free(v);
	idmap_release(m);
}

void engine_state_release(struct engine_state *st)
{
	struct live_item *it;
	int64_t id;
	void *v;

	engine__gold_release(st);
	for (size_t i = 0; idmap_next(&st->engagements, &i, &id, &v);) {
		free(((struct live_engagement *)v)->routing);
		engine__keying_release(v);
		fieldset_free(((struct live_engagement *)v)->payload_fs);
		fieldset_free(((struct live_engagement *)v)->result_fs);
	}
	for (size_t i = 0; (it = idtable_next(&st->items, &i));) {
		free(it->external_ref);
		engine__keying_forget(it);
	}
	free_all(&st->clients);
	free_all(&st->services);
	free_all(&st->engagements);
	free_all(&st->workers);
	idtable_release(&st->items);
	lease_heap_release(&st->leases);
	engine__review_release(st);
	engine__states_release(st);
	engine__rindex_release(st);
	memset(st, 0, sizeof(*st));
	st->items = (struct idtable)ENGINE_ITEMS_INIT;
}
