/* remote.c - a CLI write sent to the server that holds the data directory, on its Unix socket. */
#include "cli/remote.h"

#include <curl/curl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/un.h>

#include "core/route.h"
#include "core/item.h"
#include "util/clock.h"
#include "core/release.h"
#include "util/err.h"
#include "wire/wire.h"

/* ------------------------------------------------------------------ */
/* The command as its API request (docs/api.md).                       */
/* ------------------------------------------------------------------ */

static json_t *levels(const struct skill_level *l, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; i < n && a; i++)
		json_array_append_new(
		    a, json_pack("{s:s, s:i}", "code", l[i].code, "level", l[i].level));
	return a;
}

/* The API takes whole seconds; the CLI parses milliseconds. */
static int whole_seconds(int64_t ms, const char *what, json_int_t *out, struct buf *err)
{
	if (ms % 1000)
		return buf_error(err, ERR_INVALID,
				 "%s: whole seconds while a server runs (it takes %s in seconds)",
				 what, what);
	*out = (json_int_t)(ms / 1000);
	return 0;
}

static int engagement_body(const struct engagement_rec *e, json_t **out, struct buf *err)
{
	json_int_t sla = 0, lease = 0, lease_max = 0;
	int rc;

	if ((rc = whole_seconds(e->sla_ms, "--sla", &sla, err)) ||
	    (rc = whole_seconds(e->lease_ms, "--lease", &lease, err)) ||
	    (rc = whole_seconds(e->lease_max_ms, "--lease-max", &lease_max, err)))
		return rc;
	*out = json_pack("{s:I, s:I, s:s, s:o, s:o, s:I, s:i, s:I, s:I, s:s}", "client_id",
			 (json_int_t)e->client_id, "service_id", (json_int_t)e->service_id, "name",
			 e->name, "required_skills", levels(e->skills, e->n_skills),
			 "required_languages", levels(e->langs, e->n_langs), "sla_seconds", sla,
			 "default_priority", e->default_priority, "lease_seconds", lease,
			 "lease_max_seconds", lease_max, "time_zone", e->time_zone);
	return 0;
}

/* A worker's clearances as the API takes them: ids, or objects with their terms (wire.c). */
static json_t *clearances(const struct worker_rec *w)
{
	json_t *o = wire_worker(w), *a = json_incref(json_object_get(o, "clearances"));

	json_decref(o);
	return a;
}

static json_t *worker_body(const struct cmd *c)
{
	const struct worker_rec *w = &c->u.worker.rec;
	json_t *creds = json_array(), *clear = clearances(w);

	for (size_t i = 0; i < w->n_creds && creds; i++)
		json_array_append_new(creds, json_string(w->creds[i]));
	return json_pack("{s:s, s:s, s:o, s:o, s:o, s:s, s:s, s:i, s:{s:I, s:s}, s:o, s:s}",
			 "login", c->u.worker.login, "name", w->name, "skills",
			 levels(w->skills, w->n_skills), "languages", levels(w->langs, w->n_langs),
			 "credentials", creds, "country", w->country, "time_zone", w->time_zone,
			 "capacity", w->capacity, "cost_per_hour", "amount_minor",
			 (json_int_t)w->cost_minor, "currency", w->currency, "clearances", clear,
			 "status", worker_status_name(w->status));
}

static json_t *item_body(const struct cmd *c)
{
	json_t *b, *payload = json_loads(c->u.item_create.payload, JSON_REJECT_DUPLICATES, NULL);

	b = payload ? json_pack("{s:I, s:o}", "engagement_id",
				(json_int_t)c->u.item_create.engagement_id, "payload", payload)
		    : NULL;
	if (b && c->u.item_create.external_ref[0])
		json_object_set_new(b, "external_ref", json_string(c->u.item_create.external_ref));
	if (b && c->u.item_create.priority)
		json_object_set_new(b, "priority", json_integer(c->u.item_create.priority));
	if (b && c->u.item_create.type[0])
		json_object_set_new(b, "type", json_string(c->u.item_create.type));
	return b;
}

/* The transitions: POST /v1/items/:id/<verb> with the verb's fields (docs/api.md). */
static int op_request(const struct cmd *c, char *path, size_t n, json_t **body, struct buf *err)
{
	static const struct {
		enum cmd_type type;
		const char *verb;
	} verbs[] = {
	    {CMD_ITEM_SUBMIT, "submit"}, {CMD_ITEM_REVIEW, "review"}, {CMD_ITEM_ACCEPT, "accept"},
	    {CMD_ITEM_REWORK, "rework"}, {CMD_ITEM_FAIL, "fail"},     {CMD_ITEM_CANCEL, "cancel"},
	    {CMD_ITEM_RENEW, "renew"},
	};
	const char *verb = "";
	json_t *result;

	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (verbs[i].type == c->type)
			verb = verbs[i].verb;
	}
	snprintf(path, n, "/v1/items/%lld/%s", (long long)c->u.op.item_id, verb);
	if (c->type == CMD_ITEM_SUBMIT) {
		result = json_loads(c->u.op.result_json ? c->u.op.result_json : "null",
				    JSON_DECODE_ANY | JSON_REJECT_DUPLICATES, NULL);
		if (!result)
			return buf_error(err, ERR_INVALID, "the result is not JSON");
		*body = json_pack("{s:I, s:o}", "epoch", (json_int_t)c->u.op.epoch, "result",
				  result);
		return 0;
	}
	if (c->type == CMD_ITEM_RENEW) {
		*body = json_pack("{s:I}", "epoch", (json_int_t)c->u.op.epoch);
		return 0;
	}
	*body = json_object();
	if (*body && c->u.op.reason)
		json_object_set_new(*body, "reason", json_string(c->u.op.reason));
	return 0;
}

/* Sets key to v (stolen) in o; o becomes NULL when out of memory. */
static void set(json_t **o, const char *key, json_t *v)
{
	if (*o && (!v || json_object_set_new(*o, key, v))) {
		json_decref(*o);
		*o = NULL;
	}
}

/* An engagement's edit: the fields it changes, as PATCH /v1/engagements/:id takes them. */
static int engagement_patch(const struct cmd *c, json_t **out, struct buf *err)
{
	const struct engagement_rec *e = &c->u.upd.r.engagement;
	unsigned f = c->u.upd.fields;
	json_int_t v = 0;
	json_t *o = json_object();
	int rc = 0;

	if (f & UPD_NAME)
		set(&o, "name", json_string(e->name));
	if (f & UPD_SKILLS)
		set(&o, "required_skills", levels(e->skills, e->n_skills));
	if (f & UPD_LANGS)
		set(&o, "required_languages", levels(e->langs, e->n_langs));
	if ((f & UPD_SLA) && !(rc = whole_seconds(e->sla_ms, "--sla", &v, err)))
		set(&o, "sla_seconds", json_integer(v));
	if (!rc && (f & UPD_LEASE) && !(rc = whole_seconds(e->lease_ms, "--lease", &v, err)))
		set(&o, "lease_seconds", json_integer(v));
	if (!rc && (f & UPD_LEASE_MAX) &&
	    !(rc = whole_seconds(e->lease_max_ms, "--lease-max", &v, err)))
		set(&o, "lease_max_seconds", json_integer(v));
	if (f & UPD_PRIORITY)
		set(&o, "default_priority", json_integer(e->default_priority));
	if (f & UPD_TZ)
		set(&o, "time_zone", json_string(e->time_zone));
	if (rc)
		json_decref(o);
	else
		*out = o;
	return rc;
}

/* A worker's edit: the fields it changes, as PATCH /v1/workers/:id takes them. */
static json_t *worker_patch(const struct cmd *c)
{
	const struct worker_rec *w = &c->u.upd.r.worker;
	unsigned f = c->u.upd.fields;
	json_t *o = json_object(), *a, *cost;

	if (f & UPD_NAME)
		set(&o, "name", json_string(w->name));
	if (f & UPD_SKILLS)
		set(&o, "skills", levels(w->skills, w->n_skills));
	if (f & UPD_LANGS)
		set(&o, "languages", levels(w->langs, w->n_langs));
	if (f & UPD_CREDS) {
		a = json_array();
		for (size_t i = 0; i < w->n_creds && a; i++)
			json_array_append_new(a, json_string(w->creds[i]));
		set(&o, "credentials", a);
	}
	if (f & UPD_CLEAR)
		set(&o, "clearances", clearances(w));
	if (f & UPD_COUNTRY)
		set(&o, "country", json_string(w->country));
	if (f & UPD_TZ)
		set(&o, "time_zone", json_string(w->time_zone));
	if (f & UPD_CAPACITY)
		set(&o, "capacity", json_integer(w->capacity));
	if (f & (UPD_COST | UPD_CURRENCY)) {
		cost = json_object();
		if (f & UPD_COST)
			set(&cost, "amount_minor", json_integer(w->cost_minor));
		if (f & UPD_CURRENCY)
			set(&cost, "currency", json_string(w->currency));
		set(&o, "cost_per_hour", cost);
	}
	return o;
}

/* A user's edit: name, role (with its client_id) or client_id alone. */
static json_t *user_patch(const struct cmd *c)
{
	const struct user_rec *u = &c->u.upd.r.user;
	unsigned f = c->u.upd.fields;
	json_t *o = json_object();

	if (f & UPD_NAME)
		set(&o, "name", json_string(u->name));
	if (f & UPD_ROLE)
		set(&o, "role", json_string(role_name(u->role)));
	if ((f & UPD_CLIENT) || ((f & UPD_ROLE) && u->role == ROLE_CLIENT))
		set(&o, "client_id", json_integer(u->client_id));
	return o;
}

/* The path of CMD_RECORD_ACTIVE: /v1/<records>/ID/deactivate or /activate. */
static void active_path(const struct cmd *c, char *path, size_t n)
{
	static const char *const nouns[] = {
	    [ACTIVE_USER] = "users",
	    [ACTIVE_WORKER] = "workers",
	    [ACTIVE_CLIENT] = "clients",
	    [ACTIVE_ENGAGEMENT] = "engagements",
	};
	enum active_kind k = c->u.active.kind;

	snprintf(path, n, "/v1/%s/%lld/%s", (unsigned)k <= ACTIVE_ENGAGEMENT ? nouns[k] : "?",
		 (long long)c->u.active.id, c->u.active.active ? "activate" : "deactivate");
}

/*
 * OUT: *method, path[n] and *body (json_decref) of the request that does
 * what c does.
 */
/* A name and one more string field of an edit, as its PATCH body gives them. */
static json_t *two_patch(unsigned f, const char *name, unsigned bit, const char *key,
			 const char *v)
{
	json_t *o = json_object();

	if (f & UPD_NAME)
		set(&o, "name", json_string(name));
	if (f & bit)
		set(&o, key, json_string(v));
	return o;
}

/* An edit's PATCH: the record's path and the fields the edit gives. */
static int patch_request(const struct cmd *c, char *path, size_t n, json_t **body,
			 struct buf *err)
{
	const char *what = "workers";
	int64_t id = c->u.upd.r.worker.id;
	unsigned f = c->u.upd.fields;
	int rc = 0;

	switch (c->type) {
	case CMD_CLIENT_UPDATE:
		what = "clients", id = c->u.upd.r.client.id;
		*body = two_patch(f, c->u.upd.r.client.name, UPD_TZ, "time_zone",
				  c->u.upd.r.client.time_zone);
		break;
	case CMD_SERVICE_UPDATE:
		what = "services", id = c->u.upd.r.service.id;
		*body = two_patch(f, c->u.upd.r.service.name, UPD_CATEGORY, "category",
				  c->u.upd.r.service.category);
		break;
	case CMD_ENGAGEMENT_UPDATE:
		what = "engagements", id = c->u.upd.r.engagement.id;
		rc = engagement_patch(c, body, err);
		break;
	case CMD_USER_UPDATE:
		what = "users", id = c->u.upd.r.user.id;
		*body = user_patch(c);
		break;
	default: *body = worker_patch(c); break;
	}
	snprintf(path, n, "/v1/%s/%lld", what, (long long)id);
	return rc;
}

/* time log | start | stop (cli/time.c) as their API requests (docs/api.md "Time and periods"). */
static void time_request(const struct cmd *c, char *path, size_t n, json_t **body)
{
	char t[40];

	*body = json_object();
	if (!*body)
		return;
	if (c->u.time.worker_id)
		json_object_set_new(*body, "worker_id", json_integer(c->u.time.worker_id));
	if (c->type == CMD_TIME_STOP) {
		snprintf(path, n, "/v1/time/stop");
		return;
	}
	snprintf(path, n, "/v1/engagements/%lld/time%s", (long long)c->u.time.engagement_id,
		 c->type == CMD_TIME_START ? "/start" : "");
	if (c->u.time.milestone_id)
		json_object_set_new(*body, "milestone_id", json_integer(c->u.time.milestone_id));
	if (c->u.time.note[0])
		json_object_set_new(*body, "note", json_string(c->u.time.note));
	if (c->u.time.started_at) {
		clock_format_ms(c->u.time.started_at, t, sizeof(t));
		json_object_set_new(*body, "started_at", json_string(t));
	}
	if (c->type == CMD_TIME_LOG && c->u.time.ended_at) {
		clock_format_ms(c->u.time.ended_at, t, sizeof(t));
		json_object_set_new(*body, "ended_at", json_string(t));
	}
	if (c->type == CMD_TIME_LOG && c->u.time.duration_ms)
		json_object_set_new(*body, "duration_ms", json_integer(c->u.time.duration_ms));
	if (c->type == CMD_TIME_LOG)
		json_object_set_new(*body, "billable", json_boolean(c->u.time.billable));
}

static int request_of(const struct cmd *c, const char **method, char *path, size_t n,
		      json_t **body, struct buf *err)
{
	/* The commands that POST to a fixed path; the others make theirs below. */
	static const char *const paths[CMD__COUNT] = {
	    [CMD_CLIENT_CREATE] = "/v1/clients", [CMD_SERVICE_CREATE] = "/v1/services",
	    [CMD_ENGAGEMENT_CREATE] = "/v1/engagements", [CMD_USER_CREATE] = "/v1/users",
	    [CMD_WORKER_CREATE] = "/v1/workers", [CMD_ITEM_CREATE] = "/v1/items",
	    [CMD_ITEM_NEXT] = "/v1/work/next",
	};
	const struct user_rec *u = &c->u.user;
	int rc = 0;

	*body = NULL;
	*method = "POST";
	if ((unsigned)c->type < CMD__COUNT && paths[c->type])
		snprintf(path, n, "%s", paths[c->type]);
	switch (c->type) {
	case CMD_CLIENT_CREATE:
		*body = json_pack("{s:s, s:s, s:s}", "code", c->u.client.code, "name",
				  c->u.client.name, "time_zone", c->u.client.time_zone);
		break;
	case CMD_SERVICE_CREATE:
		*body = json_pack("{s:s, s:s, s:s, s:s}", "code", c->u.service.code, "name",
				  c->u.service.name, "kind", service_kind_name(c->u.service.kind),
				  "category", c->u.service.category);
		break;
	case CMD_ENGAGEMENT_CREATE:
		if ((rc = engagement_body(&c->u.engagement, body, err)))
			return rc;
		break;
	case CMD_USER_CREATE:
		*body = json_pack("{s:s, s:s}", "name", u->name, "role", role_name(u->role));
		if (*body && u->role == ROLE_CLIENT)
			json_object_set_new(*body, "client_id", json_integer(u->client_id));
		break;
	case CMD_TOKEN_CREATE:
		snprintf(path, n, "/v1/users/%lld/tokens", (long long)c->u.token.user_id);
		*body = json_object();
		if (*body && c->u.token.expires_at) {
			char t[40];

			clock_format_ms(c->u.token.expires_at, t, sizeof(t));
			json_object_set_new(*body, "expires_at", json_string(t));
		}
		break;
	case CMD_TOKEN_REVOKE:
		/* The server's engine revokes it, and empties the server's token cache at once. */
		snprintf(path, n, "/v1/tokens/%lld/revoke", (long long)c->u.token.token_id);
		*body = json_object();
		break;
	case CMD_WORKER_CREATE:
		*body = worker_body(c);
		break;
	case CMD_ITEM_CREATE:
		*body = item_body(c);
		break;
	case CMD_WORKER_STATUS:
		snprintf(path, n, "/v1/workers/%lld/status", (long long)c->u.wstatus.worker_id);
		*body = json_pack("{s:s}", "status", worker_status_name(c->u.wstatus.status));
		if (*body && c->u.wstatus.away_reason)
			json_object_set_new(*body, "reason",
					    json_string(away_reason_name(c->u.wstatus.away_reason)));
		break;
	case CMD_ITEM_RELEASE:
		snprintf(path, n, "/v1/items/%lld/release", (long long)c->u.release.item_id);
		*body = json_pack("{s:I, s:s}", "epoch", (json_int_t)c->u.release.epoch, "reason",
				  release_reason_name(c->u.release.reason));
		if (*body && c->u.release.note[0])
			json_object_set_new(*body, "note", json_string(c->u.release.note));
		break;
	case CMD_ITEM_NEXT:
		*body = json_pack("{s:I}", "worker_id", (json_int_t)c->u.op.worker_id);
		break;
	case CMD_ITEM_SUBMIT:
	case CMD_ITEM_REVIEW:
	case CMD_ITEM_ACCEPT:
	case CMD_ITEM_REWORK:
	case CMD_ITEM_FAIL:
	case CMD_ITEM_CANCEL:
	case CMD_ITEM_RENEW:
		if ((rc = op_request(c, path, n, body, err)))
			return rc;
		break;
	case CMD_CLIENT_UPDATE:
	case CMD_SERVICE_UPDATE:
	case CMD_ENGAGEMENT_UPDATE:
	case CMD_USER_UPDATE:
	case CMD_WORKER_UPDATE:
		*method = "PATCH";
		if ((rc = patch_request(c, path, n, body, err)))
			return rc;
		break;
	case CMD_RECORD_ACTIVE:
		active_path(c, path, n);
		*body = json_object();
		break;
	case CMD_ENGAGEMENT_FIELDS:
		*method = "PUT";
		snprintf(path, n, "/v1/engagements/%lld/fields",
			 (long long)c->u.fields.engagement_id);
		/* The use case checked both texts: they parse. "o" steals, on failure too. */
		*body = json_pack("{s:o, s:o}", "payload",
				  c->u.fields.payload ? json_loads(c->u.fields.payload, 0, NULL)
						      : json_null(),
				  "result",
				  c->u.fields.result ? json_loads(c->u.fields.result, 0, NULL)
						     : json_null());
		break;
	case CMD_ROUTING_SET:
		*method = "PUT";
		snprintf(path, n, "/v1/engagements/%lld/routing",
			 (long long)c->u.routing.engagement_id);
		/* The use case wrote the text canonically: it parses. */
		*body = json_loads(c->u.routing.conf, 0, NULL);
		break;
	case CMD_ITEM_PURGE:
		snprintf(path, n, "/v1/purge");
		*body = json_pack("{s:b}", "dry_run", c->u.purge.dry_run);
		break;
	case CMD_TIME_LOG:
	case CMD_TIME_START:
	case CMD_TIME_STOP:
		time_request(c, path, n, body);
		break;
	default:
		return buf_error(err, ERR_INVALID,
				 "this command cannot be sent to the running server; use the HTTP "
				 "API (docs/api.md) or stop the server first");
	}
	if (!*body)
		return buf_error(err, ERR_NOMEM, "cannot build the request");
	return 0;
}

/* ------------------------------------------------------------------ */
/* The exchange.                                                       */
/* ------------------------------------------------------------------ */

static size_t on_body(char *p, size_t size, size_t nmemb, void *arg)
{
	struct buf *b = arg;

	/* A short count makes curl stop with CURLE_WRITE_ERROR: the answer is too big. */
	return buf_append(b, p, size * nmemb) ? 0 : size * nmemb;
}

/* The ERR_* whose code string the answer carries; fallback when unknown. */
static int err_of_code(const char *code, int fallback)
{
	for (int e = -1; code && e >= ERR_SUSPENDED; e--)
		if (!strcmp(err_code(e), code))
			return e;
	return fallback;
}

/* Sends body to path on the socket with method, and token if any. OUT: *status, answer. */
static int post(const char *sock, const char *method, const char *path, const char *body,
		const char *token,
		long *status, struct buf *answer, struct buf *err)
{
	char url[256], cerr[CURL_ERROR_SIZE] = "", authz[AUTH_TOKEN_TEXT + 32];
	struct curl_slist *hdr = NULL;
	CURLcode cc;
	CURL *cu;
	int rc = 0;

	if (curl_global_init(CURL_GLOBAL_DEFAULT))
		return buf_error(err, ERR_NOMEM, "cannot start libcurl");
	cu = curl_easy_init();
	hdr = curl_slist_append(NULL, "Content-Type: application/json");
	/* No "100 Continue" round trip: the server reads the body at once. */
	hdr = hdr ? curl_slist_append(hdr, "Expect:") : NULL;
	/* With a token the server acts as its user, as on TCP; without, as the local admin. */
	if (hdr && token) {
		snprintf(authz, sizeof(authz), "Authorization: Bearer %s", token);
		hdr = curl_slist_append(hdr, authz);
	}
	if (!cu || !hdr) {
		rc = buf_error(err, ERR_NOMEM, "cannot start libcurl");
		goto out;
	}
	/* The host is never resolved: the socket is the address. */
	snprintf(url, sizeof(url), "http://localhost%s", path);
	curl_easy_setopt(cu, CURLOPT_UNIX_SOCKET_PATH, sock);
	curl_easy_setopt(cu, CURLOPT_URL, url);
	curl_easy_setopt(cu, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(cu, CURLOPT_POSTFIELDS, body);
	if (strcmp(method, "POST"))
		curl_easy_setopt(cu, CURLOPT_CUSTOMREQUEST, method);
	curl_easy_setopt(cu, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(cu, CURLOPT_WRITEDATA, answer);
	curl_easy_setopt(cu, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(cu, CURLOPT_TIMEOUT, (long)CLI_REMOTE_TIMEOUT_S);
	curl_easy_setopt(cu, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(cu, CURLOPT_NOPROXY, "*");
	cc = curl_easy_perform(cu);
	if (cc == CURLE_COULDNT_CONNECT) {
		rc = buf_error(err, ERR_BUSY,
			       "a server holds this data directory (its lock is taken) but nothing "
			       "answers on %s; if it is stopping, run the command again, else use "
			       "the HTTP API (docs/api.md)",
			       sock);
	} else if (cc == CURLE_OPERATION_TIMEDOUT) {
		rc = buf_error(err, ERR_BUSY,
			       "the server on %s gave no answer in %d s; the command may or may "
			       "not have been applied (check with a list command)",
			       sock, CLI_REMOTE_TIMEOUT_S);
	} else if (cc) {
		rc = buf_error(err, ERR_IO, "talking to the server on %s: %s", sock,
			       cerr[0] ? cerr : curl_easy_strerror(cc));
	} else {
		curl_easy_getinfo(cu, CURLINFO_RESPONSE_CODE, status);
	}
out:
	curl_slist_free_all(hdr);
	if (cu)
		curl_easy_cleanup(cu);
	curl_global_cleanup();
	return rc;
}

/* The engine's result as the server's answer tells it: outcome, id, token. */
static void result_of(struct cmd *c, long status, json_t *j)
{
	const char *tok = json_string_value(json_object_get(j, "token"));

	const char *why = json_string_value(json_object_get(j, "reason"));

	c->result.outcome = status == 201 ? CMD_OUT_CREATED
			    : status == 204 ? CMD_OUT_NONE
					    : CMD_OUT_OK;
	/* A take-next that found nothing: 200 with {"id": null, "reason", "message"}. */
	if (status == 200 && why && json_is_null(json_object_get(j, "id"))) {
		c->result.outcome = CMD_OUT_NONE;
		for (int r = 0; r < ROUTE_REASON__COUNT; r++)
			if (!strcmp(why, route_reason_name((enum route_reason)r)))
				c->result.none_reason = r;
		const char *msg = json_string_value(json_object_get(j, "message"));

		snprintf(c->result.none_message, sizeof(c->result.none_message), "%s",
			 msg ? msg : "");
	}
	c->result.id = json_integer_value(json_object_get(j, tok ? "user_id" : "id"));
	if (c->type == CMD_ITEM_PURGE) {
		c->result.purged_items = json_integer_value(json_object_get(j, "items"));
		c->result.purged_events = json_integer_value(json_object_get(j, "events"));
		c->result.purge_more = json_is_true(json_object_get(j, "more"));
	}
	if (tok) {
		snprintf(c->result.token, sizeof(c->result.token), "%s", tok);
		c->result.token_id = json_integer_value(json_object_get(j, "id"));
	}
	/* An item command answers the item: its state and lease, as the engine's result. */
	if (cmd_type_is_op(c->type) && status != 204 &&
	    !item_state_parse(json_string_value(json_object_get(j, "state")),
			      &c->result.item.state)) {
		c->result.has_item = true;
		c->result.item.id = c->result.id;
		c->result.item.worker_id =
		    json_integer_value(json_object_get(json_object_get(j, "lease"), "worker_id"));
		c->result.item.epoch = json_integer_value(json_object_get(j, "epoch"));
	}
}

int cli_remote_request(struct cli_ctx *ctx, const char *method, const char *path,
		       const char *body, long *status, json_t **answer, struct buf *err)
{
	struct buf got = BUF_INIT;
	char sock[PATH_MAX];
	int rc;

	*status = 0;
	*answer = NULL;
	snprintf(sock, sizeof(sock), "%s/%s", ctx->cfg.data_dir, CLI_SOCK_FILE);
	if (strlen(sock) >= sizeof(((struct sockaddr_un *)0)->sun_path))
		return buf_error(err, ERR_INVALID,
				 "a server holds this data directory, but its socket path %s is "
				 "too long to connect to; use the HTTP API (docs/api.md)",
				 sock);
	rc = post(sock, method, path, body, ctx->token, status, &got, err);
	if (!rc && got.len)
		*answer = json_loadb(got.data, got.len, 0, NULL);
	buf_release(&got);
	return rc;
}

int cli_remote_cmd(struct cli_ctx *ctx, struct cmd *c, struct buf *err)
{
	struct buf answer = BUF_INIT;
	char path[128], sock[PATH_MAX];
	const char *method = "POST";
	json_t *body = NULL, *j = NULL, *e;
	char *text = NULL;
	long status = 0;
	int rc;

	memset(&c->result, 0, sizeof(c->result));
	c->result.state = -1;
	snprintf(sock, sizeof(sock), "%s/%s", ctx->cfg.data_dir, CLI_SOCK_FILE);
	if (strlen(sock) >= sizeof(((struct sockaddr_un *)0)->sun_path)) {
		rc = buf_error(err, ERR_INVALID,
			       "a server holds this data directory, but its socket path %s is too "
			       "long to connect to; use the HTTP API (docs/api.md)",
			       sock);
		goto out;
	}
	if ((rc = request_of(c, &method, path, sizeof(path), &body, err)))
		goto out;
	text = json_dumps(body, JSON_COMPACT);
	if (!text) {
		rc = buf_error(err, ERR_NOMEM, "cannot build the request");
		goto out;
	}
	if ((rc = post(sock, method, path, text, ctx->token, &status, &answer, err)))
		goto out;
	j = answer.len ? json_loadb(answer.data, answer.len, 0, NULL) : NULL;
	if (status >= 200 && status < 300) {
		result_of(c, status, j);
		rc = 0;
		goto out;
	}
	e = json_object_get(j, "error");
	rc = err_of_code(json_string_value(json_object_get(e, "code")), ERR_INTERNAL);
	if (json_is_string(json_object_get(e, "message")))
		snprintf(c->result.message, sizeof(c->result.message), "%s",
			 json_string_value(json_object_get(e, "message")));
	else
		snprintf(c->result.message, sizeof(c->result.message),
			 "the server answered HTTP %ld without an error body", status);
out:
	c->rc = rc;
	free(text);
	json_decref(body);
	json_decref(j);
	buf_release(&answer);
	return rc;
}
