/* reads.c - the reads of records: the plain gets, and the one list of every kind (page, policy, walk). */
#include "app/clients.h"
#include "app/people.h"
#include "app/records.h"
#include "app/services.h"
#include "util/err.h"

/*
 * app_NAME_get for a record whose scope the id alone gives (SCOPE, NULL:
 * the role alone): the policy first, so a hidden record is not read at all.
 */
#define APP_GET(NAME, REC, ACT, SCOPE)                                                             \
	int app_##NAME##_get(const struct app *app, const struct actor *actor, int64_t id,        \
			     REC *out, struct buf *err)                                            \
	{                                                                                          \
		int rc = app_allow(actor, ACT, SCOPE, err);                                        \
                                                                                                   \
		return rc ? rc : app_got(app, store_##NAME##_get(app->store, id, out), err);       \
	}

APP_GET(client, struct client_rec, POL_CLIENT_READ, (&(struct policy_scope){.client_id = id}))
APP_GET(service, struct service_rec, POL_SERVICE_READ, NULL)
APP_GET(user, struct user_rec, POL_USER_READ, NULL)
APP_GET(worker, struct worker_rec, POL_WORKER_READ, (&(struct policy_scope){.worker_id = id}))

#undef APP_GET

/*
 * For a record NAME (struct REC, store_NAME_list): each_NAME, the store
 * walk's callback passing the record on as an app_rec, and walk_NAME.
 */
#define APP_WALK(NAME, REC, KIND)                                                                  \
	static int each_##NAME(void *ctx, const REC *r)                                            \
	{                                                                                          \
		return app_fwd(ctx, &(struct app_rec){.kind = KIND, .u.NAME = r});                 \
	}                                                                                          \
	static int walk_##NAME(struct store *s, const struct store_page *pg, struct app_fwd *f,   \
			       int64_t *next)                                                      \
	{                                                                                          \
		return store_##NAME##_list(s, pg, each_##NAME, f, next);                           \
	}

APP_WALK(client, struct client_rec, APP_CLIENT)
APP_WALK(service, struct service_rec, APP_SERVICE)
APP_WALK(engagement, struct engagement_rec, APP_ENGAGEMENT)
APP_WALK(user, struct user_rec, APP_USER)
APP_WALK(worker, struct worker_rec, APP_WORKER)
APP_WALK(audit, struct audit_rec, APP_AUDIT)

#undef APP_WALK

typedef int (*walk_fn)(struct store *s, const struct store_page *pg, struct app_fwd *f,
		       int64_t *next);

/* Each kind's list: the action the policy is asked, the walk. */
static const struct {
	enum policy_action act;
	walk_fn walk;
} lists[] = {
    [APP_CLIENT] = {POL_CLIENT_READ, walk_client},
    [APP_SERVICE] = {POL_SERVICE_READ, walk_service},
    [APP_ENGAGEMENT] = {POL_ENGAGEMENT_LIST, walk_engagement},
    [APP_USER] = {POL_USER_READ, walk_user},
    [APP_WORKER] = {POL_WORKER_LIST, walk_worker},
    [APP_AUDIT] = {POL_AUDIT_READ, walk_audit},
};

/* The store keeps no client filter on clients: a page of at most one, that client. */
static int one_client(const struct app *app, const struct store_page *pg, struct app_fwd *f)
{
	struct client_rec cl;
	int rc;

	if (pg->client_id <= pg->after)
		return 0;
	rc = store_client_get(app->store, pg->client_id, &cl);
	if (rc == ERR_NOTFOUND)
		return 0;
	return rc ? rc : each_client(f, &cl);
}

int app_list(const struct app *app, const struct actor *actor, enum app_kind k,
	     const struct app_page_in *in, app_rec_cb cb, void *ctx, int64_t *next,
	     struct buf *err)
{
	struct app_fwd f = {cb, ctx, 0};
	int64_t only = 0, worker = 0;
	struct store_page pg;
	int rc;

	*next = 0;
	if ((unsigned)k >= sizeof(lists) / sizeof(lists[0]))
		return buf_error(err, ERR_INVALID, "no list of this kind");
	if ((rc = app_allow(actor, lists[k].act, NULL, err)) || (rc = app_page(in, &pg, err)))
		return rc;
	rc = policy_list_filter(actor, lists[k].act, &only, &worker);
	if (rc == ERR_NOTFOUND) /* e.g. a client user without a client: it sees nothing */
		return 0;
	if (rc)
		return app_allow(actor, lists[k].act, NULL, err);
	if (only && pg.client_id && pg.client_id != only)
		return 0; /* another client's: nothing this actor may see */
	if (only)
		pg.client_id = only;
	/* RULE_LEASED and RULE_SELF narrow no list of these kinds (they are items' rules). */
	if (k == APP_CLIENT && pg.client_id)
		rc = one_client(app, &pg, &f);
	else
		rc = lists[k].walk(app->store, &pg, &f, next);
	return app_store_end(app, &f, rc, err);
}
