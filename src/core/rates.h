/* rates.h - an engagement's rate card and the invoice computed from a period's work, pure. */
#ifndef ALIHDAYA_RATES_H
#define ALIHDAYA_RATES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/money.h"

/*
 * A rate card prices one engagement's work, in one currency:
 *  - hourly: a price per hour by worker grade (0..5: 0 is the default, used
 *    for a grade without a price of its own; the grade of a worker is its
 *    highest level among the engagement's required skills, 0 if none);
 *  - per item by item type ("default" for items without a type), each with
 *    graduated volume tiers: tier k prices the items past the previous
 *    tier's up_to, up to its own (up_to 0: no upper bound, the last tier);
 *    the first 10,000 at one price, the next at another;
 *  - per milestone: a fixed amount for each milestone submitted in the period;
 *  - a minimum fee per period (a top-up line raises the work to it);
 *  - service credits in basis points of the fee: for SLA breaches (the share
 *    of items done after their due time above sla_late_max_bp) and for a
 *    quality score below quality_min_bp;
 *  - tax lines, each a rate in basis points of the net (1100: Indonesian VAT 11 %).
 * Every amount is in minor units; negative amounts are refused.
 */
#define RATES_GRADES 6	   /* grade 0 (default) .. 5 */
#define RATES_TYPES_MAX 16 /* item types */
#define RATES_TIERS_MAX 8
#define RATES_TAX_MAX 4
#define RATES_NAME_MAX 64
#define RATES_BP_MAX 10000 /* credits and taxes are at most 100 % */

struct rate_tier {
	int64_t up_to;	/* cumulative item count this tier ends at; 0: unbounded (last) */
	int64_t price;	/* per item, minor units */
};

struct rate_item_type {
	char type[RATES_NAME_MAX];
	size_t n_tiers;
	struct rate_tier tiers[RATES_TIERS_MAX];
};

struct rate_tax {
	char name[RATES_NAME_MAX]; /* "PPN" */
	int64_t rate_bp;
};

struct rate_card {
	char currency[4];
	bool has_hourly[RATES_GRADES];
	int64_t hourly[RATES_GRADES]; /* per hour, minor units */
	size_t n_types;
	struct rate_item_type types[RATES_TYPES_MAX];
	int64_t milestone; /* per milestone, 0: not billed */
	int64_t minimum;   /* per period, 0: none */
	/* SLA credit: late share > sla_late_max_bp → credit sla_credit_bp of the fee (0: none) */
	int64_t sla_late_max_bp, sla_credit_bp;
	/* quality credit: score < quality_min_bp → credit quality_credit_bp of the fee (0: none) */
	int64_t quality_min_bp, quality_credit_bp;
	size_t n_taxes;
	struct rate_tax taxes[RATES_TAX_MAX];
};

/*
 * Checks a card filled by a parser: known currency, every amount >= 0,
 * tiers ascending and only the last unbounded, basis points in range, no
 * repeated type. 0, or ERR_INVALID with the field named in why (n bytes).
 */
int rate_card_check(const struct rate_card *c, char *why, size_t n);
/* The hourly price of grade g (its own, else grade 0's); false when neither is set. */
bool rate_card_hourly(const struct rate_card *c, int g, int64_t *price);
/* The type's rates, or "default"'s, or NULL. */
const struct rate_item_type *rate_card_type(const struct rate_card *c, const char *type);

/*
 * The card as JSON (docs/api.md "Rates"): amounts are decimal strings in
 * the currency's major unit ("1500.00"), shares are basis points:
 *   {"currency":"IDR","hourly":[{"grade":0,"price":"75000.00"}],
 *    "items":[{"type":"default","tiers":[{"up_to":10000,"price":"1500.00"},
 *                                        {"up_to":null,"price":"1200.00"}]}],
 *    "milestone":"5000000.00","minimum":"10000000.00",
 *    "credits":{"sla":{"late_max_bp":500,"credit_bp":250},
 *               "quality":{"min_bp":9500,"credit_bp":300}},
 *    "tax":[{"name":"PPN","rate_bp":1100}]}
 * parse: the text (at most RATES_JSON_MAX bytes) into *out, then
 * rate_card_check(); 0, or ERR_INVALID with the field named in why ("hourly[1].price:
 * must not be negative"). render: the canonical text, malloc'd (free()), or NULL.
 */
#define RATES_JSON_MAX 65536
int rate_card_parse(const char *json, struct rate_card *out, char *why, size_t n);
char *rate_card_render(const struct rate_card *c);

/* ---------------------------------------------------------------- the invoice */

/*
 * What a period's work adds up to, gathered by the caller from the store
 * (entries walked once, items done in the period counted):
 *  ms[g]: billable milliseconds of workers of grade g;
 *  items per type (the index into the card's types); late: items done after due_at;
 *  milestones submitted; quality_bp: the period's quality score (-1: none known).
 */
struct bill_usage {
	int64_t ms[RATES_GRADES];
	int64_t items[RATES_TYPES_MAX];
	int64_t items_total, items_late;
	int64_t milestones;
	int64_t quality_bp;
};

enum bill_line_kind {
	BILL_HOURS,	/* grade: ms at the grade's price */
	BILL_ITEMS,	/* type, tier: qty items at the tier's price */
	BILL_MILESTONE, /* qty milestones at the fixed price */
	BILL_MINIMUM,	/* the top-up to the minimum fee */
	BILL_CREDIT_SLA,
	BILL_CREDIT_QUALITY,
	BILL_TAX,	/* tax: the card's tax index */
	BILL_ADJUST,	/* a credit note's amount credit (core/invoice.h), never drafted */
	BILL_LINE__COUNT
};
const char *bill_line_kind_name(enum bill_line_kind k);

#define BILL_LINES_MAX (RATES_GRADES + RATES_TYPES_MAX * RATES_TIERS_MAX + 4 + RATES_TAX_MAX)

struct bill_line {
	enum bill_line_kind kind;
	int grade;	  /* BILL_HOURS */
	int type, tier;	  /* BILL_ITEMS: indexes into the card */
	int tax;	  /* BILL_TAX */
	int64_t qty;	  /* hours: ms; items, milestones: a count; else 1 */
	int64_t first;	  /* BILL_ITEMS: the 0-based position of the tier's first item */
	int64_t price;	  /* per unit (hours: per hour); credits and taxes: basis points */
	int64_t amount;	  /* minor units, rounded once (credits negative) */
};

struct bill {
	size_t n_lines;
	struct bill_line lines[BILL_LINES_MAX];
	int64_t work;	  /* hours + items + milestones */
	int64_t fee;	  /* work raised to the minimum */
	int64_t credits;  /* <= 0 */
	int64_t net;	  /* fee + credits */
	int64_t tax;	  /* the tax lines */
	int64_t total;	  /* net + tax */
};

/*
 * The invoice of usage u under card c (checked). Hours: one line per grade
 * with time, amount = price * ms / 3,600,000 rounded (money.h); a grade with
 * no price (neither its own nor grade 0's) is ERR_INVALID. Items: graduated
 * tiers, one line per tier reached. Minimum: a top-up line when work < minimum.
 * Credits: a share of the fee, rounded, each at most what is left of the fee.
 * Tax: each rate of the net, rounded. 0, or ERR_INVALID (a missing price, an
 * overflow: why says which) with out unset.
 */
int bill_compute(const struct rate_card *c, const struct bill_usage *u, struct bill *out,
		 char *why, size_t n);

/* A worker's grade for an engagement: its highest level among the required skills (0: none). */
struct skill_level;
int bill_grade(const struct skill_level *worker, size_t n_worker, const struct skill_level *req,
	       size_t n_req);

#endif
