/* forecast_csv.c - runs the alihdaya forecast on a one-column CSV and scores the last h points. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core/forecast.h"
#include "util/err.h"

/*
 * usage: forecast_csv FILE.csv PERIOD1 PERIOD2 H
 * FILE.csv holds one number per line (a header line is skipped). The last H
 * points are held back as the test set; the forecast sees only the rest.
 * Prints: alihdaya <method> wape <x> mape <x> seconds <x> params ...
 * Used by bench/staff_dshw.sh to compare with R's forecast::dshw.
 */

#define MAX_POINTS 1000000

static int read_series(const char *path, double **out, size_t *n)
{
	FILE *f = fopen(path, "r");
	char line[256];
	size_t len = 0, alloc = 0;
	double *y = NULL;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *end;
		double v;

		errno = 0;
		v = strtod(line, &end);
		if (end == line || errno || !isfinite(v))
			continue; /* header or blank */
		if (len == alloc) {
			double *ny;

			alloc = alloc ? alloc * 2 : 1024;
			if (alloc > MAX_POINTS || !(ny = realloc(y, alloc * sizeof(double)))) {
				free(y);
				fclose(f);
				return -1;
			}
			y = ny;
		}
		y[len++] = v;
	}
	fclose(f);
	*out = y;
	*n = len;
	return 0;
}

static long parse_pos(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	return *end || v <= 0 ? -1 : v;
}

int main(int argc, char **argv)
{
	double *y, *fc, mape = 0, secs;
	size_t n;
	long m1, m2, h;
	struct forecast_fit fit;
	struct timespec t0, t1;
	int rc;

	if (argc != 5 || (m1 = parse_pos(argv[2])) < 0 || (m2 = parse_pos(argv[3])) < 0 ||
	    (h = parse_pos(argv[4])) < 0) {
		fprintf(stderr, "usage: forecast_csv FILE.csv PERIOD1 PERIOD2 H\n");
		return 2;
	}
	if (read_series(argv[1], &y, &n) < 0 || n <= (size_t)h) {
		fprintf(stderr, "forecast_csv: cannot read enough points from %s\n", argv[1]);
		return 1;
	}
	if (!(fc = malloc((size_t)h * sizeof(double))))
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	rc = forecast_fit(y, n - (size_t)h, (size_t)m1, (size_t)m2, fc, (size_t)h, &fit);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	if (rc < 0) {
		fprintf(stderr, "forecast_csv: %s\n", err_message(rc));
		return 1;
	}
	secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	for (long k = 0; k < h; k++)
		mape +=
		    fabs(y[n - (size_t)h + (size_t)k] - fc[k]) / fabs(y[n - (size_t)h + (size_t)k]);
	printf("alihdaya %s wape %.6f mape %.6f seconds %.3f holdout_wape %.6f "
	       "alpha %.4f beta %.4f gamma %.4f omega %.4f phi %.4f\n",
	       forecast_method_name(fit.method), forecast_wape(y + n - (size_t)h, fc, (size_t)h),
	       mape / (double)h, secs, fit.wape, fit.params.alpha, fit.params.beta,
	       fit.params.gamma, fit.params.omega, fit.params.phi);
	free(fc);
	free(y);
	return 0;
}
