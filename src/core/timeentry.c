/* timeentry.c - time entries and billing periods: names, duration, the lock rules, cost. */
#include "core/timeentry.h"

#include <string.h>

#include "util/err.h"

static const char *const kind_names[TIME_KIND__COUNT] = {"work", "manual"};
static const char *const pkind_names[PERIOD_KIND__COUNT] = {"week", "month"};
static const char *const pstate_names[PERIOD_STATE__COUNT] = {"open", "approved", "locked"};

static int parse_in(const char *const *names, int n, const char *s, int *out)
{
	for (int i = 0; s && i < n; i++)
		if (!strcmp(names[i], s)) {
			*out = i;
			return 0;
		}
	return ERR_INVALID;
}

const char *time_kind_name(enum time_kind k)
{
	return (unsigned)k < TIME_KIND__COUNT ? kind_names[k] : "?";
}

int time_kind_parse(const char *s, enum time_kind *out)
{
	int v, rc = parse_in(kind_names, TIME_KIND__COUNT, s, &v);

	if (!rc)
		*out = (enum time_kind)v;
	return rc;
}

const char *period_kind_name(enum period_kind k)
{
	return (unsigned)k < PERIOD_KIND__COUNT ? pkind_names[k] : "?";
}

int period_kind_parse(const char *s, enum period_kind *out)
{
	int v, rc = parse_in(pkind_names, PERIOD_KIND__COUNT, s, &v);

	if (!rc)
		*out = (enum period_kind)v;
	return rc;
}

const char *period_state_name(enum period_state s)
{
	return (unsigned)s < PERIOD_STATE__COUNT ? pstate_names[s] : "?";
}

int period_state_parse(const char *s, enum period_state *out)
{
	int v, rc = parse_in(pstate_names, PERIOD_STATE__COUNT, s, &v);

	if (!rc)
		*out = (enum period_state)v;
	return rc;
}

int64_t time_lease_duration(int64_t started_at, int64_t lease_expires, int64_t now)
{
	int64_t end = now;

	if (started_at <= 0)
		return 0;
	if (lease_expires > 0 && lease_expires < end)
		end = lease_expires;
	return end > started_at ? end - started_at : 0;
}

#define SKEW_MS 60000

int time_entry_check(int64_t started_at, int64_t ended_at, int64_t now, const char **why)
{
	*why = NULL;
	if (started_at <= 0)
		*why = "started_at must be a time after 1970";
	else if (ended_at && ended_at <= started_at)
		*why = "ended_at must be after started_at";
	else if (ended_at && ended_at - started_at > TIME_ENTRY_MAX_MS)
		*why = "an entry may span at most 24 hours";
	else if ((ended_at ? ended_at : started_at) > now + SKEW_MS)
		*why = "an entry may not end in the future";
	return *why ? ERR_INVALID : 0;
}

bool period_holds(const struct billing_period *p, int64_t at)
{
	return at >= p->starts_at && at < p->ends_at;
}

bool period_overlaps(int64_t a_from, int64_t a_to, int64_t b_from, int64_t b_to)
{
	return a_from < b_to && b_from < a_to;
}

int period_advance(const struct billing_period *p, enum period_state to, int64_t now,
		   const char **why)
{
	*why = NULL;
	if (p->state == PERIOD_LOCKED)
		*why = "the period is locked";
	else if (to != p->state + 1)
		*why = to == PERIOD_LOCKED ? "a period is approved before it is locked"
		       : p->state == to    ? "the period is approved already"
					   : "a period moves open -> approved -> locked";
	else if (p->ends_at > now)
		*why = "the period has not ended yet";
	return *why ? ERR_CONFLICT : 0;
}

int time_cost_minor(int64_t ms, int64_t cost_minor, int64_t *out)
{
	/* ms * cost / H = q*cost + r*cost/H with ms = q*H + r: no product passes int64 early. */
	const int64_t H = 3600000;
	int64_t q, r, whole, part;

	*out = 0;
	if (ms < 0 || cost_minor < 0)
		return ERR_INVALID;
	q = ms / H;
	r = ms % H;
	if (q && cost_minor > INT64_MAX / q)
		return ERR_INVALID;
	whole = q * cost_minor;
	/* r < H < 2^22: r * cost overflows only for cost > 2^41; split cost the same way. */
	{
		int64_t ch = cost_minor / H, cl = cost_minor % H;
		/* r*cost/H = r*ch + r*cl/H */
		if (ch && r > INT64_MAX / ch)
			return ERR_INVALID;
		part = r * ch;
		part += (r * cl + H / 2) / H; /* r*cl < H*H < 2^44 */
	}
	if (whole > INT64_MAX - part)
		return ERR_INVALID;
	*out = whole + part;
	return 0;
}
