/* sse.c - the dashboard's event streams (Server-Sent Events): a bounded hub, suspended between events. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app/dashboard.h"
#include "http/http_int.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/log.h"
#include "wire/dashboard.h"

/*
 * A stream is one GET /v1/dashboard/events answered with a callback
 * response (MHD_create_response_from_callback). Its content reader writes
 * what is due (the first snapshot, a newer one at most once a second, a
 * heartbeat comment) and, with nothing due, suspends the connection and
 * returns 0, as microhttpd.h prescribes instead of a busy loop. The hub's
 * one thread wakes every HUB_TICK_MS, and resumes a suspended stream when
 * something is due for it: a newer snapshot, its heartbeat, the end. Every
 * HUB_CHECK_MS it checks again the credential the stream was opened with
 * (a signed-out session, a revoked token, a deactivated user end it), on
 * its own thread while the stream is suspended (nobody else touches a
 * suspended stream: only the hub resumes it). At shutdown every stream is
 * ended and resumed before MHD stops (MHD must not stop with a connection
 * suspended).
 */
#define HUB_TICK_MS 250
#define HUB_CHECK_MS 2000
#define SSE_HEARTBEAT_MS 15000
#define SSE_MIN_GAP_MS 1000
#define SSE_CRED_MAX 512
#define SSE_EVENT_MAX ((size_t)4 << 20) /* one snapshot event; more: the stream ends */

struct sse_stream {
	struct http_sse *hub;
	struct MHD_Connection *conn;
	struct actor actor;
	bool session; /* cred is a session cookie, else an Authorization header; local: none */
	bool local;
	char cred[SSE_CRED_MAX];
	bool suspended;	    /* under hub->mu */
	atomic_bool closing; /* set by the hub (stop, a credential gone), read by the reader */
	/* The stream's own (the MHD thread while running, the hub while suspended): */
	uint64_t sent_version;
	int64_t sent_at, beat_at, checked_at;
	struct buf out;
	size_t off;
};

struct http_sse {
	struct http_server *srv;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	pthread_t thread;
	bool started, stopping;
	int max, n;
	struct sse_stream **v; /* max slots, NULL: free */
};

int http__sse_new(struct http_server *h, int max, struct http_sse **out)
{
	struct http_sse *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s || !(s->v = calloc((size_t)max, sizeof(*s->v)))) {
		free(s);
		return ERR_NOMEM;
	}
	s->srv = h;
	s->max = max;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	*out = s;
	return 0;
}

/* Is the stream's credential still good (and its role still allowed)? */
static bool cred_ok(struct http_sse *hub, struct sse_stream *s)
{
	struct http_server *h = hub->srv;
	struct actor a;
	int rc;

	if (s->local)
		return true;
	if (s->session)
		rc = auth_session_check(h->store, s->cred, h->opts.session_idle_ms,
					app_now_ms(&h->app), &a); /* not a use: no keep-alive */
	else
		rc = auth_authenticate(h->store, s->cred, &a);
	return !rc && a.user_id == s->actor.user_id && !app_dashboard_allowed(&a, NULL);
}

static uint64_t latest_version(struct http_server *h)
{
	const struct dash_snapshot *d = engine_dash_get(h->engine, false);
	uint64_t v = d ? d->version : 0;

	engine_dash_put(h->engine, d);
	return v;
}

/* True if a suspended stream has something due at now (wall clock). */
static bool due(const struct sse_stream *s, uint64_t version, int64_t now)
{
	return atomic_load(&s->closing) || now - s->beat_at >= SSE_HEARTBEAT_MS ||
	       (version != s->sent_version && now - s->sent_at >= SSE_MIN_GAP_MS);
}

static void *hub_main(void *arg)
{
	struct http_sse *hub = arg;
	struct sse_stream *check[64];

	pthread_mutex_lock(&hub->mu);
	while (!hub->stopping) {
		struct timespec ts;
		int64_t until = clock_now_ms() + HUB_TICK_MS, now;
		uint64_t version;
		size_t n_check = 0;

		ts.tv_sec = (time_t)(until / 1000);
		ts.tv_nsec = (long)(until % 1000) * 1000000L;
		pthread_cond_timedwait(&hub->cv, &hub->mu, &ts);
		if (hub->stopping)
			break;
		pthread_mutex_unlock(&hub->mu);
		version = latest_version(hub->srv);
		now = clock_now_ms();
		pthread_mutex_lock(&hub->mu);
		/* Credentials are checked outside the lock: a store read each. */
		for (int i = 0; i < hub->max && n_check < sizeof(check) / sizeof(check[0]); i++) {
			struct sse_stream *s = hub->v[i];

			if (s && s->suspended && !atomic_load(&s->closing) &&
			    now - s->checked_at >= HUB_CHECK_MS)
				check[n_check++] = s;
		}
		pthread_mutex_unlock(&hub->mu);
		for (size_t i = 0; i < n_check; i++) {
			check[i]->checked_at = now;
			if (!cred_ok(hub, check[i]))
				atomic_store(&check[i]->closing, true);
		}
		pthread_mutex_lock(&hub->mu);
		for (int i = 0; i < hub->max; i++) {
			struct sse_stream *s = hub->v[i];

			if (s && s->suspended && due(s, version, now)) {
				s->suspended = false;
				MHD_resume_connection(s->conn);
			}
		}
	}
	pthread_mutex_unlock(&hub->mu);
	return NULL;
}

int http__sse_start(struct http_sse *hub)
{
	if (pthread_create(&hub->thread, NULL, hub_main, hub))
		return ERR_NOMEM;
	hub->started = true;
	return 0;
}

void http__sse_stop(struct http_sse *hub)
{
	bool left = true;

	if (!hub)
		return;
	pthread_mutex_lock(&hub->mu);
	hub->stopping = true;
	pthread_cond_broadcast(&hub->cv);
	pthread_mutex_unlock(&hub->mu);
	if (hub->started)
		pthread_join(hub->thread, NULL);
	hub->started = false;
	/* Every stream ends: a suspended one is resumed to say so (its reader answers the end). */
	pthread_mutex_lock(&hub->mu);
	for (int i = 0; i < hub->max; i++) {
		struct sse_stream *s = hub->v[i];

		if (!s)
			continue;
		atomic_store(&s->closing, true);
		if (s->suspended) {
			s->suspended = false;
			MHD_resume_connection(s->conn);
		}
	}
	pthread_mutex_unlock(&hub->mu);
	/* Resumed streams end within MHD's next turn; none can suspend again (closing). */
	for (int tries = 0; left && tries < 200; tries++) {
		pthread_mutex_lock(&hub->mu);
		left = false;
		for (int i = 0; i < hub->max; i++)
			if (hub->v[i] && hub->v[i]->suspended)
				left = true;
		pthread_mutex_unlock(&hub->mu);
		if (left) {
			struct timespec d = {0, 5 * 1000000L};

			nanosleep(&d, NULL);
		}
	}
}

/* After MHD stopped: nothing calls a stream any more. */
void http__sse_free(struct http_sse *hub)
{
	if (!hub)
		return;
	if (hub->started)
		http__sse_stop(hub);
	pthread_mutex_destroy(&hub->mu);
	pthread_cond_destroy(&hub->cv);
	free(hub->v);
	free(hub);
}

int http__sse_count(struct http_sse *hub)
{
	int n;

	pthread_mutex_lock(&hub->mu);
	n = hub->n;
	pthread_mutex_unlock(&hub->mu);
	return n;
}

/* The snapshot event as this stream's actor may see it, into s->out. 0 or an error. */
static int render_snapshot(struct sse_stream *s, bool fresh)
{
	struct http_server *h = s->hub->srv;
	struct dashboard_view v = DASHBOARD_VIEW_INIT;
	json_t *j = NULL;
	char *text = NULL;
	int rc;

	if ((rc = app_dashboard_get(&h->app, &s->actor, fresh, &v, NULL)))
		goto out;
	if (v.snap->version == s->sent_version)
		goto out; /* nothing new after all */
	rc = ERR_NOMEM;
	if (!(j = wire_dashboard(&v)) || !(text = json_dumps(j, JSON_COMPACT)))
		goto out;
	rc = buf_printf(&s->out, "event: snapshot\nid: %llu\ndata: %s\n\n",
			(unsigned long long)v.snap->version, text);
	if (!rc) {
		s->sent_version = v.snap->version;
		s->sent_at = s->beat_at = clock_now_ms();
	}
out:
	free(text);
	json_decref(j);
	dashboard_view_release(&v);
	return rc;
}

/* MHD_ContentReaderCallback: what is due, or suspend until something is. */
static ssize_t stream_read(void *cls, uint64_t pos, char *out, size_t max)
{
	struct sse_stream *s = cls;
	struct http_sse *hub = s->hub;
	int64_t now = clock_now_ms();
	size_t n;

	(void)pos;
	if (s->off == s->out.len) {
		bool first = s->sent_version == 0;

		buf_reset(&s->out);
		s->off = 0;
		if (atomic_load(&s->closing))
			return MHD_CONTENT_READER_END_OF_STREAM;
		if (first)
			buf_puts(&s->out, "retry: 3000\n\n");
		if (first || now - s->sent_at >= SSE_MIN_GAP_MS) {
			int rc = render_snapshot(s, first);

			if (rc && rc != ERR_FORBIDDEN && first)
				return MHD_CONTENT_READER_END_WITH_ERROR;
			if (rc == ERR_FORBIDDEN || rc == ERR_TOOBIG)
				return MHD_CONTENT_READER_END_OF_STREAM;
		}
		if (!s->out.len && now - s->beat_at >= SSE_HEARTBEAT_MS) {
			buf_puts(&s->out, ": keep-alive\n\n");
			s->beat_at = now;
		}
		if (!s->out.len) {
			pthread_mutex_lock(&hub->mu);
			if (atomic_load(&s->closing) || hub->stopping) {
				pthread_mutex_unlock(&hub->mu);
				return MHD_CONTENT_READER_END_OF_STREAM;
			}
			s->suspended = true;
			MHD_suspend_connection(s->conn);
			pthread_mutex_unlock(&hub->mu);
			return 0;
		}
	}
	n = s->out.len - s->off;
	if (n > max)
		n = max;
	memcpy(out, s->out.data + s->off, n);
	s->off += n;
	return (ssize_t)n;
}

/* MHD_ContentReaderFreeCallback: the response is gone with its connection. */
static void stream_free(void *cls)
{
	struct sse_stream *s = cls;
	struct http_sse *hub = s->hub;

	pthread_mutex_lock(&hub->mu);
	for (int i = 0; i < hub->max; i++)
		if (hub->v[i] == s) {
			hub->v[i] = NULL;
			hub->n--;
		}
	pthread_mutex_unlock(&hub->mu);
	engine_dash_watch(hub->srv->engine, -1);
	buf_release(&s->out);
	free(s);
}

int http__sse_open(struct req *r)
{
	struct http_sse *hub = r->srv->sse;
	struct sse_stream *s;
	const char *authz;
	int slot = -1;

	if (!hub || !r->srv->engine)
		return http__fail(r, ERR_BUSY, "event streams are not served here");
	if (!(s = calloc(1, sizeof(*s))))
		return ERR_NOMEM;
	buf_init(&s->out, SSE_EVENT_MAX);
	s->hub = hub;
	s->conn = r->conn;
	s->actor = r->actor;
	s->checked_at = clock_now_ms();
	authz = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
	if (r->cookie && !authz) {
		s->session = true;
		snprintf(s->cred, sizeof(s->cred), "%s", r->cookie);
	} else if (authz) {
		snprintf(s->cred, sizeof(s->cred), "%s", authz);
	} else {
		s->local = r->local;
	}
	if ((!s->local && strlen(s->cred) >= sizeof(s->cred) - 1)) {
		free(s);
		return http__fail(r, ERR_INVALID, "the credential is too long for an event stream");
	}
	pthread_mutex_lock(&hub->mu);
	for (int i = 0; !hub->stopping && i < hub->max && slot < 0; i++)
		if (!hub->v[i])
			slot = i;
	if (slot >= 0) {
		hub->v[slot] = s;
		hub->n++;
	}
	pthread_mutex_unlock(&hub->mu);
	if (slot < 0) {
		free(s);
		r->retry_after = 5;
		return http__fail(r, ERR_BUSY, "more than %d dashboard event streams are open",
				  hub->max);
	}
	engine_dash_watch(r->srv->engine, +1);
	r->stream = s;
	http__reply(r, 200, NULL);
	return 0;
}

void http__sse_discard(struct sse_stream *s)
{
	if (s)
		stream_free(s);
}

/* The answer of an opened stream (server.c's queue_answer). NULL: out of memory. */
struct MHD_Response *http__sse_response(struct req *r)
{
	struct sse_stream *s = r->stream;
	struct MHD_Response *resp;

	resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 16 * 1024, stream_read, s,
						 stream_free);
	if (!resp) {
		stream_free(s);
		return NULL;
	}
	r->stream = NULL;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, "text/event-stream");
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(resp, "X-Accel-Buffering", "no");
	return resp;
}
