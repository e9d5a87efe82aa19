/* cmd_edit.c - commands that change records: edits with their before and after, and switching
 * records off and on. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/change.h"
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
	change_str(&ch, "name", old.name, r.name, MODEL_CODE_MAX);
	change_str(&ch, "role", role_name(old.role), role_name(r.role), MODEL_CODE_MAX);
	change_id(&ch, "client_id", old.client_id, r.client_id);
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

/* A worker's clearances as given, ascending and unique, each an existing client. */
static int clearances(struct engine *e, struct cmd *c, struct worker_rec *r)
{
	worker_clear_sort(r);
	for (size_t i = 0; i < r->n_clear; i++)
		if (!idmap_get(&e->st.clients, r->clear[i]))
			return engine__fail(c, ERR_INVALID, "clearances: no client %lld",
					    (long long)r->clear[i]);
	return 0;
}

/*
 * client.update (admin: name, time_zone), service.update (admin: name,
 * category; its kind stays: engagements copied it), engagement.update (staff:
 * name, requirements, SLA, priority, lease and its maximum, time zone) and
 * worker.update (staff: everything but its login, status and active flag)
 * are one edit of a record that lives in memory, told apart by a table of
 * their fields. Items already queued keep their due times (a new SLA applies
 * to items that arrive after it); a capacity below the leases held keeps
 * them: the worker gets no more work until it is under the new capacity.
 */

/* How a field is kept, compared and said in the detail. */
enum field_type {
	F_STR,     /* char[size] */
	F_LEVELS,  /* struct skill_level[], its count (size_t) at n_off */
	F_CODES,   /* char[][MODEL_CODE_MAX], its count at n_off */
	F_IDS,     /* int64_t[], its count at n_off */
	F_CLEAR,   /* a worker's clearances: clear (here), clear_until and terms move along */
	F_SENSITIVE, /* struct sensitive_field[], its count at n_off */
	F_INT,     /* int */
	F_I64,     /* int64_t */
	F_SECONDS, /* int64_t milliseconds, said (and compared) in whole seconds */
};

/* One field an edit may change: its enum upd_field bit, its API name, its place in the record. */
struct edit_field {
	unsigned bit;
	const char *name;
	enum field_type type;
	size_t off, size, n_off;
};

#define FIELD(bit, name, type, rec, m)                                                             \
	{ bit, name, type, offsetof(struct rec, m), sizeof(((struct rec *)0)->m), 0 }
#define LIST(bit, name, type, rec, m, n)                                                           \
	{ bit, name, type, offsetof(struct rec, m), sizeof(((struct rec *)0)->m), offsetof(struct rec, n) }

/* Each in the order the audit detail gives them. */
static const struct edit_field client_fields[] = {
    FIELD(UPD_NAME, "name", F_STR, client_rec, name),
    FIELD(UPD_TZ, "time_zone", F_STR, client_rec, time_zone),
};
static const struct edit_field service_fields[] = {
    FIELD(UPD_NAME, "name", F_STR, service_rec, name),
    FIELD(UPD_CATEGORY, "category", F_STR, service_rec, category),
};
static const struct edit_field engagement_fields[] = {
    FIELD(UPD_NAME, "name", F_STR, engagement_rec, name),
    LIST(UPD_SKILLS, "required_skills", F_LEVELS, engagement_rec, skills, n_skills),
    LIST(UPD_LANGS, "required_languages", F_LEVELS, engagement_rec, langs, n_langs),
    FIELD(UPD_SLA, "sla_seconds", F_SECONDS, engagement_rec, sla_ms),
    FIELD(UPD_PRIORITY, "default_priority", F_INT, engagement_rec, default_priority),
    FIELD(UPD_LEASE, "lease_seconds", F_SECONDS, engagement_rec, lease_ms),
    FIELD(UPD_LEASE_MAX, "lease_max_seconds", F_SECONDS, engagement_rec, lease_max_ms),
    FIELD(UPD_TZ, "time_zone", F_STR, engagement_rec, time_zone),
    LIST(UPD_SENSITIVE, "sensitive", F_SENSITIVE, engagement_rec, sensitive, n_sensitive),
    FIELD(UPD_RETENTION, "retention_days", F_INT, engagement_rec, retention_days),
    LIST(UPD_WALL, "wall.clients", F_IDS, engagement_rec, wall, n_wall),
    FIELD(UPD_WALL, "wall.days", F_INT, engagement_rec, wall_days),
    LIST(UPD_ITEM_TYPES, "item_types", F_CODES, engagement_rec, item_types, n_item_types),
};
static const struct edit_field worker_fields[] = {
    FIELD(UPD_NAME, "name", F_STR, worker_rec, name),
    LIST(UPD_SKILLS, "skills", F_LEVELS, worker_rec, skills, n_skills),
    LIST(UPD_LANGS, "languages", F_LEVELS, worker_rec, langs, n_langs),
    LIST(UPD_CREDS, "credentials", F_CODES, worker_rec, creds, n_creds),
    LIST(UPD_CLEAR, "clearances", F_CLEAR, worker_rec, clear, n_clear),
    FIELD(UPD_COUNTRY, "country", F_STR, worker_rec, country),
    FIELD(UPD_TZ, "time_zone", F_STR, worker_rec, time_zone),
    FIELD(UPD_CAPACITY, "capacity", F_INT, worker_rec, capacity),
    FIELD(UPD_COST, "cost_per_hour.amount_minor", F_I64, worker_rec, cost_minor),
    FIELD(UPD_CURRENCY, "cost_per_hour.currency", F_STR, worker_rec, currency),
};

#undef FIELD
#undef LIST

#define N(a) (sizeof(a) / sizeof((a)[0]))

/*
 * An edit's kind: its fields, the map of live records (each struct live_*
 * begins with its rec), the record's size, and where the client of its audit
 * event is (-1: none).
 */
static const struct edit_kind {
	enum cmd_type type;
	const char *what;
	const struct edit_field *fields;
	size_t n_fields, map, size;
	long client_off;
} edit_kinds[] = {
    {CMD_CLIENT_UPDATE, "client", client_fields, N(client_fields),
     offsetof(struct engine_state, clients), sizeof(struct client_rec),
     (long)offsetof(struct client_rec, id)},
    {CMD_SERVICE_UPDATE, "service", service_fields, N(service_fields),
     offsetof(struct engine_state, services), sizeof(struct service_rec), -1},
    {CMD_ENGAGEMENT_UPDATE, "engagement", engagement_fields, N(engagement_fields),
     offsetof(struct engine_state, engagements), sizeof(struct engagement_rec),
     (long)offsetof(struct engagement_rec, client_id)},
    {CMD_WORKER_UPDATE, "worker", worker_fields, N(worker_fields),
     offsetof(struct engine_state, workers), sizeof(struct worker_rec), -1},
};

static int64_t i64_at(const char *p)
{
	int64_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static int int_at(const char *p)
{
	int v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static size_t count_at(const char *rec, const struct edit_field *f)
{
	size_t n;

	memcpy(&n, rec + f->n_off, sizeof(n));
	return n;
}

/* The change of field f between records a and b, if any, into ch. */
static void field_change(struct change *ch, const struct edit_field *f, const char *a,
			 const char *b)
{
	const char *x = a + f->off, *y = b + f->off;
	size_t na = f->n_off ? count_at(a, f) : 0, nb = f->n_off ? count_at(b, f) : 0;
	size_t el = f->type == F_CODES ? MODEL_CODE_MAX : sizeof(int64_t);

	switch (f->type) {
	case F_STR: change_str(ch, f->name, x, y, f->size); return;
	case F_LEVELS:
		change_levels(ch, f->name, (const struct skill_level *)(const void *)x, na,
			      (const struct skill_level *)(const void *)y, nb);
		return;
	case F_INT: change_int(ch, f->name, int_at(x), int_at(y)); return;
	case F_I64: change_int(ch, f->name, i64_at(x), i64_at(y)); return;
	case F_SECONDS: change_int(ch, f->name, i64_at(x) / 1000, i64_at(y) / 1000); return;
	case F_CLEAR:
		change_clear(ch, f->name, (const void *)a, (const void *)b);
		return;
	case F_SENSITIVE:
		change_sensitive(ch, f->name, (const void *)x, na, (const void *)y, nb);
		return;
	case F_CODES:
	case F_IDS:
		if (na == nb && !memcmp(x, y, na * el))
			return;
		change_field(ch, f->name);
		for (int side = 0; side < 2; side++) {
			const char *p = side ? y : x;
			size_t n = side ? nb : na;

			if (side)
				change_put(ch, ",\"after\":");
			if (f->type == F_CODES)
				change_codes(ch, (const char(*)[MODEL_CODE_MAX])(const void *)p, n);
			else
				change_ids(ch, (const int64_t *)(const void *)p, n);
		}
		change_put(ch, "}");
		return;
	}
}

/* The checks of a record as it will be: a lease maximum below the lease, clearances. */
static int edit_check(struct engine *e, struct cmd *c, void *r)
{
	const struct engagement_rec *en = r;

	if (c->type == CMD_ENGAGEMENT_UPDATE && en->lease_max_ms < en->lease_ms)
		return engine__fail(c, ERR_INVALID,
				    "lease_max_seconds (%lld) must be at least lease_seconds (%lld)",
				    (long long)(en->lease_max_ms / 1000), (long long)(en->lease_ms / 1000));
	if (c->type == CMD_ENGAGEMENT_UPDATE && HAS(UPD_RETENTION))
		engine__purge_soon(e); /* a spare purge if the edit fails: harmless */
	if (c->type == CMD_WORKER_UPDATE && HAS(UPD_CLEAR))
		return clearances(e, c, r);
	return 0;
}

static int edit_store(struct engine *e, enum cmd_type t, const void *r)
{
	switch (t) {
	case CMD_CLIENT_UPDATE: return store_client_update(e->store, r);
	case CMD_SERVICE_UPDATE: return store_service_update(e->store, r);
	case CMD_ENGAGEMENT_UPDATE: return store_engagement_update(e->store, r);
	default: return store_worker_update(e->store, r);
	}
}

/* The edit of a record that lives in memory: see the table above. */
int engine__record_update(struct engine *e, struct cmd *c, int64_t now)
{
	const struct edit_kind *k = edit_kinds;
	const char *in = (const char *)&c->u.upd.r; /* every member of the union is at its start */
	struct change ch = {.b = BUF_INIT};
	char action[MODEL_CODE_MAX];
	int64_t id = i64_at(in), client_id = 0; /* each record begins with its id */
	char *live = NULL, *r = NULL;
	int rc;

	while (k < edit_kinds + N(edit_kinds) - 1 && k->type != c->type)
		k++;
	if (k->type != c->type)
		return ERR_INTERNAL;
	/* The live record: the map of its kind in e->st, then its struct live_*. */
	live = idmap_get((struct idmap *)(void *)((char *)&e->st + k->map), id);
	if (!live)
		return engine__fail(c, ERR_NOTFOUND, "no %s %lld", k->what, (long long)id);
	if (!(r = malloc(k->size))) /* a worker: several KiB */
		return ERR_NOMEM;
	memcpy(r, live, k->size);
	for (size_t i = 0; i < k->n_fields; i++) {
		const struct edit_field *f = &k->fields[i];

		if (!HAS(f->bit))
			continue;
		memcpy(r + f->off, in + f->off, f->size);
		if (f->n_off)
			memcpy(r + f->n_off, in + f->n_off, sizeof(size_t));
		if (f->type == F_CLEAR)
			change_clear_copy((void *)r, (const void *)in);
	}
	if ((rc = edit_check(e, c, r)))
		goto out;
	for (size_t i = 0; i < k->n_fields; i++)
		field_change(&ch, &k->fields[i], live, r);
	if (k->client_off >= 0)
		client_id = i64_at(r + k->client_off);
	snprintf(action, sizeof(action), "%s.update", k->what);
	rc = edit_store(e, c->type, r);
	if (!rc)
		rc = edit_done(e, c, &ch, action, k->what, id, client_id, now);
	if (!rc)
		memcpy(live, r, k->size);
out:
	buf_release(&ch.b);
	free(r);
	return rc;
}

#undef N

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
	/* A deactivated user's browser sessions end with it, and stay ended if it comes back. */
	if (k == ACTIVE_USER && !on && (rc = store_session_end_user(e->store, c->u.active.id, now)))
		return rc;
	snprintf(action, sizeof(action), "%s.%s", active_names[k], on ? "activate" : "deactivate");
	change_bool(&ch, "active", was, on);
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
