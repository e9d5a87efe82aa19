/* http_flow.c - load generator: N concurrent clients drive create -> get-next -> submit -> accept. */
#include <curl/curl.h>
#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/buf.h"

/*
 * usage: http_flow BASE_URL SECONDS TOKENS_FILE
 * TOKENS_FILE has one line per concurrent client ("lane"):
 *   <client token> <worker token> <manager token> <engagement id>
 * Each lane loops: create an item (client), get-next (its own worker,
 * capacity 1), submit with the lease epoch (worker), accept (manager).
 * Every one of those is a durable state change. Prints changes per second
 * and the p50/p99 latency of single requests.
 *
 * One thread drives every lane through curl's multi interface (keep-alive
 * connections, one per lane), so the generator spends its share of the two
 * cores on requests rather than on switching between 64 threads.
 */

enum step { S_CREATE, S_NEXT, S_SUBMIT, S_ACCEPT };

struct lane {
	char ctoken[80], wtoken[80], mtoken[80];
	long engagement;
	CURL *h;
	struct curl_slist *hdr[3]; /* client, worker, manager */
	struct buf body;
	char url[512], post[256];
	enum step step;
	long item, epoch;
	double t0;
};

struct stats {
	uint64_t changes, errors;
	double *lat;
	size_t nlat, alat;
};

static const char *base;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
	return buf_append(ud, p, sz * n) ? 0 : sz * n;
}

static struct curl_slist *headers(const char *tok)
{
	char auth[128];
	struct curl_slist *h = NULL;

	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", tok);
	h = curl_slist_append(h, auth);
	return curl_slist_append(h, "Content-Type: application/json");
}

/* Sets up the lane's next request. */
static void lane_issue(struct lane *l, CURLM *m)
{
	const char *path = "/v1/items";
	struct curl_slist *h = l->hdr[0];
	char p[128];

	switch (l->step) {
	case S_CREATE:
		snprintf(l->post, sizeof(l->post),
			 "{\"engagement_id\":%ld,\"payload\":{\"form\":\"bench\",\"fields\":{\"a\":1}}}",
			 l->engagement);
		break;
	case S_NEXT:
		path = "/v1/work/next";
		h = l->hdr[1];
		l->post[0] = '\0';
		break;
	case S_SUBMIT:
		snprintf(p, sizeof(p), "/v1/items/%ld/submit", l->item);
		path = p;
		h = l->hdr[1];
		snprintf(l->post, sizeof(l->post), "{\"epoch\":%ld,\"result\":{\"a\":1}}", l->epoch);
		break;
	case S_ACCEPT:
		snprintf(p, sizeof(p), "/v1/items/%ld/accept", l->item);
		path = p;
		h = l->hdr[2];
		snprintf(l->post, sizeof(l->post), "{}");
		break;
	}
	snprintf(l->url, sizeof(l->url), "%s%s", base, path);
	buf_reset(&l->body);
	curl_multi_remove_handle(m, l->h);
	curl_easy_setopt(l->h, CURLOPT_URL, l->url);
	curl_easy_setopt(l->h, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(l->h, CURLOPT_POSTFIELDS, l->post);
	l->t0 = now_s();
	curl_multi_add_handle(m, l->h);
}

/* A request finished: record it and choose the next step. */
static void lane_done(struct lane *l, struct stats *st, long code)
{
	json_t *j;

	if (st->nlat == st->alat) {
		st->alat = st->alat ? st->alat * 2 : 65536;
		st->lat = realloc(st->lat, st->alat * sizeof(double));
	}
	st->lat[st->nlat++] = now_s() - l->t0;
	switch (l->step) {
	case S_CREATE:
		if (code == 201) {
			st->changes++;
			l->step = S_NEXT;
		} else {
			st->errors++;
		}
		break;
	case S_NEXT:
		j = code == 200 ? json_loads(buf_str(&l->body), 0, NULL) : NULL;
		/* Nothing eligible: 200 with {"id": null, "reason"} (or 204 before issue 14). */
		if (j && !json_is_integer(json_object_get(j, "id"))) {
			json_decref(j);
			l->step = S_CREATE;
		} else if (j) {
			st->changes++;
			l->item = (long)json_integer_value(json_object_get(j, "id"));
			l->epoch = (long)json_integer_value(
			    json_object_get(json_object_get(j, "lease"), "epoch"));
			json_decref(j);
			l->step = S_SUBMIT;
		} else {
			if (code != 204)
				st->errors++;
			l->step = S_CREATE;
		}
		break;
	case S_SUBMIT:
		if (code == 200) {
			st->changes++;
			l->step = S_ACCEPT;
		} else {
			st->errors++;
			l->step = S_CREATE;
		}
		break;
	case S_ACCEPT:
		if (code == 200)
			st->changes++;
		else
			st->errors++;
		l->step = S_CREATE;
		break;
	}
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	struct lane *lanes;
	struct stats st = { 0 };
	size_t n = 0;
	double secs, t0, until, el;
	CURLM *m;
	FILE *f;
	int running;

	if (argc != 4) {
		fprintf(stderr, "usage: http_flow BASE_URL SECONDS TOKENS_FILE\n");
		return 2;
	}
	base = argv[1];
	secs = strtod(argv[2], NULL);
	f = fopen(argv[3], "r");
	if (!f) {
		perror(argv[3]);
		return 1;
	}
	lanes = calloc(1024, sizeof(*lanes));
	while (n < 1024 && fscanf(f, "%79s %79s %79s %ld", lanes[n].ctoken, lanes[n].wtoken,
				  lanes[n].mtoken, &lanes[n].engagement) == 4)
		n++;
	fclose(f);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	m = curl_multi_init();
	curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, (long)n);
	t0 = now_s();
	until = t0 + secs;
	for (size_t i = 0; i < n; i++) {
		struct lane *l = &lanes[i];

		buf_init(&l->body, 1 << 20);
		l->hdr[0] = headers(l->ctoken);
		l->hdr[1] = headers(l->wtoken);
		l->hdr[2] = headers(l->mtoken);
		l->h = curl_easy_init();
		curl_easy_setopt(l->h, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(l->h, CURLOPT_WRITEDATA, &l->body);
		curl_easy_setopt(l->h, CURLOPT_PRIVATE, l);
		lane_issue(l, m);
	}
	do {
		CURLMsg *msg;
		int left;

		curl_multi_perform(m, &running);
		while ((msg = curl_multi_info_read(m, &left))) {
			struct lane *l;
			long code = 0;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&l);
			if (msg->data.result == CURLE_OK)
				curl_easy_getinfo(l->h, CURLINFO_RESPONSE_CODE, &code);
			lane_done(l, &st, code);
			if (now_s() < until)
				lane_issue(l, m);
			else
				curl_multi_remove_handle(m, l->h);
		}
		if (running)
			curl_multi_poll(m, NULL, 0, 100, NULL);
	} while (running || now_s() < until);
	el = now_s() - t0;
	qsort(st.lat, st.nlat, sizeof(double), cmp_d);
	printf("clients=%zu seconds=%.1f changes=%llu errors=%llu changes_per_s=%.0f "
	       "requests=%zu p50_ms=%.2f p99_ms=%.2f\n",
	       n, el, (unsigned long long)st.changes, (unsigned long long)st.errors,
	       st.changes / el, st.nlat, st.nlat ? st.lat[st.nlat / 2] * 1000 : 0,
	       st.nlat ? st.lat[(size_t)(st.nlat * 0.99)] * 1000 : 0);
	for (size_t i = 0; i < n; i++) {
		curl_easy_cleanup(lanes[i].h);
		for (int k = 0; k < 3; k++)
			curl_slist_free_all(lanes[i].hdr[k]);
		buf_release(&lanes[i].body);
	}
	curl_multi_cleanup(m);
	free(st.lat);
	free(lanes);
	curl_global_cleanup();
	return 0;
}
