/* http_int.h - internals of the HTTP layer: the request, the route table, answer and input helpers.
 */
#ifndef ALIHDAYA_HTTP_INT_H
#define ALIHDAYA_HTTP_INT_H

#include <jansson.h>
#include <microhttpd.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "app/app.h"
#include "app/import_runner.h"
#include "app/imports.h"
#include "app/records.h"
#include "engine/engine.h"
#include "http/server.h"
#include "sec/auth.h"
#include "sec/policy.h"
#include "store/store.h"
#include "util/buf.h"

/*
 * Names: http__x are shared between the files of src/http and nowhere else
 * (libuv's double-underscore convention, spelled so it is not a reserved
 * identifier). Handlers are h_<resource>_<verb>.
 */

struct http_rate;
struct http_server;

/*
 * One listening daemon of the server, passed to MHD as the request
 * callback's argument so a request knows where it came from.
 */
struct http_listener {
	struct http_server *srv;
	bool local; /* the Unix socket: requests act as AUTH_LOCAL_ADMIN */
	struct http_conns *conns; /* its open connections (conn.c) */
};

/* The longest request target (path and query) and the largest headers we answer. */
#define HTTP_URI_MAX 8192
#define HTTP_HEADERS_MAX 16384
/* The burst of the per-address limit, in seconds of its rate. */
#define HTTP_FAIL_BURST 5
/* A client address as a rate limit key: family, then IPv4 or an IPv6 /64. */
#define HTTP_ADDR_KEY 9

struct http_server {
	struct http_opts opts; /* bind and web_dir point into the copies below */
	char *bind;
	char *web_dir;
	struct engine *engine;
	struct store *store;
	struct app app; /* the use cases run against store and engine */
	struct MHD_Daemon *daemon;
	int port;
	struct http_listener tcp;
	/* The Unix socket daemon, NULL when none; local_path is its file. */
	struct http_listener local;
	struct MHD_Daemon *local_daemon;
	char *local_path;
	struct http_rate *rate;		   /* NULL when rate_per_s == 0 */
	struct http_iprate *iprate;	   /* NULL when fail_rate_per_s == 0 */
	/* Failed sign-ins, per client address and per login (its hash): NULL when unlimited. */
	struct http_iprate *signin_addr, *signin_login;
	atomic_uint_fast64_t by_class[6];  /* answers by status / 100; [0] = anything else */
	atomic_uint_fast64_t rate_limited; /* 429s given by the limiter */
	/*
	 * Requests suspended while the engine runs their command. http_stop()
	 * sets stopping, then waits for this to reach 0: MHD must not be stopped
	 * with a connection suspended.
	 */
	atomic_int suspended;
	atomic_bool stopping;
	/* The dashboard's event streams (sse.c); NULL without an engine. */
	struct http_sse *sse;
	/* Spooled imports' rows (h_imports.c); NULL without an engine or a data directory. */
	struct app_import_runner *imports;
};

#define HTTP_MAX_PARAMS 2

/*
 * One request, from its first MHD callback to its completion. Handlers read
 * method, path, params, body and actor, and set the answer with
 * http__reply() / http__fail(). Owned by server.c.
 */
struct req {
	struct http_server *srv;
	struct MHD_Connection *conn;
	bool local; /* arrived on the Unix socket */
	/* From the raw request target (on_uri): its length, an encoded NUL in it. */
	size_t uri_len;
	bool has_nul;
	unsigned char addr[HTTP_ADDR_KEY]; /* the client's address as a rate limit key */
	int retry_after;		   /* seconds, for a Retry-After header; 0 = none */
	const char *method; /* NULL until the headers are in */
	const char *path; /* without the query string */
	struct buf body;  /* cap = opts.max_body */
	bool too_big;	  /* the body passed the cap: answer 413 */
	bool queued;	  /* an answer was already handed to MHD */
	const struct route *route;
	int64_t param[HTTP_MAX_PARAMS]; /* the :id segments of the path, in order */
	size_t n_param;
	struct actor actor; /* zero for public routes */
	/* The session cookie the actor was authenticated by (MHD's copy), NULL if none. */
	const char *cookie;
	int64_t session_expires; /* ms: when that session ends if not used again */
	char set_cookie[160];    /* a Set-Cookie header for the answer, "" = none */

	/* The answer. out is JSON (NULL = empty body); raw, if set, wins over out. */
	int status;
	json_t *out;
	char *raw; /* malloc'd */
	size_t raw_len;
	const char *ctype;
	bool gzip; /* raw is gzip-compressed: Content-Encoding: gzip (h_web.c) */
	bool replayed;
	char allow[64]; /* Allow header of a 405 */

	/*
	 * The command the engine runs for this request (owned here, with copies
	 * of the strings it points to). While it runs the connection is
	 * suspended; once answered the connection resumes and the handler runs
	 * again from the top, and http__engine() returns the stored answer.
	 */
	struct cmd *pending;
	atomic_bool pending_done;
	bool suspended;

	/* A streamed import (h_imports.c): the body goes to it as it arrives, not to body. */
	struct app_import *import;

	/*
	 * A streamed answer (h_exports.c): when stream_fn is set, a 200 is
	 * answered with MHD_create_response_from_callback(), which pulls the
	 * bytes from stream_fn(stream_ctx, ...) and frees stream_ctx with
	 * stream_free. stream_ctx alone (fn not yet set) is the handler's state
	 * between its runs; req_free() frees what was not handed to MHD.
	 */
	MHD_ContentReaderCallback stream_fn;
	MHD_ContentReaderFreeCallback stream_free;
	void *stream_ctx;
	char disposition[160]; /* a Content-Disposition header, "" = none */
	/* An event stream opened (sse.c): the answer is its callback response. */
	struct sse_stream *stream;
};

typedef int (*http_handler)(struct req *r);

/*
 * A route: method, path pattern and the policy action it takes. In a
 * pattern ":id" matches one segment of decimal digits (a positive id, put
 * in req.param) and a final "*" matches any non-empty rest.
 */
struct route {
	const char *method;
	const char *pattern;
	enum policy_action action; /* POL_PUBLIC = no authentication at all */
	http_handler fn;
};

/*
 * The query parameters the route of method + pattern declares (router.c's
 * second table), space-separated: any other one is 400, naming it. A route
 * not in that table takes none (""). NULL only for a NULL route.
 */
const char *http__route_query(const struct route *rt);

#define HTTP_Q_PAGE "after limit"
#define HTTP_Q_STAFF "interval aht model target within shrinkage max_occupancy"
#define HTTP_Q_PAGE_CLIENT "after limit client_id"
#define HTTP_Q_ITEMS                                                                               \
	"after limit state engagement_id client_id worker_id due_before due_after late "          \
	"external_ref ref_contains created_before created_after"

/* router.c: the one route table. */
extern const struct route http__routes[];
extern const size_t http__n_routes;

/*
 * Finds the route of method + path. 0 and *out / params set; ERR_NOTFOUND
 * when no pattern matches the path; ERR_METHOD when some do, but for other
 * methods: allow is then the Allow header value ("GET, POST").
 */
int http__route_find(const char *method, const char *path, const struct route **out,
		     int64_t params[HTTP_MAX_PARAMS], size_t *n_params, char *allow,
		     size_t allow_n);

/* rate.c: token bucket per user id. */
int http__rate_new(int rate_per_s, int burst, struct http_rate **out);
void http__rate_free(struct http_rate *rl);
/* True if the user may make one more request now (and takes the token). */
bool http__rate_take(struct http_rate *rl, int64_t user_id, int64_t now_ms);

/*
 * rate.c: token buckets per client address, in a table of fixed size (an
 * address new to a full neighbourhood evicts the least recently seen one).
 * check: 0 if the address may make a request now, else the seconds to wait
 * (for Retry-After); it takes nothing. charge: takes one request.
 */
struct http_iprate;
int http__iprate_new(int rate_per_s, int burst, struct http_iprate **out);
/* count requests a window_ms (a bucket of burst): for slow limits (failed sign-ins). */
int http__iprate_new_window(int count, int64_t window_ms, int burst, struct http_iprate **out);
void http__iprate_free(struct http_iprate *rl);
int http__iprate_check(struct http_iprate *rl, const unsigned char key[HTTP_ADDR_KEY],
		       int64_t now_ms);
void http__iprate_charge(struct http_iprate *rl, const unsigned char key[HTTP_ADDR_KEY],
			 int64_t now_ms);
/* Addresses evicted so far (tests). */
uint64_t http__iprate_evicted(struct http_iprate *rl);
/* The key of a client address (NULL or another family: all zero). OUT: key. */
struct sockaddr;
void http__addr_key(const struct sockaddr *sa, unsigned char key[HTTP_ADDR_KEY]);

/*
 * conn.c: the open connections of one daemon. More than max at once are
 * answered 503 and closed at once; a request not received whole within
 * timeout_s (0: no deadline) of the connection's start or of the previous
 * request's end has its socket shut down by a watchdog thread.
 */
struct http_conns;
int http__conns_new(int max, int timeout_s, struct http_conns **out);
/* After MHD_stop_daemon(). NULL is fine. */
void http__conns_free(struct http_conns *cs);
/* MHD_OPTION_NOTIFY_CONNECTION's callback; cls is the struct http_conns. */
void http__conn_notify(void *cls, struct MHD_Connection *conn, void **socket_context,
		       enum MHD_ConnectionNotificationCode code);
/* The request on conn is received whole: no deadline until http__conn_next(). */
void http__conn_received(struct http_conns *cs, struct MHD_Connection *conn);
/* A request on conn ended: the next one's deadline starts now. */
void http__conn_next(struct http_conns *cs, struct MHD_Connection *conn);
/* Connections refused past the limit, and cut at the deadline, so far. */
void http__conns_counts(struct http_conns *cs, uint64_t *refused, uint64_t *cut);

/* req.c: answers. Each replaces any answer set before. */

/* Answers status with body (stolen; NULL = empty). */
void http__reply(struct req *r, int status, json_t *body);
/*
 * Answers the error rc: {"error":{"code","message",...detail}} with
 * err_http_status(rc). fmt NULL = the table's message. detail (stolen, may
 * be NULL) is merged into the error object. Returns rc.
 */
int http__fail(struct req *r, int rc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int http__fail_detail(struct req *r, int rc, json_t *detail, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Answers a store read: 200 with j (stolen) if rc == 0, else the error. Returns rc. */
int http__read(struct req *r, int rc, json_t *j);

/* req.c: input. Every function sets the error answer itself when it fails. */

/*
 * The body as a JSON object: rejects nesting deeper than max_depth before
 * parsing, duplicate keys and non-objects. An empty body is {} when
 * empty_ok. OUT: *out (json_decref).
 */
int http__body(struct req *r, bool empty_ok, json_t **out);
/*
 * json_unpack_ex with JSON_STRICT: unknown or wrongly typed fields are 400;
 * a wrong type names its field ("sla_seconds: Expected integer, got string").
 */
int http__unpack(struct req *r, json_t *root, const char *fmt, ...);
int http__unpack_v(struct req *r, json_t *root, const char *fmt, va_list ap);
/*
 * Copies src (may be NULL when !required) into dst[n]: 400 if missing,
 * empty or too long for dst.
 */
int http__str(struct req *r, const char *field, const char *src, char *dst, size_t n,
	      bool required);
/* As http__str, and only [A-Za-z0-9_.:-] (codes, logins, skill names). */
int http__code(struct req *r, const char *field, const char *src, char *dst, size_t n,
	       bool required);
/* 400 unless lo <= v <= hi. */
int http__range(struct req *r, const char *field, json_int_t v, json_int_t lo, json_int_t hi);
/* 400 naming the first query parameter the route does not declare (route.query). */
int http__query_check(struct req *r);
/* ?name=true|false (absent: false); 400 for anything else. */
int http__query_bool(struct req *r, const char *name, bool *out);
/* A query string value, NULL if absent. */
const char *http__query(struct req *r, const char *name);
/* Optional positive id in the query string; *out = 0 when absent. 400 if malformed. */
int http__query_id(struct req *r, const char *name, int64_t *out);
/* The page as the query string gives it (app/input.h); ?client_id= only when by_client. */
void http__page_in(struct req *r, bool by_client, struct app_page_in *in);
/* ?after= and ?limit= into pg (other fields zeroed). 400 if malformed or out of range. */
int http__page(struct req *r, struct store_page *pg);

/*
 * An array of {code, level?} (NULL arr = none) as given, into out[cap]:
 * only its shape is checked (the use case checks codes, levels, repeats).
 * OUT: *n, the array's size (it may be over cap: the use case refuses it).
 */
int http__levels(struct req *r, const char *field, json_t *arr, struct app_level_in *out,
		 size_t cap, size_t *n);

/*
 * h_engagements.c: "sensitive": [{field, mask}] (NULL arr = none) into out[cap],
 * shape only. OUT: *n, the array's size (it may be over cap).
 */
struct sensitive_in;
int http__sensitive(struct req *r, json_t *arr, struct sensitive_in *out, size_t cap, size_t *n);
/*
 * h_engagements.c: "wall": {clients: [client id], days} or null (none) into in,
 * its ids into ids[MODEL_MAX_WALL]; shape only. v NULL: not given.
 */
struct engagement_in;
int http__wall(struct req *r, json_t *v, int64_t *ids, struct engagement_in *in);
/* item_types: [code] (null or absent: none) into out[MODEL_MAX_ITEM_TYPES], pointers into v. */
int http__item_types(struct req *r, json_t *v, const char **out, struct engagement_in *in);

/* req_app.c: an optional integer of the body as a use case's number (NULL: APP_ABSENT); 400 if not one. */
int http__num(struct req *r, const char *field, json_t *v, double *out);

/* req.c: engine commands. */

/* A zeroed command of type t for this request's actor (heap: struct cmd is large). */
struct cmd *http__cmd_new(struct req *r, enum cmd_type t);
/* Frees the command and its reply. NULL is fine. */
void http__cmd_free(struct cmd *c);
/*
 * Reads the Idempotency-Key header into c (400 if malformed) and hashes
 * method, path and body into c->req_hash. Without the header c is unchanged.
 * key must outlive the call to the engine: it points into MHD's headers.
 */
int http__idem(struct req *r, struct cmd *c);
/*
 * Runs c through the engine and answers from it: the outcome as a status
 * (created 201, ok 200, none 204) with the result rendered (a replay: the
 * stored answer), or the error with the engine's message and state.
 * Returns c->rc. The first time, the command is handed to the engine and
 * ERR_SUSPENDED is returned: the handler must return it at once, without
 * answering; it runs again when the engine has answered.
 */
int http__engine(struct req *r, struct cmd *c);
/* Frees r->pending (a finished command) and its string copies. */
void http__pending_free(struct req *r);

typedef int (*http_getter)(struct store *s, int64_t id, json_t **out);
/*
 * After a successful http__engine(): an answer that is only {"id": N} is
 * replaced by the record get() reads (the batch is committed by then, so a
 * reader sees it). Anything else is left as the engine gave it.
 */
void http__expand(struct req *r, http_getter get);

/* req_app.c: use cases (app/). */

/*
 * Answers a use case's error: its line in err for ERR_INVALID and
 * ERR_NOTFOUND, else the table's message. Releases err; returns rc.
 */
int http__app_fail(struct req *r, int rc, struct buf *err);
/* Answers the list of kind k (app_list()): the page of ?after=&limit= (?client_id= when by_client). */
int http__list(struct req *r, enum app_kind k, bool by_client);
/*
 * http__list with the page as given (the audit trail adds its filters), and
 * out (NULL: none) adding to the page's records before the answer.
 */
int http__list_in(struct req *r, enum app_kind k, const struct app_page_in *in,
		  int (*out)(struct req *r, json_t *data));
/* Answers the record of kind k with this id as the actor may read it (app_get()). */
int http__get(struct req *r, enum app_kind k, int64_t id);
/* A write request on its way: its body, its command, the use case's error line. */
struct http_write {
	struct req *r;
	json_t *body; /* what the unpacked strings point into */
	struct cmd *c;
	struct buf err;
	int rc; /* http__write_begin()'s answered error */
};

/*
 * Reads the body (empty allowed only when fmt is "{}"), unpacks it as
 * http__unpack() does and makes the command of type t. 0, or the error
 * (answered, nothing left to free) in w->rc.
 */
int http__write_begin(struct req *r, struct http_write *w, enum cmd_type t, const char *fmt,
		      ...);
/*
 * rc is the handler's own parsing after http__write_begin() (answered
 * already when not 0). Then app_write() fills w->c from in (the use case's
 * input for the command's type), its error answered with its line in
 * w->err; else the command runs through http__engine(), and an answer of
 * only {"id": N} becomes the record the write shows (app_write_shows()) as
 * the actor reads it. Frees w. Returns as http__engine() (ERR_SUSPENDED:
 * return it at once).
 */
int http__write_end(struct http_write *w, int rc, const void *in);
/* http__write_begin() and http__write_end(), for a write whose body needs nothing more. */
int http__write(struct req *r, enum cmd_type t, const void *in, const char *fmt, ...);

/* server.c */
void http__metrics_text(struct http_server *h, struct buf *out, bool detail);

/*
 * sse.c: the dashboard's event streams (docs/api.md "Dashboard"), at most
 * max open at once. new/start/stop/free follow the server's life: stop ends
 * every stream (resuming the suspended ones) before MHD stops, free after.
 * open registers the request's stream (503 past the limit); response makes
 * its answer; discard drops a stream never answered.
 */
struct http_sse;
struct sse_stream;
int http__sse_new(struct http_server *h, int max, struct http_sse **out);
int http__sse_start(struct http_sse *hub);
void http__sse_stop(struct http_sse *hub);
void http__sse_free(struct http_sse *hub);
int http__sse_count(struct http_sse *hub);
int http__sse_open(struct req *r);
struct MHD_Response *http__sse_response(struct req *r);
void http__sse_discard(struct sse_stream *s);
/* h_dashboard.c: the dashboard's figures per engagement in /metrics (Prometheus text). */
void http__dash_metrics(struct http_server *h, struct buf *out);
/* h_dashboard.c */
int h_dashboard_get(struct req *r);
int h_dashboard_events(struct req *r);

/*
 * authn.c: who is calling, as soon as the headers are in: the local socket's
 * admin, a bearer token, or a session cookie (which must bring its
 * X-CSRF-Token on anything but GET and HEAD), with the address's and the
 * user's rate limits. False when the request is answered (401, 403, 429).
 */
bool http__authenticate(struct req *r);
/* authn.c: the limit of requests without a valid token from the address: true when answered 429. */
bool http__address_limited(struct req *r);
/* authn.c: takes one request from the address's bucket. */
void http__address_charge(struct req *r);
/* authn.c: the headers every answer carries (Content-Security-Policy, ...) and Set-Cookie. */
void http__answer_headers(struct req *r, struct MHD_Response *resp);
/* authn.c: the session cookie to set (value "" with Max-Age=0 clears it). */
void http__set_cookie(struct req *r, const char *value);
/* authn.c: the server's clock (serve --clock-file, as the engine's). */
int64_t http__now(const struct req *r);

/* Handlers: one per endpoint, their route above them in their file. */
/* h_review.c: review sampling (docs/api.md "Review and sampling") */
int h_defects_get(struct req *r);
int h_defects_put(struct req *r);
int h_sampling_get(struct req *r);
int h_sampling_put(struct req *r);
int h_review_next(struct req *r);
int h_review_decision(struct req *r);
int h_review_list(struct req *r);
int h_lots_list(struct req *r);
/*
 * A kept command's review strings (h_review.c; req.c's cmd_keep): unshare
 * sets p's to NULL, keep copies c's into p (0 or ERR_NOMEM), free frees them.
 */
void http__review_unshare(struct cmd *p);
int http__review_keep(struct cmd *p, const struct cmd *c);
void http__review_free(struct cmd *c);
int h_health(struct req *r);
int h_metrics(struct req *r);
int h_metrics_detail(struct req *r);
int h_web_index(struct req *r);
int h_web_file(struct req *r);
int h_clients_create(struct req *r);
int h_clients_remove(struct req *r);
int h_keys_status(struct req *r);
int h_keys_rotate(struct req *r);
int h_clients_list(struct req *r);
int h_clients_get(struct req *r);
int h_services_create(struct req *r);
int h_services_list(struct req *r);
int h_services_get(struct req *r);
int h_engagements_create(struct req *r);
int h_engagements_list(struct req *r);
int h_engagements_get(struct req *r);
int h_users_create(struct req *r);
int h_users_list(struct req *r);
int h_users_get(struct req *r);
int h_users_token(struct req *r);
int h_workers_create(struct req *r);
int h_workers_list(struct req *r);
int h_workers_get(struct req *r);
int h_workers_status(struct req *r);
int h_items_create(struct req *r);
int h_items_list(struct req *r);
int h_items_get(struct req *r);
int h_items_history(struct req *r);
int h_items_unmasked(struct req *r);
int h_purge(struct req *r);
int h_work_next(struct req *r);
/* h_offers.c: release, offers and wrap-up settings, offers listed and answered */
int h_items_release(struct req *r);
int h_engagements_offers_get(struct req *r);
int h_engagements_offers_put(struct req *r);
int h_offers_list(struct req *r);
int h_offers_accept(struct req *r);
int h_offers_decline(struct req *r);
/* h_items.c: a take-next's (or an accepted offer's) answer with the item's payload. */
int http__next_with_payload(struct req *r, struct item_rec *written);
int h_items_submit(struct req *r);
int h_items_accept(struct req *r);
int h_items_rework(struct req *r);
int h_items_cancel(struct req *r);
int h_items_review(struct req *r);
int h_items_fail(struct req *r);
int h_items_renew(struct req *r);
/* h_edit.c: edits (PATCH) and switching records off and on */
int h_clients_update(struct req *r);
int h_services_update(struct req *r);
int h_engagements_update(struct req *r);
int h_users_update(struct req *r);
int h_workers_update(struct req *r);
int h_clients_deactivate(struct req *r);
int h_clients_activate(struct req *r);
int h_engagements_deactivate(struct req *r);
int h_engagements_activate(struct req *r);
int h_users_deactivate(struct req *r);
int h_users_activate(struct req *r);
int h_workers_deactivate(struct req *r);
int h_workers_activate(struct req *r);
/* h_workers.c: a JSON array of client ids (ids) or of strings into out[cap], types only */
int http__array(struct req *r, const char *field, json_t *arr, bool ids, void *out, size_t cap,
		size_t *n);
int h_audit_list(struct req *r);
int h_audit_verify(struct req *r);
int h_audit_head(struct req *r);
int h_audit_inclusion(struct req *r);
int h_audit_consistency(struct req *r);
int h_staff_erlang(struct req *r);
int h_engagements_staffing(struct req *r);
int h_staff_skill_plan(struct req *r);
int h_engagements_queue(struct req *r);
/* h_fields.c */
/*
 * Declared fields refused a payload or result (engine result.problems):
 * every problem as {"field", "reason"} in d's "fields", and the message
 * naming them all ("payload: a: required; b: ..."), which the engine's
 * fixed-size message could not hold. For req.c's engine errors.
 */
void http__fields_detail(json_t *d, const struct cmd_result *res);
int h_engagements_fields_get(struct req *r);
int h_engagements_fields_put(struct req *r);
/* h_keying.c */
int h_engagements_keying_get(struct req *r);
int h_engagements_keying_put(struct req *r);
int h_engagements_consensus(struct req *r);
int h_items_answers(struct req *r);
int h_quality_report(struct req *r);
int h_tokens_list(struct req *r);
int h_tokens_get(struct req *r);
int h_tokens_revoke(struct req *r);
/* h_session.c: sign-in, the session, sign-out, set-password by link */
int h_session_create(struct req *r);
int h_session_get(struct req *r);
int h_session_delete(struct req *r);
int h_password_use(struct req *r);
int h_users_password(struct req *r);
int h_users_password_link(struct req *r);
int h_users_sessions_revoke(struct req *r);
/* h_milestones.c: KPO deliverables: an item's milestones and its review chain */
int h_milestones_create(struct req *r);
int h_milestones_list(struct req *r);
int h_milestones_update(struct req *r);
int h_items_chain(struct req *r);
/* h_gold.c: gold items, their settings, a worker's quality and re-qualification */
/* h_imports.c: bulk imports; the upload is streamed (server.c calls the http__import_*) */
int h_imports_create(struct req *r);
int h_imports_get(struct req *r);
int h_imports_errors(struct req *r);
int http__import_begin(struct req *r);
void http__import_feed(struct req *r, const char *p, size_t n);
void http__import_abort(struct req *r);
int h_gold_create(struct req *r);
int h_gold_list(struct req *r);
int h_gold_deactivate(struct req *r);
int h_gold_activate(struct req *r);
int h_gold_settings_get(struct req *r);
int h_gold_settings_put(struct req *r);
int h_workers_quality(struct req *r);
int h_workers_requalify(struct req *r);

/* h_webhooks.c: webhook endpoints, their secrets' rotation and the delivery log */
int h_webhooks_create(struct req *r);
int h_webhooks_list(struct req *r);
int h_webhooks_get(struct req *r);
int h_webhooks_rotate(struct req *r);
int h_webhooks_deactivate(struct req *r);
int h_webhooks_activate(struct req *r);
int h_webhooks_deliveries(struct req *r);
int h_webhooks_redeliver(struct req *r);
/* h_time.c: time entries, billing periods and the cost side */
int h_time_log(struct req *r);
int h_time_start(struct req *r);
int h_time_stop(struct req *r);
int h_time_correct(struct req *r);
int h_time_list(struct req *r);
int h_time_get(struct req *r);
int h_periods_create(struct req *r);
int h_periods_approve(struct req *r);
int h_periods_lock(struct req *r);
int h_periods_list(struct req *r);
int h_periods_get(struct req *r);
int h_time_cost(struct req *r);
/* h_assess.c: process-fit assessments */
int h_assessments_create(struct req *r);
int h_assessments_list(struct req *r);
int h_assessments_get(struct req *r);
/* h_invoices.c: rate cards, invoices (JSON, CSV, PDF), billing settings, savings */
int h_rates_put(struct req *r);
int h_rates_get(struct req *r);
int h_invoices_draft(struct req *r);
int h_invoices_issue(struct req *r);
int h_invoices_pay(struct req *r);
int h_invoices_credit(struct req *r);
int h_invoices_get(struct req *r);
int h_invoices_list(struct req *r);
int h_invoices_csv(struct req *r);
int h_invoices_pdf(struct req *r);
int h_invoices_refs(struct req *r);
int h_invoices_entries(struct req *r);
int h_billing_put(struct req *r);
int h_billing_get(struct req *r);
int h_savings_get(struct req *r);
int h_margin_get(struct req *r);

/* h_exports.c: an engagement's results as CSV, JSON Lines or XLSX, streamed */
int h_engagements_export(struct req *r);
/* h_openapi.c: the OpenAPI document of every route (docs/openapi/) */
int h_openapi(struct req *r);
/* h_routing.c: an engagement's widening rings and item weight (docs/routing.md) */
int h_routing_get(struct req *r);
int h_routing_put(struct req *r);

#endif
