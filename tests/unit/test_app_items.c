/* test_app_items.c - the item use cases on a temporary store: input rules once, the policy's
 * answers. */
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
#include <unistd.h>

#include "app/items.h"
#include "core/item.h"
#include "engine/engine.h"
#include "store/store.h"
#include "util/err.h"

#define T0 1700000000000LL /* 2023-11-14T22:13:20.000Z */

static atomic_llong fake_now;

static int64_t fake_clock(void *arg)
{
	(void)arg;
	return (int64_t)atomic_load(&fake_now);
}

/*
 * Two clients, acme and lex, each with a BPO engagement; worker w1 cleared
 * for acme only; a user of each client and an auditor. Items: A (acme,
 * leased to w1), U (acme, queued), L (lex, queued).
 */
struct fx {
	char dir[64];
	char path[128];
	struct store *s;
	struct engine *e;
	struct app app;
	int64_t acme, lex, eng_acme, eng_lex;
	int64_t a, u, l, a_epoch;
	struct actor w1, acme_user, lex_user, auditor;
};

static struct cmd *cmd_new(void)
{
	struct cmd *c = calloc(1, sizeof(*c));

	assert_non_null(c);
	return c;
}

static void cmd_free(struct cmd *c)
{
	cmd_release(c);
	free(c);
}

/* For the next use: a command is filled afresh each time. */
static void cmd_reset(struct cmd *c)
{
	cmd_release(c);
	memset(c, 0, sizeof(*c));
}

/* Runs c as the local admin; the record's id. */
static int64_t admin_create(struct fx *f, struct cmd *c)
{
	int64_t id;

	c->actor = &AUTH_LOCAL_ADMIN;
	assert_int_equal(app_call(&f->app, c), 0);
	assert_int_equal(c->result.outcome, CMD_OUT_CREATED);
	id = c->result.id;
	cmd_free(c);
	return id;
}

static int64_t client(struct fx *f, const char *code)
{
	struct cmd *c = cmd_new();

	c->type = CMD_CLIENT_CREATE;
	snprintf(c->u.client.code, sizeof(c->u.client.code), "%s", code);
	snprintf(c->u.client.name, sizeof(c->u.client.name), "%s", code);
	snprintf(c->u.client.time_zone, sizeof(c->u.client.time_zone), "UTC");
	return admin_create(f, c);
}

static int64_t engagement(struct fx *f, int64_t client_id, int64_t service)
{
	struct cmd *c = cmd_new();

	c->type = CMD_ENGAGEMENT_CREATE;
	c->u.engagement.client_id = client_id;
	c->u.engagement.service_id = service;
	snprintf(c->u.engagement.name, sizeof(c->u.engagement.name), "eng %lld",
		 (long long)client_id);
	c->u.engagement.sla_ms = 3600000;
	c->u.engagement.default_priority = 5;
	c->u.engagement.lease_ms = 60000;
	snprintf(c->u.engagement.time_zone, sizeof(c->u.engagement.time_zone), "UTC");
	return admin_create(f, c);
}

/* A user of role r (client users: of client_id) as an actor. */
static void user(struct fx *f, const char *name, enum role r, int64_t client_id, struct actor *out)
{
	struct cmd *c = cmd_new();

	c->type = CMD_USER_CREATE;
	snprintf(c->u.user.name, sizeof(c->u.user.name), "%s", name);
	c->u.user.role = r;
	c->u.user.client_id = client_id;
	memset(out, 0, sizeof(*out));
	out->user_id = admin_create(f, c);
	out->role = r;
	out->client_id = client_id;
	snprintf(out->name, sizeof(out->name), "%s", name);
}

static void worker(struct fx *f, const char *login, int64_t cleared, struct actor *out)
{
	struct cmd *c = cmd_new();
	struct user_rec u;

	c->type = CMD_WORKER_CREATE;
	snprintf(c->u.worker.login, sizeof(c->u.worker.login), "%s", login);
	snprintf(c->u.worker.rec.name, sizeof(c->u.worker.rec.name), "%s", login);
	c->u.worker.rec.capacity = 2;
	c->u.worker.rec.n_clear = 1;
	c->u.worker.rec.clear[0] = cleared;
	memset(out, 0, sizeof(*out));
	out->worker_id = admin_create(f, c);
	assert_int_equal(store_user_by_name(f->s, login, &u), 0);
	out->user_id = u.id;
	out->role = ROLE_WORKER;
	snprintf(out->name, sizeof(out->name), "%s", login);
}

/* An item created through the use case, as actor a. */
static int64_t item(struct fx *f, const struct actor *a, int64_t engagement_id)
{
	struct item_create_in in = ITEM_CREATE_IN_INIT;
	struct buf err = BUF_INIT;
	struct cmd *c = cmd_new();
	int64_t id;

	in.engagement_id = engagement_id;
	in.payload = "{\"k\":1}";
	assert_int_equal(app_item_create(&f->app, a, &in, c, &err), 0);
	assert_int_equal(app_call(&f->app, c), 0);
	assert_true(c->result.has_item);
	id = c->result.id;
	cmd_free(c);
	buf_release(&err);
	return id;
}

static int setup(void **state)
{
	struct engine_opts o = {.batch_max = 64, .tick_ms = 20, .clock = fake_clock};
	struct fx *f = calloc(1, sizeof(*f));
	struct buf err = BUF_INIT;
	struct cmd *c;
	int64_t bpo;

	assert_non_null(f);
	atomic_store(&fake_now, T0);
	unit_house_open(f->dir, sizeof(f->dir), f->path, sizeof(f->path), "ahd_items", &o, &f->s, &f->e,
			&f->app);

	f->acme = client(f, "acme");
	f->lex = client(f, "lex");
	c = cmd_new();
	c->type = CMD_SERVICE_CREATE;
	snprintf(c->u.service.code, sizeof(c->u.service.code), "forms");
	c->u.service.kind = KIND_BPO;
	bpo = admin_create(f, c);
	f->eng_acme = engagement(f, f->acme, bpo);
	f->eng_lex = engagement(f, f->lex, bpo);
	worker(f, "w1", f->acme, &f->w1);
	user(f, "acme-user", ROLE_CLIENT, f->acme, &f->acme_user);
	user(f, "lex-user", ROLE_CLIENT, f->lex, &f->lex_user);
	user(f, "aud", ROLE_AUDITOR, 0, &f->auditor);

	f->a = item(f, &f->acme_user, f->eng_acme);
	c = cmd_new();
	assert_int_equal(app_work_next(&f->app, &f->w1, 0, c, &err), 0);
	assert_int_equal(app_call(&f->app, c), 0);
	assert_int_equal(c->result.id, f->a);
	f->a_epoch = c->result.item.epoch;
	cmd_free(c);
	f->u = item(f, &f->acme_user, f->eng_acme);
	f->l = item(f, &f->lex_user, f->eng_lex);
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

static struct item_create_in create_ok(int64_t engagement_id)
{
	struct item_create_in in = ITEM_CREATE_IN_INIT;

	in.engagement_id = engagement_id;
	in.payload = "{\"form\":\"a\"}";
	return in;
}

static void test_create_rules(void **state)
{
	struct fx *f = *state;
	const struct actor *a = &AUTH_LOCAL_ADMIN;
	char long_ref[MODEL_REF_MAX + 1];
	struct buf err = BUF_INIT;
	struct cmd *c = cmd_new();
	struct item_create_in in;

	in = create_ok(0);
	unit_assert_invalid(app_item_create(&f->app, a, &in, c, &err), &err, "engagement_id");
	in = create_ok(f->eng_acme);
	in.payload = "\"a string\"";
	unit_assert_invalid(app_item_create(&f->app, a, &in, c, &err), &err, "payload");
	in.payload = NULL;
	unit_assert_invalid(app_item_create(&f->app, a, &in, c, &err), &err, "payload");
	in = create_ok(f->eng_acme);
	in.priority = 10;
	unit_assert_invalid(app_item_create(&f->app, a, &in, c, &err), &err, "priority");
	in.priority = 2.5;
	unit_assert_invalid(app_item_create(&f->app, a, &in, c, &err), &err, "priority");
	in = create_ok(f->eng_acme);
	in.due_at = "tomorrow";
	unit_assert_invalid(app_item_create(&f->app, a, &in, c, &err), &err, "due_at");
	in = create_ok(f->eng_acme);
	memset(long_ref, 'r', MODEL_REF_MAX);
	long_ref[MODEL_REF_MAX] = '\0';
	in.external_ref = long_ref;
	unit_assert_invalid(app_item_create(&f->app, a, &in, c, &err), &err, "external_ref");
	in.external_ref = "";
	unit_assert_invalid(app_item_create(&f->app, a, &in, c, &err), &err, "external_ref");

	/* Defaults applied, the command filled; nothing ran. */
	in = create_ok(f->eng_acme);
	in.payload = "  [1, 2]";
	in.external_ref = "po-7";
	in.due_at = "2026-01-31T17:00:00Z";
	assert_int_equal(app_item_create(&f->app, a, &in, c, &err), 0);
	assert_int_equal(c->type, CMD_ITEM_CREATE);
	assert_int_equal(c->u.item_create.priority, 0);
	assert_string_equal(c->u.item_create.external_ref, "po-7");
	assert_true(c->u.item_create.due_at > 0);
	/* A role the policy refuses is refused before its input is read. */
	assert_int_equal(app_item_create(&f->app, &f->auditor, &in, c, &err), ERR_FORBIDDEN);
	buf_release(&err);
	cmd_free(c);
}

static void test_op_and_list_rules(void **state)
{
	struct fx *f = *state;
	const struct actor *a = &AUTH_LOCAL_ADMIN;
	struct item_op_in in = {.item_id = f->u};
	struct item_list_in li = {.page = {.limit = 10}, .state = "open"};
	char reason[ITEM_REASON_MAX + 2];
	struct buf err = BUF_INIT;
	struct cmd *c = cmd_new();
	int64_t next;

	unit_assert_invalid(app_item_rework(&f->app, a, &in, c, &err), &err, "reason");
	in.reason = "";
	unit_assert_invalid(app_item_fail(&f->app, a, &in, c, &err), &err, "reason");
	memset(reason, 'x', sizeof(reason) - 1);
	reason[sizeof(reason) - 1] = '\0';
	in.reason = reason;
	unit_assert_invalid(app_item_cancel(&f->app, a, &in, c, &err), &err, "reason");
	in = (struct item_op_in){.item_id = f->a, .result = "{}"};
	unit_assert_invalid(app_item_submit(&f->app, &f->w1, &in, c, &err), &err, "epoch");
	unit_assert_invalid(app_work_next(&f->app, a, 0, c, &err), &err, "worker_id");
	unit_assert_invalid(app_item_list(&f->app, a, &li, NULL, NULL, &next, &err), &err, "state");
	/* A cancel takes its reason; accept and review take one as the approver's comments
	 * (the KPO review chain), submit ignores one. */
	in = (struct item_op_in){.item_id = f->u, .reason = "dup"};
	assert_int_equal(app_item_cancel(&f->app, a, &in, c, &err), 0);
	assert_int_equal(c->type, CMD_ITEM_CANCEL);
	assert_string_equal(c->u.op.reason, "dup");
	assert_int_equal(app_item_accept(&f->app, a, &in, c, &err), 0);
	assert_string_equal(c->u.op.reason, "dup");
	assert_int_equal(app_item_review(&f->app, a, &in, c, &err), 0);
	assert_string_equal(c->u.op.reason, "dup");
	in = (struct item_op_in){.item_id = f->u, .epoch = 1, .result = "{}", .reason = "x"};
	assert_int_equal(app_item_submit(&f->app, &f->w1, &in, c, &err), 0);
	assert_null(c->u.op.reason);
	cmd_free(c);
}

/* ---------------------------------------------------------------- the policy */

static int count_item(void *ctx, const struct item_rec *it)
{
	(void)it;
	(*(int *)ctx)++;
	return 0;
}

static int count_reads(void *ctx, const struct audit_rec *a)
{
	if (!strcmp(a->action, "item.read"))
		(*(int *)ctx)++;
	return 0;
}

static int item_reads(struct fx *f)
{
	int n = 0;

	assert_int_equal(store_audit_each(f->s, 0, count_reads, &n), 0);
	return n;
}

static void test_reads(void **state)
{
	struct fx *f = *state;
	struct buf err = BUF_INIT;
	struct item_read rd;
	int n;

	/* Hidden: another client's item, an item the worker does not lease. */
	assert_int_equal(app_item_get(&f->app, &f->acme_user, f->l, &rd, &err), ERR_NOTFOUND);
	item_read_release(&rd);
	buf_release(&err);
	assert_int_equal(app_item_get(&f->app, &f->w1, f->u, &rd, &err), ERR_NOTFOUND);
	item_read_release(&rd);
	buf_release(&err);
	assert_int_equal(app_item_history(&f->app, &f->w1, f->u, NULL, NULL, &err), ERR_NOTFOUND);
	buf_release(&err);
	assert_int_equal(item_reads(f), 0);

	/* The lease holder reads the payload, and the read was recorded first. */
	assert_int_equal(app_item_get(&f->app, &f->w1, f->a, &rd, &err), 0);
	assert_true(rd.with_payload);
	assert_string_equal(rd.item.payload, "{\"k\":1}");
	item_read_release(&rd);
	assert_int_equal(item_reads(f), 1);

	/* An auditor reads every item, never its payload, and no read is recorded. */
	assert_int_equal(app_item_get(&f->app, &f->auditor, f->l, &rd, &err), 0);
	assert_false(rd.with_payload);
	assert_null(rd.item.payload);
	assert_int_equal(rd.item.id, f->l);
	item_read_release(&rd);
	assert_int_equal(item_reads(f), 1);

	/* An audit that failed keeps the payload back. */
	{
		struct cmd *audit = cmd_new();

		assert_int_equal(app_item_get_begin(&f->app, &f->acme_user, f->a, &rd, audit, &err),
				 0);
		assert_true(rd.with_payload);
		assert_int_equal(audit->type, CMD_AUDIT);
		assert_int_equal(app_item_get_end(&f->app, &f->acme_user, ERR_IO, &rd, &err),
				 ERR_BUSY);
		assert_null(rd.item.payload);
		item_read_release(&rd);
		buf_release(&err);
		cmd_free(audit);
	}

	/* Lists: narrowed as the reads are; another client named shows nothing. */
	{
		struct item_list_in li = {.page = {.limit = 50}};
		int64_t next;

		n = 0;
		assert_int_equal(
		    app_item_list(&f->app, &f->acme_user, &li, count_item, &n, &next, &err), 0);
		assert_int_equal(n, 2);
		li.client_id = f->lex;
		n = 0;
		assert_int_equal(
		    app_item_list(&f->app, &f->acme_user, &li, count_item, &n, &next, &err), 0);
		assert_int_equal(n, 0);
		n = 0;
		assert_int_equal(
		    app_item_list(&f->app, &f->auditor, &li, count_item, &n, &next, &err), 0);
		assert_int_equal(n, 1);
		li.client_id = 0;
		n = 0;
		assert_int_equal(app_item_list(&f->app, &f->w1, &li, count_item, &n, &next, &err),
				 0);
		assert_int_equal(n, 1);
	}
}

/* Runs a submit by w1 through the engine. */
static int submit(struct fx *f, int64_t id, int64_t epoch)
{
	struct item_op_in in = {.item_id = id, .epoch = epoch, .result = "{\"ok\":true}"};
	struct buf err = BUF_INIT;
	struct cmd *c = cmd_new();
	int rc = app_item_submit(&f->app, &f->w1, &in, c, &err);

	assert_int_equal(rc, 0);
	rc = app_call(&f->app, c);
	cmd_free(c);
	buf_release(&err);
	return rc;
}

static void test_writes(void **state)
{
	struct fx *f = *state;
	struct item_op_in in = {.item_id = f->l, .reason = "not ours"};
	struct buf err = BUF_INIT;
	struct cmd *c = cmd_new();

	/* The engine asks the policy with the worker's live clearances. */
	assert_int_equal(submit(f, f->l, 1), ERR_NOTFOUND);
	assert_int_equal(submit(f, f->u, 1), ERR_STALE);
	assert_int_equal(submit(f, f->a, f->a_epoch), 0);
	/* Handed in, it is no longer the worker's: its list is its leases, as its reads are. */
	{
		struct item_list_in li = {.page = {.limit = 50}};
		int64_t next;
		int n = 0;

		assert_int_equal(app_item_list(&f->app, &f->w1, &li, count_item, &n, &next, &err),
				 0);
		assert_int_equal(n, 0);
		li.state = "submitted";
		assert_int_equal(app_item_list(&f->app, &f->w1, &li, count_item, &n, &next, &err),
				 0);
		assert_int_equal(n, 0);
	}

	/* A client's cancel of another client's item: hidden; a client's BPO approval: 403. */
	assert_int_equal(app_item_cancel(&f->app, &f->acme_user, &in, c, &err), 0);
	assert_int_equal(app_call(&f->app, c), ERR_NOTFOUND);
	cmd_reset(c);
	in.item_id = f->a;
	assert_int_equal(app_item_accept(&f->app, &f->acme_user, &in, c, &err), 0);
	assert_int_equal(app_call(&f->app, c), ERR_FORBIDDEN);
	assert_non_null(strstr(c->result.message, "KPO"));
	cmd_reset(c);
	/* Staff approve it. */
	assert_int_equal(app_item_accept(&f->app, &AUTH_LOCAL_ADMIN, &in, c, &err), 0);
	assert_int_equal(app_call(&f->app, c), 0);
	assert_int_equal(c->result.item.state, ITEM_DONE);
	cmd_reset(c);
	/* A client's create in another client's engagement: hidden. */
	{
		struct item_create_in ci = create_ok(f->eng_lex);

		assert_int_equal(app_item_create(&f->app, &f->acme_user, &ci, c, &err), 0);
		assert_int_equal(app_call(&f->app, c), ERR_NOTFOUND);
	}
	buf_release(&err);
	cmd_free(c);
}

/*
 * The window of a get-next under load: the engine committed the lease and
 * answered, then its clock passed the deadline before the payload was read
 * (the expiry runs at the start of the next batch). The read is the lease's:
 * the worker gets the item it was given, as leased. Once the item has been
 * leased again, the old answer is stale (409, ask again), never a 404.
 */
static void test_next_item_after_expiry(void **state)
{
	struct fx *f = *state;
	struct buf err = BUF_INIT;
	struct work_lease wl = {.item_id = f->a, .worker_id = f->w1.worker_id, .epoch = f->a_epoch};
	struct item_rec it;
	struct actor w2;
	struct cmd *c;

	atomic_store(&fake_now, T0 + 60000); /* the lease's deadline */
	(void)item(f, &f->lex_user, f->eng_lex); /* a batch: the lease expires */
	assert_int_equal(store_item_get(f->s, f->a, false, &it), 0);
	assert_int_equal(it.state, ITEM_QUEUED);
	item_rec_release(&it);

	assert_int_equal(app_work_next_item(&f->app, &f->w1, &wl, &it, &err), 0);
	assert_int_equal(it.id, f->a);
	assert_int_equal(it.state, ITEM_ASSIGNED);
	assert_int_equal(it.worker_id, f->w1.worker_id);
	assert_int_equal(it.epoch, f->a_epoch);
	assert_non_null(it.payload);
	assert_string_equal(it.payload, "{\"k\":1}");
	item_rec_release(&it);
	buf_release(&err);

	/* Leased again to w2: w1's answer is stale. */
	worker(f, "w2", f->acme, &w2);
	c = cmd_new();
	assert_int_equal(app_work_next(&f->app, &w2, 0, c, &err), 0);
	assert_int_equal(app_call(&f->app, c), 0);
	assert_int_equal(c->result.id, f->a);
	assert_int_equal(c->result.item.epoch, f->a_epoch + 1);
	cmd_free(c);
	assert_int_equal(app_work_next_item(&f->app, &f->w1, &wl, &it, &err), ERR_STALE);
	assert_non_null(strstr(buf_str(&err), "ask for work again"));
	assert_null(it.payload);
	item_rec_release(&it);
	buf_release(&err);
	/* w2 reads its own lease; w1 may not read it as w2's. */
	wl = (struct work_lease){
	    .item_id = f->a, .worker_id = w2.worker_id, .epoch = f->a_epoch + 1};
	assert_int_equal(app_work_next_item(&f->app, &w2, &wl, &it, &err), 0);
	assert_string_equal(it.payload, "{\"k\":1}");
	item_rec_release(&it);
	assert_int_equal(app_work_next_item(&f->app, &f->w1, &wl, &it, &err), ERR_NOTFOUND);
	item_rec_release(&it);
	buf_release(&err);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_create_rules, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_op_and_list_rules, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reads, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_writes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_next_item_after_expiry, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
