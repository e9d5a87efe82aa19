/* rates_json.c - a rate card read from and written as JSON, every bad field named (amounts as decimal strings). */
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "core/rates.h"
#include "util/err.h"
#include "util/jcheck.h"

/* -?digits(.1..e digits)?: a text money_parse() refuses only when it overflows */
static bool well_formed(const char *s, int e)
{
	size_t d;

	if (*s == '-')
		s++;
	if (!(d = strspn(s, "0123456789")))
		return false;
	s += d;
	if (*s == '.') {
		d = strspn(++s, "0123456789");
		if (!d || (int)d > e)
			return false;
		s += d;
	}
	return !*s;
}

static int amount(json_t *v, int e, const char *field, int64_t *out, char *why, size_t n)
{
	if (!json_is_string(v))
		return jcheck_fail(why, n, field, "must be a decimal string such as \"1500.00\"");
	if (money_parse(json_string_value(v), e, out)) {
		char msg[96];

		if (well_formed(json_string_value(v), e))
			return jcheck_fail(why, n, field, "amount overflows (past 2^63 - 1 minor units)");
		snprintf(msg, sizeof(msg), "not a decimal amount with at most %d decimals", e);
		return jcheck_fail(why, n, field, msg);
	}
	if (*out < 0)
		return jcheck_fail(why, n, field, "must not be negative");
	return 0;
}

static int whole(json_t *v, const char *field, int64_t lo, int64_t hi, int64_t *out, char *why,
		 size_t n)
{
	char msg[96];

	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
		snprintf(msg, sizeof(msg), "must be a whole number from %lld to %lld", (long long)lo,
			 (long long)hi);
		return jcheck_fail(why, n, field, msg);
	}
	*out = json_integer_value(v);
	return 0;
}

static int name_of(json_t *v, const char *field, char *out, size_t cap, char *why, size_t n)
{
	const char *s = json_string_value(v);
	size_t len = s ? strlen(s) : 0;

	if (!s || !len || len >= cap)
		return jcheck_fail(why, n, field, "must be a text of 1 to 63 bytes");
	for (size_t i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x20)
			return jcheck_fail(why, n, field, "may hold no control characters");
	memcpy(out, s, len + 1);
	return 0;
}

static int hourly(json_t *a, int e, struct rate_card *c, char *why, size_t n)
{
	static const char *const names[] = {"grade", "price", NULL};
	size_t i;
	json_t *h;
	char f[64];

	if (!json_is_array(a) || json_array_size(a) > RATES_GRADES)
		return jcheck_fail(why, n, "hourly", "must be an array of at most 6 prices");
	json_array_foreach(a, i, h) {
		int64_t g = 0, p = 0; /* set by whole() and amount() on success; -O3 cannot see it */
		int rc;

		snprintf(f, sizeof(f), "hourly[%zu]", i);
		if (!json_is_object(h))
			return jcheck_fail(why, n, f, "must be an object");
		if ((rc = jcheck_only(h, names, f, why, n)))
			return rc;
		snprintf(f, sizeof(f), "hourly[%zu].grade", i);
		if ((rc = whole(json_object_get(h, "grade"), f, 0, RATES_GRADES - 1, &g, why, n)))
			return rc;
		if (c->has_hourly[g])
			return jcheck_fail(why, n, f, "grade given twice");
		snprintf(f, sizeof(f), "hourly[%zu].price", i);
		if ((rc = amount(json_object_get(h, "price"), e, f, &p, why, n)))
			return rc;
		c->has_hourly[g] = true;
		c->hourly[g] = p;
	}
	return 0;
}

static int items(json_t *a, int e, struct rate_card *c, char *why, size_t n)
{
	static const char *const tnames[] = {"type", "tiers", NULL};
	static const char *const rnames[] = {"up_to", "price", NULL};
	size_t i, k;
	json_t *t, *r;
	char f[80];
	int rc;

	if (!json_is_array(a) || json_array_size(a) > RATES_TYPES_MAX)
		return jcheck_fail(why, n, "items", "must be an array of at most 16 item types");
	json_array_foreach(a, i, t) {
		struct rate_item_type *it = &c->types[c->n_types];
		json_t *tiers;

		snprintf(f, sizeof(f), "items[%zu]", i);
		if (!json_is_object(t))
			return jcheck_fail(why, n, f, "must be an object");
		if ((rc = jcheck_only(t, tnames, f, why, n)))
			return rc;
		snprintf(f, sizeof(f), "items[%zu].type", i);
		if ((rc = name_of(json_object_get(t, "type"), f, it->type, sizeof(it->type), why, n)))
			return rc;
		tiers = json_object_get(t, "tiers");
		snprintf(f, sizeof(f), "items[%zu].tiers", i);
		if (!json_is_array(tiers) || !json_array_size(tiers) ||
		    json_array_size(tiers) > RATES_TIERS_MAX)
			return jcheck_fail(why, n, f, "must be an array of 1 to 8 tiers");
		json_array_foreach(tiers, k, r) {
			json_t *up = json_object_get(r, "up_to");

			snprintf(f, sizeof(f), "items[%zu].tiers[%zu]", i, k);
			if (!json_is_object(r))
				return jcheck_fail(why, n, f, "must be an object");
			if ((rc = jcheck_only(r, rnames, f, why, n)))
				return rc;
			snprintf(f, sizeof(f), "items[%zu].tiers[%zu].up_to", i, k);
			if (!up || json_is_null(up))
				it->tiers[k].up_to = 0;
			else if ((rc = whole(up, f, 1, INT64_MAX / 2, &it->tiers[k].up_to, why, n)))
				return rc;
			snprintf(f, sizeof(f), "items[%zu].tiers[%zu].price", i, k);
			if ((rc = amount(json_object_get(r, "price"), e, f, &it->tiers[k].price, why,
					 n)))
				return rc;
		}
		it->n_tiers = json_array_size(tiers);
		c->n_types++;
	}
	return 0;
}

static int credits(json_t *o, struct rate_card *c, char *why, size_t n)
{
	static const char *const names[] = {"sla", "quality", NULL};
	static const char *const sla[] = {"late_max_bp", "credit_bp", NULL};
	static const char *const qual[] = {"min_bp", "credit_bp", NULL};
	json_t *s, *q;
	int rc;

	if (!json_is_object(o))
		return jcheck_fail(why, n, "credits", "must be an object");
	if ((rc = jcheck_only(o, names, "credits", why, n)))
		return rc;
	if ((s = json_object_get(o, "sla"))) {
		if (!json_is_object(s))
			return jcheck_fail(why, n, "credits.sla", "must be an object");
		if ((rc = jcheck_only(s, sla, "credits.sla", why, n)) ||
		    (rc = whole(json_object_get(s, "late_max_bp"), "credits.sla.late_max_bp", 0,
				RATES_BP_MAX, &c->sla_late_max_bp, why, n)) ||
		    (rc = whole(json_object_get(s, "credit_bp"), "credits.sla.credit_bp", 0,
				RATES_BP_MAX, &c->sla_credit_bp, why, n)))
			return rc;
	}
	if ((q = json_object_get(o, "quality"))) {
		if (!json_is_object(q))
			return jcheck_fail(why, n, "credits.quality", "must be an object");
		if ((rc = jcheck_only(q, qual, "credits.quality", why, n)) ||
		    (rc = whole(json_object_get(q, "min_bp"), "credits.quality.min_bp", 0,
				RATES_BP_MAX, &c->quality_min_bp, why, n)) ||
		    (rc = whole(json_object_get(q, "credit_bp"), "credits.quality.credit_bp", 0,
				RATES_BP_MAX, &c->quality_credit_bp, why, n)))
			return rc;
	}
	return 0;
}

static int taxes(json_t *a, struct rate_card *c, char *why, size_t n)
{
	static const char *const names[] = {"name", "rate_bp", NULL};
	size_t i;
	json_t *t;
	char f[64];
	int rc;

	if (!json_is_array(a) || json_array_size(a) > RATES_TAX_MAX)
		return jcheck_fail(why, n, "tax", "must be an array of at most 4 tax lines");
	json_array_foreach(a, i, t) {
		snprintf(f, sizeof(f), "tax[%zu]", i);
		if (!json_is_object(t))
			return jcheck_fail(why, n, f, "must be an object");
		if ((rc = jcheck_only(t, names, f, why, n)))
			return rc;
		snprintf(f, sizeof(f), "tax[%zu].name", i);
		if ((rc = name_of(json_object_get(t, "name"), f, c->taxes[i].name,
				  sizeof(c->taxes[i].name), why, n)))
			return rc;
		snprintf(f, sizeof(f), "tax[%zu].rate_bp", i);
		if ((rc = whole(json_object_get(t, "rate_bp"), f, 0, RATES_BP_MAX,
				&c->taxes[i].rate_bp, why, n)))
			return rc;
		c->n_taxes++;
	}
	return 0;
}

int rate_card_parse(const char *text, struct rate_card *out, char *why, size_t n)
{
	static const char *const names[] = {"currency", "hourly", "items", "milestone", "minimum",
					    "credits", "tax", NULL};
	struct rate_card c;
	json_error_t je;
	json_t *o, *v;
	const struct currency *cur;
	int rc;

	memset(&c, 0, sizeof(c));
	if (!text || strlen(text) > RATES_JSON_MAX)
		return jcheck_fail(why, n, "body", "a rate card of at most 64 KiB is required");
	o = json_loads(text, JSON_REJECT_DUPLICATES, &je);
	if (!o) {
		snprintf(why, n, "body: not JSON (line %d: %.80s)", je.line, je.text);
		return ERR_INVALID;
	}
	if (!json_is_object(o)) {
		rc = jcheck_fail(why, n, "body", "must be a JSON object");
		goto out;
	}
	if ((rc = jcheck_only(o, names, "", why, n)))
		goto out;
	v = json_object_get(o, "currency");
	cur = json_is_string(v) ? money_currency(json_string_value(v)) : NULL;
	if (!cur) {
		rc = jcheck_fail(why, n, "currency", "must be a known ISO 4217 code such as \"IDR\"");
		goto out;
	}
	memcpy(c.currency, cur->code, 4);
	if ((v = json_object_get(o, "hourly")) && (rc = hourly(v, cur->exponent, &c, why, n)))
		goto out;
	if ((v = json_object_get(o, "items")) && (rc = items(v, cur->exponent, &c, why, n)))
		goto out;
	if ((v = json_object_get(o, "milestone")) && !json_is_null(v) &&
	    (rc = amount(v, cur->exponent, "milestone", &c.milestone, why, n)))
		goto out;
	if ((v = json_object_get(o, "minimum")) && !json_is_null(v) &&
	    (rc = amount(v, cur->exponent, "minimum", &c.minimum, why, n)))
		goto out;
	if ((v = json_object_get(o, "credits")) && (rc = credits(v, &c, why, n)))
		goto out;
	if ((v = json_object_get(o, "tax")) && (rc = taxes(v, &c, why, n)))
		goto out;
	if ((rc = rate_card_check(&c, why, n)))
		goto out;
	*out = c;
out:
	json_decref(o);
	return rc;
}

static json_t *amount_json(int64_t v, int e)
{
	char t[MONEY_TEXT_MAX];

	return json_string(money_format(v, e, t, sizeof(t)));
}

char *rate_card_render(const struct rate_card *c)
{
	int e = money_exponent(c->currency);
	json_t *o = json_object(), *h = json_array(), *it = json_array(), *tx = json_array();
	char *text = NULL;

	if (!o || !h || !it || !tx || e < 0)
		goto out;
	json_object_set_new(o, "currency", json_string(c->currency));
	for (int g = 0; g < RATES_GRADES; g++)
		if (c->has_hourly[g])
			json_array_append_new(h, json_pack("{s:i,s:o}", "grade", g, "price",
							   amount_json(c->hourly[g], e)));
	for (size_t t = 0; t < c->n_types; t++) {
		json_t *tiers = json_array();

		for (size_t k = 0; k < c->types[t].n_tiers; k++) {
			const struct rate_tier *r = &c->types[t].tiers[k];

			json_array_append_new(
			    tiers, json_pack("{s:o,s:o}", "up_to",
					     r->up_to ? json_integer(r->up_to) : json_null(),
					     "price", amount_json(r->price, e)));
		}
		json_array_append_new(it, json_pack("{s:s,s:o}", "type", c->types[t].type, "tiers",
						    tiers));
	}
	for (size_t t = 0; t < c->n_taxes; t++)
		json_array_append_new(tx, json_pack("{s:s,s:I}", "name", c->taxes[t].name,
						    "rate_bp", (json_int_t)c->taxes[t].rate_bp));
	json_object_set(o, "hourly", h);
	json_object_set(o, "items", it);
	json_object_set_new(o, "milestone", amount_json(c->milestone, e));
	json_object_set_new(o, "minimum", amount_json(c->minimum, e));
	json_object_set_new(
	    o, "credits",
	    json_pack("{s:{s:I,s:I},s:{s:I,s:I}}", "sla", "late_max_bp",
		      (json_int_t)c->sla_late_max_bp, "credit_bp", (json_int_t)c->sla_credit_bp,
		      "quality", "min_bp", (json_int_t)c->quality_min_bp, "credit_bp",
		      (json_int_t)c->quality_credit_bp));
	json_object_set(o, "tax", tx);
	text = json_dumps(o, JSON_COMPACT);
out:
	json_decref(h);
	json_decref(it);
	json_decref(tx);
	json_decref(o);
	return text;
}
