/* dash.h - the operations dashboard's figures: events counted over time, open items counted (pure). */
#ifndef ALIHDAYA_DASH_H
#define ALIHDAYA_DASH_H

#include <stdbool.h>
#include <stdint.h>

#include "core/model.h"

#define DASH_MINUTE_MS ((int64_t)60 * 1000)
#define DASH_HOUR_MS ((int64_t)60 * DASH_MINUTE_MS)
#define DASH_DAY_MS ((int64_t)24 * DASH_HOUR_MS)
/* Minutes the hourly rate is counted over: one slot per minute, the current one included. */
#define DASH_SLOTS 60

/*
 * Events of one kind (items done) counted three ways, each O(1) to add and
 * to read: in total, per minute over the last hour (a ring of 60 slots,
 * each stamped with its minute so a slot left from an older hour counts
 * nothing), and today (UTC), with how many of today's were late. The clock
 * is the caller's (ms since the epoch); `= {0}` is an empty counter.
 */
struct dash_counter {
	uint64_t total;
	int64_t slot_minute[DASH_SLOTS]; /* the minute (ms / 60000) + 1 a slot counts; 0: none */
	uint32_t slot_n[DASH_SLOTS];
	int64_t day; /* the UTC day (ms / 86400000) + 1 that today and late count; 0: none */
	uint64_t today, today_late;
};

/* One event at now; late: it happened after its due time. */
void dash_counter_add(struct dash_counter *c, int64_t now, bool late);
/* Events in the last DASH_SLOTS minutes up to now (the current minute included). */
uint64_t dash_counter_hour(const struct dash_counter *c, int64_t now);
/* Events today (UTC) as of now; late_only: only the late ones. */
uint64_t dash_counter_today(const struct dash_counter *c, int64_t now, bool late_only);

/*
 * What an engagement's open items are at a moment, counted one item at a
 * time (dash_open_add). The rules are the queue summary's (docs/api.md
 * "Queue summary"): due soon is now <= due_at < now + 1 h, breached is an
 * open item with due_at < now; the oldest waiting is the queued item that
 * arrived first (the smaller id on a tie).
 */
struct dash_open {
	uint64_t queued, assigned, submitted, in_review;
	uint64_t due_next_hour;
	uint64_t breached;
	int64_t oldest_id;	/* 0: nothing queued */
	int64_t oldest_created; /* its arrival */
};

void dash_open_add(struct dash_open *o, enum item_state s, int64_t id, int64_t created_at,
		   int64_t due_at, int64_t now);

#endif
