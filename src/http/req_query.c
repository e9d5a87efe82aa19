/* req_query.c - the query string a route declares: unknown parameters refused, booleans parsed. */
#include <string.h>

#include "http/http_int.h"
#include "util/err.h"

/* True if name is one of the space-separated words of list. */
static bool word_in(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; *p;) {
		size_t w = strcspn(p, " ");

		if (w == n && !strncmp(p, name, n))
			return true;
		p += w;
		p += strspn(p, " ");
	}
	return false;
}

struct query_walk {
	const char *allowed;
	const char *unknown; /* the first parameter not allowed (MHD's, valid for the request) */
};

static enum MHD_Result query_param(void *cls, enum MHD_ValueKind kind, const char *key,
				   const char *value)
{
	struct query_walk *q = cls;

	(void)kind;
	(void)value;
	if (key && !word_in(q->allowed, key)) {
		q->unknown = key;
		return MHD_NO;
	}
	return MHD_YES;
}

int http__query_check(struct req *r)
{
	struct query_walk q = {.allowed = http__route_query(r->route)};

	if (!q.allowed)
		return 0;
	MHD_get_connection_values(r->conn, MHD_GET_ARGUMENT_KIND, query_param, &q);
	if (!q.unknown)
		return 0;
	if (!*q.allowed)
		return http__fail(r, ERR_INVALID,
				  "unknown query parameter %.100s: this route takes none",
				  q.unknown);
	return http__fail(r, ERR_INVALID, "unknown query parameter %.100s; known: %s", q.unknown,
			  q.allowed);
}

int http__query_bool(struct req *r, const char *name, bool *out)
{
	const char *v = http__query(r, name);

	*out = false;
	if (!v)
		return 0;
	if (!strcmp(v, "true") || !strcmp(v, "false")) {
		*out = v[0] == 't';
		return 0;
	}
	return http__fail(r, ERR_INVALID, "%s must be true or false", name);
}
