/* invoice.c - invoice states, numbers and the year of an issue, pure. */
#include "core/invoice.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "core/money.h"

#include "util/err.h"

static const char *const states[INVOICE_STATE__COUNT] = {"draft", "issued", "paid", "credited",
							  "partially_credited"};
static const char *const kinds[INVOICE_KIND__COUNT] = {"invoice", "credit_note"};
static const char *const refs[IREF__COUNT] = {"worker", "item", "milestone"};

const char *invoice_state_name(enum invoice_state s)
{
	return (unsigned)s < INVOICE_STATE__COUNT ? states[s] : "";
}

const char *invoice_kind_name(enum invoice_kind k)
{
	return (unsigned)k < INVOICE_KIND__COUNT ? kinds[k] : "";
}

const char *invoice_ref_kind_name(enum invoice_ref_kind k)
{
	return (unsigned)k < IREF__COUNT ? refs[k] : "";
}

size_t invoice_draft_size(size_t n_refs)
{
	return sizeof(struct invoice_draft) + n_refs * sizeof(struct invoice_ref);
}

void invoice_number_format(enum invoice_kind k, int64_t year, int64_t seq, char *out, size_t n)
{
	snprintf(out, n, "%s-%04" PRId64 "-%06" PRId64, k == INVOICE_KIND_CREDIT ? "CN" : "INV",
		 year, seq);
}

/* days since 1970-01-01 to a civil year (Howard Hinnant's days_from_civil, inverted) */
int64_t invoice_year_of(int64_t t_ms)
{
	int64_t z = (t_ms >= 0 ? t_ms / 86400000 : (t_ms - 86399999) / 86400000) + 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int64_t m = mp < 10 ? mp + 3 : mp - 9;

	return yoe + era * 400 + (m <= 2);
}

int invoice_advance(const struct invoice_rec *r, enum invoice_act act, enum invoice_state *to,
		    const char **why)
{
	*why = NULL;
	switch (act) {
	case INVOICE_ACT_ISSUE:
		if (r->state != INVOICE_DRAFT) {
			*why = "only a draft can be issued";
			return ERR_CONFLICT;
		}
		*to = INVOICE_ISSUED;
		return 0;
	case INVOICE_ACT_PAY:
		/* a partly credited invoice is paid for the rest: it stays partially_credited */
		if (r->kind != INVOICE_KIND_INVOICE ||
		    (r->state != INVOICE_ISSUED &&
		     !(r->state == INVOICE_PART_CREDITED && !r->paid_at))) {
			*why = "only an issued invoice can be marked paid";
			return ERR_CONFLICT;
		}
		*to = r->state == INVOICE_PART_CREDITED ? INVOICE_PART_CREDITED : INVOICE_PAID;
		return 0;
	case INVOICE_ACT_CREDIT:
		if (r->kind != INVOICE_KIND_INVOICE ||
		    (r->state != INVOICE_ISSUED && r->state != INVOICE_PAID &&
		     r->state != INVOICE_PART_CREDITED)) {
			*why = "only an issued or paid invoice can be credited (a draft is "
			       "discarded by drafting again; a credit note is final)";
			return ERR_CONFLICT;
		}
		*to = INVOICE_CREDITED;
		return 0;
	}
	*why = "unknown act";
	return ERR_INVALID;
}

/* ---------------------------------------------------------------- partial credit notes */

static bool creditable(enum bill_line_kind k)
{
	return k == BILL_HOURS || k == BILL_ITEMS || k == BILL_MILESTONE || k == BILL_MINIMUM;
}

__attribute__((format(printf, 4, 5))) static int fail(char *why, size_t wn, int rc,
							const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, wn, fmt, ap);
	va_end(ap);
	return rc;
}

int invoice_credit_compute(const struct invoice_rec *inv, const struct invoice_line *lines,
			   size_t n, const struct credited *before, const struct credit_req *req,
			   struct invoice_rec *note, struct invoice_line *out, size_t *n_out,
			   char *why, size_t wn)
{
	int64_t net_before = 0, net = 0, work = 0, hours = 0, items = 0, tax = 0;
	bool seen[CREDIT_SLOTS] = {0};
	size_t k = 0;

	*n_out = 0;
	/* what the earlier notes credited of the net: every line but tax */
	for (size_t i = 0; i < n; i++)
		if (lines[i].kind != BILL_TAX && lines[i].line_no > 0 &&
		    lines[i].line_no < CREDIT_SLOTS && money_add(net_before,
							before->amount[lines[i].line_no], &net_before))
			return fail(why, wn, ERR_INVALID, "credited sums overflow");
	if (money_add(net_before, before->amount[CREDIT_ADJUST_LINE], &net_before))
		return fail(why, wn, ERR_INVALID, "credited sums overflow");
	if (!req->n_asks) {
		if (req->amount <= 0)
			return fail(why, wn, ERR_INVALID, "amount must be more than 0");
		net = req->amount;
		memset(&out[k], 0, sizeof(out[k]));
		out[k].line_no = CREDIT_ADJUST_LINE;
		out[k].kind = BILL_ADJUST;
		out[k].grade = out[k].tier = -1;
		out[k].qty = 1;
		out[k].price = -req->amount;
		out[k].amount = -req->amount;
		k++;
	}
	for (size_t a = 0; a < req->n_asks; a++) {
		const struct credit_ask *q = &req->asks[a];
		const struct invoice_line *l = NULL;
		int64_t amt = 0, qty = 0, left_amt, left_qty;

		for (size_t i = 0; i < n && !l; i++)
			if (lines[i].line_no == q->line_no)
				l = &lines[i];
		if (!l)
			return fail(why, wn, ERR_INVALID, "lines[%d]: the invoice has no line %d",
				    (int)a, q->line_no);
		if (!creditable(l->kind))
			return fail(why, wn, ERR_INVALID,
				    "lines[%d]: line %d is not credited by itself (tax follows the "
				    "net; service credits are not credited)",
				    (int)a, q->line_no);
		if (seen[q->line_no])
			return fail(why, wn, ERR_INVALID, "lines[%d]: line %d is asked twice", (int)a,
				    q->line_no);
		seen[q->line_no] = true;
		left_amt = l->amount - before->amount[q->line_no];
		left_qty = l->qty - before->qty[q->line_no];
		if (q->by_qty) {
			if (q->qty <= 0)
				return fail(why, wn, ERR_INVALID,
					    "lines[%d].quantity must be more than 0", (int)a);
			if (q->qty > left_qty)
				return fail(why, wn, ERR_INVALID,
					    "lines[%d].quantity: more than line %d has left to credit",
					    (int)a, q->line_no);
			qty = q->qty;
			if (l->qty <= 0 || money_muldiv(l->amount, qty, l->qty, &amt))
				return fail(why, wn, ERR_INVALID,
					    "lines[%d]: line %d cannot be credited by quantity", (int)a,
					    q->line_no);
		} else {
			if (q->amount <= 0)
				return fail(why, wn, ERR_INVALID,
					    "lines[%d].amount must be more than 0", (int)a);
			amt = q->amount;
		}
		if (amt > left_amt)
			return fail(why, wn, ERR_INVALID,
				    "lines[%d]: more than line %d has left to credit", (int)a,
				    q->line_no);
		if (money_add(net, amt, &net))
			return fail(why, wn, ERR_INVALID, "lines[%d]: the note overflows", (int)a);
		if (l->kind != BILL_MINIMUM)
			work += amt;
		if (l->kind == BILL_HOURS)
			hours += qty;
		if (l->kind == BILL_ITEMS)
			items += qty;
		out[k] = *l;
		out[k].invoice_id = 0;
		out[k].qty = qty;
		out[k].amount = -amt;
		k++;
	}
	if (net > inv->net - net_before) {
		char t[MONEY_TEXT_MAX], nt[MONEY_TEXT_MAX];

		snprintf(why, wn,
			 "the note would credit more than is left: %s %s of the total remains "
			 "creditable (net %s)",
			 money_format(inv->total - inv->credited_total, inv->exponent, t, sizeof(t)),
			 inv->currency,
			 money_format(inv->net - net_before, inv->exponent, nt, sizeof(nt)));
		return ERR_CONFLICT;
	}
	/* tax in proportion of the cumulative net, so the notes never pass the tax */
	for (size_t i = 0; i < n; i++) {
		const struct invoice_line *l = &lines[i];
		int64_t cum = 0, t;

		if (l->kind != BILL_TAX || l->line_no <= 0 || l->line_no >= CREDIT_SLOTS)
			continue;
		if (money_muldiv(l->amount, net_before + net, inv->net, &cum))
			return fail(why, wn, ERR_INVALID, "the tax credited overflows");
		t = cum - before->amount[l->line_no];
		if (!t)
			continue;
		tax += t;
		out[k] = *l;
		out[k].invoice_id = 0;
		out[k].amount = -t;
		k++;
	}
	*note = *inv;
	note->id = 0;
	note->kind = INVOICE_KIND_CREDIT;
	note->state = INVOICE_ISSUED;
	note->number[0] = 0;
	note->year = note->seq = 0;
	note->credit_of = inv->id;
	note->credited_by = 0;
	note->credited_total = 0;
	note->work = -work;
	note->fee = -net;
	note->credits = 0;
	note->net = -net;
	note->tax = -tax;
	note->total = -(net + tax);
	note->hours_ms = -hours;
	note->items = -items;
	note->issued_at = note->paid_at = note->credited_at = 0;
	snprintf(note->reason, sizeof(note->reason), "%s", req->reason);
	*n_out = k;
	return 0;
}
