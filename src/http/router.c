/* router.c - the one route table of the API: method, path pattern, policy action, handler. */
#include <stdio.h>
#include <string.h>

#include "http/http_int.h"
#include "util/err.h"

/*
 * Each route names the action it takes (sec/policy.h). The security layer
 * (server.c) asks the policy whether the caller's role may take it at all
 * (403 if not); the handler or the engine asks again with the record's scope
 * (another client's record, a lease that is not yours: 404). A route that
 * declares its query parameters (the lists) refuses any other (400).
 */
const struct route http__routes[] = {
    {"GET", "/v1/health", POL_PUBLIC, h_health},
    {"GET", "/metrics", POL_PUBLIC, h_metrics},
    {"GET", "/v1/metrics", POL_METRICS_READ, h_metrics_detail},
    {"GET", "/", POL_PUBLIC, h_web_index},
    {"GET", "/web/*", POL_PUBLIC, h_web_file},

    /* the browser's sign-in (docs/security.md): public, then the session's own */
    {"POST", "/v1/session", POL_PUBLIC, h_session_create},
    {"GET", "/v1/session", POL_SESSION, h_session_get},
    {"DELETE", "/v1/session", POL_SESSION, h_session_delete},
    {"POST", "/v1/password", POL_PUBLIC, h_password_use},

    {"POST", "/v1/clients", POL_CLIENT_CREATE, h_clients_create},
    {"GET", "/v1/clients", POL_CLIENT_READ, h_clients_list},
    {"GET", "/v1/clients/:id", POL_CLIENT_READ, h_clients_get},
    {"PATCH", "/v1/clients/:id", POL_CLIENT_UPDATE, h_clients_update},
    {"POST", "/v1/clients/:id/deactivate", POL_CLIENT_DEACTIVATE, h_clients_deactivate},
    {"POST", "/v1/clients/:id/activate", POL_CLIENT_DEACTIVATE, h_clients_activate},

    {"POST", "/v1/services", POL_SERVICE_CREATE, h_services_create},
    {"GET", "/v1/services", POL_SERVICE_READ, h_services_list},
    {"GET", "/v1/services/:id", POL_SERVICE_READ, h_services_get},
    {"PATCH", "/v1/services/:id", POL_SERVICE_UPDATE, h_services_update},

    {"POST", "/v1/engagements", POL_ENGAGEMENT_CREATE, h_engagements_create},
    {"GET", "/v1/engagements", POL_ENGAGEMENT_LIST, h_engagements_list},
    {"GET", "/v1/engagements/:id", POL_ENGAGEMENT_READ, h_engagements_get},
    {"GET", "/v1/engagements/:id/staffing", POL_ENGAGEMENT_STAFFING, h_engagements_staffing},
    {"GET", "/v1/engagements/:id/queue", POL_ENGAGEMENT_QUEUE, h_engagements_queue},
    {"PATCH", "/v1/engagements/:id", POL_ENGAGEMENT_UPDATE, h_engagements_update},
    {"POST", "/v1/engagements/:id/deactivate", POL_ENGAGEMENT_DEACTIVATE,
     h_engagements_deactivate},
    {"POST", "/v1/engagements/:id/activate", POL_ENGAGEMENT_DEACTIVATE, h_engagements_activate},
    {"GET", "/v1/engagements/:id/fields", POL_ENGAGEMENT_FIELDS_READ, h_engagements_fields_get},
    {"PUT", "/v1/engagements/:id/fields", POL_ENGAGEMENT_FIELDS_SET, h_engagements_fields_put},
    {"GET", "/v1/engagements/:id/keying", POL_ENGAGEMENT_KEYING_READ, h_engagements_keying_get},
    {"PUT", "/v1/engagements/:id/keying", POL_ENGAGEMENT_KEYING, h_engagements_keying_put},
    {"GET", "/v1/engagements/:id/consensus", POL_ENGAGEMENT_CONSENSUS, h_engagements_consensus},

    {"POST", "/v1/users", POL_USER_CREATE, h_users_create},
    {"GET", "/v1/users", POL_USER_READ, h_users_list},
    {"GET", "/v1/users/:id", POL_USER_READ, h_users_get},
    {"POST", "/v1/users/:id/tokens", POL_TOKEN_CREATE, h_users_token},
    {"PATCH", "/v1/users/:id", POL_USER_UPDATE, h_users_update},
    {"POST", "/v1/users/:id/deactivate", POL_USER_DEACTIVATE, h_users_deactivate},
    {"POST", "/v1/users/:id/activate", POL_USER_DEACTIVATE, h_users_activate},
    {"POST", "/v1/users/:id/password", POL_PASSWORD_SET, h_users_password},
    {"POST", "/v1/users/:id/password-link", POL_PASSWORD_LINK, h_users_password_link},
    {"DELETE", "/v1/users/:id/sessions", POL_SESSION_REVOKE, h_users_sessions_revoke},

    {"POST", "/v1/workers", POL_WORKER_CREATE, h_workers_create},
    {"GET", "/v1/workers", POL_WORKER_LIST, h_workers_list},
    {"GET", "/v1/workers/:id", POL_WORKER_READ, h_workers_get},
    {"POST", "/v1/workers/:id/status", POL_WORKER_STATUS, h_workers_status},
    {"PATCH", "/v1/workers/:id", POL_WORKER_UPDATE, h_workers_update},
    {"POST", "/v1/workers/:id/deactivate", POL_WORKER_DEACTIVATE, h_workers_deactivate},
    {"POST", "/v1/workers/:id/activate", POL_WORKER_DEACTIVATE, h_workers_activate},

    {"POST", "/v1/items", POL_ITEM_CREATE, h_items_create},
    {"GET", "/v1/items", POL_ITEM_READ, h_items_list},
    {"GET", "/v1/items/:id", POL_ITEM_READ, h_items_get},
    {"GET", "/v1/items/:id/history", POL_ITEM_READ, h_items_history},
    {"GET", "/v1/items/:id/unmasked", POL_ITEM_UNMASK, h_items_unmasked},
    {"GET", "/v1/items/:id/answers", POL_ITEM_ANSWERS, h_items_answers},
    {"POST", "/v1/purge", POL_ITEM_PURGE, h_purge},
    {"POST", "/v1/items/:id/submit", POL_ITEM_SUBMIT, h_items_submit},
    {"POST", "/v1/items/:id/accept", POL_ITEM_REVIEW, h_items_accept},
    {"POST", "/v1/items/:id/rework", POL_ITEM_REVIEW, h_items_rework},
    {"POST", "/v1/items/:id/cancel", POL_ITEM_CANCEL, h_items_cancel},
    {"POST", "/v1/items/:id/review", POL_ITEM_REVIEW, h_items_review},
    {"POST", "/v1/items/:id/fail", POL_ITEM_FAIL, h_items_fail},
    {"POST", "/v1/items/:id/renew", POL_ITEM_RENEW, h_items_renew},
    {"POST", "/v1/work/next", POL_WORK_NEXT, h_work_next},

    {"GET", "/v1/audit", POL_AUDIT_READ, h_audit_list},
    {"GET", "/v1/audit/verify", POL_AUDIT_READ, h_audit_verify},
    {"GET", "/v1/audit/head", POL_AUDIT_HEAD, h_audit_head},
    {"GET", "/v1/audit/proof/inclusion", POL_AUDIT_PROOF, h_audit_inclusion},
    {"GET", "/v1/audit/proof/consistency", POL_AUDIT_PROOF, h_audit_consistency},

    /* the keyring (docs/security.md) and crypto-shredding */
    {"GET", "/v1/keys", POL_KEYS_READ, h_keys_status},
    {"POST", "/v1/keys/rotate", POL_KEYS_ROTATE, h_keys_rotate},
    {"DELETE", "/v1/clients/:id", POL_CLIENT_REMOVE, h_clients_remove},

    {"GET", "/v1/staff/erlang", POL_STAFF_ERLANG, h_staff_erlang},
    {"GET", "/v1/staff/skill-plan", POL_STAFF_PLAN, h_staff_skill_plan},

    {"GET", "/v1/tokens", POL_TOKEN_READ, h_tokens_list},
    {"GET", "/v1/tokens/:id", POL_TOKEN_READ, h_tokens_get},
    {"DELETE", "/v1/tokens/:id", POL_TOKEN_REVOKE, h_tokens_revoke},
    {"POST", "/v1/tokens/:id/revoke", POL_TOKEN_REVOKE, h_tokens_revoke},
    {"GET", "/v1/quality/report", POL_QUALITY_REPORT, h_quality_report},

    /* KPO deliverables: milestones and the review chain (docs/api.md) */
    {"POST", "/v1/items/:id/milestones", POL_MILESTONE_CREATE, h_milestones_create},
    {"GET", "/v1/items/:id/milestones", POL_MILESTONE_READ, h_milestones_list},
    {"PATCH", "/v1/items/:id/milestones/:id", POL_MILESTONE_UPDATE, h_milestones_update},
    {"GET", "/v1/items/:id/chain", POL_ITEM_READ, h_items_chain},
    /* review sampling (docs/api.md "Review and sampling") */
    {"GET", "/v1/engagements/:id/defects", POL_DEFECTS_READ, h_defects_get},
    {"PUT", "/v1/engagements/:id/defects", POL_REVIEW_SETUP, h_defects_put},
    {"GET", "/v1/engagements/:id/sampling", POL_SAMPLING_READ, h_sampling_get},
    {"PUT", "/v1/engagements/:id/sampling", POL_REVIEW_SETUP, h_sampling_put},
    {"GET", "/v1/engagements/:id/lots", POL_REVIEW_LIST, h_lots_list},
    {"GET", "/v1/review", POL_REVIEW_LIST, h_review_list},
    {"POST", "/v1/review/next", POL_REVIEW_NEXT, h_review_next},
    {"POST", "/v1/items/:id/decision", POL_REVIEW_DECIDE, h_review_decision},
    /* gold items (docs/api.md "Gold items"): staff only; a worker reads its own quality */
    {"POST", "/v1/engagements/:id/gold", POL_GOLD_MANAGE, h_gold_create},
    {"GET", "/v1/engagements/:id/gold", POL_GOLD_READ, h_gold_list},
    {"GET", "/v1/engagements/:id/gold/settings", POL_GOLD_READ, h_gold_settings_get},
    {"PUT", "/v1/engagements/:id/gold/settings", POL_GOLD_MANAGE, h_gold_settings_put},
    {"POST", "/v1/engagements/:id/gold/:id/deactivate", POL_GOLD_MANAGE, h_gold_deactivate},
    {"POST", "/v1/engagements/:id/gold/:id/activate", POL_GOLD_MANAGE, h_gold_activate},
    {"GET", "/v1/workers/:id/quality", POL_WORKER_QUALITY, h_workers_quality},
    {"POST", "/v1/workers/:id/requalify", POL_GOLD_MANAGE, h_workers_requalify},
    /* webhooks (docs/api.md "Webhooks") */
    {"POST", "/v1/webhooks", POL_WEBHOOK_MANAGE, h_webhooks_create},
    {"GET", "/v1/webhooks", POL_WEBHOOK_READ, h_webhooks_list},
    {"GET", "/v1/webhooks/:id", POL_WEBHOOK_READ, h_webhooks_get},
    {"DELETE", "/v1/webhooks/:id", POL_WEBHOOK_MANAGE, h_webhooks_deactivate},
    {"POST", "/v1/webhooks/:id/deactivate", POL_WEBHOOK_MANAGE, h_webhooks_deactivate},
    {"POST", "/v1/webhooks/:id/activate", POL_WEBHOOK_MANAGE, h_webhooks_activate},
    {"POST", "/v1/webhooks/:id/rotate", POL_WEBHOOK_MANAGE, h_webhooks_rotate},
    {"GET", "/v1/webhooks/:id/deliveries", POL_WEBHOOK_READ, h_webhooks_deliveries},
    {"POST", "/v1/webhooks/:id/deliveries/:id/redeliver", POL_WEBHOOK_MANAGE,
     h_webhooks_redeliver},
    /* bulk imports (docs/api.md "Imports"): the upload is streamed, not buffered (server.c) */
    {"POST", "/v1/engagements/:id/imports", POL_IMPORT_CREATE, h_imports_create},
    {"GET", "/v1/imports/:id", POL_IMPORT_READ, h_imports_get},
    {"GET", "/v1/imports/:id/errors", POL_IMPORT_READ, h_imports_errors},
    /* exports (docs/api.md "Exports"): the answer is streamed, not buffered (h_exports.c) */
    {"GET", "/v1/engagements/:id/export", POL_ITEM_EXPORT, h_engagements_export},
    /* release, worker states and offers (docs/api.md "Release, worker states and offers") */
    {"POST", "/v1/items/:id/release", POL_ITEM_RELEASE, h_items_release},
    {"GET", "/v1/engagements/:id/offers", POL_ENGAGEMENT_OFFERS, h_engagements_offers_get},
    {"PUT", "/v1/engagements/:id/offers", POL_ENGAGEMENT_OFFERS, h_engagements_offers_put},
    {"GET", "/v1/offers", POL_OFFER_READ, h_offers_list},
    {"POST", "/v1/offers/:id/accept", POL_OFFER_ANSWER, h_offers_accept},
    {"POST", "/v1/offers/:id/decline", POL_OFFER_ANSWER, h_offers_decline},
    /* the OpenAPI document of every route (docs/openapi/, tests/api/test_openapi.sh) */
    {"GET", "/v1/openapi.json", POL_PUBLIC, h_openapi},
    /* time and periods (docs/api.md "Time and periods") */
    {"POST", "/v1/engagements/:id/time", POL_TIME_LOG, h_time_log},
    {"GET", "/v1/engagements/:id/time", POL_TIME_READ, h_time_list},
    {"POST", "/v1/engagements/:id/time/start", POL_TIME_LOG, h_time_start},
    {"POST", "/v1/time/stop", POL_TIME_LOG, h_time_stop},
    {"GET", "/v1/time/:id", POL_TIME_READ, h_time_get},
    {"PATCH", "/v1/time/:id", POL_TIME_CORRECT, h_time_correct},
    {"POST", "/v1/engagements/:id/periods", POL_PERIOD_MANAGE, h_periods_create},
    {"GET", "/v1/engagements/:id/periods", POL_PERIOD_READ, h_periods_list},
    {"GET", "/v1/periods/:id", POL_PERIOD_READ, h_periods_get},
    {"POST", "/v1/periods/:id/approve", POL_PERIOD_MANAGE, h_periods_approve},
    {"POST", "/v1/periods/:id/lock", POL_PERIOD_MANAGE, h_periods_lock},
    {"GET", "/v1/engagements/:id/cost", POL_TIME_COST, h_time_cost},
    /* process-fit assessments (docs/api.md "Process-fit assessment") */
    {"POST", "/v1/assessments", POL_ASSESS_CREATE, h_assessments_create},
    {"GET", "/v1/assessments", POL_ASSESS_READ, h_assessments_list},
    {"GET", "/v1/assessments/:id", POL_ASSESS_READ, h_assessments_get},
    /* the operations dashboard (docs/api.md "Dashboard"): figures and their event stream */
    {"GET", "/v1/dashboard", POL_DASHBOARD_READ, h_dashboard_get},
    {"GET", "/v1/dashboard/events", POL_DASHBOARD_READ, h_dashboard_events},
    /* billing (docs/api.md "Rates", "Invoices", "Savings") */
    {"PUT", "/v1/engagements/:id/rates", POL_RATES_MANAGE, h_rates_put},
    {"GET", "/v1/engagements/:id/rates", POL_RATES_READ, h_rates_get},
    {"POST", "/v1/periods/:id/invoice", POL_INVOICE_MANAGE, h_invoices_draft},
    {"GET", "/v1/invoices", POL_INVOICE_READ, h_invoices_list},
    {"GET", "/v1/invoices/:id", POL_INVOICE_READ, h_invoices_get},
    {"GET", "/v1/invoices/:id/csv", POL_INVOICE_READ, h_invoices_csv},
    {"GET", "/v1/invoices/:id/pdf", POL_INVOICE_READ, h_invoices_pdf},
    {"GET", "/v1/invoices/:id/refs", POL_INVOICE_READ, h_invoices_refs},
    {"GET", "/v1/invoices/:id/entries", POL_INVOICE_READ, h_invoices_entries},
    {"POST", "/v1/invoices/:id/issue", POL_INVOICE_MANAGE, h_invoices_issue},
    {"POST", "/v1/invoices/:id/pay", POL_INVOICE_MANAGE, h_invoices_pay},
    {"POST", "/v1/invoices/:id/credit", POL_INVOICE_MANAGE, h_invoices_credit},
    {"PUT", "/v1/clients/:id/billing", POL_BILLING_MANAGE, h_billing_put},
    {"GET", "/v1/clients/:id/billing", POL_BILLING_READ, h_billing_get},
    {"GET", "/v1/engagements/:id/savings", POL_SAVINGS_READ, h_savings_get},
    {"GET", "/v1/engagements/:id/margin", POL_TIME_COST, h_margin_get},
    /* routing (docs/routing.md): an engagement's widening rings and item weight */
    {"GET", "/v1/engagements/:id/routing", POL_ENGAGEMENT_ROUTING, h_routing_get},
    {"PUT", "/v1/engagements/:id/routing", POL_ENGAGEMENT_ROUTING, h_routing_put},
};

const size_t http__n_routes = sizeof(http__routes) / sizeof(http__routes[0]);

/*
 * The query parameters of the routes that take any: the lists, the queue
 * summary and the staffing questions. Every other route takes none, so a
 * parameter it would ignore is refused instead (400).
 */
static const struct {
	const char *method, *pattern, *query;
} route_queries[] = {
    {"GET", "/v1/clients", HTTP_Q_PAGE},
    {"GET", "/v1/services", HTTP_Q_PAGE},
    {"GET", "/v1/engagements", HTTP_Q_PAGE_CLIENT},
    {"GET", "/v1/engagements/:id/queue", ""},
    {"GET", "/v1/users", HTTP_Q_PAGE_CLIENT},
    {"GET", "/v1/workers", HTTP_Q_PAGE},
    {"GET", "/v1/items", HTTP_Q_ITEMS},
    {"GET", "/v1/audit", HTTP_Q_PAGE_CLIENT " actor action from to"},
    {"GET", "/v1/staff/erlang", HTTP_Q_STAFF " contacts max_abandon patience"},
    {"GET", "/v1/engagements/:id/staffing", HTTP_Q_STAFF " days day"},
    {"GET", "/v1/staff/skill-plan", HTTP_Q_STAFF " days day skill"},
    {"GET", "/v1/tokens", HTTP_Q_PAGE " user_id"},
    {"GET", "/v1/audit/head", ""},
    {"GET", "/v1/audit/proof/inclusion", "seq tree_size"},
    {"GET", "/v1/audit/proof/consistency", "first second"},
    {"GET", "/v1/engagements/:id/consensus", HTTP_Q_PAGE},
    {"GET", "/v1/quality/report", "engagement by from to format"},
    {"GET", "/v1/review", HTTP_Q_PAGE " engagement_id state reviewer_id"},
    {"GET", "/v1/engagements/:id/lots", HTTP_Q_PAGE},
    {"GET", "/v1/engagements/:id/gold", HTTP_Q_PAGE},
    {"POST", "/v1/engagements/:id/imports", "delimiter map all_or_nothing"},
    {"GET", "/v1/engagements/:id/export", "format from to state limit"},
    {"GET", "/v1/offers", "worker_id open"},
    {"GET", "/v1/engagements/:id/time", HTTP_Q_PAGE " from to period_id worker_id all"},
    {"GET", "/v1/engagements/:id/periods", HTTP_Q_PAGE},
    {"GET", "/v1/engagements/:id/cost", "period_id from to"},
    {"GET", "/v1/assessments", HTTP_Q_PAGE},
    {"GET", "/v1/invoices", "engagement_id"},
    {"GET", "/v1/invoices/:id", "lang"},
    {"GET", "/v1/invoices/:id/csv", "lang"},
    {"GET", "/v1/invoices/:id/pdf", "lang"},
    {"GET", "/v1/invoices/:id/refs", "line"},
    {"GET", "/v1/invoices/:id/entries", "line"},
    {"POST", "/v1/periods/:id/invoice", "lang"},
    {"POST", "/v1/invoices/:id/issue", "lang"},
    {"POST", "/v1/invoices/:id/pay", "lang"},
    {"POST", "/v1/invoices/:id/credit", "lang"},
    {"GET", "/v1/engagements/:id/savings", "from to"},
    {"GET", "/v1/engagements/:id/margin", "period_id from to"},
};

const char *http__route_query(const struct route *rt)
{
	for (size_t i = 0; rt && i < sizeof(route_queries) / sizeof(route_queries[0]); i++)
		if (!strcmp(route_queries[i].pattern, rt->pattern) &&
		    !strcmp(route_queries[i].method, rt->method))
			return route_queries[i].query;
	return rt ? "" : NULL;
}

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
