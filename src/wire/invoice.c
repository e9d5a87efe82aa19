/* invoice.c - billing on the wire: rate cards, invoices as JSON, CSV and PDF (libharu), savings. */
#include "wire/invoice.h"

#include <hpdf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"
#include "util/err.h"

/* ---------------------------------------------------------------- languages */

enum label {
	L_INVOICE, L_CREDIT_NOTE, L_DRAFT, L_NUMBER, L_DATE, L_PERIOD, L_CLIENT, L_ENGAGEMENT,
	L_DESCRIPTION, L_QTY, L_PRICE, L_AMOUNT, L_WORK, L_FEE, L_CREDITS, L_NET, L_TAX, L_TOTAL,
	L_HOURS, L_GRADE, L_ITEMS, L_TIER, L_MILESTONES, L_MINIMUM, L_CREDIT_SLA,
	L_CREDIT_QUALITY, L_CREDITS_INVOICE, L_STATE, L_CURRENCY, L_ADJUST, L_REASON, L_CREDITED,
	L_REMAINING, L__COUNT
};

struct lang {
	const char *code;
	char group, dec;
	const char *months[12];
	const char *t[L__COUNT];
};

static const struct lang langs[] = {
    {"en", ',', '.',
     {"January", "February", "March", "April", "May", "June", "July", "August", "September",
      "October", "November", "December"},
     {"Invoice", "Credit note", "Draft", "Number", "Date", "Period", "Client", "Engagement",
      "Description", "Quantity", "Unit price", "Amount", "Work", "Fee", "Credits", "Net",
      "Tax", "Total", "Hours", "grade", "Items", "tier", "Milestones",
      "Minimum fee top-up", "SLA credit", "Quality credit", "Credits invoice", "State",
      "Currency", "Adjustment", "Reason", "Credited", "Remaining"}},
    {"id", '.', ',',
     {"Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September",
      "Oktober", "November", "Desember"},
     {"Faktur", "Nota kredit", "Draf", "Nomor", "Tanggal", "Periode", "Klien", "Kontrak",
      "Uraian", "Jumlah", "Harga satuan", "Nilai", "Pekerjaan", "Biaya", "Kredit", "Neto",
      "Pajak", "Total", "Jam", "tingkat", "Item", "jenjang", "Tonggak capaian",
      "Penyesuaian biaya minimum", "Kredit SLA", "Kredit kualitas", "Mengkredit faktur",
      "Status", "Mata uang", "Penyesuaian", "Alasan", "Dikreditkan", "Sisa"}},
    {"ms", ',', '.',
     {"Januari", "Februari", "Mac", "April", "Mei", "Jun", "Julai", "Ogos", "September",
      "Oktober", "November", "Disember"},
     {"Invois", "Nota kredit", "Draf", "Nombor", "Tarikh", "Tempoh", "Pelanggan", "Kontrak",
      "Keterangan", "Kuantiti", "Harga seunit", "Amaun", "Kerja", "Yuran", "Kredit", "Bersih",
      "Cukai", "Jumlah", "Jam", "gred", "Item", "peringkat", "Pencapaian",
      "Pelarasan yuran minimum", "Kredit SLA", "Kredit kualiti", "Mengkredit invois",
      "Status", "Mata wang", "Pelarasan", "Sebab", "Dikreditkan", "Baki"}},
};

static const struct lang *lang_of(const char *code)
{
	for (size_t i = 0; i < sizeof(langs) / sizeof(langs[0]); i++)
		if (code && !strcmp(langs[i].code, code))
			return &langs[i];
	return &langs[0];
}

/* v as the language writes it, "1.234,50" */
static const char *amount_text(const struct lang *l, int64_t v, int e, char *out, size_t n)
{
	return money_format_grouped(v, e, l->group, l->dec, out, n);
}

/* the UTC calendar date of ms, "2 Desember 2026" */
static void date_text(const struct lang *l, int64_t ms, char *out, size_t n)
{
	char iso[40];
	int y, m, d;

	clock_format_ms(ms, iso, sizeof(iso));
	if (sscanf(iso, "%d-%d-%d", &y, &m, &d) != 3 || m < 1 || m > 12) {
		snprintf(out, n, "%s", iso);
		return;
	}
	snprintf(out, n, "%d %s %d", d, l->months[m - 1], y);
}

/* ms as hours with two decimals, rounded half away from zero: "12.50" (or "12,50") */
static const char *hours_text(const struct lang *l, int64_t ms, char *out, size_t n)
{
	int64_t h = 0;

	money_muldiv(ms, 1, 36000, &h);
	return amount_text(l, h, 2, out, n);
}

void wire_line_text(const struct invoice_line *li, const char *code, char *out, size_t n)
{
	const struct lang *l = lang_of(code);
	char bp[MONEY_TEXT_MAX];

	switch (li->kind) {
	case BILL_HOURS:
		snprintf(out, n, "%s, %s %d", l->t[L_HOURS], l->t[L_GRADE], li->grade);
		break;
	case BILL_ITEMS:
		snprintf(out, n, "%s (%s), %s %d", l->t[L_ITEMS], li->label, l->t[L_TIER],
			 li->tier + 1);
		break;
	case BILL_MILESTONE:
		snprintf(out, n, "%s", l->t[L_MILESTONES]);
		break;
	case BILL_MINIMUM:
		snprintf(out, n, "%s", l->t[L_MINIMUM]);
		break;
	case BILL_CREDIT_SLA:
	case BILL_CREDIT_QUALITY:
		snprintf(out, n, "%s %s %%",
			 l->t[li->kind == BILL_CREDIT_SLA ? L_CREDIT_SLA : L_CREDIT_QUALITY],
			 amount_text(l, li->price, 2, bp, sizeof(bp)));
		break;
	case BILL_TAX:
		snprintf(out, n, "%s %s %%", li->label, amount_text(l, li->price, 2, bp, sizeof(bp)));
		break;
	case BILL_ADJUST:
		snprintf(out, n, "%s", l->t[L_ADJUST]);
		break;
	default:
		snprintf(out, n, "%s", bill_line_kind_name(li->kind));
	}
}

/* ---------------------------------------------------------------- JSON */

static json_t *at_json(int64_t ms)
{
	char t[40];

	if (!ms)
		return json_null();
	clock_format_ms(ms, t, sizeof(t));
	return json_string(t);
}

static json_t *amount_json(int64_t v, int e)
{
	char t[MONEY_TEXT_MAX];

	return json_string(money_format(v, e, t, sizeof(t)));
}

/* "name": "1234.50", "name_minor": 123450 */
static void money_set(json_t *o, const char *name, int64_t v, int e)
{
	char k[64];

	json_object_set_new(o, name, amount_json(v, e));
	snprintf(k, sizeof(k), "%s_minor", name);
	json_object_set_new(o, k, json_integer(v));
}

json_t *wire_rates(const struct rates_view *v)
{
	char *text = rate_card_render(&v->card);
	json_t *card = text ? json_loads(text, 0, NULL) : NULL;

	free(text);
	if (!card)
		return NULL;
	json_object_set_new(card, "engagement_id", json_integer(v->eng.id));
	json_object_set_new(card, "updated_at", at_json(v->updated_at));
	return card;
}

json_t *wire_invoice(const struct invoice_rec *r)
{
	json_t *o = json_object();
	char t[MONEY_TEXT_MAX];
	int64_t h = 0;

	if (!o)
		return NULL;
	json_object_set_new(o, "id", json_integer(r->id));
	json_object_set_new(o, "kind", json_string(invoice_kind_name(r->kind)));
	json_object_set_new(o, "number", r->number[0] ? json_string(r->number) : json_null());
	json_object_set_new(o, "state", json_string(invoice_state_name(r->state)));
	json_object_set_new(o, "client_id", json_integer(r->client_id));
	json_object_set_new(o, "engagement_id", json_integer(r->engagement_id));
	json_object_set_new(o, "period_id", json_integer(r->period_id));
	json_object_set_new(o, "from", at_json(r->from_at));
	json_object_set_new(o, "to", at_json(r->to_at));
	json_object_set_new(o, "currency", json_string(r->currency));
	json_object_set_new(o, "exponent", json_integer(r->exponent));
	money_set(o, "work", r->work, r->exponent);
	money_set(o, "fee", r->fee, r->exponent);
	money_set(o, "credits", r->credits, r->exponent);
	money_set(o, "net", r->net, r->exponent);
	money_set(o, "tax", r->tax, r->exponent);
	money_set(o, "total", r->total, r->exponent);
	money_muldiv(r->hours_ms, 1, 36000, &h);
	json_object_set_new(o, "hours", json_string(money_format(h, 2, t, sizeof(t))));
	json_object_set_new(o, "hours_ms", json_integer(r->hours_ms));
	json_object_set_new(o, "items", json_integer(r->items));
	json_object_set_new(o, "credit_of", r->credit_of ? json_integer(r->credit_of) : json_null());
	json_object_set_new(o, "credited_by",
			    r->credited_by ? json_integer(r->credited_by) : json_null());
	json_object_set_new(o, "created_at", at_json(r->created_at));
	json_object_set_new(o, "issued_at", at_json(r->issued_at));
	json_object_set_new(o, "paid_at", at_json(r->paid_at));
	json_object_set_new(o, "credited_at", at_json(r->credited_at));
	if (r->kind == INVOICE_KIND_INVOICE) {
		/* what its credit notes took back, and what may still be credited */
		money_set(o, "credited", r->credited_total, r->exponent);
		money_set(o, "remaining", r->total - r->credited_total, r->exponent);
	} else {
		json_object_set_new(o, "reason", r->reason[0] ? json_string(r->reason) : json_null());
	}
	return o;
}

json_t *wire_invoice_doc(const struct invoice_doc *d)
{
	json_t *o = wire_invoice(&d->rec), *lines = json_array();
	char text[160], path[96];

	if (!o || !lines) {
		json_decref(o);
		json_decref(lines);
		return NULL;
	}
	for (size_t i = 0; i < d->n_lines; i++) {
		const struct invoice_line *l = &d->lines[i];
		json_t *j = json_object();

		wire_line_text(l, d->lang, text, sizeof(text));
		json_object_set_new(j, "line", json_integer(l->line_no));
		json_object_set_new(j, "kind", json_string(bill_line_kind_name(l->kind)));
		json_object_set_new(j, "description", json_string(text));
		if (l->grade >= 0)
			json_object_set_new(j, "grade", json_integer(l->grade));
		if (l->kind == BILL_ITEMS) {
			json_object_set_new(j, "type", json_string(l->label));
			json_object_set_new(j, "tier", json_integer(l->tier));
			json_object_set_new(j, "first", json_integer(l->first));
		}
		if (l->kind == BILL_TAX)
			json_object_set_new(j, "tax", json_string(l->label));
		json_object_set_new(j, "quantity", json_integer(l->qty));
		json_object_set_new(j, "unit",
				    json_string(l->kind == BILL_HOURS ? "ms"
						: l->kind == BILL_CREDIT_SLA ||
							l->kind == BILL_CREDIT_QUALITY ||
							l->kind == BILL_TAX
						    ? "bp"
						    : "each"));
		if (l->kind == BILL_CREDIT_SLA || l->kind == BILL_CREDIT_QUALITY ||
		    l->kind == BILL_TAX)
			json_object_set_new(j, "rate_bp", json_integer(l->price));
		else
			money_set(j, "price", l->price, d->rec.exponent);
		money_set(j, "amount", l->amount, d->rec.exponent);
		if (l->kind == BILL_HOURS || l->kind == BILL_ITEMS || l->kind == BILL_MILESTONE) {
			snprintf(path, sizeof(path), "/v1/invoices/%" PRId64 "/%s?line=%d",
				 d->rec.id, l->kind == BILL_HOURS ? "entries" : "refs", l->line_no);
			json_object_set_new(j, "records", json_string(path));
		}
		json_array_append_new(lines, j);
	}
	json_object_set_new(o, "lines", lines);
	json_object_set_new(o, "language", json_string(d->lang));
	json_object_set_new(o, "client", json_pack("{s:I,s:s}", "id", (json_int_t)d->client.id,
						   "name", d->client.name));
	json_object_set_new(o, "engagement", json_pack("{s:I,s:s}", "id", (json_int_t)d->eng.id,
						       "name", d->eng.name));
	return o;
}

json_t *wire_invoice_ref(const struct invoice_ref *f)
{
	return json_pack("{s:i,s:s,s:I}", "line", f->line_no, "kind",
			 invoice_ref_kind_name(f->kind), "id", (json_int_t)f->ref_id);
}

json_t *wire_billing(const struct client_billing *b)
{
	int e = money_exponent(b->inhouse_currency);

	return json_pack("{s:I,s:o,s:o,s:o,s:I,s:o}", "client_id", (json_int_t)b->client_id,
			 "language", b->language[0] ? json_string(b->language) : json_null(),
			 "inhouse_hour",
			 b->has_inhouse && e >= 0 ? amount_json(b->inhouse_hour, e) : json_null(),
			 "currency",
			 b->has_inhouse ? json_string(b->inhouse_currency) : json_null(),
			 "overhead_bp", (json_int_t)b->overhead_bp, "updated_at",
			 at_json(b->updated_at));
}

json_t *wire_savings(const struct savings *s)
{
	const struct savings_in *in = &s->in;
	int e = money_exponent(in->currency), ei = money_exponent(in->inhouse_currency);
	json_t *o = json_object(), *a = json_array();
	char line[320], t1[MONEY_TEXT_MAX], t2[MONEY_TEXT_MAX], hrs[MONEY_TEXT_MAX];
	int64_t h = 0;

	if (!o || !a) {
		json_decref(o);
		json_decref(a);
		return NULL;
	}
	if (e < 0)
		e = 2;
	if (ei < 0)
		ei = 2;
	money_muldiv(in->hours_ms, 1, 36000, &h);
	money_format(h, 2, hrs, sizeof(hrs));
	json_object_set_new(o, "engagement_id", json_integer(s->engagement_id));
	json_object_set_new(o, "client_id", json_integer(s->client_id));
	json_object_set_new(o, "from", at_json(s->from));
	json_object_set_new(o, "to", at_json(s->to));
	json_object_set_new(o, "currency", json_string(in->currency));
	json_object_set_new(o, "invoices", json_integer(s->invoices));
	json_object_set_new(o, "credit_notes", json_integer(s->credit_notes));
	json_object_set_new(o, "hours", json_string(hrs));
	json_object_set_new(o, "hours_ms", json_integer(in->hours_ms));
	money_set(o, "paid_net", in->paid_net, e);
	money_set(o, "paid_total", in->paid_total, e);
	json_object_set_new(o, "inhouse_currency", json_string(in->inhouse_currency));
	money_set(o, "inhouse_hour", in->inhouse_hour, ei);
	json_object_set_new(o, "overhead_bp", json_integer(in->overhead_bp));
	money_set(o, "inhouse_cost", s->inhouse_cost, ei);
	json_object_set_new(o, "comparable", json_boolean(s->comparable));
	if (s->comparable) {
		money_set(o, "saved", s->saved, e);
		json_object_set_new(o, "saved_bp", json_integer(s->saved_bp));
	} else {
		json_object_set_new(o, "saved", json_null());
		json_object_set_new(o, "saved_bp", json_null());
	}
	json_object_set_new(o, "defaults", json_boolean(s->defaults));
	/* the assumptions, in words a client can check */
	snprintf(line, sizeof(line),
		 "paid: the net (before tax) of the issued, paid and credited invoices whose period "
		 "starts in the window, credit notes subtracted (%" PRId64 " invoices, %" PRId64
		 " credit notes)",
		 s->invoices, s->credit_notes);
	json_array_append_new(a, json_string(line));
	snprintf(line, sizeof(line),
		 "the same hours: %s hours of billable time those invoices billed (time entries "
		 "from leases and by hand)",
		 hrs);
	json_array_append_new(a, json_string(line));
	snprintf(line, sizeof(line), "in-house: %s %s an hour%s",
		 money_format(in->inhouse_hour, ei, t1, sizeof(t1)), in->inhouse_currency,
		 s->defaults ? ", the catalogue's default for this kind of work (the client stated "
			       "none: PUT /v1/clients/:id/billing)"
			     : ", as the client stated it");
	json_array_append_new(a, json_string(line));
	snprintf(line, sizeof(line),
		 "overhead: %s %% on top of the hourly cost (benefits, space, equipment, "
		 "management)%s",
		 money_format(in->overhead_bp, 2, t2, sizeof(t2)),
		 s->defaults ? ", the default" : "");
	json_array_append_new(a, json_string(line));
	json_array_append_new(a, json_string("rounding: hours x rate rounded half away from zero "
					     "to the minor unit, then the overhead likewise"));
	if (!s->comparable)
		json_array_append_new(
		    a, json_string("not comparable: the in-house cost is in another currency than "
				   "the invoices, and no exchange rate is assumed"));
	json_object_set_new(o, "assumptions", a);
	return o;
}

/* ---------------------------------------------------------------- CSV */

static int csv_field(struct buf *b, const char *s, bool last)
{
	int rc = 0;

	if (strpbrk(s, ",\"\r\n")) {
		rc = buf_puts(b, "\"");
		for (const char *p = s; !rc && *p; p++)
			rc = *p == '"' ? buf_puts(b, "\"\"") : buf_append(b, p, 1);
		if (!rc)
			rc = buf_puts(b, "\"");
	} else {
		rc = buf_puts(b, s);
	}
	return rc ? rc : buf_puts(b, last ? "\r\n" : ",");
}

int wire_invoice_csv(const struct invoice_doc *d, struct buf *out)
{
	const struct lang *l = lang_of(d->lang);
	const struct invoice_rec *r = &d->rec;
	const struct {
		enum label label;
		const char *kind;
		int64_t v;
	} sums[] = {{L_WORK, "work", r->work},	      {L_FEE, "fee", r->fee},
		    {L_CREDITS, "credits", r->credits}, {L_NET, "net", r->net},
		    {L_TAX, "tax", r->tax},	      {L_TOTAL, "total", r->total}};
	char text[160], q[32], p[MONEY_TEXT_MAX], a[MONEY_TEXT_MAX];
	int rc = 0;

	const char *head[] = {"number", "line", "kind", "description", "quantity", "unit",
			      "price", "amount", "currency"};
	for (size_t i = 0; !rc && i < 9; i++)
		rc = csv_field(out, head[i], i == 8);
	for (size_t i = 0; !rc && i < d->n_lines; i++) {
		const struct invoice_line *li = &d->lines[i];
		bool bp = li->kind == BILL_CREDIT_SLA || li->kind == BILL_CREDIT_QUALITY ||
			  li->kind == BILL_TAX;

		wire_line_text(li, d->lang, text, sizeof(text));
		snprintf(q, sizeof(q), "%" PRId64, li->qty);
		if (bp)
			snprintf(p, sizeof(p), "%" PRId64, li->price);
		else
			money_format(li->price, r->exponent, p, sizeof(p));
		money_format(li->amount, r->exponent, a, sizeof(a));
		char ln[16];
		snprintf(ln, sizeof(ln), "%d", li->line_no);
		const char *f[] = {r->number, ln, bill_line_kind_name(li->kind), text, q,
				   li->kind == BILL_HOURS ? "ms" : bp ? "bp" : "each", p, a,
				   r->currency};
		for (size_t k = 0; !rc && k < 9; k++)
			rc = csv_field(out, f[k], k == 8);
	}
	for (size_t i = 0; !rc && i < sizeof(sums) / sizeof(sums[0]); i++) {
		money_format(sums[i].v, r->exponent, a, sizeof(a));
		const char *f[] = {r->number, "", sums[i].kind, l->t[sums[i].label], "", "", "", a,
				   r->currency};
		for (size_t k = 0; !rc && k < 9; k++)
			rc = csv_field(out, f[k], k == 8);
	}
	/* an invoice with notes: credited and remaining; a partial note: its reason */
	for (int i = 0; !rc && r->kind == INVOICE_KIND_INVOICE && r->credited_total && i < 2; i++) {
		money_format(i ? r->total - r->credited_total : r->credited_total, r->exponent, a,
			     sizeof(a));
		const char *f[] = {r->number, "", i ? "remaining" : "credited",
				   l->t[i ? L_REMAINING : L_CREDITED], "", "", "", a, r->currency};
		for (size_t k = 0; !rc && k < 9; k++)
			rc = csv_field(out, f[k], k == 8);
	}
	if (!rc && r->kind == INVOICE_KIND_CREDIT && r->reason[0]) {
		const char *f[] = {r->number, "", "reason", r->reason, "", "", "", "", ""};

		for (size_t k = 0; !rc && k < 9; k++)
			rc = csv_field(out, f[k], k == 8);
	}
	return rc;
}

/* ---------------------------------------------------------------- PDF */

struct pdf_err {
	HPDF_STATUS status;
};

static void pdf_error(HPDF_STATUS error_no, HPDF_STATUS detail_no, void *user)
{
	struct pdf_err *e = user;

	(void)detail_no;
	if (!e->status)
		e->status = error_no;
}

struct pdf_page {
	HPDF_Doc doc;
	HPDF_Page page;
	HPDF_Font font, bold;
	float y;
};

static void text_at(struct pdf_page *p, HPDF_Font f, float size, float x, const char *s)
{
	HPDF_Page_BeginText(p->page);
	HPDF_Page_SetFontAndSize(p->page, f, size);
	HPDF_Page_TextOut(p->page, x, p->y, s);
	HPDF_Page_EndText(p->page);
}

/* right-aligned at x */
static void text_right(struct pdf_page *p, HPDF_Font f, float size, float x, const char *s)
{
	HPDF_Page_SetFontAndSize(p->page, f, size);
	text_at(p, f, size, x - HPDF_Page_TextWidth(p->page, s), s);
}

static void page_new(struct pdf_page *p)
{
	p->page = HPDF_AddPage(p->doc);
	HPDF_Page_SetSize(p->page, HPDF_PAGE_SIZE_A4, HPDF_PAGE_PORTRAIT);
	p->y = HPDF_Page_GetHeight(p->page) - 60;
}

static void next_line(struct pdf_page *p, float step)
{
	p->y -= step;
	if (p->y < 60)
		page_new(p);
}

static void rule(struct pdf_page *p)
{
	HPDF_Page_SetLineWidth(p->page, 0.5f);
	HPDF_Page_MoveTo(p->page, 50, p->y - 4);
	HPDF_Page_LineTo(p->page, 545, p->y - 4);
	HPDF_Page_Stroke(p->page);
}

int wire_invoice_pdf(const struct invoice_doc *d, unsigned char **pdf, size_t *len)
{
	const struct lang *l = lang_of(d->lang);
	const struct invoice_rec *r = &d->rec;
	struct pdf_err pe = {0};
	struct pdf_page p = {0};
	char t[256], a[MONEY_TEXT_MAX], b[MONEY_TEXT_MAX], when[64], upto[64];
	HPDF_UINT32 n;
	HPDF_STATUS st;
	unsigned char *out = NULL;
	int rc = 0;

	*pdf = NULL;
	*len = 0;
	if (!(p.doc = HPDF_New(pdf_error, &pe)))
		return ERR_NOMEM;
	HPDF_SetCompressionMode(p.doc, HPDF_COMP_ALL);
	p.font = HPDF_GetFont(p.doc, "Helvetica", NULL);
	p.bold = HPDF_GetFont(p.doc, "Helvetica-Bold", NULL);
	page_new(&p);

	snprintf(t, sizeof(t), "%s%s",
		 l->t[r->kind == INVOICE_KIND_CREDIT ? L_CREDIT_NOTE : L_INVOICE],
		 r->state == INVOICE_DRAFT ? " (" : "");
	if (r->state == INVOICE_DRAFT)
		snprintf(t + strlen(t), sizeof(t) - strlen(t), "%s)", l->t[L_DRAFT]);
	text_at(&p, p.bold, 20, 50, t);
	next_line(&p, 30);
	snprintf(t, sizeof(t), "%s: %s", l->t[L_NUMBER], r->number[0] ? r->number : "-");
	text_at(&p, p.bold, 11, 50, t);
	next_line(&p, 16);
	date_text(l, r->issued_at ? r->issued_at : r->created_at, when, sizeof(when));
	snprintf(t, sizeof(t), "%s: %s", l->t[L_DATE], when);
	text_at(&p, p.font, 10, 50, t);
	next_line(&p, 14);
	date_text(l, r->from_at, when, sizeof(when));
	date_text(l, r->to_at - 1, upto, sizeof(upto));
	snprintf(t, sizeof(t), "%s: %s - %s", l->t[L_PERIOD], when, upto);
	text_at(&p, p.font, 10, 50, t);
	next_line(&p, 14);
	snprintf(t, sizeof(t), "%s: %.200s", l->t[L_CLIENT], d->client.name);
	text_at(&p, p.font, 10, 50, t);
	next_line(&p, 14);
	snprintf(t, sizeof(t), "%s: %.200s", l->t[L_ENGAGEMENT], d->eng.name);
	text_at(&p, p.font, 10, 50, t);
	next_line(&p, 14);
	if (r->credit_of) {
		snprintf(t, sizeof(t), "%s: %" PRId64, l->t[L_CREDITS_INVOICE], r->credit_of);
		text_at(&p, p.font, 10, 50, t);
		next_line(&p, 14);
	}
	if (r->reason[0]) {
		snprintf(t, sizeof(t), "%s: %.200s", l->t[L_REASON], r->reason);
		text_at(&p, p.font, 10, 50, t);
		next_line(&p, 14);
	}
	snprintf(t, sizeof(t), "%s: %s", l->t[L_CURRENCY], r->currency);
	text_at(&p, p.font, 10, 50, t);
	next_line(&p, 26);

	text_at(&p, p.bold, 10, 50, l->t[L_DESCRIPTION]);
	text_right(&p, p.bold, 10, 345, l->t[L_QTY]);
	text_right(&p, p.bold, 10, 445, l->t[L_PRICE]);
	text_right(&p, p.bold, 10, 545, l->t[L_AMOUNT]);
	rule(&p);
	next_line(&p, 18);
	for (size_t i = 0; i < d->n_lines; i++) {
		const struct invoice_line *li = &d->lines[i];

		wire_line_text(li, d->lang, t, sizeof(t));
		text_at(&p, p.font, 9, 50, t);
		if (li->kind == BILL_HOURS)
			hours_text(l, li->qty, a, sizeof(a));
		else if (li->kind == BILL_ITEMS || li->kind == BILL_MILESTONE)
			snprintf(a, sizeof(a), "%" PRId64, li->qty);
		else
			a[0] = 0;
		text_right(&p, p.font, 9, 345, a);
		if (li->kind == BILL_HOURS || li->kind == BILL_ITEMS || li->kind == BILL_MILESTONE)
			text_right(&p, p.font, 9, 445,
				   amount_text(l, li->price, r->exponent, b, sizeof(b)));
		text_right(&p, p.font, 9, 545, amount_text(l, li->amount, r->exponent, b, sizeof(b)));
		next_line(&p, 14);
	}
	rule(&p);
	next_line(&p, 18);
	const struct {
		enum label label;
		int64_t v;
	} sums[] = {{L_FEE, r->fee}, {L_CREDITS, r->credits}, {L_NET, r->net},
		    {L_TAX, r->tax}, {L_TOTAL, r->total}};
	for (size_t i = 0; i < sizeof(sums) / sizeof(sums[0]); i++) {
		bool total = sums[i].label == L_TOTAL;

		snprintf(t, sizeof(t), "%s (%s)", l->t[sums[i].label], r->currency);
		text_right(&p, total ? p.bold : p.font, total ? 11 : 10, 445, t);
		text_right(&p, total ? p.bold : p.font, total ? 11 : 10, 545,
			   amount_text(l, sums[i].v, r->exponent, b, sizeof(b)));
		next_line(&p, 15);
	}
	for (int i = 0; r->kind == INVOICE_KIND_INVOICE && r->credited_total && i < 2; i++) {
		snprintf(t, sizeof(t), "%s (%s)", l->t[i ? L_REMAINING : L_CREDITED], r->currency);
		text_right(&p, p.font, 10, 445, t);
		text_right(&p, p.font, 10, 545,
			   amount_text(l, i ? r->total - r->credited_total : r->credited_total,
				       r->exponent, b, sizeof(b)));
		next_line(&p, 15);
	}
	if (pe.status || HPDF_SaveToStream(p.doc) != HPDF_OK || pe.status) {
		rc = ERR_INTERNAL;
		goto out;
	}
	n = HPDF_GetStreamSize(p.doc);
	if (!n || !(out = malloc(n))) {
		rc = n ? ERR_NOMEM : ERR_INTERNAL;
		goto out;
	}
	HPDF_ResetStream(p.doc);
	/* the whole stream in one read: it ends at the end of the stream (HPDF_STREAM_EOF) */
	st = HPDF_ReadFromStream(p.doc, out, &n);
	if ((st != HPDF_OK && st != HPDF_STREAM_EOF) || !n) {
		rc = ERR_INTERNAL;
		goto out;
	}
	*pdf = out;
	*len = n;
	out = NULL;
out:
	free(out);
	HPDF_Free(p.doc);
	return rc;
}

json_t *wire_margin(const struct margin *m)
{
	int e = m->currency[0] ? money_exponent(m->currency) : 2;
	json_t *o = json_object(), *costs = json_array();

	if (!o || !costs) {
		json_decref(o);
		json_decref(costs);
		return NULL;
	}
	if (e < 0)
		e = 2;
	for (size_t i = 0; i < m->cost.n_totals; i++) {
		json_t *c = json_object();
		int ce = money_exponent(m->cost.totals[i].currency);

		json_object_set_new(c, "currency", json_string(m->cost.totals[i].currency));
		money_set(c, "cost", m->cost.totals[i].cost_minor, ce < 0 ? 2 : ce);
		json_array_append_new(costs, c);
	}
	json_object_set_new(o, "engagement_id", json_integer(m->cost.engagement_id));
	json_object_set_new(o, "period_id",
			    m->cost.period_id ? json_integer(m->cost.period_id) : json_null());
	json_object_set_new(o, "from", at_json(m->cost.from));
	json_object_set_new(o, "to", at_json(m->cost.to));
	json_object_set_new(o, "currency", m->currency[0] ? json_string(m->currency) : json_null());
	money_set(o, "revenue", m->revenue, e);
	json_object_set_new(o, "invoices", json_integer(m->invoices));
	json_object_set_new(o, "credit_notes", json_integer(m->credit_notes));
	json_object_set_new(o, "costs", costs);
	json_object_set_new(o, "comparable", json_boolean(m->comparable));
	if (m->comparable) {
		money_set(o, "cost", m->cost_minor, e);
		money_set(o, "margin", m->margin, e);
		json_object_set_new(o, "margin_bp", m->revenue > 0 ? json_integer(m->margin_bp)
								   : json_null());
	} else {
		json_object_set_new(o, "margin", json_null());
		json_object_set_new(o, "margin_bp", json_null());
	}
	return o;
}
