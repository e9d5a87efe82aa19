/*
 * test_credit.c - partial credit notes (core/invoice.h invoice_credit_compute()) against a
 * reference written here: random invoices (hours, items, milestone, minimum, an SLA credit,
 * one or two tax rates), random sequences of notes by line quantity, line amount or net
 * amount, each note's lines, net, tax and total checked against the reference's own
 * 128-bit half-away-from-zero arithmetic, the cumulative tax rule stated in the header, the
 * sum never passing the invoice (409 naming what is left), and the rest bringing it to the
 * total exactly. A worked example pins the rounding: 10.00 at 11 % credited in thirds.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "core/invoice.h"
#include "util/err.h"

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}
static int64_t pick(int64_t lo, int64_t hi) /* [lo, hi] */
{
	return lo + (int64_t)(next() % (uint64_t)(hi - lo + 1));
}

/* a * num / den rounded half away from zero, the reference's way: in 128 bits, by hand */
static int64_t ref_round(int64_t a, int64_t num, int64_t den)
{
	__int128 p = (__int128)a * num;
	__int128 m = p < 0 ? -p : p;
	__int128 q = (2 * m + den) / (2 * (__int128)den);

	return (int64_t)(p < 0 ? -q : q);
}

struct inv {
	struct invoice_rec rec;
	struct invoice_line lines[16];
	size_t n;
};

static struct invoice_line *add(struct inv *v, enum bill_line_kind k, int64_t qty, int64_t price,
				int64_t amount)
{
	struct invoice_line *l = &v->lines[v->n++];

	memset(l, 0, sizeof(*l));
	l->line_no = (int)v->n;
	l->kind = k;
	l->grade = k == BILL_HOURS ? 3 : -1;
	l->tier = k == BILL_ITEMS ? 0 : -1;
	l->qty = qty;
	l->price = price;
	l->amount = amount;
	if (k == BILL_ITEMS)
		snprintf(l->label, sizeof(l->label), "default");
	return l;
}

/* A random issued invoice whose totals the reference computes from its lines. */
static void invoice_make(struct inv *v)
{
	int64_t net = 0, tax = 0, ms, items, price;
	int taxes = (int)pick(0, 2);

	memset(v, 0, sizeof(*v));
	v->rec.id = 7;
	v->rec.kind = INVOICE_KIND_INVOICE;
	v->rec.state = INVOICE_ISSUED;
	v->rec.exponent = 2;
	memcpy(v->rec.currency, "IDR", 4);
	ms = pick(1, 500) * 3600000 + pick(0, 3599999);
	price = pick(1000, 9000000);
	add(v, BILL_HOURS, ms, price, ref_round(price, ms, 3600000));
	items = pick(1, 20000);
	price = pick(1, 500000);
	add(v, BILL_ITEMS, items, price, price * items);
	if (pick(0, 1)) {
		struct invoice_line *m = add(v, BILL_MILESTONE, 1, pick(100, 90000000), 0);

		m->amount = m->price;
	}
	if (pick(0, 2) == 0)
		add(v, BILL_MINIMUM, 1, 0, pick(1, 5000000));
	for (size_t i = 0; i < v->n; i++)
		net += v->lines[i].amount;
	if (pick(0, 2) == 0) {
		int64_t c = -ref_round(net, pick(100, 2000), 10000);

		add(v, BILL_CREDIT_SLA, 1, 500, c);
		net += c;
	}
	for (int t = 0; t < taxes; t++) {
		int64_t bp = t ? 250 : 1100, a = ref_round(net, bp, 10000);

		snprintf(add(v, BILL_TAX, 1, bp, a)->label, INVOICE_LABEL_MAX, t ? "PB1" : "PPN");
		tax += a;
	}
	v->rec.net = net;
	v->rec.tax = tax;
	v->rec.total = net + tax;
}

/* The store's sums of the notes' lines by line_no, as sqlite_billing.c keeps them. */
static void credited_add(struct credited *c, const struct invoice_line *out, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		c->qty[out[i].line_no] += out[i].qty;
		c->amount[out[i].line_no] += -out[i].amount;
	}
	c->notes++;
}

static int64_t cum_net(const struct inv *v, const struct credited *c)
{
	int64_t s = c->amount[CREDIT_ADJUST_LINE];

	for (size_t i = 0; i < v->n; i++)
		if (v->lines[i].kind != BILL_TAX)
			s += c->amount[v->lines[i].line_no];
	return s;
}

/* Checks one note against the reference; returns its rc. The reference says what to expect. */
static int note_check(struct inv *v, struct credited *c, const struct credit_req *q)
{
	struct invoice_rec note;
	struct invoice_line out[BILL_LINES_MAX + 2];
	size_t n_out = 99;
	char why[256] = "";
	int64_t want_net = 0, want_tax = 0, before = cum_net(v, c), want_qty[CREDIT_SLOTS] = {0};
	int want_rc = 0;

	/* the reference: line by line, then the net, then the tax on the cumulative net */
	if (!q->n_asks)
		want_net = q->amount;
	for (size_t a = 0; a < q->n_asks && !want_rc; a++) {
		const struct invoice_line *l = &v->lines[q->asks[a].line_no - 1];
		int64_t amt = q->asks[a].by_qty ? ref_round(l->amount, q->asks[a].qty, l->qty)
						: q->asks[a].amount;

		if (q->asks[a].by_qty && q->asks[a].qty > l->qty - c->qty[l->line_no])
			want_rc = ERR_INVALID;
		else if (amt > l->amount - c->amount[l->line_no])
			want_rc = ERR_INVALID;
		want_net += amt;
		want_qty[l->line_no] = q->asks[a].by_qty ? q->asks[a].qty : 0;
	}
	if (!want_rc && want_net > v->rec.net - before)
		want_rc = ERR_CONFLICT;
	int rc = invoice_credit_compute(&v->rec, v->lines, v->n, c, q, &note, out, &n_out, why,
					sizeof(why));
	assert_int_equal(rc, want_rc);
	if (rc == ERR_CONFLICT) {
		char left[64];
		int64_t l = v->rec.total - v->rec.credited_total;

		snprintf(left, sizeof(left), "%s%lld.%02lld IDR of the total remains", l < 0 ? "-" : "",
			 (long long)(l < 0 ? -l : l) / 100, (long long)(l < 0 ? -l : l) % 100);
		assert_non_null(strstr(why, left));
	}
	if (rc)
		return rc;
	for (size_t i = 0; i < v->n; i++) {
		const struct invoice_line *l = &v->lines[i];

		if (l->kind != BILL_TAX)
			continue;
		want_tax += ref_round(l->amount, before + want_net, v->rec.net) -
			    c->amount[l->line_no];
	}
	assert_int_equal(note.kind, INVOICE_KIND_CREDIT);
	assert_int_equal(note.credit_of, v->rec.id);
	assert_int_equal(note.net, -want_net);
	assert_int_equal(note.tax, -want_tax);
	assert_int_equal(note.total, -(want_net + want_tax));
	assert_string_equal(note.reason, q->reason);
	/* the lines add up to the note, and say what they credit */
	int64_t sum = 0;
	for (size_t i = 0; i < n_out; i++) {
		sum += out[i].amount;
		assert_true(out[i].amount < 0);
		if (out[i].line_no != CREDIT_ADJUST_LINE && out[i].kind != BILL_TAX)
			assert_int_equal(out[i].qty, want_qty[out[i].line_no]);
	}
	assert_int_equal(sum, note.total);
	credited_add(c, out, n_out);
	v->rec.credited_total -= note.total;
	/* never past the invoice: the total, and each tax line */
	assert_true(v->rec.credited_total <= v->rec.total);
	for (size_t i = 0; i < v->n; i++)
		if (v->lines[i].kind == BILL_TAX)
			assert_true(c->amount[v->lines[i].line_no] <= v->lines[i].amount);
	return 0;
}

static void test_random(void **state)
{
	(void)state;
	for (int round = 0; round < 400; round++) {
		struct inv v;
		struct credited c;
		struct credit_req q;
		int conflicts = 0;

		invoice_make(&v);
		memset(&c, 0, sizeof(c));
		for (int k = 0; k < 6; k++) {
			memset(&q, 0, sizeof(q));
			snprintf(q.reason, sizeof(q.reason), "round %d note %d", round, k);
			if (pick(0, 2) == 0) {
				q.amount = pick(1, v.rec.net / 3 + 1);
			} else {
				int seen[16] = {0};

				for (int a = (int)pick(1, 3); a > 0; a--) {
					size_t i = (size_t)pick(0, (int64_t)v.n - 1);
					const struct invoice_line *l = &v.lines[i];
					struct credit_ask *x = &q.asks[q.n_asks];

					if (l->kind == BILL_TAX || l->kind == BILL_CREDIT_SLA ||
					    seen[i] || l->amount <= c.amount[l->line_no] ||
					    l->qty <= c.qty[l->line_no])
						continue;
					seen[i] = 1;
					x->line_no = l->line_no;
					x->by_qty = l->kind != BILL_MINIMUM && pick(0, 1);
					if (x->by_qty)
						x->qty = pick(1, (l->qty - c.qty[l->line_no]) / 2 + 1);
					else
						x->amount =
						    pick(1, (l->amount - c.amount[l->line_no]) / 2 + 1);
					q.n_asks++;
				}
				if (!q.n_asks)
					continue;
			}
			conflicts += note_check(&v, &c, &q) == ERR_CONFLICT;
		}
		/* the rest: exactly the invoice, tax to the unit */
		int64_t rest = v.rec.net - cum_net(&v, &c);

		if (rest > 0) {
			memset(&q, 0, sizeof(q));
			snprintf(q.reason, sizeof(q.reason), "the rest");
			q.amount = rest;
			assert_int_equal(note_check(&v, &c, &q), 0);
		}
		assert_int_equal(v.rec.credited_total, v.rec.total);
		for (size_t i = 0; i < v.n; i++)
			if (v.lines[i].kind == BILL_TAX)
				assert_int_equal(c.amount[v.lines[i].line_no], v.lines[i].amount);
		/* and nothing more */
		memset(&q, 0, sizeof(q));
		snprintf(q.reason, sizeof(q.reason), "one more");
		q.amount = 1;
		assert_int_equal(note_check(&v, &c, &q), ERR_CONFLICT);
		(void)conflicts;
	}
}

/* 10.00 IDR at 11 %: thirds of the net credit 0.37, 0.36 and 0.37 of tax (cumulative rounding). */
static void test_thirds(void **state)
{
	struct inv v;
	struct credited c;
	struct credit_req q;
	struct invoice_rec note;
	struct invoice_line out[BILL_LINES_MAX + 2];
	size_t n;
	char why[256];
	const int64_t amounts[] = {333, 333, 334}, taxes[] = {37, 36, 37};

	(void)state;
	memset(&v, 0, sizeof(v));
	memset(&c, 0, sizeof(c));
	v.rec.id = 1;
	v.rec.exponent = 2;
	memcpy(v.rec.currency, "IDR", 4);
	add(&v, BILL_HOURS, 3600000, 1000, 1000);
	snprintf(add(&v, BILL_TAX, 1, 1100, 110)->label, INVOICE_LABEL_MAX, "PPN");
	v.rec.net = 1000;
	v.rec.tax = 110;
	v.rec.total = 1110;
	for (int i = 0; i < 3; i++) {
		memset(&q, 0, sizeof(q));
		snprintf(q.reason, sizeof(q.reason), "third %d", i);
		q.amount = amounts[i];
		assert_int_equal(invoice_credit_compute(&v.rec, v.lines, v.n, &c, &q, &note, out, &n,
							why, sizeof(why)),
				 0);
		assert_int_equal(note.tax, -taxes[i]);
		assert_int_equal(note.total, -(amounts[i] + taxes[i]));
		credited_add(&c, out, n);
		v.rec.credited_total -= note.total;
	}
	assert_int_equal(v.rec.credited_total, 1110);

	/* by line: half of the hour credits half the amount; the other half twice is refused */
	memset(&c, 0, sizeof(c));
	v.rec.credited_total = 0;
	memset(&q, 0, sizeof(q));
	snprintf(q.reason, sizeof(q.reason), "half");
	q.n_asks = 1;
	q.asks[0] = (struct credit_ask){.line_no = 1, .by_qty = true, .qty = 1800000};
	assert_int_equal(invoice_credit_compute(&v.rec, v.lines, v.n, &c, &q, &note, out, &n, why,
						sizeof(why)),
			 0);
	assert_int_equal(note.net, -500);
	assert_int_equal(note.tax, -55);
	assert_int_equal(note.hours_ms, -1800000);
	credited_add(&c, out, n);
	v.rec.credited_total -= note.total;
	q.asks[0].qty = 1800001;
	assert_int_equal(invoice_credit_compute(&v.rec, v.lines, v.n, &c, &q, &note, out, &n, why,
						sizeof(why)),
			 ERR_INVALID);
	assert_non_null(strstr(why, "lines[0].quantity"));
	/* a tax line is not credited by itself; a line asked twice; no such line */
	q.asks[0] = (struct credit_ask){.line_no = 2, .by_qty = false, .amount = 1};
	assert_int_equal(invoice_credit_compute(&v.rec, v.lines, v.n, &c, &q, &note, out, &n, why,
						sizeof(why)),
			 ERR_INVALID);
	q.n_asks = 2;
	q.asks[0] = q.asks[1] = (struct credit_ask){.line_no = 1, .by_qty = false, .amount = 1};
	assert_int_equal(invoice_credit_compute(&v.rec, v.lines, v.n, &c, &q, &note, out, &n, why,
						sizeof(why)),
			 ERR_INVALID);
	assert_non_null(strstr(why, "asked twice"));
	q.n_asks = 1;
	q.asks[0].line_no = 9;
	assert_int_equal(invoice_credit_compute(&v.rec, v.lines, v.n, &c, &q, &note, out, &n, why,
						sizeof(why)),
			 ERR_INVALID);
	/* an amount past what is left: 409 naming it (5.55 of the total, net 5.00) */
	q.n_asks = 0;
	q.amount = 501;
	assert_int_equal(invoice_credit_compute(&v.rec, v.lines, v.n, &c, &q, &note, out, &n, why,
						sizeof(why)),
			 ERR_CONFLICT);
	assert_non_null(strstr(why, "5.55 IDR of the total remains creditable (net 5.00)"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_thirds),
	    cmocka_unit_test(test_random),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
