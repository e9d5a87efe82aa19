/* h_gold.c - gold items over HTTP: load, list, switch, settings, a worker's quality (app/gold.h).
 */
#include <stdlib.h>
#include <string.h>

#include "app/gold.h"
#include "http/http_int.h"
#include "util/err.h"
#include "wire/gold.h"

/* A use case's refusal with its line. */
static int app_fail(struct req *r, int rc, struct buf *err)
{
	return http__app_fail(r, rc, err);
}

/* A write the use case prepared in c: its refusal, or the key read and the command run. */
static int run_write(struct req *r, int rc, struct buf *err, struct cmd *c)
{
	if (rc)
		return app_fail(r, rc, err);
	buf_release(err);
	if ((rc = http__idem(r, c)))
		return rc;
	return http__engine(r, c);
}

/* One gold item of the body into in (texts malloc'd into out[2]). */
static int gold_item(struct req *r, json_t *o, size_t i, struct gold_in *in, char *texts[2])
{
	json_t *payload = NULL, *result = NULL;
	const char *ref = NULL;
	json_error_t e;

	if (!json_is_object(o) || json_unpack_ex(o, &e, JSON_STRICT, "{s:o, s:o, s?s}", "payload",
						 &payload, "result", &result, "external_ref", &ref))
		return http__fail(
		    r, ERR_INVALID,
		    "invalid body: gold item %zu must be {payload, result, external_ref?}%s%s",
		    i + 1, json_is_object(o) ? ": " : "", json_is_object(o) ? e.text : "");
	texts[0] = json_dumps(payload, JSON_COMPACT | JSON_ENCODE_ANY);
	texts[1] = json_dumps(result, JSON_COMPACT | JSON_ENCODE_ANY);
	if (!texts[0] || !texts[1])
		return http__fail(r, ERR_NOMEM, NULL);
	in->payload = texts[0];
	in->result = texts[1];
	in->external_ref = ref;
	return 0;
}

/* The body: one gold item, {"items": [...]}, or an array of them. OUT: *out (decref). */
static int load_body(struct req *r, json_t **out, json_t **list)
{
	const char *s = buf_str(&r->body);
	json_error_t e;
	json_t *items;

	*list = NULL;
	s += strspn(s, " \t\r\n");
	if (*s != '[') {
		int rc = http__body(r, false, out);

		if (rc)
			return rc;
		items = json_object_get(*out, "items");
		if (items && json_object_size(*out) != 1)
			return http__fail(r, ERR_INVALID,
					  "invalid body: {\"items\": [...]} takes no other member");
		*list = items ? items : NULL;
		if (*list && !json_is_array(*list))
			return http__fail(r, ERR_INVALID, "invalid body: items must be an array");
		return 0;
	}
	/* jansson's own depth limit (2048) bounds a nested array, as for any body. */
	*out = json_loadb(buf_str(&r->body), r->body.len, JSON_REJECT_DUPLICATES, &e);
	if (!*out)
		return http__fail(r, ERR_INVALID, "invalid JSON at line %d column %d: %s", e.line,
				  e.column, e.text);
	*list = *out;
	return 0;
}

/*
 * POST /v1/engagements/:id/gold  {payload, result, external_ref?} | {"items": [...]} | [...]
 *   -> 201 {"created": n, "ids": [...]}  (staff: gold.manage; at most GOLD_LOAD_MAX)
 */
int h_gold_create(struct req *r)
{
	struct cmd *c = http__cmd_new(r, CMD_GOLD_ADD);
	struct gold_in *in = NULL;
	struct buf err = BUF_INIT;
	json_t *body = NULL, *list = NULL, *ids;
	char **texts = NULL;
	size_t n = 0;
	int rc;

	if (!c)
		return ERR_NOMEM;
	if ((rc = load_body(r, &body, &list)))
		goto out;
	n = list ? json_array_size(list) : 1;
	if (n < 1 || n > GOLD_LOAD_MAX) {
		rc = http__fail(r, ERR_INVALID, "a load takes 1 to %d gold items, not %zu",
				GOLD_LOAD_MAX, n);
		goto out;
	}
	in = calloc(n, sizeof(*in));
	texts = calloc(2 * n, sizeof(*texts));
	if (!in || !texts) {
		rc = http__fail(r, ERR_NOMEM, NULL);
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if ((rc = gold_item(r, list ? json_array_get(list, i) : body, i, &in[i],
				    &texts[2 * i])))
			goto out;
	rc = app_gold_add(&r->srv->app, &r->actor, r->param[0], in, n, c, &err);
	if ((rc = run_write(r, rc, &err, c)) || r->status != 201)
		goto out;
	/* The ids follow the first the engine answered. */
	ids = json_array();
	for (size_t i = 0; ids && i < n; i++)
		json_array_append_new(ids, json_integer((json_int_t)(c->result.id + (int64_t)i)));
	if (c->result.replayed) {
		json_t *id = json_object_get(r->out, "id");

		for (size_t i = 0; ids && json_is_integer(id) && i < n; i++)
			json_array_set_new(ids, i,
					   json_integer(json_integer_value(id) + (json_int_t)i));
	}
	http__reply(r, 201, json_pack("{s:I, s:o}", "created", (json_int_t)n, "ids", ids));
out:
	app_gold_cmd_release(c);
	for (size_t i = 0; texts && i < 2 * n; i++)
		free(texts[i]);
	free(texts);
	free(in);
	http__cmd_free(c);
	json_decref(body);
	return rc;
}

/* store_gold_cb: a gold item appended to the page's array. */
static int add_gold(void *ctx, const struct gold_rec *g)
{
	json_t *j = wire_gold(g);

	return j && !json_array_append_new(ctx, j) ? 0 : ERR_NOMEM;
}

/* GET /v1/engagements/:id/gold?after=&limit= -> {"data": [...], "next_after"} (gold.read) */
int h_gold_list(struct req *r)
{
	struct app_page_in in;
	struct buf err = BUF_INIT;
	json_t *data = json_array();
	int64_t next = 0;
	int rc;

	if (!data)
		return http__fail(r, ERR_NOMEM, NULL);
	http__page_in(r, false, &in);
	rc = app_gold_list(&r->srv->app, &r->actor, r->param[0], &in, add_gold, data, &next, &err);
	if (rc) {
		json_decref(data);
		return app_fail(r, rc, &err);
	}
	buf_release(&err);
	return http__read(r, 0,
			  json_pack("{s:o, s:o}", "data", data, "next_after",
				    next ? json_integer((json_int_t)next) : json_null()));
}

/* POST /v1/engagements/:id/gold/:gid/deactivate | activate -> {"id", "active"} (gold.manage) */
static int set_active(struct req *r, bool active)
{
	struct cmd *c = http__cmd_new(r, CMD_GOLD_ACTIVE);
	struct buf err = BUF_INIT;
	json_t *body = NULL;
	int rc;

	if (!c)
		return ERR_NOMEM;
	if ((rc = http__body(r, true, &body)) || (rc = http__unpack(r, body, "{}")))
		goto out;
	rc =
	    app_gold_set_active(&r->srv->app, &r->actor, r->param[0], r->param[1], active, c, &err);
	if (!(rc = run_write(r, rc, &err, c)) && r->status == 200)
		http__reply(
		    r, 200,
		    json_pack("{s:I, s:b}", "id", (json_int_t)r->param[1], "active", active));
out:
	http__cmd_free(c);
	json_decref(body);
	return rc;
}

int h_gold_deactivate(struct req *r)
{
	return set_active(r, false);
}

int h_gold_activate(struct req *r)
{
	return set_active(r, true);
}

/* GET /v1/engagements/:id/gold/settings -> the settings (gold.read) */
int h_gold_settings_get(struct req *r)
{
	struct gold_settings gs;
	struct buf err = BUF_INIT;
	int rc = app_gold_settings_get(&r->srv->app, &r->actor, r->param[0], &gs, &err);

	if (rc)
		return app_fail(r, rc, &err);
	buf_release(&err);
	return http__read(r, 0, wire_gold_settings(&gs));
}

/* A number of the body, or APP_ABSENT (integers and reals alike). */
static int number(struct req *r, json_t *body, const char *field, double *out)
{
	json_t *v = json_object_get(body, field);

	*out = APP_ABSENT;
	if (!v)
		return 0;
	if (!json_is_number(v))
		return http__fail(r, ERR_INVALID, "invalid body: %s must be a number", field);
	*out = json_number_value(v);
	return 0;
}

/*
 * PUT /v1/engagements/:id/gold/settings {rate?, threshold?, min_answers?,
 *   qualification?, margin?, prefer_seconds?} -> the settings (gold.manage)
 */
int h_gold_settings_put(struct req *r)
{
	static const char *const fields[] = {"rate",	      "threshold", "min_answers",
					     "qualification", "margin",	   "prefer_seconds"};
	struct cmd *c = http__cmd_new(r, CMD_GOLD_SETTINGS);
	struct gold_settings_in in;
	double *dst[] = {&in.rate,	    &in.threshold, &in.min_answers,
			 &in.qualification, &in.margin,	   &in.prefer_seconds};
	struct buf err = BUF_INIT;
	struct gold_settings gs;
	json_t *body = NULL, *v;
	const char *key;
	int rc;

	if (!c)
		return ERR_NOMEM;
	if ((rc = http__body(r, false, &body)))
		goto out;
	json_object_foreach(body, key, v)
	{
		size_t i = 0;

		while (i < 6 && strcmp(fields[i], key))
			i++;
		if (i == 6) {
			rc = http__fail(r, ERR_INVALID, "invalid body: unknown member %s", key);
			goto out;
		}
	}
	for (size_t i = 0; i < 6; i++)
		if ((rc = number(r, body, fields[i], dst[i])))
			goto out;
	rc = app_gold_settings_put(&r->srv->app, &r->actor, r->param[0], &in, c, &err);
	if ((rc = run_write(r, rc, &err, c)) || r->status != 200)
		goto out;
	if (!app_gold_settings_get(&r->srv->app, &r->actor, r->param[0], &gs, &err))
		http__reply(r, 200, wire_gold_settings(&gs));
	buf_release(&err);
out:
	http__cmd_free(c);
	json_decref(body);
	return rc;
}

/* GET /v1/workers/:id/quality -> {worker_id, engagements: [...]} (staff, auditors, itself) */
int h_workers_quality(struct req *r)
{
	struct gold_quality *q = NULL;
	struct buf err = BUF_INIT;
	size_t n = 0;
	int rc = app_worker_quality(&r->srv->app, &r->actor, r->param[0], &q, &n, &err);

	if (rc)
		return app_fail(r, rc, &err);
	buf_release(&err);
	rc = http__read(r, 0, wire_gold_quality(r->param[0], q, n));
	free(q);
	return rc;
}

/* POST /v1/workers/:id/requalify {engagement_id} -> the worker's quality (gold.manage) */
int h_workers_requalify(struct req *r)
{
	struct cmd *c = http__cmd_new(r, CMD_GOLD_REQUALIFY);
	struct buf err = BUF_INIT;
	json_int_t eid = 0;
	json_t *body = NULL;
	int rc;

	if (!c)
		return ERR_NOMEM;
	if ((rc = http__body(r, false, &body)) ||
	    (rc = http__unpack(r, body, "{s:I}", "engagement_id", &eid)))
		goto out;
	rc = app_gold_requalify(&r->srv->app, &r->actor, r->param[0], (int64_t)eid, c, &err);
	if (!(rc = run_write(r, rc, &err, c)) && r->status == 200) {
		struct gold_quality *q = NULL;
		size_t n = 0;

		if (!app_worker_quality(&r->srv->app, &r->actor, r->param[0], &q, &n, &err))
			http__reply(r, 200, wire_gold_quality(r->param[0], q, n));
		buf_release(&err);
		free(q);
	}
out:
	http__cmd_free(c);
	json_decref(body);
	return rc;
}
