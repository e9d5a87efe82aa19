/* store.c - opens the backend a URL names, forwards store_x calls, holds the catalogue. */
#include "store/store.h"

#include <string.h>

#include "store/sqlite/sqlite_store.h"
#include "util/err.h"

/* ================================================================
 * Opening
 * ================================================================ */

static bool has_prefix(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

int store_open(const char *url, int readers, struct store **out, struct buf *err)
{
	*out = NULL;
	if (!url || !*url)
		return buf_error(err, ERR_INVALID, "no store URL or path given");
	if (has_prefix(url, "postgres://") || has_prefix(url, "postgresql://"))
		return buf_error(err, ERR_INVALID,
				 "the PostgreSQL backend is not available in this build");
	if (strstr(url, "://"))
		return buf_error(err, ERR_INVALID, "unknown store URL scheme in \"%s\"", url);
	return store_sqlite_open(url, readers, out, err);
}

void store_close(struct store *s)
{
	if (s)
		s->ops->close(s);
}

const char *store_errmsg(struct store *s)
{
	return s ? s->ops->errmsg(s) : "";
}

/* ================================================================
 * Default catalogue (DESIGN.md): code = category for these services
 * ================================================================ */

#define SVC(c, n, k)                                                                               \
	{                                                                                          \
		.code = c, .name = n, .kind = k, .category = c                                     \
	}

static const struct service_rec default_catalogue[] = {
    SVC("data_entry", "Data entry", KIND_BPO),
    SVC("forms", "Forms processing", KIND_BPO),
    SVC("ocr_indexing", "Scanning and OCR correction with indexing", KIND_BPO),
    SVC("bookkeeping", "Bookkeeping and accounting", KIND_BPO),
    SVC("payroll", "Payroll", KIND_BPO),
    SVC("claims", "Insurance claims", KIND_BPO),
    SVC("support", "Customer support", KIND_BPO),
    SVC("tech_support", "Technical support", KIND_BPO),
    SVC("it_helpdesk", "IT help desk", KIND_BPO),
    SVC("telemarketing", "Telemarketing", KIND_BPO),
    SVC("legal", "Legal process outsourcing", KIND_KPO),
    SVC("financial_research", "Financial research", KIND_KPO),
    SVC("market_research", "Market research", KIND_KPO),
    SVC("business_research", "Business research", KIND_KPO),
    SVC("analytics", "Analytics and data interpretation", KIND_KPO),
    SVC("patent_search", "Patent search", KIND_KPO),
    SVC("investment_analysis", "Investment analysis", KIND_KPO),
    SVC("engineering", "Engineering services", KIND_KPO),
    SVC("clinical_research", "Medical and clinical research", KIND_KPO),
    SVC("design", "Design and animation", KIND_KPO),
    SVC("publishing", "Publishing", KIND_KPO),
};

#undef SVC

size_t store_default_catalogue(const struct service_rec **out)
{
	*out = default_catalogue;
	return sizeof(default_catalogue) / sizeof(default_catalogue[0]);
}

/* ================================================================
 * Wrappers: store_x(s, ...) is s->ops->x(s, ...)
 * ================================================================ */

int store_begin(struct store *s)
{
	return s->ops->begin(s);
}

int store_commit(struct store *s)
{
	return s->ops->commit(s);
}

int store_rollback(struct store *s)
{
	return s->ops->rollback(s);
}

int store_savepoint(struct store *s)
{
	return s->ops->savepoint(s);
}

int store_release(struct store *s)
{
	return s->ops->release(s);
}

int store_rollback_to(struct store *s)
{
	return s->ops->rollback_to(s);
}

int store_client_insert(struct store *s, struct client_rec *c)
{
	return s->ops->client_insert(s, c);
}

int store_service_insert(struct store *s, struct service_rec *sv)
{
	return s->ops->service_insert(s, sv);
}

int store_engagement_insert(struct store *s, struct engagement_rec *e)
{
	return s->ops->engagement_insert(s, e);
}

int store_user_insert(struct store *s, struct user_rec *u)
{
	return s->ops->user_insert(s, u);
}

int store_token_insert(struct store *s, int64_t user_id, const unsigned char hash[32],
		       int64_t created_at)
{
	return s->ops->token_insert(s, user_id, hash, created_at);
}

int store_worker_insert(struct store *s, struct worker_rec *w)
{
	return s->ops->worker_insert(s, w);
}

int store_worker_set_status(struct store *s, int64_t worker_id, enum worker_status st)
{
	return s->ops->worker_set_status(s, worker_id, st);
}

int store_item_insert(struct store *s, struct item_rec *it)
{
	return s->ops->item_insert(s, it);
}

int store_item_update(struct store *s, const struct item_rec *it)
{
	return s->ops->item_update(s, it);
}

int store_item_state_get(struct store *s, int64_t id, struct item_rec *out)
{
	return s->ops->item_state_get(s, id, out);
}

int store_user_rec_get(struct store *s, int64_t id, struct user_rec *out)
{
	return s->ops->user_rec_get(s, id, out);
}

int store_event_insert(struct store *s, struct event_rec *ev)
{
	return s->ops->event_insert(s, ev);
}

int store_audit_insert(struct store *s, struct audit_rec *a)
{
	return s->ops->audit_insert(s, a);
}

int store_audit_tail(struct store *s, int64_t *seq, unsigned char hash[32])
{
	return s->ops->audit_tail(s, seq, hash);
}

int store_idem_get(struct store *s, int64_t user_id, const char *key, struct idem_rec *out)
{
	return s->ops->idem_get(s, user_id, key, out);
}

int store_idem_put(struct store *s, const struct idem_rec *r)
{
	return s->ops->idem_put(s, r);
}

int store_load_clients(struct store *s, store_client_cb cb, void *ctx)
{
	return s->ops->load_clients(s, cb, ctx);
}

int store_load_services(struct store *s, store_service_cb cb, void *ctx)
{
	return s->ops->load_services(s, cb, ctx);
}

int store_load_engagements(struct store *s, store_engagement_cb cb, void *ctx)
{
	return s->ops->load_engagements(s, cb, ctx);
}

int store_load_workers(struct store *s, store_worker_cb cb, void *ctx)
{
	return s->ops->load_workers(s, cb, ctx);
}

int store_load_open_items(struct store *s, store_item_cb cb, void *ctx)
{
	return s->ops->load_open_items(s, cb, ctx);
}

int store_token_lookup(struct store *s, const unsigned char hash[32], struct user_rec *out)
{
	return s->ops->token_lookup(s, hash, out);
}

int store_user_by_name(struct store *s, const char *name, struct user_rec *out)
{
	return s->ops->user_by_name(s, name, out);
}

int store_worker_by_user(struct store *s, int64_t user_id, struct worker_rec *out)
{
	return s->ops->worker_by_user(s, user_id, out);
}

int store_service_by_code(struct store *s, const char *code, struct service_rec *out)
{
	return s->ops->service_by_code(s, code, out);
}

int store_client_get(struct store *s, int64_t id, struct client_rec *out)
{
	return s->ops->client_get(s, id, out);
}

int store_client_list(struct store *s, const struct store_page *pg, store_client_cb cb,
		      void *ctx, int64_t *next_after)
{
	return s->ops->client_list(s, pg, cb, ctx, next_after);
}

int store_service_get(struct store *s, int64_t id, struct service_rec *out)
{
	return s->ops->service_get(s, id, out);
}

int store_service_list(struct store *s, const struct store_page *pg, store_service_cb cb,
		       void *ctx, int64_t *next_after)
{
	return s->ops->service_list(s, pg, cb, ctx, next_after);
}

int store_engagement_get(struct store *s, int64_t id, struct engagement_rec *out)
{
	return s->ops->engagement_get(s, id, out);
}

int store_engagement_list(struct store *s, const struct store_page *pg, store_engagement_cb cb,
			  void *ctx, int64_t *next_after)
{
	return s->ops->engagement_list(s, pg, cb, ctx, next_after);
}

int store_user_get(struct store *s, int64_t id, struct user_rec *out)
{
	return s->ops->user_get(s, id, out);
}

int store_user_list(struct store *s, const struct store_page *pg, store_user_cb cb, void *ctx,
		    int64_t *next_after)
{
	return s->ops->user_list(s, pg, cb, ctx, next_after);
}

int store_worker_get(struct store *s, int64_t id, struct worker_rec *out)
{
	return s->ops->worker_get(s, id, out);
}

int store_worker_list(struct store *s, const struct store_page *pg, store_worker_cb cb,
		      void *ctx, int64_t *next_after)
{
	return s->ops->worker_list(s, pg, cb, ctx, next_after);
}

int store_item_get(struct store *s, int64_t id, bool with_payload, struct item_rec *out)
{
	return s->ops->item_get(s, id, with_payload, out);
}

int store_item_list(struct store *s, const struct store_page *pg, store_item_cb cb, void *ctx,
		    int64_t *next_after)
{
	return s->ops->item_list(s, pg, cb, ctx, next_after);
}

int store_item_history(struct store *s, int64_t item_id, store_event_cb cb, void *ctx)
{
	return s->ops->item_history(s, item_id, cb, ctx);
}

int store_audit_list(struct store *s, const struct store_page *pg, store_audit_cb cb, void *ctx,
		     int64_t *next_after)
{
	return s->ops->audit_list(s, pg, cb, ctx, next_after);
}

int store_audit_each(struct store *s, int64_t after_seq, store_audit_cb cb, void *ctx)
{
	return s->ops->audit_each(s, after_seq, cb, ctx);
}

int store_backup(struct store *s, const char *path)
{
	return s->ops->backup(s, path);
}

int store_workers_each(struct store *s, store_worker_cb cb, void *ctx)
{
	return s->ops->workers_each(s, cb, ctx);
}

int store_engagements_each(struct store *s, store_engagement_cb cb, void *ctx)
{
	return s->ops->engagements_each(s, cb, ctx);
}

int store_arrivals(struct store *s, int64_t engagement_id, int64_t from_ms, int64_t to_ms,
		   int64_t interval_ms, double *counts, size_t n)
{
	return s->ops->arrivals(s, engagement_id, from_ms, to_ms, interval_ms, counts, n);
}
