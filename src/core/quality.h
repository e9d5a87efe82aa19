/* quality.h - the Wilson score interval of a proportion (gold accuracy, agreement, defect rates).
 */
#ifndef ALIHDAYA_QUALITY_H
#define ALIHDAYA_QUALITY_H

#include <stdint.h>

/*
 * The Wilson score interval (E. B. Wilson, 1927) of k successes in n trials
 * at normal quantile z (1.96 for 95 %), without continuity correction:
 *
 *   centre = (p + z^2 / 2n) / (1 + z^2 / n),  p = k / n
 *   half   = z / (1 + z^2 / n) * sqrt(p (1 - p) / n + z^2 / 4n^2)
 *
 * lower = centre - half, upper = centre + half, clamped into [0, 1]. Unlike
 * the normal interval it stays inside [0, 1] and is not degenerate at k = 0 or
 * k = n, which is why a worker's gold accuracy is judged by its lower bound.
 * Pure. n <= 0 (nothing observed): lower 0.0 and upper 1.0. k is clamped into
 * [0, n]; z <= 0 or NaN is taken as 0 (the interval shrinks to p).
 */
double wilson_lower(int64_t k, int64_t n, double z);
double wilson_upper(int64_t k, int64_t n, double z);

#define WILSON_Z95 1.959963984540054 /* the 97.5 % normal quantile */

#endif
