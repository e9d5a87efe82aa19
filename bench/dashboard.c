/* dashboard.c - the dashboard's snapshot build (engine/dash.c) timed over N open items. */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "engine/engine.h"
#include "sec/auth.h"
#include "store/store.h"
#include "util/err.h"

/*
 * usage: dashboard DIR ITEMS [ENGAGEMENTS]
 * Makes ITEMS open items spread over ENGAGEMENTS (default 100) through the engine, then asks
 * for 21 fresh snapshots (each one pass over the open items in memory, built in an empty
 * batch) and prints the median and the worst time per request, with the same request
 * answered from an unchanged snapshot beside it. DIR must not exist.
 */

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static atomic_long outstanding;

static void done(struct cmd *c, void *arg)
{
	(void)c;
	(void)arg;
	atomic_fetch_sub(&outstanding, 1);
}

static int64_t create(struct engine *e, struct cmd *c)
{
	c->actor = &AUTH_LOCAL_ADMIN;
	if (engine_call(e, c) || c->result.id <= 0) {
		fprintf(stderr, "create failed: %s\n", c->result.message);
		exit(1);
	}
	return c->result.id;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	struct engine_opts o = {.batch_max = 512};
	struct buf err = BUF_INIT;
	struct store *s;
	struct engine *e;
	char path[4096];
	long n, n_eng = argc > 3 ? atol(argv[3]) : 100;
	int64_t client, svc, *eng;
	struct cmd *cs;
	double t[21], t0;

	if (argc < 3 || (n = atol(argv[2])) <= 0 || n_eng <= 0) {
		fprintf(stderr, "usage: dashboard DIR ITEMS [ENGAGEMENTS]\n");
		return 2;
	}
	if (mkdir(argv[1], 0700)) {
		perror(argv[1]);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/ahd.db", argv[1]);
	if (store_open(path, 2, &s, &err) || engine_start(s, &o, &e, &err)) {
		fprintf(stderr, "%s\n", buf_str(&err));
		return 1;
	}
	{
		struct cmd c = {.type = CMD_CLIENT_CREATE};

		snprintf(c.u.client.code, sizeof(c.u.client.code), "acme");
		snprintf(c.u.client.name, sizeof(c.u.client.name), "Acme");
		snprintf(c.u.client.time_zone, sizeof(c.u.client.time_zone), "UTC");
		client = create(e, &c);
		c = (struct cmd){.type = CMD_SERVICE_CREATE};
		snprintf(c.u.service.code, sizeof(c.u.service.code), "forms");
		c.u.service.kind = KIND_BPO;
		svc = create(e, &c);
	}
	eng = calloc((size_t)n_eng, sizeof(*eng));
	for (long i = 0; i < n_eng; i++) {
		struct cmd c = {.type = CMD_ENGAGEMENT_CREATE};

		c.u.engagement.client_id = client;
		c.u.engagement.service_id = svc;
		snprintf(c.u.engagement.name, sizeof(c.u.engagement.name), "e%ld", i);
		c.u.engagement.sla_ms = 3600000 * (1 + i % 48);
		c.u.engagement.default_priority = 5;
		c.u.engagement.lease_ms = 600000;
		snprintf(c.u.engagement.time_zone, sizeof(c.u.engagement.time_zone), "UTC");
		eng[i] = create(e, &c);
	}
	/* The items, 4096 commands in flight at once (group commit makes them cheap). */
	cs = calloc(4096, sizeof(*cs));
	t0 = now_ms();
	for (long i = 0; i < n; i++) {
		struct cmd *c = &cs[i % 4096];

		/* A slot is reused once the round before it is answered. */
		while (i % 4096 == 0 && atomic_load(&outstanding) > 0) {
			struct timespec d = {0, 200000};

			nanosleep(&d, NULL);
		}
		*c = (struct cmd){.type = CMD_ITEM_CREATE, .actor = &AUTH_LOCAL_ADMIN};
		c->u.item_create.engagement_id = eng[i % n_eng];
		c->u.item_create.payload = "{\"n\":1}";
		atomic_fetch_add(&outstanding, 1);
		if (engine_submit(e, c, done, NULL)) {
			fprintf(stderr, "submit failed\n");
			return 1;
		}
	}
	while (atomic_load(&outstanding) > 0) {
		struct timespec d = {0, 1000000};

		nanosleep(&d, NULL);
	}
	printf("%ld open items in %ld engagements made in %.1f s\n", n, n_eng, (now_ms() - t0) / 1e3);
	for (int i = 0; i < 21; i++) {
		const struct dash_snapshot *d;
		struct cmd c = {.type = CMD_ITEM_CREATE, .actor = &AUTH_LOCAL_ADMIN};

		/* One change, so the snapshot is not fresh and the next request builds one. */
		c.u.item_create.engagement_id = eng[0];
		c.u.item_create.payload = "{}";
		engine_call(e, &c);
		{
			/* Past the least gap between two builds (250 ms): time the build, not the gap. */
			struct timespec gap = {0, 300 * 1000000L};

			nanosleep(&gap, NULL);
		}
		t0 = now_ms();
		d = engine_dash_get(e, true);
		t[i] = now_ms() - t0;
		engine_dash_put(e, d);
	}
	qsort(t, 21, sizeof(t[0]), cmp);
	printf("fresh snapshot (one pass, built in an empty batch): median %.2f ms, worst %.2f ms\n",
	       t[10], t[20]);
	t0 = now_ms();
	for (int i = 0; i < 1000; i++)
		engine_dash_put(e, engine_dash_get(e, false));
	printf("the published snapshot, referenced and given back: %.2f us per request\n",
	       (now_ms() - t0)); /* 1000 requests: ms in total = us each */
	engine_stop(e);
	store_close(s);
	free(cs);
	free(eng);
	return 0;
}
