/* server.h - the HTTP API server (libmicrohttpd): limits, the security layer, the route table. */
#ifndef ALIHDAYA_SERVER_H
#define ALIHDAYA_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "engine/engine.h"
#include "store/store.h"
#include "util/buf.h"

struct http_opts {
	const char *bind;         /* "127.0.0.1" */
	int port;                 /* 0 = pick a free port; see http_port() */
	int threads;              /* MHD internal thread pool size (default 4) */
	size_t max_body;          /* bytes, default 1 MiB */
	int max_depth;            /* JSON nesting, default 32 */
	int max_connections;      /* default 4096 */
	int conn_timeout_s;       /* idle/slow client timeout, default 30 */
	int rate_per_s;           /* requests per second per token, 0 = unlimited (default 0) */
	int rate_burst;           /* token bucket size (default 2 * rate_per_s) */
	const char *web_dir;      /* static web UI directory, NULL = none */
	/*
	 * A Unix socket path to serve the same API on as the local admin
	 * (AUTH_LOCAL_ADMIN, no token), NULL = none. The caller must hold the
	 * data directory's lock: a file already at the path is taken for a
	 * stale socket and removed. The socket is made mode 0600 before it
	 * listens, and removed by http_stop().
	 */
	const char *local_socket;
	/*
	 * Requests per second per client address that carry no valid token
	 * (none, a bad one, or a public route), 0 = unlimited (default 20);
	 * the bucket holds HTTP_FAIL_BURST (5) seconds of it. Over it: 429.
	 */
	int fail_rate_per_s;
	/* The keyring (sec/keys.h) for keys rotate and client removal; NULL: those answer 503. */
	struct keyring *keys;
	/* The data directory: the audit tree head the API serves (NULL: none). */
	const char *data_dir;
	/* The use cases' clock (serve --clock-file, as the engine's); NULL: the wall clock. */
	int64_t (*clock)(void *arg);
	void *clock_arg;
	/* Browser sessions: idle and absolute lifetimes in ms (0: 30 min, 12 h). */
	int64_t session_idle_ms;
	int64_t session_max_ms;
	/* Set-Cookie with Secure (served behind TLS). */
	bool secure_cookies;
	/* A reverse proxy's X-Forwarded-Proto: https turns Secure on for that request. */
	bool trust_proxy;
	/*
	 * Failed sign-ins a login may have (the burst) before 429; one more each
	 * minute. A client address may have 4 times as many. 0: unlimited.
	 */
	int signin_fails;
	/* Imports (docs/api.md "Imports"): 0 = the defaults (1 GiB, 5,000,000 rows, 1 MiB, 10,000) */
	uint64_t import_max_bytes;
	int64_t import_max_rows;
	size_t import_max_row;
	size_t import_max_fields;
	/* The dashboard's event streams open at once (GET /v1/dashboard/events); 0: 32. */
	int sse_max;
};

#define HTTP_OPTS_INIT                                                                             \
	{ "127.0.0.1", 8080, 4, (size_t)1 << 20, 32, 4096, 30, 0, 0, NULL, NULL, 20, NULL, NULL, NULL, NULL, 0, 0,     \
	  false, false, 5, 0, 0, 0, 0, 0 }

struct http_server;

/*
 * Starts serving on TCP and, if o->local_socket is set, on that Unix socket
 * too. A local socket that cannot be made (path longer than sun_path allows,
 * bind error) fails the start: the caller asked for it.
 * OUT: *out, stopped with http_stop().
 */
int http_start(const struct http_opts *o, struct engine *e, struct store *s,
	       struct http_server **out, struct buf *err);
/* The port actually bound. */
int http_port(const struct http_server *h);
/* Stops accepting, waits for requests in flight, frees. */
void http_stop(struct http_server *h);

#endif
