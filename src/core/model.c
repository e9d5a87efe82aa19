/* model.c - names of the domain enums, and the item record's release. */
#include "core/model.h"

#include <stdlib.h>

#include "util/names.h"

static const char *const role_names[ROLE__COUNT] = { "admin", "manager", "worker", "client",
						     "auditor" };
static const char *const kind_names[] = { "bpo", "kpo" };
static const char *const status_names[] = { "available", "away", "offline" };

NAMES_ENUM(role, enum role, role_names)
NAMES_ENUM(service_kind, enum service_kind, kind_names)
NAMES_ENUM(worker_status, enum worker_status, status_names)

void item_rec_release(struct item_rec *it)
{
	free(it->payload);
	free(it->result);
	it->payload = NULL;
	it->result = NULL;
}
