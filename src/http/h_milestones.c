/* h_milestones.c - KPO deliverables over HTTP: an item's milestones and its review chain. */
#include <string.h>

#include "app/milestones.h"
#include "http/http_int.h"
#include "util/err.h"
#include "wire/kpo.h"
#include "wire/wire.h"

/* The milestone a write answered {"id": N} with, as it is now (http__expand). */
static int milestone_getter(struct store *s, int64_t id, json_t **out)
{
	struct milestone_rec m;
	int rc = store_milestone_get(s, id, &m);

	*out = rc ? NULL : wire_milestone(&m);
	milestone_rec_release(&m);
	return rc ? rc : *out ? 0 : ERR_NOMEM;
}

/* A prepared write (rc: the use case's answer) run through the engine, answered with the record. */
static int run(struct req *r, int rc, struct buf *err, struct cmd *c)
{
	if (rc)
		return http__app_fail(r, rc, err);
	if ((rc = http__idem(r, c)) || (rc = http__engine(r, c)))
		return rc;
	http__expand(r, milestone_getter);
	return 0;
}

/*
 * POST /v1/items/:id/milestones {title, due_at: RFC 3339, deliverable?}  [Idempotency-Key]
 * -> 201 the milestone. Staff, and the item's client users; KPO items only.
 */
int h_milestones_create(struct req *r)
{
	struct cmd *c = http__cmd_new(r, CMD_MILESTONE_CREATE);
	struct milestone_create_in in = {.item_id = r->param[0]};
	struct buf err = BUF_INIT;
	json_t *body = NULL;
	int rc;

	if (!c)
		return ERR_NOMEM;
	if (!(rc = http__body(r, false, &body)) &&
	    !(rc = http__unpack(r, body, "{s:s, s:s, s?s}", "title", &in.title, "due_at",
				&in.due_at, "deliverable", &in.deliverable)))
		rc = run(r, app_milestone_create(&r->srv->app, &r->actor, &in, c, &err), &err, c);
	buf_release(&err);
	http__cmd_free(c);
	json_decref(body);
	return rc;
}

/*
 * PATCH /v1/items/:id/milestones/:mid {deliverable?: text ("" clears), submitted?: bool}
 * -> 200 the milestone. The analyst holding the item's lease, or staff.
 */
int h_milestones_update(struct req *r)
{
	struct cmd *c = http__cmd_new(r, CMD_MILESTONE_UPDATE);
	struct milestone_update_in in = {.item_id = r->param[0], .milestone_id = r->param[1],
					 .submitted = -1};
	struct buf err = BUF_INIT;
	json_t *body = NULL;
	int submitted = 0, rc;

	if (!c)
		return ERR_NOMEM;
	if (!(rc = http__body(r, false, &body)) &&
	    !(rc = http__unpack(r, body, "{s?s, s?b}", "deliverable", &in.deliverable,
				"submitted", &submitted))) {
		if (json_object_get(body, "submitted"))
			in.submitted = submitted ? 1 : 0;
		rc = run(r, app_milestone_update(&r->srv->app, &r->actor, &in, c, &err), &err, c);
	}
	buf_release(&err);
	http__cmd_free(c);
	json_decref(body);
	return rc;
}

/* GET /v1/items/:id/milestones -> {"data": [milestones by due time], "next_cursor": null} */
int h_milestones_list(struct req *r)
{
	struct buf err = BUF_INIT;
	json_t *data = json_array();
	int rc;

	if (!data)
		return http__fail(r, ERR_NOMEM, NULL);
	rc = app_milestone_list(&r->srv->app, &r->actor, r->param[0], wire_milestone_add, data,
				&err);
	if (rc) {
		json_decref(data);
		return http__app_fail(r, rc, &err);
	}
	buf_release(&err);
	return http__read(r, 0, wire_page(data, 0));
}

/*
 * GET /v1/items/:id/chain -> {item_id, kpo, state, steps, approved_at, approved_by}
 * The review chain as the item's history holds it; who may read the item reads it.
 */
int h_items_chain(struct req *r)
{
	struct buf err = BUF_INIT;
	struct kpo_chain ch;
	json_t *j = NULL;
	int rc = app_kpo_chain(&r->srv->app, &r->actor, r->param[0], &ch, &err);

	if (!rc && !(j = wire_kpo_chain(&ch)))
		rc = buf_error(&err, ERR_NOMEM, "%s", err_message(ERR_NOMEM));
	kpo_chain_release(&ch);
	if (rc)
		return http__app_fail(r, rc, &err);
	buf_release(&err);
	return http__read(r, 0, j);
}
