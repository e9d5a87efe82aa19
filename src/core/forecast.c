/* forecast.c - double-seasonal Holt-Winters fitted on held-out history, seasonal-naive fallback. */
#include "core/forecast.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>

#include "util/err.h"
#include "util/names.h"

/* In the order of enum forecast_method. */
static const char *const method_names[] = {"dshw", "seasonal_naive_week", "seasonal_naive_day",
					   "mean"};

const char *forecast_method_name(enum forecast_method m)
{
	return names_of(method_names, NAMES_COUNT(method_names), (int)m, "mean");
}

double forecast_wape(const double *actual, const double *forecast, size_t n)
{
	double num = 0, den = 0;

	for (size_t i = 0; i < n; i++) {
		num += fabs(actual[i] - forecast[i]);
		den += fabs(actual[i]);
	}
	return den > 0 ? num / den : NAN;
}

static int check_series(const double *y, size_t n, size_t m1, size_t m2, size_t h)
{
	if (!y || m1 == 0 || m2 <= m1 || m2 % m1 != 0)
		return ERR_INVALID;
	if (n > FORECAST_MAX_POINTS || h > FORECAST_MAX_POINTS || m2 > FORECAST_MAX_PERIOD)
		return ERR_TOOBIG;
	for (size_t i = 0; i < n; i++) {
		if (!isfinite(y[i]))
			return ERR_INVALID;
	}
	return 0;
}

static bool valid_params(const struct forecast_params *p)
{
	return p && p->alpha >= 0 && p->alpha <= 1 && p->beta >= 0 && p->beta <= 1 &&
	       p->gamma >= 0 && p->gamma <= 1 && p->omega >= 0 && p->omega <= 1 && p->phi >= 0 &&
	       p->phi < 1;
}

/* ------------------------------------------------------------------------ */
/* The model                                                                 */
/* ------------------------------------------------------------------------ */

/* Seasonal states: d[m1] and w[m2], indexed by the phase t mod m. */
struct dshw_state {
	double *d, *w;
};

/* Runs over y[0..n) (n >= 2 m2) and writes h forecasts; st is scratch. */
static void dshw_run(const double *y, size_t n, size_t m1, size_t m2,
		     const struct forecast_params *p, const struct dshw_state *st, double *out,
		     size_t h)
{
	double l = 0, b = 0, r = 0, ar = 1;
	size_t days = m2 / m1;

	/* The first week: its mean, its mean day, and the rest of its shape. */
	for (size_t t = 0; t < m2; t++)
		l += y[t];
	l /= (double)m2;
	for (size_t j = 0; j < m1; j++) {
		double s = 0;

		for (size_t k = 0; k < days; k++)
			s += y[k * m1 + j];
		st->d[j] = s / (double)days - l;
	}
	for (size_t t = 0; t < m2; t++)
		st->w[t] = y[t] - l - st->d[t % m1];

	for (size_t t = m2; t < n; t++) {
		size_t i1 = t % m1, i2 = t % m2;
		double base = l + b + st->d[i1] + st->w[i2];
		double e = y[t] - base - p->phi * r;

		r = y[t] - base;
		l += b + p->alpha * e;
		b += p->alpha * p->beta * e;
		st->d[i1] += p->gamma * e;
		st->w[i2] += p->omega * e;
	}
	for (size_t k = 1; k <= h; k++) {
		size_t t = n - 1 + k;
		double f;

		ar *= p->phi;
		f = l + (double)k * b + st->d[t % m1] + st->w[t % m2] + ar * r;
		out[k - 1] = f > 0 ? f : 0;
	}
}

static int state_alloc(struct dshw_state *st, size_t m1, size_t m2)
{
	st->d = malloc(m1 * sizeof(double));
	st->w = malloc(m2 * sizeof(double));
	if (!st->d || !st->w) {
		free(st->d);
		free(st->w);
		return ERR_NOMEM;
	}
	return 0;
}

static void state_free(struct dshw_state *st)
{
	free(st->d);
	free(st->w);
}

int forecast_dshw(const double *y, size_t n, size_t m1, size_t m2, const struct forecast_params *p,
		  double *out, size_t h)
{
	struct dshw_state st;
	int rc;

	if ((rc = check_series(y, n, m1, m2, h)) < 0)
		return rc;
	if (n < 2 * m2 || !valid_params(p) || (h > 0 && !out))
		return ERR_INVALID;
	if ((rc = state_alloc(&st, m1, m2)) < 0)
		return rc;
	dshw_run(y, n, m1, m2, p, &st, out, h);
	state_free(&st);
	return 0;
}

/* ------------------------------------------------------------------------ */
/* Fitting                                                                   */
/* ------------------------------------------------------------------------ */

struct fit_ctx {
	const double *y;
	size_t train, hv, m1, m2;
	struct dshw_state st;
	double *pred;
};

static double score(struct fit_ctx *c, const struct forecast_params *p)
{
	double w;

	dshw_run(c->y, c->train, c->m1, c->m2, p, &c->st, c->pred, c->hv);
	w = forecast_wape(c->y + c->train, c->pred, c->hv);
	return isnan(w) ? INFINITY : w;
}

static double *param_slot(struct forecast_params *p, int k)
{
	double *slots[5] = {&p->alpha, &p->beta, &p->gamma, &p->omega, &p->phi};

	return slots[k];
}

/* A coarse grid first, then coordinate steps that halve when nothing improves. */
static struct forecast_params fit_params(struct fit_ctx *c, double *best_wape)
{
	static const double alphas[] = {0.005, 0.02, 0.05, 0.1, 0.2, 0.4};
	static const double seas[] = {0, 0.02, 0.05, 0.1, 0.2, 0.4};
	static const double phis[] = {0, 0.5, 0.8, 0.9, 0.97};
	static const double betas[] = {0, 0.005};
	struct forecast_params best = {0.1, 0, 0.1, 0.1, 0}, p;
	double bw = score(c, &best), step = 0.05;

	for (size_t a = 0; a < sizeof(alphas) / sizeof(alphas[0]); a++)
		for (size_t g = 0; g < sizeof(seas) / sizeof(seas[0]); g++)
			for (size_t o = 0; o < sizeof(seas) / sizeof(seas[0]); o++)
				for (size_t f = 0; f < sizeof(phis) / sizeof(phis[0]); f++)
					for (size_t b = 0; b < sizeof(betas) / sizeof(betas[0]);
					     b++) {
						double w;

						p = (struct forecast_params){
						    alphas[a], betas[b], seas[g], seas[o], phis[f]};
						w = score(c, &p);
						if (w < bw) {
							bw = w;
							best = p;
						}
					}
	for (int round = 0; round < 60 && step > 1e-4; round++) {
		bool moved = false;

		for (int k = 0; k < 5; k++) {
			for (int dir = -1; dir <= 1; dir += 2) {
				double *v, hi = k == 4 ? 0.995 : 1.0, w;

				p = best;
				v = param_slot(&p, k);
				*v = fmin(hi, fmax(0.0, *v + dir * step));
				w = score(c, &p);
				if (w < bw - 1e-12) {
					bw = w;
					best = p;
					moved = true;
				}
			}
		}
		if (!moved)
			step /= 2;
	}
	*best_wape = bw;
	return best;
}

/* Seasonal naive of period m from y[0..n) (n >= m), or the mean when m is 0. */
static void naive(const double *y, size_t n, size_t m, double *out, size_t h)
{
	double mean = 0;

	if (m == 0) {
		for (size_t i = 0; i < n; i++)
			mean += y[i];
		mean = n ? mean / (double)n : 0;
		for (size_t k = 0; k < h; k++)
			out[k] = mean > 0 ? mean : 0;
		return;
	}
	for (size_t k = 0; k < h; k++) {
		double v = y[n - m + k % m];

		out[k] = v > 0 ? v : 0;
	}
}

static int fit_fallback(const double *y, size_t n, size_t m1, size_t m2, size_t hv, double *out,
			size_t h, struct forecast_fit *fit)
{
	size_t m = n >= m2 ? m2 : n >= m1 ? m1 : 0;
	double *pred;

	fit->method = m == m2	? FORECAST_SNAIVE_WEEK
		      : m == m1 ? FORECAST_SNAIVE_DAY
				: FORECAST_MEAN;
	naive(y, n, m, out, h);
	/* Score it the same way, when a holdout leaves enough to forecast from. */
	if (n >= hv + (m ? m : 1) && hv > 0) {
		if (!(pred = malloc(hv * sizeof(double))))
			return ERR_NOMEM;
		naive(y, n - hv, m, pred, hv);
		fit->holdout = hv;
		fit->wape = forecast_wape(y + n - hv, pred, hv);
		free(pred);
	}
	return 0;
}

int forecast_fit(const double *y, size_t n, size_t m1, size_t m2, double *out, size_t h,
		 struct forecast_fit *fit)
{
	struct fit_ctx c;
	size_t hv = h < m2 ? h : m2;
	int rc;

	if (!fit || (h > 0 && !out))
		return ERR_INVALID;
	if ((rc = check_series(y, n, m1, m2, h)) < 0)
		return rc;
	*fit = (struct forecast_fit){.wape = NAN};
	if (hv == 0)
		hv = 1;
	if (n < hv + 2 * m2)
		return fit_fallback(y, n, m1, m2, hv, out, h, fit);

	c = (struct fit_ctx){.y = y, .train = n - hv, .hv = hv, .m1 = m1, .m2 = m2};
	if ((rc = state_alloc(&c.st, m1, m2)) < 0)
		return rc;
	if (!(c.pred = malloc(hv * sizeof(double)))) {
		state_free(&c.st);
		return ERR_NOMEM;
	}
	fit->method = FORECAST_DSHW;
	fit->params = fit_params(&c, &fit->wape);
	fit->holdout = hv;
	if (isinf(fit->wape))
		fit->wape = NAN;
	dshw_run(y, n, m1, m2, &fit->params, &c.st, out, h);
	free(c.pred);
	state_free(&c.st);
	return 0;
}
