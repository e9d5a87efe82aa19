/* savings.h - what a client paid against what the same hours would cost it in-house, pure. */
#ifndef ALIHDAYA_SAVINGS_H
#define ALIHDAYA_SAVINGS_H

#include <stdbool.h>
#include <stdint.h>

#include "core/model.h"

/*
 * The catalogue's defaults (DESIGN.md, the seeds): about $11 an hour for BPO
 * work and $24 for KPO work. Where a client stated no in-house cost, the
 * report prices the same hours at these figures plus SAVINGS_OVERHEAD_BP
 * (benefits, space, equipment, management on top of the wage) and says so.
 */
#define SAVINGS_BPO_HOUR 1100 /* USD minor units */
#define SAVINGS_KPO_HOUR 2400
#define SAVINGS_DEFAULT_CURRENCY "USD"
#define SAVINGS_OVERHEAD_BP 3000 /* 30 % */

struct savings_in {
	enum service_kind kind;
	char currency[4];  /* the invoices' */
	int64_t paid_net;  /* issued invoices' net (credit notes subtracted), before tax */
	int64_t paid_total; /* the same with tax */
	int64_t hours_ms;  /* the time those invoices billed */
	bool has_inhouse;  /* the client stated its cost (else the catalogue's) */
	int64_t inhouse_hour;
	char inhouse_currency[4];
	int64_t overhead_bp;
};

struct savings {
	int64_t engagement_id, client_id, from, to;
	int64_t invoices, credit_notes;
	struct savings_in in;	  /* as used: the defaults filled in */
	bool defaults;		  /* the in-house figures are the catalogue's */
	bool comparable;	  /* same currency: a saving can be stated */
	int64_t inhouse_base;	  /* hours × the in-house hour, rounded */
	int64_t inhouse_cost;	  /* the base plus overhead, rounded */
	int64_t saved;		  /* inhouse_cost - paid_net (negative: outsourcing cost more) */
	int64_t saved_bp;	  /* saved / inhouse_cost in basis points (0 when no cost) */
};

/* Fills out from in (defaults applied when !in->has_inhouse). 0, or ERR_INVALID on overflow. */
int savings_compute(const struct savings_in *in, struct savings *out);

#endif
