/* cmd_edit.c - commands that change records: edits with their before and after, and switching
 * records off and on. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine_int.h"
#include "util/buf.h"
#include "util/err.h"

/*
 * An edit is checked against live state, written, audited with the before and
 * after of every field it changed, and then applied to memory, so the next
 * work/next routes by the new values. Leases already held are not touched:
 * they keep their epochs and deadlines (item.submit asks the policy with the
 * lease holder, so a removed clearance does not orphan a lease).
 */

bool engine__engagement_open(const struct engine *e, const struct live_engagement *le)
{
	const struct live_client *lc = idmap_get(&e->st.clients, le->rec.client_id);

	return le->rec.active && lc && lc->rec.active;
}

/* ------------------------------------------------------------------ */
/* The detail: {"<field>": {"before": x, "after": y}, ...} as JSON text */
/* ------------------------------------------------------------------ */

/*
 * The engine knows no JSON library (docs/architecture.md), and this is the
 * only JSON it writes: a small writer of objects, strings and numbers. The
 * names are the API's (sla_seconds, not sla_ms), so the audit reads as the
 * request did.
 */
struct change {
	struct buf b;
	size_t n; /* fields written */
	int rc;
};

static void put(struct change *ch, const char *s)
{
	if (!ch->rc)
		ch->rc = buf_puts(&ch->b, s);
}

/* A JSON string of at most max bytes of s: quotes, backslashes and controls escaped. */
static void put_str(struct change *ch, const char *s, size_t max)
{
	char esc[8];
	size_t n = strnlen(s, max);

	put(ch, "\"");
	for (size_t i = 0; i < n && !ch->rc; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\') {
			esc[0] = '\\';
			esc[1] = (char)c;
			esc[2] = '\0';
		} else if (c < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", c);
		} else {
			esc[0] = (char)c;
			esc[1] = '\0';
		}
		put(ch, esc);
	}
	put(ch, "\"");
}

static void put_i64(struct change *ch, int64_t v)
{
	if (!ch->rc)
		ch->rc = buf_printf(&ch->b, "%lld", (long long)v);
}

static void put_levels(struct change *ch, const struct skill_level *l, size_t n)
{
	put(ch, "[");
	for (size_t i = 0; i < n; i++) {
		put(ch, i ? ",{\"code\":" : "{\"code\":");
		put_str(ch, l[i].code, MODEL_CODE_MAX);
		put(ch, ",\"level\":");
		put_i64(ch, l[i].level);
		put(ch, "}");
	}
	put(ch, "]");
}

static void put_codes(struct change *ch, const char (*c)[MODEL_CODE_MAX], size_t n)
{
	put(ch, "[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			put(ch, ",");
		put_str(ch, c[i], MODEL_CODE_MAX);
	}
	put(ch, "]");
}

static void put_ids(struct change *ch, const int64_t *ids, size_t n)
{
	put(ch, "[");
	for (size_t i = 0; i < n; i++) {
		if (i)
			put(ch, ",");
		put_i64(ch, ids[i]);
	}
	put(ch, "]");
}

/* "<field>":{"before": — the opening of one changed field. */
static void field(struct change *ch, const char *name)
{
	put(ch, ch->n++ ? ",\"" : "{\"");
	put(ch, name);
	put(ch, "\":{\"before\":");
}

static void str_change(struct change *ch, const char *name, const char *a, const char *b,
		       size_t max)
{
	if (!strncmp(a, b, max))
		return;
	field(ch, name);
	put_str(ch, a, max);
	put(ch, ",\"after\":");
	put_str(ch, b, max);
	put(ch, "}");
}

static void int_change(struct change *ch, const char *name, int64_t a, int64_t b)
{
	if (a == b)
		return;
	field(ch, name);
	put_i64(ch, a);
	put(ch, ",\"after\":");
	put_i64(ch, b);
	put(ch, "}");
}

/* An id that is null when 0 (a user's client_id). */
static void id_change(struct change *ch, const char *name, int64_t a, int64_t b)
{
	if (a == b)
		return;
	field(ch, name);
	if (a)
		put_i64(ch, a);
	else
		put(ch, "null");
	put(ch, ",\"after\":");
	if (b)
		put_i64(ch, b);
	else
		put(ch, "null");
	put(ch, "}");
}

static void bool_change(struct change *ch, const char *name, bool a, bool b)
{
	if (a == b)
		return;
	field(ch, name);
	put(ch, a ? "true,\"after\":false}" : "false,\"after\":true}");
}

static bool levels_equal(const struct skill_level *a, size_t na, const struct skill_level *b,
			 size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (a[i].level != b[i].level || strncmp(a[i].code, b[i].code, MODEL_CODE_MAX))
			return false;
	return true;
}

static void levels_change(struct change *ch, const char *name, const struct skill_level *a,
			  size_t na, const struct skill_level *b, size_t nb)
{
	if (levels_equal(a, na, b, nb))
		return;
	field(ch, name);
	put_levels(ch, a, na);
	put(ch, ",\"after\":");
	put_levels(ch, b, nb);
	put(ch, "}");
}

/* The detail's text (malloc'd, "{}" when nothing changed). OUT: *out. 0 or ERR_NOMEM. */
static int change_end(struct change *ch, char **out)
{
	put(ch, ch->n ? "}" : "{}");
	if (ch->rc) {
		buf_release(&ch->b);
		return ERR_NOMEM;
	}
	*out = buf_detach(&ch->b, NULL);
	return *out ? 0 : ERR_NOMEM;
}

/* The audit event of an edit (detail: the change) and the command's answer. */
static int edit_done(struct engine *e, struct cmd *c, struct change *ch, const char *action,
		     const char *rtype, int64_t id, int64_t client_id, int64_t now)
{
	char *detail = NULL;
	int rc = change_end(ch, &detail);

	if (!rc)
		rc = engine__audit_append_detail(e, c, action, rtype, id, client_id, detail, now);
	free(detail);
	return rc ? rc : engine__done(e, c, CMD_OUT_OK, id, now);
}

/* ------------------------------------------------------------------ */
/* Edits                                                               */
/* ------------------------------------------------------------------ */

#define HAS(f) (c->u.upd.fields & (f))

/* client.update: admin. name, time_zone. */
int engine__client_update(struct engine *e, struct cmd *c, int64_t now)
{
	const struct client_rec *in = &c->u.upd.r.client;
	struct live_client *lc = idmap_get(&e->st.clients, in->id);
	struct change ch = {.b = BUF_INIT};
	struct client_rec r;
	int rc;

	if (!lc)
		return engine__fail(c, ERR_NOTFOUND, "no client %lld", (long long)in->id);
	r = lc->rec;
	if (HAS(UPD_NAME))
		memcpy(r.name, in->name, sizeof(r.name));
	if (HAS(UPD_TZ))
		memcpy(r.time_zone, in->time_zone, sizeof(r.time_zone));
	str_change(&ch, "name", lc->rec.name, r.name, MODEL_NAME_MAX);
	str_change(&ch, "time_zone", lc->rec.time_zone, r.time_zone, MODEL_TZ_MAX);
	rc = store_client_update(e->store, &r);
	if (!rc)
		rc = edit_done(e, c, &ch, "client.update", "client", r.id, r.id, now);
	buf_release(&ch.b);
	if (rc)
		return rc;
	lc->rec = r;
	return 0;
}

/* service.update: admin. name, category (its kind stays: engagements copied it). */
int engine__service_update(struct engine *e, struct cmd *c, int64_t now)
{
	const struct service_rec *in = &c->u.upd.r.service;
	struct live_service *ls = idmap_get(&e->st.services, in->id);
	struct change ch = {.b = BUF_INIT};
	struct service_rec r;
	int rc;

	if (!ls)
		return engine__fail(c, ERR_NOTFOUND, "no service %lld", (long long)in->id);
	r = ls->rec;
	if (HAS(UPD_NAME))
		memcpy(r.name, in->name, sizeof(r.name));
	if (HAS(UPD_CATEGORY))
		memcpy(r.category, in->category, sizeof(r.category));
	str_change(&ch, "name", ls->rec.name, r.name, MODEL_NAME_MAX);
	str_change(&ch, "category", ls->rec.category, r.category, MODEL_CODE_MAX);
	rc = store_service_update(e->store, &r);
	if (!rc)
		rc = edit_done(e, c, &ch, "service.update", "service", r.id, 0, now);
	buf_release(&ch.b);
	if (rc)
		return rc;
	ls->rec = r;
	return 0;
}

/*
 * engagement.update: staff. name, requirements, SLA, priority, lease and its
 * maximum, time zone. Items already queued keep their due times; the new SLA
 * applies to items that arrive after it. A lease maximum below the lease is
 * refused against the values as they will be.
 */
int engine__engagement_update(struct engine *e, struct cmd *c, int64_t now)
{
	const struct engagement_rec *in = &c->u.upd.r.engagement;
	struct live_engagement *le = idmap_get(&e->st.engagements, in->id);
	struct change ch = {.b = BUF_INIT};
	struct engagement_rec r;
	int rc;

	if (!le)
		return engine__fail(c, ERR_NOTFOUND, "no engagement %lld", (long long)in->id);
	r = le->rec;
	if (HAS(UPD_NAME))
		memcpy(r.name, in->name, sizeof(r.name));
	if (HAS(UPD_TZ))
		memcpy(r.time_zone, in->time_zone, sizeof(r.time_zone));
	if (HAS(UPD_SKILLS)) {
		r.n_skills = in->n_skills;
		memcpy(r.skills, in->skills, sizeof(r.skills));
	}
	if (HAS(UPD_LANGS)) {
		r.n_langs = in->n_langs;
		memcpy(r.langs, in->langs, sizeof(r.langs));
	}
	if (HAS(UPD_SLA))
		r.sla_ms = in->sla_ms;
	if (HAS(UPD_PRIORITY))
		r.default_priority = in->default_priority;
	if (HAS(UPD_LEASE))
		r.lease_ms = in->lease_ms;
	if (HAS(UPD_LEASE_MAX))
		r.lease_max_ms = in->lease_max_ms;
	if (r.lease_max_ms < r.lease_ms)
		return engine__fail(c, ERR_INVALID,
				    "lease_max_seconds (%lld) must be at least lease_seconds (%lld)",
				    (long long)(r.lease_max_ms / 1000), (long long)(r.lease_ms / 1000));
	str_change(&ch, "name", le->rec.name, r.name, MODEL_NAME_MAX);
	levels_change(&ch, "required_skills", le->rec.skills, le->rec.n_skills, r.skills,
		      r.n_skills);
	levels_change(&ch, "required_languages", le->rec.langs, le->rec.n_langs, r.langs,
		      r.n_langs);
	int_change(&ch, "sla_seconds", le->rec.sla_ms / 1000, r.sla_ms / 1000);
	int_change(&ch, "default_priority", le->rec.default_priority, r.default_priority);
	int_change(&ch, "lease_seconds", le->rec.lease_ms / 1000, r.lease_ms / 1000);
	int_change(&ch, "lease_max_seconds", le->rec.lease_max_ms / 1000, r.lease_max_ms / 1000);
	str_change(&ch, "time_zone", le->rec.time_zone, r.time_zone, MODEL_TZ_MAX);
	rc = store_engagement_update(e->store, &r);
	if (!rc)
		rc = edit_done(e, c, &ch, "engagement.update", "engagement", r.id, r.client_id, now);
	buf_release(&ch.b);
	if (rc)
		return rc;
	le->rec = r;
	return 0;
}

/*
 * user.update: admin. name; role and client_id under the client_id rule (a
 * client user belongs to exactly one client, nobody else to any). A worker's
 * login user keeps role worker, and no other user becomes one: a worker is
 * made with its user (worker.create).
 */
int engine__user_update(struct engine *e, struct cmd *c, int64_t now)
{
	const struct user_rec *in = &c->u.upd.r.user;
	struct change ch = {.b = BUF_INIT};
	struct user_rec old, r;
	int rc;

	rc = store_user_rec_get(e->store, in->id, &old);
	if (rc == ERR_NOTFOUND)
		return engine__fail(c, rc, "no user %lld", (long long)in->id);
	if (rc)
		return rc;
	r = old;
	if (HAS(UPD_NAME))
		memcpy(r.name, in->name, sizeof(r.name));
	if (HAS(UPD_ROLE)) {
		if ((old.role == ROLE_WORKER) != (in->role == ROLE_WORKER))
			return engine__fail(c, ERR_CONFLICT,
					    old.role == ROLE_WORKER
						? "user %lld is a worker's login: its role stays worker"
						: "user %lld cannot become a worker: create a worker "
						  "(POST /v1/workers) with its own login",
					    (long long)old.id);
		r.role = in->role;
		r.client_id = in->role == ROLE_CLIENT ? in->client_id : 0;
	} else if (HAS(UPD_CLIENT)) {
		if (old.role != ROLE_CLIENT)
			return engine__fail(c, ERR_INVALID,
					    "client_id is only for users with role client (user "
					    "%lld is %s)",
					    (long long)old.id, role_name(old.role));
		r.client_id = in->client_id;
	}
	if (r.role == ROLE_CLIENT && !idmap_get(&e->st.clients, r.client_id))
		return engine__fail(c, ERR_NOTFOUND, "no client %lld", (long long)r.client_id);
	str_change(&ch, "name", old.name, r.name, MODEL_CODE_MAX);
	str_change(&ch, "role", role_name(old.role), role_name(r.role), MODEL_CODE_MAX);
	id_change(&ch, "client_id", old.client_id, r.client_id);
	rc = store_user_update(e->store, &r);
	if (rc == ERR_EXISTS)
		rc = engine__fail(c, rc, "a user named '%s' exists", r.name);
	if (!rc)
		rc = edit_done(e, c, &ch, "user.update", "user", r.id, r.client_id, now);
	buf_release(&ch.b);
	if (rc)
		return rc;
	/* Its tokens stand for the new name and role from the next request on. */
	e->st.auth_changed = 1;
	return 0;
}

static int cmp_id(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* A worker's clearances as given, ascending and unique, each an existing client. */
static int clearances(struct engine *e, struct cmd *c, struct worker_rec *r)
{
	size_t n = 0;

	qsort(r->clear, r->n_clear, sizeof(int64_t), cmp_id);
	for (size_t i = 0; i < r->n_clear; i++) {
		if (!idmap_get(&e->st.clients, r->clear[i]))
			return engine__fail(c, ERR_INVALID, "clearances: no client %lld",
					    (long long)r->clear[i]);
		if (!n || r->clear[n - 1] != r->clear[i])
			r->clear[n++] = r->clear[i];
	}
	r->n_clear = n;
	return 0;
}

/* The parts of a worker an edit may change, from in into r as the fields say. */
static void worker_apply(const struct cmd *c, const struct worker_rec *in, struct worker_rec *r)
{
	if (HAS(UPD_NAME))
		memcpy(r->name, in->name, sizeof(r->name));
	if (HAS(UPD_TZ))
		memcpy(r->time_zone, in->time_zone, sizeof(r->time_zone));
	if (HAS(UPD_COUNTRY))
		memcpy(r->country, in->country, sizeof(r->country));
	if (HAS(UPD_SKILLS)) {
		r->n_skills = in->n_skills;
		memcpy(r->skills, in->skills, sizeof(r->skills));
	}
	if (HAS(UPD_LANGS)) {
		r->n_langs = in->n_langs;
		memcpy(r->langs, in->langs, sizeof(r->langs));
	}
	if (HAS(UPD_CREDS)) {
		r->n_creds = in->n_creds;
		memcpy(r->creds, in->creds, sizeof(r->creds));
	}
	if (HAS(UPD_CLEAR)) {
		r->n_clear = in->n_clear;
		memcpy(r->clear, in->clear, sizeof(r->clear));
	}
	if (HAS(UPD_CAPACITY))
		r->capacity = in->capacity;
	if (HAS(UPD_COST))
		r->cost_minor = in->cost_minor;
	if (HAS(UPD_CURRENCY))
		memcpy(r->currency, in->currency, sizeof(r->currency));
}

static void worker_changes(struct change *ch, const struct worker_rec *a,
			   const struct worker_rec *b)
{
	str_change(ch, "name", a->name, b->name, MODEL_NAME_MAX);
	levels_change(ch, "skills", a->skills, a->n_skills, b->skills, b->n_skills);
	levels_change(ch, "languages", a->langs, a->n_langs, b->langs, b->n_langs);
	if (a->n_creds != b->n_creds || memcmp(a->creds, b->creds, a->n_creds * MODEL_CODE_MAX)) {
		field(ch, "credentials");
		put_codes(ch, a->creds, a->n_creds);
		put(ch, ",\"after\":");
		put_codes(ch, b->creds, b->n_creds);
		put(ch, "}");
	}
	if (a->n_clear != b->n_clear || memcmp(a->clear, b->clear, a->n_clear * sizeof(int64_t))) {
		field(ch, "clearances");
		put_ids(ch, a->clear, a->n_clear);
		put(ch, ",\"after\":");
		put_ids(ch, b->clear, b->n_clear);
		put(ch, "}");
	}
	str_change(ch, "country", a->country, b->country, MODEL_CODE_MAX);
	str_change(ch, "time_zone", a->time_zone, b->time_zone, MODEL_TZ_MAX);
	int_change(ch, "capacity", a->capacity, b->capacity);
	int_change(ch, "cost_per_hour.amount_minor", a->cost_minor, b->cost_minor);
	str_change(ch, "cost_per_hour.currency", a->currency, b->currency, sizeof(a->currency));
}

/*
 * worker.update: staff. Everything but its login, status and active flag. A
 * capacity below the leases held now keeps them: the worker gets no more
 * work until it is under the new capacity.
 */
int engine__worker_update(struct engine *e, struct cmd *c, int64_t now)
{
	struct worker_rec *in = &c->u.upd.r.worker;
	struct live_worker *lw = idmap_get(&e->st.workers, in->id);
	struct change ch = {.b = BUF_INIT};
	struct worker_rec *r;
	int rc;

	if (!lw)
		return engine__fail(c, ERR_NOTFOUND, "no worker %lld", (long long)in->id);
	if (!(r = malloc(sizeof(*r)))) /* several KiB */
		return ERR_NOMEM;
	*r = lw->rec;
	worker_apply(c, in, r);
	if (HAS(UPD_CLEAR) && (rc = clearances(e, c, r)))
		goto out;
	worker_changes(&ch, &lw->rec, r);
	rc = store_worker_update(e->store, r);
	if (!rc)
		rc = edit_done(e, c, &ch, "worker.update", "worker", r->id, 0, now);
	if (!rc)
		lw->rec = *r;
out:
	buf_release(&ch.b);
	free(r);
	return rc;
}

#undef HAS

/* ------------------------------------------------------------------ */
/* Switching records off and on                                        */
/* ------------------------------------------------------------------ */

static const char *const active_names[] = {
    [ACTIVE_USER] = "user",
    [ACTIVE_WORKER] = "worker",
    [ACTIVE_CLIENT] = "client",
    [ACTIVE_ENGAGEMENT] = "engagement",
};

/* The record's store update with its flag set to `on`. OUT: *was, *client_id. */
static int set_active(struct engine *e, struct cmd *c, bool on, bool *was, int64_t *client_id)
{
	int64_t id = c->u.active.id;
	const char *what = active_names[c->u.active.kind];
	struct live_engagement *le;
	struct live_client *lc;
	struct live_worker *lw;
	struct worker_rec *w;
	struct user_rec u;
	int rc;

	*client_id = 0;
	switch (c->u.active.kind) {
	case ACTIVE_USER:
		rc = store_user_rec_get(e->store, id, &u);
		if (rc == ERR_NOTFOUND)
			break;
		if (rc)
			return rc;
		/* The one who asks keeps a way in: nobody switches themselves off. */
		if (!on && u.id == c->actor->user_id)
			return engine__fail(c, ERR_CONFLICT, "you cannot deactivate yourself");
		*was = u.active;
		*client_id = u.client_id;
		u.active = on;
		if ((rc = store_user_update(e->store, &u)))
			return rc;
		e->st.auth_changed = 1;
		return 0;
	case ACTIVE_WORKER:
		if (!(lw = idmap_get(&e->st.workers, id)))
			break;
		if (!(w = malloc(sizeof(*w))))
			return ERR_NOMEM;
		*w = lw->rec;
		*was = w->active;
		w->active = on;
		rc = store_worker_update(e->store, w);
		free(w);
		return rc;
	case ACTIVE_CLIENT:
		if (!(lc = idmap_get(&e->st.clients, id)))
			break;
		*was = lc->rec.active;
		*client_id = id;
		lc->rec.active = on;
		rc = store_client_update(e->store, &lc->rec);
		lc->rec.active = *was; /* memory follows once the command is done */
		return rc;
	case ACTIVE_ENGAGEMENT:
		if (!(le = idmap_get(&e->st.engagements, id)))
			break;
		*was = le->rec.active;
		*client_id = le->rec.client_id;
		le->rec.active = on;
		rc = store_engagement_update(e->store, &le->rec);
		le->rec.active = *was;
		return rc;
	}
	return engine__fail(c, ERR_NOTFOUND, "no %s %lld", what, (long long)id);
}

/*
 * <kind>.deactivate / <kind>.activate: staff (users: admin). A deactivated
 * user's tokens answer 401 from the next request on; a suspended worker gets
 * no work and cannot make itself available; a paused engagement, and every
 * engagement of a deactivated client, hands out no work and takes no items.
 * Leases held run on: they can still be submitted. Switching a record to the
 * state it is in is no error (the audit event's detail is then {}).
 */
int engine__record_active(struct engine *e, struct cmd *c, int64_t now)
{
	enum active_kind k = c->u.active.kind;
	bool on = c->u.active.active, was = on;
	struct change ch = {.b = BUF_INIT};
	char action[MODEL_CODE_MAX];
	int64_t client_id;
	void *v;
	int rc;

	if ((unsigned)k > ACTIVE_ENGAGEMENT)
		return ERR_INTERNAL;
	if ((rc = set_active(e, c, on, &was, &client_id)))
		return rc;
	snprintf(action, sizeof(action), "%s.%s", active_names[k], on ? "activate" : "deactivate");
	bool_change(&ch, "active", was, on);
	rc = edit_done(e, c, &ch, action, active_names[k], c->u.active.id, client_id, now);
	buf_release(&ch.b);
	if (rc)
		return rc;
	/* Step 4: memory (a user lives only in the store). */
	if (k == ACTIVE_WORKER && (v = idmap_get(&e->st.workers, c->u.active.id)))
		((struct live_worker *)v)->rec.active = on;
	else if (k == ACTIVE_CLIENT && (v = idmap_get(&e->st.clients, c->u.active.id)))
		((struct live_client *)v)->rec.active = on;
	else if (k == ACTIVE_ENGAGEMENT && (v = idmap_get(&e->st.engagements, c->u.active.id)))
		((struct live_engagement *)v)->rec.active = on;
	return 0;
}
