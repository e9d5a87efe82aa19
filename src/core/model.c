/* model.c - names of the domain enums, and the item record's release. */
#include "core/model.h"

#include <stdlib.h>
#include <string.h>

#include "util/err.h"

static const char *const role_names[ROLE__COUNT] = { "admin", "manager", "worker", "client",
						     "auditor" };
static const char *const kind_names[] = { "bpo", "kpo" };
static const char *const status_names[] = { "available", "away", "offline" };

static int parse_name(const char *s, const char *const *names, int n, int *out)
{
	if (!s)
		return ERR_INVALID;
	for (int i = 0; i < n; i++) {
		if (!strcmp(s, names[i])) {
			*out = i;
			return 0;
		}
	}
	return ERR_INVALID;
}

const char *role_name(enum role r)
{
	return (unsigned)r < ROLE__COUNT ? role_names[r] : "unknown";
}

int role_parse(const char *s, enum role *out)
{
	int v, rc = parse_name(s, role_names, ROLE__COUNT, &v);

	if (!rc)
		*out = (enum role)v;
	return rc;
}

const char *service_kind_name(enum service_kind k)
{
	return (unsigned)k < 2 ? kind_names[k] : "unknown";
}

int service_kind_parse(const char *s, enum service_kind *out)
{
	int v, rc = parse_name(s, kind_names, 2, &v);

	if (!rc)
		*out = (enum service_kind)v;
	return rc;
}

const char *worker_status_name(enum worker_status s)
{
	return (unsigned)s < 3 ? status_names[s] : "unknown";
}

int worker_status_parse(const char *s, enum worker_status *out)
{
	int v, rc = parse_name(s, status_names, 3, &v);

	if (!rc)
		*out = (enum worker_status)v;
	return rc;
}

void item_rec_release(struct item_rec *it)
{
	free(it->payload);
	free(it->result);
	it->payload = NULL;
	it->result = NULL;
}
