/* invoice.c - invoice states, numbers and the year of an issue, pure. */
#include "core/invoice.h"

#include <inttypes.h>
#include <stdio.h>

#include "util/err.h"

static const char *const states[INVOICE_STATE__COUNT] = {"draft", "issued", "paid", "credited"};
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
		if (r->kind != INVOICE_KIND_INVOICE || r->state != INVOICE_ISSUED) {
			*why = "only an issued invoice can be marked paid";
			return ERR_CONFLICT;
		}
		*to = INVOICE_PAID;
		return 0;
	case INVOICE_ACT_CREDIT:
		if (r->kind != INVOICE_KIND_INVOICE ||
		    (r->state != INVOICE_ISSUED && r->state != INVOICE_PAID)) {
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
