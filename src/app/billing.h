/* billing.h - rate cards, invoices, a client's billing settings and the savings report as use cases. */
#ifndef ALIHDAYA_APP_BILLING_H
#define ALIHDAYA_APP_BILLING_H

#include <stdbool.h>
#include <stdint.h>

#include "app/app.h"
#include "app/time.h"
#include "core/invoice.h"
#include "core/rates.h"
#include "core/savings.h"

/* ---------------------------------------------------------------- rate cards */

/* PUT /v1/engagements/:id/rates: json parsed and checked (400 names the field); c filled. */
int app_rates_set(const struct app *app, const struct actor *actor, int64_t engagement_id,
		  const char *json, struct cmd *c, struct buf *err);

struct rates_view {
	struct engagement_rec eng;
	struct rate_card card;
	int64_t updated_at;
};
/* The card (rates.read with the engagement's client); ERR_NOTFOUND: none set, or hidden. */
int app_rates_get(const struct app *app, const struct actor *actor, int64_t engagement_id,
		  struct rates_view *out, struct buf *err);

/* ---------------------------------------------------------------- invoices */

/*
 * POST /v1/periods/:id/invoice: the draft of a locked period, computed here
 * (the period's current billable entries priced by grade, the items done
 * in it by tier, its submitted milestones, the quality score of its
 * observations; core/rates.h) and written by the engine. ERR_CONFLICT: the
 * period is not locked, or the engagement has no rate card. OUT:
 * c->u.invoice.draft, malloc'd, the caller's to free() once the command ran.
 */
int app_invoice_draft(const struct app *app, const struct actor *actor, int64_t period_id,
		      struct cmd *c, struct buf *err);
/* issue, pay, credit: c filled for invoice id (its client checked here and by the engine). */
int app_invoice_act(const struct app *app, const struct actor *actor, int64_t id,
		    enum invoice_act act, struct cmd *c, struct buf *err);

/*
 * POST /v1/invoices/:id/credit with a body: a partial credit note as
 * received. Either lines (each a line number with a quantity, or with an
 * amount as a decimal in the invoice's currency) or amount (the net to
 * credit), and a reason (required, 1..255 bytes, no control character).
 * Checked here (400 names the field); priced by the engine against what
 * earlier notes credited. c->u.invoice.credit is malloc'd: the caller
 * free()s it once the command ran.
 */
struct credit_line_in {
	int64_t line;	    /* the invoice's line number */
	int64_t quantity;   /* -1: none */
	const char *amount; /* NULL: none */
};
struct credit_in {
	const char *reason;
	const char *amount; /* NULL: by lines */
	size_t n_lines;
	const struct credit_line_in *lines;
};
int app_invoice_credit(const struct app *app, const struct actor *actor, int64_t id,
		       const struct credit_in *in, struct cmd *c, struct buf *err);

/* One invoice (invoice.read with its client; another client's is ERR_NOTFOUND). */
int app_invoice_get(const struct app *app, const struct actor *actor, int64_t id,
		    struct invoice_rec *out, struct buf *err);
/* The invoices of an engagement (0: any) as the actor may see them (a client: its own), newest first. */
int app_invoice_list(const struct app *app, const struct actor *actor, int64_t engagement_id,
		     store_invoice_cb cb, void *ctx, struct buf *err);
/* An invoice's lines in order, and what they bill (line 0: every line), after the get's check. */
int app_invoice_lines(const struct app *app, const struct actor *actor, int64_t id,
		      store_invoice_line_cb cb, void *ctx, struct buf *err);
int app_invoice_refs(const struct app *app, const struct actor *actor, int64_t id, int line_no,
		     store_invoice_ref_cb cb, void *ctx, struct buf *err);
/*
 * The time entries an hours line bills: the period's current billable
 * entries of the workers the line names (the period is locked, so they are
 * the ones priced); another kind of line bills none. ERR_NOTFOUND: no such line.
 */
int app_invoice_entries(const struct app *app, const struct actor *actor, int64_t id,
			int line_no, store_time_cb cb, void *ctx, struct buf *err);

/*
 * The language of r's documents: the client's billing language, else
 * query ("en", "id", "ms"; NULL: none), else "en". ERR_INVALID: query is
 * another language. OUT: lang (INVOICE_LANG_MAX bytes).
 */
int app_invoice_language(const struct app *app, const struct invoice_rec *r, const char *query,
			 char *lang, struct buf *err);

/*
 * An invoice as its documents show it (JSON, CSV, PDF): the record, its
 * lines, the client and engagement it bills, the language (as
 * app_invoice_language() decides with the query's lang). Large: malloc it.
 */
struct invoice_doc {
	struct invoice_rec rec;
	size_t n_lines;
	struct invoice_line lines[BILL_LINES_MAX];
	struct client_rec client;
	struct engagement_rec eng;
	char lang[INVOICE_LANG_MAX];
};
int app_invoice_doc(const struct app *app, const struct actor *actor, int64_t id,
		    const char *lang_query, struct invoice_doc *out, struct buf *err);

/* ---------------------------------------------------------------- client billing */

/*
 * PUT /v1/clients/:id/billing as received: language ("" or NULL: keep none),
 * inhouse_hour a decimal in currency (NULL: the catalogue's default),
 * overhead_bp (-1: the default).
 */
struct billing_in {
	int64_t client_id;
	const char *language;
	const char *inhouse_hour;
	const char *currency;
	int64_t overhead_bp;
};
int app_billing_set(const struct app *app, const struct actor *actor, const struct billing_in *in,
		    struct cmd *c, struct buf *err);
/* The client's settings (ERR_NOTFOUND only for a hidden or missing client: unset is all empty). */
int app_billing_get(const struct app *app, const struct actor *actor, int64_t client_id,
		    struct client_billing *out, struct buf *err);

/* ---------------------------------------------------------------- savings */

/*
 * GET /v1/engagements/:id/savings?from=&to=: the issued invoices (and
 * credit notes) whose period starts in [from, to) against the same hours
 * in-house (core/savings.h). from, to: RFC 3339 (NULL: no bound).
 */
int app_savings(const struct app *app, const struct actor *actor, int64_t engagement_id,
		const char *from, const char *to, struct savings *out, struct buf *err);

/* ---------------------------------------------------------------- margin */

/*
 * GET /v1/engagements/:id/margin?period_id= | from&to: revenue beside the time helper's
 * cost side (app/time.h app_time_cost(), time.cost: staff only). Revenue: the net (before
 * tax) of the engagement's issued, paid and credited invoices of the period (or whose
 * period starts in [from, to)), credit notes subtracted. margin = revenue - the cost in
 * the revenue's currency (comparable false when no cost is in it: no exchange rate).
 */
struct margin {
	struct time_cost cost; /* owned: margin_release() */
	char currency[4];
	int64_t revenue, invoices, credit_notes;
	bool comparable;
	int64_t cost_minor, margin, margin_bp;
};
int app_margin(const struct app *app, const struct actor *actor, int64_t engagement_id,
	       const char *period_id, const char *from, const char *to, struct margin *out,
	       struct buf *err);
void margin_release(struct margin *m);


/* ---------------------------------------------------------------- audited reads */

/*
 * What a billing read shows (its audit detail's "format"): an invoice's
 * document (json, csv, pdf), what a line bills (refs, entries), an
 * engagement's report (savings, margin).
 */
enum billing_read {
	BILLING_READ_JSON,
	BILLING_READ_CSV,
	BILLING_READ_PDF,
	BILLING_READ_REFS,
	BILLING_READ_ENTRIES,
	BILLING_READ_SAVINGS,
	BILLING_READ_MARGIN,
	BILLING_READ_LIST,
};
const char *billing_read_name(enum billing_read what);

/*
 * The audit event of a read of invoice id (json .. entries; line: the line
 * asked for, 0 none), after the read's own check (invoice.read on its
 * client): "invoice.read" on the invoice, detail {format, line?, engagement_id}:
 * who read which invoice how, never an amount or a line's text. audit is
 * filled; the caller runs it through the engine (durable) before the data
 * is sent, and hands its rc to app_billing_read_end().
 */
int app_invoice_read_audit(const struct app *app, const struct actor *actor, int64_t id,
			   enum billing_read what, int line, struct cmd *audit, struct buf *err);
/* The same for an engagement's savings or margin report: "billing.report" on the engagement. */
int app_billing_report_audit(const struct app *app, const struct actor *actor,
			     int64_t engagement_id, enum billing_read what, struct cmd *audit,
			     struct buf *err);
/*
 * The audit event of a page of the invoice list (engagement_id: the filter,
 * 0 none), after the list's own checks: one "invoice.read" per page, not per
 * invoice; on the engagement (its client) when filtered, else on no record
 * with the client the actor is held to (0: staff, every client). Detail
 * {format: "list", engagement_id?}: the filter, never an amount.
 */
int app_invoice_list_audit(const struct app *app, const struct actor *actor, int64_t engagement_id,
			   struct cmd *audit, struct buf *err);
/* The audit's answer: 0, or ERR_BUSY / ERR_SHUTDOWN said in err (nothing may be sent). */
int app_billing_read_end(int audit_rc, struct buf *err);

#endif
