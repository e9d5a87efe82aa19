/* timeentry.h - time entries, billing periods and their cost: the records and the rules, pure. */
#ifndef ALIHDAYA_TIMEENTRY_H
#define ALIHDAYA_TIMEENTRY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Time (docs/api.md "Time and periods"). A time entry is a span a worker
 * worked on an engagement:
 *  - TIME_WORK: written by the engine when a lease ends (submit, expiry,
 *    release, cancel): from the lease's start to its end, renewals
 *    included; the time between leases is nobody's entry, so idle time is
 *    not billed. item_id is the leased item.
 *  - TIME_MANUAL: logged by a (KPO) worker by hand: a duration, or a
 *    start/stop timer (ended_at 0 while it runs), with a note, against an
 *    engagement and optionally one milestone of an item.
 * A correction never edits an entry's times: it writes a new entry with
 * corrected_from = the original, and the original gets superseded_by =
 * the correction. Billing reads the current entries (superseded_by 0).
 *
 * A billing period is a week or a month of one engagement, from local
 * midnight to local midnight in the engagement's time zone, as [starts_at,
 * ends_at) in UTC ms. An entry belongs to the period holding its
 * started_at. States: open -> approved -> locked; nothing in a locked
 * period changes (a new entry, a correction, a stop), and the periods of
 * one engagement never overlap.
 */

enum time_kind { TIME_WORK, TIME_MANUAL, TIME_KIND__COUNT };
enum period_kind { PERIOD_WEEK, PERIOD_MONTH, PERIOD_KIND__COUNT };
enum period_state { PERIOD_OPEN, PERIOD_APPROVED, PERIOD_LOCKED, PERIOD_STATE__COUNT };

/* "work", "manual"; "week", "month"; "open", "approved", "locked". Parsers: 0 or ERR_INVALID. */
const char *time_kind_name(enum time_kind k);
int time_kind_parse(const char *s, enum time_kind *out);
const char *period_kind_name(enum period_kind k);
int period_kind_parse(const char *s, enum period_kind *out);
const char *period_state_name(enum period_state s);
int period_state_parse(const char *s, enum period_state *out);

#define TIME_NOTE_MAX 1000 /* bytes of a note or a correction's reason */
/* The longest entry: a day. A longer span is a forgotten timer, not work. */
#define TIME_ENTRY_MAX_MS (24LL * 3600 * 1000)

struct time_entry {
	int64_t id;
	int64_t engagement_id, client_id, worker_id;
	int64_t item_id;      /* TIME_WORK: the leased item; TIME_MANUAL: the milestone's item or 0 */
	int64_t milestone_id; /* TIME_MANUAL: the milestone it is for, 0: the engagement */
	enum time_kind kind;
	int64_t started_at;  /* ms since the epoch, UTC */
	int64_t ended_at;    /* 0: a running timer (TIME_MANUAL only) */
	int64_t duration_ms; /* ended_at - started_at (a running timer: 0) */
	bool billable;
	int64_t corrected_from; /* this entry corrects that one (0: an original) */
	int64_t superseded_by;  /* a correction replaced this one (0: current) */
	int64_t created_at;
	int64_t created_by; /* the user (0: the engine, for TIME_WORK) */
	/* Sealed at rest (record "time_entry", field "note"); "" when none or not read. */
	char note[TIME_NOTE_MAX + 1];
};

struct billing_period {
	int64_t id, engagement_id, client_id;
	enum period_kind kind;
	int64_t starts_at, ends_at; /* [starts_at, ends_at), UTC ms */
	char label[16];		    /* "2026-11" (month) or "2026-11-16" (the week's Monday) */
	enum period_state state;
	int64_t created_at, created_by;
	int64_t approved_at, approved_by; /* 0: not yet */
	int64_t locked_at, locked_by;	  /* 0: not yet */
};

/*
 * The duration of a lease that ends at `now`: from started_at to the
 * earlier of now and the lease's deadline (an expiry found late bills only
 * to the deadline), never negative. started_at 0 (not known): 0.
 */
int64_t time_lease_duration(int64_t started_at, int64_t lease_expires, int64_t now);

/*
 * Checks a manual entry's times: started_at > 0, ended_at > started_at
 * (ended_at 0 only when running), at most TIME_ENTRY_MAX_MS, and not in
 * the future (ended_at, or started_at when running, <= now + 1 minute of
 * clock skew). 0 or ERR_INVALID. OUT: *why, a static sentence.
 */
int time_entry_check(int64_t started_at, int64_t ended_at, int64_t now, const char **why);

/* True if the entry's started_at lies in the period. */
bool period_holds(const struct billing_period *p, int64_t at);
/* True if [a_from, a_to) and [b_from, b_to) share an instant. */
bool period_overlaps(int64_t a_from, int64_t a_to, int64_t b_from, int64_t b_to);

/*
 * The next state of a period asked to move to `to`: open -> approved ->
 * locked, one step at a time, and only once the period has ended (ends_at
 * <= now). 0, or ERR_CONFLICT with *why (a static sentence).
 */
int period_advance(const struct billing_period *p, enum period_state to, int64_t now,
		   const char **why);

/*
 * The cost of ms milliseconds at cost_minor per hour (integer minor units):
 * ms * cost_minor / 3,600,000 rounded half up, computed without overflow
 * for any ms and cost_minor >= 0. 0, or ERR_RANGE when the result passes
 * INT64_MAX or an input is negative. OUT: *out.
 */
int time_cost_minor(int64_t ms, int64_t cost_minor, int64_t *out);

#endif
