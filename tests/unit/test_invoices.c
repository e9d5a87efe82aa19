/*
 * test_invoices.c - invoices end to end through the use cases and the engine: a generated
 * month of time entries (fixed seed) in a locked period, the draft checked against the
 * total computed here entry by entry, a period not locked refused, issue numbers gap-free
 * across a credit note, a redraft and a restart of the store, what a line bills, another
 * client's invoice hidden, and the PDF and CSV rendered.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "app/billing.h"
#include "unit.h"
#include "wire/invoice.h"

#define H 3600000LL
#define NOV 1793491200000LL /* 2026-11-01T00:00:00Z */
#define DEC 1796083200000LL /* 2026-12-01T00:00:00Z */
#define OCT 1790812800000LL /* 2026-10-01T00:00:00Z */

static uint64_t rng = 0x2545F4914F6CDD1DULL;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

struct world {
	char dir[64], path[96];
	struct store *s;
	struct engine *e;
	struct app app;
	int64_t client, other_client, eng, workers[3];
	int64_t nov, dec, oct; /* periods */
	int64_t nov_ms;	       /* the billable time of November, counted here */
	int64_t nov_entries;
};

static void run_ok(struct world *w, struct cmd *c)
{
	app_call(&w->app, c);
	if (c->rc)
		fail_msg("command %d: %d %s", c->type, c->rc, c->result.message);
}

static int64_t period(struct world *w, int64_t from, int64_t to, enum period_state st,
		      const char *label)
{
	struct billing_period p = {.engagement_id = w->eng, .client_id = w->client,
				   .kind = PERIOD_MONTH, .starts_at = from, .ends_at = to,
				   .state = st, .created_at = to};

	snprintf(p.label, sizeof(p.label), "%s", label);
	assert_int_equal(store_period_insert(w->s, &p), 0);
	return p.id;
}

/* entries of a month: 1 s to 3 h, some not billable, some superseded by a correction */
static void entries(struct world *w, int64_t from, int64_t to, int n, bool count)
{
	for (int i = 0; i < n; i++) {
		struct time_entry t = {.engagement_id = w->eng, .client_id = w->client,
				       .kind = TIME_WORK};
		bool billable = next() % 10 != 0, superseded = next() % 25 == 0;

		t.worker_id = w->workers[next() % 3];
		t.started_at = from + (int64_t)(next() % (uint64_t)(to - from - 4 * H));
		t.duration_ms = 1000 + (int64_t)(next() % (3 * H));
		t.ended_at = t.started_at + t.duration_ms;
		t.billable = billable;
		t.superseded_by = superseded ? 999999 : 0;
		t.created_at = t.ended_at;
		assert_int_equal(store_time_entry_insert(w->s, &t), 0);
		if (count && billable && !superseded) {
			w->nov_ms += t.duration_ms;
			w->nov_entries++;
		}
	}
}

static void world_open(struct world *w)
{
	struct engine_opts o = {0};
	struct buf err = BUF_INIT;
	struct actor a;
	struct cmd c;

	memset(w, 0, sizeof(*w));
	unit_house_open(w->dir, sizeof(w->dir), w->path, sizeof(w->path), "invoices", &o, &w->s,
			&w->e, &w->app);
	unit_bpo_world(w->e, 60000, &w->client, &w->eng);
	c = (struct cmd){.type = CMD_CLIENT_CREATE};
	snprintf(c.u.client.code, sizeof(c.u.client.code), "globex");
	snprintf(c.u.client.name, sizeof(c.u.client.name), "Globex");
	snprintf(c.u.client.time_zone, sizeof(c.u.client.time_zone), "UTC");
	w->other_client = unit_create(w->e, &c);
	for (int i = 0; i < 3; i++) {
		char login[16];

		snprintf(login, sizeof(login), "op%d", i);
		unit_worker(w->e, w->s, w->client, login, 1, &a);
		w->workers[i] = a.worker_id;
	}
	/* the time and periods written straight into the store, the engine stopped */
	engine_stop(w->e);
	assert_int_equal(store_begin(w->s), 0);
	entries(w, NOV, DEC, 3000, true);
	entries(w, OCT, NOV, 500, false);
	entries(w, DEC, DEC + 20 * 86400000LL, 300, false);
	w->nov = period(w, NOV, DEC, PERIOD_LOCKED, "2026-11");
	w->oct = period(w, OCT, NOV, PERIOD_LOCKED, "2026-10");
	w->dec = period(w, DEC, DEC + 31 * 86400000LL, PERIOD_OPEN, "2026-12");
	assert_int_equal(store_commit(w->s), 0);
	assert_int_equal(engine_start(w->s, &o, &w->e, &err), 0);
	w->app.engine = w->e;
	buf_release(&err);
}

static void rates(struct world *w)
{
	struct cmd c = {0};
	struct buf err = BUF_INIT;

	assert_int_equal(
	    app_rates_set(&w->app, &AUTH_LOCAL_ADMIN, w->eng,
			  "{\"currency\":\"IDR\",\"hourly\":[{\"grade\":0,\"price\":\"73333.33\"}],"
			  "\"minimum\":\"1000.00\",\"tax\":[{\"name\":\"PPN\",\"rate_bp\":1100}]}",
			  &c, &err),
	    0);
	run_ok(w, &c);
	buf_release(&err);
}

static int64_t draft(struct world *w, int64_t period_id, int *rc_out)
{
	struct cmd c = {0};
	struct buf err = BUF_INIT;
	int rc = app_invoice_draft(&w->app, &AUTH_LOCAL_ADMIN, period_id, &c, &err);
	int64_t id = 0;

	if (!rc) {
		app_call(&w->app, &c);
		rc = c.rc;
		id = c.result.id;
	}
	if (rc && getenv("TEST_VERBOSE"))
		fprintf(stderr, "draft: %d %s %s\n", rc, buf_str(&err), c.result.message);
	free(c.u.invoice.draft);
	buf_release(&err);
	*rc_out = rc;
	return id;
}

static int act(struct world *w, int64_t id, enum invoice_act a, int64_t *created)
{
	struct cmd c = {0};
	struct buf err = BUF_INIT;
	int rc = app_invoice_act(&w->app, &AUTH_LOCAL_ADMIN, id, a, &c, &err);

	buf_release(&err);
	if (rc)
		return rc;
	app_call(&w->app, &c);
	if (created)
		*created = c.result.id;
	return c.rc;
}

static void get(struct world *w, int64_t id, struct invoice_rec *r)
{
	struct buf err = BUF_INIT;

	assert_int_equal(app_invoice_get(&w->app, &AUTH_LOCAL_ADMIN, id, r, &err), 0);
	buf_release(&err);
}

static int count_entry(void *ctx, const struct time_entry *t)
{
	(void)t;
	++*(int64_t *)ctx;
	return 0;
}

static void test_month(void **state)
{
	struct world w;
	struct invoice_rec r, cn;
	struct buf err = BUF_INIT;
	int64_t id, id2, id3, note = 0, n = 0;
	int rc;

	(void)state;
	world_open(&w);
	/* no rate card yet: refused with the way out */
	draft(&w, w.nov, &rc);
	assert_int_equal(rc, ERR_CONFLICT);
	rates(&w);
	/* an open period is not invoiced */
	draft(&w, w.dec, &rc);
	assert_int_equal(rc, ERR_CONFLICT);

	id = draft(&w, w.nov, &rc);
	assert_int_equal(rc, 0);
	get(&w, id, &r);
	/* the reference, from the entries as generated: half-up of price * ms / 1 h, then 11 % */
	uint64_t work = ((uint64_t)7333333 * 2 * (uint64_t)w.nov_ms + (uint64_t)H) / (2 * H);
	uint64_t tax = (work * 1100 * 2 + 10000) / 20000;
	assert_true(r.hours_ms == w.nov_ms);
	assert_true((uint64_t)r.work == work && (uint64_t)r.tax == tax);
	assert_true((uint64_t)r.total == work + tax);
	assert_int_equal(r.state, INVOICE_DRAFT);
	assert_string_equal(r.number, "");
	assert_string_equal(r.currency, "IDR");
	/* the hours line bills exactly the period's billable current entries */
	assert_int_equal(app_invoice_entries(&w.app, &AUTH_LOCAL_ADMIN, id, 1, count_entry, &n,
					     &err), 0);
	assert_true(n == w.nov_entries);
	/* a redraft replaces the draft */
	id2 = draft(&w, w.nov, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(app_invoice_get(&w.app, &AUTH_LOCAL_ADMIN, id, &r, &err), ERR_NOTFOUND);
	buf_release(&err);

	/* issue: the first number; paying a draft or issuing twice are conflicts */
	assert_int_equal(act(&w, id2, INVOICE_ACT_PAY, NULL), ERR_CONFLICT);
	assert_int_equal(act(&w, id2, INVOICE_ACT_ISSUE, NULL), 0);
	get(&w, id2, &r);
	assert_string_equal(r.number, "INV-2026-000001");
	assert_int_equal(act(&w, id2, INVOICE_ACT_ISSUE, NULL), ERR_CONFLICT);
	/* billed: no new draft until it is credited */
	draft(&w, w.nov, &rc);
	assert_int_equal(rc, ERR_CONFLICT);
	assert_int_equal(act(&w, id2, INVOICE_ACT_PAY, NULL), 0);
	assert_int_equal(act(&w, id2, INVOICE_ACT_CREDIT, &note), 0);
	get(&w, id2, &r);
	get(&w, note, &cn);
	assert_int_equal(r.state, INVOICE_CREDITED);
	assert_true(r.credited_by == note && cn.credit_of == id2);
	assert_string_equal(cn.number, "CN-2026-000001");
	assert_true(cn.total == -r.total && cn.tax == -r.tax);
	assert_int_equal(act(&w, id2, INVOICE_ACT_CREDIT, NULL), ERR_CONFLICT);
	assert_int_equal(act(&w, note, INVOICE_ACT_CREDIT, NULL), ERR_CONFLICT);

	/* drafted again and issued: the next number, no gap */
	id3 = draft(&w, w.nov, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(act(&w, id3, INVOICE_ACT_ISSUE, NULL), 0);
	get(&w, id3, &r);
	assert_string_equal(r.number, "INV-2026-000002");

	/* a restart: the numbers go on from the store */
	{
		struct engine_opts o = {0};

		engine_stop(w.e);
		store_close(w.s);
		assert_int_equal(store_open(w.path, 2, &w.s, &err), 0);
		assert_int_equal(engine_start(w.s, &o, &w.e, &err), 0);
		w.app = (struct app){.store = w.s, .engine = w.e};
		buf_release(&err);
	}
	id = draft(&w, w.oct, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(act(&w, id, INVOICE_ACT_ISSUE, NULL), 0);
	get(&w, id, &r);
	assert_string_equal(r.number, "INV-2026-000003");

	/* another client's user sees none of it */
	{
		struct actor other = {.role = ROLE_CLIENT, .client_id = w.other_client, .user_id = 77};
		struct actor own = {.role = ROLE_CLIENT, .client_id = w.client, .user_id = 78};

		assert_int_equal(app_invoice_get(&w.app, &other, id, &r, &err), ERR_NOTFOUND);
		buf_release(&err);
		assert_int_equal(app_invoice_get(&w.app, &own, id, &r, &err), 0);
		buf_release(&err);
		/* and a client may not issue */
		struct cmd c = {0};
		assert_int_equal(app_invoice_act(&w.app, &own, id, INVOICE_ACT_CREDIT, &c, &err),
				 ERR_FORBIDDEN);
		buf_release(&err);
	}

	/* the documents: a PDF, and a CSV whose total row is the invoice's */
	{
		struct invoice_doc *d = malloc(sizeof(*d));
		unsigned char *pdf = NULL;
		size_t len = 0;
		struct buf csv = BUF_INIT;
		char want[64], amount[MONEY_TEXT_MAX];

		assert_non_null(d);
		assert_int_equal(app_invoice_doc(&w.app, &AUTH_LOCAL_ADMIN, id, "id", d, &err), 0);
		assert_string_equal(d->lang, "id");
		assert_int_equal(wire_invoice_pdf(d, &pdf, &len), 0);
		assert_true(len > 500 && !memcmp(pdf, "%PDF-", 5));
		assert_int_equal(wire_invoice_csv(d, &csv), 0);
		snprintf(want, sizeof(want), ",total,Total,,,,%s,IDR\r\n",
			 money_format(d->rec.total, 2, amount, sizeof(amount)));
		assert_non_null(strstr(buf_str(&csv), want));
		buf_release(&csv);
		free(pdf);
		/* a language the documents do not speak */
		assert_int_equal(app_invoice_doc(&w.app, &AUTH_LOCAL_ADMIN, id, "fr", d, &err),
				 ERR_INVALID);
		buf_release(&err);
		free(d);
	}
	unit_house_close(w.e, w.s, w.dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_month),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
