/* people.c - user, token and worker use cases: their input rules, and who reads which. */
#include "app/people.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util/clock.h"
#include "core/release.h"
#include "util/err.h"

/* ================================================================
 * Users and tokens
 * ================================================================ */

/*
 * A user's role and client_id as given into u: the client_id rule (a client
 * user belongs to exactly one client, nobody else to any). On an edit a
 * client_id alone (role not given) moves a client user to another client
 * (UPD_CLIENT; the engine checks the user is one).
 */
static int user_role(const struct user_in *in, bool create, struct user_rec *u, unsigned *fields,
		     struct buf *err)
{
	int rc;

	if (!create && !in->role) {
		if (!in->has_client_id)
			return 0;
		if ((rc = app_in_range("client_id", in->client_id, 1, INT64_MAX, err)))
			return rc;
		u->client_id = in->client_id;
		*fields |= UPD_CLIENT;
		return 0;
	}
	if (!in->role || role_parse(in->role, &u->role))
		return buf_error(err, ERR_INVALID,
				 "role must be admin, manager, worker, client or auditor");
	if (u->role == ROLE_CLIENT) {
		if (!in->has_client_id)
			return buf_error(err, ERR_INVALID, "client_id is required for role client");
		if ((rc = app_in_range("client_id", in->client_id, 1, INT64_MAX, err)))
			return rc;
	} else if (in->has_client_id) {
		return buf_error(err, ERR_INVALID, "client_id is only for users with role client");
	}
	u->client_id = in->client_id;
	*fields |= UPD_ROLE;
	return 0;
}

int app_user_create(const struct app *app, const struct actor *actor, const struct user_in *in,
		    struct cmd *c, struct buf *err)
{
	struct user_rec *u = &c->u.user;
	unsigned fields = 0;
	int rc;

	(void)app;
	if ((rc = app_write_start(actor, POL_USER_CREATE, CMD_USER_CREATE, c, err)) ||
	    (rc = app_in_code("name", in->name, u->name, sizeof(u->name), true, err)))
		return rc;
	return user_role(in, true, u, &fields, err);
}

int app_user_edit(const void *v, int64_t id, struct cmd *c, struct buf *err)
{
	const struct user_in *in = v;
	struct user_rec *u = &c->u.upd.r.user;
	int rc;

	u->id = id;
	if (in->name) {
		if ((rc = app_in_code("name", in->name, u->name, sizeof(u->name), true, err)))
			return rc;
		c->u.upd.fields |= UPD_NAME;
	}
	return user_role(in, false, u, &c->u.upd.fields, err);
}

/* The token's expiry as given (0: none), in the future. */
static int token_expiry(const struct app *app, const struct token_in *in, int64_t *at,
			struct buf *err)
{
	bool has_in = !isnan(in->expires_in) && in->expires_in != 0;
	int64_t now = app_now_ms(app), s;
	int rc;

	*at = 0;
	if (in->expires_at && has_in)
		return buf_error(err, ERR_INVALID, "give at most one of expires_at and expires_in");
	if (in->expires_at && clock_parse_rfc3339(in->expires_at, at))
		return buf_error(err, ERR_INVALID,
				 "expires_at must be an RFC 3339 time like 2027-01-31T17:00:00Z");
	if (has_in) {
		if ((rc = app_in_whole("expires_in", in->expires_in, 0, 1, TOKEN_EXPIRES_MAX_S, &s,
				       err)))
			return rc;
		*at = now + s * 1000;
	}
	if (*at && *at <= now)
		return buf_error(err, ERR_INVALID, "expires_at must be in the future");
	if (*at && *at > now + TOKEN_EXPIRES_MAX_S * 1000)
		return buf_error(err, ERR_INVALID, "a token expires within ten years at most");
	return 0;
}

int app_token_create(const struct app *app, const struct actor *actor, const struct token_in *in,
		     struct cmd *c, struct buf *err)
{
	struct user_rec u;
	int rc;

	if ((rc = app_write_start(actor, POL_TOKEN_CREATE, CMD_TOKEN_CREATE, c, err)) ||
	    (rc = token_expiry(app, in, &c->u.token.expires_at, err)))
		return rc;
	if (!in->user_id && !in->user_name)
		return buf_error(err, ERR_INVALID, "user is required (an id or a name)");
	if (in->user_id && in->user_name)
		return buf_error(err, ERR_INVALID, "give exactly one of user_id and user");
	if (in->user_id) {
		c->u.token.user_id = in->user_id;
		return app_in_range("user_id", in->user_id, 1, INT64_MAX, err);
	}
	rc = store_user_by_name(app->store, in->user_name, &u);
	if (rc == ERR_NOTFOUND)
		return buf_error(err, rc, "no user named '%s' (see: alihdaya user list)",
				 in->user_name);
	if (rc)
		return app_store_end(app, NULL, rc, err);
	c->u.token.user_id = u.id;
	return 0;
}

/* ================================================================
 * Workers
 * ================================================================ */

static bool upper_letters(const char *s, size_t n)
{
	if (!s || strlen(s) != n)
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] < 'A' || s[i] > 'Z')
			return false;
	return true;
}

/* One clearance's terms into w (its expiry at index i, its NDA reference and unmasked fields). */
static int clearance_terms(const struct clearance_terms_in *t, size_t i, struct worker_rec *w,
			   struct buf *err)
{
	struct clear_terms *ct;
	char name[64];
	int rc;

	if (t->expires_at && (clock_parse_rfc3339(t->expires_at, &w->clear_until[i]) ||
			      w->clear_until[i] <= 0))
		return buf_error(err, ERR_INVALID,
				 "clearances[%zu].expires_at must be an RFC 3339 time like "
				 "2026-01-31T17:00:00Z",
				 i);
	if (!t->nda_ref && !t->n_unmasked)
		return 0;
	if (w->n_terms >= MODEL_MAX_TERMS)
		return buf_error(err, ERR_INVALID,
				 "at most %d clearances may have an nda_ref or unmasked fields",
				 MODEL_MAX_TERMS);
	ct = &w->terms[w->n_terms++];
	memset(ct, 0, sizeof(*ct));
	ct->client_id = w->clear[i];
	snprintf(name, sizeof(name), "clearances[%zu].nda_ref", i);
	if (t->nda_ref &&
	    (rc = app_in_str(name, t->nda_ref, ct->nda_ref, sizeof(ct->nda_ref), true, err)))
		return rc;
	if (t->n_unmasked > MODEL_MAX_UNMASKED)
		return buf_error(err, ERR_INVALID, "clearances[%zu].unmasked holds more than %d fields",
				 i, MODEL_MAX_UNMASKED);
	for (size_t k = 0; k < t->n_unmasked; k++) {
		snprintf(name, sizeof(name), "clearances[%zu].unmasked[%zu]", i, k);
		if ((rc = app_in_str(name, t->unmasked[k], ct->unmasked[k], MODEL_CODE_MAX, true,
				     err)))
			return rc;
		for (size_t j = 0; j < k; j++)
			if (!strcmp(ct->unmasked[j], ct->unmasked[k]))
				return buf_error(err, ERR_INVALID, "%s repeats '%s'", name,
						 ct->unmasked[k]);
	}
	ct->n_unmasked = t->n_unmasked;
	return 0;
}

/*
 * clearances: client ids, kept ascending and unique (the policy searches
 * them), each with its expiry and terms when given in the object form.
 */
static int clearances(const struct worker_in *in, struct worker_rec *w, struct buf *err)
{
	int rc;

	if (in->n_clear > MODEL_MAX_CLEAR)
		return buf_error(err, ERR_INVALID, "clearances holds more than %d clients",
				 MODEL_MAX_CLEAR);
	w->n_terms = 0;
	for (size_t i = 0; i < in->n_clear; i++) {
		if (in->clear[i] < 1)
			return buf_error(err, ERR_INVALID, "clearances[%zu] must be a client id", i);
		w->clear[i] = in->clear[i];
		w->clear_until[i] = 0;
		if (in->clear_terms && (rc = clearance_terms(&in->clear_terms[i], i, w, err)))
			return rc;
	}
	w->n_clear = in->n_clear;
	worker_clear_sort(w);
	return 0;
}

static int credentials(const struct worker_in *in, struct worker_rec *w, struct buf *err)
{
	char name[48];
	int rc;

	if (in->n_creds > MODEL_MAX_CREDS)
		return buf_error(err, ERR_INVALID, "credentials holds more than %d entries",
				 MODEL_MAX_CREDS);
	for (size_t i = 0; i < in->n_creds; i++) {
		snprintf(name, sizeof(name), "credentials[%zu]", i);
		if ((rc = app_in_str(name, in->creds[i], w->creds[i], sizeof(w->creds[i]), true,
				     err)))
			return rc;
	}
	w->n_creds = in->n_creds;
	return 0;
}

static int status_of(const char *s, enum worker_status *out, struct buf *err)
{
	if (!s || worker_status_parse(s, out))
		return buf_error(err, ERR_INVALID, "status must be available, away or offline");
	return 0;
}

/* Marks bit in *fields, and says whether the field is to be checked: on create always. */
static bool want(bool create, bool given, unsigned bit, unsigned *fields)
{
	if (given)
		*fields |= bit;
	return create || given;
}

/*
 * The fields of a worker as given into w: all on create (the defaults
 * applied), those given on an edit (*fields). The one place a worker's input
 * rules live. Its login and status are not edits: the login names its user,
 * the status has its own use case (app_worker_status).
 */
static int worker_fields(const struct worker_in *in, bool create, struct worker_rec *w,
			 unsigned *fields, struct buf *err)
{
	int64_t capacity, cost;
	int rc;

	*fields = 0;
	if (!create && (in->login || in->status))
		return buf_error(err, ERR_INVALID,
				 in->login ? "login cannot be changed"
					   : "status is set with POST /v1/workers/:id/status "
					     "(alihdaya worker status)");
	if (want(create, in->name, UPD_NAME, fields) &&
	    (rc = app_in_str("name", in->name, w->name, sizeof(w->name), true, err)))
		return rc;
	if (want(create, in->has_skills, UPD_SKILLS, fields) &&
	    (rc = app_in_levels("skills", in->skills, in->n_skills, true, w->skills,
				MODEL_MAX_SKILLS, &w->n_skills, err)))
		return rc;
	if (want(create, in->has_langs, UPD_LANGS, fields) &&
	    (rc = app_in_levels("languages", in->langs, in->n_langs, true, w->langs,
				MODEL_MAX_LANGS, &w->n_langs, err)))
		return rc;
	if (want(create, in->has_creds, UPD_CREDS, fields) && (rc = credentials(in, w, err)))
		return rc;
	if (want(create, !isnan(in->capacity), UPD_CAPACITY, fields)) {
		if ((rc = app_in_whole("capacity", in->capacity, create ? 1 : APP_ABSENT, 1, 1000,
				       &capacity, err)))
			return rc;
		w->capacity = (int)capacity;
	}
	if (want(create, !isnan(in->cost_minor), UPD_COST, fields)) {
		if ((rc = app_in_whole("cost_per_hour.amount_minor", in->cost_minor,
				       create ? 0 : APP_ABSENT, 0, WORKER_COST_MAX_MINOR, &cost, err)))
			return rc;
		w->cost_minor = cost;
	}
	if (want(create, in->has_clear, UPD_CLEAR, fields) && (rc = clearances(in, w, err)))
		return rc;
	if (want(create, in->country, UPD_COUNTRY, fields)) {
		if (!upper_letters(in->country, 2))
			return buf_error(err, ERR_INVALID,
					 "country must be an ISO 3166 alpha-2 code like \"PH\"");
		memcpy(w->country, in->country, 3);
	}
	if (want(create, in->currency, UPD_CURRENCY, fields)) {
		if (!upper_letters(in->currency ? in->currency : "USD", 3))
			return buf_error(err, ERR_INVALID,
					 "cost_per_hour.currency must be an ISO 4217 code like \"USD\"");
		memcpy(w->currency, in->currency ? in->currency : "USD", 4);
	}
	if (want(create, in->time_zone, UPD_TZ, fields) &&
	    (rc = app_in_tz("time_zone", in->time_zone, "UTC", w->time_zone, err)))
		return rc;
	return 0;
}

int app_worker_create(const struct app *app, const struct actor *actor,
		      const struct worker_in *in, struct cmd *c, struct buf *err)
{
	struct worker_rec *w = &c->u.worker.rec;
	unsigned fields;
	int rc;

	(void)app;
	if ((rc = app_write_start(actor, POL_WORKER_CREATE, CMD_WORKER_CREATE, c, err)))
		return rc;
	w->status = WORKER_AVAILABLE;
	if ((rc = app_in_code("login", in->login, c->u.worker.login, sizeof(c->u.worker.login),
			      true, err)) ||
	    (rc = worker_fields(in, true, w, &fields, err)) ||
	    (in->status && (rc = status_of(in->status, &w->status, err))))
		return rc;
	return 0;
}

int app_worker_edit(const void *in, int64_t id, struct cmd *c, struct buf *err)
{
	c->u.upd.r.worker.id = id;
	return worker_fields(in, false, &c->u.upd.r.worker, &c->u.upd.fields, err);
}

int app_worker_status(const struct app *app, const struct actor *actor,
		      const struct worker_status_in *in, struct cmd *c, struct buf *err)
{
	enum away_reason r = AWAY_NONE;
	int rc;

	(void)app;
	/* Whose status it is comes first: another worker's is "no such worker", whatever the body. */
	if ((rc = app_write_start(actor, POL_WORKER_STATUS, CMD_WORKER_STATUS, c, err)) ||
	    (rc = app_allow(actor, POL_WORKER_STATUS,
			    &(struct policy_scope){.worker_id = in->worker_id}, err)))
		return rc;
	c->u.wstatus.worker_id = in->worker_id;
	if ((rc = status_of(in->status, &c->u.wstatus.status, err)))
		return rc;
	if (in->reason && c->u.wstatus.status != WORKER_AWAY)
		return buf_error(err, ERR_INVALID, "reason is given only with status away");
	if (in->reason && away_reason_parse(in->reason, &r))
		return buf_error(err, ERR_INVALID,
				 "reason must be one of break, meeting, training, lunch, other");
	c->u.wstatus.away_reason = (int)r;
	return 0;
}

