/* sender.c - the webhook sender thread: due outbox rows POSTed with libcurl, attempts recorded. */
#include "cli/sender.h"

#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <sodium.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "app/webhooks.h"
#include "util/err.h"
#include "util/log.h"
#include "util/netaddr.h"

/*
 * Why here (cli/) and not in http/: this is an outgoing HTTP client tied
 * to the life of `serve`, and cli/ is the layer that already links
 * libcurl (remote.c) and owns the process's threads and signals; http/
 * is the libmicrohttpd server. It only uses the layers below: reads
 * through the store, writes as commands through app_call() (one writer).
 */
#define SENDER_BATCH 16
#define SENDER_IDLE_MS 100 /* real time between polls when nothing is due */
#define SENDER_CONNECT_MS 5000L

struct job {
	struct webhook_delivery d;
	struct webhook_rec w;
	char *body;
};

struct webhook_sender {
	const struct app *app;
	long timeout_ms;
	bool allow_private; /* serve --webhook-allow-private: loopback and private addresses too */
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	bool stop;
	struct job jobs[SENDER_BATCH];
	int n_jobs;
};

static int take_due(void *ctx, const struct webhook_delivery *d, const struct webhook_rec *w)
{
	struct webhook_sender *s = ctx;
	struct job *j;

	if (s->n_jobs >= SENDER_BATCH)
		return 0;
	j = &s->jobs[s->n_jobs];
	if (!(j->body = strdup(d->body ? d->body : "")))
		return ERR_NOMEM;
	j->d = *d;
	j->d.body = j->body;
	j->w = *w;
	s->n_jobs++;
	return 0;
}

static size_t discard(char *p, size_t size, size_t n, void *ctx)
{
	(void)p;
	(void)ctx;
	return size * n;
}

/* What one POST's connections were refused for (the SSRF guard); "" when none. */
struct guard {
	const struct webhook_sender *s;
	char refused[64];
};

/*
 * libcurl's socket opener, asked once per address it tries (after its own
 * name resolution, so a name that resolves to a private address, or is
 * rebound to one between a check and the connect, is still refused).
 */
static curl_socket_t open_guarded(void *ctx, curlsocktype purpose, struct curl_sockaddr *a)
{
	struct guard *g = ctx;

	if (purpose == CURLSOCKTYPE_IPCXN && !g->s->allow_private &&
	    !netaddr_is_public(&a->addr)) {
		netaddr_str(&a->addr, g->refused, sizeof(g->refused));
		return CURL_SOCKET_BAD;
	}
	return socket(a->family, a->socktype, a->protocol);
}

/* One POST of j at now. OUT: *status (0: no answer), error ("" when none). */
static void post_one(struct webhook_sender *s, const struct job *j, int64_t now, long *status,
		     char *error, size_t n)
{
	char sig[256], hdr_sig[300], hdr_id[80], cerr[CURL_ERROR_SIZE] = "";
	struct curl_slist *hdr = NULL;
	struct guard g = { .s = s, .refused = "" };
	CURLcode cc;
	CURL *cu = curl_easy_init();

	*status = 0;
	error[0] = '\0';
	if (!cu) {
		snprintf(error, n, "cannot start libcurl");
		return;
	}
	webhook_signature_header(&j->w, now, j->body, strlen(j->body), sig, sizeof(sig));
	snprintf(hdr_sig, sizeof(hdr_sig), "Alihdaya-Signature: %s", sig);
	snprintf(hdr_id, sizeof(hdr_id), "Alihdaya-Event-Id: %s", j->d.event_id);
	hdr = curl_slist_append(NULL, "Content-Type: application/json");
	hdr = hdr ? curl_slist_append(hdr, "Expect:") : NULL;
	hdr = hdr ? curl_slist_append(hdr, hdr_sig) : NULL;
	hdr = hdr ? curl_slist_append(hdr, hdr_id) : NULL;
	sodium_memzero(sig, sizeof(sig));
	if (!hdr) {
		snprintf(error, n, "out of memory");
		goto out;
	}
	curl_easy_setopt(cu, CURLOPT_URL, j->w.url);
	curl_easy_setopt(cu, CURLOPT_PROTOCOLS_STR, "http,https");
	curl_easy_setopt(cu, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(cu, CURLOPT_POSTFIELDS, j->body);
	curl_easy_setopt(cu, CURLOPT_POSTFIELDSIZE, (long)strlen(j->body));
	curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, discard);
	curl_easy_setopt(cu, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(cu, CURLOPT_CONNECTTIMEOUT_MS, SENDER_CONNECT_MS);
	curl_easy_setopt(cu, CURLOPT_TIMEOUT_MS, s->timeout_ms);
	curl_easy_setopt(cu, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(cu, CURLOPT_FOLLOWLOCATION, 0L); /* a redirect is not a delivery */
	curl_easy_setopt(cu, CURLOPT_USERAGENT, "alihdaya-webhooks/1");
	curl_easy_setopt(cu, CURLOPT_OPENSOCKETFUNCTION, open_guarded);
	curl_easy_setopt(cu, CURLOPT_OPENSOCKETDATA, &g);
	cc = curl_easy_perform(cu);
	if (cc != CURLE_OK && g.refused[0]) {
		snprintf(error, n,
			 "refused: %s is a loopback, private or reserved address"
			 " (serve --webhook-allow-private allows it)",
			 g.refused);
	} else if (cc != CURLE_OK) {
		snprintf(error, n, "%s", cerr[0] ? cerr : curl_easy_strerror(cc));
	} else {
		curl_easy_getinfo(cu, CURLINFO_RESPONSE_CODE, status);
		if (*status < 200 || *status >= 300)
			snprintf(error, n, "HTTP %ld", *status);
	}
out:
	curl_slist_free_all(hdr);
	curl_easy_cleanup(cu);
}

static bool stopping(struct webhook_sender *s)
{
	bool v;

	pthread_mutex_lock(&s->mu);
	v = s->stop;
	pthread_mutex_unlock(&s->mu);
	return v;
}

/* Sleeps SENDER_IDLE_MS of real time, or less if stopped. */
static void idle(struct webhook_sender *s)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += SENDER_IDLE_MS * 1000000L;
	if (ts.tv_nsec >= 1000000000L) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&s->mu);
	while (!s->stop && pthread_cond_timedwait(&s->cv, &s->mu, &ts) != ETIMEDOUT)
		;
	pthread_mutex_unlock(&s->mu);
}

static void record(struct webhook_sender *s, const struct job *j, int64_t now, long status,
		   const char *error)
{
	struct cmd *c = calloc(1, sizeof(*c));
	int rc;

	if (!c) {
		log_error("webhooks: out of memory recording delivery %lld", (long long)j->d.id);
		return;
	}
	app_webhook_attempt(&j->d, now, (int)status, error, c);
	rc = app_call(s->app, c);
	if (rc && rc != ERR_SHUTDOWN)
		log_error("webhooks: delivery %lld: attempt not recorded: %s", (long long)j->d.id,
			  c->result.message[0] ? c->result.message : err_message(rc));
	cmd_release(c);
	free(c);
}

static void *run(void *arg)
{
	struct webhook_sender *s = arg;

	while (!stopping(s)) {
		int64_t now = app_now_ms(s->app);
		int rc;

		s->n_jobs = 0;
		rc = store_webhook_due(s->app->store, now, SENDER_BATCH, take_due, s);
		if (rc)
			log_error("webhooks: reading the outbox: %s", err_message(rc));
		for (int i = 0; i < s->n_jobs; i++) {
			struct job *j = &s->jobs[i];
			char error[WEBHOOK_ERROR_MAX + 1];
			long status;

			if (!stopping(s)) {
				post_one(s, j, app_now_ms(s->app), &status, error, sizeof(error));
				/* the time of the answer: the backoff counts from it */
				record(s, j, app_now_ms(s->app), status, error);
			}
			free(j->body);
			sodium_memzero(&j->w, sizeof(j->w));
		}
		if (!s->n_jobs)
			idle(s);
	}
	return NULL;
}

int webhook_sender_start(const struct app *app, long timeout_ms, bool allow_private,
			 struct webhook_sender **out, struct buf *err)
{
	struct webhook_sender *s;

	*out = NULL;
	if (curl_global_init(CURL_GLOBAL_DEFAULT))
		return buf_error(err, ERR_NOMEM, "webhooks: cannot start libcurl");
	if (!(s = calloc(1, sizeof(*s))))
		return buf_error(err, ERR_NOMEM, "webhooks: out of memory");
	s->app = app;
	s->timeout_ms = timeout_ms > 0 ? timeout_ms : 10000L;
	s->allow_private = allow_private;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	if (pthread_create(&s->thread, NULL, run, s)) {
		pthread_cond_destroy(&s->cv);
		pthread_mutex_destroy(&s->mu);
		free(s);
		return buf_error(err, ERR_IO, "webhooks: cannot start the sender thread");
	}
	*out = s;
	return 0;
}

void webhook_sender_stop(struct webhook_sender *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->mu);
	s->stop = true;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->thread, NULL);
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	free(s);
}
