/* savings.c - the savings report's arithmetic: the same hours priced in-house, in integer minor units. */
#include "core/savings.h"

#include <string.h>

#include "core/money.h"
#include "util/err.h"

int savings_compute(const struct savings_in *in, struct savings *out)
{
	struct savings_in u = *in;
	int rc;

	out->defaults = !u.has_inhouse;
	if (!u.has_inhouse) {
		u.inhouse_hour = u.kind == KIND_KPO ? SAVINGS_KPO_HOUR : SAVINGS_BPO_HOUR;
		memcpy(u.inhouse_currency, SAVINGS_DEFAULT_CURRENCY, 4);
		u.overhead_bp = SAVINGS_OVERHEAD_BP;
	}
	out->in = u;
	out->comparable = !strcmp(u.inhouse_currency, u.currency);
	out->inhouse_base = out->inhouse_cost = out->saved = out->saved_bp = 0;
	/* two roundings, both half away from zero: the hours' wage, then the overhead on it */
	if ((rc = money_muldiv(u.inhouse_hour, u.hours_ms > 0 ? u.hours_ms : 0, 3600000,
			       &out->inhouse_base)) ||
	    (rc = money_muldiv(out->inhouse_base, 10000 + u.overhead_bp, 10000, &out->inhouse_cost)))
		return rc;
	if (!out->comparable)
		return 0;
	if ((rc = money_sub(out->inhouse_cost, u.paid_net, &out->saved)))
		return rc;
	if (out->inhouse_cost > 0 &&
	    (rc = money_muldiv(out->saved, 10000, out->inhouse_cost, &out->saved_bp)))
		return rc;
	return 0;
}
