/* rates.c - a rate card checked, and a period's usage priced into invoice lines (no floating point). */
#include "core/rates.h"

#include <stdio.h>
#include <string.h>

#include "core/model.h"
#include "util/err.h"

#define HOUR_MS 3600000LL

static const char *const line_names[BILL_LINE__COUNT] = {
    [BILL_HOURS] = "hours",	      [BILL_ITEMS] = "items",
    [BILL_MILESTONE] = "milestone",   [BILL_MINIMUM] = "minimum",
    [BILL_CREDIT_SLA] = "credit_sla", [BILL_CREDIT_QUALITY] = "credit_quality",
    [BILL_TAX] = "tax",		      [BILL_ADJUST] = "adjustment",
};

const char *bill_line_kind_name(enum bill_line_kind k)
{
	return (unsigned)k < BILL_LINE__COUNT ? line_names[k] : "";
}

static int bad(char *why, size_t n, const char *msg, const char *field, int i)
{
	if (i >= 0)
		snprintf(why, n, "%s[%d]: %s", field, i, msg);
	else
		snprintf(why, n, "%s: %s", field, msg);
	return ERR_INVALID;
}

static bool bp_ok(int64_t bp)
{
	return bp >= 0 && bp <= RATES_BP_MAX;
}

int rate_card_check(const struct rate_card *c, char *why, size_t n)
{
	if (!money_currency(c->currency))
		return bad(why, n, "not an ISO 4217 currency code", "currency", -1);
	for (int g = 0; g < RATES_GRADES; g++)
		if (c->has_hourly[g] && c->hourly[g] < 0)
			return bad(why, n, "must not be negative", "hourly", g);
	if (c->n_types > RATES_TYPES_MAX)
		return bad(why, n, "too many item types", "items", -1);
	for (size_t t = 0; t < c->n_types; t++) {
		const struct rate_item_type *it = &c->types[t];
		int64_t prev = 0;

		if (!it->type[0])
			return bad(why, n, "type is required", "items", (int)t);
		for (size_t u = 0; u < t; u++)
			if (!strcmp(c->types[u].type, it->type))
				return bad(why, n, "type given twice", "items", (int)t);
		if (!it->n_tiers || it->n_tiers > RATES_TIERS_MAX)
			return bad(why, n, "needs 1 to 8 tiers", "items", (int)t);
		for (size_t k = 0; k < it->n_tiers; k++) {
			const struct rate_tier *r = &it->tiers[k];
			bool last = k + 1 == it->n_tiers;

			if (r->price < 0)
				return bad(why, n, "tier price must not be negative", "items",
					   (int)t);
			if (!last && r->up_to <= prev)
				return bad(why, n,
					   "tiers' up_to must rise, and only the last may be open",
					   "items", (int)t);
			if (last && r->up_to != 0 && r->up_to <= prev)
				return bad(why, n, "tiers' up_to must rise", "items", (int)t);
			prev = r->up_to;
		}
	}
	if (c->milestone < 0)
		return bad(why, n, "must not be negative", "milestone", -1);
	if (c->minimum < 0)
		return bad(why, n, "must not be negative", "minimum", -1);
	if (!bp_ok(c->sla_late_max_bp) || !bp_ok(c->sla_credit_bp))
		return bad(why, n, "basis points must be 0..10000", "credits.sla", -1);
	if (!bp_ok(c->quality_min_bp) || !bp_ok(c->quality_credit_bp))
		return bad(why, n, "basis points must be 0..10000", "credits.quality", -1);
	if (c->n_taxes > RATES_TAX_MAX)
		return bad(why, n, "at most 4 tax lines", "tax", -1);
	for (size_t t = 0; t < c->n_taxes; t++) {
		if (!c->taxes[t].name[0])
			return bad(why, n, "name is required", "tax", (int)t);
		if (!bp_ok(c->taxes[t].rate_bp))
			return bad(why, n, "rate_bp must be 0..10000", "tax", (int)t);
	}
	return 0;
}

bool rate_card_hourly(const struct rate_card *c, int g, int64_t *price)
{
	if (g < 0 || g >= RATES_GRADES)
		return false;
	if (c->has_hourly[g]) {
		*price = c->hourly[g];
		return true;
	}
	if (c->has_hourly[0]) {
		*price = c->hourly[0];
		return true;
	}
	return false;
}

const struct rate_item_type *rate_card_type(const struct rate_card *c, const char *type)
{
	const struct rate_item_type *def = NULL;

	for (size_t t = 0; t < c->n_types; t++) {
		if (type && !strcmp(c->types[t].type, type))
			return &c->types[t];
		if (!strcmp(c->types[t].type, "default"))
			def = &c->types[t];
	}
	return def;
}

int bill_grade(const struct skill_level *worker, size_t n_worker, const struct skill_level *req,
	       size_t n_req)
{
	int g = 0;

	for (size_t i = 0; i < n_req; i++)
		for (size_t j = 0; j < n_worker; j++)
			if (!strcmp(req[i].code, worker[j].code) && worker[j].level > g)
				g = worker[j].level;
	return g < RATES_GRADES ? g : RATES_GRADES - 1;
}

static struct bill_line *line_add(struct bill *b, enum bill_line_kind k)
{
	struct bill_line *l = &b->lines[b->n_lines++];

	memset(l, 0, sizeof(*l));
	l->kind = k;
	l->grade = l->type = l->tier = l->tax = -1;
	l->qty = 1;
	return l;
}

/* items of one type, graduated: the tiers' lines and their sum */
static int items_lines(const struct rate_item_type *it, int type, int64_t count, struct bill *b,
		       char *why, size_t n)
{
	int64_t done = 0;

	for (size_t k = 0; k < it->n_tiers && done < count; k++) {
		int64_t cap = it->tiers[k].up_to ? it->tiers[k].up_to : count;
		int64_t qty = (cap < count ? cap : count) - done;
		struct bill_line *l;

		if (qty <= 0)
			continue;
		l = line_add(b, BILL_ITEMS);
		l->type = type;
		l->tier = (int)k;
		l->qty = qty;
		l->first = done;
		l->price = it->tiers[k].price;
		if (money_mul(l->price, qty, &l->amount) || money_add(b->work, l->amount, &b->work))
			return bad(why, n, "amount overflows", "items", type);
		done += qty;
	}
	if (done < count)
		return bad(why, n, "items past the last tier have no price (make the last tier open)",
			   "items", type);
	return 0;
}

int bill_compute(const struct rate_card *c, const struct bill_usage *u, struct bill *out,
		 char *why, size_t n)
{
	struct bill b;
	int64_t left;
	int rc;

	memset(&b, 0, sizeof(b));
	for (int g = 0; g < RATES_GRADES; g++) {
		struct bill_line *l;
		int64_t price;

		if (u->ms[g] <= 0)
			continue;
		if (!rate_card_hourly(c, g, &price))
			return bad(why, n, "time of this grade was worked but has no price", "hourly",
				   g);
		l = line_add(&b, BILL_HOURS);
		l->grade = g;
		l->qty = u->ms[g];
		l->price = price;
		if (money_muldiv(price, u->ms[g], HOUR_MS, &l->amount) ||
		    money_add(b.work, l->amount, &b.work))
			return bad(why, n, "amount overflows", "hourly", g);
	}
	for (size_t t = 0; t < c->n_types; t++)
		if (u->items[t] > 0 &&
		    (rc = items_lines(&c->types[t], (int)t, u->items[t], &b, why, n)))
			return rc;
	if (u->milestones > 0 && c->milestone > 0) {
		struct bill_line *l = line_add(&b, BILL_MILESTONE);

		l->qty = u->milestones;
		l->price = c->milestone;
		if (money_mul(c->milestone, u->milestones, &l->amount) ||
		    money_add(b.work, l->amount, &b.work))
			return bad(why, n, "amount overflows", "milestone", -1);
	}
	b.fee = b.work;
	if (c->minimum > b.work) {
		struct bill_line *l = line_add(&b, BILL_MINIMUM);

		l->price = c->minimum;
		l->amount = c->minimum - b.work; /* both in [0, MONEY_MAX] */
		b.fee = c->minimum;
	}
	/*
	 * Credits: a share of the fee, each at most what the fee has left, so a
	 * net is never negative. The late share compares exactly:
	 * late / total > max_bp / 10000  <=>  late * 10000 > max_bp * total.
	 */
	left = b.fee;
	if (c->sla_credit_bp && u->items_total > 0 &&
	    (__int128)u->items_late * 10000 > (__int128)c->sla_late_max_bp * u->items_total) {
		struct bill_line *l = line_add(&b, BILL_CREDIT_SLA);
		int64_t a;

		if (money_bp(b.fee, c->sla_credit_bp, &a))
			return bad(why, n, "amount overflows", "credits.sla", -1);
		a = a < left ? a : left;
		l->price = c->sla_credit_bp;
		l->qty = u->items_late;
		l->amount = -a;
		left -= a;
		b.credits -= a;
	}
	if (c->quality_credit_bp && u->quality_bp >= 0 && u->quality_bp < c->quality_min_bp) {
		struct bill_line *l = line_add(&b, BILL_CREDIT_QUALITY);
		int64_t a;

		if (money_bp(b.fee, c->quality_credit_bp, &a))
			return bad(why, n, "amount overflows", "credits.quality", -1);
		a = a < left ? a : left;
		l->price = c->quality_credit_bp;
		l->qty = u->quality_bp;
		l->amount = -a;
		left -= a;
		b.credits -= a;
	}
	b.net = b.fee + b.credits;
	for (size_t t = 0; t < c->n_taxes; t++) {
		struct bill_line *l = line_add(&b, BILL_TAX);

		l->tax = (int)t;
		l->price = c->taxes[t].rate_bp;
		if (money_bp(b.net, c->taxes[t].rate_bp, &l->amount) ||
		    money_add(b.tax, l->amount, &b.tax))
			return bad(why, n, "amount overflows", "tax", (int)t);
	}
	if (money_add(b.net, b.tax, &b.total))
		return bad(why, n, "amount overflows", "total", -1);
	*out = b;
	return 0;
}
