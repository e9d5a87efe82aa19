/* forecast.h - interval volume forecasts: double-seasonal Holt-Winters with a seasonal-naive
 * fallback. */
#ifndef ALIHDAYA_FORECAST_H
#define ALIHDAYA_FORECAST_H

#include <stddef.h>

/*
 * A series y[0..n) of volumes per interval, oldest first, with a daily
 * period m1 (intervals per day: 96, 48 or 24) and a weekly period m2 (a
 * multiple of m1, normally 7 m1). Pure: no I/O; functions allocate O(m2)
 * scratch memory and free it. Forecasts below zero are set to zero.
 *
 * The model is Taylor's (2003) double-seasonal Holt-Winters in additive
 * error-correction form, with an AR(1) adjustment of the one-step error:
 *     base_t = l + b + d[t mod m1] + w[t mod m2]
 *     e_t    = y_t - base_t - phi * r_{t-1},  r_t = y_t - base_t
 *     l += b + alpha e;  b += alpha beta e;  d += gamma e;  w += omega e
 *     yhat_{T+k} = l + k b + d[(T+k) mod m1] + w[(T+k) mod m2] + phi^k r_T
 * Initial states come from the first week: its mean, its mean day, and the
 * week's departures from both. See docs/staffing.md.
 */

#define FORECAST_MAX_POINTS 1000000
#define FORECAST_MAX_PERIOD 100000

struct forecast_params {
	double alpha; /* level, [0, 1] */
	double beta;  /* trend, [0, 1] */
	double gamma; /* daily season, [0, 1] */
	double omega; /* weekly season, [0, 1] */
	double phi;   /* AR(1) of the one-step error, [0, 1) */
};

enum forecast_method {
	FORECAST_DSHW,	      /* double-seasonal Holt-Winters, parameters fitted */
	FORECAST_SNAIVE_WEEK, /* same interval last week */
	FORECAST_SNAIVE_DAY,  /* same interval yesterday */
	FORECAST_MEAN,	      /* less than a day of history */
};

struct forecast_fit {
	enum forecast_method method;
	struct forecast_params params; /* FORECAST_DSHW only */
	size_t holdout; /* points held out to score (and fit) the method; 0 if none */
	double wape;	/* on the holdout; NAN when holdout is 0 or all zero */
};

/* "dshw", "seasonal_naive_week", ... Never NULL. */
const char *forecast_method_name(enum forecast_method m);

/* sum |a - f| / sum |a|; NAN when sum |a| is 0 or n is 0. */
double forecast_wape(const double *actual, const double *forecast, size_t n);

/*
 * Runs the model with the given parameters over y (n >= 2 m2) and writes h
 * forecasts. OUT: out[h]. 0, ERR_INVALID, ERR_NOMEM.
 */
int forecast_dshw(const double *y, size_t n, size_t m1, size_t m2, const struct forecast_params *p,
		  double *out, size_t h);

/*
 * The forecast the planner uses. Holds out the last min(h, m2) points; if
 * what is left covers two weeks, fits the Holt-Winters parameters by a grid
 * and then a coordinate search minimising WAPE on the holdout, and
 * forecasts h points from the whole series with them. With less history it
 * falls back to the seasonal-naive forecast of the longest season that
 * fits (week, else day, else the mean). OUT: out[h], *fit.
 * 0, ERR_INVALID, ERR_TOOBIG, ERR_NOMEM.
 */
int forecast_fit(const double *y, size_t n, size_t m1, size_t m2, double *out, size_t h,
		 struct forecast_fit *fit);

#endif
