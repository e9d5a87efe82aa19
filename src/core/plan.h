/* plan.h - a staffing plan: required workers per interval beside those available, advice, cost.
 */
#ifndef ALIHDAYA_PLAN_H
#define ALIHDAYA_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/erlang.h"

/*
 * Pure: no I/O, time and forecasts come in as parameters. The math is the
 * erlang and backlog modules'; this module only chooses between them,
 * compares the result with the workers on hand and prices it.
 *
 * Two kinds of work (docs/staffing.md, "The plan"):
 *  - PLAN_QUEUE: phone-like, answered while the customer waits. Each
 *    interval is staffed on its own with the Erlang C search (target service
 *    level within target.sl_time_s, occupancy cap, shrinkage).
 *  - PLAN_BACKLOG: deferred back-office work, due SLA after arrival. The
 *    backlog model staffs the whole horizon at once (smoothest on-time
 *    profile), with productive = 1 - shrinkage. It looks `n_ahead`
 *    intervals past the horizon so that items arriving near its end are
 *    not forced to finish inside it.
 *
 * Money never passes through floating point: the cost is
 *   round(sum of required worker-seconds * sum of hourly costs / (3600 * workers))
 * in integer minor units, i.e. the required worker-hours at the average
 * hourly cost of the qualified workers. Workers paid in several currencies
 * are priced per currency: each currency's workers take their share of the
 * required hours (in proportion to their number) at their own costs, so
 *   cost[c] = round(worker-seconds * sum of costs in c / (3600 * workers))
 * and with one currency cost[0] is the single cost above.
 */

#define PLAN_MAX_INTERVALS 8064 /* as BACKLOG_MAX_INTERVALS: twelve weeks of 15 minutes */
#define PLAN_MAX_WORKERS 1000000
#define PLAN_MAX_CURRENCIES 16 /* priced one by one; beyond, the plan gives no cost */

enum plan_model {
	PLAN_QUEUE,   /* Erlang C per interval */
	PLAN_BACKLOG, /* due = arrival + SLA, smoothest on-time profile */
};

/* "erlang_c" / "backlog". Never NULL. */
const char *plan_model_name(enum plan_model m);
/* 0 and *out, or ERR_INVALID. */
int plan_model_parse(const char *s, enum plan_model *out);

/*
 * The usual model of an engagement: a queue when its SLA is shorter than one
 * interval (the work cannot wait for a later interval), else a backlog.
 */
enum plan_model plan_model_for(double sla_s, double interval_s);

/* One qualified and cleared worker, as the plan sees it. */
struct plan_worker {
	int64_t cost_minor; /* per hour, >= 0 */
	char currency[4];   /* ISO 4217 */
	bool available;	    /* status available now */
};

struct plan_input {
	enum plan_model model;
	const double *volume; /* forecast arrivals, n + n_ahead entries, >= 0 */
	size_t n;	      /* intervals in the plan, 1..PLAN_MAX_INTERVALS */
	size_t n_ahead;	      /* PLAN_BACKLOG: extra intervals looked at past the horizon */
	int64_t interval_s;   /* > 0, whole seconds so the cost stays exact */
	double aht_s;	      /* handle time per item, > 0 */
	double sla_s;	      /* PLAN_BACKLOG: >= interval_s */
	/* PLAN_QUEUE: service_level, sl_time_s, max_occupancy; both: shrinkage. */
	struct erlang_target target;
	/*
	 * NULL, or n + n_ahead counts: the items already waiting when the plan
	 * starts, by the interval they are due in (overdue ones in 0). A backlog
	 * works them from interval 0 to their due interval; a queue answers them
	 * in interval 0, beside its arrivals. Not part of any interval's volume.
	 */
	const double *waiting;
	const struct plan_worker *workers;
	size_t n_workers;
};

/* The plan of one interval. */
struct plan_interval {
	double volume;	/* forecast arrivals */
	double load;	/* PLAN_QUEUE: Erlangs; PLAN_BACKLOG: fractional workers of the profile */
	long required;	/* workers to roster (shrinkage included) */
	long available; /* workers on hand */
	long change;	/* required - available: > 0 add, < 0 release */
};

enum plan_cost_state {
	PLAN_COST_OK,
	PLAN_COST_NO_WORKERS, /* nobody to take an average cost from */
	PLAN_COST_MIXED,      /* workers are paid in more than one currency: see costs[] */
};

/* The cost of one currency's workers (every plan with workers has at least one). */
struct plan_cost {
	char currency[4];
	long workers;			/* qualified workers paid in it */
	long available;			/* of them, available now */
	int64_t avg_cost_minor;		/* their average hourly cost, rounded (display only) */
	int64_t cost_minor;		/* their share of the required worker-hours at their costs */
	int64_t available_cost_minor;	/* its workers on hand over the horizon at their own cost */
};

struct plan_result {
	long qualified;	      /* workers qualified and cleared */
	long available;	      /* of them, available now */
	long peak_required;
	size_t n_add, n_release, n_ok; /* intervals by advice */
	int64_t worker_seconds;	       /* sum of required * interval_s */
	enum plan_cost_state cost_state;
	char currency[4];		  /* PLAN_COST_OK */
	int64_t avg_cost_minor;		  /* average hourly cost, rounded (display only) */
	int64_t cost_minor;		  /* the plan: required worker-hours at the average cost */
	int64_t available_cost_minor;	  /* the workers on hand over the horizon at their own cost */
	/* Per currency, in the order first met; n_costs 0 with over PLAN_MAX_CURRENCIES. */
	size_t n_costs;
	struct plan_cost costs[PLAN_MAX_CURRENCIES];
};

/*
 * Computes the plan. OUT: iv[in->n], *res. 0, ERR_INVALID (a bad input),
 * ERR_TOOBIG (beyond the caps, or a cost past int64), ERR_NOMEM.
 */
int plan_compute(const struct plan_input *in, struct plan_interval *iv, struct plan_result *res);

/*
 * The second half of plan_compute(), for required counts that come from
 * elsewhere (the per-skill plan sums engagements' plans): sets available
 * and change of iv[0..n-1] from the workers, and *res (advice counts, peak,
 * worker-seconds, cost) as plan_compute() does. iv[i].required must be >= 0;
 * volume and load are left as they are. OUT: iv[].available, iv[].change,
 * *res. 0, ERR_INVALID, ERR_TOOBIG (beyond the caps, or past int64).
 */
int plan_advise(const struct plan_worker *workers, size_t n_workers, int64_t interval_s,
		struct plan_interval *iv, size_t n, struct plan_result *res);

/* "add", "release" or "ok" for an interval. Never NULL. */
const char *plan_advice(const struct plan_interval *iv);

/* "ok", "no_workers", "mixed_currencies". Never NULL. */
const char *plan_cost_state_name(enum plan_cost_state s);

#endif
