/* billing.c - rate cards, invoices drafted from a locked period, billing settings and savings, as use cases. */
#include "app/billing.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/input.h"
#include "app/records.h"
#include "core/qreport.h"
#include "util/clock.h"
#include "util/err.h"

/* The engagement if act allows the actor on it; hidden or missing: ERR_NOTFOUND said in err. */
static int engagement_scoped(const struct app *app, const struct actor *actor,
			     enum policy_action act, int64_t id, struct engagement_rec *e,
			     struct buf *err)
{
	struct policy_scope sc;
	int rc;

	if ((rc = app_allow(actor, act, NULL, err)))
		return rc;
	if (id < 1)
		return buf_error(err, ERR_INVALID, "engagement id must be a positive id");
	if ((rc = store_engagement_get(app->store, id, e)))
		return rc == ERR_NOTFOUND ? buf_error(err, rc, "no engagement %" PRId64, id)
					  : app_got(app, rc, err);
	sc = (struct policy_scope){.client_id = e->client_id, .kpo = e->kind == KIND_KPO};
	if ((rc = app_allow(actor, act, &sc, err)))
		return rc == ERR_NOTFOUND ? buf_error(err, rc, "no engagement %" PRId64, id) : rc;
	return 0;
}

/* ---------------------------------------------------------------- rate cards */

int app_rates_set(const struct app *app, const struct actor *actor, int64_t engagement_id,
		  const char *json, struct cmd *c, struct buf *err)
{
	struct engagement_rec e;
	char why[256];
	int rc;

	if ((rc = engagement_scoped(app, actor, POL_RATES_MANAGE, engagement_id, &e, err)))
		return rc;
	memset(&c->u.rates, 0, sizeof(c->u.rates));
	if (rate_card_parse(json, &c->u.rates.card, why, sizeof(why)))
		return buf_error(err, ERR_INVALID, "%s", why);
	c->type = CMD_RATES_SET;
	c->actor = actor;
	c->u.rates.engagement_id = e.id;
	return 0;
}

int app_rates_get(const struct app *app, const struct actor *actor, int64_t engagement_id,
		  struct rates_view *out, struct buf *err)
{
	char why[256], *text = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = engagement_scoped(app, actor, POL_RATES_READ, engagement_id, &out->eng, err)))
		return rc;
	rc = store_rate_card_get(app->store, engagement_id, &text, &out->updated_at);
	if (rc == ERR_NOTFOUND)
		return buf_error(err, rc, "engagement %" PRId64 " has no rate card", engagement_id);
	if (rc)
		return app_got(app, rc, err);
	rc = rate_card_parse(text, &out->card, why, sizeof(why));
	free(text);
	return rc ? buf_error(err, ERR_INTERNAL, "stored rate card: %s", why) : 0;
}

/* ---------------------------------------------------------------- the draft */

struct grade_of {
	int64_t worker_id;
	int grade;
	bool worked; /* time of it in the period */
};

struct gather {
	const struct engagement_rec *eng;
	struct grade_of *w;
	size_t n_w, cap_w;
	struct bill_usage u;
	int64_t *items, *miles; /* ids in billing order (items: by the card's type, then done) */
	size_t n_items, cap_items, n_miles, cap_miles;
	const struct rate_card *card;
	int64_t *tix;		      /* each item's type: its index in the card */
	size_t cap_tix;
	size_t base[RATES_TYPES_MAX]; /* where each type's items start in items */
	char bad_type[MODEL_CODE_MAX]; /* an item type the card has no price for */
	int64_t hours_ms;
	struct grade_of *last;
};

static int grow(int64_t **a, size_t *cap, size_t n)
{
	if (n < *cap)
		return 0;
	size_t c = *cap ? *cap * 2 : 1024;
	int64_t *p = realloc(*a, c * sizeof(**a));

	if (!p)
		return ERR_NOMEM;
	*a = p;
	*cap = c;
	return 0;
}

static int on_worker(void *ctx, const struct worker_rec *w)
{
	struct gather *g = ctx;

	if (g->n_w == g->cap_w) {
		size_t c = g->cap_w ? g->cap_w * 2 : 64;
		struct grade_of *p = realloc(g->w, c * sizeof(*p));

		if (!p)
			return ERR_NOMEM;
		g->w = p;
		g->cap_w = c;
	}
	g->w[g->n_w++] = (struct grade_of){
	    w->id, bill_grade(w->skills, w->n_skills, g->eng->skills, g->eng->n_skills), false};
	return 0;
}

static struct grade_of *worker_find(struct gather *g, int64_t id)
{
	size_t lo = 0, hi = g->n_w;

	while (lo < hi) { /* workers_each walks in id order */
		size_t mid = (lo + hi) / 2;

		if (g->w[mid].worker_id == id)
			return &g->w[mid];
		if (g->w[mid].worker_id < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/*
 * One billable current entry: its time by its worker's grade. The last worker found is
 * kept: a walk in started_at order meets the same worker many times in a row.
 */
static int on_entry(void *ctx, int64_t worker_id, int64_t duration_ms)
{
	struct gather *g = ctx;
	struct grade_of *w = g->last && g->last->worker_id == worker_id
				 ? g->last
				 : (g->last = worker_find(g, worker_id));

	if (w)
		w->worked = true;
	/* a day at most each (core/timeentry.h): 2^63 ms is past any sum of them */
	g->u.ms[w ? w->grade : 0] += duration_ms;
	g->hours_ms += duration_ms;
	return 0;
}

static int on_item(void *ctx, int64_t id, int64_t due_at, int64_t done_at, const char *type)
{
	struct gather *g = ctx;
	const char *t = type && type[0] ? type : "default";
	const struct rate_item_type *it = rate_card_type(g->card, t);

	if (!it) {
		snprintf(g->bad_type, sizeof(g->bad_type), "%s", t);
		return ERR_CONFLICT;
	}
	if (grow(&g->items, &g->cap_items, g->n_items) || grow(&g->tix, &g->cap_tix, g->n_items))
		return ERR_NOMEM;
	g->tix[g->n_items] = it - g->card->types;
	g->u.items[it - g->card->types]++;
	g->items[g->n_items++] = id;
	if (due_at && done_at > due_at)
		g->u.items_late++;
	return 0;
}

/* The items grouped by their type in the card's order, done order kept within a type. */
static int items_by_type(struct gather *g)
{
	size_t at[RATES_TYPES_MAX] = {0}, n = 0;
	int64_t *sorted;

	for (size_t t = 0; t < RATES_TYPES_MAX; t++) {
		g->base[t] = at[t] = n;
		n += (size_t)g->u.items[t];
	}
	if (!g->n_items)
		return 0;
	if (!(sorted = malloc(g->n_items * sizeof(*sorted))))
		return ERR_NOMEM;
	for (size_t i = 0; i < g->n_items; i++)
		sorted[at[g->tix[i]]++] = g->items[i];
	free(g->items);
	g->items = sorted;
	g->cap_items = g->n_items;
	return 0;
}

static int on_milestone(void *ctx, int64_t id, int64_t due_at, int64_t done_at,
			const char *type)
{
	struct gather *g = ctx;

	(void)type;
	(void)due_at;
	(void)done_at;
	if (grow(&g->miles, &g->cap_miles, g->n_miles))
		return ERR_NOMEM;
	g->miles[g->n_miles++] = id;
	return 0;
}

struct qscore {
	int64_t from, to, n, ok;
};

static int on_obs(void *ctx, const struct quality_obs *o)
{
	struct qscore *q = ctx;

	if (o->at < q->from || o->at >= q->to)
		return 0;
	q->n++;
	q->ok += o->ok;
	return 0;
}

/* The refs of the bill's lines: workers of an hours line, items of a tier, the milestones. */
static size_t refs_fill(const struct gather *g, const struct bill *b, struct invoice_ref *out)
{
	size_t n = 0;

	for (size_t i = 0; i < b->n_lines; i++) {
		const struct bill_line *l = &b->lines[i];
		int no = (int)i + 1;

		if (l->kind == BILL_HOURS) {
			for (size_t k = 0; k < g->n_w; k++)
				if (g->w[k].worked && g->w[k].grade == l->grade)
					out[n++] = (struct invoice_ref){no, IREF_WORKER,
									g->w[k].worker_id};
		} else if (l->kind == BILL_ITEMS) {
			/* first counts within the line's type; items are grouped by type */
			for (int64_t k = l->first; k < l->first + l->qty; k++)
				out[n++] = (struct invoice_ref){
				    no, IREF_ITEM, g->items[g->base[l->type] + (size_t)k]};
		} else if (l->kind == BILL_MILESTONE) {
			for (size_t k = 0; k < g->n_miles; k++)
				out[n++] = (struct invoice_ref){no, IREF_MILESTONE, g->miles[k]};
		}
	}
	return n;
}

int app_invoice_draft(const struct app *app, const struct actor *actor, int64_t period_id,
		      struct cmd *c, struct buf *err)
{
	struct billing_period p;
	struct engagement_rec e;
	struct rate_card card;
	struct gather g;
	struct bill b;
	struct qscore q;
	struct invoice_draft *d = NULL;
	char why[256], *text = NULL;
	size_t n_refs;
	int rc;

	memset(&g, 0, sizeof(g));
	memset(&c->u.invoice, 0, sizeof(c->u.invoice));
	if ((rc = app_allow(actor, POL_INVOICE_MANAGE, NULL, err)))
		return rc;
	if (period_id < 1)
		return buf_error(err, ERR_INVALID, "period id must be a positive id");
	rc = store_period_get(app->store, period_id, &p);
	if (rc == ERR_NOTFOUND)
		return buf_error(err, rc, "no period %" PRId64, period_id);
	if (rc)
		return app_got(app, rc, err);
	if ((rc = engagement_scoped(app, actor, POL_INVOICE_MANAGE, p.engagement_id, &e, err))) {
		if (rc != ERR_NOTFOUND)
			return rc;
		buf_reset(err); /* a hidden period says what a missing one says */
		return buf_error(err, rc, "no period %" PRId64, period_id);
	}
	if (p.state != PERIOD_LOCKED)
		return buf_error(err, ERR_CONFLICT,
				 "period %" PRId64 " is %s: only a locked period is invoiced",
				 p.id, period_state_name(p.state));
	rc = store_rate_card_get(app->store, e.id, &text, &(int64_t){0});
	if (rc == ERR_NOTFOUND)
		return buf_error(err, ERR_CONFLICT,
				 "engagement %" PRId64
				 " has no rate card: PUT /v1/engagements/%" PRId64 "/rates first",
				 e.id, e.id);
	if (rc)
		return app_got(app, rc, err);
	rc = rate_card_parse(text, &card, why, sizeof(why));
	free(text);
	if (rc)
		return buf_error(err, ERR_INTERNAL, "stored rate card: %s", why);

	g.eng = &e;
	g.card = &card;
	g.u.quality_bp = -1;
	if ((rc = store_workers_each(app->store, on_worker, &g)))
		goto store_err;
	if ((rc = store_bill_time_each(app->store, e.id, p.starts_at, p.ends_at, on_entry, &g)))
		goto store_err;
	rc = store_bill_items_done(app->store, e.id, p.starts_at, p.ends_at, on_item, &g);
	if (rc == ERR_CONFLICT && g.bad_type[0]) {
		rc = buf_error(err, ERR_CONFLICT,
			       "the rate card cannot price this period: it has no price for items "
			       "of type %s",
			       g.bad_type);
		goto out;
	}
	if (rc || (rc = store_bill_milestones(app->store, e.id, p.starts_at, p.ends_at,
					      on_milestone, &g)))
		goto store_err;
	if ((rc = items_by_type(&g))) {
		rc = buf_error(err, rc, "%s", err_message(rc));
		goto out;
	}
	q = (struct qscore){p.starts_at, p.ends_at, 0, 0};
	if ((rc = store_quality_obs_walk(app->store, e.id, on_obs, &q)))
		goto store_err;
	if (q.n)
		g.u.quality_bp = q.ok * 10000 / q.n; /* floor: a score is never rounded up past a bar */
	/* each item at its own type's tiers (its engagement's item_types; none: default) */
	g.u.items_total = (int64_t)g.n_items;
	g.u.milestones = (int64_t)g.n_miles;
	if (g.n_items + g.n_w + g.n_miles > INVOICE_REFS_MAX) {
		rc = buf_error(err, ERR_TOOBIG, "the period names more than %zu records",
			       INVOICE_REFS_MAX);
		goto out;
	}
	if ((rc = bill_compute(&card, &g.u, &b, why, sizeof(why)))) {
		rc = buf_error(err, ERR_CONFLICT, "the rate card cannot price this period: %s", why);
		goto out;
	}
	n_refs = g.n_items + g.n_w + g.n_miles;
	if (!(d = calloc(1, invoice_draft_size(n_refs)))) {
		rc = buf_error(err, ERR_NOMEM, "%s", err_message(ERR_NOMEM));
		goto out;
	}
	d->rec.client_id = e.client_id;
	d->rec.engagement_id = e.id;
	d->rec.period_id = p.id;
	d->rec.from_at = p.starts_at;
	d->rec.to_at = p.ends_at;
	memcpy(d->rec.currency, card.currency, 4);
	d->rec.exponent = money_exponent(card.currency);
	d->rec.work = b.work;
	d->rec.fee = b.fee;
	d->rec.credits = b.credits;
	d->rec.net = b.net;
	d->rec.tax = b.tax;
	d->rec.total = b.total;
	d->rec.hours_ms = g.hours_ms;
	d->rec.items = (int64_t)g.n_items;
	d->n_lines = b.n_lines;
	for (size_t i = 0; i < b.n_lines; i++) {
		const struct bill_line *l = &b.lines[i];
		struct invoice_line *o = &d->lines[i];

		o->line_no = (int)i + 1;
		o->kind = l->kind;
		o->grade = l->grade;
		o->tier = l->tier;
		if (l->kind == BILL_ITEMS)
			snprintf(o->label, sizeof(o->label), "%s", card.types[l->type].type);
		else if (l->kind == BILL_TAX)
			snprintf(o->label, sizeof(o->label), "%s", card.taxes[l->tax].name);
		o->qty = l->qty;
		o->first = l->first;
		o->price = l->price;
		o->amount = l->amount;
	}
	d->n_refs = refs_fill(&g, &b, d->refs);
	c->type = CMD_INVOICE_DRAFT;
	c->actor = actor;
	c->u.invoice.client_id = e.client_id;
	c->u.invoice.draft = d;
	d = NULL;
	rc = 0;
	goto out;
store_err:
	rc = rc == ERR_NOMEM ? buf_error(err, rc, "%s", err_message(rc))
			     : app_store_end(app, NULL, rc, err);
out:
	free(d);
	free(g.w);
	free(g.items);
	free(g.tix);
	free(g.miles);
	return rc;
}

/* ---------------------------------------------------------------- reads and acts */

static int invoice_scoped(const struct app *app, const struct actor *actor,
			  enum policy_action act, int64_t id, struct invoice_rec *r,
			  struct buf *err)
{
	int rc;

	if ((rc = app_allow(actor, act, NULL, err)))
		return rc;
	if (id < 1)
		return buf_error(err, ERR_INVALID, "invoice id must be a positive id");
	rc = store_invoice_get(app->store, id, r);
	if (!rc)
		rc = app_allow(actor, act, &(struct policy_scope){.client_id = r->client_id}, err);
	if (rc == ERR_NOTFOUND)
		return buf_error(err, rc, "no invoice %" PRId64, id);
	return rc == ERR_FORBIDDEN ? rc : rc ? app_got(app, rc, err) : 0;
}

int app_invoice_act(const struct app *app, const struct actor *actor, int64_t id,
		    enum invoice_act act, struct cmd *c, struct buf *err)
{
	static const enum cmd_type types[] = {
	    [INVOICE_ACT_ISSUE] = CMD_INVOICE_ISSUE,
	    [INVOICE_ACT_PAY] = CMD_INVOICE_PAY,
	    [INVOICE_ACT_CREDIT] = CMD_INVOICE_CREDIT,
	};
	struct invoice_rec r;
	int rc = invoice_scoped(app, actor, POL_INVOICE_MANAGE, id, &r, err);

	if (rc)
		return rc;
	memset(&c->u.invoice, 0, sizeof(c->u.invoice));
	c->type = types[act];
	c->actor = actor;
	c->u.invoice.invoice_id = id;
	c->u.invoice.client_id = r.client_id;
	return 0;
}

int app_invoice_credit(const struct app *app, const struct actor *actor, int64_t id,
		       const struct credit_in *in, struct cmd *c, struct buf *err)
{
	struct credit_req *q;
	int rc = app_invoice_act(app, actor, id, INVOICE_ACT_CREDIT, c, err);
	struct invoice_rec r;

	if (rc || (rc = store_invoice_get(app->store, id, &r)))
		return rc ? rc : app_got(app, rc, err);
	if (!in->reason)
		return buf_error(err, ERR_INVALID, "reason is required for a partial credit note");
	if (!!in->amount == !!in->n_lines)
		return buf_error(err, ERR_INVALID,
				 "a partial credit note has either lines or amount (not both)");
	if (in->n_lines > BILL_LINES_MAX)
		return buf_error(err, ERR_INVALID, "lines holds more than %d lines", BILL_LINES_MAX);
	if (!(q = calloc(1, sizeof(*q))))
		return buf_error(err, ERR_NOMEM, "%s", err_message(ERR_NOMEM));
	if ((rc = app_in_str("reason", in->reason, q->reason, sizeof(q->reason), true, err)))
		goto fail;
	for (const char *p = q->reason; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f) {
			rc = buf_error(err, ERR_INVALID, "reason must not hold control characters");
			goto fail;
		}
	if (in->amount && (money_parse(in->amount, r.exponent, &q->amount) || q->amount <= 0)) {
		rc = buf_error(err, ERR_INVALID,
			       "amount must be a positive decimal of %s with at most %d decimals",
			       r.currency, r.exponent);
		goto fail;
	}
	for (size_t i = 0; i < in->n_lines; i++) {
		const struct credit_line_in *l = &in->lines[i];
		struct credit_ask *a = &q->asks[i];

		if (l->line < 1 || l->line > BILL_LINES_MAX) {
			rc = buf_error(err, ERR_INVALID, "lines[%zu].line must be a line number", i);
			goto fail;
		}
		if ((l->quantity >= 0) == !!l->amount) {
			rc = buf_error(err, ERR_INVALID,
				       "lines[%zu] has either quantity or amount (not both)", i);
			goto fail;
		}
		a->line_no = (int)l->line;
		a->by_qty = l->quantity >= 0;
		a->qty = l->quantity;
		if (l->quantity == 0) {
			rc = buf_error(err, ERR_INVALID, "lines[%zu].quantity must be more than 0", i);
			goto fail;
		}
		if (l->amount && (money_parse(l->amount, r.exponent, &a->amount) || a->amount <= 0)) {
			rc = buf_error(err, ERR_INVALID,
				       "lines[%zu].amount must be a positive decimal of %s with at "
				       "most %d decimals",
				       i, r.currency, r.exponent);
			goto fail;
		}
	}
	q->n_asks = in->n_lines;
	c->u.invoice.credit = q;
	return 0;
fail:
	free(q);
	return rc;
}

int app_invoice_get(const struct app *app, const struct actor *actor, int64_t id,
		    struct invoice_rec *out, struct buf *err)
{
	return invoice_scoped(app, actor, POL_INVOICE_READ, id, out, err);
}

int app_invoice_list(const struct app *app, const struct actor *actor, int64_t engagement_id,
		     store_invoice_cb cb, void *ctx, struct buf *err)
{
	int64_t client = 0;
	int rc;

	if ((rc = app_allow(actor, POL_INVOICE_READ, NULL, err)))
		return rc;
	if (engagement_id) {
		struct engagement_rec e;

		if ((rc = engagement_scoped(app, actor, POL_INVOICE_READ, engagement_id, &e, err)))
			return rc;
	}
	if ((rc = policy_list_filter(actor, POL_INVOICE_READ, &client, &(int64_t){0})))
		return buf_error(err, rc, "role %s may not take invoice.read",
				 role_name(actor->role));
	rc = store_invoice_list(app->store, engagement_id, client, cb, ctx);
	return rc ? app_store_end(app, NULL, rc, err) : 0;
}

int app_invoice_lines(const struct app *app, const struct actor *actor, int64_t id,
		      store_invoice_line_cb cb, void *ctx, struct buf *err)
{
	struct invoice_rec r;
	int rc = invoice_scoped(app, actor, POL_INVOICE_READ, id, &r, err);

	if (!rc && (rc = store_invoice_lines_each(app->store, id, cb, ctx)))
		return app_store_end(app, NULL, rc, err);
	return rc;
}

int app_invoice_refs(const struct app *app, const struct actor *actor, int64_t id, int line_no,
		     store_invoice_ref_cb cb, void *ctx, struct buf *err)
{
	struct invoice_rec r;
	int rc = invoice_scoped(app, actor, POL_INVOICE_READ, id, &r, err);

	if (!rc && line_no < 0)
		return buf_error(err, ERR_INVALID, "line must be a line number");
	if (!rc && (rc = store_invoice_refs_each(app->store, id, line_no, cb, ctx)))
		return app_store_end(app, NULL, rc, err);
	return rc;
}

struct line_find {
	int no;
	struct invoice_line l;
	bool found;
};

static int on_line(void *ctx, const struct invoice_line *l)
{
	struct line_find *f = ctx;

	if (l->line_no == f->no) {
		f->l = *l;
		f->found = true;
	}
	return 0;
}

struct ids {
	int64_t *v;
	size_t n, cap;
};

static int on_ref(void *ctx, const struct invoice_ref *r)
{
	struct ids *s = ctx;

	if (r->kind != IREF_WORKER)
		return 0;
	if (grow(&s->v, &s->cap, s->n))
		return ERR_NOMEM;
	s->v[s->n++] = r->ref_id; /* ordered by ref_id: the store's walk */
	return 0;
}

struct entry_filter {
	const struct ids *workers;
	store_time_cb cb;
	void *ctx;
};

static int on_line_entry(void *ctx, const struct time_entry *t)
{
	struct entry_filter *f = ctx;
	size_t lo = 0, hi = f->workers->n;

	if (!t->billable || t->duration_ms <= 0)
		return 0;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (f->workers->v[mid] == t->worker_id)
			return f->cb(f->ctx, t);
		if (f->workers->v[mid] < t->worker_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

int app_invoice_entries(const struct app *app, const struct actor *actor, int64_t id,
			int line_no, store_time_cb cb, void *ctx, struct buf *err)
{
	struct invoice_rec r;
	struct line_find lf = {.no = line_no};
	struct ids w = {0};
	struct entry_filter ef = {&w, cb, ctx};
	struct time_filter f;
	int rc = invoice_scoped(app, actor, POL_INVOICE_READ, id, &r, err);

	if (rc)
		return rc;
	if ((rc = store_invoice_lines_each(app->store, id, on_line, &lf)))
		return app_store_end(app, NULL, rc, err);
	if (!lf.found)
		return buf_error(err, ERR_NOTFOUND, "invoice %" PRId64 " has no line %d", id,
				 line_no);
	if (lf.l.kind != BILL_HOURS)
		return 0; /* it bills no time entries (its records, if any, are its refs) */
	if ((rc = store_invoice_refs_each(app->store, id, line_no, on_ref, &w)))
		goto out;
	memset(&f, 0, sizeof(f));
	f.engagement_id = r.engagement_id;
	f.from = r.from_at;
	f.to = r.to_at;
	rc = store_time_entries_each(app->store, &f, on_line_entry, &ef, &(int64_t){0});
out:
	free(w.v);
	return rc ? app_store_end(app, NULL, rc, err) : 0;
}

static bool lang_ok(const char *l)
{
	return l && (!strcmp(l, "en") || !strcmp(l, "id") || !strcmp(l, "ms"));
}

int app_invoice_language(const struct app *app, const struct invoice_rec *r, const char *query,
			 char *lang, struct buf *err)
{
	struct client_billing b;

	if (query && !lang_ok(query))
		return buf_error(err, ERR_INVALID, "lang must be en, id or ms");
	if (!store_client_billing_get(app->store, r->client_id, &b) && lang_ok(b.language)) {
		snprintf(lang, INVOICE_LANG_MAX, "%s", b.language);
		return 0;
	}
	snprintf(lang, INVOICE_LANG_MAX, "%s", query ? query : "en");
	return 0;
}

static int on_doc_line(void *ctx, const struct invoice_line *l)
{
	struct invoice_doc *d = ctx;

	if (d->n_lines == BILL_LINES_MAX)
		return ERR_TOOBIG;
	d->lines[d->n_lines++] = *l;
	return 0;
}

int app_invoice_doc(const struct app *app, const struct actor *actor, int64_t id,
		    const char *lang_query, struct invoice_doc *out, struct buf *err)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = invoice_scoped(app, actor, POL_INVOICE_READ, id, &out->rec, err)) ||
	    (rc = app_invoice_language(app, &out->rec, lang_query, out->lang, err)))
		return rc;
	if ((rc = store_invoice_lines_each(app->store, id, on_doc_line, out)) ||
	    (rc = store_client_get(app->store, out->rec.client_id, &out->client)) ||
	    (rc = store_engagement_get(app->store, out->rec.engagement_id, &out->eng)))
		return app_store_end(app, NULL, rc, err);
	return 0;
}

/* ---------------------------------------------------------------- client billing */

static int client_scoped(const struct app *app, const struct actor *actor,
			 enum policy_action act, int64_t id, struct buf *err)
{
	struct client_rec cl;
	int rc;

	if ((rc = app_allow(actor, act, NULL, err)))
		return rc;
	if (id < 1)
		return buf_error(err, ERR_INVALID, "client id must be a positive id");
	rc = store_client_get(app->store, id, &cl);
	if (!rc)
		rc = app_allow(actor, act, &(struct policy_scope){.client_id = id}, err);
	if (rc == ERR_NOTFOUND)
		return buf_error(err, rc, "no client %" PRId64, id);
	return rc == ERR_FORBIDDEN ? rc : rc ? app_got(app, rc, err) : 0;
}

int app_billing_set(const struct app *app, const struct actor *actor, const struct billing_in *in,
		    struct cmd *c, struct buf *err)
{
	struct client_billing *b = &c->u.cbilling;
	int rc, e;

	if ((rc = client_scoped(app, actor, POL_BILLING_MANAGE, in->client_id, err)))
		return rc;
	memset(b, 0, sizeof(*b));
	b->client_id = in->client_id;
	if (in->language && in->language[0] && !lang_ok(in->language))
		return buf_error(err, ERR_INVALID, "language must be en, id or ms");
	if (in->language)
		snprintf(b->language, sizeof(b->language), "%s", in->language);
	if (in->inhouse_hour) {
		if (!in->currency || (e = money_exponent(in->currency)) < 0)
			return buf_error(err, ERR_INVALID,
					 "currency must be a known ISO 4217 code such as \"IDR\"");
		if (money_parse(in->inhouse_hour, e, &b->inhouse_hour))
			return buf_error(err, ERR_INVALID,
					 "inhouse_hour must be a decimal amount with at most %d "
					 "decimals, at most 2^63 - 1 minor units",
					 e);
		if (b->inhouse_hour < 0)
			return buf_error(err, ERR_INVALID, "inhouse_hour must not be negative");
		b->has_inhouse = true;
		memcpy(b->inhouse_currency, in->currency, 4);
	} else if (in->currency) {
		return buf_error(err, ERR_INVALID, "currency is given with inhouse_hour only");
	}
	if (in->overhead_bp < -1 || in->overhead_bp > 100000)
		return buf_error(err, ERR_INVALID, "overhead_bp must be 0..100000");
	b->overhead_bp = in->overhead_bp < 0 ? SAVINGS_OVERHEAD_BP : in->overhead_bp;
	c->type = CMD_CLIENT_BILLING;
	c->actor = actor;
	return 0;
}

int app_billing_get(const struct app *app, const struct actor *actor, int64_t client_id,
		    struct client_billing *out, struct buf *err)
{
	int rc = client_scoped(app, actor, POL_BILLING_READ, client_id, err);

	if (rc)
		return rc;
	rc = store_client_billing_get(app->store, client_id, out);
	if (rc == ERR_NOTFOUND) {
		memset(out, 0, sizeof(*out));
		out->client_id = client_id;
		out->overhead_bp = SAVINGS_OVERHEAD_BP;
		return 0;
	}
	return rc ? app_got(app, rc, err) : 0;
}

/* ---------------------------------------------------------------- savings */

struct paid {
	int64_t from, to;
	struct savings *s;
	int rc;
};

static int on_paid(void *ctx, const struct invoice_rec *r)
{
	struct paid *p = ctx;
	struct savings_in *in = &p->s->in;

	/* issued, paid or credited invoices and their credit notes; drafts bill nothing */
	if (r->state == INVOICE_DRAFT || (p->from && r->from_at < p->from) ||
	    (p->to && r->from_at >= p->to))
		return 0;
	if (!in->currency[0])
		memcpy(in->currency, r->currency, 4);
	else if (strcmp(in->currency, r->currency))
		return ERR_CONFLICT; /* a card changed currency inside the window */
	if (money_add(in->paid_net, r->net, &in->paid_net) ||
	    money_add(in->paid_total, r->total, &in->paid_total))
		return ERR_INVALID;
	in->hours_ms += r->hours_ms;
	if (r->kind == INVOICE_KIND_CREDIT)
		p->s->credit_notes++;
	else
		p->s->invoices++;
	return 0;
}

static int time_bound(const char *field, const char *v, int64_t *out, struct buf *err)
{
	*out = 0;
	if (!v)
		return 0;
	if (clock_parse_rfc3339(v, out))
		return buf_error(err, ERR_INVALID,
				 "%s must be an RFC 3339 time like 2026-01-31T00:00:00Z", field);
	if (*out <= 0)
		*out = 1;
	return 0;
}

int app_savings(const struct app *app, const struct actor *actor, int64_t engagement_id,
		const char *from, const char *to, struct savings *out, struct buf *err)
{
	struct engagement_rec e;
	struct client_billing b;
	struct savings_in in;
	struct paid p;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = engagement_scoped(app, actor, POL_SAVINGS_READ, engagement_id, &e, err)))
		return rc;
	if ((rc = time_bound("from", from, &p.from, err)) || (rc = time_bound("to", to, &p.to, err)))
		return rc;
	if (p.from && p.to && p.to <= p.from)
		return buf_error(err, ERR_INVALID, "to must be after from");
	p.s = out;
	rc = store_invoice_list(app->store, engagement_id, 0, on_paid, &p);
	if (rc == ERR_CONFLICT)
		return buf_error(err, rc, "the window's invoices are in more than one currency: "
					  "narrow it (from, to)");
	if (rc == ERR_INVALID)
		return buf_error(err, rc, "the window's invoices add up past 2^63 - 1 minor units");
	if (rc)
		return app_store_end(app, NULL, rc, err);
	in = out->in;
	in.kind = e.kind;
	rc = store_client_billing_get(app->store, e.client_id, &b);
	if (rc && rc != ERR_NOTFOUND)
		return app_got(app, rc, err);
	if (!rc && b.has_inhouse) {
		in.has_inhouse = true;
		in.inhouse_hour = b.inhouse_hour;
		memcpy(in.inhouse_currency, b.inhouse_currency, 4);
		in.overhead_bp = b.overhead_bp;
	}
	if (!in.currency[0])
		memcpy(in.currency, in.has_inhouse ? in.inhouse_currency : SAVINGS_DEFAULT_CURRENCY,
		       4);
	if (savings_compute(&in, out))
		return buf_error(err, ERR_INVALID, "the in-house cost overflows 2^63 - 1 minor units");
	out->engagement_id = e.id;
	out->client_id = e.client_id;
	out->from = p.from;
	out->to = p.to;
	return 0;
}

/* ---------------------------------------------------------------- margin */

struct revenue {
	const struct time_cost *c;
	struct margin *m;
};

static int on_revenue(void *ctx, const struct invoice_rec *r)
{
	struct revenue *v = ctx;

	if (r->state == INVOICE_DRAFT)
		return 0;
	if (v->c->period_id ? r->period_id != v->c->period_id
			    : (v->c->from && r->from_at < v->c->from) ||
				  (v->c->to && r->from_at >= v->c->to))
		return 0;
	if (!v->m->currency[0])
		memcpy(v->m->currency, r->currency, 4);
	else if (strcmp(v->m->currency, r->currency))
		return ERR_CONFLICT;
	if (money_add(v->m->revenue, r->net, &v->m->revenue))
		return ERR_INVALID;
	if (r->kind == INVOICE_KIND_CREDIT)
		v->m->credit_notes++;
	else
		v->m->invoices++;
	return 0;
}

void margin_release(struct margin *m)
{
	time_cost_release(&m->cost);
}

int app_margin(const struct app *app, const struct actor *actor, int64_t engagement_id,
	       const char *period_id, const char *from, const char *to, struct margin *out,
	       struct buf *err)
{
	struct revenue v = {&out->cost, out};
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = app_time_cost(app, actor, engagement_id, period_id, from, to, &out->cost, err)))
		return rc;
	rc = store_invoice_list(app->store, engagement_id, 0, on_revenue, &v);
	if (rc == ERR_CONFLICT)
		return buf_error(err, rc, "the window's invoices are in more than one currency");
	if (rc == ERR_INVALID)
		return buf_error(err, rc, "the window's revenue passes 2^63 - 1 minor units");
	if (rc)
		return app_store_end(app, NULL, rc, err);
	for (size_t i = 0; i < out->cost.n_totals; i++)
		if (out->currency[0] && !strcmp(out->cost.totals[i].currency, out->currency)) {
			out->comparable = true;
			out->cost_minor = out->cost.totals[i].cost_minor;
		}
	/* the cost in another currency than the revenue: not comparable, no rate assumed */
	if (out->cost.n_totals > 1 || (out->cost.n_totals == 1 && !out->comparable))
		out->comparable = false;
	if (!out->currency[0] && out->cost.n_totals <= 1) {
		if (out->cost.n_totals)
			memcpy(out->currency, out->cost.totals[0].currency, 4);
		out->cost_minor = out->cost.n_totals ? out->cost.totals[0].cost_minor : 0;
		out->comparable = true; /* no revenue yet: the margin is minus the cost */
	}
	if (!out->comparable)
		return 0;
	if (money_sub(out->revenue, out->cost_minor, &out->margin))
		return buf_error(err, ERR_INVALID, "the margin passes 2^63 - 1 minor units");
	if (out->revenue > 0)
		money_muldiv(out->margin, 10000, out->revenue, &out->margin_bp);
	return 0;
}

/* ---------------------------------------------------------------- audited reads */

const char *billing_read_name(enum billing_read what)
{
	static const char *const names[] = {
	    [BILLING_READ_JSON] = "json",	[BILLING_READ_CSV] = "csv",
	    [BILLING_READ_PDF] = "pdf",		[BILLING_READ_REFS] = "refs",
	    [BILLING_READ_ENTRIES] = "entries", [BILLING_READ_SAVINGS] = "savings",
	    [BILLING_READ_MARGIN] = "margin",	[BILLING_READ_LIST] = "list",
	};

	return (unsigned)what < sizeof(names) / sizeof(names[0]) ? names[what] : "?";
}

static void audit_head(struct cmd *audit, const struct actor *actor, const char *action,
		       const char *record_type, int64_t record_id, int64_t client_id)
{
	audit->type = CMD_AUDIT;
	audit->actor = actor;
	memset(&audit->u.audit, 0, sizeof(audit->u.audit));
	snprintf(audit->u.audit.action, sizeof(audit->u.audit.action), "%s", action);
	snprintf(audit->u.audit.record_type, sizeof(audit->u.audit.record_type), "%s",
		 record_type);
	audit->u.audit.record_id = record_id;
	audit->u.audit.client_id = client_id;
}

int app_invoice_read_audit(const struct app *app, const struct actor *actor, int64_t id,
			   enum billing_read what, int line, struct cmd *audit, struct buf *err)
{
	struct invoice_rec r;
	int rc;

	if (what > BILLING_READ_ENTRIES)
		return buf_error(err, ERR_INVALID, "%s is no invoice read", billing_read_name(what));
	if ((rc = invoice_scoped(app, actor, POL_INVOICE_READ, id, &r, err)))
		return rc;
	audit_head(audit, actor, "invoice.read", "invoice", r.id, r.client_id);
	/* who and how only: the number is public on the invoice, the amounts are not said */
	if (line > 0)
		snprintf(audit->u.audit.detail, sizeof(audit->u.audit.detail),
			 "{\"format\":\"%s\",\"line\":%d,\"engagement_id\":%" PRId64 "}",
			 billing_read_name(what), line, r.engagement_id);
	else
		snprintf(audit->u.audit.detail, sizeof(audit->u.audit.detail),
			 "{\"format\":\"%s\",\"engagement_id\":%" PRId64 "}",
			 billing_read_name(what), r.engagement_id);
	return 0;
}

int app_invoice_list_audit(const struct app *app, const struct actor *actor, int64_t engagement_id,
			   struct cmd *audit, struct buf *err)
{
	struct engagement_rec e = {0};
	int64_t client = 0;
	int rc;

	/* the list's own checks, in its order: a refused list writes nothing */
	if ((rc = app_allow(actor, POL_INVOICE_READ, NULL, err)))
		return rc;
	if (engagement_id &&
	    (rc = engagement_scoped(app, actor, POL_INVOICE_READ, engagement_id, &e, err)))
		return rc;
	if ((rc = policy_list_filter(actor, POL_INVOICE_READ, &client, &(int64_t){0})))
		return buf_error(err, rc, "role %s may not take invoice.read",
				 role_name(actor->role));
	if (engagement_id) {
		audit_head(audit, actor, "invoice.read", "engagement", e.id, e.client_id);
		snprintf(audit->u.audit.detail, sizeof(audit->u.audit.detail),
			 "{\"format\":\"%s\",\"engagement_id\":%" PRId64 "}",
			 billing_read_name(BILLING_READ_LIST), e.id);
	} else {
		audit_head(audit, actor, "invoice.read", "invoice", 0, client);
		snprintf(audit->u.audit.detail, sizeof(audit->u.audit.detail),
			 "{\"format\":\"%s\"}", billing_read_name(BILLING_READ_LIST));
	}
	return 0;
}

int app_billing_report_audit(const struct app *app, const struct actor *actor,
			     int64_t engagement_id, enum billing_read what, struct cmd *audit,
			     struct buf *err)
{
	struct engagement_rec e;
	int rc;

	if (what != BILLING_READ_SAVINGS && what != BILLING_READ_MARGIN)
		return buf_error(err, ERR_INVALID, "%s is no report", billing_read_name(what));
	/* called after the report's own check (savings.read, time.cost): the client only */
	if ((rc = store_engagement_get(app->store, engagement_id, &e)))
		return rc == ERR_NOTFOUND
			   ? buf_error(err, rc, "no engagement %" PRId64, engagement_id)
			   : app_got(app, rc, err);
	audit_head(audit, actor, "billing.report", "engagement", e.id, e.client_id);
	snprintf(audit->u.audit.detail, sizeof(audit->u.audit.detail), "{\"format\":\"%s\"}",
		 billing_read_name(what));
	return 0;
}

int app_billing_read_end(int audit_rc, struct buf *err)
{
	if (audit_rc)
		return buf_error(err, audit_rc == ERR_SHUTDOWN ? ERR_SHUTDOWN : ERR_BUSY,
				 "the read could not be recorded in the audit trail; retry");
	return 0;
}
