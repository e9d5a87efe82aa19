/*
 * routing.c - engine-only routing decisions per second: the routing index beside the old scan.
 *
 *   build/routing [WORKERS=10000] [ENGAGEMENTS=1000] [SKILLS=64] [ITEMS=1000000]
 *                 [DECISIONS=2000000] [SEED=1]
 *
 * One world, fixed seed: 100 clients, each engagement one client and one or
 * two required skills (levels 1..3), a third of them widening after 30 s to
 * level 1; each worker 8 skills (levels 1..5), cleared for 10 clients,
 * capacity 4. ITEMS queued. A decision is one take-next of a random worker;
 * the item taken is then submitted and a new item created in the same
 * engagement, so every queue keeps its length. Only the take is timed for the
 * latencies; the rate counts whole decision cycles over the run.
 *
 * The baseline is work.next as it was before the index (engine/cmd_items.c
 * until issue 13): over every engagement, the head of its queue
 * (core/queue.c), route_qualified() (core/route.c: codes compared as
 * strings), the best by queue_before(). work.next now calls rindex_peek.
 * It runs the same world for a shorter, fixed count of decisions.
 *
 * Memory: the resident set before and after the ITEMS entries are queued in
 * the index, per item (the entries themselves and their heap slots).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core/queue.h"
#include "core/rindex.h"
#include "core/route.h"

static uint64_t rng_s;

static uint64_t rnd(void)
{
	rng_s ^= rng_s >> 12;
	rng_s ^= rng_s << 25;
	rng_s ^= rng_s >> 27;
	return rng_s * 2685821657736338717ULL;
}

static long pick(long n)
{
	return (long)(rnd() % (uint64_t)n);
}

static int64_t ns_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static long rss_kb(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long pages = 0, rss = 0;

	if (!f)
		return 0;
	if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
		rss = 0;
	fclose(f);
	return rss * (sysconf(_SC_PAGESIZE) / 1024);
}

static int64_t cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return x < y ? -1 : x > y;
}

static long arg(int argc, char **argv, int i, long def)
{
	char *end;
	long v;

	if (argc <= i)
		return def;
	v = strtol(argv[i], &end, 10);
	return *end || v <= 0 ? def : v;
}

struct item {
	struct rindex_item ix;
	struct queue_entry qe; /* the baseline's entry */
	long eng;
};

/* The rate per second of this thread's CPU: the machine is shared, the wall clock is not ours. */
static void report(const char *name, long n, int64_t total_ns, int64_t cpu, int64_t *lat,
		   long found)
{
	qsort(lat, (size_t)n, sizeof(*lat), cmp64);
	printf("| %s | %ld | %.0f | %.0f | %.2f | %.2f | %.1f%% |\n", name, n,
	       (double)n * 1e9 / (double)cpu, (double)n * 1e9 / (double)total_ns,
	       (double)lat[n / 2] / 1000.0, (double)lat[n * 99 / 100] / 1000.0,
	       100.0 * (double)found / (double)n);
}

int main(int argc, char **argv)
{
	long n_workers = arg(argc, argv, 1, 10000), n_engs = arg(argc, argv, 2, 1000);
	long n_skills = arg(argc, argv, 3, 64), n_items = arg(argc, argv, 4, 1000000);
	long n_dec = arg(argc, argv, 5, 2000000), seed = arg(argc, argv, 6, 1);
	long n_base = n_dec / 100 < 20000 ? n_dec / 100 : 20000, found = 0, elig = 0, rss0, rss1;
	struct engagement_rec *engs = calloc((size_t)n_engs, sizeof(*engs));
	struct worker_rec *workers = calloc((size_t)n_workers, sizeof(*workers));
	struct item *items = calloc((size_t)n_items, sizeof(*items));
	struct queue *queues = calloc((size_t)n_engs, sizeof(*queues));
	int64_t *lat = calloc((size_t)n_dec, sizeof(*lat));
	int *load = calloc((size_t)n_workers, sizeof(*load));
	struct rindex *ix = rindex_new();
	int64_t now = 1000000000, t0, c0, total;

	if (!engs || !workers || !items || !queues || !lat || !load || !ix || n_skills > 200) {
		fprintf(stderr, "routing: out of memory or SKILLS above 200\n");
		return 1;
	}
	rng_s = (uint64_t)seed * 0x9e3779b97f4a7c15ULL + 1;
	for (long i = 0; i < n_engs; i++) {
		struct engagement_rec *e = &engs[i];
		struct rindex_conf c = {.weight = 1};

		e->id = i + 1;
		e->client_id = 1 + pick(100);
		e->n_skills = 1 + (size_t)pick(2);
		for (size_t k = 0; k < e->n_skills; k++) {
			snprintf(e->skills[k].code, MODEL_CODE_MAX, "skill_%ld", pick(n_skills));
			e->skills[k].level = 1 + (int)pick(3);
		}
		if (!pick(3)) {
			c.n_rings = 1;
			c.rings[0].after_ms = 30000;
			c.rings[0].n_skills = e->n_skills;
			memcpy(c.rings[0].skills, e->skills, sizeof(e->skills));
			for (size_t k = 0; k < e->n_skills; k++)
				c.rings[0].skills[k].level = 1;
		}
		if (rindex_engagement_set(ix, e, true, &c, now))
			return 1;
	}
	for (long i = 0; i < n_workers; i++) {
		struct worker_rec *w = &workers[i];

		w->id = i + 1;
		w->active = true;
		w->status = WORKER_AVAILABLE;
		w->capacity = 4;
		w->n_skills = 8;
		for (size_t k = 0; k < w->n_skills; k++) {
			snprintf(w->skills[k].code, MODEL_CODE_MAX, "skill_%ld", pick(n_skills));
			w->skills[k].level = 1 + (int)pick(5);
		}
		w->n_clear = 10;
		for (size_t k = 0; k < w->n_clear; k++)
			w->clear[k] = 1 + pick(100);
		worker_clear_sort(w);
		if (rindex_worker_set(ix, w))
			return 1;
		elig += rindex_eligible_count(ix, w->id);
	}
	memset(items, 0,
	       (size_t)n_items * sizeof(*items)); /* the owner's records: not the index's */
	rss0 = rss_kb();
	for (long i = 0; i < n_items; i++) {
		struct item *it = &items[i];

		it->eng = pick(n_engs);
		it->ix = (struct rindex_item){.id = i + 1,
					      .priority = 1 + (int)pick(9),
					      .due_at = now + 1000 * pick(3600),
					      .since = now - 1000 * pick(60)};
		if (rindex_push(ix, &it->ix, engs[it->eng].id, now))
			return 1;
	}
	rss1 = rss_kb();
	printf("routing: %ld workers, %ld engagements, %ld skills, %ld items queued, seed %ld\n",
	       n_workers, n_engs, n_skills, n_items, seed);
	printf("eligible engagements per worker: %.1f on average\n",
	       (double)elig / (double)n_workers);
	printf(
	    "index memory per queued item: %.0f bytes (the entry embedded in the item, %zu bytes, "
	    "and heap slots: RSS +%ld kB)\n\n",
	    (double)sizeof(struct rindex_item) + (double)(rss1 - rss0) * 1024.0 / (double)n_items,
	    sizeof(struct rindex_item), rss1 - rss0);
	printf("| | decisions | decisions/s (CPU) | decisions/s (wall) | p50 µs | p99 µs | found "
	       "|\n|---|---:|---:|---:|---:|---:|---:|\n");

	/* The index. */
	t0 = ns_now();
	c0 = cpu_ns();
	for (long d = 0; d < n_dec; d++) {
		long w = pick(n_workers);
		int64_t a = ns_now();
		struct rindex_item *it = rindex_take(ix, w + 1, now, NULL);

		lat[d] = ns_now() - a;
		if (it) {
			struct item *x = (struct item *)it;

			found++;
			/* submitted at once; a new item of the same engagement takes its place */
			rindex_end(ix, w + 1, it);
			x->ix.id += n_items;
			x->ix.since = now;
			x->ix.due_at = now + 1000 * pick(3600);
			if (rindex_push(ix, it, engs[x->eng].id, now))
				return 1;
		}
		now += 1; /* a millisecond per thousand decisions: widening moves */
	}
	total = ns_now() - t0;
	report("routing index (core/rindex.c)", n_dec, total, cpu_ns() - c0, lat, found);

	/* The old scan, on a fresh copy of the queues. */
	for (long i = 0; i < n_items; i++) {
		items[i].qe = (struct queue_entry){items[i].ix.id, items[i].ix.priority,
						   items[i].ix.due_at, QUEUE_NOT_QUEUED};
		if (queue_push(&queues[items[i].eng], &items[i].qe))
			return 1;
	}
	found = 0;
	t0 = ns_now();
	c0 = cpu_ns();
	for (long d = 0; d < n_base; d++) {
		long w = pick(n_workers), be = -1;
		struct queue_entry *best = NULL;
		int64_t a = ns_now();

		if (route_has_room(&workers[w], load[w]))
			for (long i = 0; i < n_engs; i++) {
				struct queue_entry *h = queue_peek(&queues[i]);

				if (h && (!best || queue_before(h, best)) &&
				    route_qualified(&workers[w], &engs[i], now)) {
					best = h;
					be = i;
				}
			}
		if (best)
			queue_pop(&queues[be]);
		lat[d] = ns_now() - a;
		if (best) {
			found++;
			best->id += 2 * n_items;
			best->due_at = now + 1000 * pick(3600);
			if (queue_push(&queues[be], best))
				return 1;
		}
		now += 1;
	}
	total = ns_now() - t0;
	report("the old scan (work.next before the index)", n_base, total, cpu_ns() - c0, lat,
	       found);
	for (long i = 0; i < n_engs; i++)
		queue_release(&queues[i]);
	rindex_free(ix);
	free(engs);
	free(workers);
	free(items);
	free(queues);
	free(lat);
	free(load);
	return 0;
}
