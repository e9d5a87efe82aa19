/* cmd_import.c - CMD_IMPORT: a bulk import's job begun, its rows created in batches, its end. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "engine/engine_int.h"
#include "util/err.h"

/*
 * An import is many commands: one to begin (the job row), one per batch of
 * up to IMPORT_BATCH_ROWS rows, one to end. Each batch is an ordinary
 * command of a group commit, so other users' commands interleave with an
 * import's batches instead of waiting behind the whole file; a batch stops
 * at IMPORT_BATCH_BUDGET_US when other commands wait (the caller sends the
 * rest again), so however slow the machine, a command behind it waits about
 * that long, not for IMPORT_BATCH_ROWS rows.
 *
 * A row is created exactly as POST /v1/items creates one (engine__item_create
 * with the importer as actor: scope, external_ref, declared fields, the
 * engagement open), so an import can do nothing a single create cannot. A
 * taken external_ref is a duplicate, not an error: a re-upload creates
 * nothing new.
 */

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Commands of other users queued behind this batch (the engine's queue, under its lock). */
static bool others_wait(struct engine *e)
{
	bool any;

	pthread_mutex_lock(&e->mu);
	any = e->head != NULL;
	pthread_mutex_unlock(&e->mu);
	return any;
}

/* The importer may create items in the engagement: item.create's own scope question. */
static int scope(struct engine *e, struct cmd *c, struct live_engagement **le_out)
{
	struct live_engagement *le = idmap_get(&e->st.engagements, c->u.import.rec.engagement_id);
	struct cmd sub;
	int rc;

	memset(&sub, 0, sizeof(sub));
	sub.type = CMD_ITEM_CREATE;
	sub.actor = c->actor;
	sub.u.item_create.engagement_id = c->u.import.rec.engagement_id;
	rc = engine__scope_item_create(&sub, le);
	if (rc) {
		memcpy(c->result.message, sub.result.message, sizeof(c->result.message));
		cmd_release(&sub);
		return rc;
	}
	*le_out = le;
	return 0;
}

static int import_begin(struct engine *e, struct cmd *c, int64_t now)
{
	struct import_rec *r = &c->u.import.rec;
	struct live_engagement *le;
	int rc;

	if ((rc = scope(e, c, &le)))
		return rc;
	r->client_id = le->rec.client_id;
	r->created_by = c->actor ? c->actor->user_id : 0;
	r->created_at = r->updated_at = now;
	r->state = IMPORT_RECEIVING;
	if ((rc = store_import_insert(e->store, r)) ||
	    (rc = engine__audit_append(e, c, "import.create", "import", r->id, r->client_id, now)))
		return rc;
	return engine__done(e, c, CMD_OUT_CREATED, r->id, now);
}

/* Errors of the row's create that reject the row; anything else fails the batch. */
static bool row_error(int rc)
{
	return rc == ERR_INVALID || rc == ERR_CONFLICT || rc == ERR_FORBIDDEN ||
	       rc == ERR_NOTFOUND || rc == ERR_TOOBIG;
}

/*
 * One row, created with sub (the batch's one scratch command: a struct cmd is
 * 17 KB, so it is set up once per batch and only its row's fields reset).
 * OUT: *id, the new item's id (0: none created).
 */
static int create_row(struct engine *e, struct cmd *c, struct cmd *sub, struct import_row *row,
		      int64_t *id, int64_t now)
{
	struct import_rec *r = &c->u.import.rec;
	struct import_error_rec er;
	int rc;

	*id = 0;
	memcpy(sub->u.item_create.external_ref, row->external_ref, sizeof(row->external_ref));
	memcpy(sub->u.item_create.type, row->type, sizeof(row->type)); /* checked again there */
	sub->u.item_create.payload = row->payload;
	sub->result.message[0] = '\0';
	rc = engine__item_create(e, sub, now);
	row->reason[0] = '\0';
	if (!rc) {
		row->outcome = IMPORT_ROW_CREATED;
		r->created++;
		*id = sub->result.id;
	} else if (rc == ERR_EXISTS) {
		row->outcome = IMPORT_ROW_DUPLICATE;
		r->duplicate++;
		rc = 0;
	} else if (row_error(rc)) {
		row->outcome = IMPORT_ROW_REJECTED;
		r->rejected++;
		snprintf(row->reason, sizeof(row->reason), "%s",
			 sub->result.problems	  ? sub->result.problems
			 : sub->result.message[0] ? sub->result.message
						  : err_message(rc));
		memset(&er, 0, sizeof(er));
		er.import_id = r->id;
		er.line = row->line;
		memcpy(er.reason, row->reason, sizeof(er.reason));
		if (r->rejected <= IMPORT_ERRORS_KEPT)
			rc = store_import_error_add(e->store, r->client_id, &er);
	}
	cmd_release(sub);
	return rc;
}

/*
 * The batch's audit event: the rows it created are items first..last (one
 * writer, one command: their ids follow each other), with the batch's
 * counts and its lines. It stands for the rows' own item.create events, so
 * a batch of thousands of rows costs one chain link and one tree leaf.
 */
static int batch_audit(struct engine *e, struct cmd *c, int64_t first, int64_t last,
		       int64_t created, int64_t duplicate, int64_t rejected, int64_t now)
{
	const struct import_rec *r = &c->u.import.rec;
	size_t n = c->u.import.n_done;
	char detail[320];

	snprintf(detail, sizeof(detail),
		 "{\"engagement_id\":%lld,\"items\":[%lld,%lld],\"created\":%lld,\"duplicate\":%lld,"
		 "\"rejected\":%lld,\"lines\":[%lld,%lld]}",
		 (long long)r->engagement_id, (long long)first, (long long)last, (long long)created,
		 (long long)duplicate, (long long)rejected,
		 (long long)(n ? c->u.import.rows[0].line : 0),
		 (long long)(n ? c->u.import.rows[n - 1].line : 0));
	return engine__audit_append_detail(e, c, "import.batch", "import", r->id, r->client_id,
					   detail, now);
}

static int import_batch(struct engine *e, struct cmd *c, int64_t now)
{
	struct import_rec *r = &c->u.import.rec;
	int64_t created = r->created, duplicate = r->duplicate, rejected = r->rejected;
	int64_t first = 0, last = 0, id;
	struct live_engagement *le;
	struct cmd *sub = NULL;
	uint64_t t0;
	size_t i;
	int rc;

	if ((rc = scope(e, c, &le)))
		return rc;
	if (le->rec.client_id != r->client_id)
		return engine__fail(c, ERR_INVALID, "import %lld is not of engagement %lld",
				    (long long)r->id, (long long)r->engagement_id);
	for (i = 0; i < c->u.import.n_errs; i++)
		if ((rc = store_import_error_add(e->store, r->client_id, &c->u.import.errs[i])))
			return rc;
	if (c->u.import.n && !(sub = calloc(1, sizeof(*sub))))
		return ERR_NOMEM;
	if (sub) {
		sub->type = CMD_ITEM_CREATE;
		sub->actor = c->actor;
		sub->u.item_create.engagement_id = r->engagement_id;
		sub->u.item_create.batch_audited = true;
	}
	t0 = mono_us();
	for (i = 0; i < c->u.import.n; i++) {
		/*
		 * The time budget, looked at every 64 rows: past it, and only while
		 * other commands wait, the rest goes in the next command (alone, the
		 * batch takes all its rows: fewer commits, each an fsync).
		 */
		if (i && !(i % 64) && mono_us() - t0 > IMPORT_BATCH_BUDGET_US && others_wait(e))
			break;
		if ((rc = create_row(e, c, sub, &c->u.import.rows[i], &id, now)))
			goto out;
		if (id && !first)
			first = id;
		if (id)
			last = id;
	}
	c->u.import.n_done = i;
	/* The rows' creates, not stored one by one: their history shows each from this. */
	if (first && (rc = store_import_batch_add(e->store, r->id, first, last)))
		goto out;
	if (c->u.import.n &&
	    (rc = batch_audit(e, c, first, last, r->created - created, r->duplicate - duplicate,
			      r->rejected - rejected, now)))
		goto out;
	r->updated_at = now;
	if ((rc = store_import_update(e->store, r)))
		goto out;
	rc = engine__done(e, c, CMD_OUT_OK, r->id, now);
out:
	free(sub);
	return rc;
}

static int import_end(struct engine *e, struct cmd *c, int64_t now)
{
	struct import_rec *r = &c->u.import.rec;
	struct live_engagement *le;
	char detail[160];
	int rc;

	if ((rc = scope(e, c, &le)))
		return rc;
	for (size_t i = 0; i < c->u.import.n_errs; i++)
		if ((rc = store_import_error_add(e->store, r->client_id, &c->u.import.errs[i])))
			return rc;
	r->updated_at = now;
	snprintf(detail, sizeof(detail),
		 "{\"state\":\"%s\",\"created\":%lld,\"duplicate\":%lld,\"rejected\":%lld}",
		 import_state_name(r->state), (long long)r->created, (long long)r->duplicate,
		 (long long)r->rejected);
	if ((rc = store_import_update(e->store, r)) ||
	    (rc = engine__audit_append_detail(e, c, "import.finish", "import", r->id, r->client_id,
					      detail, now)) ||
	    (rc = engine__outbox_import(e, r, now)))
		return rc;
	return engine__done(e, c, CMD_OUT_OK, r->id, now);
}

int engine__import(struct engine *e, struct cmd *c, int64_t now)
{
	switch (c->u.import.op) {
	case IMPORT_OP_BEGIN:
		return import_begin(e, c, now);
	case IMPORT_OP_BATCH:
		return import_batch(e, c, now);
	case IMPORT_OP_END:
		return import_end(e, c, now);
	case IMPORT_OP_RECOVER: {
		int64_t n = 0;
		int rc;

		/* The installation's own step at a server's start, never a user's. */
		if (!c->actor || c->actor->role != ROLE_ADMIN || c->actor->user_id)
			return engine__fail(c, ERR_FORBIDDEN,
					    "import recovery is the server's own");
		if ((rc = store_import_fail_open(e->store, now, &n)))
			return rc;
		return engine__done(e, c, CMD_OUT_OK, n, now);
	}
	}
	return engine__fail(c, ERR_INVALID, "import: unknown step");
}
