/* backlog.h - workers needed per interval so deferred work (forms, claims) finishes by its due
 * time. */
#ifndef ALIHDAYA_BACKLOG_H
#define ALIHDAYA_BACKLOG_H

#include <stddef.h>

/*
 * Deferred work is not a phone queue: nobody hangs up, items simply have a
 * due time. Time is cut into n equal intervals numbered 0..n-1. A batch is
 * `items` items of `handle_s` seconds of work each that can be worked from
 * the start of interval `release` and must be finished by the end of
 * interval `due` (release <= due < n).
 *
 * backlog_required() returns the smoothest staffing that finishes every
 * batch on time: it is the Yao-Demers-Shenker profile, which among all
 * feasible profiles has the lowest possible peak, then the lowest next
 * peak, and so on (so it also minimises any convex staffing cost). Its
 * total equals the total work exactly: no interval is staffed for work that
 * could be done later without raising an earlier peak. See docs/staffing.md.
 *
 * Pure: no I/O. It allocates O(n + nb) scratch memory and frees it.
 */

#define BACKLOG_MAX_INTERVALS 8064 /* twelve weeks of 15-minute intervals */
#define BACKLOG_MAX_BATCHES 1000000

struct backlog_batch {
	int release;	 /* first interval in which the items may be worked */
	int due;	 /* last interval, by whose end they must be finished */
	double items;	 /* >= 0, may be fractional (a forecast) */
	double handle_s; /* work per item in seconds, >= 0 */
};

/*
 * Workers per interval for the batches. `productive` is the fraction of an
 * interval a rostered worker spends on the work, in (0, 1] (1 - shrinkage).
 * OUT: rate[n] fractional workers and whole[n] = ceil(rate); either may be
 * NULL. 0, ERR_INVALID (bad batch, n or productive), ERR_TOOBIG (over the
 * caps), ERR_NOMEM.
 */
int backlog_required(const struct backlog_batch *batches, size_t nb, size_t n, double interval_s,
		     double productive, double *rate, long *whole);

/*
 * One batch per interval from forecast arrivals: items arriving in interval
 * i are released at i and due by the end of interval i + floor(sla_s /
 * interval_s) - 1. A due time past the horizon is clamped to its last
 * interval, which is conservative: extend the horizon by the SLA to avoid
 * it. sla_s must be at least one interval. OUT: out[n]. 0 or ERR_INVALID.
 */
int backlog_from_arrivals(const double *arrivals, size_t n, double interval_s, double handle_s,
			  double sla_s, struct backlog_batch *out);

#endif
