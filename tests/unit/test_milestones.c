/* test_milestones.c - KPO milestones in the SQLite store: round trip, order, count, update, purge. */
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
#include <unistd.h>

#include "core/kpo.h"
#include "store/store.h"
#include "util/err.h"

#define T0 1700000000000LL

struct fx {
	char dir[64], path[128];
	struct store *s;
	int64_t client, eng, item;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct buf err = BUF_INIT;
	const struct service_rec *cat;
	struct service_rec sv;
	struct client_rec c = {.created_at = T0, .active = true};
	struct engagement_rec e = {.kind = KIND_KPO, .sla_ms = 86400000, .default_priority = 5,
				   .lease_ms = 1800000, .lease_max_ms = 7200000, .active = true,
				   .created_at = T0};
	struct item_rec it = {.priority = 5, .created_at = T0, .due_at = T0 + 1000,
			      .state = ITEM_QUEUED, .payload = "{}"};

	assert_non_null(f);
	snprintf(f->dir, sizeof(f->dir), "/tmp/ahd_ms_XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->path, sizeof(f->path), "%s/ahd.db", f->dir);
	assert_int_equal(store_open(f->path, 2, &f->s, &err), 0);
	buf_release(&err);
	assert_int_equal(store_begin(f->s), 0);
	snprintf(c.code, sizeof(c.code), "lex");
	snprintf(c.name, sizeof(c.name), "Lex");
	snprintf(c.time_zone, sizeof(c.time_zone), "UTC");
	assert_int_equal(store_client_insert(f->s, &c), 0);
	assert_true(store_default_catalogue(&cat) > 0);
	sv = cat[0];
	sv.created_at = T0;
	assert_int_equal(store_service_insert(f->s, &sv), 0);
	e.client_id = c.id;
	e.service_id = sv.id;
	snprintf(e.name, sizeof(e.name), "Research");
	snprintf(e.time_zone, sizeof(e.time_zone), "UTC");
	assert_int_equal(store_engagement_insert(f->s, &e), 0);
	it.engagement_id = e.id;
	it.client_id = c.id;
	assert_int_equal(store_item_insert(f->s, &it), 0);
	assert_int_equal(store_commit(f->s), 0);
	f->client = c.id;
	f->eng = e.id;
	f->item = it.id;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	const char *names[] = {"ahd.db", "ahd.db-wal", "ahd.db-shm"};
	char p[192];

	store_close(f->s);
	for (size_t i = 0; i < 3; i++) {
		snprintf(p, sizeof(p), "%s/%s", f->dir, names[i]);
		unlink(p);
	}
	rmdir(f->dir);
	free(f);
	return 0;
}

static int64_t add(struct fx *f, const char *title, int64_t due, const char *deliv)
{
	struct milestone_rec m = {.item_id = f->item, .client_id = f->client,
				  .engagement_id = f->eng, .title = (char *)title, .due_at = due,
				  .deliverable = (char *)deliv, .created_at = T0, .created_by = 3,
				  .updated_at = T0};

	assert_int_equal(store_begin(f->s), 0);
	assert_int_equal(store_milestone_insert(f->s, &m), 0);
	assert_int_equal(store_commit(f->s), 0);
	assert_true(m.id > 0);
	return m.id;
}

struct seen {
	int n;
	int64_t ids[8];
	char titles[8][32];
};

static int collect(void *ctx, const struct milestone_rec *m)
{
	struct seen *s = ctx;

	s->ids[s->n] = m->id;
	snprintf(s->titles[s->n], sizeof(s->titles[0]), "%s", m->title);
	s->n++;
	return 0;
}

static void test_round_trip(void **state)
{
	struct fx *f = *state;
	int64_t a = add(f, "Memo", T0 + 2000, NULL), b = add(f, "Outline", T0 + 1000, "v1");
	struct milestone_rec m;
	struct seen s = {0};
	int64_t n = 0;

	assert_int_equal(store_milestone_get(f->s, a, &m), 0);
	assert_string_equal(m.title, "Memo");
	assert_null(m.deliverable);
	assert_int_equal(m.item_id, f->item);
	assert_int_equal(m.client_id, f->client);
	assert_int_equal(m.created_by, 3);
	assert_false(m.submitted);
	milestone_rec_release(&m);
	/* By due time, then id. */
	assert_int_equal(store_milestone_list(f->s, f->item, collect, &s), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.ids[0], b);
	assert_string_equal(s.titles[1], "Memo");
	/* The writer's view: the record without its texts, and the count. */
	assert_int_equal(store_begin(f->s), 0);
	assert_int_equal(store_milestone_state_get(f->s, b, &m), 0);
	assert_null(m.title);
	assert_int_equal(m.due_at, T0 + 1000);
	assert_int_equal(store_milestone_count(f->s, f->item, &n), 0);
	assert_int_equal(n, 2);
	/* An update: NULL keeps the deliverable, the mark and its time change. */
	m.submitted = true;
	m.submitted_at = T0 + 5;
	m.submitted_by = 9;
	m.updated_at = T0 + 5;
	assert_int_equal(store_milestone_update(f->s, &m), 0);
	m.id = 999;
	assert_int_equal(store_milestone_update(f->s, &m), ERR_NOTFOUND);
	assert_int_equal(store_milestone_state_get(f->s, 999, &m), ERR_NOTFOUND);
	assert_int_equal(store_commit(f->s), 0);
	assert_int_equal(store_milestone_get(f->s, b, &m), 0);
	assert_string_equal(m.deliverable, "v1");
	assert_true(m.submitted);
	assert_int_equal(m.submitted_by, 9);
	milestone_rec_release(&m);
}

static void test_purge_and_ids(void **state)
{
	struct fx *f = *state;
	int64_t a = add(f, "Memo", T0, NULL), items = 0, events = 0, n = 0;
	struct item_rec it = {.id = f->item, .state = ITEM_DONE};
	struct event_rec ev = {.item_id = f->item, .at = T0, .action = "create",
			       .to_state = ITEM_QUEUED};
	struct milestone_rec m;
	struct seen s = {0};

	assert_int_equal(store_begin(f->s), 0);
	assert_int_equal(store_event_insert(f->s, &ev), 0);
	assert_int_equal(store_item_update(f->s, &it), 0);
	/* A finished item purged takes its milestones with it. */
	assert_int_equal(store_item_purge(f->s, f->eng, T0 + 1, 10, false, &items, &events), 0);
	assert_int_equal(items, 1);
	assert_int_equal(store_milestone_count(f->s, f->item, &n), 0);
	assert_int_equal(n, 0);
	assert_int_equal(store_commit(f->s), 0);
	assert_int_equal(store_milestone_get(f->s, a, &m), ERR_NOTFOUND);
	assert_int_equal(store_milestone_list(f->s, f->item, collect, &s), 0);
	assert_int_equal(s.n, 0);
	/* An id is never given twice (a sealed value's additional data names it). */
	{
		struct item_rec it2 = {.engagement_id = f->eng, .client_id = f->client,
				       .priority = 5, .created_at = T0, .due_at = T0,
				       .state = ITEM_QUEUED, .payload = "{}"};

		assert_int_equal(store_begin(f->s), 0);
		assert_int_equal(store_item_insert(f->s, &it2), 0);
		assert_int_equal(store_commit(f->s), 0);
		f->item = it2.id;
	}
	assert_true(add(f, "Again", T0, NULL) > a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_purge_and_ids, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
