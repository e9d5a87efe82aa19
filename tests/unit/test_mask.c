/* test_mask.c - masks against values worked out by hand, the policy's field masks, and a
 * clearance that lapses in routing at the moment the engine's clock passes its expiry, and an
 * ethical wall that holds for its days. */
/* cmocka needs these before it. */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "unit.h"
// clang-format on

#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/route.h"
#include "engine/engine.h"
#include "sec/policy.h"
#include "util/mask.h"

/* mask_text(m, s) as a string (static buffer: one at a time). */
static const char *masked(enum mask_kind m, const char *s)
{
	static char out[256];
	struct buf b = BUF_INIT;

	assert_int_equal(mask_text(m, s, strlen(s), &b), 0);
	snprintf(out, sizeof(out), "%s", buf_str(&b));
	buf_release(&b);
	return out;
}

static void test_last4(void **state)
{
	(void)state;
	assert_string_equal(masked(MASK_LAST4, "4111111111111111"), "************1111");
	assert_string_equal(masked(MASK_LAST4, "12345"), "*2345");
	/* Four characters or fewer: all of it would show, so none of it does. */
	assert_string_equal(masked(MASK_LAST4, "1234"), "****");
	assert_string_equal(masked(MASK_LAST4, "12"), "**");
	assert_string_equal(masked(MASK_LAST4, ""), "");
	/* Characters, not bytes: "São Paulo" is 9 characters in 10 bytes. */
	assert_string_equal(masked(MASK_LAST4, "S\xc3\xa3o Paulo"), "*****aulo");
	/* 日本語テキスト: 7 characters of 3 bytes each; the last 4 are テキスト. */
	assert_string_equal(masked(MASK_LAST4, "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9e\xe3\x83\x86"
					       "\xe3\x82\xad\xe3\x82\xb9\xe3\x83\x88"),
			    "***\xe3\x83\x86\xe3\x82\xad\xe3\x82\xb9\xe3\x83\x88");
	/* 😀 is one character of 4 bytes: "ab😀cd" keeps "b😀cd". */
	assert_string_equal(masked(MASK_LAST4, "ab\xf0\x9f\x98\x80" "cd"),
			    "*b\xf0\x9f\x98\x80" "cd");
}

static void test_initials_hidden(void **state)
{
	(void)state;
	assert_string_equal(masked(MASK_INITIALS, "Ada Lovelace"), "A.L.");
	assert_string_equal(masked(MASK_INITIALS, "  \xc3\x89mile   de\tla\nTour "),
			    "\xc3\x89.d.l.T.");
	assert_string_equal(masked(MASK_INITIALS, "\xc3\x9c"), "\xc3\x9c.");
	assert_string_equal(masked(MASK_INITIALS, ""), "");
	assert_string_equal(masked(MASK_INITIALS, "   "), "");
	assert_string_equal(masked(MASK_HIDDEN, "123-45-6789"), "***");
	assert_string_equal(masked(MASK_HIDDEN, ""), "***");
	assert_string_equal(masked(MASK_NONE, "as is"), "as is");
}

static void test_names(void **state)
{
	enum mask_kind m = MASK_NONE;

	(void)state;
	assert_int_equal(mask_parse("last4", &m), 0);
	assert_int_equal(m, MASK_LAST4);
	assert_int_equal(mask_parse("initials", &m), 0);
	assert_int_equal(m, MASK_INITIALS);
	assert_int_equal(mask_parse("hidden", &m), 0);
	assert_int_equal(m, MASK_HIDDEN);
	assert_int_equal(mask_parse("none", &m), ERR_INVALID);
	assert_int_equal(mask_parse("LAST4", &m), ERR_INVALID);
	assert_int_equal(mask_parse(NULL, &m), ERR_INVALID);
	assert_string_equal(mask_name(MASK_INITIALS), "initials");
}

static void test_payload(void **state)
{
	const struct mask_field f[] = {
		{ "holder", MASK_INITIALS }, { "card", MASK_LAST4 }, { "nested", MASK_LAST4 },
		{ "absent", MASK_HIDDEN },   { "keep", MASK_NONE },  { "flag", MASK_INITIALS },
	};
	char *out = NULL;

	(void)state;
	assert_int_equal(mask_payload("{\"holder\":\"Ada Lovelace\",\"card\":4111111111111111,"
				      "\"nested\":{\"card\":\"4111\"},\"keep\":\"x\",\"flag\":true,"
				      "\"other\":[1,2]}",
				      f, sizeof(f) / sizeof(f[0]), &out),
			 0);
	assert_string_equal(out, "{\"holder\":\"A.L.\",\"card\":\"************1111\","
				 "\"nested\":\"***\",\"keep\":\"x\",\"flag\":\"***\",\"other\":[1,2]}");
	free(out);
	/* Only an object has fields: a list stays as it is. */
	assert_int_equal(mask_payload("[{\"card\":\"4111111111111111\"}]", f, 2, &out), 0);
	assert_string_equal(out, "[{\"card\":\"4111111111111111\"}]");
	free(out);
	assert_int_equal(mask_payload("{\"card\":", f, 2, &out), ERR_INVALID);
	assert_null(out);
	char detail[64];
	const char *names[] = { "card", "holder" };

	assert_int_equal(mask_fields_detail(names, 2, detail, sizeof(detail)), 0);
	assert_string_equal(detail, "{\"fields\":[\"card\",\"holder\"]}");
	assert_int_equal(mask_fields_detail(names, 2, detail, 10), ERR_TOOBIG);
}

/* ------------------------------------------------------------------ the policy */

static void test_policy_field_mask(void **state)
{
	static const int64_t clear[] = { 1, 2 };
	static const int64_t until[] = { 0, 5000 };
	static const char unmasked[][MODEL_CODE_MAX] = { "holder" };
	struct actor worker = { .role = ROLE_WORKER, .worker_id = 7, .user_id = 1 };
	struct actor client = { .role = ROLE_CLIENT, .client_id = 1, .user_id = 2 };
	struct actor other = { .role = ROLE_CLIENT, .client_id = 2, .user_id = 3 };
	struct actor admin = { .role = ROLE_ADMIN, .user_id = 4 };
	struct actor auditor = { .role = ROLE_AUDITOR, .user_id = 5 };
	struct policy_scope sc = { .client_id = 1, .lease_worker_id = 7, .clear = clear,
				   .n_clear = 2, .clear_until = until, .now = 1000,
				   .unmasked = unmasked, .n_unmasked = 1 };

	(void)state;
	assert_int_equal(policy_field_mask(&worker, POL_ITEM_PAYLOAD, &sc, "holder", MASK_INITIALS),
			 MASK_NONE);
	assert_int_equal(policy_field_mask(&worker, POL_ITEM_PAYLOAD, &sc, "card", MASK_LAST4),
			 MASK_LAST4);
	assert_int_equal(policy_field_mask(&worker, POL_ITEM_UNMASK, &sc, "card", MASK_LAST4),
			 MASK_LAST4);
	assert_int_equal(policy_field_mask(&client, POL_ITEM_PAYLOAD, &sc, "card", MASK_LAST4),
			 MASK_NONE);
	assert_int_equal(policy_field_mask(&other, POL_ITEM_PAYLOAD, &sc, "card", MASK_LAST4),
			 MASK_LAST4);
	assert_int_equal(policy_field_mask(&admin, POL_ITEM_PAYLOAD, &sc, "card", MASK_HIDDEN),
			 MASK_HIDDEN);
	assert_int_equal(policy_field_mask(&admin, POL_ITEM_UNMASK, &sc, "card", MASK_HIDDEN),
			 MASK_NONE);
	assert_int_equal(policy_field_mask(&auditor, POL_ITEM_UNMASK, &sc, "card", MASK_HIDDEN),
			 MASK_HIDDEN);
	assert_int_equal(policy_field_mask(&worker, POL_ITEM_PAYLOAD, &sc, "x", MASK_NONE),
			 MASK_NONE);

	/* Client 2's clearance lapses at 5000: the field it unmasked is masked from then on. */
	sc.client_id = 2;
	sc.now = 4999;
	assert_int_equal(policy_check(&worker, POL_ENGAGEMENT_READ, &sc), POLICY_ALLOW);
	assert_int_equal(policy_field_mask(&worker, POL_ITEM_PAYLOAD, &sc, "holder", MASK_INITIALS),
			 MASK_NONE);
	sc.now = 5000;
	assert_int_equal(policy_check(&worker, POL_ENGAGEMENT_READ, &sc), POLICY_HIDE);
	assert_int_equal(policy_check(&worker, POL_ITEM_SUBMIT, &sc), POLICY_ALLOW); /* its lease */
	assert_int_equal(policy_field_mask(&worker, POL_ITEM_PAYLOAD, &sc, "holder", MASK_INITIALS),
			 MASK_INITIALS);
}

static void test_clear_sort_and_route(void **state)
{
	struct worker_rec *w = calloc(1, sizeof(*w));

	(void)state;
	assert_non_null(w);
	/* Given: 9 (until 100), 3, 9 again (until 7: the first wins), 5 (until 1000). */
	w->n_clear = 4;
	w->clear[0] = 9, w->clear_until[0] = 100;
	w->clear[1] = 3, w->clear_until[1] = 0;
	w->clear[2] = 9, w->clear_until[2] = 7;
	w->clear[3] = 5, w->clear_until[3] = 1000;
	w->n_terms = 2;
	w->terms[0].client_id = 5;
	w->terms[1].client_id = 42; /* not cleared: dropped */
	worker_clear_sort(w);
	assert_int_equal(w->n_clear, 3);
	assert_int_equal(w->clear[0], 3);
	assert_int_equal(w->clear_until[0], 0);
	assert_int_equal(w->clear[1], 5);
	assert_int_equal(w->clear_until[1], 1000);
	assert_int_equal(w->clear[2], 9);
	assert_int_equal(w->clear_until[2], 100);
	assert_int_equal(w->n_terms, 1);
	assert_non_null(worker_terms(w, 5));
	assert_null(worker_terms(w, 42));
	assert_true(route_cleared(w, 3, INT64_MAX));
	assert_true(route_cleared(w, 5, 999));
	assert_false(route_cleared(w, 5, 1000));
	assert_false(route_cleared(w, 4, 0));
	free(w);
}

/* ------------------------------------------------------------------ routing by the clock */

#define T0 1700000000000LL
static atomic_llong fake_now;

static int64_t fake_clock(void *arg)
{
	(void)arg;
	return (int64_t)atomic_load(&fake_now);
}

static int64_t created(struct engine *e, struct cmd *c)
{
	c->actor = &AUTH_LOCAL_ADMIN;
	assert_int_equal(engine_call(e, c), 0);
	return c->result.id;
}

static void test_expiry_in_routing(void **state)
{
	struct engine_opts o = { .batch_max = 8, .tick_ms = 20, .clock = fake_clock };
	char dir[64], path[128];
	struct store *s;
	struct engine *e;
	struct app app;
	struct actor w = { .role = ROLE_WORKER };
	struct user_rec u;
	struct cmd *c = calloc(1, sizeof(*c));
	int64_t client, service, eng;

	(void)state;
	assert_non_null(c);
	atomic_store(&fake_now, T0);
	unit_house_open(dir, sizeof(dir), path, sizeof(path), "ahd_mask", &o, &s, &e, &app);
	*c = (struct cmd){ .type = CMD_CLIENT_CREATE };
	snprintf(c->u.client.code, sizeof(c->u.client.code), "acme");
	snprintf(c->u.client.time_zone, sizeof(c->u.client.time_zone), "UTC");
	client = created(e, c);
	*c = (struct cmd){ .type = CMD_SERVICE_CREATE };
	snprintf(c->u.service.code, sizeof(c->u.service.code), "forms");
	service = created(e, c);
	*c = (struct cmd){ .type = CMD_ENGAGEMENT_CREATE };
	c->u.engagement.client_id = client;
	c->u.engagement.service_id = service;
	c->u.engagement.sla_ms = 3600000;
	c->u.engagement.default_priority = 5;
	c->u.engagement.lease_ms = 60000;
	snprintf(c->u.engagement.time_zone, sizeof(c->u.engagement.time_zone), "UTC");
	eng = created(e, c);
	*c = (struct cmd){ .type = CMD_WORKER_CREATE };
	snprintf(c->u.worker.login, sizeof(c->u.worker.login), "w1");
	c->u.worker.rec.capacity = 5;
	c->u.worker.rec.n_clear = 1;
	c->u.worker.rec.clear[0] = client;
	c->u.worker.rec.clear_until[0] = T0 + 1000; /* lapses one second in */
	w.worker_id = created(e, c);
	assert_int_equal(store_user_by_name(s, "w1", &u), 0);
	w.user_id = u.id;
	for (int i = 0; i < 2; i++) {
		*c = (struct cmd){ .type = CMD_ITEM_CREATE };
		c->u.item_create.engagement_id = eng;
		c->u.item_create.payload = "{\"n\":1}";
		created(e, c);
	}

	atomic_store(&fake_now, T0 + 999);
	*c = (struct cmd){ .type = CMD_ITEM_NEXT, .actor = &w };
	assert_int_equal(engine_call(e, c), 0);
	assert_int_equal(c->result.outcome, CMD_OUT_OK); /* a millisecond before: routed */
	atomic_store(&fake_now, T0 + 1000);
	*c = (struct cmd){ .type = CMD_ITEM_NEXT, .actor = &w };
	assert_int_equal(engine_call(e, c), 0);
	assert_int_equal(c->result.outcome, CMD_OUT_NONE); /* at the expiry: not any more */
	assert_int_equal(c->result.none_reason, ROUTE_NOT_CLEARED);
	unit_house_close(e, s, dir);
	free(c);
}

/* A worker who submitted a competitor's item is kept behind the wall for wall_days, then not. */
static void test_wall_in_routing(void **state)
{
	struct engine_opts o = { .batch_max = 8, .tick_ms = 20, .clock = fake_clock };
	char dir[64], path[128];
	struct store *s;
	struct engine *e;
	struct app app;
	struct actor w = { .role = ROLE_WORKER };
	struct user_rec u;
	struct cmd *c = calloc(1, sizeof(*c));
	int64_t comp, client, service, eng[2], item;

	(void)state;
	assert_non_null(c);
	atomic_store(&fake_now, T0);
	unit_house_open(dir, sizeof(dir), path, sizeof(path), "ahd_wall", &o, &s, &e, &app);
	*c = (struct cmd){ .type = CMD_CLIENT_CREATE };
	snprintf(c->u.client.code, sizeof(c->u.client.code), "comp");
	comp = created(e, c);
	*c = (struct cmd){ .type = CMD_CLIENT_CREATE };
	snprintf(c->u.client.code, sizeof(c->u.client.code), "acme");
	client = created(e, c);
	*c = (struct cmd){ .type = CMD_SERVICE_CREATE };
	snprintf(c->u.service.code, sizeof(c->u.service.code), "forms");
	service = created(e, c);
	for (int i = 0; i < 2; i++) {
		*c = (struct cmd){ .type = CMD_ENGAGEMENT_CREATE };
		c->u.engagement.client_id = i ? client : comp;
		c->u.engagement.service_id = service;
		c->u.engagement.sla_ms = 3600000;
		c->u.engagement.default_priority = 5;
		c->u.engagement.lease_ms = 60000;
		if (i) { /* acme's engagement walls off who worked for comp in the last 2 days */
			c->u.engagement.n_wall = 1;
			c->u.engagement.wall[0] = comp;
			c->u.engagement.wall_days = 2;
		}
		eng[i] = created(e, c);
	}
	*c = (struct cmd){ .type = CMD_WORKER_CREATE };
	snprintf(c->u.worker.login, sizeof(c->u.worker.login), "w1");
	c->u.worker.rec.capacity = 5;
	c->u.worker.rec.n_clear = 2;
	c->u.worker.rec.clear[0] = comp;
	c->u.worker.rec.clear[1] = client;
	w.worker_id = created(e, c);
	assert_int_equal(store_user_by_name(s, "w1", &u), 0);
	w.user_id = u.id;
	*c = (struct cmd){ .type = CMD_ITEM_CREATE };
	c->u.item_create.engagement_id = eng[0];
	c->u.item_create.payload = "{}";
	item = created(e, c);
	*c = (struct cmd){ .type = CMD_ITEM_NEXT, .actor = &w };
	assert_int_equal(engine_call(e, c), 0);
	assert_int_equal(c->result.id, item); /* worked for comp at T0 */
	*c = (struct cmd){ .type = CMD_ITEM_SUBMIT, .actor = &w };
	c->u.op.item_id = item;
	c->u.op.epoch = 1;
	c->u.op.result_json = "{}";
	assert_int_equal(engine_call(e, c), 0);
	*c = (struct cmd){ .type = CMD_ITEM_CREATE };
	c->u.item_create.engagement_id = eng[1];
	c->u.item_create.payload = "{}";
	item = created(e, c);
	atomic_store(&fake_now, T0 + 2 * 86400000LL - 1);
	*c = (struct cmd){ .type = CMD_ITEM_NEXT, .actor = &w };
	assert_int_equal(engine_call(e, c), 0);
	assert_int_equal(c->result.outcome, CMD_OUT_NONE); /* a millisecond inside the wall */
	assert_int_equal(c->result.none_reason, ROUTE_NOT_CLEARED);
	atomic_store(&fake_now, T0 + 2 * 86400000LL);
	*c = (struct cmd){ .type = CMD_ITEM_NEXT, .actor = &w };
	assert_int_equal(engine_call(e, c), 0);
	assert_int_equal(c->result.id, item); /* the wall is behind it */
	unit_house_close(e, s, dir);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_last4),
		cmocka_unit_test(test_initials_hidden),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_payload),
		cmocka_unit_test(test_policy_field_mask),
		cmocka_unit_test(test_clear_sort_and_route),
		cmocka_unit_test(test_expiry_in_routing),
		cmocka_unit_test(test_wall_in_routing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
