/* engine_flow.c - the engine alone (no HTTP): N threads drive create -> next -> submit -> accept. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/engine.h"
#include "sec/auth.h"
#include "store/store.h"
#include "util/err.h"

/*
 * usage: engine_flow DIR SECONDS THREADS [BATCH_MAX]
 * Measures how many durable state changes per second the engine commits on
 * this disk when nothing but the engine is in the way: the ceiling of what
 * the HTTP benchmark (run_http.sh) can reach. DIR must not exist.
 */

struct lane {
	struct engine *e;
	int64_t engagement;
	struct actor worker;
	double until;
	unsigned long changes, errors;
	pthread_t th;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int run_cmd(struct engine *e, struct cmd *c, const struct actor *a, int64_t *id,
		   int64_t *epoch)
{
	int rc;

	c->actor = a;
	rc = engine_call(e, c);
	if (!rc) {
		if (id)
			*id = c->result.id;
		if (epoch)
			*epoch = c->result.item.epoch;
	}
	return rc;
}

static void *run(void *arg)
{
	struct lane *l = arg;
	int64_t id = 0, epoch = 0;

	while (now_s() < l->until) {
		struct cmd c = { .type = CMD_ITEM_CREATE };

		c.u.item_create.engagement_id = l->engagement;
		c.u.item_create.payload = "{\"form\":\"bench\",\"fields\":{\"a\":1}}";
		if (run_cmd(l->e, &c, &AUTH_LOCAL_ADMIN, NULL, NULL)) {
			l->errors++;
			continue;
		}
		l->changes++;
		memset(&c, 0, sizeof(c));
		c.type = CMD_ITEM_NEXT;
		if (run_cmd(l->e, &c, &l->worker, &id, &epoch) || c.result.outcome == CMD_OUT_NONE) {
			l->errors++;
			continue;
		}
		l->changes++;
		memset(&c, 0, sizeof(c));
		c.type = CMD_ITEM_SUBMIT;
		c.u.op.item_id = id;
		c.u.op.epoch = epoch;
		c.u.op.result_json = "{\"a\":1}";
		if (run_cmd(l->e, &c, &l->worker, NULL, NULL)) {
			l->errors++;
			continue;
		}
		l->changes++;
		memset(&c, 0, sizeof(c));
		c.type = CMD_ITEM_ACCEPT;
		c.u.op.item_id = id;
		if (run_cmd(l->e, &c, &AUTH_LOCAL_ADMIN, NULL, NULL)) {
			l->errors++;
			continue;
		}
		l->changes++;
	}
	return NULL;
}

int main(int argc, char **argv)
{
	struct engine_opts o = { .batch_max = 512 };
	struct buf err = BUF_INIT;
	struct engine_stats st;
	struct store *s = NULL;
	struct engine *e = NULL;
	struct lane *lanes;
	char path[1024];
	int64_t client = 0, service = 0, eng = 0;
	unsigned long changes = 0, errors = 0;
	double secs, t0, el;
	int n;

	if (argc < 4) {
		fprintf(stderr, "usage: engine_flow DIR SECONDS THREADS [BATCH_MAX]\n");
		return 2;
	}
	secs = strtod(argv[2], NULL);
	n = atoi(argv[3]); /* bench input from the command line, not from a user */
	if (argc > 4)
		o.batch_max = atoi(argv[4]);
	if (mkdir(argv[1], 0700)) {
		perror(argv[1]);
		return 1;
	}
	snprintf(path, sizeof(path), "%s/alihdaya.db", argv[1]);
	if (store_open(path, 2, &s, &err) || engine_start(s, &o, &e, &err)) {
		fprintf(stderr, "engine_flow: %s\n", buf_str(&err));
		return 1;
	}
	{
		struct cmd c = { .type = CMD_CLIENT_CREATE };
		snprintf(c.u.client.code, sizeof(c.u.client.code), "bench");
		snprintf(c.u.client.name, sizeof(c.u.client.name), "Bench");
		snprintf(c.u.client.time_zone, sizeof(c.u.client.time_zone), "UTC");
		run_cmd(e, &c, &AUTH_LOCAL_ADMIN, &client, NULL);
		memset(&c, 0, sizeof(c));
		c.type = CMD_SERVICE_CREATE;
		snprintf(c.u.service.code, sizeof(c.u.service.code), "data_entry");
		snprintf(c.u.service.name, sizeof(c.u.service.name), "Data entry");
		snprintf(c.u.service.category, sizeof(c.u.service.category), "data_entry");
		run_cmd(e, &c, &AUTH_LOCAL_ADMIN, &service, NULL);
		memset(&c, 0, sizeof(c));
		c.type = CMD_ENGAGEMENT_CREATE;
		c.u.engagement.client_id = client;
		c.u.engagement.service_id = service;
		snprintf(c.u.engagement.name, sizeof(c.u.engagement.name), "Bench");
		c.u.engagement.sla_ms = 86400000;
		c.u.engagement.default_priority = 5;
		c.u.engagement.lease_ms = 600000;
		snprintf(c.u.engagement.time_zone, sizeof(c.u.engagement.time_zone), "UTC");
		run_cmd(e, &c, &AUTH_LOCAL_ADMIN, &eng, NULL);
	}
	lanes = calloc((size_t)n, sizeof(*lanes));
	for (int i = 0; i < n; i++) {
		struct cmd c = { .type = CMD_WORKER_CREATE };
		int64_t wid = 0;

		snprintf(c.u.worker.login, sizeof(c.u.worker.login), "w%d", i);
		snprintf(c.u.worker.rec.name, sizeof(c.u.worker.rec.name), "W%d", i);
		snprintf(c.u.worker.rec.country, sizeof(c.u.worker.rec.country), "PH");
		snprintf(c.u.worker.rec.time_zone, sizeof(c.u.worker.rec.time_zone), "UTC");
		snprintf(c.u.worker.rec.currency, sizeof(c.u.worker.rec.currency), "USD");
		c.u.worker.rec.capacity = 1;
		c.u.worker.rec.n_clear = 1;
		c.u.worker.rec.clear[0] = client;
		run_cmd(e, &c, &AUTH_LOCAL_ADMIN, &wid, NULL);
		lanes[i].e = e;
		lanes[i].engagement = eng;
		lanes[i].worker.role = ROLE_WORKER;
		lanes[i].worker.worker_id = wid;
		lanes[i].worker.user_id = 1000 + i;
	}
	t0 = now_s();
	for (int i = 0; i < n; i++) {
		lanes[i].until = t0 + secs;
		pthread_create(&lanes[i].th, NULL, run, &lanes[i]);
	}
	for (int i = 0; i < n; i++) {
		pthread_join(lanes[i].th, NULL);
		changes += lanes[i].changes;
		errors += lanes[i].errors;
	}
	el = now_s() - t0;
	engine_get_stats(e, &st);
	printf("threads=%d batch_max=%d seconds=%.1f changes=%lu errors=%lu changes_per_s=%.0f "
	       "avg_batch=%.1f commit_ms=%.2f apply_us_per_cmd=%.1f\n",
	       n, o.batch_max, el, changes, errors, changes / el,
	       st.batches ? (double)st.commands / st.batches : 0,
	       st.batches ? st.commit_us / 1000.0 / st.batches : 0,
	       st.commands ? (double)st.apply_us / st.commands : 0);
	engine_stop(e);
	store_close(s);
	free(lanes);
	buf_release(&err);
	return 0;
}
