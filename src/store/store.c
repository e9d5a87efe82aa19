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

void store_set_cipher(struct store *s, const struct store_cipher *c)
{
	s->cipher = c;
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

#define X(name, params, args)                                                                      \
	int store_##name params                                                                    \
	{                                                                                          \
		return s->ops->name args;                                                          \
	}
STORE_OPS(X)
#undef X
