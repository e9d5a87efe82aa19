/* dash.c - the operations dashboard's counters and open-item figures (pure, clock passed in). */
#include "core/dash.h"

static int64_t minute_of(int64_t now)
{
	return (now < 0 ? 0 : now / DASH_MINUTE_MS) + 1;
}

static int64_t day_of(int64_t now)
{
	return (now < 0 ? 0 : now / DASH_DAY_MS) + 1;
}

void dash_counter_add(struct dash_counter *c, int64_t now, bool late)
{
	int64_t m = minute_of(now), d = day_of(now);
	size_t i = (size_t)(m % DASH_SLOTS);

	c->total++;
	if (c->slot_minute[i] != m) {
		c->slot_minute[i] = m;
		c->slot_n[i] = 0;
	}
	c->slot_n[i]++;
	if (c->day != d) {
		c->day = d;
		c->today = c->today_late = 0;
	}
	c->today++;
	if (late)
		c->today_late++;
}

uint64_t dash_counter_hour(const struct dash_counter *c, int64_t now)
{
	int64_t m = minute_of(now);
	uint64_t n = 0;

	for (size_t i = 0; i < DASH_SLOTS; i++)
		if (c->slot_minute[i] && c->slot_minute[i] <= m && c->slot_minute[i] > m - DASH_SLOTS)
			n += c->slot_n[i];
	return n;
}

uint64_t dash_counter_today(const struct dash_counter *c, int64_t now, bool late_only)
{
	if (c->day != day_of(now))
		return 0;
	return late_only ? c->today_late : c->today;
}

void dash_open_add(struct dash_open *o, enum item_state s, int64_t id, int64_t created_at,
		   int64_t due_at, int64_t now)
{
	switch (s) {
	case ITEM_QUEUED:
		o->queued++;
		if (!o->oldest_id || created_at < o->oldest_created ||
		    (created_at == o->oldest_created && id < o->oldest_id)) {
			o->oldest_id = id;
			o->oldest_created = created_at;
		}
		break;
	case ITEM_ASSIGNED:
		o->assigned++;
		break;
	case ITEM_SUBMITTED:
		o->submitted++;
		break;
	case ITEM_IN_REVIEW:
		o->in_review++;
		break;
	default:
		return; /* closed: not open work */
	}
	if (due_at < now)
		o->breached++;
	else if (due_at < now + DASH_HOUR_MS)
		o->due_next_hour++;
}
