/* erlang.c - Erlang B, C and A and the required-agents search, stable at any traffic. */
#include "core/erlang.h"

#include <math.h>

#include "util/err.h"
#include "util/names.h"

/* A rescaling step for the inverse recursion: mantissa stays below 1e250. */
#define SCALE_HI 1e250
#define SCALE_LN (250.0 * 2.302585092994045684)

/* Start error of the recursion is damped by exp(-START_SIGMAS^2 / 2). */
#define START_SIGMAS 10.0

/* The Erlang A integrand is cut where it is e^-CUT_LOG below its peak. */
#define CUT_LOG 50.0
#define PANELS 64

/* Comparisons with a target tolerate this much rounding noise. */
#define EPS 1e-12

/* In the order of enum erlang_limit. */
static const char *const limit_names[] = {"none", "service_level", "occupancy", "abandonment"};

const char *erlang_limit_name(enum erlang_limit l)
{
	return names_of(limit_names, NAMES_COUNT(limit_names), (int)l, "none");
}

/* ------------------------------------------------------------------------ */
/* The inverse Erlang B recursion                                            */
/* ------------------------------------------------------------------------ */

/* 1/B(n, a) = x * exp(ls); walks upward one agent at a time. */
struct invb {
	double a, ia; /* traffic and its inverse */
	long n;
	double x;    /* mantissa */
	double ls;   /* log scale */
	double unit; /* exp(-ls): the "1 +" of the recursion in scaled form */
};

static void invb_step(struct invb *it)
{
	it->n++;
	it->x = it->unit + ((double)it->n * it->ia) * it->x;
	if (it->x > SCALE_HI) {
		it->x /= SCALE_HI;
		it->ls += SCALE_LN;
		it->unit = exp(-it->ls);
	}
}

/*
 * Positions the recursion at n. It starts at k0, about 10 sqrt(a) below
 * min(n, a), from 1/B(k0) ~ a / (a - k0) (exact when k0 = 0). Each step
 * multiplies the relative error of the start by k/a < 1 below the load and
 * never increases it above, so by n it is below e^-50: the answer does not
 * depend on the guess.
 */
static void invb_init(struct invb *it, double a, long n)
{
	double start = fmin((double)n, a) - START_SIGMAS * sqrt(a) - 50.0;
	long k0 = start > 0 ? (long)start : 0;

	it->a = a;
	it->ia = 1.0 / a;
	it->n = k0;
	it->x = k0 == 0 ? 1.0 : a / (a - (double)k0);
	it->ls = 0.0;
	it->unit = 1.0;
	while (it->n < n)
		invb_step(it);
}

static double invb_log(const struct invb *it)
{
	return log(it->x) + it->ls;
}

/*
 * True when B(n, a) < e^-750, so that B, C and P(wait) are exactly 0 in
 * double precision: the Poisson tail gives log(1/B) >= (n - a)^2 / 2n.
 */
static bool far_above(double a, long n)
{
	double d = (double)n - a;

	return d > 0 && d * d > 1500.0 * (double)n;
}

/* Erlang C from log(1/B); 1 when the queue is unstable. */
static double erlang_c_from(double a, long n, double lx)
{
	double dn = (double)n, t;

	if (dn <= a)
		return 1.0;
	t = log((dn - a) / dn) + lx;
	if (t > 700.0)
		return 0.0;
	return 1.0 / (a / dn + exp(t));
}

static bool valid_traffic(double a)
{
	return isfinite(a) && a >= 0 && a <= ERLANG_MAX_TRAFFIC;
}

static bool valid_agents(long n)
{
	return n >= 0 && n <= ERLANG_MAX_AGENTS;
}

/* log(1/B(n, a)) by the inverse recursion. */
static double inv_b_log(double a, long n)
{
	struct invb it;

	invb_init(&it, a, n);
	return invb_log(&it);
}

int erlang_b(double a, long n, double *b)
{
	if (!valid_traffic(a) || !valid_agents(n))
		return ERR_INVALID;
	/* No agents block every call; no traffic, or agents far above it, none. */
	if (n == 0)
		*b = 1.0;
	else if (a == 0 || far_above(a, n))
		*b = 0.0;
	else
		*b = exp(-inv_b_log(a, n));
	return 0;
}

int erlang_c(double a, long n, double *c)
{
	if (!valid_traffic(a) || !valid_agents(n))
		return ERR_INVALID;
	if (a == 0)
		*c = n == 0 ? 1.0 : 0.0;
	else if ((double)n <= a)
		*c = 1.0;
	else if (far_above(a, n))
		*c = 0.0;
	else
		*c = erlang_c_from(a, n, inv_b_log(a, n));
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Loads and metrics                                                         */
/* ------------------------------------------------------------------------ */

static bool pos_finite(double v)
{
	return isfinite(v) && v > 0;
}

int erlang_traffic(const struct erlang_load *load, double *traffic)
{
	double a;

	if (!load || !isfinite(load->contacts) || load->contacts < 0 ||
	    !pos_finite(load->interval_s) || !pos_finite(load->aht_s))
		return ERR_INVALID;
	if (load->model != ERLANG_C && load->model != ERLANG_A)
		return ERR_INVALID;
	if (load->model == ERLANG_A && !pos_finite(load->patience_s))
		return ERR_INVALID;
	a = load->contacts * load->aht_s / load->interval_s;
	if (!valid_traffic(a))
		return ERR_INVALID;
	*traffic = a;
	return 0;
}

static void metrics_idle(struct erlang_metrics *m, long n, double a)
{
	*m = (struct erlang_metrics){
	    .agents = n,
	    .traffic = a,
	    .service_level = 1.0,
	    .sl_of_answered = 1.0,
	};
}

/* Erlang C metrics of n agents, given log(1/B(n, a)). */
static void metrics_c(double a, long n, double lx, double aht, double t, struct erlang_metrics *m)
{
	double dn = (double)n, c, sl;

	if (a == 0) {
		metrics_idle(m, n, a);
		return;
	}
	*m = (struct erlang_metrics){.agents = n, .traffic = a};
	if (dn <= a) {
		m->p_wait = 1.0;
		m->asa_s = INFINITY;
		m->occupancy = 1.0;
		return;
	}
	c = erlang_c_from(a, n, lx);
	sl = 1.0 - c * exp(-(dn - a) * t / aht);
	m->p_wait = c;
	m->service_level = sl;
	m->sl_of_answered = sl;
	m->asa_s = c * aht / (dn - a);
	m->occupancy = a / dn;
}

/* ------------------------------------------------------------------------ */
/* Erlang A (M/M/n+M)                                                        */
/* ------------------------------------------------------------------------ */

/*
 * Conditional on waiting, the offered wait V (the wait of a caller who
 * would never hang up) has density proportional to
 *     g(x) = exp(phi(x)),  phi(x) = (lambda/theta)(1 - e^(-theta x)) - n mu x,
 * and P(wait) = n mu J / ((1/B - 1) + n mu J) with J the integral of g
 * (see docs/staffing.md for the derivation). phi is concave, so g has one
 * peak and is integrated by Gauss-Legendre panels between the points where
 * it is e^-50 below that peak; every integral is kept relative to the peak.
 */
struct erlang_a {
	double lt;  /* lambda / theta */
	double th;  /* theta = 1 / patience */
	double nmu; /* n mu */
};

static double phi(const struct erlang_a *q, double x)
{
	return -q->lt * expm1(-q->th * x) - q->nmu * x;
}

/* Integrals of g(x) e^-phimax times 1, e^-theta x, x e^-theta x, abandon-by-t. */
struct a_sums {
	double j, s, sx, st, at;
};

static const double gl_x[4] = {0.1834346424956498, 0.5255324099163290, 0.7966664774136267,
			       0.9602898564975363};
static const double gl_w[4] = {0.3626837833783620, 0.3137066458778873, 0.2223810344533745,
			       0.1012285362903763};

static void integrate(const struct erlang_a *q, double phimax, double lo, double hi, int panels,
		      double t, bool within, struct a_sums *s)
{
	double h = (hi - lo) / panels;
	double ab_t = -expm1(-q->th * t);

	for (int p = 0; p < panels; p++) {
		double mid = lo + (p + 0.5) * h;

		for (int i = 0; i < 8; i++) {
			double x = mid + (i < 4 ? -gl_x[i] : gl_x[i - 4]) * h / 2;
			double w = gl_w[i & 3] * h / 2 * exp(phi(q, x) - phimax);
			double surv = exp(-q->th * x);

			s->j += w;
			s->s += w * surv;
			s->sx += w * x * surv;
			if (within) {
				s->st += w * surv;
				s->at += w * (1.0 - surv);
			} else {
				s->at += w * ab_t;
			}
		}
	}
}

/* Largest x in [lo, hi] with phi(x) >= level, phi increasing (up) or decreasing. */
static double bisect(const struct erlang_a *q, double lo, double hi, double level, bool up)
{
	for (int i = 0; i < 100 && hi - lo > 1e-12 * (1 + hi); i++) {
		double mid = (lo + hi) / 2;

		if ((phi(q, mid) >= level) == up)
			hi = mid;
		else
			lo = mid;
	}
	return (lo + hi) / 2;
}

static void metrics_a(double a, long n, double aht, double patience, double t,
		      struct erlang_metrics *m)
{
	struct erlang_a q;
	struct a_sums s = {0};
	struct invb it;
	double lambda = a / aht, xs, phimax, lo, hi, level, lx, logr, lratio, pw, served;
	int p1;

	*m = (struct erlang_metrics){.agents = n, .traffic = a};
	if (a == 0) {
		metrics_idle(m, n, a);
		return;
	}
	if (n == 0) {
		m->p_wait = 1.0;
		m->p_abandon = 1.0;
		m->abandon_within_t = -expm1(-t / patience);
		m->asa_s = INFINITY;
		return;
	}
	if (far_above(a, n)) {
		metrics_idle(m, n, a);
		m->occupancy = a / (double)n;
		return;
	}
	q.th = 1.0 / patience;
	q.lt = lambda * patience;
	q.nmu = (double)n / aht;

	/* The peak of phi, then where the integrand has died out on each side. */
	xs = lambda > q.nmu ? log(lambda / q.nmu) / q.th : 0.0;
	phimax = phi(&q, xs);
	level = phimax - CUT_LOG;
	lo = 0.0;
	if (xs > 0 && phi(&q, 0.0) < level)
		lo = bisect(&q, 0.0, xs, level, true);
	hi = xs + 1.0 / (q.nmu + lambda);
	for (int i = 0; i < 2000 && phi(&q, hi) >= level; i++)
		hi = xs + 2 * (hi - xs);
	hi = bisect(&q, xs, hi, level, false);

	/* Split at t so the "answered within t" integral has a smooth integrand. */
	if (t <= lo) {
		integrate(&q, phimax, lo, hi, PANELS, t, false, &s);
	} else if (t >= hi) {
		integrate(&q, phimax, lo, hi, PANELS, t, true, &s);
	} else {
		p1 = (int)(PANELS * (t - lo) / (hi - lo));
		p1 = p1 < 8 ? 8 : p1 > PANELS - 8 ? PANELS - 8 : p1;
		integrate(&q, phimax, lo, t, p1, t, true, &s);
		integrate(&q, phimax, t, hi, PANELS - p1, t, false, &s);
	}

	invb_init(&it, a, n);
	lx = invb_log(&it);
	logr = lx > 700.0 ? lx : log(expm1(lx));
	lratio = logr - log(q.nmu) - phimax - log(s.j);
	pw = lratio > 700.0 ? 0.0 : 1.0 / (1.0 + exp(lratio));

	m->p_wait = pw;
	m->p_abandon = pw * (1.0 - s.s / s.j);
	served = 1.0 - m->p_abandon;
	m->service_level = (1.0 - pw) + pw * s.st / s.j;
	m->sl_of_answered = served > 0 ? fmin(1.0, m->service_level / served) : 0.0;
	m->asa_s = served > 0 ? pw * s.sx / s.j / served : INFINITY;
	m->occupancy = fmin(1.0, a * served / (double)n);
	m->abandon_within_t = pw * s.at / s.j;
}

int erlang_metrics(const struct erlang_load *load, long agents, double sl_time_s,
		   struct erlang_metrics *m)
{
	struct invb it;
	double a;
	int rc;

	if ((rc = erlang_traffic(load, &a)) < 0)
		return rc;
	if (agents < 0 || agents > ERLANG_MAX_AGENTS || !isfinite(sl_time_s) || sl_time_s < 0)
		return ERR_INVALID;
	if (load->model == ERLANG_A) {
		metrics_a(a, agents, load->aht_s, load->patience_s, sl_time_s, m);
		return 0;
	}
	if (a > 0 && (double)agents > a && !far_above(a, agents)) {
		invb_init(&it, a, agents);
		metrics_c(a, agents, invb_log(&it), load->aht_s, sl_time_s, m);
	} else {
		metrics_c(a, agents, 800.0, load->aht_s, sl_time_s, m);
	}
	return 0;
}

/* ------------------------------------------------------------------------ */
/* The required-agents search                                                */
/* ------------------------------------------------------------------------ */

int erlang_scheduled(long agents, double shrinkage, long *out)
{
	double v;

	if (agents < 0 || !isfinite(shrinkage) || shrinkage < 0 || shrinkage >= 1)
		return ERR_INVALID;
	v = ceil((double)agents / (1.0 - shrinkage) - 1e-9);
	if (v > (double)ERLANG_MAX_AGENTS * 100)
		return ERR_INVALID;
	*out = (long)v;
	return 0;
}

static bool valid_target(const struct erlang_target *t)
{
	return t && isfinite(t->service_level) && t->service_level > 0 && t->service_level < 1 &&
	       isfinite(t->sl_time_s) && t->sl_time_s >= 0 && isfinite(t->max_occupancy) &&
	       t->max_occupancy > 0 && t->max_occupancy <= 1 && isfinite(t->shrinkage) &&
	       t->shrinkage >= 0 && t->shrinkage < 1 && isfinite(t->max_abandon) &&
	       t->max_abandon >= 0 && t->max_abandon < 1;
}

/* Erlang C: walk upward from the load; the service level rises with every agent. */
static int required_c(double a, const struct erlang_load *load, const struct erlang_target *tg,
		      long *n_sl, double *lx)
{
	struct invb it;
	long n = (long)floor(a) + 1;
	double aht = load->aht_s, t = tg->sl_time_s;

	if (far_above(a, n)) {
		*n_sl = n;
		*lx = 800.0;
		return 0;
	}
	invb_init(&it, a, n);
	for (;;) {
		double c = erlang_c_from(a, n, *lx = invb_log(&it));
		double sl = 1.0 - c * exp(-((double)n - a) * t / aht);

		if (sl >= tg->service_level - EPS)
			break;
		if (n >= ERLANG_MAX_AGENTS)
			return ERR_INVALID;
		invb_step(&it);
		n++;
	}
	*n_sl = n;
	return 0;
}

static bool meets_a(const struct erlang_load *load, const struct erlang_target *tg, long n)
{
	struct erlang_metrics m;

	if (erlang_metrics(load, n, tg->sl_time_s, &m) < 0)
		return false;
	return m.service_level >= tg->service_level - EPS &&
	       m.occupancy <= tg->max_occupancy + EPS &&
	       (tg->max_abandon == 0 || m.p_abandon <= tg->max_abandon + EPS);
}

/*
 * Erlang A: every constraint is monotone in n, so double from one agent
 * until the targets are met, then bisect. Starting at one agent is what
 * lets the answer fall below the load.
 */
static int required_a(double a, const struct erlang_load *load, const struct erlang_target *tg,
		      long *n_out)
{
	long lo = 0, hi = a >= 1 ? (long)ceil(a) : 1;

	while (!meets_a(load, tg, hi)) {
		lo = hi;
		if (hi >= ERLANG_MAX_AGENTS)
			return ERR_INVALID;
		hi = hi * 2 > ERLANG_MAX_AGENTS ? ERLANG_MAX_AGENTS : hi * 2;
	}
	while (hi - lo > 1) {
		long mid = lo + (hi - lo) / 2;

		if (meets_a(load, tg, mid))
			hi = mid;
		else
			lo = mid;
	}
	*n_out = hi;
	return 0;
}

/* Which constraint fails first at n - 1 (the one that set the number). */
static enum erlang_limit limit_a(const struct erlang_load *load, const struct erlang_target *tg,
				 long n)
{
	struct erlang_metrics m;

	if (n == 0 || erlang_metrics(load, n - 1, tg->sl_time_s, &m) < 0)
		return ERLANG_LIMIT_NONE;
	if (m.service_level < tg->service_level - EPS)
		return ERLANG_LIMIT_SERVICE_LEVEL;
	if (m.occupancy > tg->max_occupancy + EPS)
		return ERLANG_LIMIT_OCCUPANCY;
	return ERLANG_LIMIT_ABANDON;
}

int erlang_required(const struct erlang_load *load, const struct erlang_target *target,
		    struct erlang_plan *plan)
{
	double a, lx = 0;
	long n, n_cap = 0;
	int rc;

	if ((rc = erlang_traffic(load, &a)) < 0)
		return rc;
	if (!valid_target(target))
		return ERR_INVALID;
	*plan = (struct erlang_plan){0};
	if (a == 0) {
		plan->limit = ERLANG_LIMIT_NONE;
		metrics_idle(&plan->at, 0, 0);
		return 0;
	}
	if (load->model == ERLANG_A) {
		if ((rc = required_a(a, load, target, &n)) < 0)
			return rc;
		plan->limit = limit_a(load, target, n);
	} else {
		if ((rc = required_c(a, load, target, &n, &lx)) < 0)
			return rc;
		plan->limit = ERLANG_LIMIT_SERVICE_LEVEL;
		if (target->max_occupancy < 1) {
			double v = ceil(a / target->max_occupancy - 1e-9);

			if (v > (double)ERLANG_MAX_AGENTS)
				return ERR_INVALID;
			n_cap = (long)v;
		}
		if (n_cap > n) {
			n = n_cap;
			plan->limit = ERLANG_LIMIT_OCCUPANCY;
		}
	}
	plan->agents = n;
	if ((rc = erlang_scheduled(n, target->shrinkage, &plan->scheduled)) < 0)
		return rc;
	/* The search already holds 1/B at its answer; only the cap needs a new walk. */
	if (load->model == ERLANG_C && plan->limit == ERLANG_LIMIT_SERVICE_LEVEL) {
		metrics_c(a, n, lx, load->aht_s, target->sl_time_s, &plan->at);
		return 0;
	}
	return erlang_metrics(load, n, target->sl_time_s, &plan->at);
}
