/* test_app_records.c - the record use cases: each input rule once, and the policy's answers. */
/* cmocka needs these before it. */
// clang-format off
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "unit.h"
// clang-format on

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/audit.h"
#include "app/clients.h"
#include "app/engagements.h"
#include "app/people.h"
#include "app/services.h"
#include "util/err.h"

/* ---------------------------------------------------------------- fixture */

struct fx {
	char dir[64];
	char path[128];
	struct store *s;
	struct engine *e;
	struct app app;
	int64_t acme, lex, bpo_acme, bpo_lex, w1, w2;
	struct actor manager, auditor, worker, client; /* worker: w1, cleared for acme only */
	struct cmd c;
};

/* Runs the write t of in as the local admin through the use case and the engine. */
static int64_t make(struct fx *f, enum cmd_type t, const void *in)
{
	struct buf err = BUF_INIT;
	int rc;

	memset(&f->c, 0, sizeof(f->c));
	rc = app_write(&f->app, &AUTH_LOCAL_ADMIN, t, in, &f->c, &err);
	if (rc)
		fail_msg("write %d: %s", t, buf_str(&err));
	f->c.actor = &AUTH_LOCAL_ADMIN;
	assert_int_equal(app_call(&f->app, &f->c), 0);
	buf_release(&err);
	return f->c.result.id;
}

static int64_t engagement(struct fx *f, int64_t client)
{
	struct app_level_in sk = {.code = "data_entry", .level = 2};
	struct engagement_in in = ENGAGEMENT_IN_INIT;

	in.client_id = client;
	in.service_code = "forms";
	in.name = "Forms";
	in.skills = &sk;
	in.n_skills = 1;
	in.sla_s = 86400;
	return make(f, CMD_ENGAGEMENT_CREATE, &in);
}

static int64_t worker(struct fx *f, const char *login, int64_t cleared)
{
	struct worker_in in = WORKER_IN_INIT;

	in.login = login;
	in.name = login;
	in.country = "PH";
	in.clear = &cleared;
	in.n_clear = 1;
	return make(f, CMD_WORKER_CREATE, &in);
}

static int setup(void **state)
{
	struct engine_opts o = {.batch_max = 64};
	struct fx *f = calloc(1, sizeof(*f));
	struct client_in acme = {.code = "acme", .name = "Acme", .time_zone = "Europe/Berlin"};
	struct client_in lex = {.code = "lex", .name = "Lex"};
	struct service_in forms = {.code = "forms", .name = "Forms", .kind = "bpo",
				   .category = "data"};
	struct user_in cu = {.name = "acme-user", .role = "client", .has_client_id = true};

	assert_non_null(f);
	unit_house_open(f->dir, sizeof(f->dir), f->path, sizeof(f->path), "ahd_app", &o, &f->s, &f->e,
			&f->app);

	f->acme = make(f, CMD_CLIENT_CREATE, &acme);
	f->lex = make(f, CMD_CLIENT_CREATE, &lex);
	make(f, CMD_SERVICE_CREATE, &forms);
	f->bpo_acme = engagement(f, f->acme);
	f->bpo_lex = engagement(f, f->lex);
	f->w1 = worker(f, "w1", f->acme);
	f->w2 = worker(f, "w2", f->lex);
	cu.client_id = f->acme;
	f->client = (struct actor){.user_id = make(f, CMD_USER_CREATE, &cu),
				   .role = ROLE_CLIENT, .client_id = f->acme};
	f->worker = (struct actor){.user_id = 99, .role = ROLE_WORKER, .worker_id = f->w1};
	f->manager = (struct actor){.user_id = 98, .role = ROLE_MANAGER};
	f->auditor = (struct actor){.user_id = 97, .role = ROLE_AUDITOR};
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	unit_house_close(f->e, f->s, f->dir);
	free(f);
	return 0;
}

/* ---------------------------------------------------------------- input rules */

static void test_client_and_service_rules(void **state)
{
	struct fx *f = *state;
	struct buf err = BUF_INIT;
	struct client_in in = {.code = "a b", .name = "A"};
	struct service_in sv = {.code = "x", .name = "X", .kind = "bxo", .category = "c"};
	struct cmd *c = &f->c;

	unit_assert_invalid(app_client_create(&f->app, &AUTH_LOCAL_ADMIN, &in, c, &err), &err, "code");
	in = (struct client_in){.code = "ok"};
	unit_assert_invalid(app_client_create(&f->app, &AUTH_LOCAL_ADMIN, &in, c, &err), &err, "name");
	in = (struct client_in){.code = "ok", .name = "Ok", .time_zone = "Nowhere/City"};
	unit_assert_invalid(app_client_create(&f->app, &AUTH_LOCAL_ADMIN, &in, c, &err), &err,
		       "time_zone");
	in.time_zone = NULL; /* UTC */
	assert_int_equal(app_client_create(&f->app, &AUTH_LOCAL_ADMIN, &in, c, &err), 0);
	assert_string_equal(c->u.client.time_zone, "UTC");
	unit_assert_invalid(app_service_create(&f->app, &AUTH_LOCAL_ADMIN, &sv, c, &err), &err, "kind");
	/* Role first: a manager may not make clients, whatever the input. */
	assert_int_equal(app_client_create(&f->app, &f->manager, &in, c, &err), ERR_FORBIDDEN);
	buf_release(&err);
}

static void test_engagement_rules(void **state)
{
	struct fx *f = *state;
	struct buf err = BUF_INIT;
	struct app_level_in bad = {.code = "data_entry", .level = 6};
	struct engagement_in in = ENGAGEMENT_IN_INIT;
	struct cmd *c = &f->c;

	in.client_id = f->acme;
	in.service_code = "forms";
	in.name = "E";
	unit_assert_invalid(app_engagement_create(&f->app, &f->manager, &in, c, &err), &err,
		       "sla_seconds");
	in.sla_s = 3600;
	in.priority = 10;
	unit_assert_invalid(app_engagement_create(&f->app, &f->manager, &in, c, &err), &err,
		       "default_priority");
	in.priority = APP_ABSENT;
	in.service_id = 1;
	unit_assert_invalid(app_engagement_create(&f->app, &f->manager, &in, c, &err), &err,
		       "service_id");
	in.service_id = 0;
	in.skills = &bad;
	in.n_skills = 1;
	unit_assert_invalid(app_engagement_create(&f->app, &f->manager, &in, c, &err), &err,
		       "required_skills[0]");
	in.n_skills = 0;
	in.service_code = "nope";
	assert_int_equal(app_engagement_create(&f->app, &f->manager, &in, c, &err), ERR_NOTFOUND);
	buf_reset(&err);
	/* Defaults: priority 5, lease 30 min, the client's zone. */
	in.service_code = "forms";
	assert_int_equal(app_engagement_create(&f->app, &f->manager, &in, c, &err), 0);
	assert_int_equal(c->u.engagement.default_priority, 5);
	assert_int_equal(c->u.engagement.lease_ms, 1800 * 1000);
	assert_string_equal(c->u.engagement.time_zone, "Europe/Berlin");
	buf_release(&err);
}

static void test_user_and_worker_rules(void **state)
{
	struct fx *f = *state;
	struct buf err = BUF_INIT;
	struct user_in u = {.name = "c2", .role = "client"};
	struct worker_in w = WORKER_IN_INIT;
	int64_t zero = 0;
	struct cmd *c = &f->c;

	/* The client_id rule, both ways. */
	unit_assert_invalid(app_user_create(&f->app, &AUTH_LOCAL_ADMIN, &u, c, &err), &err,
		       "client_id");
	u = (struct user_in){.name = "m2", .role = "manager", .has_client_id = true,
			     .client_id = f->acme};
	unit_assert_invalid(app_user_create(&f->app, &AUTH_LOCAL_ADMIN, &u, c, &err), &err,
		       "client_id");
	u = (struct user_in){.name = "m2", .role = "boss"};
	unit_assert_invalid(app_user_create(&f->app, &AUTH_LOCAL_ADMIN, &u, c, &err), &err, "role");

	w.login = "w3";
	w.name = "W3";
	w.country = "ph";
	unit_assert_invalid(app_worker_create(&f->app, &f->manager, &w, c, &err), &err, "country");
	w.country = "PH";
	w.capacity = 0;
	unit_assert_invalid(app_worker_create(&f->app, &f->manager, &w, c, &err), &err, "capacity");
	w.capacity = APP_ABSENT;
	w.clear = &zero;
	w.n_clear = 1;
	unit_assert_invalid(app_worker_create(&f->app, &f->manager, &w, c, &err), &err, "clearances");
	w.n_clear = 0;
	w.currency = "usd";
	unit_assert_invalid(app_worker_create(&f->app, &f->manager, &w, c, &err), &err, "currency");
	buf_release(&err);
}

static int count(void *ctx, const struct app_rec *r)
{
	(void)r;
	(*(int *)ctx)++;
	return 0;
}

static void test_page_rules(void **state)
{
	struct fx *f = *state;
	struct buf err = BUF_INIT;
	struct app_page_in pg = {.limit = "0"};
	int64_t next;
	int n = 0;

	unit_assert_invalid(app_list(&f->app, &AUTH_LOCAL_ADMIN, APP_CLIENT, &pg, count, &n, &next, &err),
		       &err, "limit");
	pg = (struct app_page_in){.after = "x"};
	unit_assert_invalid(app_list(&f->app, &AUTH_LOCAL_ADMIN, APP_CLIENT, &pg, count, &n, &next, &err),
		       &err, "after");
	pg = (struct app_page_in){.client_id = "-1"};
	unit_assert_invalid(app_list(&f->app, &AUTH_LOCAL_ADMIN, APP_USER, &pg, count, &n, &next, &err),
		       &err, "client_id");
	pg = (struct app_page_in){.limit = "1"};
	assert_int_equal(
	    app_list(&f->app, &AUTH_LOCAL_ADMIN, APP_CLIENT, &pg, count, &n, &next, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(next, f->acme); /* a full page: more after it */
	buf_release(&err);
}

/* ---------------------------------------------------------------- the policy */

static void test_engagement_reads(void **state)
{
	struct fx *f = *state;
	struct buf err = BUF_INIT;
	struct engagement_rec e;

	/* A client user: its own client's only; another's reads as missing. */
	assert_int_equal(app_engagement_get(&f->app, &f->client, f->bpo_acme, &e, &err), 0);
	assert_int_equal(app_engagement_get(&f->app, &f->client, f->bpo_lex, &e, &err),
			 ERR_NOTFOUND);
	/* A worker: the engagements of clients it is cleared for (its store record). */
	assert_int_equal(app_engagement_get(&f->app, &f->worker, f->bpo_acme, &e, &err), 0);
	assert_int_equal(e.client_id, f->acme);
	assert_int_equal(app_engagement_get(&f->app, &f->worker, f->bpo_lex, &e, &err),
			 ERR_NOTFOUND);
	assert_int_equal(app_engagement_get(&f->app, &f->worker, 9999, &e, &err), ERR_NOTFOUND);
	/* A worker user without a worker record is cleared for nothing. */
	f->worker.worker_id = 0;
	assert_int_equal(app_engagement_get(&f->app, &f->worker, f->bpo_acme, &e, &err),
			 ERR_NOTFOUND);
	f->worker.worker_id = f->w1;
	assert_int_equal(app_engagement_get(&f->app, &f->auditor, f->bpo_lex, &e, &err), 0);
	assert_int_equal(err.len, 0); /* a hidden record says nothing */
	buf_release(&err);
}

static void test_lists_narrowed(void **state)
{
	struct fx *f = *state;
	struct buf err = BUF_INIT;
	struct app_page_in pg = {0};
	char other[24];
	int64_t next;
	int n = 0;

	assert_int_equal(app_list(&f->app, &f->manager, APP_USER, &pg, count, &n, &next, &err),
			 ERR_FORBIDDEN);
	buf_reset(&err);
	assert_int_equal(app_list(&f->app, &f->worker, APP_ENGAGEMENT, &pg, count, &n, &next, &err),
			 ERR_FORBIDDEN);
	buf_reset(&err);
	assert_int_equal(app_list(&f->app, &f->manager, APP_AUDIT, &pg, count, &n, &next, &err),
			 ERR_FORBIDDEN);
	buf_reset(&err);
	/* A client user's lists: its own client, its engagements; another client's is empty. */
	assert_int_equal(app_list(&f->app, &f->client, APP_CLIENT, &pg, count, &n, &next, &err), 0);
	assert_int_equal(n, 1);
	n = 0;
	assert_int_equal(app_list(&f->app, &f->client, APP_ENGAGEMENT, &pg, count, &n, &next, &err),
			 0);
	assert_int_equal(n, 1);
	snprintf(other, sizeof(other), "%lld", (long long)f->lex);
	pg.client_id = other;
	n = 0;
	assert_int_equal(app_list(&f->app, &f->client, APP_ENGAGEMENT, &pg, count, &n, &next, &err),
			 0);
	assert_int_equal(n, 0);
	n = 0;
	assert_int_equal(app_list(&f->app, &f->manager, APP_ENGAGEMENT, &pg, count, &n, &next, &err),
			 0);
	assert_int_equal(n, 1);
	buf_release(&err);
}

static void test_people_reads(void **state)
{
	struct fx *f = *state;
	struct buf err = BUF_INIT;
	struct worker_rec *w = malloc(sizeof(*w));
	struct worker_status_in st = {.worker_id = f->w2, .status = "away"};
	struct client_rec cl;
	struct user_rec u;

	assert_non_null(w);
	assert_int_equal(app_worker_get(&f->app, &f->worker, f->w1, w, &err), 0);
	assert_int_equal(app_worker_get(&f->app, &f->worker, f->w2, w, &err), ERR_NOTFOUND);
	assert_int_equal(app_worker_get(&f->app, &f->manager, f->w2, w, &err), 0);
	assert_int_equal(app_worker_get(&f->app, &f->client, f->w1, w, &err), ERR_FORBIDDEN);
	buf_reset(&err);
	/* Another worker's status is "no such worker" before the input is looked at. */
	st.status = "asleep";
	assert_int_equal(app_worker_status(&f->app, &f->worker, &st, &f->c, &err), ERR_NOTFOUND);
	st.worker_id = f->w1;
	unit_assert_invalid(app_worker_status(&f->app, &f->worker, &st, &f->c, &err), &err, "status");
	assert_int_equal(app_user_get(&f->app, &f->manager, 1, &u, &err), ERR_FORBIDDEN);
	buf_reset(&err);
	assert_int_equal(app_client_get(&f->app, &f->client, f->lex, &cl, &err), ERR_NOTFOUND);
	assert_int_equal(app_client_get(&f->app, &f->client, f->acme, &cl, &err), 0);
	assert_string_equal(cl.code, "acme");
	assert_int_equal(app_client_get(&f->app, &f->worker, f->acme, &cl, &err), ERR_FORBIDDEN);
	free(w);
	buf_release(&err);
}

static void test_tokens_and_audit(void **state)
{
	struct fx *f = *state;
	struct buf err = BUF_INIT;
	struct token_in t = {.user_name = "acme-user"};
	struct audit_check ck;

	assert_int_equal(make(f, CMD_TOKEN_CREATE, &t), f->client.user_id);
	assert_int_equal(strncmp(f->c.result.token, "ahd_", 4), 0);
	t.user_name = "nobody";
	assert_int_equal(app_token_create(&f->app, &AUTH_LOCAL_ADMIN, &t, &f->c, &err),
			 ERR_NOTFOUND);
	buf_reset(&err);
	assert_int_equal(app_token_create(&f->app, &f->manager, &t, &f->c, &err), ERR_FORBIDDEN);
	buf_reset(&err);
	assert_int_equal(app_audit_verify(&f->app, &f->auditor, &ck, &err), 0);
	assert_true(ck.checked > 0);
	assert_int_equal(ck.first_bad, 0);
	assert_int_equal(app_audit_verify(&f->app, &f->manager, &ck, &err), ERR_FORBIDDEN);
	buf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_client_and_service_rules, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_engagement_rules, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_user_and_worker_rules, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_page_rules, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_engagement_reads, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_lists_narrowed, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_people_reads, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_tokens_and_audit, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
