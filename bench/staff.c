/* staff.c - benchmark of the required-agents search (Erlang C and A), beside the textbook method.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "core/erlang.h"

/*
 * Times erlang_required() at 10 to 1e5 Erlangs and over a week of 672
 * fifteen-minute intervals, as the median of repeated runs, and prints each
 * beside its target from issue 4 and beside the textbook method measured in
 * the same run: the forward Erlang B recursion from one agent,
 * B(n) = a B(n-1) / (n + a B(n-1)), walked until the service level is met.
 *
 *   cmake --build build --target staff && ./build/staff
 */

#define REPEATS 31
#define MIN_BATCH_NS 2e6 /* each timed sample runs at least 2 ms */

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static volatile long sink;

/* The textbook search: forward Erlang B from n = 1, Erlang C from it. */
static long textbook_required(double a, double aht, double t, double target)
{
	double b = 1.0;

	for (long n = 1;; n++) {
		b = a * b / ((double)n + a * b);
		if ((double)n > a) {
			double c = (double)n * b / ((double)n - a * (1 - b));

			if (1 - c * exp(-((double)n - a) * t / aht) >= target)
				return n;
		}
	}
}

struct job {
	const struct erlang_load *loads;
	size_t nloads;
	const struct erlang_target *target;
	int textbook;
};

static void run_job(const struct job *j)
{
	for (size_t i = 0; i < j->nloads; i++) {
		const struct erlang_load *l = &j->loads[i];

		if (j->textbook) {
			sink += textbook_required(l->contacts * l->aht_s / l->interval_s, l->aht_s,
						  j->target->sl_time_s, j->target->service_level);
		} else {
			struct erlang_plan p;

			if (erlang_required(l, j->target, &p) == 0)
				sink += p.agents;
		}
	}
}

/* Median over REPEATS samples of the time of one run_job(), in ns. */
static double median_ns(const struct job *j)
{
	double samples[REPEATS], t0;
	long batch = 1;

	/* Size the batch so one sample is long enough for the clock. */
	for (;;) {
		t0 = now_ns();
		for (long k = 0; k < batch; k++)
			run_job(j);
		if (now_ns() - t0 >= MIN_BATCH_NS || batch > (1L << 24))
			break;
		batch *= 2;
	}
	for (int r = 0; r < REPEATS; r++) {
		t0 = now_ns();
		for (long k = 0; k < batch; k++)
			run_job(j);
		samples[r] = (now_ns() - t0) / (double)batch;
	}
	qsort(samples, REPEATS, sizeof(double), cmp_double);
	return samples[REPEATS / 2];
}

static void fmt_time(double ns, char *out, size_t n)
{
	if (ns < 1e3)
		snprintf(out, n, "%.0f ns", ns);
	else if (ns < 1e6)
		snprintf(out, n, "%.2f us", ns / 1e3);
	else
		snprintf(out, n, "%.2f ms", ns / 1e6);
}

static void report(const char *what, long agents, double ours, double peer, double target_ns)
{
	char a[32], b[32], c[32] = "-", r[32] = "-";

	fmt_time(ours, a, sizeof(a));
	fmt_time(peer, b, sizeof(b));
	if (target_ns > 0) {
		fmt_time(target_ns, c, sizeof(c));
		snprintf(r, sizeof(r), "%.3f", ours / target_ns);
	}
	printf("%-26s %9ld %12s %12s %8.1fx %10s %8s  %s\n", what, agents, a, b, peer / ours, c, r,
	       target_ns <= 0	   ? ""
	       : ours <= target_ns ? "ok"
				   : "MISSED");
}

int main(void)
{
	const double traffics[] = {10, 1e2, 1e3, 1e4, 1e5};
	struct erlang_target tg = {
	    .service_level = 0.80, .sl_time_s = 20, .max_occupancy = 1.0, .shrinkage = 0.30};
	struct erlang_load week[672];
	int missed = 0;

	printf("required agents, Erlang C, 80/20, AHT 180 s, 30%% shrinkage; median of %d runs\n\n",
	       REPEATS);
	printf("%-26s %9s %12s %12s %9s %10s %8s\n", "case", "agents", "alihdaya", "textbook",
	       "speedup", "target", "/target");
	for (size_t i = 0; i < sizeof(traffics) / sizeof(traffics[0]); i++) {
		struct erlang_load l = {.contacts = traffics[i] * 10,
					.interval_s = 1800,
					.aht_s = 180,
					.model = ERLANG_C};
		struct job ours = {&l, 1, &tg, 0}, peer = {&l, 1, &tg, 1};
		struct erlang_plan p;
		char name[64];
		double t_ours, t_peer, target = traffics[i] == 1e4 ? 50e3 : 0;

		erlang_required(&l, &tg, &p);
		if (p.agents != textbook_required(traffics[i], 180, 20, 0.80))
			printf("!! %g Erlangs: answers differ\n", traffics[i]);
		t_ours = median_ns(&ours);
		t_peer = median_ns(&peer);
		snprintf(name, sizeof(name), "%g Erlangs", traffics[i]);
		report(name, p.agents, t_ours, t_peer, target);
		missed += target > 0 && t_ours > target;
	}

	/* A week of 15-minute intervals: quiet nights, busy days, quieter weekends. */
	long total = 0;
	for (int t = 0; t < 672; t++) {
		double hour = (t % 96) / 4.0, day = t / 96;
		double v = hour < 7 || hour >= 22 ? 8 : 60 + 140 * sin(M_PI * (hour - 7) / 15);

		week[t] = (struct erlang_load){.contacts = day >= 5 ? v * 0.5 : v,
					       .interval_s = 900,
					       .aht_s = 300,
					       .model = ERLANG_C};
	}
	{
		struct job ours = {week, 672, &tg, 0}, peer = {week, 672, &tg, 1};
		double t_ours, t_peer;

		for (int t = 0; t < 672; t++) {
			struct erlang_plan p;

			erlang_required(&week[t], &tg, &p);
			total += p.agents;
		}
		t_ours = median_ns(&ours);
		t_peer = median_ns(&peer);
		report("week, 672 x 15 min (sum)", total, t_ours, t_peer, 1e6);
		missed += t_ours > 1e6;
	}

	/* Erlang A has no target in the issue; shown for scale. */
	printf("\nErlang A (patience 120 s), same targets, no peer:\n");
	for (size_t i = 0; i < sizeof(traffics) / sizeof(traffics[0]); i++) {
		struct erlang_load l = {.contacts = traffics[i] * 10,
					.interval_s = 1800,
					.aht_s = 180,
					.patience_s = 120,
					.model = ERLANG_A};
		struct job ours = {&l, 1, &tg, 0};
		struct erlang_plan p;
		char name[64], a[32];

		erlang_required(&l, &tg, &p);
		snprintf(name, sizeof(name), "%g Erlangs", traffics[i]);
		fmt_time(median_ns(&ours), a, sizeof(a));
		printf("%-26s %9ld %12s\n", name, p.agents, a);
	}
	printf("\n%s\n", missed ? "some targets MISSED" : "all targets met");
	return missed ? 1 : 0;
}
