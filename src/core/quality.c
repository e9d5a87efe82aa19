/* quality.c - the Wilson score interval of a proportion. */
#include "core/quality.h"

#include <math.h>

/* The interval's centre and half width, with the inputs made sane (see quality.h). */
static void wilson(int64_t k, int64_t n, double z, double *centre, double *half)
{
	double nn = (double)n, p, z2, den;

	if (k < 0)
		k = 0;
	if (k > n)
		k = n;
	if (!(z > 0))
		z = 0;
	p = (double)k / nn;
	z2 = z * z;
	den = 1.0 + z2 / nn;
	*centre = (p + z2 / (2.0 * nn)) / den;
	*half = z / den * sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn));
}

double wilson_lower(int64_t k, int64_t n, double z)
{
	double c, h, v;

	if (n <= 0)
		return 0.0;
	wilson(k, n, z, &c, &h);
	v = c - h;
	/* k = 0 gives exactly 0 in exact arithmetic; rounding may leave -1e-17. */
	return v < 0.0 ? 0.0 : (v > 1.0 ? 1.0 : v);
}

double wilson_upper(int64_t k, int64_t n, double z)
{
	double c, h, v;

	if (n <= 0)
		return 1.0;
	wilson(k, n, z, &c, &h);
	v = c + h;
	return v > 1.0 ? 1.0 : (v < 0.0 ? 0.0 : v);
}
