/* req.c - what handlers use on a request: answers, validated input, paging, engine commands. */
#include <sodium.h>
#include <stddef.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/item.h"
#include "core/route.h"
#include "app/input.h"
#include "http/http_int.h"
#include "wire/review.h"
#include "wire/wire.h"
#include "util/clock.h"
#include "util/err.h"

/* ---------------------------------------------------------------- answers */

static void answer_clear(struct req *r)
{
	json_decref(r->out);
	r->out = NULL;
	free(r->raw);
	r->raw = NULL;
	r->raw_len = 0;
	r->ctype = NULL;
	r->gzip = false;
}

void http__reply(struct req *r, int status, json_t *body)
{
	answer_clear(r);
	r->status = status;
	r->out = body;
}

static int fail_v(struct req *r, int rc, json_t *detail, const char *fmt, va_list ap)
{
	char msg[512];
	json_t *err, *root;

	if (rc >= 0)
		rc = ERR_INTERNAL;
	err = json_pack("{s:s, s:s}", "code", err_code(rc), "message", err_message(rc));
	if (err && json_is_object(detail))
		json_object_update(err, detail);
	json_decref(detail);
	if (err && fmt) {
		vsnprintf(msg, sizeof(msg), fmt, ap);
		json_object_set_new(err, "message", json_string(msg));
	}
	root = err ? json_pack("{s:o}", "error", err) : NULL;
	/* Out of memory: an empty 503 body still tells the client to retry. */
	http__reply(r, err_http_status(rc), root);
	return rc;
}

int http__fail(struct req *r, int rc, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rc = fail_v(r, rc, NULL, fmt, ap);
	va_end(ap);
	return rc;
}

int http__fail_detail(struct req *r, int rc, json_t *detail, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rc = fail_v(r, rc, detail, fmt, ap);
	va_end(ap);
	return rc;
}

int http__read(struct req *r, int rc, json_t *j)
{
	if (rc) {
		json_decref(j);
		return http__fail(r, rc, NULL);
	}
	if (!j) /* the renderers (src/wire/) fail only when out of memory */
		return http__fail(r, ERR_NOMEM, "cannot render the answer");
	http__reply(r, 200, j);
	return 0;
}

/* ------------------------------------------------------------------ input */

/*
 * Depth of brackets outside strings. jansson has its own depth limit (2048);
 * ours is smaller and is checked before any allocation.
 */
static bool depth_ok(const char *s, size_t n, int max)
{
	bool in_str = false, esc = false;
	int depth = 0;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (in_str) {
			if (esc)
				esc = false;
			else if (c == '\\')
				esc = true;
			else if (c == '"')
				in_str = false;
		} else if (c == '"') {
			in_str = true;
		} else if (c == '{' || c == '[') {
			if (++depth > max)
				return false;
		} else if (c == '}' || c == ']') {
			depth--;
		}
	}
	return true;
}

int http__body(struct req *r, bool empty_ok, json_t **out)
{
	const char *s = buf_str(&r->body);
	size_t n = r->body.len, i;
	json_error_t e;
	json_t *j;

	*out = NULL;
	for (i = 0; i < n && strchr(" \t\r\n", s[i]); i++)
		;
	if (i == n) {
		if (!empty_ok)
			return http__fail(r, ERR_INVALID, "a JSON object body is required");
		*out = json_object();
		return *out ? 0 : http__fail(r, ERR_NOMEM, NULL);
	}
	if (!depth_ok(s, n, r->srv->opts.max_depth))
		return http__fail(r, ERR_INVALID, "JSON nested deeper than %d levels",
				  r->srv->opts.max_depth);
	j = json_loadb(s, n, JSON_REJECT_DUPLICATES, &e);
	if (!j)
		return http__fail(r, ERR_INVALID, "invalid JSON at line %d column %d: %s", e.line,
				  e.column, e.text);
	if (!json_is_object(j)) {
		json_decref(j);
		return http__fail(r, ERR_INVALID, "the body must be a JSON object");
	}
	*out = j;
	return 0;
}

/*
 * The key of a flat object format ("{s:I, s?s}") whose value token jansson
 * stopped at (e->position is one past it), read from the unpack's
 * arguments ap: every key is a const char *, every value one pointer (a
 * string with '%' two), 'n' none. NULL when the format is not flat.
 */
static const char *unpack_key(const char *fmt, int position, va_list ap)
{
	const char *key = NULL;
	bool want_key = true;

	for (int i = 0; fmt[i]; i++) {
		char t = fmt[i];

		if (t == '{' && i == 0)
			continue;
		if (t == ' ' || t == ',' || t == ':' || t == '?' || t == '*' || t == '!' || t == '}')
			continue;
		if (t == '{' || t == '[' || t == ']')
			return NULL; /* nested: not ours to walk */
		if (want_key) {
			if (t != 's')
				return NULL;
			key = va_arg(ap, const char *);
			want_key = false;
			continue;
		}
		if (i + 1 >= position)
			return key;
		if (t != 'n')
			(void)va_arg(ap, void *);
		if (t == 's' && fmt[i + 1] == '%') {
			(void)va_arg(ap, void *);
			i++;
		}
		want_key = true;
	}
	return NULL;
}

int http__unpack_v(struct req *r, json_t *root, const char *fmt, va_list ap)
{
	json_error_t e;
	const char *key;
	va_list names;
	int rc;

	va_copy(names, ap);
	rc = json_vunpack_ex(root, &e, JSON_STRICT, fmt, ap);
	if (!rc) {
		va_end(names);
		return 0;
	}
	/* jansson says "Expected integer, got string" without the field: say which. */
	key = json_error_code(&e) == json_error_wrong_type ? unpack_key(fmt, e.position, names)
							    : NULL;
	va_end(names);
	if (key)
		return http__fail(r, ERR_INVALID, "invalid body: %s: %s", key, e.text);
	return http__fail(r, ERR_INVALID, "invalid body: %s", e.text);
}

int http__unpack(struct req *r, json_t *root, const char *fmt, ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = http__unpack_v(r, root, fmt, ap);
	va_end(ap);
	return rc;
}

/* Answers the error of an input rule (its message in err) and returns rc. */
static int rule_fail(struct req *r, int rc, struct buf *err)
{
	if (rc)
		http__fail(r, rc, "%s", buf_str(err));
	buf_release(err);
	return rc;
}

int http__str(struct req *r, const char *field, const char *src, char *dst, size_t n, bool required)
{
	struct buf err = BUF_INIT;

	return rule_fail(r, app_in_str(field, src, dst, n, required, &err), &err);
}

int http__code(struct req *r, const char *field, const char *src, char *dst, size_t n,
	       bool required)
{
	struct buf err = BUF_INIT;

	return rule_fail(r, app_in_code(field, src, dst, n, required, &err), &err);
}

int http__range(struct req *r, const char *field, json_int_t v, json_int_t lo, json_int_t hi)
{
	struct buf err = BUF_INIT;

	return rule_fail(r, app_in_range(field, v, lo, hi, &err), &err);
}

const char *http__query(struct req *r, const char *name)
{
	return MHD_lookup_connection_value(r->conn, MHD_GET_ARGUMENT_KIND, name);
}

int http__query_id(struct req *r, const char *name, int64_t *out)
{
	const char *v = http__query(r, name);
	struct buf err = BUF_INIT;

	*out = 0;
	return v ? rule_fail(r, app_in_id_text(name, v, out, &err), &err) : 0;
}

void http__page_in(struct req *r, bool by_client, struct app_page_in *in)
{
	*in = (struct app_page_in){0};
	in->after = http__query(r, "after");
	in->limit = http__query(r, "limit");
	in->client_id = by_client ? http__query(r, "client_id") : NULL;
}

int http__page(struct req *r, struct store_page *pg)
{
	struct app_page_in in;
	struct buf err = BUF_INIT;

	http__page_in(r, false, &in);
	return rule_fail(r, app_page(&in, pg, &err), &err);
}

/* ------------------------------------------------------- engine commands */

/*
 * A take-next that found nothing: {"id": null, "reason", "message"}, so a
 * client that reads "id" sees no item, and a person sees what to fix.
 */
static json_t *next_none_json(const struct cmd_result *res, bool *oom)
{
	json_t *j = json_pack("{s:n, s:s, s:s}", "id", "reason",
			      route_reason_name((enum route_reason)res->none_reason), "message",
			      res->none_message);

	/* Wrap-up (engine/release.c): the seconds until the worker gets work again. */
	if (j && res->none_retry_ms > 0)
		json_object_set_new(j, "retry_after_s",
				    json_integer((json_int_t)((res->none_retry_ms + 999) / 1000)));

	*oom = !j;
	return j;
}

/* A token made: its text (shown this once), id, user and expiry. */
static json_t *token_json(const struct cmd *c)
{
	char t[40];

	if (c->u.token.expires_at)
		clock_format_ms(c->u.token.expires_at, t, sizeof(t));
	return json_pack("{s:s, s:I, s:I, s:o}", "token", c->result.token, "id",
			 (json_int_t)c->result.token_id, "user_id", (json_int_t)c->result.id,
			 "expires_at", c->u.token.expires_at ? json_string(t) : json_null());
}

/*
 * The wire shape of a command's successful answer: the item as it is now
 * (without payload and result) for item commands, {"token","user_id"} for
 * a token, nothing when there was no work or for an audit record, and
 * {"id": N} for the other writes (http__expand() reads the record).
 * NULL with *oom set when out of memory.
 */
static json_t *result_json(const struct cmd *c, bool *oom)
{
	const struct cmd_result *res = &c->result;
	json_t *j;

	*oom = false;
	if (res->outcome == CMD_OUT_NONE && c->type == CMD_ITEM_NEXT)
		return next_none_json(res, oom);
	if (res->outcome == CMD_OUT_NONE && c->type == CMD_REVIEW_NEXT) {
		j = json_pack("{s:n, s:s}", "id", "message", res->none_message);
		*oom = !j;
		return j;
	}
	if (res->outcome == CMD_OUT_NONE || c->type == CMD_AUDIT)
		return NULL;
	if (c->type == CMD_TOKEN_CREATE)
		j = token_json(c);
	else if (c->type == CMD_TOKEN_REVOKE)
		j = json_pack("{s:I}", "id", (json_int_t)c->u.token.token_id);
	else if (res->has_item)
		j = wire_item(&res->item, false);
	else if (res->has_review)
		j = json_object();
	else if (c->type == CMD_ITEM_PURGE)
		j = json_pack("{s:b, s:I, s:I, s:b}", "dry_run", c->u.purge.dry_run, "items",
			      (json_int_t)res->purged_items, "events", (json_int_t)res->purged_events,
			      "more", res->purge_more);
	else
		j = json_pack("{s:I}", "id", (json_int_t)res->id);
	/* A review lease or decision: the task beside the item (docs/api.md "Review and sampling"). */
	if (j && res->has_review && json_object_set_new(j, "review", wire_review_task(&res->review))) {
		json_decref(j);
		j = NULL;
	}
	*oom = !j;
	return j;
}

static int status_of(enum cmd_outcome o)
{
	return o == CMD_OUT_CREATED ? 201 : o == CMD_OUT_NONE ? 204 : 200;
}

/*
 * The engine's encoder for the idempotency record (engine thread): the
 * JSON text of the answer, "null" for none. A replay decodes it again.
 */
static int encode_result(const struct cmd *c, char **out_text)
{
	bool oom;
	json_t *j = result_json(c, &oom);

	if (oom)
		return ERR_NOMEM;
	*out_text = j ? json_dumps(j, JSON_COMPACT) : strdup("null");
	json_decref(j);
	return *out_text ? 0 : ERR_NOMEM;
}

/*
 * How many bytes of u a command of type t uses. The union is sized by its
 * largest member (a worker record with its clearance terms inline, ~16 KB),
 * while the commands of the durable item flow use under 200 bytes of it:
 * zeroing and copying the whole struct twice per request was a tenth of
 * the server's CPU. Only the item commands are listed (their use cases in
 * app/items.c set the type and fill only their member); every other type
 * gets the whole union. CMD__COUNT: a transition whose use case sets an op
 * type (h_items.c).
 */
static size_t u_used(enum cmd_type t)
{
	const struct cmd *c = NULL;

	if (t == CMD_ITEM_CREATE)
		return sizeof(c->u.item_create);
	if (cmd_type_is_op(t) || t == CMD__COUNT)
		return sizeof(c->u.op);
	return sizeof(c->u);
}

/* Copies (src) or zeroes (src NULL) the parts of *c that a command of type t uses. */
static void cmd_parts(struct cmd *c, const struct cmd *src, enum cmd_type t)
{
	size_t head = offsetof(struct cmd, u), tail = offsetof(struct cmd, rc);
	size_t used = u_used(t);

	if (src) {
		memcpy(c, src, head + used);
		memcpy((char *)c + tail, (const char *)src + tail, sizeof(*c) - tail);
	} else {
		memset(c, 0, head + used);
		memset((char *)c + tail, 0, sizeof(*c) - tail);
	}
}

struct cmd *http__cmd_new(struct req *r, enum cmd_type t)
{
	struct cmd *c = malloc(sizeof(*c));

	if (!c) {
		http__fail(r, ERR_NOMEM, NULL);
		return NULL;
	}
	cmd_parts(c, NULL, t);
	c->type = t;
	c->actor = &r->actor;
	c->encode = encode_result;
	return c;
}

void http__cmd_free(struct cmd *c)
{
	if (!c)
		return;
	cmd_release(c);
	free(c);
}

/* The key must fit the store's idempotency record (MODEL_REF_MAX with its NUL). */
#define IDEM_KEY_MAX (MODEL_REF_MAX - 1)

int http__idem(struct req *r, struct cmd *c)
{
	const char *key = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND, "Idempotency-Key");
	crypto_generichash_state st;
	size_t n;

	if (!key)
		return 0;
	n = strlen(key);
	if (n < 1 || n > IDEM_KEY_MAX ||
	    key[strspn(key, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:-")])
		return http__fail(
		    r, ERR_INVALID,
		    "Idempotency-Key must be 1 to %d characters of A-Z a-z 0-9 _ . : -",
		    IDEM_KEY_MAX);
	/* NUL separators: no method/path/body split can collide with another. */
	crypto_generichash_init(&st, NULL, 0, sizeof(c->req_hash));
	crypto_generichash_update(&st, (const unsigned char *)r->method, strlen(r->method) + 1);
	crypto_generichash_update(&st, (const unsigned char *)r->path, strlen(r->path) + 1);
	crypto_generichash_update(&st, (const unsigned char *)buf_str(&r->body), r->body.len);
	crypto_generichash_final(&st, c->req_hash, sizeof(c->req_hash));
	c->idem_key = key;
	return 0;
}

/* The strings a command points to belong to the handler's run; keep copies. */
static int dup_str(const char **p)
{
	char *d;

	if (!*p)
		return 0;
	d = strdup(*p);
	if (!d)
		return ERR_NOMEM;
	*p = d;
	return 0;
}

/* *dst becomes a copy of src (NULL stays NULL). */
static int dup_from(const char *src, const char **dst)
{
	int rc;

	*dst = src;
	if ((rc = dup_str(dst)))
		*dst = NULL;
	return rc;
}

static void free_strs(struct cmd *c)
{
	free((char *)c->idem_key);
	if (c->type == CMD_ITEM_CREATE)
		free((char *)c->u.item_create.payload);
	if (cmd_type_is_op(c->type)) {
		free((char *)c->u.op.result_json);
		free((char *)c->u.op.reason);
		free((char *)c->u.op.defect);
		free((char *)c->u.op.field);
	}
	if (c->type == CMD_ENGAGEMENT_FIELDS) {
		free((char *)c->u.fields.payload);
		free((char *)c->u.fields.result);
	}
	http__review_free(c);
	if (c->type == CMD_GOLD_ADD)
		free((char *)c->u.gold.texts);
	if (c->type == CMD_INVOICE_DRAFT) /* billing: the engine's copy of the draft */
		free(c->u.invoice.draft);
	if (c->type == CMD_INVOICE_CREDIT) /* billing: the engine's copy of a partial note */
		free(c->u.invoice.credit);
}

static struct cmd *cmd_keep(const struct cmd *c)
{
	struct cmd *p = malloc(sizeof(*p));
	int rc;

	if (!p)
		return NULL;
	cmd_parts(p, c, c->type);
	memset(&p->result, 0, sizeof(p->result));
	/* Review sampling's strings are copied from c below: none is c's if a copy fails. */
	if (cmd_type_is_op(p->type))
		p->u.op.defect = p->u.op.field = NULL;
	http__review_unshare(p);
	if (p->type == CMD_GOLD_ADD && p->u.gold.texts) {
		/* The gold items' texts (len bytes with their NULs), copied before anything can fail. */
		char *d = malloc(p->u.gold.len ? p->u.gold.len : 1);

		if (d)
			memcpy(d, p->u.gold.texts, p->u.gold.len);
		p->u.gold.texts = d;
	}
	if (p->type == CMD_INVOICE_DRAFT && p->u.invoice.draft) {
		/* billing: the draft (one block), copied: the handler frees its own */
		size_t n = invoice_draft_size(p->u.invoice.draft->n_refs);
		struct invoice_draft *d = malloc(n);

		if (d)
			memcpy(d, p->u.invoice.draft, n);
		p->u.invoice.draft = d;
	}
	if (p->type == CMD_INVOICE_CREDIT && p->u.invoice.credit) {
		/* billing: a partial note's asks, copied: the handler frees its own */
		struct credit_req *q = malloc(sizeof(*q));

		if (q)
			memcpy(q, p->u.invoice.credit, sizeof(*q));
		p->u.invoice.credit = q;
	}
	/* u is a union: only the string fields of this command's type are live. */
	rc = dup_str(&p->idem_key);
	if (!rc && p->type == CMD_INVOICE_CREDIT && !p->u.invoice.credit && c->u.invoice.credit)
		rc = ERR_NOMEM;
	if (!rc && p->type == CMD_INVOICE_DRAFT && !p->u.invoice.draft && c->u.invoice.draft)
		rc = ERR_NOMEM;
	if (!rc && p->type == CMD_GOLD_ADD && !p->u.gold.texts && c->u.gold.texts)
		rc = ERR_NOMEM;
	if (!rc && p->type == CMD_ITEM_CREATE)
		rc = dup_str(&p->u.item_create.payload);
	if (!rc && cmd_type_is_op(p->type)) {
		rc = dup_str(&p->u.op.result_json);
		if (!rc)
			rc = dup_str(&p->u.op.reason);
		if (!rc)
			rc = dup_from(c->u.op.defect, &p->u.op.defect);
		if (!rc)
			rc = dup_from(c->u.op.field, &p->u.op.field);
	}
	if (!rc && p->type == CMD_ENGAGEMENT_FIELDS) {
		const char *result = p->u.fields.result;

		/* Never a pointer left to the handler's text for free_strs() to free. */
		p->u.fields.result = NULL;
		if ((rc = dup_str(&p->u.fields.payload))) {
			p->u.fields.payload = NULL;
		} else {
			p->u.fields.result = result;
			if ((rc = dup_str(&p->u.fields.result)))
				p->u.fields.result = NULL;
		}
	}
	if (!rc)
		rc = http__review_keep(p, c);
	if (rc) {
		free_strs(p);
		free(p);
		return NULL;
	}
	return p;
}

void http__pending_free(struct req *r)
{
	if (!r->pending)
		return;
	free_strs(r->pending);
	cmd_release(r->pending);
	free(r->pending);
	r->pending = NULL;
}

/* Engine thread: the command is durable (or refused); wake the connection. */
static void on_engine_done(struct cmd *c, void *arg)
{
	struct req *r = arg;
	struct http_server *h = r->srv;

	(void)c;
	atomic_store(&r->pending_done, true);
	MHD_resume_connection(r->conn);
	atomic_fetch_sub(&h->suspended, 1);
}

/* First run: hand the command over and suspend the connection. */
static int engine_start_cmd(struct req *r, struct cmd *c)
{
	struct http_server *h = r->srv;
	struct cmd *p;

	/* Counted before the check, so http_stop() never misses one. */
	atomic_fetch_add(&h->suspended, 1);
	if (atomic_load(&h->stopping)) {
		atomic_fetch_sub(&h->suspended, 1);
		return http__fail(r, ERR_SHUTDOWN, NULL);
	}
	p = cmd_keep(c);
	if (!p) {
		atomic_fetch_sub(&h->suspended, 1);
		return http__fail(r, ERR_NOMEM, NULL);
	}
	p->actor = &r->actor;
	r->pending = p;
	atomic_store(&r->pending_done, false);
	MHD_suspend_connection(r->conn);
	if (app_submit(&h->app, p, on_engine_done, r)) {
		MHD_resume_connection(r->conn);
		atomic_fetch_sub(&h->suspended, 1);
		http__pending_free(r);
		return http__fail(r, ERR_SHUTDOWN, NULL);
	}
	r->suspended = true;
	return ERR_SUSPENDED;
}

/* The error object's details from the engine: its message and the item's state. */
static json_t *error_detail(const struct cmd_result *res)
{
	json_t *d;

	if (!res->message[0] && res->state < 0)
		return NULL;
	d = json_object();
	if (d && res->message[0])
		json_object_set_new(d, "message", json_string(res->message));
	if (d && res->state >= 0)
		json_object_set_new(d, "state",
				    json_string(item_state_name((enum item_state)res->state)));
	if (d && res->problems)
		http__fields_detail(d, res);
	return d;
}

/* An item create whose external_ref is taken names the item that has it (detail: stolen). */
static json_t *exists_detail(const struct cmd *c, json_t *d)
{
	if (c->rc != ERR_EXISTS || c->type != CMD_ITEM_CREATE || c->result.id <= 0)
		return d;
	if (!d)
		d = json_object();
	if (d)
		json_object_set_new(d, "item_id", json_integer((json_int_t)c->result.id));
	return d;
}

/*
 * The answer of a replay: the stored text, decoded ("null": no body), so
 * that what follows (http__expand, the payload of get-next) treats it as
 * the first answer was treated. OUT: *out. 0 or ERR_NOMEM.
 */
static int replay_json(const struct cmd_result *res, json_t **out)
{
	*out = NULL;
	if (!res->replay_text || !strcmp(res->replay_text, "null"))
		return 0;
	*out = json_loads(res->replay_text, JSON_DECODE_ANY, NULL);
	/* Out of memory (we stored valid JSON): fail, never a bodiless 2xx. */
	return *out ? 0 : ERR_NOMEM;
}

/*
 * The handler runs twice around the engine: the first run hands the
 * command over and returns ERR_SUSPENDED; once the command is durable the
 * connection resumes and the handler runs again from the top, and this
 * call returns the answer. So everything a handler does before
 * http__engine() runs twice: it may only parse and validate input and read
 * the store (the second read may see the command's effect); it must not
 * write, count, log per request or hand anything else to the engine.
 */
int http__engine(struct req *r, struct cmd *c)
{
	json_t *reply = NULL;
	bool oom = false;
	int rc;

	if (!r->pending || !atomic_load(&r->pending_done))
		return engine_start_cmd(r, c);
	/* Second run: the answer is here; c takes over what it owns. */
	c->rc = r->pending->rc;
	c->result = r->pending->result;
	r->pending->result.replay_text = NULL;
	r->pending->result.problems = NULL;
	r->pending->result.leased = NULL;
	http__pending_free(r);
	rc = c->rc;
	r->replayed = c->result.replayed;
	if (rc) {
		http__fail_detail(r, rc, exists_detail(c, error_detail(&c->result)), NULL);
		return rc;
	}
	if (c->result.replayed)
		rc = replay_json(&c->result, &reply);
	else
		reply = result_json(c, &oom);
	if (rc || oom) {
		r->replayed = false;
		return http__fail(r, ERR_NOMEM, NULL);
	}
	/* A replay recorded before work/next explained itself answers 204, as it did. */
	if (c->result.outcome == CMD_OUT_NONE && !reply) {
		http__reply(r, 204, NULL);
	} else if (c->result.outcome == CMD_OUT_NONE) {
		http__reply(r, 200, reply);
	} else {
		http__reply(r, status_of(c->result.outcome), reply);
	}
	return 0;
}

/* ------------------------------------------------------ shared shapes */

int http__levels(struct req *r, const char *field, json_t *arr, struct app_level_in *out,
		 size_t cap, size_t *n)
{
	size_t i;
	json_t *el;

	*n = 0;
	if (!arr)
		return 0;
	if (!json_is_array(arr))
		return http__fail(r, ERR_INVALID, "%s must be an array of {code, level}", field);
	/* More than cap: the use case says so before it reads an entry. */
	*n = json_array_size(arr);
	json_array_foreach(arr, i, el)
	{
		json_t *level = NULL;
		json_error_t e;

		if (i >= cap)
			break;
		out[i] = (struct app_level_in){.level = APP_ABSENT};
		if (json_unpack_ex(el, &e, JSON_STRICT, "{s:s, s?o}", "code", &out[i].code,
				   "level", &level))
			return http__fail(r, ERR_INVALID, "%s[%zu]: %s", field, i, e.text);
		if (level && !json_is_integer(level))
			return http__fail(r, ERR_INVALID, "%s[%zu]: level must be an integer",
					  field, i);
		if (level)
			out[i].level = (double)json_integer_value(level);
	}
	return 0;
}

void http__expand(struct req *r, http_getter get)
{
	json_t *id = json_object_get(r->out, "id"), *rec = NULL;

	if (r->status >= 300 || !json_is_integer(id) || json_object_size(r->out) != 1)
		return;
	/* The write is durable either way; a failed read keeps the short answer. */
	if (get(r->srv->store, json_integer_value(id), &rec) == 0 && json_is_object(rec)) {
		json_decref(r->out);
		r->out = rec;
	} else {
		json_decref(rec);
	}
}
