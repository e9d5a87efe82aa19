/* claim.c - load generator for bench/claim.sh: N concurrent lanes claim then complete work,
 * over HTTP against alihdaya or as plain SQL against PostgreSQL (libpq), same loop, same stats. */
#include <curl/curl.h>
#include <jansson.h>
#include <libpq-fe.h>
#include <poll.h>
#include <sys/resource.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/*
 * usage: claim http BASE_URL SECONDS TOKENS_FILE   (one worker token a line, one lane each)
 *        claim pg   CONNINFO SECONDS LANES          (lane i is worker i+1)
 * Each lane loops, bounded by SECONDS: claim one item for its worker (alihdaya:
 * POST /v1/work/next; PostgreSQL: SELECT bench_claim(w), FOR UPDATE SKIP LOCKED inside),
 * then complete it (POST /v1/items/ID/submit with the lease epoch; SELECT bench_complete).
 * Every claim and every complete is its own durable commit. A lane whose claim finds no
 * work stops (the work ran out); at the deadline no new claim is sent, but a claimed item
 * is still completed, so no item is left leased. Prints one line of totals (claims per
 * second over the whole run, p50/p99 of the claim and of the complete request), one line
 * per 5-second window (claims committed in it) and "claimed ID" lines are not printed:
 * the script counts the stores afterwards.
 * Not built by CMake (libpq is the benchmark's dependency only): bench/claim.sh compiles it.
 */

enum step { S_CLAIM, S_COMPLETE, S_DONE };

struct stats {
	uint64_t claims, completes, errors, empty;
	double *lc, *lp; /* claim, complete latencies */
	size_t nc, ac, np, ap;
	uint64_t win[1024];
};

static struct stats st;
static double t_start, t_until;

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void push(double **a, size_t *n, size_t *cap, double v)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 65536;
		*a = realloc(*a, *cap * sizeof(double));
		if (!*a) {
			perror("realloc");
			exit(1);
		}
	}
	(*a)[(*n)++] = v;
}

static void claimed(double t0)
{
	double t = now_s();
	size_t w = (size_t)((t - t_start) / 5.0);

	st.claims++;
	push(&st.lc, &st.nc, &st.ac, t - t0);
	if (w < 1024)
		st.win[w]++;
}

static void completed(double t0)
{
	st.completes++;
	push(&st.lp, &st.np, &st.ap, now_s() - t0);
}

/* ---- alihdaya over HTTP (curl multi, one keep-alive connection a lane, one thread) ---- */

struct hlane {
	CURL *h;
	struct curl_slist *hdr;
	char tok[96], url[512], post[128], body[4096];
	size_t blen;
	enum step step;
	long item, epoch;
	double t0;
};

static const char *base;
static int inflight; /* requests sent and not yet answered */

static size_t on_body(char *p, size_t sz, size_t n, void *ud)
{
	struct hlane *l = ud;
	size_t k = sz * n;

	if (l->blen + k >= sizeof(l->body))
		return 0;
	memcpy(l->body + l->blen, p, k);
	l->blen += k;
	l->body[l->blen] = '\0';
	return k;
}

static void h_issue(struct hlane *l, CURLM *m)
{
	if (l->step == S_CLAIM) {
		snprintf(l->url, sizeof(l->url), "%s/v1/work/next", base);
		l->post[0] = '\0';
	} else {
		snprintf(l->url, sizeof(l->url), "%s/v1/items/%ld/submit", base, l->item);
		snprintf(l->post, sizeof(l->post), "{\"epoch\":%ld,\"result\":{\"a\":1}}", l->epoch);
	}
	l->blen = 0;
	l->body[0] = '\0';
	curl_multi_remove_handle(m, l->h);
	curl_easy_setopt(l->h, CURLOPT_URL, l->url);
	curl_easy_setopt(l->h, CURLOPT_POSTFIELDS, l->post);
	l->t0 = now_s();
	inflight++;
	curl_multi_add_handle(m, l->h);
}

static void h_done(struct hlane *l, long code)
{
	json_t *j, *id;

	if (l->step == S_CLAIM) {
		j = code == 200 ? json_loads(l->body, 0, NULL) : NULL;
		id = j ? json_object_get(j, "id") : NULL;
		if (j && json_is_integer(id)) {
			claimed(l->t0);
			l->item = (long)json_integer_value(id);
			l->epoch = (long)json_integer_value(
			    json_object_get(json_object_get(j, "lease"), "epoch"));
			l->step = S_COMPLETE;
		} else if (j) {
			st.empty++; /* {"id": null, "reason": ...}: no work left for this worker */
			l->step = S_DONE;
		} else {
			st.errors++;
			fprintf(stderr, "claim: HTTP %ld %.200s\n", code, l->body);
			l->step = S_DONE;
		}
		json_decref(j);
		return;
	}
	if (code == 200) {
		completed(l->t0);
	} else {
		st.errors++;
		fprintf(stderr, "complete: HTTP %ld %.200s\n", code, l->body);
	}
	l->step = S_CLAIM;
}

static int run_http(const char *file)
{
	struct hlane *lanes = calloc(1024, sizeof(*lanes));
	size_t n = 0;
	int running;
	CURLM *m;
	FILE *f = fopen(file, "r");

	if (!f || !lanes) {
		perror(file);
		return 1;
	}
	while (n < 1024 && fscanf(f, "%95s", lanes[n].tok) == 1)
		n++;
	fclose(f);
	curl_global_init(CURL_GLOBAL_DEFAULT);
	m = curl_multi_init();
	curl_multi_setopt(m, CURLMOPT_MAX_HOST_CONNECTIONS, (long)n);
	t_start = now_s();
	t_until += t_start;
	for (size_t i = 0; i < n; i++) {
		struct hlane *l = &lanes[i];
		char auth[160];

		snprintf(auth, sizeof(auth), "Authorization: Bearer %s", l->tok);
		l->hdr = curl_slist_append(NULL, auth);
		l->hdr = curl_slist_append(l->hdr, "Content-Type: application/json");
		l->h = curl_easy_init();
		curl_easy_setopt(l->h, CURLOPT_HTTPHEADER, l->hdr);
		curl_easy_setopt(l->h, CURLOPT_WRITEFUNCTION, on_body);
		curl_easy_setopt(l->h, CURLOPT_WRITEDATA, l);
		curl_easy_setopt(l->h, CURLOPT_PRIVATE, l);
		h_issue(l, m);
	}
	do {
		CURLMsg *msg;
		int left;

		curl_multi_perform(m, &running);
		while ((msg = curl_multi_info_read(m, &left))) {
			struct hlane *l;
			long code = 0;

			if (msg->msg != CURLMSG_DONE)
				continue;
			curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, (char **)&l);
			if (msg->data.result == CURLE_OK)
				curl_easy_getinfo(l->h, CURLINFO_RESPONSE_CODE, &code);
			inflight--;
			h_done(l, code);
			if (l->step == S_COMPLETE || (l->step == S_CLAIM && now_s() < t_until))
				h_issue(l, m);
			else
				curl_multi_remove_handle(m, l->h);
		}
		if (inflight)
			curl_multi_poll(m, NULL, 0, 100, NULL);
	} while (inflight);
	for (size_t i = 0; i < n; i++) {
		curl_easy_cleanup(lanes[i].h);
		curl_slist_free_all(lanes[i].hdr);
	}
	curl_multi_cleanup(m);
	curl_global_cleanup();
	free(lanes);
	return (int)n;
}

/* ---- PostgreSQL with libpq (non-blocking, one connection a lane, one thread) ---- */

struct plane {
	PGconn *c;
	int worker;
	enum step step;
	long long item;
	double t0;
	int busy;
};

static void p_issue(struct plane *l)
{
	char w[16], it[24];
	const char *v[2] = {w, it};

	snprintf(w, sizeof(w), "%d", l->worker);
	snprintf(it, sizeof(it), "%lld", l->item);
	l->t0 = now_s();
	if (!(l->step == S_CLAIM ? PQsendQueryPrepared(l->c, "claim", 1, v, NULL, NULL, 0)
				 : PQsendQueryPrepared(l->c, "complete", 2, (const char *[]){it, w},
						       NULL, NULL, 0))) {
		fprintf(stderr, "send: %s", PQerrorMessage(l->c));
		exit(1);
	}
	PQflush(l->c);
	l->busy = 1;
}

static void p_result(struct plane *l, PGresult *r)
{
	long long v;

	if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
		st.errors++;
		fprintf(stderr, "%s: %s", l->step == S_CLAIM ? "claim" : "complete",
			PQresultErrorMessage(r));
		l->step = S_DONE;
		return;
	}
	v = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
	if (l->step == S_CLAIM) {
		if (v > 0) {
			claimed(l->t0);
			l->item = v;
			l->step = S_COMPLETE;
		} else {
			st.empty++; /* 0: nothing eligible left; -1: no room (never, one lane a worker) */
			l->step = S_DONE;
		}
	} else {
		if (v == 1)
			completed(l->t0);
		else
			st.errors++;
		l->step = S_CLAIM;
	}
}

static int run_pg(const char *conninfo, int n)
{
	struct plane *lanes = calloc((size_t)n, sizeof(*lanes));
	struct pollfd *pfd = calloc((size_t)n, sizeof(*pfd));
	int live;

	for (int i = 0; i < n; i++) {
		PGresult *r;

		lanes[i].c = PQconnectdb(conninfo);
		if (PQstatus(lanes[i].c) != CONNECTION_OK) {
			fprintf(stderr, "connect: %s", PQerrorMessage(lanes[i].c));
			return -1;
		}
		r = PQprepare(lanes[i].c, "claim", "SELECT bench_claim($1::int)", 1, NULL);
		PQclear(r);
		r = PQprepare(lanes[i].c, "complete", "SELECT bench_complete($1::bigint, $2::int)", 2,
			      NULL);
		PQclear(r);
		PQsetnonblocking(lanes[i].c, 1);
		lanes[i].worker = i + 1;
	}
	t_start = now_s();
	t_until += t_start;
	for (int i = 0; i < n; i++)
		p_issue(&lanes[i]);
	do {
		live = 0;
		for (int i = 0; i < n; i++) {
			pfd[i].fd = lanes[i].busy ? PQsocket(lanes[i].c) : -1;
			pfd[i].events = POLLIN;
			live += lanes[i].busy;
		}
		if (!live)
			break;
		if (poll(pfd, (nfds_t)n, 100) < 0)
			continue;
		for (int i = 0; i < n; i++) {
			struct plane *l = &lanes[i];
			PGresult *r;

			if (!l->busy || !(pfd[i].revents & (POLLIN | POLLERR | POLLHUP)))
				continue;
			PQconsumeInput(l->c);
			if (PQisBusy(l->c))
				continue;
			while ((r = PQgetResult(l->c))) {
				p_result(l, r);
				PQclear(r);
			}
			l->busy = 0;
			if (l->step == S_COMPLETE || (l->step == S_CLAIM && now_s() < t_until))
				p_issue(l);
		}
	} while (1);
	for (int i = 0; i < n; i++)
		PQfinish(lanes[i].c);
	free(lanes);
	free(pfd);
	return n;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double pct(double *a, size_t n, double p)
{
	size_t i = (size_t)((double)n * p);

	if (!n)
		return 0;
	return a[i < n ? i : n - 1] * 1000;
}

int main(int argc, char **argv)
{
	double secs, el;
	int n;

	if (argc != 5 || (strcmp(argv[1], "http") && strcmp(argv[1], "pg"))) {
		fprintf(stderr, "usage: claim http BASE_URL SECONDS TOKENS_FILE | "
				"claim pg CONNINFO SECONDS LANES\n");
		return 2;
	}
	secs = strtod(argv[3], NULL);
	if (secs <= 0 || secs > 5000) {
		fprintf(stderr, "SECONDS: 0 to 5000\n");
		return 2;
	}
	t_until = secs;
	if (!strcmp(argv[1], "http")) {
		base = argv[2];
		n = run_http(argv[4]);
	} else {
		n = (int)strtol(argv[4], NULL, 10);
		if (n < 1 || n > 1000) {
			fprintf(stderr, "LANES: 1 to 1000\n");
			return 2;
		}
		n = run_pg(argv[2], n);
	}
	if (n < 0)
		return 1;
	el = now_s() - t_start;
	qsort(st.lc, st.nc, sizeof(double), cmp_d);
	qsort(st.lp, st.np, sizeof(double), cmp_d);
	/* the rate over the claiming time (SECONDS, or less when the work ran out) */
	printf("lanes=%d seconds=%.1f claims=%llu completes=%llu errors=%llu empty=%llu "
	       "claims_per_s=%.0f claim_p50_ms=%.2f claim_p99_ms=%.2f complete_p50_ms=%.2f "
	       "complete_p99_ms=%.2f\n",
	       n, el, (unsigned long long)st.claims, (unsigned long long)st.completes,
	       (unsigned long long)st.errors, (unsigned long long)st.empty,
	       st.claims / (el < secs ? el : secs), pct(st.lc, st.nc, 0.5),
	       pct(st.lc, st.nc, 0.99), pct(st.lp, st.np, 0.5), pct(st.lp, st.np, 0.99));
	/* Windows of the claiming time only (the last one may be shorter: its own length). */
	el = el < secs ? el : secs;
	printf("windows_per_s=");
	for (size_t w = 0; w < 1024 && (double)w * 5 < el - 0.05; w++) {
		double len = el - (double)w * 5 < 5 ? el - (double)w * 5 : 5;

		printf("%s%.0f", w ? "," : "", st.win[w] / len);
	}
	printf("\n");
	{
		struct rusage ru;

		getrusage(RUSAGE_SELF, &ru);
		printf("generator_cpu_s=%.2f\n",
		       (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
			   (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6);
	}
	if (st.empty && el < secs - 0.5)
		printf("note: the work ran out after %.1f s (raise --items)\n", el);
	return 0;
}
