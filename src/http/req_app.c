/* req_app.c - the HTTP side of app/: use cases' errors, any list, any get, the one write path. */
#include <stdarg.h>
#include <string.h>

#include "http/http_int.h"
#include "util/err.h"
#include "wire/wire.h"

int http__num(struct req *r, const char *field, json_t *v, double *out)
{
	*out = APP_ABSENT;
	if (!v)
		return 0;
	if (!json_is_integer(v))
		return http__fail(r, ERR_INVALID, "invalid body: %s must be an integer", field);
	*out = (double)json_integer_value(v);
	return 0;
}


int http__app_fail(struct req *r, int rc, struct buf *err)
{
	/*
	 * The use case's line names the field or the missing record; a store's
	 * or the machine's error keeps the table's message (no SQL on the wire).
	 */
	if ((rc == ERR_INVALID || rc == ERR_NOTFOUND) && err->len)
		http__fail(r, rc, "%s", buf_str(err));
	else
		http__fail(r, rc, NULL);
	buf_release(err);
	return rc;
}

int http__list(struct req *r, enum app_kind k, bool by_client)
{
	struct app_page_in in;

	http__page_in(r, by_client, &in);
	return http__list_in(r, k, &in, NULL);
}

int http__list_in(struct req *r, enum app_kind k, const struct app_page_in *in,
		  int (*out)(struct req *r, json_t *data))
{
	struct buf err = BUF_INIT;
	json_t *data = json_array();
	int64_t next = 0;
	int rc;

	if (!data)
		return http__fail(r, ERR_NOMEM, NULL);
	rc = app_list(&r->srv->app, &r->actor, k, in, wire_rec_add, data, &next, &err);
	if (!rc && out)
		rc = out(r, data);
	if (rc) {
		json_decref(data);
		return http__app_fail(r, rc, &err);
	}
	buf_release(&err);
	return http__read(r, 0, wire_page(data, next));
}

/* app_get()'s callback: the record rendered into *ctx. */
static int render_one(void *ctx, const struct app_rec *rec)
{
	json_t **out = ctx;

	*out = wire_rec(rec);
	return *out ? 0 : ERR_NOMEM;
}

int http__get(struct req *r, enum app_kind k, int64_t id)
{
	struct buf err = BUF_INIT;
	json_t *j = NULL;
	int rc = app_get(&r->srv->app, &r->actor, k, id, render_one, &j, &err);

	if (rc)
		return http__app_fail(r, rc, &err);
	buf_release(&err);
	return http__read(r, 0, j);
}

/* Reads the body and makes the command (see http__write_begin()); ap: the unpack's. */
static int write_begin(struct req *r, struct http_write *w, enum cmd_type t, const char *fmt,
		       va_list ap)
{
	*w = (struct http_write){.r = r, .err = BUF_INIT};
	if ((w->rc = http__body(r, !strcmp(fmt, "{}"), &w->body)))
		goto fail;
	if ((w->rc = http__unpack_v(r, w->body, fmt, ap)))
		goto fail;
	if ((w->c = http__cmd_new(r, t)))
		return 0;
	w->rc = ERR_NOMEM;
fail:
	json_decref(w->body);
	w->body = NULL;
	return w->rc;
}

int http__write_begin(struct req *r, struct http_write *w, enum cmd_type t, const char *fmt,
		      ...)
{
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = write_begin(r, w, t, fmt, ap);
	va_end(ap);
	return rc;
}

int http__write_end(struct http_write *w, int rc, const void *in)
{
	struct req *r = w->r;
	struct buf why = BUF_INIT;
	json_t *id, *rec = NULL;
	enum app_kind k;

	if (!rc)
		rc = app_write(&r->srv->app, &r->actor, w->c->type, in, w->c, &w->err);
	if (rc) {
		/* The handler's own parsing may have answered already. */
		if (!r->status)
			http__app_fail(r, rc, &w->err);
		goto out;
	}
	if ((rc = http__engine(r, w->c)) || !app_cmd_shows(w->c, &k))
		goto out;
	/*
	 * An answer of only {"id": N} becomes the record as the actor reads it
	 * (the batch is committed by then). The write is durable either way: a
	 * failed read keeps the short answer.
	 */
	id = json_object_get(r->out, "id");
	if (r->status >= 300 || !json_is_integer(id) || json_object_size(r->out) != 1)
		goto out;
	if (!app_get(&r->srv->app, &r->actor, k, json_integer_value(id), render_one, &rec, &why)) {
		json_decref(r->out);
		r->out = rec;
	}
	buf_release(&why);
out:
	buf_release(&w->err);
	http__cmd_free(w->c);
	json_decref(w->body);
	w->c = NULL;
	w->body = NULL;
	return rc;
}

int http__write(struct req *r, enum cmd_type t, const void *in, const char *fmt, ...)
{
	struct http_write w;
	va_list ap;
	int rc;

	va_start(ap, fmt);
	rc = write_begin(r, &w, t, fmt, ap);
	va_end(ap);
	return rc ? rc : http__write_end(&w, 0, in);
}
