/* idem.c - idempotency: a retried command with the same key is answered as the first was. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "engine/engine_int.h"
#include "util/err.h"

static bool idem_applies(const struct cmd *c)
{
	const struct cmd_def *d = engine__cmd_def(c->type);

	return c->idem_key && d && d->idempotent;
}

int engine__idem_replay(struct engine *e, struct cmd *c, int *rc)
{
	struct idem_rec r;

	if (!idem_applies(c))
		return 0;
	memset(&r, 0, sizeof(r));
	*rc = store_idem_get(e->store, c->actor->user_id, c->idem_key, &r);
	if (*rc == ERR_NOTFOUND) {
		*rc = 0;
		return 0;
	}
	if (*rc)
		return 1;
	if (memcmp(r.request_hash, c->req_hash, 32)) {
		*rc = engine__fail(c, ERR_IDEM,
				   "Idempotency-Key '%s' was used with a different request",
				   c->idem_key);
	} else if (r.status < CMD_OUT_OK || r.status > CMD_OUT_NONE) {
		*rc =
		    engine__fail(c, ERR_INTERNAL, "Idempotency-Key '%s': unknown stored outcome %d",
				 c->idem_key, r.status);
	} else {
		c->result.outcome = (enum cmd_outcome)r.status;
		c->result.replayed = true;
		c->result.replay_text = r.body; /* handed to the caller */
		r.body = NULL;
	}
	free(r.body);
	return 1;
}

/* The answer is recorded with the change, in the same savepoint. */
int engine__idem_record(struct engine *e, struct cmd *c, int64_t now)
{
	struct idem_rec r;
	char *text = NULL;
	int rc;

	if (!idem_applies(c))
		return 0;
	if (!c->encode)
		return engine__fail(c, ERR_INTERNAL, "an Idempotency-Key needs an encoder");
	rc = c->encode(c, &text);
	if (rc || !text)
		return rc ? rc : ERR_NOMEM;
	memset(&r, 0, sizeof(r));
	r.user_id = c->actor->user_id;
	snprintf(r.key, sizeof(r.key), "%s", c->idem_key);
	memcpy(r.request_hash, c->req_hash, 32);
	r.status = (int)c->result.outcome;
	r.body = text;
	r.created_at = now;
	rc = store_idem_put(e->store, &r);
	free(text);
	return rc;
}
