/* billing.c - rate cards and invoices in the engine: a draft written, numbered at issue, paid, credited. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine_int.h"
#include "util/clock.h"
#include "util/err.h"

int engine__rates_set(struct engine *e, struct cmd *c, int64_t now)
{
	const struct live_engagement *le = idmap_get(&e->st.engagements, c->u.rates.engagement_id);
	char *text;
	int rc;

	if (!le)
		return engine__fail(c, ERR_NOTFOUND, "no engagement %" PRId64,
				    c->u.rates.engagement_id);
	/* the canonical text: what a GET shows is exactly what was priced */
	if (!(text = rate_card_render(&c->u.rates.card)))
		return ERR_NOMEM;
	rc = store_rate_card_put(e->store, le->rec.id, text, now, c->actor ? c->actor->user_id : 0);
	free(text);
	if (rc)
		return rc;
	return engine__record_done(e, c, CMD_OUT_OK, "engagement.rates", "engagement", le->rec.id,
				   le->rec.client_id, now);
}

/*
 * A draft of a locked period, written over the period's earlier drafts (a
 * draft has no number, so nothing is lost). Refused while the period has
 * an issued or paid invoice: that one is credited first.
 */
int engine__invoice_draft(struct engine *e, struct cmd *c, int64_t now)
{
	struct invoice_draft *d = c->u.invoice.draft;
	struct billing_period p;
	int64_t billed = 0, dropped = 0;
	int rc;

	if (!d)
		return ERR_INTERNAL;
	rc = store_period_get(e->store, d->rec.period_id, &p);
	if (rc == ERR_NOTFOUND || (!rc && p.engagement_id != d->rec.engagement_id))
		return engine__fail(c, ERR_NOTFOUND, "no period %" PRId64, d->rec.period_id);
	if (rc)
		return rc;
	if (p.state != PERIOD_LOCKED)
		return engine__fail(c, ERR_CONFLICT,
				    "period %" PRId64 " is %s: only a locked period is invoiced",
				    p.id, period_state_name(p.state));
	rc = store_invoice_billed(e->store, p.id, &billed);
	if (!rc)
		return engine__fail(c, ERR_CONFLICT,
				    "period %" PRId64 " is billed by invoice %" PRId64
				    ": credit it first",
				    p.id, billed);
	if (rc != ERR_NOTFOUND)
		return rc;
	if ((rc = store_invoice_drafts_drop(e->store, p.id, &dropped)))
		return rc;
	d->rec.state = INVOICE_DRAFT;
	d->rec.kind = INVOICE_KIND_INVOICE;
	d->rec.number[0] = 0;
	d->rec.year = d->rec.seq = 0;
	d->rec.created_at = now;
	d->rec.created_by = c->actor ? c->actor->user_id : 0;
	if ((rc = store_invoice_insert(e->store, &d->rec, d->lines, d->n_lines, d->refs, d->n_refs)))
		return rc;
	return engine__record_done(e, c, CMD_OUT_CREATED, "invoice.draft", "invoice", d->rec.id,
				   d->rec.client_id, now);
}

/* The invoice of the command, in this transaction, of the client the caller checked. */
static int invoice_of(struct engine *e, struct cmd *c, struct invoice_rec *r)
{
	int rc = store_invoice_state_get(e->store, c->u.invoice.invoice_id, r);

	if (rc == ERR_NOTFOUND ||
	    (!rc && c->u.invoice.client_id && r->client_id != c->u.invoice.client_id))
		return engine__fail(c, ERR_NOTFOUND, "no invoice %" PRId64,
				    c->u.invoice.invoice_id);
	return rc;
}

/* The next number of r's series in the year of now: max + 1 inside this transaction. */
static int number(struct engine *e, struct invoice_rec *r, int64_t now)
{
	int rc;

	r->year = invoice_year_of(now);
	if ((rc = store_invoice_seq_next(e->store, r->kind, r->year, &r->seq)))
		return rc;
	invoice_number_format(r->kind, r->year, r->seq, r->number, sizeof(r->number));
	return 0;
}

static int advance(struct cmd *c, struct invoice_rec *r, enum invoice_act act)
{
	enum invoice_state to;
	const char *why;
	int rc = invoice_advance(r, act, &to, &why);

	if (rc)
		return engine__fail(c, rc, "invoice %" PRId64 " is %s: %s", r->id,
				    invoice_state_name(r->state), why);
	r->state = to;
	return 0;
}

/*
 * The invoice.issued webhook event (issue 11's outbox), in the issue's savepoint: it
 * commits with the number or not at all. Ids, the number and the totals; no line.
 */
static int outbox_issued(struct engine *e, const struct invoice_rec *r, int64_t now)
{
	struct webhook_delivery d;
	char at[40], body[640], total[MONEY_TEXT_MAX], net[MONEY_TEXT_MAX];
	int64_t n = 0;

	memset(&d, 0, sizeof(d));
	d.client_id = r->client_id;
	d.created_at = now;
	snprintf(d.event_id, sizeof(d.event_id), "evt_%" PRId64, e->st.audit_seq);
	snprintf(d.type, sizeof(d.type), "invoice.issued");
	clock_format_ms(now, at, sizeof(at));
	snprintf(body, sizeof(body),
		 "{\"id\":\"%s\",\"type\":\"invoice.issued\",\"created_at\":\"%s\",\"data\":{"
		 "\"invoice_id\":%" PRId64 ",\"number\":\"%s\",\"kind\":\"%s\",\"engagement_id\":%" PRId64
		 ",\"client_id\":%" PRId64 ",\"period_id\":%" PRId64
		 ",\"currency\":\"%s\",\"net\":\"%s\",\"total\":\"%s\"}}",
		 d.event_id, at, r->id, r->number, invoice_kind_name(r->kind), r->engagement_id,
		 r->client_id, r->period_id, r->currency,
		 money_format(r->net, r->exponent, net, sizeof(net)),
		 money_format(r->total, r->exponent, total, sizeof(total)));
	d.body = body;
	return store_webhook_enqueue(e->store, &d, r->engagement_id, WH_INVOICE_ISSUED, &n);
}

/*
 * Draft -> issued with the next number of its series. The number is taken
 * and written in this command's savepoint: if anything after fails, or the
 * batch does not commit, the number was never used (gap-free).
 */
int engine__invoice_issue(struct engine *e, struct cmd *c, int64_t now)
{
	struct invoice_rec r;
	int rc;

	if ((rc = invoice_of(e, c, &r)) || (rc = advance(c, &r, INVOICE_ACT_ISSUE)))
		return rc;
	if ((rc = store_invoice_billed(e->store, r.period_id, &(int64_t){0})) != ERR_NOTFOUND)
		return rc ? rc
			  : engine__fail(c, ERR_CONFLICT,
					 "period %" PRId64 " is billed already: credit it first",
					 r.period_id);
	if ((rc = number(e, &r, now)))
		return rc;
	r.issued_at = now;
	if ((rc = store_invoice_update(e->store, &r)) || (rc = outbox_issued(e, &r, now)))
		return rc;
	return engine__record_done(e, c, CMD_OUT_OK, "invoice.issue", "invoice", r.id, r.client_id,
				   now);
}

int engine__invoice_pay(struct engine *e, struct cmd *c, int64_t now)
{
	struct invoice_rec r;
	int rc;

	if ((rc = invoice_of(e, c, &r)) || (rc = advance(c, &r, INVOICE_ACT_PAY)))
		return rc;
	r.paid_at = now;
	if ((rc = store_invoice_update(e->store, &r)))
		return rc;
	return engine__record_done(e, c, CMD_OUT_OK, "invoice.pay", "invoice", r.id, r.client_id,
				   now);
}

/*
 * An issued or paid invoice credited whole: a credit note (its own series,
 * issued at once) that negates every line and total; the invoice becomes
 * credited and names it. Nothing of the invoice itself is changed but its
 * state and those marks, and its period may be drafted again.
 */
static int credit_whole(struct engine *e, struct cmd *c, struct invoice_rec *r,
			struct invoice_rec *n, int64_t now)
{
	int rc;

	*n = *r;
	n->id = 0;
	n->kind = INVOICE_KIND_CREDIT;
	n->state = INVOICE_ISSUED;
	n->credit_of = r->id;
	n->credited_by = 0;
	n->credited_total = 0;
	n->reason[0] = 0;
	n->work = -r->work;
	n->fee = -r->fee;
	n->credits = -r->credits;
	n->net = -r->net;
	n->tax = -r->tax;
	n->total = -r->total;
	n->hours_ms = -r->hours_ms;
	n->items = -r->items;
	n->created_at = n->issued_at = now;
	n->created_by = c->actor ? c->actor->user_id : 0;
	n->paid_at = n->credited_at = 0;
	if ((rc = number(e, n, now)) || (rc = store_invoice_insert(e->store, n, NULL, 0, NULL, 0)) ||
	    (rc = store_invoice_credit_copy(e->store, r->id, n->id)))
		return rc;
	r->credited_total = r->total;
	return 0;
}

/*
 * Part of it (core/invoice.h invoice_credit_compute()): the note's lines
 * priced against what the earlier notes credited, read in this transaction
 * (two notes in one batch see each other), so the sum never passes the
 * invoice. No ask (a whole credit after partial ones): the rest of the net.
 */
static int credit_part(struct engine *e, struct cmd *c, struct invoice_rec *r,
		       struct invoice_rec *n, int64_t now)
{
	struct invoice_line *lines = malloc(2 * BILL_LINES_MAX * sizeof(*lines));
	struct credited *before = malloc(sizeof(*before));
	struct credit_req *rest = NULL;
	const struct credit_req *req = c->u.invoice.credit;
	size_t n_lines = 0, n_out = 0;
	char why[256];
	int rc;

	if (!lines || !before) {
		rc = ERR_NOMEM;
		goto out;
	}
	if ((rc = store_invoice_credit_state(e->store, r->id, lines, BILL_LINES_MAX, &n_lines,
					     before)))
		goto out;
	if (!req) {
		int64_t net_before = before->amount[CREDIT_ADJUST_LINE];

		for (size_t i = 0; i < n_lines; i++)
			if (lines[i].kind != BILL_TAX && lines[i].line_no < CREDIT_SLOTS)
				net_before += before->amount[lines[i].line_no];
		if (!(rest = calloc(1, sizeof(*rest)))) {
			rc = ERR_NOMEM;
			goto out;
		}
		rest->amount = r->net - net_before;
		snprintf(rest->reason, sizeof(rest->reason), "the rest of the invoice");
		req = rest;
	}
	rc = invoice_credit_compute(r, lines, n_lines, before, req, n, lines + BILL_LINES_MAX,
				    &n_out, why, sizeof(why));
	if (rc) {
		rc = engine__fail(c, rc, "%s", why);
		goto out;
	}
	n->created_at = n->issued_at = now;
	n->created_by = c->actor ? c->actor->user_id : 0;
	if ((rc = number(e, n, now)) ||
	    (rc = store_invoice_insert(e->store, n, lines + BILL_LINES_MAX, n_out, NULL, 0)))
		goto out;
	r->credited_total -= n->total;
out:
	free(lines);
	free(before);
	free(rest);
	return rc;
}

/*
 * POST /v1/invoices/:id/credit: whole (no ask, nothing credited yet) or in
 * part; each note its own gap-free CN- number, issued at once. The invoice
 * goes partially_credited, then credited once its whole total is.
 */
int engine__invoice_credit(struct engine *e, struct cmd *c, int64_t now)
{
	struct invoice_rec r, n;
	int rc;

	if ((rc = invoice_of(e, c, &r)) || (rc = advance(c, &r, INVOICE_ACT_CREDIT)))
		return rc;
	rc = !c->u.invoice.credit && !r.credited_total ? credit_whole(e, c, &r, &n, now)
						       : credit_part(e, c, &r, &n, now);
	if (rc || (rc = outbox_issued(e, &n, now)))
		return rc;
	r.state = r.credited_total >= r.total ? INVOICE_CREDITED : INVOICE_PART_CREDITED;
	r.credited_by = n.id;
	r.credited_at = now;
	if ((rc = store_invoice_update(e->store, &r)))
		return rc;
	if ((rc = engine__audit_append(e, c, "invoice.credited", "invoice", r.id, r.client_id, now)))
		return rc;
	return engine__record_done(e, c, CMD_OUT_CREATED, "invoice.credit", "invoice", n.id,
				   n.client_id, now);
}

int engine__client_billing(struct engine *e, struct cmd *c, int64_t now)
{
	struct client_billing *b = &c->u.cbilling;
	int rc;

	if (!idmap_get(&e->st.clients, b->client_id))
		return engine__fail(c, ERR_NOTFOUND, "no client %" PRId64, b->client_id);
	b->updated_at = now;
	b->updated_by = c->actor ? c->actor->user_id : 0;
	if ((rc = store_client_billing_put(e->store, b)))
		return rc;
	return engine__record_done(e, c, CMD_OUT_OK, "client.billing", "client", b->client_id,
				   b->client_id, now);
}
