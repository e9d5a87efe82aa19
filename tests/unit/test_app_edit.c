/* test_app_edit.c - the edit and switch use cases: each input rule once, and the policy's answers. */
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

#include "app/clients.h"
#include "app/engagements.h"
#include "app/items.h"
#include "app/people.h"
#include "app/services.h"
#include "util/err.h"

struct fx {
	char dir[64];
	char path[128];
	struct store *s;
	struct engine *e;
	struct app app;
	int64_t acme, forms, legal, bpo, w1, mgr;
	struct actor manager, worker, client;
	struct cmd c;
};

/* Runs the write t of in as the local admin: use case, then engine. OUT: its rc. */
static int write_as(struct fx *f, const struct actor *a, enum cmd_type t, const void *in)
{
	struct buf err = BUF_INIT;
	int rc;

	cmd_release(&f->c);
	memset(&f->c, 0, sizeof(f->c));
	rc = app_write(&f->app, a, t, in, &f->c, &err);
	buf_release(&err);
	if (rc)
		return rc;
	f->c.actor = a;
	return app_call(&f->app, &f->c);
}

static int64_t make(struct fx *f, enum cmd_type t, const void *in)
{
	assert_int_equal(write_as(f, &AUTH_LOCAL_ADMIN, t, in), 0);
	return f->c.result.id;
}

static int setup(void **state)
{
	struct engine_opts o = {.batch_max = 64};
	struct fx *f = calloc(1, sizeof(*f));
	struct client_in acme = {.code = "acme", .name = "Acme"};
	struct service_in forms = {.code = "forms", .name = "Forms", .kind = "bpo", .category = "d"};
	struct service_in legal = {.code = "legal", .name = "Legal", .kind = "kpo", .category = "l"};
	struct user_in mgr = {.name = "mgr", .role = "manager"};
	struct engagement_in e = ENGAGEMENT_IN_INIT;
	struct worker_in w = WORKER_IN_INIT;

	assert_non_null(f);
	unit_house_open(f->dir, sizeof(f->dir), f->path, sizeof(f->path), "ahd_appe", &o, &f->s, &f->e,
			&f->app);
	f->acme = make(f, CMD_CLIENT_CREATE, &acme);
	f->forms = make(f, CMD_SERVICE_CREATE, &forms);
	f->legal = make(f, CMD_SERVICE_CREATE, &legal);
	e.client_id = f->acme;
	e.service_code = "forms";
	e.name = "Forms";
	e.sla_s = 86400;
	f->bpo = make(f, CMD_ENGAGEMENT_CREATE, &e);
	w.login = "w1";
	w.name = "W1";
	w.country = "PH";
	w.clear = &f->acme;
	w.n_clear = 1;
	f->w1 = make(f, CMD_WORKER_CREATE, &w);
	f->mgr = make(f, CMD_USER_CREATE, &mgr);
	f->manager = (struct actor){.user_id = f->mgr, .role = ROLE_MANAGER};
	f->worker = (struct actor){.user_id = 99, .role = ROLE_WORKER, .worker_id = f->w1};
	f->client = (struct actor){.user_id = 98, .role = ROLE_CLIENT, .client_id = f->acme};
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	cmd_release(&f->c);
	unit_house_close(f->e, f->s, f->dir);
	free(f);
	return 0;
}

/* ---------------------------------------------------------------- input rules */

static void test_client_service_rules(void **state)
{
	struct fx *f = *state;
	struct buf err = BUF_INIT;
	struct client_in in = {.code = "acme2"};
	struct service_in sv = {.kind = "kpo"};
	struct cmd *c = &f->c;

	unit_assert_invalid(app_update(&f->app, &AUTH_LOCAL_ADMIN, APP_CLIENT, f->acme, &in, c, &err),
			    &err, "code");
	in = (struct client_in){.name = ""};
	unit_assert_invalid(app_update(&f->app, &AUTH_LOCAL_ADMIN, APP_CLIENT, f->acme, &in, c, &err),
			    &err, "name");
	in = (struct client_in){.time_zone = "Nowhere/City"};
	unit_assert_invalid(app_update(&f->app, &AUTH_LOCAL_ADMIN, APP_CLIENT, f->acme, &in, c, &err),
			    &err, "time_zone");
	in = (struct client_in){.name = "Acme Ltd"};
	unit_assert_invalid(app_update(&f->app, &AUTH_LOCAL_ADMIN, APP_CLIENT, 0, &in, c, &err), &err,
			    "id");
	assert_int_equal(app_update(&f->app, &f->manager, APP_CLIENT, f->acme, &in, c, &err),
			 ERR_FORBIDDEN);
	buf_release(&err);
	assert_int_equal(app_update(&f->app, &AUTH_LOCAL_ADMIN, APP_CLIENT, f->acme, &in, c, &err), 0);
	assert_int_equal(c->type, CMD_CLIENT_UPDATE);
	assert_int_equal(c->u.upd.fields, UPD_NAME); /* only what was given */
	assert_string_equal(c->u.upd.r.client.name, "Acme Ltd");

	unit_assert_invalid(app_update(&f->app, &AUTH_LOCAL_ADMIN, APP_SERVICE, f->forms, &sv, c, &err),
			    &err, "kind");
	sv = (struct service_in){.category = "no spaces"};
	unit_assert_invalid(app_update(&f->app, &AUTH_LOCAL_ADMIN, APP_SERVICE, f->forms, &sv, c, &err),
			    &err, "category");
}

static void test_engagement_rules(void **state)
{
	struct fx *f = *state;
	struct buf err = BUF_INIT;
	struct engagement_in in = ENGAGEMENT_IN_INIT;
	struct app_level_in bad = {.code = "typing", .level = 6};
	struct app_update_in u = {.id = f->bpo, .in = &in};
	struct engagement_rec got;
	struct cmd *c = &f->c;

	in.client_id = f->acme;
	unit_assert_invalid(app_update(&f->app, &f->manager, APP_ENGAGEMENT, f->bpo, &in, c, &err), &err,
			    "client_id");
	in = (struct engagement_in)ENGAGEMENT_IN_INIT;
	in.service_code = "legal";
	unit_assert_invalid(app_update(&f->app, &f->manager, APP_ENGAGEMENT, f->bpo, &in, c, &err), &err,
			    "service");
	in = (struct engagement_in)ENGAGEMENT_IN_INIT;
	in.lease_s = 600;
	in.lease_max_s = 300;
	unit_assert_invalid(app_update(&f->app, &f->manager, APP_ENGAGEMENT, f->bpo, &in, c, &err), &err,
			    "lease_max_seconds");
	in = (struct engagement_in)ENGAGEMENT_IN_INIT;
	in.sla_s = 0;
	unit_assert_invalid(app_update(&f->app, &f->manager, APP_ENGAGEMENT, f->bpo, &in, c, &err), &err,
			    "sla_seconds");
	in = (struct engagement_in)ENGAGEMENT_IN_INIT;
	in.priority = 10;
	unit_assert_invalid(app_update(&f->app, &f->manager, APP_ENGAGEMENT, f->bpo, &in, c, &err), &err,
			    "default_priority");
	in = (struct engagement_in)ENGAGEMENT_IN_INIT;
	in.skills = &bad;
	in.n_skills = 1;
	in.has_skills = true;
	unit_assert_invalid(app_update(&f->app, &f->manager, APP_ENGAGEMENT, f->bpo, &in, c, &err), &err,
			    "required_skills");
	assert_int_equal(app_update(&f->app, &f->worker, APP_ENGAGEMENT, f->bpo, &in, c, &err),
			 ERR_FORBIDDEN);
	buf_release(&err);

	/* Against live state: a maximum below the lease as it is (1800 s). */
	in = (struct engagement_in)ENGAGEMENT_IN_INIT;
	in.lease_max_s = 900;
	assert_int_equal(write_as(f, &f->manager, CMD_ENGAGEMENT_UPDATE, &u), ERR_INVALID);
	assert_non_null(strstr(c->result.message, "lease_max_seconds"));
	/* An empty list given clears the requirement; what is not given stays. */
	in = (struct engagement_in)ENGAGEMENT_IN_INIT;
	in.has_skills = true;
	in.lease_max_s = 3600;
	assert_int_equal(write_as(f, &f->manager, CMD_ENGAGEMENT_UPDATE, &u), 0);
	assert_int_equal(store_engagement_get(f->s, f->bpo, &got), 0);
	assert_int_equal(got.n_skills, 0);
	assert_int_equal(got.lease_max_ms, 3600000);
	assert_int_equal(got.sla_ms, 86400000);
	assert_string_equal(got.name, "Forms");
}

static void test_kpo_default_lease(void **state)
{
	struct fx *f = *state;
	struct engagement_in e = ENGAGEMENT_IN_INIT;
	struct engagement_rec got;
	int64_t id;

	e.client_id = f->acme;
	e.service_id = f->legal;
	e.name = "Memos";
	e.sla_s = 86400;
	id = make(f, CMD_ENGAGEMENT_CREATE, &e);
	assert_int_equal(store_engagement_get(f->s, id, &got), 0);
	assert_int_equal(got.lease_ms, (int64_t)ENGAGEMENT_LEASE_KPO_S * 1000);
	assert_int_equal(got.lease_max_ms, 4 * got.lease_ms);
	assert_true(got.active);
	e.service_id = f->forms;
	e.lease_s = 60;
	e.lease_max_s = 30;
	assert_int_equal(write_as(f, &AUTH_LOCAL_ADMIN, CMD_ENGAGEMENT_CREATE, &e), ERR_INVALID);
}

static void test_user_rules(void **state)
{
	struct fx *f = *state;
	struct buf err = BUF_INIT;
	struct user_in in = {.role = "client"};
	struct app_update_in u = {.id = f->mgr, .in = &in};
	struct user_rec w1u, got;
	struct cmd *c = &f->c;

	unit_assert_invalid(app_update(&f->app, &AUTH_LOCAL_ADMIN, APP_USER, f->mgr, &in, c, &err), &err,
			    "client_id");
	in = (struct user_in){.role = "manager", .has_client_id = true, .client_id = f->acme};
	unit_assert_invalid(app_update(&f->app, &AUTH_LOCAL_ADMIN, APP_USER, f->mgr, &in, c, &err), &err,
			    "client_id");
	in = (struct user_in){.role = "boss"};
	unit_assert_invalid(app_update(&f->app, &AUTH_LOCAL_ADMIN, APP_USER, f->mgr, &in, c, &err), &err,
			    "role");
	in = (struct user_in){.name = "a b"};
	unit_assert_invalid(app_update(&f->app, &AUTH_LOCAL_ADMIN, APP_USER, f->mgr, &in, c, &err), &err,
			    "name");
	assert_int_equal(app_update(&f->app, &f->manager, APP_USER, f->mgr, &in, c, &err),
			 ERR_FORBIDDEN);
	buf_release(&err);

	/* Against the store: client_id alone for a user who is not a client user. */
	in = (struct user_in){.has_client_id = true, .client_id = f->acme};
	assert_int_equal(write_as(f, &AUTH_LOCAL_ADMIN, CMD_USER_UPDATE, &u), ERR_INVALID);
	/* The client_id rule kept: to client with one, back to manager without. */
	in = (struct user_in){.role = "client", .has_client_id = true, .client_id = f->acme};
	assert_int_equal(write_as(f, &AUTH_LOCAL_ADMIN, CMD_USER_UPDATE, &u), 0);
	in = (struct user_in){.role = "manager"};
	assert_int_equal(write_as(f, &AUTH_LOCAL_ADMIN, CMD_USER_UPDATE, &u), 0);
	assert_int_equal(store_user_get(f->s, f->mgr, &got), 0);
	assert_int_equal(got.client_id, 0);
	assert_int_equal(got.role, ROLE_MANAGER);
	/* A worker's login keeps its role. */
	assert_int_equal(store_user_by_name(f->s, "w1", &w1u), 0);
	u.id = w1u.id;
	in = (struct user_in){.role = "admin"};
	assert_int_equal(write_as(f, &AUTH_LOCAL_ADMIN, CMD_USER_UPDATE, &u), ERR_CONFLICT);
	in = (struct user_in){.name = "mgr"};
	assert_int_equal(write_as(f, &AUTH_LOCAL_ADMIN, CMD_USER_UPDATE, &u), ERR_EXISTS);
}

static void test_worker_rules(void **state)
{
	struct fx *f = *state;
	struct buf err = BUF_INIT;
	struct worker_in in = WORKER_IN_INIT;
	int64_t zero = 0;
	struct cmd *c = &f->c;

	in.login = "w9";
	unit_assert_invalid(app_update(&f->app, &f->manager, APP_WORKER, f->w1, &in, c, &err), &err,
			    "login");
	in = (struct worker_in)WORKER_IN_INIT;
	in.status = "available";
	unit_assert_invalid(app_update(&f->app, &f->manager, APP_WORKER, f->w1, &in, c, &err), &err,
			    "status");
	in = (struct worker_in)WORKER_IN_INIT;
	in.capacity = 0;
	unit_assert_invalid(app_update(&f->app, &f->manager, APP_WORKER, f->w1, &in, c, &err), &err,
			    "capacity");
	in = (struct worker_in)WORKER_IN_INIT;
	in.country = "ph";
	unit_assert_invalid(app_update(&f->app, &f->manager, APP_WORKER, f->w1, &in, c, &err), &err,
			    "country");
	in = (struct worker_in)WORKER_IN_INIT;
	in.currency = "us";
	unit_assert_invalid(app_update(&f->app, &f->manager, APP_WORKER, f->w1, &in, c, &err), &err,
			    "currency");
	in = (struct worker_in)WORKER_IN_INIT;
	in.clear = &zero;
	in.n_clear = 1;
	in.has_clear = true;
	unit_assert_invalid(app_update(&f->app, &f->manager, APP_WORKER, f->w1, &in, c, &err), &err,
			    "clearances");
	in = (struct worker_in)WORKER_IN_INIT;
	in.cost_minor = -1;
	unit_assert_invalid(app_update(&f->app, &f->manager, APP_WORKER, f->w1, &in, c, &err), &err,
			    "amount_minor");
	assert_int_equal(app_update(&f->app, &f->worker, APP_WORKER, f->w1, &in, c, &err),
			 ERR_FORBIDDEN);
	buf_release(&err);
	in = (struct worker_in)WORKER_IN_INIT;
	in.currency = "EUR";
	assert_int_equal(app_update(&f->app, &f->manager, APP_WORKER, f->w1, &in, c, &err), 0);
	assert_int_equal(c->u.upd.fields, UPD_CURRENCY);
}

static void test_switch_rules(void **state)
{
	struct fx *f = *state;
	struct buf err = BUF_INIT;
	struct item_op_in op = {.item_id = 1, .epoch = 1};
	struct app_active_in self = {.kind = APP_USER, .id = f->mgr, .active = false};
	struct cmd *c = &f->c;

	unit_assert_invalid(app_set_active(&f->app, &AUTH_LOCAL_ADMIN, APP_SERVICE, f->forms, false,
					   c, &err),
			    &err, "deactivated");
	assert_int_equal(app_set_active(&f->app, &f->manager, APP_USER, f->mgr, false, c, &err),
			 ERR_FORBIDDEN);
	buf_release(&err);
	assert_int_equal(app_set_active(&f->app, &f->worker, APP_WORKER, f->w1, true, c, &err),
			 ERR_FORBIDDEN);
	buf_release(&err);
	assert_int_equal(app_set_active(&f->app, &f->manager, APP_WORKER, f->w1, false, c, &err), 0);
	assert_int_equal(c->u.active.kind, ACTIVE_WORKER);
	assert_false(c->u.active.active);
	unit_assert_invalid(app_set_active(&f->app, &f->manager, APP_CLIENT, 0, false, c, &err),
			    &err, "id");
	/* Nobody switches themselves off (an admin acting as mgr's own user). */
	struct actor as_mgr_admin = {.user_id = f->mgr, .role = ROLE_ADMIN};
	assert_int_equal(write_as(f, &as_mgr_admin, CMD_RECORD_ACTIVE, &self), ERR_CONFLICT);
	assert_int_equal(app_item_renew(&f->app, &f->client, &op, c, &err), ERR_FORBIDDEN);
	buf_release(&err);
	assert_int_equal(app_item_renew(&f->app, &f->worker, &op, c, &err), 0);
	assert_int_equal(c->type, CMD_ITEM_RENEW);
	assert_int_equal(c->u.op.epoch, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_client_service_rules, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_engagement_rules, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_kpo_default_lease, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_user_rules, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_worker_rules, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_switch_rules, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
