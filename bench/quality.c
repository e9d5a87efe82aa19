/* quality.c - benchmark of Dawid-Skene on a million answers, beside majority vote in the same run.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/consensus.h"

/*
 * Issue 10's benchmark: 100,000 items x 10 classes, 1,000 workers, 10
 * answers per item by distinct workers (1,000,000 answers), a fixed seed, and
 * workers of varied accuracy: 30 % good (0.8 correct), 40 % mediocre (0.35;
 * random is 0.1), 15 % adversaries (the next class 0.8 of the time), 15 %
 * biased (class 0 half of the time, else right). Dawid-Skene runs to
 * convergence (per-answer log-likelihood change < 1e-6, at most 200
 * iterations) on one core; majority vote runs on the same answers. Prints
 * time and accuracy of both. Target (issue 10): Dawid-Skene under 2 s.
 *
 *   cmake -S . -B build-bench -DCMAKE_BUILD_TYPE=Release && \
 *   cmake --build build-bench --target quality && build-bench/quality [SEED]
 */

#define ITEMS 100000u
#define CLASSES 10u
#define WORKERS 1000u
#define PER_ITEM 10u

static uint64_t rng_state;

static uint64_t rng_next(void) /* splitmix64 */
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static double rng_unit(void)
{
	return (double)(rng_next() >> 11) * (1.0 / 9007199254740992.0);
}

static uint32_t rng_below(uint32_t n)
{
	return (uint32_t)(rng_unit() * n);
}

static uint32_t answer_of(uint32_t w, uint32_t t)
{
	double u = rng_unit();
	uint32_t kind = w % 20; /* 0-5 good, 6-13 mediocre, 14-16 adversary, 17-19 biased */

	if (kind < 14) {
		double acc = kind < 6 ? 0.8 : 0.35;

		return u < acc ? t : (t + 1 + rng_below(CLASSES - 1)) % CLASSES;
	}
	if (kind < 17)
		return u < 0.8 ? (t + 1) % CLASSES : rng_below(CLASSES);
	return u < 0.5 ? 0 : t;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double accuracy(const uint32_t *label, const uint32_t *truth)
{
	uint32_t ok = 0;

	for (uint32_t i = 0; i < ITEMS; i++)
		ok += label[i] == truth[i];
	return (double)ok / ITEMS;
}

int main(int argc, char **argv)
{
	size_t n = (size_t)ITEMS * PER_ITEM, k = 0;
	struct answer *a = malloc(n * sizeof(*a));
	uint32_t *truth = malloc(ITEMS * sizeof(*truth)), *mv = malloc(ITEMS * sizeof(*mv)),
		 *ds = malloc(ITEMS * sizeof(*ds));
	double *cm = malloc(ITEMS * sizeof(*cm)), *cd = malloc(ITEMS * sizeof(*cd)), t0, t_mv, t_ds;
	unsigned long long seed = 20261201;
	int iters = 0, rc;

	if (argc > 1 && sscanf(argv[1], "%llu", &seed) != 1) {
		fprintf(stderr, "usage: quality [SEED]\n");
		return 2;
	}
	if (!a || !truth || !mv || !ds || !cm || !cd) {
		fprintf(stderr, "out of memory\n");
		return 1;
	}
	rng_state = seed;
	for (uint32_t i = 0; i < ITEMS; i++) {
		/* PER_ITEM distinct workers: a random start and a stride co-prime with 1000 */
		uint32_t w0 = rng_below(WORKERS), step = 1 + 2 * rng_below(WORKERS / 2);

		while (step % 5 == 0)
			step += 2;
		truth[i] = rng_below(CLASSES);
		for (uint32_t j = 0; j < PER_ITEM; j++) {
			uint32_t w = (w0 + j * step) % WORKERS;

			a[k++] = (struct answer){i, w, answer_of(w, truth[i])};
		}
	}
	t0 = now_s();
	rc = consensus_majority(a, n, ITEMS, WORKERS, CLASSES, mv, cm);
	t_mv = now_s() - t0;
	if (rc) {
		fprintf(stderr, "majority: error %d\n", rc);
		return 1;
	}
	t0 = now_s();
	rc = consensus_dawid_skene(a, n, ITEMS, WORKERS, CLASSES, 200, 1e-6, ds, cd, &iters);
	t_ds = now_s() - t0;
	if (rc) {
		fprintf(stderr, "dawid-skene: error %d\n", rc);
		return 1;
	}
	printf("answers %zu (items %u x %u answers, %u classes, %u workers), seed %llu\n", n, ITEMS,
	       PER_ITEM, CLASSES, WORKERS, seed);
	printf("majority vote   %8.3f s   accuracy %.4f\n", t_mv, accuracy(mv, truth));
	printf("dawid-skene     %8.3f s   accuracy %.4f   iterations %d   (%.1f ms each)   %s\n",
	       t_ds, accuracy(ds, truth), iters, 1e3 * t_ds / iters,
	       t_ds < 2.0 ? "target < 2 s: met" : "target < 2 s: MISSED");
	free(a);
	free(truth);
	free(mv);
	free(ds);
	free(cm);
	free(cd);
	return 0;
}
