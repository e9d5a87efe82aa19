/* test_store_find.c - the store's item search (every filter, literal LIKE), external_ref lookup,
 * queue summary. */
/* cmocka needs these before it. */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
// clang-format on

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/item.h"
#include "store/store.h"
#include "unit.h"
#include "util/err.h"

#define T0 1700000000000LL
#define HOUR 3600000LL

struct fx {
	char dir[64];
	struct store *s;
	int64_t client, eng, eng2, worker;
	int64_t it[5];
};

static int64_t add_item(struct fx *f, int64_t eng, const char *ref, int64_t created, int64_t due,
			enum item_state st)
{
	struct item_rec it = {.engagement_id = eng,
			      .client_id = f->client,
			      .priority = 5,
			      .created_at = created,
			      .due_at = due,
			      .state = ITEM_QUEUED,
			      .payload = "{}"};

	snprintf(it.external_ref, sizeof(it.external_ref), "%s", ref);
	assert_int_equal(store_item_insert(f->s, &it), 0);
	if (st != ITEM_QUEUED) {
		it.state = st;
		if (st == ITEM_ASSIGNED) {
			it.worker_id = f->worker;
			it.epoch = 1;
			it.lease_expires = T0 + HOUR;
		}
		it.payload = NULL;
		assert_int_equal(store_item_update(f->s, &it), 0);
	}
	return it.id;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	const struct service_rec *cat;
	struct client_rec c = {.created_at = T0};
	struct engagement_rec e = {.kind = KIND_BPO,
				   .sla_ms = HOUR,
				   .default_priority = 5,
				   .lease_ms = HOUR,
				   .created_at = T0};
	struct user_rec u = {.role = ROLE_WORKER, .created_at = T0};
	struct worker_rec *w = calloc(1, sizeof(*w));
	struct service_rec sv;
	struct buf err = BUF_INIT;
	char path[128];

	assert_non_null(f);
	assert_non_null(w);
	snprintf(f->dir, sizeof(f->dir), "/tmp/ahd_find_XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(path, sizeof(path), "%s/ahd.db", f->dir);
	assert_int_equal(store_open(path, 2, &f->s, &err), 0);
	buf_release(&err);
	snprintf(c.code, sizeof(c.code), "acme");
	snprintf(c.name, sizeof(c.name), "Acme");
	snprintf(c.time_zone, sizeof(c.time_zone), "UTC");
	assert_int_equal(store_client_insert(f->s, &c), 0);
	f->client = c.id;
	assert_true(store_default_catalogue(&cat) > 0);
	sv = cat[0];
	assert_int_equal(store_service_insert(f->s, &sv), 0);
	e.client_id = c.id;
	e.service_id = sv.id;
	snprintf(e.name, sizeof(e.name), "Forms");
	snprintf(e.time_zone, sizeof(e.time_zone), "UTC");
	assert_int_equal(store_engagement_insert(f->s, &e), 0);
	f->eng = e.id;
	assert_int_equal(store_engagement_insert(f->s, &e), 0);
	f->eng2 = e.id;
	snprintf(u.name, sizeof(u.name), "w1");
	assert_int_equal(store_user_insert(f->s, &u), 0);
	w->user_id = u.id;
	snprintf(w->name, sizeof(w->name), "Ana");
	snprintf(w->country, sizeof(w->country), "PH");
	snprintf(w->time_zone, sizeof(w->time_zone), "UTC");
	snprintf(w->currency, sizeof(w->currency), "USD");
	w->capacity = 2;
	w->created_at = T0;
	assert_int_equal(store_worker_insert(f->s, w), 0);
	f->worker = w->id;
	free(w);
	/* late and assigned; due within the hour; tomorrow; a ref with wildcards; closed */
	f->it[0] = add_item(f, f->eng, "CLM-1", T0, T0 - HOUR, ITEM_ASSIGNED);
	f->it[1] = add_item(f, f->eng, "CLM-2", T0 + 1, T0 + HOUR / 2, ITEM_QUEUED);
	f->it[2] = add_item(f, f->eng, "x-7", T0 + 2, T0 + 24 * HOUR, ITEM_QUEUED);
	f->it[3] = add_item(f, f->eng, "50%_off", T0 + 3, T0 - HOUR, ITEM_CANCELLED);
	f->it[4] = add_item(f, f->eng2, "CLM-1", T0 + 4, T0 + HOUR, ITEM_QUEUED);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	store_close(f->s);
	unit_store_dir_remove(f->dir);
	free(f);
	return 0;
}

struct ids {
	int64_t v[16];
	size_t n;
};

static int collect(void *ctx, const struct item_rec *it)
{
	struct ids *ids = ctx;

	if (ids->n < 16)
		ids->v[ids->n++] = it->id;
	return 0;
}

/* The ids a search answers, as "1 2 3". */
static const char *find(struct fx *f, const struct store_page *pg0,
			const struct store_item_filter *flt)
{
	static char out[128];
	struct store_page pg = *pg0;
	struct ids ids = {0};
	int64_t next = 0;
	size_t used = 0;

	if (!pg.limit)
		pg.limit = 50;
	assert_int_equal(store_item_find(f->s, &pg, flt, collect, &ids, &next), 0);
	out[0] = '\0';
	for (size_t i = 0; i < ids.n; i++)
		used += (size_t)snprintf(out + used, sizeof(out) - used, "%s%lld", i ? " " : "",
					 (long long)(ids.v[i] - f->it[0] + 1));
	return out;
}

static void test_filters(void **state)
{
	struct fx *f = *state;
	struct store_page all = {0}, eng = {.engagement_id = f->eng};

	/* Items are named 1..5 in the order setup made them. */
	assert_string_equal(find(f, &all, NULL), "1 2 3 4 5");
	assert_string_equal(find(f, &all, &(struct store_item_filter){.late_at = T0}), "1");
	assert_string_equal(find(f, &all, &(struct store_item_filter){.due_before = T0}), "1 4");
	assert_string_equal(find(f, &all, &(struct store_item_filter){.due_after = T0 + HOUR}),
			    "3");
	assert_string_equal(
	    find(f, &all,
		 &(struct store_item_filter){.created_after = T0, .created_before = T0 + 3}),
	    "2 3");
	assert_string_equal(find(f, &all, &(struct store_item_filter){.external_ref = "CLM-1"}),
			    "1 5");
	assert_string_equal(find(f, &eng, &(struct store_item_filter){.external_ref = "CLM-1"}),
			    "1");
	assert_string_equal(find(f, &all, &(struct store_item_filter){.ref_contains = "clm"}),
			    "1 2 5");
	/* Wildcards are literal: % and _ match only themselves, and so does the escape. */
	assert_string_equal(find(f, &all, &(struct store_item_filter){.ref_contains = "%"}), "4");
	assert_string_equal(find(f, &all, &(struct store_item_filter){.ref_contains = "_"}), "4");
	assert_string_equal(find(f, &all, &(struct store_item_filter){.ref_contains = "\\"}), "");
	assert_string_equal(find(f, &(struct store_page){.worker_id = f->worker}, NULL), "1");
	assert_string_equal(find(f, &(struct store_page){.state = ITEM_QUEUED + 1},
				 &(struct store_item_filter){.ref_contains = "CLM"}),
			    "2 5");
}

static void test_paging(void **state)
{
	struct fx *f = *state;
	struct store_item_filter flt = {.ref_contains = "-"};
	struct store_page pg = {.limit = 2};
	struct ids ids = {0};
	int64_t next = 0;

	assert_int_equal(store_item_find(f->s, &pg, &flt, collect, &ids, &next), 0);
	assert_int_equal(ids.n, 2);
	assert_int_equal(next, f->it[1]);
	pg.after = next;
	ids.n = 0;
	assert_int_equal(store_item_find(f->s, &pg, &flt, collect, &ids, &next), 0);
	assert_int_equal(ids.n, 2); /* x-7 and the second CLM-1 */
	assert_int_equal(next, f->it[4]);
}

static void test_by_ref(void **state)
{
	struct fx *f = *state;
	int64_t id = 0;

	assert_int_equal(store_item_by_ref(f->s, f->eng, "CLM-1", &id), 0);
	assert_int_equal(id, f->it[0]);
	assert_int_equal(store_item_by_ref(f->s, f->eng2, "CLM-1", &id), 0);
	assert_int_equal(id, f->it[4]);
	/* A closed item keeps its reference. */
	assert_int_equal(store_item_by_ref(f->s, f->eng, "50%_off", &id), 0);
	assert_int_equal(id, f->it[3]);
	assert_int_equal(store_item_by_ref(f->s, f->eng, "CLM-9", &id), ERR_NOTFOUND);
}

struct seen {
	int held;
	int64_t held_worker;
	int64_t load_worker, load;
};

static int on_held(void *ctx, const struct item_rec *it)
{
	struct seen *s = ctx;

	s->held++;
	s->held_worker = it->worker_id;
	return 0;
}

static int on_load(void *ctx, int64_t worker_id, int64_t leases)
{
	struct seen *s = ctx;

	s->load_worker = worker_id;
	s->load = leases;
	return 0;
}

static void test_queue(void **state)
{
	struct fx *f = *state;
	struct store_queue q;
	struct seen s = {0};

	assert_int_equal(store_engagement_queue(f->s, f->eng, T0, HOUR, &q, on_held, on_load, &s),
			 0);
	assert_int_equal(q.by_state[ITEM_QUEUED], 2);
	assert_int_equal(q.by_state[ITEM_ASSIGNED], 1);
	assert_int_equal(q.by_state[ITEM_CANCELLED], 1);
	assert_int_equal(q.by_state[ITEM_DONE], 0);
	assert_int_equal(q.oldest_id, f->it[1]);
	assert_int_equal(q.oldest_created_at, T0 + 1);
	assert_int_equal(q.due_soon, 1); /* CLM-2; the cancelled one is not open */
	assert_int_equal(q.late, 1);
	assert_int_equal(s.held, 1);
	assert_int_equal(s.held_worker, f->worker);
	assert_int_equal(s.load_worker, f->worker);
	assert_int_equal(s.load, 1);
	/* Without callbacks, only the counts. */
	assert_int_equal(store_engagement_queue(f->s, f->eng2, T0, HOUR, &q, NULL, NULL, NULL), 0);
	assert_int_equal(q.by_state[ITEM_QUEUED], 1);
	assert_int_equal(q.due_soon, 0); /* due exactly at now + 1 h: not within the hour */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_filters, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_paging, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_by_ref, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_queue, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
