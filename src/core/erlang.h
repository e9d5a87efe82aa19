/* erlang.h - queueing math for staffing: Erlang B, C and A, and the required-agents search. */
#ifndef ALIHDAYA_ERLANG_H
#define ALIHDAYA_ERLANG_H

#include <stdbool.h>

/*
 * Pure functions: no I/O, no allocation, no global state. Every time is in
 * seconds as a double. All definitions (above all the service level under
 * abandonment) are written out in docs/staffing.md.
 *
 * Numerical method: 1/B(n, a) follows the inverse Erlang B recursion
 * x_k = 1 + (k / a) x_{k-1}, kept in scaled (mantissa, log) form so it never
 * overflows, and started about 10 sqrt(a) below min(n, a) where the start
 * error is damped by a factor below e^-50. No factorial or power is formed,
 * so any traffic up to ERLANG_MAX_TRAFFIC, integer or not, is exact to
 * double precision and costs O(sqrt(a) + |n - a|).
 *
 * Errors: ERR_INVALID for a NaN, negative or out-of-range input. Nothing else.
 */

#define ERLANG_MAX_TRAFFIC 1e6 /* Erlangs */
#define ERLANG_MAX_AGENTS 10000000L

enum erlang_model {
	ERLANG_C, /* M/M/n: callers wait as long as it takes */
	ERLANG_A, /* M/M/n+M: callers abandon after an exponential patience */
};

/* The offered load of one interval. */
struct erlang_load {
	double contacts;   /* arrivals in the interval, >= 0, need not be an integer */
	double interval_s; /* length of the interval, > 0 */
	double aht_s;	   /* average handle time, > 0 */
	double patience_s; /* mean patience, > 0; used only by ERLANG_A */
	enum erlang_model model;
};

/* What a staffing level achieves. */
struct erlang_metrics {
	long agents;
	double traffic;		 /* offered load a = contacts * aht / interval, Erlangs */
	double p_wait;		 /* probability an arrival has to wait (finds all agents busy) */
	double service_level;	 /* answered within t / offered (abandons count as misses) */
	double sl_of_answered;	 /* answered within t / answered */
	double asa_s;		 /* mean wait of the answered contacts; INFINITY if unstable */
	double occupancy;	 /* busy agents / agents, in [0, 1] */
	double p_abandon;	 /* offered contacts that abandon (0 for ERLANG_C) */
	double abandon_within_t; /* offered contacts that abandon within t (0 for ERLANG_C) */
};

/* The goal of a required-agents search. */
struct erlang_target {
	double service_level; /* fraction answered within sl_time_s, in (0, 1) */
	double sl_time_s;     /* >= 0 */
	double max_occupancy; /* in (0, 1]; 1 means no cap */
	double shrinkage;     /* in [0, 1): paid time not on the phones */
	double max_abandon;   /* ERLANG_A only: in (0, 1), or 0 for no limit */
};

enum erlang_limit {
	ERLANG_LIMIT_NONE,	    /* no traffic: zero agents */
	ERLANG_LIMIT_SERVICE_LEVEL, /* the service level target set the number */
	ERLANG_LIMIT_OCCUPANCY,	    /* the occupancy cap set the number */
	ERLANG_LIMIT_ABANDON,	    /* the abandonment limit set the number */
};

struct erlang_plan {
	long agents;	/* smallest number on the phones that meets every target */
	long scheduled; /* ceil(agents / (1 - shrinkage)) */
	enum erlang_limit limit;
	struct erlang_metrics at; /* metrics with `agents` agents */
};

/* "service_level", "occupancy", ... Never NULL. */
const char *erlang_limit_name(enum erlang_limit l);

/* Offered load in Erlangs; ERR_INVALID if the load is malformed. OUT: *traffic. */
int erlang_traffic(const struct erlang_load *load, double *traffic);

/* Erlang B blocking probability of n servers at traffic a (a >= 0, n >= 0). OUT: *b. */
int erlang_b(double a, long n, double *b);

/* Erlang C probability of waiting; 1 when n <= a (the queue never empties). OUT: *c. */
int erlang_c(double a, long n, double *c);

/*
 * Metrics of `agents` agents for the load, with the service level measured
 * at sl_time_s. Dispatches on load->model. OUT: *m.
 */
int erlang_metrics(const struct erlang_load *load, long agents, double sl_time_s,
		   struct erlang_metrics *m);

/*
 * Smallest number of agents meeting every target. For ERLANG_A the search
 * starts at one agent, below the traffic load, because abandonment can make
 * fewer agents than Erlangs enough. OUT: *plan.
 */
int erlang_required(const struct erlang_load *load, const struct erlang_target *target,
		    struct erlang_plan *plan);

/* ceil(agents / (1 - shrinkage)), immune to rounding noise (14 / 0.7 is 20). OUT: *out. */
int erlang_scheduled(long agents, double shrinkage, long *out);

#endif
