/* server.c - the libmicrohttpd daemon: request lifecycle, body cap, the security layer, answers. */
#include "http/server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "app/sessions.h"
#include "http/http_int.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/log.h"

/*
 * MHD's memory per connection. It must hold the largest head we answer
 * ourselves (HTTP_URI_MAX, HTTP_HEADERS_MAX) with room to spare: a head
 * larger than MHD's buffer is refused by MHD itself, with its own body.
 * No larger: MHD zeroes the whole pool before each request on a kept-alive
 * connection (MHD_pool_reset), and at 64 KiB that memset alone was 7.5 % of
 * the server's CPU in the durable flow (bench/README.md, issue 13).
 */
#define CONN_MEMORY (32 * 1024)
/* MHD's limit above ours, per thread: connections to refuse with a 503 (conn.c). */
#define CONN_SLACK 64
/* Connections on the local socket. */
#define LOCAL_CONNS 64

/* ------------------------------------------------------------ answering */

static void count_answer(struct http_server *h, int status)
{
	unsigned cls = (unsigned)status / 100;

	atomic_fetch_add(&h->by_class[cls < 6 ? cls : 0], 1);
}

/* Hands the request's answer to MHD. Every answer leaves through here. */
static enum MHD_Result queue_answer(struct req *r)
{
	struct MHD_Response *resp;
	const char *ctype = "application/json";
	char *text = NULL;
	size_t len = 0;
	enum MHD_Result ret;

	if (r->stream_fn && r->status == 200) {
		/* Unknown size: chunked on HTTP/1.1; MHD frees the context with the response. */
		resp = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 64 * 1024, r->stream_fn,
							 r->stream_ctx, r->stream_free);
		if (!resp)
			return MHD_NO;
		r->stream_ctx = NULL;
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, r->ctype);
		if (r->disposition[0])
			MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_DISPOSITION,
						r->disposition);
		/* Client data in bulk: never kept by a cache on the way. */
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
		http__answer_headers(r, resp);
		ret = MHD_queue_response(r->conn, 200, resp);
		MHD_destroy_response(resp);
		r->queued = true;
		count_answer(r->srv, 200);
		return ret;
	}
	if (r->raw) {
		text = r->raw;
		len = r->raw_len;
		r->raw = NULL;
		ctype = r->ctype;
	} else if (r->out && r->status != 204) {
		text = json_dumps(r->out, JSON_COMPACT | JSON_ENCODE_ANY);
		if (!text) {
			r->status = 503;
		} else {
			len = strlen(text);
		}
	}
	if (r->stream && r->status == 200) {
		free(text);
		text = NULL;
		len = 0;
		resp = http__sse_response(r); /* the dashboard's events (sse.c) */
	} else {
		resp = MHD_create_response_from_buffer(len, text, MHD_RESPMEM_MUST_FREE);
	}
	if (!resp) {
		free(text);
		return MHD_NO;
	}
	if (len)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	if (r->gzip)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_ENCODING, "gzip");
	if (r->ctype && !strncmp(r->ctype, "text/", 5))
		MHD_add_response_header(resp, MHD_HTTP_HEADER_VARY, "Accept-Encoding");
	if (r->allow[0])
		MHD_add_response_header(resp, MHD_HTTP_HEADER_ALLOW, r->allow);
	if (r->replayed)
		MHD_add_response_header(resp, "Idempotent-Replayed", "true");
	if (r->status == 401)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_WWW_AUTHENTICATE, "Bearer");
	http__answer_headers(r, resp);
	if (r->retry_after > 0) {
		char ra[16];

		snprintf(ra, sizeof(ra), "%d", r->retry_after);
		MHD_add_response_header(resp, MHD_HTTP_HEADER_RETRY_AFTER, ra);
	}
	if (r->status >= 500)
		log_warn("%s %s answered %d: %.200s", r->method, r->path, r->status,
			 text ? text : "");
	ret = MHD_queue_response(r->conn, (unsigned)r->status, resp);
	MHD_destroy_response(resp);
	r->queued = true;
	count_answer(r->srv, r->status);
	return ret;
}

/* ------------------------------------------------------- security layer */

/* The request line and headers within our limits, answered in our error shape. */
static bool head_too_big(struct req *r)
{
	const union MHD_ConnectionInfo *ci =
	    MHD_get_connection_info(r->conn, MHD_CONNECTION_INFO_REQUEST_HEADER_SIZE);

	if (r->uri_len > HTTP_URI_MAX) {
		http__fail(r, ERR_TOOBIG, "the request target is longer than %d bytes",
			   HTTP_URI_MAX);
		r->status = 414;
		return true;
	}
	if (ci && ci->header_size > HTTP_HEADERS_MAX) {
		http__fail(r, ERR_TOOBIG, "the request headers are larger than %d bytes",
			   HTTP_HEADERS_MAX);
		r->status = 431;
		return true;
	}
	return false;
}

/*
 * Everything a request passes before its body is read, as soon as its
 * headers are in, in this order: the size of its head (414, 431), a NUL in
 * its target (400), the route (404, 405), authentication (authn.c: 401;
 * 429 past the address's limit for requests without a valid token, which
 * public routes count too; the CSRF token of a session's write, 403), the
 * rate limit of the user (429), the role
 * (403), the query parameters the route declares (400). False when the request is answered: MHD then closes the
 * connection without reading the body. The handler runs once the body is
 * in, and only decides record scope.
 */
static bool gate(struct req *r)
{
	int rc;

	if (head_too_big(r))
		return false;
	if (r->has_nul) {
		http__fail(r, ERR_INVALID, "the request target holds an encoded NUL (%%00)");
		return false;
	}
	rc = http__route_find(r->method, r->path, &r->route, r->param, &r->n_param, r->allow,
			      sizeof(r->allow));
	if (rc == ERR_NOTFOUND) {
		http__fail(r, rc, "no route for %.200s", r->path);
		return false;
	}
	if (rc == ERR_METHOD) {
		http__fail(r, rc, "%s is not allowed on this route; allowed: %s", r->method,
			   r->allow);
		return false;
	}
	if (!http__authenticate(r))
		return false;
	/* The role's question only; the record's scope is asked by the use case. */
	if (policy_check(&r->actor, r->route->action, NULL) != POLICY_ALLOW) {
		http__fail(r, ERR_FORBIDDEN, "role %s may not call %s %s",
			   role_name(r->actor.role), r->route->method, r->route->pattern);
		return false;
	}
	/* A list's filter misspelt must not quietly widen the answer. */
	return http__query_check(r) == 0;
}

/* The handler, once the body is in (and again each time the engine resumes it). */
static void dispatch(struct req *r)
{
	int rc;

	r->suspended = false;
	rc = r->route->fn(r);
	if (rc == ERR_SUSPENDED && r->suspended)
		return;
	if (rc && !r->out && !r->raw)
		http__fail(r, rc, NULL);
	else if (!rc && !r->status)
		http__fail(r, ERR_INTERNAL, "the handler gave no answer");
}

/* ----------------------------------------------------- request lifecycle */

static struct req *req_new(struct http_listener *l, struct MHD_Connection *conn)
{
	struct req *r = calloc(1, sizeof(*r));
	struct http_server *h = l->srv;

	if (!r)
		return NULL;
	r->srv = h;
	r->local = l->local;
	r->conn = conn;
	buf_init(&r->body, h->opts.max_body);
	return r;
}

static void req_free(struct req *r)
{
	if (r->import) /* the connection ended before the upload did */
		http__import_abort(r);
	http__sse_discard(r->stream); /* opened, never answered */
	if (r->pending && !atomic_load(&r->pending_done))
		log_error("http: request freed while the engine holds its command; leaking it");
	else
		http__pending_free(r);
	if (r->stream_ctx && r->stream_free)
		r->stream_free(r->stream_ctx);
	buf_release(&r->body);
	json_decref(r->out);
	free(r->raw);
	free(r);
}

/*
 * MHD's URI log callback: the request target as it came, before MHD
 * decodes it and cuts it at an encoded NUL. The request is made here (MHD
 * hands what we answer to the request callback as *con_cls) with what the
 * raw target says: its length and whether it holds a %00.
 */
static void *on_uri(void *cls, const char *uri, struct MHD_Connection *conn)
{
	struct http_listener *l = cls;
	struct req *r = req_new(l, conn);
	const union MHD_ConnectionInfo *ci;

	if (!r)
		return NULL;
	r->uri_len = strlen(uri);
	r->has_nul = strstr(uri, "%00") != NULL;
	if (!l->local) {
		ci = MHD_get_connection_info(conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
		http__addr_key(ci ? ci->client_addr : NULL, r->addr);
	}
	return r;
}

/* A declared Content-Length above the cap: refuse before reading any of it. */
static bool declared_too_big(struct req *r)
{
	const char *cl =
	    MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
	unsigned long long n;
	char *end;

	if (!cl)
		return false;
	n = strtoull(cl, &end, 10);
	return end != cl && n > r->srv->opts.max_body;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
				  const char *method, const char *version, const char *upload_data,
				  size_t *upload_data_size, void **con_cls)
{
	struct http_listener *l = cls;
	struct http_server *h = l->srv;
	struct req *r = *con_cls;
	int rc;

	(void)version;
	if (!r)
		return MHD_NO; /* out of memory in on_uri */
	if (!r->method) {
		/*
		 * The headers are in and the body is not: MHD lets us answer
		 * now, and then closes the connection instead of reading it.
		 */
		r->method = method;
		r->path = url;
		if (!gate(r))
			return queue_answer(r);
		if (r->route->fn == h_imports_create) {
			/*
			 * An import's body is the file: streamed to the use case as it
			 * arrives (its own limits), never buffered. An authenticated
			 * upload may take longer than the receive deadline; MHD's idle
			 * timeout still closes a silent one.
			 */
			if (http__import_begin(r))
				return queue_answer(r);
			http__conn_received(l->conns, conn);
			return MHD_YES;
		}
		if (declared_too_big(r)) {
			http__fail(r, ERR_TOOBIG, "the body is larger than %zu bytes",
				   h->opts.max_body);
			return queue_answer(r);
		}
		return MHD_YES;
	}
	if (r->queued) {
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*upload_data_size && r->import) {
		http__import_feed(r, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (*upload_data_size) {
		/*
		 * A chunked body past the cap: MHD allows no answer until the
		 * request is complete, so the rest is read and dropped.
		 */
		if (!r->too_big) {
			rc = buf_append(&r->body, upload_data, *upload_data_size);
			if (rc == ERR_TOOBIG)
				r->too_big = true;
			else if (rc)
				return MHD_NO;
		}
		*upload_data_size = 0;
		return MHD_YES;
	}
	/* The whole request is in: no receive deadline while it is handled and answered. */
	http__conn_received(l->conns, conn);
	if (r->too_big) {
		http__fail(r, ERR_TOOBIG, "the body is larger than %zu bytes", h->opts.max_body);
	} else {
		dispatch(r);
		if (r->suspended)
			return MHD_YES; /* the engine resumes us; we run again then */
	}
	return queue_answer(r);
}

static void on_completed(void *cls, struct MHD_Connection *conn, void **con_cls,
			 enum MHD_RequestTerminationCode toe)
{
	struct http_listener *l = cls;

	(void)toe;
	/* The next request on this connection must arrive within the timeout from now. */
	http__conn_next(l->conns, conn);
	if (*con_cls)
		req_free(*con_cls);
	*con_cls = NULL;
}

static void on_mhd_log(void *cls, const char *fmt, va_list ap)
{
	char msg[512];
	size_t n;

	(void)cls;
	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	while (n && msg[n - 1] == '\n')
		msg[--n] = '\0';
	log_warn("mhd: %s", msg);
}

/* ---------------------------------------------------------------- metrics */

void http__metrics_text(struct http_server *h, struct buf *out, bool detail)
{
	static const char *const cls[6] = {"other", "1xx", "2xx", "3xx", "4xx", "5xx"};
	struct engine_stats st;
	uint64_t refused, cut;

	buf_puts(out,
		 "# HELP alihdaya_http_requests_total HTTP requests answered, by status class.\n"
		 "# TYPE alihdaya_http_requests_total counter\n");
	for (int i = 1; i <= 6; i++) {
		int k = i % 6; /* "other" last */

		buf_printf(out, "alihdaya_http_requests_total{class=\"%s\"} %llu\n", cls[k],
			   (unsigned long long)atomic_load(&h->by_class[k]));
	}
	buf_printf(out,
		   "# HELP alihdaya_http_rate_limited_total Requests refused by the per-token rate "
		   "limit.\n"
		   "# TYPE alihdaya_http_rate_limited_total counter\n"
		   "alihdaya_http_rate_limited_total %llu\n",
		   (unsigned long long)atomic_load(&h->rate_limited));
	http__conns_counts(h->tcp.conns, &refused, &cut);
	buf_printf(out,
		   "# HELP alihdaya_http_connections_refused_total Connections answered 503 past the "
		   "connection limit.\n"
		   "# TYPE alihdaya_http_connections_refused_total counter\n"
		   "alihdaya_http_connections_refused_total %llu\n"
		   "# HELP alihdaya_http_connections_cut_total Connections closed because a request "
		   "was not received whole within the timeout.\n"
		   "# TYPE alihdaya_http_connections_cut_total counter\n"
		   "alihdaya_http_connections_cut_total %llu\n",
		   (unsigned long long)refused, (unsigned long long)cut);
	if (!h->engine)
		return;
	engine_get_stats(h->engine, &st);
	buf_printf(out,
		   "# HELP alihdaya_engine_commands_total Commands the engine applied.\n"
		   "# TYPE alihdaya_engine_commands_total counter\n"
		   "alihdaya_engine_commands_total %llu\n"
		   "# HELP alihdaya_engine_batches_total Transactions the engine committed (group "
		   "commits).\n"
		   "# TYPE alihdaya_engine_batches_total counter\n"
		   "alihdaya_engine_batches_total %llu\n"
		   "# HELP alihdaya_engine_commit_failures_total Batches whose commit failed.\n"
		   "# TYPE alihdaya_engine_commit_failures_total counter\n"
		   "alihdaya_engine_commit_failures_total %llu\n"
		   "# HELP alihdaya_engine_queued_items Items waiting in queues.\n"
		   "# TYPE alihdaya_engine_queued_items gauge\n"
		   "alihdaya_engine_queued_items %llu\n"
		   "# HELP alihdaya_engine_leased_items Items leased to workers.\n"
		   "# TYPE alihdaya_engine_leased_items gauge\n"
		   "alihdaya_engine_leased_items %llu\n"
		   "# HELP alihdaya_engine_leases_expired_total Leases that ran out.\n"
		   "# TYPE alihdaya_engine_leases_expired_total counter\n"
		   "alihdaya_engine_leases_expired_total %llu\n",
		   (unsigned long long)st.commands, (unsigned long long)st.batches,
		   (unsigned long long)st.commit_failures, (unsigned long long)st.queued_items,
		   (unsigned long long)st.leased_items, (unsigned long long)st.leases_expired);
	buf_printf(out,
		   "# HELP alihdaya_engine_apply_seconds_total Time the engine spent applying commands.\n"
		   "# TYPE alihdaya_engine_apply_seconds_total counter\n"
		   "alihdaya_engine_apply_seconds_total %.6f\n"
		   "# HELP alihdaya_engine_commit_seconds_total Time the engine spent committing (fsync).\n"
		   "# TYPE alihdaya_engine_commit_seconds_total counter\n"
		   "alihdaya_engine_commit_seconds_total %.6f\n",
		   (double)st.apply_us / 1e6, (double)st.commit_us / 1e6);
	if (detail)
		http__dash_metrics(h, out); /* per engagement (h_dashboard.c) */
}

/* ------------------------------------------------------------ start, stop */

static void server_free(struct http_server *h)
{
	if (!h)
		return;
	/* After MHD (no upload left to submit): the running import stops between pieces. */
	app_import_runner_stop(h->imports);
	http__rate_free(h->rate);
	http__iprate_free(h->iprate);
	http__iprate_free(h->signin_addr);
	http__iprate_free(h->signin_login);
	http__conns_free(h->tcp.conns);
	http__conns_free(h->local.conns);
	http__sse_free(h->sse);
	free(h->local_path);
	free(h->bind);
	free(h->web_dir);
	free(h);
}

/*
 * A listening Unix stream socket at path, mode 0600. The caller holds the
 * data directory lock, so a socket already there is a dead server's: it is
 * removed. Anything else at the path is left alone and refused.
 * OUT: *fd_out.
 */
static int local_listen(const char *path, int *fd_out, struct buf *err)
{
	struct sockaddr_un sun;
	size_t n = strlen(path);
	struct stat st;
	int fd, rc;

	*fd_out = -1;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (n >= sizeof(sun.sun_path))
		return buf_error(err, ERR_INVALID,
				 "http: the socket path %s is longer than %zu bytes; use a shorter "
				 "data directory path",
				 path, sizeof(sun.sun_path) - 1);
	memcpy(sun.sun_path, path, n + 1);
	if (!lstat(path, &st)) {
		if (!S_ISSOCK(st.st_mode))
			return buf_error(err, ERR_EXISTS, "http: %s exists and is not a socket", path);
		if (unlink(path))
			return buf_error(err, ERR_IO, "http: cannot remove the stale socket %s: %s",
					 path, strerror(errno));
	}
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return buf_error(err, ERR_IO, "http: socket: %s", strerror(errno));
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		rc = buf_error(err, ERR_IO, "http: cannot bind %s: %s", path, strerror(errno));
		close(fd);
		return rc;
	}
	/* Before listen(): until then nobody can connect, whatever the umask made it. */
	if (chmod(path, 0600) || listen(fd, 64)) {
		rc = buf_error(err, ERR_IO, "http: cannot set up %s: %s", path, strerror(errno));
		close(fd);
		unlink(path);
		return rc;
	}
	*fd_out = fd;
	return 0;
}

/* The second daemon: the same requests on the local socket, one thread. */
static int local_start(struct http_server *h, const char *path, struct buf *err)
{
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
			 MHD_ALLOW_SUSPEND_RESUME;
	int fd, rc;

	h->local_path = strdup(path);
	if (!h->local_path)
		return buf_error(err, ERR_NOMEM, "http: out of memory");
	if ((rc = local_listen(path, &fd, err)))
		return rc;
	h->local.srv = h;
	h->local.local = true;
	if ((rc = http__conns_new(LOCAL_CONNS, h->opts.conn_timeout_s, &h->local.conns))) {
		close(fd);
		unlink(path);
		return buf_error(err, rc, "http: cannot track connections");
	}
	h->local_daemon = MHD_start_daemon(
	    flags, 0, NULL, NULL, on_request, &h->local, MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log,
	    (void *)NULL, MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd, MHD_OPTION_CONNECTION_LIMIT,
	    (unsigned)(LOCAL_CONNS + CONN_SLACK), MHD_OPTION_CONNECTION_TIMEOUT,
	    (unsigned)h->opts.conn_timeout_s, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	    (size_t)CONN_MEMORY, MHD_OPTION_NOTIFY_CONNECTION, http__conn_notify,
	    (void *)h->local.conns, MHD_OPTION_URI_LOG_CALLBACK, on_uri, (void *)&h->local,
	    MHD_OPTION_NOTIFY_COMPLETED, on_completed, (void *)&h->local, MHD_OPTION_END);
	if (!h->local_daemon) {
		close(fd);
		unlink(path);
		return buf_error(err, ERR_IO, "http: cannot serve on %s", path);
	}
	log_info("http: listening on %s as the local admin", path);
	return 0;
}

int http_start(const struct http_opts *o, struct engine *e, struct store *s,
	       struct http_server **out, struct buf *err)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *sin = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&ss;
	/*
	 * MHD_USE_TURBO: accept and read on a socket before asking epoll whether it is
	 * ready (non-blocking: a miss costs one EAGAIN); a kept-alive request then
	 * needs fewer epoll calls (bench/README.md, durable13d).
	 */
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ERROR_LOG |
			 MHD_ALLOW_SUSPEND_RESUME | MHD_USE_TURBO;
	const union MHD_DaemonInfo *info;
	struct http_server *h;
	const char *bind;
	int rc;

	*out = NULL;
	if (o->port < 0 || o->port > 65535 || o->threads < 1 || o->max_body < 1 ||
	    o->max_depth < 1 || o->max_connections < 1 || o->conn_timeout_s < 0 ||
	    o->rate_per_s < 0 || o->rate_burst < 0 || o->fail_rate_per_s < 0 ||
	    o->session_idle_ms < 0 || o->session_max_ms < 0 || o->signin_fails < 0)
		return buf_error(err, ERR_INVALID, "http: an option is out of range");
	h = calloc(1, sizeof(*h));
	if (!h)
		return buf_error(err, ERR_NOMEM, "http: out of memory");
	h->opts = *o;
	h->engine = e;
	h->app.engine = e;
	h->app.store = s;
	h->app.keys = o->keys;
	h->app.data_dir = o->data_dir;
	h->app.clock = o->clock;
	h->app.clock_arg = o->clock_arg;
	h->store = s;
	bind = o->bind && *o->bind ? o->bind : "127.0.0.1";
	h->bind = strdup(bind);
	h->web_dir = o->web_dir && *o->web_dir ? strdup(o->web_dir) : NULL;
	if (!h->bind || (o->web_dir && *o->web_dir && !h->web_dir)) {
		rc = buf_error(err, ERR_NOMEM, "http: out of memory");
		goto out;
	}
	h->opts.bind = h->bind;
	h->opts.web_dir = h->web_dir;
	if (o->rate_per_s > 0) {
		rc = http__rate_new(o->rate_per_s, o->rate_burst, &h->rate);
		if (rc) {
			buf_error(err, rc, "http: cannot set up the rate limiter");
			goto out;
		}
	}
	if (o->fail_rate_per_s > 0) {
		rc = http__iprate_new(o->fail_rate_per_s, HTTP_FAIL_BURST * o->fail_rate_per_s,
				      &h->iprate);
		if (rc) {
			buf_error(err, rc, "http: cannot set up the address rate limiter");
			goto out;
		}
	}

	/* Failed sign-ins: a login's burst, one more a minute; an address may have 4 times as many. */
	if (o->signin_fails > 0 &&
	    ((rc = http__iprate_new_window(1, 60000, o->signin_fails, &h->signin_login)) ||
	     (rc = http__iprate_new_window(4, 60000, 4 * o->signin_fails, &h->signin_addr)))) {
		buf_error(err, rc, "http: cannot set up the sign-in limits");
		goto out;
	}
	if (e && ((rc = http__sse_new(h, o->sse_max > 0 ? o->sse_max : 32, &h->sse)) ||
		  (rc = http__sse_start(h->sse)))) {
		buf_error(err, rc, "http: cannot set up the dashboard's event streams");
		goto out;
	}
	if (e && o->data_dir && (rc = app_import_runner_start(&h->app, &h->imports, err)))
		goto out;
	if (!h->opts.session_idle_ms)
		h->opts.session_idle_ms = APP_SESSION_IDLE_MS;
	if (!h->opts.session_max_ms)
		h->opts.session_max_ms = APP_SESSION_MAX_MS;

	memset(&ss, 0, sizeof(ss));
	if (inet_pton(AF_INET, bind, &sin->sin_addr) == 1) {
		sin->sin_family = AF_INET;
		sin->sin_port = htons((uint16_t)o->port);
	} else if (inet_pton(AF_INET6, bind, &sin6->sin6_addr) == 1) {
		sin6->sin6_family = AF_INET6;
		sin6->sin6_port = htons((uint16_t)o->port);
		flags |= MHD_USE_IPv6;
	} else {
		rc =
		    buf_error(err, ERR_INVALID, "http: bind address %s is not an IP address", bind);
		goto out;
	}

	h->tcp.srv = h;
	if ((rc = http__conns_new(o->max_connections, o->conn_timeout_s, &h->tcp.conns))) {
		buf_error(err, rc, "http: cannot track connections");
		goto out;
	}
	/*
	 * MHD gets room above our limit: at its own it stops accepting and new
	 * connections wait in the backlog; past ours (conn.c) they are answered
	 * 503 at once. Each thread of the pool has its share of MHD's limit.
	 */
	h->daemon = MHD_start_daemon(
	    flags, (uint16_t)o->port, NULL, NULL, on_request, &h->tcp, MHD_OPTION_EXTERNAL_LOGGER,
	    on_mhd_log, (void *)NULL, MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
	    MHD_OPTION_THREAD_POOL_SIZE, (unsigned)o->threads, MHD_OPTION_CONNECTION_LIMIT,
	    (unsigned)o->max_connections + (unsigned)(CONN_SLACK * o->threads),
	    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)o->conn_timeout_s,
	    MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)CONN_MEMORY, MHD_OPTION_NOTIFY_CONNECTION,
	    http__conn_notify, (void *)h->tcp.conns, MHD_OPTION_URI_LOG_CALLBACK, on_uri,
	    (void *)&h->tcp, MHD_OPTION_NOTIFY_COMPLETED, on_completed, (void *)&h->tcp,
	    MHD_OPTION_END);
	if (!h->daemon) {
		rc = buf_error(err, ERR_IO, "http: cannot listen on %s port %d", bind, o->port);
		goto out;
	}
	info = MHD_get_daemon_info(h->daemon, MHD_DAEMON_INFO_BIND_PORT);
	h->port = info && info->port ? info->port : o->port;
	log_info("http: listening on %s port %d with %d threads", bind, h->port, o->threads);
	if (o->local_socket && (rc = local_start(h, o->local_socket, err))) {
		MHD_stop_daemon(h->daemon);
		goto out;
	}
	h->opts.local_socket = h->local_path;
	*out = h;
	return 0;
out:
	server_free(h);
	return rc;
}

int http_port(const struct http_server *h)
{
	return h ? h->port : 0;
}

void http_stop(struct http_server *h)
{
	MHD_socket ls;

	if (!h)
		return;
	/* No new connections on either; requests already waiting on the engine finish. */
	if (h->daemon) {
		ls = MHD_quiesce_daemon(h->daemon);
		if (ls != MHD_INVALID_SOCKET)
			close(ls);
	}
	if (h->local_daemon) {
		ls = MHD_quiesce_daemon(h->local_daemon);
		if (ls != MHD_INVALID_SOCKET)
			close(ls);
		unlink(h->local_path);
	}
	atomic_store(&h->stopping, true);
	/* The dashboard's streams end now (suspended ones resumed), or MHD could not stop. */
	http__sse_stop(h->sse);
	while (atomic_load(&h->suspended) > 0)
		usleep(1000);
	if (h->local_daemon)
		MHD_stop_daemon(h->local_daemon);
	if (h->daemon)
		MHD_stop_daemon(h->daemon);
	server_free(h);
}
