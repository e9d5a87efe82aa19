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

static int load_client(void *ctx, const struct client_rec *c)
{
	struct engine_state *st = ctx;
	void *lc;

	return put_new(&st->clients, c->id, sizeof(struct live_client), c, sizeof(*c), &lc);
}

static int load_service(void *ctx, const struct service_rec *sv)
{
	struct engine_state *st = ctx;
	void *ls;

	return put_new(&st->services, sv->id, sizeof(struct live_service), sv, sizeof(*sv), &ls);
}

_Static_assert(offsetof(struct live_engagement, rec) == 0, "rec first");
_Static_assert(offsetof(struct live_worker, rec) == 0, "rec first");
_Static_assert(offsetof(struct live_client, rec) == 0, "rec first");
_Static_assert(offsetof(struct live_service, rec) == 0, "rec first");

static int load_engagement(void *ctx, const struct engagement_rec *e)
{
	struct engine_state *st = ctx;
	void *le;

	return put_new(&st->engagements, e->id, sizeof(struct live_engagement), e, sizeof(*e), &le);
}

static int load_worker(void *ctx, const struct worker_rec *w)
{
	struct engine_state *st = ctx;
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

static int load_item(void *ctx, const struct item_rec *r)
{
	struct engine_state *st = ctx;
	struct live_engagement *le = idmap_get(&st->engagements, r->engagement_id);
	struct live_item *it;
	int rc;

	if (!le)
		return ERR_INTERNAL;
	it = engine__item_new(st);
	if (!it)
		return ERR_NOMEM;
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
	if (r->external_ref[0] && !(it->external_ref = strdup(r->external_ref))) {
		engine__item_free(st, it);
		return ERR_NOMEM;
	}
	rc = idtable_add(&st->items, it);
	if (rc) {
		engine__item_free(st, it);
		return rc;
	}
	if (it->state == ITEM_QUEUED) {
		st->n_queued++;
		st->rx_stale = 1; /* queued in the routing index at its build (route_index.c) */
		return 0;
	}
	if (it->state == ITEM_ASSIGNED) {
		struct live_worker *lw = idmap_get(&st->workers, it->worker_id);
		struct lease_deadline d = {it->lease_expires, it->ri.id, it->epoch};

		st->n_assigned++;
		/*
		 * The weight stored with the lease (fixed at the take). 0: a lease
		 * from before the column, weighed by the engagement's weight once
		 * the routing settings are loaded (engine__routing_load).
		 */
		it->ri.weight = (uint16_t)(r->lease_weight > 0 && r->lease_weight <= RINDEX_MAX_WEIGHT
						? r->lease_weight
						: 0);
		if (lw)
			lw->load += it->ri.weight;
		return lease_heap_push(&st->leases, d);
	}
	return 0;
}

static int items_count(void *ctx, int64_t n)
{
	struct engine_state *st = ctx;

	return n > 0 ? idtable_reserve(&st->items, (size_t)n) : 0;
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
	int rc;

	memset(st, 0, sizeof(*st));
	st->items = (struct idtable)ENGINE_ITEMS_INIT;
	rc = store_load(s,
			&(struct store_load){.client = load_client,
					     .service = load_service,
					     .engagement = load_engagement,
					     .worker = load_worker,
					     .open_item = load_item,
					     .open_items_count = items_count},
			st);
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
