/* milestones.c - KPO deliverables: milestones checked and read, an item's review chain read. */
#include "app/milestones.h"

#include <stdlib.h>
#include <string.h>

#include "util/err.h"
#include "util/utf8.h"

static int role_may(const struct actor *actor, enum policy_action act, struct buf *err)
{
	if (policy_check(actor, act, NULL) == POLICY_ALLOW)
		return 0;
	return buf_error(err, ERR_FORBIDDEN, "role %s may not take %s", role_name(actor->role),
			 policy_action_name(act));
}

static int id_ok(const char *field, int64_t v, struct buf *err)
{
	if (v >= 1)
		return 0;
	return buf_error(err, ERR_INVALID, "%s must be between 1 and %lld", field,
			 (long long)INT64_MAX);
}

/* A text of at most max bytes of UTF-8 into dst[max + 1]; empty refused when required. */
static int text_in(const char *field, const char *src, bool required, char *dst, size_t max,
		   struct buf *err)
{
	size_t n = src ? strlen(src) : 0;

	dst[0] = '\0';
	if (!src && !required)
		return 0;
	if (!src || (required && !n))
		return buf_error(err, ERR_INVALID, "%s is required", field);
	if (n > max)
		return buf_error(err, ERR_INVALID, "%s is longer than %zu bytes", field, max);
	if (!utf8_valid(src, n))
		return buf_error(err, ERR_INVALID, "%s is not UTF-8", field);
	memcpy(dst, src, n + 1);
	return 0;
}

int app_milestone_create(const struct app *app, const struct actor *actor,
			 const struct milestone_create_in *in, struct cmd *c, struct buf *err)
{
	int64_t due = 0;
	int rc;

	(void)app;
	if ((rc = role_may(actor, POL_MILESTONE_CREATE, err)) ||
	    (rc = id_ok("item id", in->item_id, err)))
		return rc;
	memset(&c->u.milestone, 0, sizeof(c->u.milestone));
	if ((rc = text_in("title", in->title, true, c->u.milestone.title, MILESTONE_TITLE_MAX,
			  err)))
		return rc;
	if (!in->due_at)
		return buf_error(err, ERR_INVALID, "due_at is required");
	if (clock_parse_rfc3339(in->due_at, &due) || due <= 0)
		return buf_error(err, ERR_INVALID,
				 "due_at must be an RFC 3339 time like 2026-01-31T17:00:00Z");
	if ((rc = text_in("deliverable", in->deliverable, false, c->u.milestone.deliverable,
			  MILESTONE_TEXT_MAX, err)))
		return rc;
	c->type = CMD_MILESTONE_CREATE;
	c->actor = actor;
	c->u.milestone.item_id = in->item_id;
	c->u.milestone.due_at = due;
	return 0;
}

int app_milestone_update(const struct app *app, const struct actor *actor,
			 const struct milestone_update_in *in, struct cmd *c, struct buf *err)
{
	int rc;

	(void)app;
	if ((rc = role_may(actor, POL_MILESTONE_UPDATE, err)) ||
	    (rc = id_ok("item id", in->item_id, err)) ||
	    (rc = id_ok("milestone id", in->milestone_id, err)))
		return rc;
	if (!in->deliverable && in->submitted < 0)
		return buf_error(err, ERR_INVALID, "give deliverable or submitted (or both)");
	memset(&c->u.milestone, 0, sizeof(c->u.milestone));
	if ((rc = text_in("deliverable", in->deliverable, false, c->u.milestone.deliverable,
			  MILESTONE_TEXT_MAX, err)))
		return rc;
	c->type = CMD_MILESTONE_UPDATE;
	c->actor = actor;
	c->u.milestone.item_id = in->item_id;
	c->u.milestone.milestone_id = in->milestone_id;
	c->u.milestone.has_deliverable = in->deliverable != NULL;
	c->u.milestone.has_submitted = in->submitted >= 0;
	c->u.milestone.submitted = in->submitted > 0;
	return 0;
}

/*
 * The item if act allows the actor on it, with its engagement's kind: a
 * hidden item is ERR_NOTFOUND with the words of a missing one.
 */
static int item_scoped(const struct app *app, const struct actor *actor, enum policy_action act,
		       int64_t id, struct item_rec *it, bool *kpo, struct buf *err)
{
	struct engagement_rec eng;
	struct policy_scope sc;
	int rc;

	memset(it, 0, sizeof(*it));
	*kpo = false;
	if ((rc = role_may(actor, act, err)) || (rc = id_ok("item id", id, err)))
		return rc;
	rc = store_item_get(app->store, id, false, it);
	if (!rc) {
		rc = store_engagement_get(app->store, it->engagement_id, &eng);
		*kpo = !rc && eng.kind == KIND_KPO;
	}
	if (rc == ERR_NOTFOUND)
		return buf_error(err, rc, "no item %lld", (long long)id);
	if (rc)
		return buf_error(err, rc, "%s", err_message(rc));
	sc = (struct policy_scope){
	    .client_id = it->client_id,
	    .lease_worker_id = it->state == ITEM_ASSIGNED ? it->worker_id : 0,
	    .kpo = *kpo,
	};
	if ((rc = policy_require(actor, act, &sc)) == ERR_NOTFOUND)
		return buf_error(err, rc, "no item %lld", (long long)id);
	if (rc)
		return buf_error(err, rc, "role %s may not take %s on item %lld",
				 role_name(actor->role), policy_action_name(act), (long long)id);
	return 0;
}

int app_milestone_list(const struct app *app, const struct actor *actor, int64_t item_id,
		       store_milestone_cb cb, void *ctx, struct buf *err)
{
	struct item_rec it;
	bool kpo;
	int rc = item_scoped(app, actor, POL_MILESTONE_READ, item_id, &it, &kpo, err);

	item_rec_release(&it);
	if (rc || !kpo)
		return rc;
	if ((rc = store_milestone_list(app->store, item_id, cb, ctx)))
		return buf_error(err, rc, "%s", err_message(rc));
	return 0;
}

/* ---------------------------------------------------------------- the chain */

void kpo_chain_release(struct kpo_chain *ch)
{
	for (size_t i = 0; i < ch->n; i++)
		free(ch->steps[i].detail);
	free(ch->steps);
	ch->steps = NULL;
	ch->n = ch->cap = 0;
}

/* The walk's callback: the chain's events kept (copies: the walk's are borrowed). */
static int chain_event(void *ctx, const struct event_rec *ev)
{
	struct kpo_chain *ch = ctx;
	struct kpo_chain_step *s;
	enum item_action act;

	if (item_action_parse(ev->action, &act) ||
	    (act != ACT_SUBMIT && act != ACT_REVIEW && act != ACT_ACCEPT && act != ACT_REWORK))
		return 0;
	if (ch->n == ch->cap) {
		size_t cap = ch->cap ? 2 * ch->cap : 16;
		struct kpo_chain_step *p = realloc(ch->steps, cap * sizeof(*p));

		if (!p)
			return ERR_NOMEM;
		ch->steps = p;
		ch->cap = cap;
	}
	s = &ch->steps[ch->n];
	memset(s, 0, sizeof(*s));
	/* The party of a rework is known once the user is: KPO_OTHER until then. */
	s->step = kpo_step_of(act, ev->from_state, KPO_OTHER);
	s->at = ev->at;
	s->user_id = ev->actor_user_id;
	s->worker_id = ev->worker_id;
	s->role = ROLE__COUNT;
	if (ev->detail && !(s->detail = strdup(ev->detail)))
		return ERR_NOMEM;
	ch->n++;
	return 0;
}

/* Who took each step: the users' roles, each user read once. */
static int chain_roles(const struct app *app, struct kpo_chain *ch)
{
	for (size_t i = 0; i < ch->n; i++) {
		struct kpo_chain_step *s = &ch->steps[i];
		struct user_rec u;
		int rc;

		for (size_t j = 0; j < i && s->role == ROLE__COUNT; j++)
			if (ch->steps[j].user_id == s->user_id)
				s->role = ch->steps[j].role;
		if (s->role == ROLE__COUNT && s->user_id) {
			rc = store_user_get(app->store, s->user_id, &u);
			if (rc && rc != ERR_NOTFOUND)
				return rc;
			if (!rc)
				s->role = u.role;
		}
		if (s->step == KPO_STEP_SENIOR_RETURNED && s->role == ROLE_CLIENT)
			s->step = KPO_STEP_CLIENT_RETURNED;
		if (s->step == KPO_STEP_CLIENT_APPROVED) {
			ch->approved_at = s->at;
			ch->approved_by = s->user_id;
		}
		/* A return after an approval undoes it (the item was reopened). */
		if (s->step == KPO_STEP_CLIENT_RETURNED || s->step == KPO_STEP_SENIOR_RETURNED)
			ch->approved_at = ch->approved_by = 0;
	}
	return 0;
}

int app_kpo_chain(const struct app *app, const struct actor *actor, int64_t item_id,
		  struct kpo_chain *out, struct buf *err)
{
	struct item_rec it;
	bool kpo;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = item_scoped(app, actor, POL_ITEM_READ, item_id, &it, &kpo, err);
	item_rec_release(&it);
	if (rc)
		return rc;
	out->item_id = item_id;
	out->kpo = kpo;
	out->state = it.state;
	if ((rc = store_item_history(app->store, item_id, chain_event, out)) ||
	    (rc = chain_roles(app, out)))
		return buf_error(err, rc, "%s", err_message(rc));
	return 0;
}
