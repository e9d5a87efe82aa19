/* policy.c - the access table (action x role) and the one function that reads it. */
#include "sec/policy.h"

#include <string.h>

#include "util/err.h"

#define NO RULE_NO
#define ANY RULE_ANY
#define OWN RULE_OWN_CLIENT
#define KPO RULE_OWN_KPO
#define CLR RULE_CLEARED
#define LSD RULE_LEASED
#define SLF RULE_SELF
#define CLL RULE_CLEARED_OR_LEASED
#define USR RULE_OWN_USER
#define FLD RULE_CLEARED_FIELDS

struct action_def {
	const char *name;
	/* admin, manager, worker, client, auditor (enum role order) */
	unsigned char rule[ROLE__COUNT];
};

/*
 * The whole access policy. A worker sees the engagements of the clients it is
 * cleared for, and an item only while it holds the item's lease (the payload
 * comes with the lease); it may submit to any item of a client it is cleared
 * for, so a late submit hears "stale lease", not "no such item", and to the
 * item whose lease it holds even when staff removed that clearance since (a
 * lease held keeps working until it ends). Auditors read everything but
 * payloads. Edits follow creation (who creates a record edits it); switching
 * records off and on is staff's, users the admin's. An engagement's sensitive
 * fields are masked for everyone but the client whose data it is, and a
 * worker for the fields its clearance unmasks; staff see them through
 * item.unmask, which is always audited with the fields it revealed.
 */
static const struct action_def actions[POL__COUNT] = {
	[POL_PUBLIC] = { "public", { ANY, ANY, ANY, ANY, ANY } },
	[POL_CLIENT_CREATE] = { "client.create", { ANY, NO, NO, NO, NO } },
	[POL_CLIENT_READ] = { "client.read", { ANY, ANY, NO, OWN, ANY } },
	[POL_CLIENT_UPDATE] = { "client.update", { ANY, NO, NO, NO, NO } },
	[POL_CLIENT_DEACTIVATE] = { "client.deactivate", { ANY, ANY, NO, NO, NO } },
	[POL_SERVICE_CREATE] = { "service.create", { ANY, NO, NO, NO, NO } },
	[POL_SERVICE_READ] = { "service.read", { ANY, ANY, ANY, ANY, ANY } },
	[POL_SERVICE_UPDATE] = { "service.update", { ANY, NO, NO, NO, NO } },
	[POL_ENGAGEMENT_CREATE] = { "engagement.create", { ANY, ANY, NO, NO, NO } },
	[POL_ENGAGEMENT_READ] = { "engagement.read", { ANY, ANY, CLR, OWN, ANY } },
	[POL_ENGAGEMENT_LIST] = { "engagement.list", { ANY, ANY, NO, OWN, ANY } },
	[POL_ENGAGEMENT_STAFFING] = { "engagement.staffing", { ANY, ANY, NO, NO, NO } },
	/* Not clients: it names the provider's workers and their load across every client. */
	[POL_ENGAGEMENT_QUEUE] = { "engagement.queue", { ANY, ANY, NO, NO, ANY } },
	[POL_ENGAGEMENT_UPDATE] = { "engagement.update", { ANY, ANY, NO, NO, NO } },
	[POL_ENGAGEMENT_DEACTIVATE] = { "engagement.deactivate", { ANY, ANY, NO, NO, NO } },
	[POL_USER_CREATE] = { "user.create", { ANY, NO, NO, NO, NO } },
	[POL_USER_READ] = { "user.read", { ANY, NO, NO, NO, NO } },
	[POL_TOKEN_CREATE] = { "token.create", { ANY, NO, NO, NO, NO } },
	[POL_USER_UPDATE] = { "user.update", { ANY, NO, NO, NO, NO } },
	[POL_USER_DEACTIVATE] = { "user.deactivate", { ANY, NO, NO, NO, NO } },
	[POL_WORKER_CREATE] = { "worker.create", { ANY, ANY, NO, NO, NO } },
	[POL_WORKER_READ] = { "worker.read", { ANY, ANY, SLF, NO, NO } },
	[POL_WORKER_LIST] = { "worker.list", { ANY, ANY, NO, NO, NO } },
	[POL_WORKER_STATUS] = { "worker.status", { ANY, ANY, SLF, NO, NO } },
	[POL_WORKER_UPDATE] = { "worker.update", { ANY, ANY, NO, NO, NO } },
	[POL_WORKER_DEACTIVATE] = { "worker.deactivate", { ANY, ANY, NO, NO, NO } },
	[POL_ITEM_CREATE] = { "item.create", { ANY, ANY, NO, OWN, NO } },
	[POL_ITEM_READ] = { "item.read", { ANY, ANY, LSD, OWN, ANY } },
	[POL_ITEM_PAYLOAD] = { "item.payload", { ANY, ANY, LSD, OWN, NO } },
	[POL_ITEM_SUBMIT] = { "item.submit", { NO, NO, CLL, NO, NO } },
	[POL_ITEM_RENEW] = { "item.renew", { NO, NO, CLL, NO, NO } },
	[POL_ITEM_REVIEW] = { "item.review", { ANY, ANY, NO, KPO, NO } },
	[POL_ITEM_CANCEL] = { "item.cancel", { ANY, ANY, NO, OWN, NO } },
	[POL_ITEM_FAIL] = { "item.fail", { ANY, ANY, NO, NO, NO } },
	[POL_WORK_NEXT] = { "work.next", { ANY, ANY, SLF, NO, NO } },
	[POL_AUDIT_READ] = { "audit.read", { ANY, NO, NO, NO, ANY } },
	[POL_STAFF_ERLANG] = { "staff.erlang", { ANY, ANY, ANY, NO, ANY } },
	[POL_STAFF_PLAN] = { "staff.plan", { ANY, ANY, NO, NO, NO } },
	/* Every user lists and revokes its own tokens (a leaked one is stopped by its holder). */
	[POL_TOKEN_READ] = { "token.read", { ANY, USR, USR, USR, USR } },
	[POL_TOKEN_REVOKE] = { "token.revoke", { ANY, USR, USR, USR, USR } },
	/* The installation's keys are the admin's alone: a manager runs work, not the vault. */
	[POL_KEYS_READ] = { "keys.read", { ANY, NO, NO, NO, NO } },
	[POL_KEYS_ROTATE] = { "keys.rotate", { ANY, NO, NO, NO, NO } },
	[POL_CLIENT_REMOVE] = { "client.remove", { ANY, NO, NO, NO, NO } },
	/* Those who read the trail may prove it: hashes only, no record's content. */
	[POL_AUDIT_HEAD] = { "audit.head", { ANY, NO, NO, NO, ANY } },
	[POL_AUDIT_PROOF] = { "audit.proof", { ANY, NO, NO, NO, ANY } },
	[POL_ITEM_CLEARTEXT] = { "item.cleartext", { NO, NO, FLD, OWN, NO } },
	[POL_ITEM_UNMASK] = { "item.unmask", { ANY, ANY, NO, OWN, NO } },
	[POL_ITEM_PURGE] = { "item.purge", { ANY, NO, NO, NO, NO } },
	/* Signing in is public (POST /v1/session); what one signed in to is one's own. */
	[POL_SESSION] = { "session", { ANY, ANY, ANY, ANY, ANY } },
	/* Passwords are set by the admin, or by their user through the admin's one-time link. */
	[POL_PASSWORD_SET] = { "password.set", { ANY, NO, NO, NO, NO } },
	[POL_PASSWORD_LINK] = { "password.link", { ANY, NO, NO, NO, NO } },
	[POL_SESSION_REVOKE] = { "session.revoke", { ANY, NO, NO, NO, NO } },
	/* Keying is how the provider runs the work; its answers are client data (no auditors). */
	[POL_ENGAGEMENT_KEYING] = { "engagement.keying", { ANY, ANY, NO, NO, NO } },
	[POL_ENGAGEMENT_KEYING_READ] = { "engagement.keying.read", { ANY, ANY, NO, NO, ANY } },
	[POL_ENGAGEMENT_CONSENSUS] = { "engagement.consensus", { ANY, ANY, NO, NO, NO } },
	/* A worker: only the item it holds, and only while it adjudicates (app/keying.c). */
	[POL_ITEM_ANSWERS] = { "item.answers", { ANY, ANY, LSD, NO, NO } },
	/* The rules of the work, not its data: whoever may see the engagement reads them (a
	 * worker's form, a client's import); staff who edit engagements set them. */
	[POL_ENGAGEMENT_FIELDS_READ] = { "engagement.fields.read", { ANY, ANY, CLR, OWN, ANY } },
	[POL_ENGAGEMENT_FIELDS_SET] = { "engagement.fields.set", { ANY, ANY, NO, NO, NO } },
	/* Quality is what the client is shown to trust: its own engagements'. Not workers: the
	 * report ranks every worker of the engagement (their own scores are another route). */
	[POL_QUALITY_REPORT] = { "quality.report", { ANY, ANY, NO, OWN, ANY } },
	/*
	 * KPO deliverables. Milestones are client text: not the auditors'. The analyst
	 * holding the item writes its deliverables; the client sets what it expects.
	 * The senior review is the provider's (never the analyst's own work: the engine
	 * compares), the last approval the client's: that event is what billing counts.
	 */
	[POL_MILESTONE_READ] = { "milestone.read", { ANY, ANY, LSD, OWN, NO } },
	[POL_MILESTONE_CREATE] = { "milestone.create", { ANY, ANY, NO, KPO, NO } },
	[POL_MILESTONE_UPDATE] = { "milestone.update", { ANY, ANY, LSD, NO, NO } },
	[POL_ITEM_SENIOR_REVIEW] = { "item.senior_review", { ANY, ANY, NO, NO, NO } },
	[POL_ITEM_CLIENT_APPROVE] = { "item.client_approve", { NO, NO, NO, KPO, NO } },
	/* review sampling: staff set it up; a worker with the QA skill reviews others' work */
	[POL_REVIEW_SETUP] = { "review.setup", { ANY, ANY, NO, NO, NO } },
	[POL_DEFECTS_READ] = { "review.defects", { ANY, ANY, CLR, OWN, ANY } },
	[POL_SAMPLING_READ] = { "review.sampling", { ANY, ANY, NO, OWN, ANY } },
	[POL_REVIEW_NEXT] = { "review.next", { ANY, ANY, SLF, NO, NO } },
	[POL_REVIEW_DECIDE] = { "review.decide", { NO, NO, CLR, NO, NO } },
	[POL_REVIEW_LIST] = { "review.list", { ANY, ANY, NO, NO, ANY } },
	/* Gold is the provider's check on its workers: never a client's or a worker's to see. */
	[POL_GOLD_READ] = { "gold.read", { ANY, ANY, NO, NO, NO } },
	[POL_GOLD_MANAGE] = { "gold.manage", { ANY, ANY, NO, NO, NO } },
	[POL_WORKER_QUALITY] = { "worker.quality", { ANY, ANY, SLF, NO, ANY } },
	/* Webhooks: a client wires its own systems; auditors read the endpoints and the log. */
	[POL_WEBHOOK_READ] = { "webhook.read", { ANY, ANY, NO, OWN, ANY } },
	[POL_WEBHOOK_MANAGE] = { "webhook.manage", { ANY, ANY, NO, OWN, NO } },
	[POL_IMPORT_CREATE] = { "import.create", { ANY, ANY, NO, OWN, NO } },
	[POL_IMPORT_READ] = { "import.read", { ANY, ANY, NO, OWN, NO } },
	/* Results in bulk are client data: staff and the client, never a worker or an auditor. */
	[POL_ITEM_EXPORT] = { "item.export", { ANY, ANY, NO, OWN, NO } },
	[POL_ITEM_RELEASE] = { "item.release", { NO, NO, CLL, NO, NO } },
	[POL_ENGAGEMENT_OFFERS] = { "engagement.offers", { ANY, ANY, NO, NO, NO } },
	[POL_OFFER_READ] = { "offer.read", { ANY, ANY, SLF, NO, NO } },
	[POL_OFFER_ANSWER] = { "offer.answer", { NO, NO, SLF, NO, NO } },
	[POL_TIME_READ] = { "time.read", { ANY, ANY, SLF, OWN, ANY } },
	[POL_TIME_LOG] = { "time.log", { ANY, ANY, CLR, NO, NO } },
	[POL_TIME_CORRECT] = { "time.correct", { ANY, ANY, NO, NO, NO } },
	[POL_PERIOD_READ] = { "period.read", { ANY, ANY, NO, OWN, ANY } },
	[POL_PERIOD_MANAGE] = { "period.manage", { ANY, ANY, NO, NO, NO } },
	[POL_TIME_COST] = { "time.cost", { ANY, ANY, NO, NO, NO } },
	[POL_ASSESS_CREATE] = { "assessment.create", { ANY, ANY, NO, OWN, NO } },
	[POL_ASSESS_READ] = { "assessment.read", { ANY, ANY, NO, OWN, NO } },
	/* The floor's figures: a client sees its own engagements' (no workers); a worker none. */
	[POL_DASHBOARD_READ] = { "dashboard.read", { ANY, ANY, NO, OWN, ANY } },
	/* Billing: staff price and invoice; a client reads its own (and states its in-house
	 * cost, which only shapes its own savings report); auditors read. */
	[POL_RATES_READ] = { "rates.read", { ANY, ANY, NO, OWN, ANY } },
	[POL_RATES_MANAGE] = { "rates.manage", { ANY, ANY, NO, NO, NO } },
	[POL_INVOICE_READ] = { "invoice.read", { ANY, ANY, NO, OWN, ANY } },
	[POL_INVOICE_MANAGE] = { "invoice.manage", { ANY, ANY, NO, NO, NO } },
	[POL_SAVINGS_READ] = { "savings.read", { ANY, ANY, NO, OWN, ANY } },
	[POL_BILLING_READ] = { "billing.read", { ANY, ANY, NO, OWN, ANY } },
	[POL_BILLING_MANAGE] = { "billing.manage", { ANY, ANY, NO, OWN, NO } },
	/* Routing: how an engagement's work widens and weighs is the floor's, staff's. */
	[POL_ENGAGEMENT_ROUTING] = { "engagement.routing", { ANY, ANY, NO, NO, NO } },
	[POL_METRICS_READ] = { "metrics.read", { ANY, ANY, NO, NO, ANY } },
};

static const char *const rule_names[RULE__COUNT] = {
	[RULE_NO] = "—",
	[RULE_ANY] = "any",
	[RULE_OWN_CLIENT] = "own client",
	[RULE_OWN_KPO] = "own client, KPO",
	[RULE_CLEARED] = "cleared clients",
	[RULE_LEASED] = "leased to self",
	[RULE_SELF] = "self",
	[RULE_CLEARED_OR_LEASED] = "cleared clients, or leased to self",
	[RULE_OWN_USER] = "own",
	[RULE_CLEARED_FIELDS] = "fields its clearance unmasks",
};

enum policy_rule policy_rule_of(enum role r, enum policy_action act)
{
	if ((unsigned)act >= POL__COUNT || (unsigned)r >= ROLE__COUNT)
		return RULE_NO;
	return (enum policy_rule)actions[act].rule[r];
}

static bool cleared(const struct policy_scope *sc)
{
	size_t lo = 0, hi = sc->n_clear;

	if (!sc->client_id || !sc->clear || sc->walled)
		return false;
	/* Clearances are kept ascending (worker records sort them). */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (sc->clear[mid] == sc->client_id)
			/* Lapsed at its moment: compared with now, never a cached flag. */
			return !sc->clear_until || !sc->clear_until[mid] ||
			       sc->now < sc->clear_until[mid];
		if (sc->clear[mid] < sc->client_id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static bool own_client(const struct actor *a, const struct policy_scope *sc)
{
	return a->role == ROLE_CLIENT && a->client_id != 0 && a->client_id == sc->client_id;
}

enum policy_verdict policy_check(const struct actor *a, enum policy_action act,
				 const struct policy_scope *sc)
{
	enum policy_rule rule = policy_rule_of(a->role, act);

	if (act == POL_PUBLIC)
		return POLICY_ALLOW;
	if (rule == RULE_NO)
		return POLICY_FORBID;
	if (!sc || rule == RULE_ANY)
		return POLICY_ALLOW;
	switch (rule) {
	case RULE_OWN_CLIENT:
		return own_client(a, sc) ? POLICY_ALLOW : POLICY_HIDE;
	case RULE_OWN_KPO:
		if (!own_client(a, sc))
			return POLICY_HIDE;
		return sc->kpo ? POLICY_ALLOW : POLICY_FORBID;
	case RULE_CLEARED:
	case RULE_CLEARED_FIELDS:
		return a->role == ROLE_WORKER && a->worker_id && cleared(sc) ? POLICY_ALLOW
									       : POLICY_HIDE;
	case RULE_CLEARED_OR_LEASED:
		return a->role == ROLE_WORKER && a->worker_id &&
			       (cleared(sc) || a->worker_id == sc->lease_worker_id)
			   ? POLICY_ALLOW
			   : POLICY_HIDE;
	case RULE_LEASED:
		return a->role == ROLE_WORKER && a->worker_id &&
			       a->worker_id == sc->lease_worker_id
			   ? POLICY_ALLOW
			   : POLICY_HIDE;
	case RULE_SELF:
		return a->role == ROLE_WORKER && a->worker_id && a->worker_id == sc->worker_id
			   ? POLICY_ALLOW
			   : POLICY_HIDE;
	case RULE_OWN_USER:
		return a->user_id && a->user_id == sc->user_id ? POLICY_ALLOW : POLICY_HIDE;
	default:
		return POLICY_FORBID;
	}
}

int policy_err(enum policy_verdict v)
{
	switch (v) {
	case POLICY_ALLOW: return 0;
	case POLICY_HIDE: return ERR_NOTFOUND;
	default: return ERR_FORBIDDEN;
	}
}

int policy_require(const struct actor *a, enum policy_action act, const struct policy_scope *sc)
{
	return policy_err(policy_check(a, act, sc));
}

int policy_list_filter(const struct actor *a, enum policy_action act, int64_t *client_id,
		       int64_t *worker_id)
{
	*client_id = 0;
	*worker_id = 0;
	switch (policy_rule_of(a->role, act)) {
	case RULE_ANY:
		return 0;
	case RULE_OWN_CLIENT:
	case RULE_OWN_KPO:
		if (a->role != ROLE_CLIENT || !a->client_id)
			return ERR_NOTFOUND;
		*client_id = a->client_id;
		return 0;
	case RULE_LEASED:
	case RULE_SELF:
		if (a->role != ROLE_WORKER || !a->worker_id)
			return ERR_NOTFOUND;
		*worker_id = a->worker_id;
		return 0;
	default:
		/* RULE_CLEARED lists would need a set filter; no list uses one. */
		return ERR_FORBIDDEN;
	}
}

int policy_user_filter(const struct actor *a, enum policy_action act, int64_t *user_id)
{
	*user_id = 0;
	switch (policy_rule_of(a->role, act)) {
	case RULE_ANY:
		return 0;
	case RULE_OWN_USER:
		if (!a->user_id)
			return ERR_NOTFOUND;
		*user_id = a->user_id;
		return 0;
	default:
		return ERR_FORBIDDEN;
	}
}

bool policy_sees_payload(const struct actor *a, const struct policy_scope *sc)
{
	return policy_check(a, POL_ITEM_PAYLOAD, sc) == POLICY_ALLOW;
}

void policy_scope_worker(struct policy_scope *sc, const struct worker_rec *w, int64_t now)
{
	const struct clear_terms *t = w ? worker_terms(w, sc->client_id) : NULL;

	sc->clear = w ? w->clear : NULL;
	sc->n_clear = w ? w->n_clear : 0;
	sc->clear_until = w ? w->clear_until : NULL;
	sc->now = now;
	sc->unmasked = t ? t->unmasked : NULL;
	sc->n_unmasked = t ? t->n_unmasked : 0;
}

enum mask_kind policy_field_mask(const struct actor *a, enum policy_action act,
				 const struct policy_scope *sc, const char *field, enum mask_kind m)
{
	if (m == MASK_NONE)
		return m;
	if (act == POL_ITEM_UNMASK)
		return policy_check(a, POL_ITEM_UNMASK, sc) == POLICY_ALLOW ? MASK_NONE : m;
	if (policy_check(a, POL_ITEM_CLEARTEXT, sc) != POLICY_ALLOW)
		return m;
	if (policy_rule_of(a->role, POL_ITEM_CLEARTEXT) != RULE_CLEARED_FIELDS)
		return MASK_NONE;
	for (size_t i = 0; sc->unmasked && i < sc->n_unmasked; i++)
		if (!strncmp(sc->unmasked[i], field, MODEL_CODE_MAX))
			return MASK_NONE;
	return m;
}

const char *policy_action_name(enum policy_action act)
{
	return (unsigned)act < POL__COUNT ? actions[act].name : "?";
}

const char *policy_rule_name(enum policy_rule r)
{
	return (unsigned)r < RULE__COUNT ? rule_names[r] : "?";
}

int policy_table_markdown(struct buf *out)
{
	int rc = buf_puts(out, "| action |");

	for (int r = 0; !rc && r < ROLE__COUNT; r++)
		rc = buf_printf(out, " %s |", role_name((enum role)r));
	if (!rc)
		rc = buf_puts(out, "\n|---|");
	for (int r = 0; !rc && r < ROLE__COUNT; r++)
		rc = buf_puts(out, "---|");
	if (!rc)
		rc = buf_puts(out, "\n");
	for (int act = POL_PUBLIC + 1; !rc && act < POL__COUNT; act++) {
		rc = buf_printf(out, "| `%s` |", actions[act].name);
		for (int r = 0; !rc && r < ROLE__COUNT; r++)
			rc = buf_printf(out, " %s |",
					rule_names[policy_rule_of((enum role)r, (enum policy_action)act)]);
		if (!rc)
			rc = buf_puts(out, "\n");
	}
	return rc;
}
