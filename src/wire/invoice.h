/* invoice.h - rate cards, invoices (JSON, CSV, PDF in en, id, ms), billing settings and savings on the wire. */
#ifndef ALIHDAYA_WIRE_INVOICE_H
#define ALIHDAYA_WIRE_INVOICE_H

#include <jansson.h>
#include <stddef.h>

#include "app/billing.h"
#include "util/buf.h"

/*
 * Amounts are written twice: "total": "1234.50" (a decimal string in the
 * currency's major unit, never a JSON number, so no reader turns it into a
 * float) and "total_minor": 123450. Times are RFC 3339.
 */

/* New references, or NULL when out of memory. */
json_t *wire_rates(const struct rates_view *v);
/* An invoice without lines (lists), or with its lines and labels in doc->lang (doc given). */
json_t *wire_invoice(const struct invoice_rec *r);
json_t *wire_invoice_doc(const struct invoice_doc *d);
json_t *wire_invoice_ref(const struct invoice_ref *f);
json_t *wire_billing(const struct client_billing *b);
json_t *wire_savings(const struct savings *s);
/* revenue, cost (per currency, as app/time.h counts it) and the margin */
json_t *wire_margin(const struct margin *m);

/*
 * RFC 4180 CSV of the invoice: a header, one row per line, then one row each
 * for work, fee, credits, net, tax and total. Descriptions in doc->lang;
 * amounts as plain decimals ("1234.50") whatever the language, so the file
 * reads back as numbers. 0, ERR_NOMEM or ERR_TOOBIG.
 */
int wire_invoice_csv(const struct invoice_doc *d, struct buf *out);
/*
 * The invoice as a one-or-more page A4 PDF (libharu, the base-14 Helvetica:
 * every label of en, id and ms is ASCII), numbers and dates in doc->lang's
 * format ("1.234,50" and "2 Desember 2026" in Indonesian). OUT: *pdf
 * (malloc'd), *len. 0, ERR_NOMEM, or ERR_INTERNAL when libharu fails.
 */
int wire_invoice_pdf(const struct invoice_doc *d, unsigned char **pdf, size_t *len);

/* The description of a line in lang ("Hours, grade 3"; "Items (default), tier 2"; "PPN 11.00 %"). */
void wire_line_text(const struct invoice_line *l, const char *lang, char *out, size_t n);

#endif
