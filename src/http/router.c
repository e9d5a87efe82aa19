/* router.c - the one route table of the API: method, path pattern, roles, handler. */
#include <stdio.h>
#include <string.h>

#include "http/http_int.h"
#include "util/err.h"

#define R_ADMIN ROLE_BIT(ROLE_ADMIN)
#define R_MANAGER ROLE_BIT(ROLE_MANAGER)
#define R_WORKER ROLE_BIT(ROLE_WORKER)
#define R_CLIENT ROLE_BIT(ROLE_CLIENT)
#define R_AUDITOR ROLE_BIT(ROLE_AUDITOR)
#define R_STAFF ROLES_STAFF
#define R_ALL ROLES_ALL

/*
 * Role masks say who may call a route at all; record scope (another
 * client's record, a lease that is not yours) is decided by the handler
 * or the engine with the auth_* predicates and answers 404.
 */
const struct route http__routes[] = {
    {"GET", "/v1/health", ROUTE_PUBLIC, h_health},
    {"GET", "/metrics", ROUTE_PUBLIC, h_metrics},
    {"GET", "/", ROUTE_PUBLIC, h_web_index},
    {"GET", "/web/*", ROUTE_PUBLIC, h_web_file},

    {"POST", "/v1/clients", R_ADMIN, h_clients_create},
    {"GET", "/v1/clients", R_STAFF | R_AUDITOR | R_CLIENT, h_clients_list},
    {"GET", "/v1/clients/:id", R_STAFF | R_AUDITOR | R_CLIENT, h_clients_get},

    {"POST", "/v1/services", R_ADMIN, h_services_create},
    {"GET", "/v1/services", R_ALL, h_services_list},
    {"GET", "/v1/services/:id", R_ALL, h_services_get},

    {"POST", "/v1/engagements", R_STAFF, h_engagements_create},
    {"GET", "/v1/engagements", R_STAFF | R_AUDITOR | R_CLIENT, h_engagements_list},
    {"GET", "/v1/engagements/:id", R_STAFF | R_AUDITOR | R_CLIENT | R_WORKER, h_engagements_get},
    {"GET", "/v1/engagements/:id/staffing", R_STAFF, h_engagements_staffing},

    {"POST", "/v1/users", R_ADMIN, h_users_create},
    {"GET", "/v1/users", R_ADMIN, h_users_list},
    {"GET", "/v1/users/:id", R_ADMIN, h_users_get},
    {"POST", "/v1/users/:id/tokens", R_ADMIN, h_users_token},

    {"POST", "/v1/workers", R_STAFF, h_workers_create},
    {"GET", "/v1/workers", R_STAFF, h_workers_list},
    {"GET", "/v1/workers/:id", R_STAFF | R_WORKER, h_workers_get},
    {"POST", "/v1/workers/:id/status", R_STAFF | R_WORKER, h_workers_status},

    {"POST", "/v1/items", R_STAFF | R_CLIENT, h_items_create},
    {"GET", "/v1/items", R_ALL, h_items_list},
    {"GET", "/v1/items/:id", R_ALL, h_items_get},
    {"GET", "/v1/items/:id/history", R_ALL, h_items_history},
    {"POST", "/v1/items/:id/submit", R_WORKER, h_items_submit},
    {"POST", "/v1/items/:id/accept", R_STAFF | R_CLIENT, h_items_accept},
    {"POST", "/v1/items/:id/rework", R_STAFF | R_CLIENT, h_items_rework},
    {"POST", "/v1/items/:id/cancel", R_STAFF | R_CLIENT, h_items_cancel},
    {"POST", "/v1/items/:id/review", R_STAFF | R_CLIENT, h_items_review},
    {"POST", "/v1/items/:id/fail", R_STAFF, h_items_fail},
    {"POST", "/v1/work/next", R_WORKER | R_STAFF, h_work_next},

    {"GET", "/v1/audit", R_AUDITOR | R_ADMIN, h_audit_list},
    {"GET", "/v1/audit/verify", R_AUDITOR | R_ADMIN, h_audit_verify},

    {"GET", "/v1/staff/erlang", R_STAFF | R_WORKER | R_AUDITOR, h_staff_erlang},
    {"GET", "/v1/staff/skill-plan", R_STAFF, h_staff_skill_plan},
};

const size_t http__n_routes = sizeof(http__routes) / sizeof(http__routes[0]);

/* A positive decimal id of at most 18 digits (so it cannot overflow int64). */
static bool parse_id_segment(const char *s, size_t n, int64_t *out)
{
	int64_t v = 0;

	if (n == 0 || n > 18 || s[0] == '0')
		return false;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return true;
}

/* Matches path against pattern segment by segment. */
static bool match(const char *pattern, const char *path, int64_t params[HTTP_MAX_PARAMS],
		  size_t *n_params)
{
	const char *p = pattern, *s = path;
	size_t np = 0;

	for (;;) {
		if (*p == '*') {
			*n_params = np;
			return *s != '\0';
		}
		if (*p == ':') {
			size_t plen = strcspn(p, "/"), slen = strcspn(s, "/");

			if (np == HTTP_MAX_PARAMS || !parse_id_segment(s, slen, &params[np]))
				return false;
			np++;
			p += plen;
			s += slen;
			continue;
		}
		if (*p != *s)
			return false;
		if (*p == '\0') {
			*n_params = np;
			return true;
		}
		p++;
		s++;
	}
}

int http__route_find(const char *method, const char *path, const struct route **out,
		     int64_t params[HTTP_MAX_PARAMS], size_t *n_params, char *allow, size_t allow_n)
{
	bool path_known = false;
	size_t used = 0;

	if (allow_n)
		allow[0] = '\0';
	for (size_t i = 0; i < http__n_routes; i++) {
		const struct route *rt = &http__routes[i];
		int64_t p[HTTP_MAX_PARAMS];
		size_t np = 0;

		if (!match(rt->pattern, path, p, &np))
			continue;
		if (!strcmp(rt->method, method)) {
			memcpy(params, p, sizeof(p));
			*n_params = np;
			*out = rt;
			return 0;
		}
		path_known = true;
		if (used < allow_n && !strstr(allow, rt->method)) {
			int n = snprintf(allow + used, allow_n - used, "%s%s", used ? ", " : "",
					 rt->method);
			if (n > 0 && (size_t)n < allow_n - used)
				used += (size_t)n;
		}
	}
	return path_known ? ERR_METHOD : ERR_NOTFOUND;
}
