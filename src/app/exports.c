/* exports.c - the export use case: checked, counted and audited, then the items read page by page.
 */
#include "app/exports.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "app/items.h"
#include "core/fields.h"
#include "core/item.h"
#include "util/clock.h"
#include "util/err.h"

struct app_export {
	const struct app *app;
	struct actor actor; /* a copy: an HTTP answer outlives its request's handler */
	enum export_format format;
	int64_t engagement_id, client_id;
	struct store_page pg; /* engagement, state, client; after moves */
	struct store_item_filter f;
	int64_t limit, count, last_id; /* last_id: the last item counted */
	bool opened, ended;
	int64_t ids[APP_EXPORT_PAGE];
	size_t n_ids, pos;
	struct export_cols cols;
};

static int role_may(const struct actor *actor, struct buf *err)
{
	if (policy_check(actor, POL_ITEM_EXPORT, NULL) == POLICY_ALLOW)
		return 0;
	return buf_error(err, ERR_FORBIDDEN, "role %s may not take %s", role_name(actor->role),
			 policy_action_name(POL_ITEM_EXPORT));
}

/* The engagement exists and the actor may export it (another client's: missing). */
static int engagement_scoped(struct app_export *ex, struct buf *err)
{
	struct engagement_rec *eng = malloc(sizeof(*eng));
	struct policy_scope sc;
	int64_t id = ex->engagement_id;
	int rc;

	if (!eng)
		return buf_error(err, ERR_NOMEM, "%s", err_message(ERR_NOMEM));
	rc = store_engagement_get(ex->app->store, id, eng);
	if (rc == ERR_NOTFOUND) {
		rc = buf_error(err, rc, "no engagement %lld", (long long)id);
		goto out;
	}
	if (rc) {
		rc = buf_error(err, rc, "%s", err_message(rc));
		goto out;
	}
	sc = (struct policy_scope){.client_id = eng->client_id, .kpo = eng->kind == KIND_KPO};
	if ((rc = policy_require(&ex->actor, POL_ITEM_EXPORT, &sc)) == ERR_NOTFOUND)
		rc = buf_error(err, rc, "no engagement %lld", (long long)id);
	else if (rc)
		rc = buf_error(err, rc, "role %s may not export engagement %lld",
			       role_name(ex->actor.role), (long long)id);
	ex->client_id = eng->client_id;
out:
	free(eng);
	return rc;
}

/* The columns of the engagement's declarations (core/export.h). */
static int load_columns(struct app_export *ex, struct buf *err)
{
	char *payload = NULL, *result = NULL;
	struct fieldset *pf = NULL, *rf = NULL;
	int64_t at = 0;
	int rc;

	rc = store_engagement_fields_get(ex->app->store, ex->engagement_id, &payload, &result, &at);
	if (rc) {
		rc = buf_error(err, rc, "%s", err_message(rc));
		goto out;
	}
	if ((payload && (rc = fieldset_parse(payload, &pf, err))) ||
	    (result && (rc = fieldset_parse(result, &rf, err))))
		goto out;
	export_columns(pf, rf, &ex->cols);
out:
	fieldset_free(pf);
	fieldset_free(rf);
	free(payload);
	free(result);
	return rc;
}

/* An optional RFC 3339 bound into ms; OUT: *ms (0 when absent), *given. */
static int bound(const char *field, const char *v, int64_t *ms, struct buf *err)
{
	*ms = 0;
	if (!v)
		return 0;
	if (clock_parse_rfc3339(v, ms))
		return buf_error(err, ERR_INVALID,
				 "%s must be an RFC 3339 time like 2026-01-31T17:00:00Z", field);
	return 0;
}

static int check_input(struct app_export *ex, const struct app_export_in *in, struct buf *err)
{
	int64_t from = 0, to = 0;
	enum item_state st;
	int rc;

	if (in->engagement_id < 1)
		return buf_error(err, ERR_INVALID, "engagement id must be a positive number");
	if (!in->format)
		return buf_error(err, ERR_INVALID, "format is required: csv, jsonl or xlsx");
	if (export_format_parse(in->format, &ex->format))
		return buf_error(err, ERR_INVALID, "format must be csv, jsonl or xlsx");
	if ((rc = bound("from", in->from, &from, err)) || (rc = bound("to", in->to, &to, err)))
		return rc;
	if (in->from && in->to && from >= to)
		return buf_error(err, ERR_INVALID, "from must be before to");
	if (in->state) {
		if (item_state_parse(in->state, &st))
			return buf_error(err, ERR_INVALID,
					 "state must be queued, assigned, submitted, in_review, "
					 "done, cancelled or failed");
		ex->pg.state = (int)st + 1;
	}
	if (in->limit < 0 || in->limit > APP_EXPORT_MAX_ROWS)
		return buf_error(err, ERR_INVALID, "limit must be between 1 and %d",
				 APP_EXPORT_MAX_ROWS);
	ex->limit = in->limit ? in->limit : APP_EXPORT_MAX_ROWS;
	/* The store's bounds are exclusive: from is inclusive, to exclusive. */
	if (in->from)
		ex->f.created_after = from - 1 ? from - 1 : -1;
	if (in->to)
		ex->f.created_before = to;
	return 0;
}

static int count_one(void *ctx, const struct item_rec *it)
{
	struct app_export *ex = ctx;

	if (++ex->count > ex->limit)
		return ERR_TOOBIG;
	ex->last_id = it->id;
	return 0;
}

/* Step 1's count: the items matching now, by keyset pages, and the last of them. */
static int count_rows(struct app_export *ex, struct buf *err)
{
	struct store_page pg = ex->pg;
	int64_t next = 0;
	int rc;

	pg.limit = STORE_PAGE_MAX;
	do {
		rc = store_item_find(ex->app->store, &pg, &ex->f, count_one, ex, &next);
		pg.after = next;
	} while (!rc && next);
	if (rc == ERR_TOOBIG)
		return buf_error(err, ERR_INVALID,
				 "more than %lld items match: narrow the export with from, to "
				 "or state",
				 (long long)ex->limit);
	if (rc)
		return buf_error(err, rc, "%s", err_message(rc));
	return 0;
}

/* The audit's detail: what was exported and how many rows, never a value. */
static void audit_detail(const struct app_export *ex, const struct app_export_in *in, char *out,
			 size_t n)
{
	char from[40] = "", to[40] = "";

	if (in->from)
		clock_format_ms(ex->f.created_after + 1, from, sizeof(from));
	if (in->to)
		clock_format_ms(ex->f.created_before, to, sizeof(to));
	snprintf(out, n,
		 "{\"format\":\"%s\",\"rows\":%lld,\"from\":%s%s%s,\"to\":%s%s%s,"
		 "\"state\":%s%s%s}",
		 export_format_name(ex->format), (long long)ex->count, in->from ? "\"" : "",
		 in->from ? from : "null", in->from ? "\"" : "", in->to ? "\"" : "",
		 in->to ? to : "null", in->to ? "\"" : "", ex->pg.state ? "\"" : "",
		 ex->pg.state ? item_state_name((enum item_state)(ex->pg.state - 1)) : "null",
		 ex->pg.state ? "\"" : "");
}

int app_export_begin(const struct app *app, const struct actor *actor,
		     const struct app_export_in *in, struct app_export **out, struct cmd *audit,
		     struct buf *err)
{
	struct app_export *ex;
	int64_t only = 0, worker = 0;
	int rc;

	*out = NULL;
	if ((rc = role_may(actor, err)))
		return rc;
	if (!(ex = calloc(1, sizeof(*ex))))
		return buf_error(err, ERR_NOMEM, "%s", err_message(ERR_NOMEM));
	ex->app = app;
	ex->actor = *actor;
	ex->engagement_id = in->engagement_id;
	if ((rc = check_input(ex, in, err)) || (rc = engagement_scoped(ex, err)))
		goto fail;
	if ((rc = policy_list_filter(actor, POL_ITEM_EXPORT, &only, &worker))) {
		rc = buf_error(err, ERR_NOTFOUND, "no engagement %lld",
			       (long long)in->engagement_id);
		goto fail;
	}
	ex->pg.engagement_id = ex->engagement_id;
	ex->pg.client_id = ex->client_id;
	if ((rc = load_columns(ex, err)) || (rc = count_rows(ex, err)))
		goto fail;
	audit->type = CMD_AUDIT;
	audit->actor = actor;
	memset(&audit->u.audit, 0, sizeof(audit->u.audit));
	memcpy(audit->u.audit.action, "item.export", sizeof("item.export"));
	memcpy(audit->u.audit.record_type, "engagement", sizeof("engagement"));
	audit->u.audit.record_id = ex->engagement_id;
	audit->u.audit.client_id = ex->client_id;
	audit_detail(ex, in, audit->u.audit.detail, sizeof(audit->u.audit.detail));
	*out = ex;
	return 0;
fail:
	free(ex);
	return rc;
}

int app_export_open(struct app_export *ex, int audit_rc, struct buf *err)
{
	if (audit_rc)
		return buf_error(err, audit_rc == ERR_SHUTDOWN ? ERR_SHUTDOWN : ERR_BUSY,
				 "the export could not be recorded in the audit trail; retry");
	ex->opened = true;
	ex->pg.after = 0;
	ex->ended = ex->count == 0;
	return 0;
}

static int page_id(void *ctx, const struct item_rec *it)
{
	struct app_export *ex = ctx;

	if (it->id > ex->last_id || ex->n_ids >= APP_EXPORT_PAGE)
		return 1; /* past the counted rows: the end */
	ex->ids[ex->n_ids++] = it->id;
	return 0;
}

/* The next page of ids (keyset: after the last one read). */
static int next_page(struct app_export *ex, struct buf *err)
{
	struct store_page pg = ex->pg;
	int64_t next = 0;
	int rc;

	ex->n_ids = ex->pos = 0;
	pg.limit = APP_EXPORT_PAGE;
	rc = store_item_find(ex->app->store, &pg, &ex->f, page_id, ex, &next);
	if (rc < 0)
		return buf_error(err, rc, "%s", err_message(rc));
	if (rc == 1 || !next)
		ex->ended = true; /* the last page: what it holds is still read */
	if (ex->n_ids)
		ex->pg.after = ex->ids[ex->n_ids - 1];
	return 0;
}

/* When the item last moved into a final state (0: none). */
static int done_event(void *ctx, const struct event_rec *ev)
{
	int64_t *at = ctx;

	if (ev->to_state == ITEM_DONE || ev->to_state == ITEM_CANCELLED ||
	    ev->to_state == ITEM_FAILED)
		*at = ev->at;
	return 0;
}

int app_export_next(struct app_export *ex, struct app_export_row *row, struct buf *err)
{
	int rc;

	item_rec_release(&row->item);
	memset(row, 0, sizeof(*row));
	if (!ex->opened)
		return buf_error(err, ERR_INTERNAL, "the export was not recorded first");
	for (;;) {
		if (ex->pos == ex->n_ids) {
			if (ex->ended)
				return 0;
			if ((rc = next_page(ex, err)))
				return rc;
			if (!ex->n_ids)
				return 0;
		}
		rc = app_item_export_read(ex->app, &ex->actor, ex->ids[ex->pos++], &row->item, err);
		if (rc == ERR_NOTFOUND) { /* purged or hidden meanwhile: not this export's */
			item_rec_release(&row->item);
			buf_reset(err);
			continue;
		}
		if (rc)
			return rc;
		if (ex->pg.state && (int)row->item.state + 1 != ex->pg.state) {
			item_rec_release(&row->item);
			continue; /* it left the filter since its page was read */
		}
		if (!item_state_open(row->item.state) &&
		    (rc = store_item_history(ex->app->store, row->item.id, done_event,
					     &row->done_at)))
			return buf_error(err, rc, "%s", err_message(rc));
		return 1;
	}
}

const struct export_cols *app_export_cols(const struct app_export *ex)
{
	return &ex->cols;
}

enum export_format app_export_format(const struct app_export *ex)
{
	return ex->format;
}

int64_t app_export_count(const struct app_export *ex)
{
	return ex->count;
}

int64_t app_export_client(const struct app_export *ex)
{
	return ex->client_id;
}

void app_export_free(struct app_export *ex)
{
	if (!ex)
		return;
	free(ex);
}
