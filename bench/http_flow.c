/* http_flow.c - load generator: N concurrent clients drive create -> get-next -> submit -> accept. */
#include <curl/curl.h>
#include <jansson.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "util/buf.h"

/*
 * usage: http_flow BASE_URL SECONDS TOKENS_FILE
 * TOKENS_FILE has one line per concurrent client:
 *   <client token> <worker token> <manager token> <engagement id>
 * Each client loops: create an item (client), get-next (its own worker,
 * capacity 1), submit with the lease epoch (worker), accept (manager).
 * Every one of those is a durable state change. Prints changes per second
 * and the p50/p99 latency of single requests.
 */

struct lane {
	char ctoken[80], wtoken[80], mtoken[80];
	long engagement;
	const char *base;
	double until;
	uint64_t changes, errors;
	double *lat;
	size_t nlat, alat;
	pthread_t th;
};

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

static int call(struct lane *l, CURL *c, const char *method, const char *path, const char *tok,
		const char *body, json_t **out)
{
	char url[512], auth[128];
	struct curl_slist *h = NULL;
	struct buf b = BUF_INIT;
	long code = 0;
	double t0 = now_s();

	snprintf(url, sizeof(url), "%s%s", l->base, path);
	snprintf(auth, sizeof(auth), "Authorization: Bearer %s", tok);
	h = curl_slist_append(h, auth);
	h = curl_slist_append(h, "Content-Type: application/json");
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, h);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, body ? body : "");
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	if (curl_easy_perform(c) == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_slist_free_all(h);
	if (l->nlat == l->alat) {
		l->alat = l->alat ? l->alat * 2 : 4096;
		l->lat = realloc(l->lat, l->alat * sizeof(double));
	}
	l->lat[l->nlat++] = now_s() - t0;
	if (out)
		*out = b.len ? json_loads(buf_str(&b), 0, NULL) : NULL;
	buf_release(&b);
	return (int)code;
}

static void *run(void *arg)
{
	struct lane *l = arg;
	CURL *c = curl_easy_init();
	char body[256], path[128];
	json_t *j;
	int code;

	while (now_s() < l->until) {
		snprintf(body, sizeof(body), "{\"engagement_id\":%ld,\"payload\":{\"form\":\"bench\",\"fields\":{\"a\":1}}}",
			 l->engagement);
		code = call(l, c, "POST", "/v1/items", l->ctoken, body, NULL);
		if (code != 201) {
			l->errors++;
			continue;
		}
		l->changes++;
		code = call(l, c, "POST", "/v1/work/next", l->wtoken, "", &j);
		if (code != 200 || !j) {
			json_decref(j);
			if (code != 204)
				l->errors++;
			continue;
		}
		l->changes++;
		long id = (long)json_integer_value(json_object_get(j, "id"));
		long ep = (long)json_integer_value(json_object_get(json_object_get(j, "lease"), "epoch"));
		json_decref(j);
		snprintf(path, sizeof(path), "/v1/items/%ld/submit", id);
		snprintf(body, sizeof(body), "{\"epoch\":%ld,\"result\":{\"a\":1}}", ep);
		if (call(l, c, "POST", path, l->wtoken, body, NULL) != 200) {
			l->errors++;
			continue;
		}
		l->changes++;
		snprintf(path, sizeof(path), "/v1/items/%ld/accept", id);
		if (call(l, c, "POST", path, l->mtoken, "{}", NULL) != 200) {
			l->errors++;
			continue;
		}
		l->changes++;
	}
	curl_easy_cleanup(c);
	return NULL;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

int main(int argc, char **argv)
{
	struct lane *lanes = NULL;
	size_t n = 0, total_lat = 0, k = 0;
	uint64_t changes = 0, errors = 0;
	double secs, t0, el, *all;
	FILE *f;

	if (argc != 4) {
		fprintf(stderr, "usage: http_flow BASE_URL SECONDS TOKENS_FILE\n");
		return 2;
	}
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
	t0 = now_s();
	for (size_t i = 0; i < n; i++) {
		lanes[i].base = argv[1];
		lanes[i].until = t0 + secs;
		pthread_create(&lanes[i].th, NULL, run, &lanes[i]);
	}
	for (size_t i = 0; i < n; i++) {
		pthread_join(lanes[i].th, NULL);
		changes += lanes[i].changes;
		errors += lanes[i].errors;
		total_lat += lanes[i].nlat;
	}
	el = now_s() - t0;
	all = malloc((total_lat + 1) * sizeof(double));
	for (size_t i = 0; i < n; i++) {
		memcpy(all + k, lanes[i].lat, lanes[i].nlat * sizeof(double));
		k += lanes[i].nlat;
		free(lanes[i].lat);
	}
	qsort(all, k, sizeof(double), cmp_d);
	printf("clients=%zu seconds=%.1f changes=%llu errors=%llu changes_per_s=%.0f "
	       "requests=%zu p50_ms=%.2f p99_ms=%.2f\n",
	       n, el, (unsigned long long)changes, (unsigned long long)errors, changes / el, k,
	       k ? all[k / 2] * 1000 : 0, k ? all[(size_t)(k * 0.99)] * 1000 : 0);
	free(all);
	free(lanes);
	curl_global_cleanup();
	return 0;
}
