/* apply.c - the command table, and each command applied in the batch transaction. */
#include <stdlib.h>
#include <string.h>

#include "engine/engine_int.h"
#include "engine/review.h"
#include "util/err.h"
#include "util/log.h"

/*
 * One row per command: its name, the function that applies it and whether
 * an Idempotency-Key applies. A token is never replayed (its text exists
 * only in the first answer); an audit record is not a client's write.
 */
static const struct cmd_def cmd_table[CMD__COUNT] = {
    [CMD_CLIENT_CREATE] = {"client.create", engine__client_create, true},
    [CMD_SERVICE_CREATE] = {"service.create", engine__service_create, true},
    [CMD_ENGAGEMENT_CREATE] = {"engagement.create", engine__engagement_create, true},
    [CMD_USER_CREATE] = {"user.create", engine__user_create, true},
    [CMD_TOKEN_CREATE] = {"token.create", engine__token_create, false},
    [CMD_WORKER_CREATE] = {"worker.create", engine__worker_create, true},
    [CMD_WORKER_STATUS] = {"worker.status", engine__worker_status, true},
    [CMD_CLIENT_UPDATE] = {"client.update", engine__record_update, true},
    [CMD_SERVICE_UPDATE] = {"service.update", engine__record_update, true},
    [CMD_ENGAGEMENT_UPDATE] = {"engagement.update", engine__record_update, true},
    [CMD_USER_UPDATE] = {"user.update", engine__user_update, true},
    [CMD_WORKER_UPDATE] = {"worker.update", engine__record_update, true},
    [CMD_RECORD_ACTIVE] = {"record.active", engine__record_active, true},
    [CMD_ITEM_CREATE] = {"item.create", engine__item_create, true},
    [CMD_ITEM_NEXT] = {"item.next", engine__item_next, true},
    [CMD_ITEM_SUBMIT] = {"item.submit", engine__item_submit, true},
    [CMD_ITEM_REVIEW] = {"item.review", engine__item_review, true},
    [CMD_ITEM_ACCEPT] = {"item.accept", engine__item_accept, true},
    [CMD_ITEM_REWORK] = {"item.rework", engine__item_rework, true},
    [CMD_ITEM_FAIL] = {"item.fail", engine__item_fail, true},
    [CMD_ITEM_CANCEL] = {"item.cancel", engine__item_cancel, true},
    [CMD_ITEM_RENEW] = {"item.renew", engine__item_renew, true},
    [CMD_AUDIT] = {"audit", engine__audit, false},
    [CMD_TOKEN_REVOKE] = {"token.revoke", engine__token_revoke, false},
    [CMD_ITEM_PURGE] = {"item.purge", engine__item_purge, false},
    [CMD_SESSION_CREATE] = {"session.create", engine__session_create, false},
    [CMD_SESSION_END] = {"session.end", engine__session_end, false},
    [CMD_PASSWORD_SET] = {"password.set", engine__password_set, false},
    [CMD_PASSWORD_LINK] = {"password.link", engine__password_link, false},
    [CMD_KEYING_SET] = {"engagement.keying", engine__keying_set, true},
    [CMD_ENGAGEMENT_FIELDS] = {"engagement.fields", engine__engagement_fields, true},
    [CMD_MILESTONE_CREATE] = {"milestone.create", engine__milestone_create, true},
    [CMD_MILESTONE_UPDATE] = {"milestone.update", engine__milestone_update, true},
    [CMD_DEFECTS_SET] = {"engagement.defects", engine__defects_set, true},
    [CMD_SAMPLING_SET] = {"engagement.sampling", engine__sampling_set, true},
    [CMD_REVIEW_NEXT] = {"review.next", engine__review_next, true},
    [CMD_REVIEW_DECISION] = {"review.decision", engine__review_decision, true},
    [CMD_GOLD_ADD] = {"gold.create", engine__gold_add, true},
    [CMD_GOLD_ACTIVE] = {"gold.active", engine__gold_active, true},
    [CMD_GOLD_SETTINGS] = {"gold.settings", engine__gold_settings, true},
    [CMD_GOLD_REQUALIFY] = {"gold.requalify", engine__gold_requalify, true},
    [CMD_WEBHOOK_CREATE] = {"webhook.create", engine__webhook_create, false},
    [CMD_WEBHOOK_ROTATE] = {"webhook.rotate", engine__webhook_rotate, false},
    [CMD_WEBHOOK_ACTIVE] = {"webhook.active", engine__webhook_active, true},
    [CMD_WEBHOOK_ATTEMPT] = {"webhook.attempt", engine__webhook_attempt, false},
    [CMD_WEBHOOK_REDELIVER] = {"webhook.redeliver", engine__webhook_redeliver, true},
    [CMD_IMPORT] = {"import", engine__import, false},
    [CMD_ITEM_RELEASE] = {"item.release", engine__item_release, true},
    [CMD_WORK_CONF] = {"engagement.offers", engine__work_conf_set, true},
    [CMD_OFFER_ANSWER] = {"offer.answer", engine__offer_answer, true},
    [CMD_TIME_LOG] = {"time.log", engine__time_log, true},
    [CMD_TIME_START] = {"time.start", engine__time_start, true},
    [CMD_TIME_STOP] = {"time.stop", engine__time_stop, true},
    [CMD_TIME_CORRECT] = {"time.correct", engine__time_correct, true},
    [CMD_PERIOD_CREATE] = {"period.create", engine__period_create, true},
    [CMD_PERIOD_ADVANCE] = {"period.advance", engine__period_advance, true},
    [CMD_ASSESSMENT_CREATE] = {"assessment.create", engine__assessment_create, true},
    [CMD_RATES_SET] = {"engagement.rates", engine__rates_set, true},
    [CMD_INVOICE_DRAFT] = {"invoice.draft", engine__invoice_draft, true},
    [CMD_INVOICE_ISSUE] = {"invoice.issue", engine__invoice_issue, true},
    [CMD_INVOICE_PAY] = {"invoice.pay", engine__invoice_pay, true},
    [CMD_INVOICE_CREDIT] = {"invoice.credit", engine__invoice_credit, true},
    [CMD_CLIENT_BILLING] = {"client.billing", engine__client_billing, true},
    [CMD_ROUTING_SET] = {"engagement.routing", engine__routing_set, true},
};

const struct cmd_def *engine__cmd_def(enum cmd_type t)
{
	return (unsigned)t < CMD__COUNT && cmd_table[t].apply ? &cmd_table[t] : NULL;
}

/* Only the error's message, the state that refused and the id it names survive a failure. */
static void result_keep_error(struct cmd_result *r)
{
	char message[sizeof(r->message)];
	int state = r->state;
	int64_t id = r->id; /* ERR_EXISTS: the record that holds the key */
	char *problems = r->problems; /* ERR_INVALID from declared fields */

	memcpy(message, r->message, sizeof(message));
	if (r->leased)
		item_rec_release(r->leased);
	free(r->leased);
	free(r->replay_text);
	memset(r, 0, sizeof(*r));
	memcpy(r->message, message, sizeof(message));
	r->state = state;
	r->id = id;
	r->problems = problems;
}

void engine_apply(struct engine *e, struct cmd *c, int64_t now)
{
	const struct cmd_def *d = engine__cmd_def(c->type);
	int64_t seq = e->st.audit_seq;
	size_t leaves = e->n_pending;
	unsigned char hash[32];
	bool sp = e->cmd_savepoints;
	int64_t changes = 0, after = 0;
	int rc;

	memcpy(hash, e->st.audit_hash, 32);
	if (e->st.batch_failed) {
		c->rc = e->st.batch_failed;
		return;
	}
	if (e->batch_redo) /* the batch runs again (engine.c): this command with it */
		return;
	if (!d) {
		c->rc = ERR_INTERNAL;
		return;
	}
	rc = sp ? store_savepoint(e->store) : store_changes(e->store, &changes);
	if (rc) {
		c->rc = e->st.batch_failed = rc;
		return;
	}
	if (!engine__idem_replay(e, c, &rc))
		rc = d->apply(e, c, now);
	engine__rindex_touch(&e->st, c, rc, now); /* route_index.c: eligibility may have changed */
	if (rc == ERR_IO || rc == ERR_NOMEM || rc == ERR_BUSY)
		e->st.batch_failed = rc;
	/* Failed having written, with no savepoint to undo that alone: the batch again, with. */
	if (rc && !sp && !e->st.batch_failed &&
	    (store_changes(e->store, &after) || after != changes)) {
		/* Said once per redo: the reload it costs grows with the open items (seconds at 10 M). */
		log_warn("engine: %s failed after writing (%s): the batch runs again, the live state "
			 "reloaded",
			 d->name, err_message(rc));
		e->batch_redo = true;
		return;
	}
	if (rc) {
		if (sp && store_rollback_to(e->store)) {
			e->st.need_reload = 1;
			e->st.batch_failed = ERR_IO;
		}
		e->st.audit_seq = seq;
		memcpy(e->st.audit_hash, hash, 32);
		e->n_pending = leaves;
		if (rc == ERR_IO)
			log_error("engine: %s failed: %s", d->name, store_errmsg(e->store));
		result_keep_error(&c->result);
	} else if (sp && store_release(e->store)) {
		e->st.need_reload = 1;
		e->st.batch_failed = rc = ERR_IO;
	}
	c->rc = rc;
}
