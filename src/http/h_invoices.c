/* h_invoices.c - rate cards, invoices (JSON, CSV, PDF), billing settings and savings over HTTP. */
#include <stdlib.h>
#include <string.h>

#include "app/billing.h"
#include "http/http_int.h"
#include "util/clock.h"
#include "util/err.h"
#include "wire/invoice.h"

/* ---------------------------------------------------------------- shared */

/* A use case's error answered, or the command run through the engine (idempotent). */
static int run(struct req *r, int rc, struct buf *err, struct cmd *c)
{
	/* billing's conflicts are its own sentences (a period not locked, no rate card): said */
	if (rc == ERR_CONFLICT && err->len) {
		http__fail(r, rc, "%s", buf_str(err));
		buf_release(err);
		return rc;
	}
	if (rc)
		return http__app_fail(r, rc, err);
	buf_release(err);
	if ((rc = http__idem(r, c)))
		return rc;
	return http__engine(r, c);
}

/* A body where none is needed: empty or {} (a member is refused, as everywhere). */
static int no_members(struct req *r)
{
	json_t *body = NULL;
	int rc = http__body(r, true, &body);

	if (!rc && body)
		rc = http__unpack(r, body, "{}");
	json_decref(body);
	return rc;
}

/*
 * A billing read's audit event, durable before anything is sent (rc: the
 * use case that filled it). The first run suspends (ERR_SUSPENDED); the
 * second returns 0 once the event is in the trail, or the answered error.
 */
static int audited(struct req *r, int rc, struct buf *err, struct cmd *audit)
{
	if (rc)
		return http__app_fail(r, rc, err);
	rc = http__engine(r, audit);
	if (rc == ERR_SUSPENDED)
		return rc;
	if ((rc = app_billing_read_end(rc, err)))
		return http__app_fail(r, rc, err);
	buf_release(err);
	return 0;
}

/* An invoice read's event (what, line) made durable: 0, ERR_SUSPENDED or answered. */
static int invoice_audited(struct req *r, enum billing_read what, int line)
{
	struct cmd *audit = http__cmd_new(r, CMD_AUDIT);
	struct buf err = BUF_INIT;
	int rc;

	if (!audit)
		return ERR_NOMEM;
	rc = audited(r,
		     app_invoice_read_audit(&r->srv->app, &r->actor, r->param[0], what, line,
					    audit, &err),
		     &err, audit);
	buf_release(&err);
	http__cmd_free(audit);
	return rc;
}

/* The invoice with its lines, as the actor reads it now (after a write: committed). */
static int answer_doc(struct req *r, int64_t id, int status)
{
	struct invoice_doc *d = malloc(sizeof(*d));
	struct buf err = BUF_INIT;
	int rc;

	if (!d)
		return http__fail(r, ERR_NOMEM, NULL);
	rc = app_invoice_doc(&r->srv->app, &r->actor, id, http__query(r, "lang"), d, &err);
	if (rc) {
		free(d);
		return http__app_fail(r, rc, &err);
	}
	buf_release(&err);
	json_t *j = wire_invoice_doc(d);

	free(d);
	if (!j)
		return http__fail(r, ERR_NOMEM, "cannot render the invoice");
	http__reply(r, status, j);
	return 0;
}

/* ---------------------------------------------------------------- rates */

/*
 * PUT /v1/engagements/:id/rates {currency, hourly, items, milestone, minimum, credits, tax}
 * -> 200 the card as stored (canonical). 400 names the field: a negative price, an amount
 * past 2^63 - 1 minor units, an unknown currency or field.
 */
int h_rates_put(struct req *r)
{
	struct cmd *c = http__cmd_new(r, CMD_RATES_SET);
	struct buf err = BUF_INIT;
	json_t *body = NULL;
	int rc;

	if (!c)
		return ERR_NOMEM;
	/* the JSON checked as every body is (depth, duplicates); the card parses the text */
	if ((rc = http__body(r, false, &body)))
		goto out;
	rc = run(r,
		 app_rates_set(&r->srv->app, &r->actor, r->param[0], buf_str(&r->body), c, &err),
		 &err, c);
	if (!rc && r->status < 300) {
		struct rates_view v;

		if ((rc = app_rates_get(&r->srv->app, &r->actor, r->param[0], &v, &err)))
			rc = http__app_fail(r, rc, &err);
		else
			rc = http__read(r, 0, wire_rates(&v));
	}
out:
	buf_release(&err);
	json_decref(body);
	http__cmd_free(c);
	return rc;
}

/* GET /v1/engagements/:id/rates -> the card; 404 when none is set */
int h_rates_get(struct req *r)
{
	struct rates_view v;
	struct buf err = BUF_INIT;
	int rc = app_rates_get(&r->srv->app, &r->actor, r->param[0], &v, &err);

	if (rc)
		return http__app_fail(r, rc, &err);
	buf_release(&err);
	return http__read(r, 0, wire_rates(&v));
}

/* ---------------------------------------------------------------- invoices */

/*
 * POST /v1/periods/:id/invoice -> 201 the draft with its lines. 409: the period is not
 * locked, has no rate card, or is billed by an issued invoice (credit it first).
 * The draft is computed once, on the handler's first run; the second run (after the
 * engine answered) only collects the answer.
 */
int h_invoices_draft(struct req *r)
{
	struct cmd *c = http__cmd_new(r, CMD_INVOICE_DRAFT);
	struct buf err = BUF_INIT;
	int rc;

	if (!c)
		return ERR_NOMEM;
	if ((rc = no_members(r)))
		goto out;
	if (r->pending && atomic_load(&r->pending_done))
		rc = http__engine(r, c);
	else
		rc = run(r, app_invoice_draft(&r->srv->app, &r->actor, r->param[0], c, &err), &err,
			 c);
	if (!rc && r->status < 300)
		rc = answer_doc(r, c->result.id, 201);
out:
	free(c->u.invoice.draft);
	c->u.invoice.draft = NULL;
	buf_release(&err);
	http__cmd_free(c);
	return rc;
}

static int act(struct req *r, enum invoice_act a)
{
	struct cmd *c = http__cmd_new(r, CMD_INVOICE_ISSUE);
	struct buf err = BUF_INIT;
	int rc;

	if (!c)
		return ERR_NOMEM;
	if ((rc = no_members(r)))
		goto out;
	rc = run(r, app_invoice_act(&r->srv->app, &r->actor, r->param[0], a, c, &err), &err, c);
	if (!rc && r->status < 300)
		rc = answer_doc(r, a == INVOICE_ACT_CREDIT ? c->result.id : r->param[0],
				a == INVOICE_ACT_CREDIT ? 201 : 200);
out:
	buf_release(&err);
	http__cmd_free(c);
	return rc;
}

/* POST /v1/invoices/:id/issue -> 200 the invoice with its number (gap-free, per series and year) */
int h_invoices_issue(struct req *r)
{
	return act(r, INVOICE_ACT_ISSUE);
}

/* POST /v1/invoices/:id/pay -> 200 the invoice, paid */
int h_invoices_pay(struct req *r)
{
	return act(r, INVOICE_ACT_PAY);
}

/*
 * POST /v1/invoices/:id/credit -> 201 the credit note (CN-...).
 * No body (or {}): the whole invoice (after partial notes: the rest of it).
 * {reason, amount} or {reason, lines: [{line, quantity} | {line, amount}]}: a
 * partial note; 409 when it passes what is left (the message names it).
 */
int h_invoices_credit(struct req *r)
{
	struct credit_line_in lines[BILL_LINES_MAX];
	struct credit_in in = {.lines = lines};
	struct cmd *c;
	struct buf err = BUF_INIT;
	json_t *body = NULL, *arr = NULL, *el;
	size_t i;
	int rc;

	if ((rc = http__body(r, true, &body)))
		return rc;
	if (!body || (json_is_object(body) && !json_object_size(body))) {
		json_decref(body);
		return act(r, INVOICE_ACT_CREDIT);
	}
	if ((rc = http__unpack(r, body, "{s?s, s?s, s?o}", "reason", &in.reason, "amount",
			       &in.amount, "lines", &arr)))
		goto out;
	if (arr && (!json_is_array(arr) || json_array_size(arr) > BILL_LINES_MAX)) {
		rc = http__fail(r, ERR_INVALID, "lines must be an array of at most %d {line, "
						"quantity | amount}",
				BILL_LINES_MAX);
		goto out;
	}
	json_array_foreach(arr, i, el)
	{
		json_t *q = NULL;
		json_int_t line = 0;
		json_error_t e;

		lines[i] = (struct credit_line_in){.quantity = -1};
		if (json_unpack_ex(el, &e, JSON_STRICT, "{s:I, s?o, s?s}", "line", &line,
				   "quantity", &q, "amount", &lines[i].amount)) {
			rc = http__fail(r, ERR_INVALID,
					"lines[%zu] must be {line, quantity} or {line, amount}", i);
			goto out;
		}
		if (q && (!json_is_integer(q) || json_integer_value(q) < 0)) {
			rc = http__fail(r, ERR_INVALID,
					"lines[%zu].quantity must be a positive integer", i);
			goto out;
		}
		lines[i].line = line;
		lines[i].quantity = q ? json_integer_value(q) : -1;
	}
	in.n_lines = arr ? json_array_size(arr) : 0;
	if (!(c = http__cmd_new(r, CMD_INVOICE_CREDIT))) {
		rc = ERR_NOMEM;
		goto out;
	}
	rc = run(r, app_invoice_credit(&r->srv->app, &r->actor, r->param[0], &in, c, &err), &err,
		 c);
	if (!rc && r->status < 300)
		rc = answer_doc(r, c->result.id, 201);
	free(c->u.invoice.credit);
	c->u.invoice.credit = NULL;
	http__cmd_free(c);
out:
	buf_release(&err);
	json_decref(body);
	return rc;
}

/* the document of the route, or an answered error (NULL) */
static struct invoice_doc *doc_of(struct req *r, int *rc)
{
	struct invoice_doc *d = malloc(sizeof(*d));
	struct buf err = BUF_INIT;

	if (!d) {
		*rc = http__fail(r, ERR_NOMEM, NULL);
		return NULL;
	}
	*rc = app_invoice_doc(&r->srv->app, &r->actor, r->param[0], http__query(r, "lang"), d,
			      &err);
	if (*rc) {
		free(d);
		*rc = http__app_fail(r, *rc, &err);
		return NULL;
	}
	buf_release(&err);
	return d;
}

/* GET /v1/invoices/:id?lang=en|id|ms -> the invoice with its lines (audited: invoice.read) */
int h_invoices_get(struct req *r)
{
	int rc;

	/* the checks (lang, scope) answered before the event, then again after it */
	struct invoice_doc *d = doc_of(r, &rc);

	if (!d)
		return rc;
	free(d);
	if ((rc = invoice_audited(r, BILLING_READ_JSON, 0)))
		return rc;
	return answer_doc(r, r->param[0], 200);
}

static int on_list(void *ctx, const struct invoice_rec *rec)
{
	json_t *j = wire_invoice(rec);

	return j && !json_array_append_new(ctx, j) ? 0 : ERR_NOMEM;
}

/*
 * GET /v1/invoices?engagement_id= -> {"data": [invoices, newest first], "next_cursor": null}
 * (audited: one invoice.read per page, naming the filter; checked before the event)
 */
int h_invoices_list(struct req *r)
{
	struct buf err = BUF_INIT;
	struct cmd *audit;
	json_t *data;
	int64_t eng = 0;
	int rc;

	if (http__query(r, "engagement_id") && (rc = http__query_id(r, "engagement_id", &eng)))
		return rc;
	if (!(audit = http__cmd_new(r, CMD_AUDIT)))
		return http__fail(r, ERR_NOMEM, NULL);
	rc = audited(r, app_invoice_list_audit(&r->srv->app, &r->actor, eng, audit, &err), &err,
		     audit);
	buf_release(&err);
	http__cmd_free(audit);
	if (rc)
		return rc;
	if (!(data = json_array()))
		return http__fail(r, ERR_NOMEM, NULL);
	if ((rc = app_invoice_list(&r->srv->app, &r->actor, eng, on_list, data, &err))) {
		json_decref(data);
		return http__app_fail(r, rc, &err);
	}
	buf_release(&err);
	return http__read(r, 0, json_pack("{s:o, s:n}", "data", data, "next_cursor"));
}

/* GET /v1/invoices/:id/csv?lang= -> text/csv: one row per line, then the totals */
int h_invoices_csv(struct req *r)
{
	struct buf csv = BUF_INIT;
	size_t len;
	int rc;
	struct invoice_doc *d = doc_of(r, &rc);

	if (!d)
		return rc;
	if ((rc = invoice_audited(r, BILLING_READ_CSV, 0))) {
		free(d);
		return rc;
	}
	rc = wire_invoice_csv(d, &csv);
	free(d);
	if (rc) {
		buf_release(&csv);
		return http__fail(r, rc, "cannot render the invoice as CSV");
	}
	http__reply(r, 200, NULL);
	if (!(r->raw = buf_detach(&csv, &len)))
		return http__fail(r, ERR_NOMEM, "cannot render the invoice as CSV");
	r->raw_len = len;
	r->ctype = "text/csv; charset=utf-8; header=present";
	return 0;
}

/* GET /v1/invoices/:id/pdf?lang= -> application/pdf */
int h_invoices_pdf(struct req *r)
{
	unsigned char *pdf = NULL;
	size_t len = 0;
	int rc;
	struct invoice_doc *d = doc_of(r, &rc);

	if (!d)
		return rc;
	if ((rc = invoice_audited(r, BILLING_READ_PDF, 0))) {
		free(d);
		return rc;
	}
	rc = wire_invoice_pdf(d, &pdf, &len);
	free(d);
	if (rc)
		return http__fail(r, rc, "cannot render the invoice as PDF");
	http__reply(r, 200, NULL);
	r->raw = (char *)pdf;
	r->raw_len = len;
	r->ctype = "application/pdf";
	return 0;
}

static int line_param(struct req *r, int *line)
{
	const char *s = http__query(r, "line");
	int64_t v = 0;
	int rc;

	*line = 0;
	if (!s)
		return 0;
	if ((rc = http__query_id(r, "line", &v)))
		return rc;
	if (v > BILL_LINES_MAX)
		return http__fail(r, ERR_INVALID, "line must be a line number of the invoice");
	*line = (int)v;
	return 0;
}

static int on_ref(void *ctx, const struct invoice_ref *f)
{
	json_t *j = wire_invoice_ref(f);

	return j && !json_array_append_new(ctx, j) ? 0 : ERR_NOMEM;
}

/* GET /v1/invoices/:id/refs?line= -> {"data": [{line, kind: worker|item|milestone, id}]} */
int h_invoices_refs(struct req *r)
{
	struct buf err = BUF_INIT;
	json_t *data;
	int line, rc;

	if ((rc = line_param(r, &line)) || (rc = invoice_audited(r, BILLING_READ_REFS, line)))
		return rc;
	if (!(data = json_array()))
		return http__fail(r, ERR_NOMEM, NULL);
	if ((rc = app_invoice_refs(&r->srv->app, &r->actor, r->param[0], line, on_ref, data,
				   &err))) {
		json_decref(data);
		return http__app_fail(r, rc, &err);
	}
	buf_release(&err);
	return http__read(r, 0, json_pack("{s:o, s:n}", "data", data, "next_cursor"));
}

struct entries {
	json_t *data;
	int64_t n;
};

#define ENTRIES_MAX 100000 /* entries one answer lists at most */

static int on_entry(void *ctx, const struct time_entry *t)
{
	struct entries *e = ctx;
	char s[40], f[40];

	if (++e->n > ENTRIES_MAX)
		return ERR_TOOBIG;
	clock_format_ms(t->started_at, s, sizeof(s));
	clock_format_ms(t->ended_at, f, sizeof(f));
	json_t *j = json_pack("{s:I,s:I,s:o,s:s,s:s,s:s,s:I}", "id", (json_int_t)t->id,
			      "worker_id", (json_int_t)t->worker_id, "item_id",
			      t->item_id ? json_integer(t->item_id) : json_null(), "kind",
			      time_kind_name(t->kind), "started_at", s, "ended_at", f,
			      "duration_ms", (json_int_t)t->duration_ms);

	return j && !json_array_append_new(e->data, j) ? 0 : ERR_NOMEM;
}

/* GET /v1/invoices/:id/entries?line=N -> {"data": [the time entries the hours line bills]} */
int h_invoices_entries(struct req *r)
{
	struct buf err = BUF_INIT;
	struct entries e = {json_array(), 0};
	int line, rc;

	if ((rc = line_param(r, &line))) {
		json_decref(e.data);
		return rc;
	}
	if (!line) {
		json_decref(e.data);
		return http__fail(r, ERR_INVALID, "line is required: the number of an hours line");
	}
	if (!e.data)
		return http__fail(r, ERR_NOMEM, NULL);
	if ((rc = invoice_audited(r, BILLING_READ_ENTRIES, line))) {
		json_decref(e.data);
		return rc;
	}
	rc = app_invoice_entries(&r->srv->app, &r->actor, r->param[0], line, on_entry, &e, &err);
	if (rc) {
		json_decref(e.data);
		if (rc == ERR_TOOBIG) {
			buf_release(&err);
			return http__fail(r, rc, "the line bills more than %d entries", ENTRIES_MAX);
		}
		return http__app_fail(r, rc, &err);
	}
	buf_release(&err);
	return http__read(r, 0, json_pack("{s:o, s:n}", "data", e.data, "next_cursor"));
}

/* ---------------------------------------------------------------- billing settings, savings */

/*
 * PUT /v1/clients/:id/billing {language?: en|id|ms, inhouse_hour?: "25.00", currency?,
 * overhead_bp?} -> 200 the settings
 */
int h_billing_put(struct req *r)
{
	struct cmd *c = http__cmd_new(r, CMD_CLIENT_BILLING);
	struct buf err = BUF_INIT;
	struct billing_in in = {.client_id = r->param[0], .overhead_bp = -1};
	json_t *body = NULL, *ov = NULL;
	int rc;

	if (!c)
		return ERR_NOMEM;
	if ((rc = http__body(r, false, &body)) ||
	    (rc = http__unpack(r, body, "{s?s, s?s, s?s, s?o}", "language", &in.language,
			       "inhouse_hour", &in.inhouse_hour, "currency", &in.currency,
			       "overhead_bp", &ov)))
		goto out;
	if (ov && !json_is_null(ov)) {
		if (!json_is_integer(ov) || json_integer_value(ov) < 0 ||
		    json_integer_value(ov) > 100000) {
			rc = http__fail(r, ERR_INVALID, "overhead_bp must be 0..100000");
			goto out;
		}
		in.overhead_bp = json_integer_value(ov);
	}
	rc = run(r, app_billing_set(&r->srv->app, &r->actor, &in, c, &err), &err, c);
	if (!rc && r->status < 300) {
		struct client_billing b;

		if ((rc = app_billing_get(&r->srv->app, &r->actor, in.client_id, &b, &err)))
			rc = http__app_fail(r, rc, &err);
		else
			rc = http__read(r, 0, wire_billing(&b));
	}
out:
	buf_release(&err);
	json_decref(body);
	http__cmd_free(c);
	return rc;
}

/* GET /v1/clients/:id/billing -> the settings (unset: nulls and the default overhead) */
int h_billing_get(struct req *r)
{
	struct client_billing b;
	struct buf err = BUF_INIT;
	int rc = app_billing_get(&r->srv->app, &r->actor, r->param[0], &b, &err);

	if (rc)
		return http__app_fail(r, rc, &err);
	buf_release(&err);
	return http__read(r, 0, wire_billing(&b));
}

/* A report's event (billing.report on the engagement), after the report's own checks. */
static int report_audited(struct req *r, enum billing_read what)
{
	struct cmd *audit = http__cmd_new(r, CMD_AUDIT);
	struct buf err = BUF_INIT;
	int rc;

	if (!audit)
		return ERR_NOMEM;
	rc = audited(r,
		     app_billing_report_audit(&r->srv->app, &r->actor, r->param[0], what, audit,
					      &err),
		     &err, audit);
	buf_release(&err);
	http__cmd_free(audit);
	return rc;
}

/*
 * GET /v1/engagements/:id/savings?from=&to= -> paid against in-house, with the assumptions
 * (computed on both runs around the audit event: a read, checked before the event is written)
 */
int h_savings_get(struct req *r)
{
	struct savings s;
	struct buf err = BUF_INIT;
	int rc = app_savings(&r->srv->app, &r->actor, r->param[0], http__query(r, "from"),
			     http__query(r, "to"), &s, &err);

	if (rc)
		return http__app_fail(r, rc, &err);
	buf_release(&err);
	if ((rc = report_audited(r, BILLING_READ_SAVINGS)))
		return rc;
	return http__read(r, 0, wire_savings(&s));
}

/* GET /v1/engagements/:id/margin?period_id= | from&to -> revenue beside cost (time.cost) */
int h_margin_get(struct req *r)
{
	struct margin m;
	struct buf err = BUF_INIT;
	int rc = app_margin(&r->srv->app, &r->actor, r->param[0], http__query(r, "period_id"),
			    http__query(r, "from"), http__query(r, "to"), &m, &err);

	if (rc) {
		margin_release(&m);
		return http__app_fail(r, rc, &err);
	}
	buf_release(&err);
	if ((rc = report_audited(r, BILLING_READ_MARGIN))) {
		margin_release(&m);
		return rc;
	}
	rc = http__read(r, 0, wire_margin(&m));
	margin_release(&m);
	return rc;
}
