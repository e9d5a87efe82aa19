/* time.c - time entries and billing periods in the engine: the work entry of every lease that ends. */
#include <stdio.h>
#include <string.h>

#include "core/timeentry.h"
#include "engine/engine_int.h"
#include "util/err.h"

/*
 * A lease ends (submit, keying answer, expiry, release, cancel, fail): its
 * work entry, from the lease's start (renewals keep it) to now, or to the
 * deadline when an expiry is found late. One cached INSERT in the savepoint
 * of the item's change: no read, no extra round trip. A lease whose start
 * is not known (an item leased before lease starts were kept) writes none.
 */
int engine__time_lease_end(struct engine *e, const struct live_item *it, int64_t now)
{
	struct time_entry t;
	int64_t ms;

	if (it->state != ITEM_ASSIGNED || !it->worker_id || it->lease_started <= 0)
		return 0;
	ms = time_lease_duration(it->lease_started, it->lease_expires, now);
	memset(&t, 0, sizeof(t));
	t.engagement_id = it->engagement_id;
	t.client_id = it->client_id;
	t.worker_id = it->worker_id;
	t.item_id = it->ri.id;
	t.kind = TIME_WORK;
	t.started_at = it->lease_started;
	t.ended_at = it->lease_started + ms;
	t.duration_ms = ms;
	t.billable = true;
	t.created_at = now;
	return store_time_entry_insert(e->store, &t);
}

/* ------------------------------------------------------------------ */
/* Locks                                                               */
/* ------------------------------------------------------------------ */

/*
 * 0 unless `at` lies in a locked period of the engagement: then 409 naming
 * it (nothing in a locked period changes). Reads the open transaction.
 */
static int unlocked(struct engine *e, struct cmd *c, int64_t engagement_id, int64_t at)
{
	struct billing_period p;
	int rc = store_period_find(e->store, engagement_id, at, at + 1, &p);

	if (rc == ERR_NOTFOUND)
		return 0;
	if (rc)
		return rc;
	if (p.state != PERIOD_LOCKED)
		return 0;
	c->result.id = p.id;
	return engine__fail(c, ERR_CONFLICT,
			    "period %lld (%s %s) of engagement %lld is locked: its time entries "
			    "cannot change",
			    (long long)p.id, period_kind_name(p.kind), p.label,
			    (long long)engagement_id);
}

/* The engagement of a time command, and the policy's verdict on act for its client. */
static int time_scope(struct engine *e, struct cmd *c, enum policy_action act,
		      int64_t engagement_id, struct live_engagement **out)
{
	struct live_engagement *le = idmap_get(&e->st.engagements, engagement_id);
	enum policy_verdict v;

	if (policy_check(c->actor, act, NULL) == POLICY_FORBID)
		return ERR_FORBIDDEN;
	if (!le)
		return engine__fail(c, ERR_NOTFOUND, "no engagement %lld", (long long)engagement_id);
	v = engine__scope_item(e, c, act, le->rec.client_id, le->rec.id, 0);
	if (v == POLICY_HIDE)
		return engine__fail(c, ERR_NOTFOUND, "no engagement %lld", (long long)engagement_id);
	if (v == POLICY_FORBID)
		return ERR_FORBIDDEN;
	*out = le;
	return 0;
}

/* The worker a manual entry is for: the acting worker, or the one staff name. */
static int time_worker(struct engine *e, struct cmd *c, struct live_worker **out)
{
	int64_t id = c->actor->role == ROLE_WORKER ? c->actor->worker_id : c->u.time.worker_id;
	struct live_worker *lw = id ? idmap_get(&e->st.workers, id) : NULL;

	/* Another worker's timer is as hidden from a worker as a missing one. */
	if (c->actor->role == ROLE_WORKER && c->u.time.worker_id && c->u.time.worker_id != id)
		return engine__fail(c, ERR_NOTFOUND, "no worker %lld",
				    (long long)c->u.time.worker_id);
	if (!id)
		return engine__fail(c, ERR_INVALID, "worker_id is required (the worker whose time "
						    "this is)");
	if (!lw)
		return engine__fail(c, ERR_NOTFOUND, "no worker %lld", (long long)id);
	*out = lw;
	return 0;
}

/* A milestone named by a manual entry: one of an item of this engagement. */
static int time_milestone(struct engine *e, struct cmd *c, const struct live_engagement *le,
			  int64_t *item_id)
{
	struct milestone_rec m;
	int rc;

	*item_id = 0;
	if (!c->u.time.milestone_id)
		return 0;
	rc = store_milestone_state_get(e->store, c->u.time.milestone_id, &m);
	if (rc == ERR_NOTFOUND || (!rc && m.engagement_id != le->rec.id))
		return engine__fail(c, ERR_NOTFOUND, "no milestone %lld in engagement %lld",
				    (long long)c->u.time.milestone_id, (long long)le->rec.id);
	if (rc)
		return rc;
	*item_id = m.item_id;
	return 0;
}

/* The audit detail of an entry: its times and flags, never its note (the trail holds no text). */
static void entry_detail(const struct time_entry *t, char *out, size_t n)
{
	snprintf(out, n,
		 "{\"worker_id\":%lld,\"kind\":\"%s\",\"started_at\":%lld,\"ended_at\":%lld,"
		 "\"duration_ms\":%lld,\"billable\":%s}",
		 (long long)t->worker_id, time_kind_name(t->kind), (long long)t->started_at,
		 (long long)t->ended_at, (long long)t->duration_ms, t->billable ? "true" : "false");
}

static int entry_done(struct engine *e, struct cmd *c, enum cmd_outcome out, const char *action,
		      const struct time_entry *t, int64_t now)
{
	char detail[300];
	int rc;

	entry_detail(t, detail, sizeof(detail));
	rc = engine__audit_append_detail(e, c, action, "time_entry", t->id, t->client_id, detail,
					 now);
	return rc ? rc : engine__done(e, c, out, t->id, now);
}

/* A manual entry's common fields from the command. */
static int manual_entry(struct engine *e, struct cmd *c, enum policy_action act,
			struct time_entry *t, int64_t now)
{
	struct live_engagement *le = NULL;
	struct live_worker *lw = NULL;
	int64_t item_id = 0;
	int rc;

	if ((rc = time_scope(e, c, act, c->u.time.engagement_id, &le)) ||
	    (rc = time_worker(e, c, &lw)) || (rc = time_milestone(e, c, le, &item_id)))
		return rc;
	memset(t, 0, sizeof(*t));
	t->engagement_id = le->rec.id;
	t->client_id = le->rec.client_id;
	t->worker_id = lw->rec.id;
	t->item_id = item_id;
	t->milestone_id = c->u.time.milestone_id;
	t->kind = TIME_MANUAL;
	t->billable = c->u.time.billable != 0;
	t->created_at = now;
	t->created_by = c->actor->user_id;
	snprintf(t->note, sizeof(t->note), "%s", c->u.time.note);
	return 0;
}

/* time.log: a manual entry with its start and end (a duration logged after the fact) */
int engine__time_log(struct engine *e, struct cmd *c, int64_t now)
{
	struct time_entry t;
	const char *why;
	int rc;

	if ((rc = manual_entry(e, c, POL_TIME_LOG, &t, now)))
		return rc;
	t.started_at = c->u.time.started_at;
	t.ended_at = c->u.time.ended_at;
	if (!t.started_at && c->u.time.duration_ms > 0) {
		t.ended_at = now;
		t.started_at = now - c->u.time.duration_ms;
	}
	if (time_entry_check(t.started_at, t.ended_at, now, &why) || !t.ended_at)
		return engine__fail(c, ERR_INVALID, "%s", why ? why : "ended_at is required");
	t.duration_ms = t.ended_at - t.started_at;
	if ((rc = unlocked(e, c, t.engagement_id, t.started_at)) ||
	    (rc = store_time_entry_insert(e->store, &t)))
		return rc;
	return entry_done(e, c, CMD_OUT_CREATED, "time.log", &t, now);
}

/* time.start: a running timer; one per worker at a time */
int engine__time_start(struct engine *e, struct cmd *c, int64_t now)
{
	struct time_entry t, run;
	const char *why;
	int rc;

	if ((rc = manual_entry(e, c, POL_TIME_LOG, &t, now)))
		return rc;
	rc = store_time_running_get(e->store, t.worker_id, &run);
	if (!rc) {
		c->result.id = run.id;
		return engine__fail(c, ERR_CONFLICT,
				    "worker %lld has a running timer already (entry %lld): stop it "
				    "first",
				    (long long)t.worker_id, (long long)run.id);
	}
	if (rc != ERR_NOTFOUND)
		return rc;
	t.started_at = c->u.time.started_at ? c->u.time.started_at : now;
	if (time_entry_check(t.started_at, 0, now, &why))
		return engine__fail(c, ERR_INVALID, "%s", why);
	if ((rc = unlocked(e, c, t.engagement_id, t.started_at)) ||
	    (rc = store_time_entry_insert(e->store, &t)))
		return rc;
	return entry_done(e, c, CMD_OUT_CREATED, "time.start", &t, now);
}

/* time.stop: the worker's running timer ends at ended_at (0: now) */
int engine__time_stop(struct engine *e, struct cmd *c, int64_t now)
{
	struct live_worker *lw = NULL;
	struct live_engagement *le = NULL;
	struct time_entry t;
	const char *why;
	int rc;

	if (policy_check(c->actor, POL_TIME_LOG, NULL) == POLICY_FORBID)
		return ERR_FORBIDDEN;
	if ((rc = time_worker(e, c, &lw)))
		return rc;
	rc = store_time_running_get(e->store, lw->rec.id, &t);
	if (rc == ERR_NOTFOUND)
		return engine__fail(c, ERR_CONFLICT, "worker %lld has no running timer",
				    (long long)lw->rec.id);
	if (rc || (rc = time_scope(e, c, POL_TIME_LOG, t.engagement_id, &le)))
		return rc;
	t.ended_at = c->u.time.ended_at ? c->u.time.ended_at : now;
	if (time_entry_check(t.started_at, t.ended_at, now, &why))
		return engine__fail(c, ERR_INVALID, "%s", why);
	t.duration_ms = t.ended_at - t.started_at;
	if ((rc = unlocked(e, c, t.engagement_id, t.started_at)) ||
	    (rc = store_time_entry_update(e->store, &t)))
		return rc;
	return entry_done(e, c, CMD_OUT_OK, "time.stop", &t, now);
}

/* "note (correction: reason)", or "correction: reason" with no note; false if it does not fit. */
static bool note_join(char *out, size_t n, const char *note, const char *reason)
{
	static const char pre[] = "correction: ";
	size_t ln = strlen(note), lr = strlen(reason), need;

	need = (ln ? ln + 2 : 0) + sizeof(pre) - 1 + lr + (ln ? 1 : 0);
	if (need >= n)
		return false;
	out[0] = '\0';
	if (ln) {
		memcpy(out, note, ln);
		memcpy(out + ln, " (", 2);
		out[ln + 2] = '\0';
	}
	memcpy(out + strlen(out), pre, sizeof(pre));
	memcpy(out + strlen(out), reason, lr + 1);
	if (ln)
		memcpy(out + strlen(out), ")", 2);
	return true;
}

/*
 * time.correct: a manager replaces an entry. The original stays as it was
 * (superseded_by marks it); the correcting entry holds the new times and
 * the reason (sealed); the audit event names both, with the times before
 * and after.
 */
int engine__time_correct(struct engine *e, struct cmd *c, int64_t now)
{
	struct live_engagement *le = NULL;
	struct time_entry was, t;
	char before[300], after[300], detail[700];
	const char *why;
	int rc;

	if (policy_check(c->actor, POL_TIME_CORRECT, NULL) == POLICY_FORBID)
		return ERR_FORBIDDEN;
	rc = store_time_entry_state_get(e->store, c->u.time.entry_id, &was);
	if (rc == ERR_NOTFOUND)
		return engine__fail(c, rc, "no time entry %lld", (long long)c->u.time.entry_id);
	if (rc || (rc = time_scope(e, c, POL_TIME_CORRECT, was.engagement_id, &le)))
		return rc == ERR_NOTFOUND
			   ? engine__fail(c, rc, "no time entry %lld", (long long)c->u.time.entry_id)
			   : rc;
	if (was.superseded_by) {
		c->result.id = was.superseded_by;
		return engine__fail(c, ERR_CONFLICT,
				    "time entry %lld was corrected already by entry %lld: correct "
				    "that one",
				    (long long)was.id, (long long)was.superseded_by);
	}
	if (!was.ended_at)
		return engine__fail(c, ERR_CONFLICT, "time entry %lld is a running timer: stop it "
						     "first",
				    (long long)was.id);
	if (!c->u.time.reason[0])
		return engine__fail(c, ERR_INVALID, "a correction needs a reason");
	t = was;
	t.id = 0;
	t.started_at = c->u.time.started_at ? c->u.time.started_at : was.started_at;
	t.ended_at = c->u.time.ended_at ? c->u.time.ended_at : was.ended_at;
	if (c->u.time.billable >= 0)
		t.billable = c->u.time.billable != 0;
	if (time_entry_check(t.started_at, t.ended_at, now, &why))
		return engine__fail(c, ERR_INVALID, "%s", why);
	t.duration_ms = t.ended_at - t.started_at;
	t.corrected_from = was.id;
	t.superseded_by = 0;
	t.created_at = now;
	t.created_by = c->actor->user_id;
	/* The correction's text: its reason, and the note when one is given (the original's
	 * note stays on the original). */
	if (!note_join(t.note, sizeof(t.note), c->u.time.has_note ? c->u.time.note : "",
		       c->u.time.reason))
		return engine__fail(c, ERR_INVALID, "the note and the reason together exceed %d bytes",
				    TIME_NOTE_MAX);
	if ((rc = unlocked(e, c, was.engagement_id, was.started_at)) ||
	    (rc = unlocked(e, c, was.engagement_id, t.started_at)) ||
	    (rc = store_time_entry_insert(e->store, &t)))
		return rc;
	was.superseded_by = t.id;
	if ((rc = store_time_entry_update(e->store, &was)))
		return rc;
	entry_detail(&was, before, sizeof(before));
	entry_detail(&t, after, sizeof(after));
	snprintf(detail, sizeof(detail), "{\"corrects\":%lld,\"before\":%s,\"after\":%s}",
		 (long long)was.id, before, after);
	if ((rc = engine__audit_append_detail(e, c, "time.correct", "time_entry", t.id,
					      t.client_id, detail, now)))
		return rc;
	return engine__done(e, c, CMD_OUT_CREATED, t.id, now);
}

/* ------------------------------------------------------------------ */
/* Periods                                                             */
/* ------------------------------------------------------------------ */

/* period.create: a week or month of an engagement; never overlapping another of it */
int engine__period_create(struct engine *e, struct cmd *c, int64_t now)
{
	struct live_engagement *le = NULL;
	struct billing_period p, o;
	char detail[200];
	int rc;

	if ((rc = time_scope(e, c, POL_PERIOD_MANAGE, c->u.time.engagement_id, &le)))
		return rc;
	if (c->u.time.ends_at <= c->u.time.starts_at)
		return engine__fail(c, ERR_INVALID, "the period ends before it starts");
	rc = store_period_find(e->store, le->rec.id, c->u.time.starts_at, c->u.time.ends_at, &o);
	if (!rc) {
		c->result.id = o.id;
		return engine__fail(c, ERR_CONFLICT,
				    "the period overlaps period %lld (%s %s, %s) of engagement %lld",
				    (long long)o.id, period_kind_name(o.kind), o.label,
				    period_state_name(o.state), (long long)le->rec.id);
	}
	if (rc != ERR_NOTFOUND)
		return rc;
	memset(&p, 0, sizeof(p));
	p.engagement_id = le->rec.id;
	p.client_id = le->rec.client_id;
	p.kind = c->u.time.kind;
	p.starts_at = c->u.time.starts_at;
	p.ends_at = c->u.time.ends_at;
	snprintf(p.label, sizeof(p.label), "%s", c->u.time.label);
	p.state = PERIOD_OPEN;
	p.created_at = now;
	p.created_by = c->actor->user_id;
	if ((rc = store_period_insert(e->store, &p)))
		return rc;
	snprintf(detail, sizeof(detail),
		 "{\"engagement_id\":%lld,\"kind\":\"%s\",\"starts_at\":%lld,\"ends_at\":%lld}",
		 (long long)p.engagement_id, period_kind_name(p.kind), (long long)p.starts_at,
		 (long long)p.ends_at);
	if ((rc = engine__audit_append_detail(e, c, "period.create", "period", p.id, p.client_id,
					      detail, now)))
		return rc;
	return engine__done(e, c, CMD_OUT_CREATED, p.id, now);
}

/* A lease of the engagement that started inside the period and still runs (0: none). */
static int64_t open_lease_in(const struct engine *e, const struct billing_period *p)
{
	size_t i = 0;
	const struct live_item *it;

	while ((it = idtable_next(&e->st.items, &i))) {

		if (it->engagement_id == p->engagement_id && it->state == ITEM_ASSIGNED &&
		    it->lease_started < p->ends_at)
			return it->ri.id;
	}
	return 0;
}

/*
 * period.advance: open -> approved -> locked, once the period ended. A lock
 * waits for the work entries it would hold: a lease or a timer started in
 * the period and still running refuses it (409), so nothing is written into
 * a period once it is locked.
 */
int engine__period_advance(struct engine *e, struct cmd *c, int64_t now)
{
	struct live_engagement *le = NULL;
	struct billing_period p;
	const char *why;
	int64_t busy, n = 0;
	int rc;

	if (policy_check(c->actor, POL_PERIOD_MANAGE, NULL) == POLICY_FORBID)
		return ERR_FORBIDDEN;
	rc = store_period_find_id(e->store, c->u.time.period_id, &p);
	if (!rc)
		rc = time_scope(e, c, POL_PERIOD_MANAGE, p.engagement_id, &le);
	if (rc == ERR_NOTFOUND)
		return engine__fail(c, rc, "no period %lld", (long long)c->u.time.period_id);
	if (rc)
		return rc;
	if (period_advance(&p, c->u.time.to, now, &why))
		return engine__conflict(c, ERR_CONFLICT, (enum item_state)0, why);
	if (c->u.time.to == PERIOD_LOCKED) {
		if ((busy = open_lease_in(e, &p)))
			return engine__fail(c, ERR_CONFLICT,
					    "item %lld's lease began in period %lld and still runs: "
					    "lock once it ends",
					    (long long)busy, (long long)p.id);
		if ((rc = store_time_running_count(e->store, p.engagement_id, p.ends_at, &n)))
			return rc;
		if (n)
			return engine__fail(c, ERR_CONFLICT,
					    "%lld timer(s) started in period %lld still run: stop them "
					    "first",
					    (long long)n, (long long)p.id);
		p.locked_at = now;
		p.locked_by = c->actor->user_id;
	} else {
		p.approved_at = now;
		p.approved_by = c->actor->user_id;
	}
	p.state = c->u.time.to;
	if ((rc = store_period_update(e->store, &p)))
		return rc;
	return engine__record_done(e, c, CMD_OUT_OK,
				   p.state == PERIOD_LOCKED ? "period.lock" : "period.approve",
				   "period", p.id, p.client_id, now);
}

/* ------------------------------------------------------------------ */
/* Assessments                                                         */
/* ------------------------------------------------------------------ */

/* assessment.create: the app scored it (core/assess.h); stored sealed, audited without text */
int engine__assessment_create(struct engine *e, struct cmd *c, int64_t now)
{
	struct assessment_rec a;
	struct policy_scope sc = {.client_id = c->u.assessment.client_id};
	int rc;

	if ((rc = policy_require(c->actor, POL_ASSESS_CREATE, &sc)))
		return rc;
	if (c->u.assessment.client_id && !idmap_get(&e->st.clients, c->u.assessment.client_id))
		return engine__fail(c, ERR_NOTFOUND, "no client %lld",
				    (long long)c->u.assessment.client_id);
	memset(&a, 0, sizeof(a));
	a.client_id = c->u.assessment.client_id;
	a.created_at = now;
	a.created_by = c->actor->user_id;
	snprintf(a.recommendation, sizeof(a.recommendation), "%s",
		 c->u.assessment.recommendation);
	a.answers = c->u.assessment.answers;
	a.result = c->u.assessment.result;
	if ((rc = store_assessment_insert(e->store, &a)))
		return rc;
	return engine__record_done(e, c, CMD_OUT_CREATED, "assessment.create", "assessment", a.id,
				   a.client_id, now);
}
