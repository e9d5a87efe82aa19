/* item.c - the item state machine as one transition table. */
#include "core/item.h"

#include "util/err.h"
#include "util/names.h"

static const char *const state_names[ITEM_STATE__COUNT] = {
    [ITEM_QUEUED] = "queued",	    [ITEM_ASSIGNED] = "assigned", [ITEM_SUBMITTED] = "submitted",
    [ITEM_IN_REVIEW] = "in_review", [ITEM_DONE] = "done",	  [ITEM_CANCELLED] = "cancelled",
    [ITEM_FAILED] = "failed",
};

static const char *const action_names[ACT__COUNT] = {
    [ACT_CREATE] = "create", [ACT_ASSIGN] = "assign", [ACT_EXPIRE] = "expire",
    [ACT_SUBMIT] = "submit", [ACT_REVIEW] = "review", [ACT_ACCEPT] = "accept",
    [ACT_REWORK] = "rework", [ACT_CANCEL] = "cancel", [ACT_FAIL] = "fail",
    [ACT_RENEW] = "renew", [ACT_KEY] = "key", [ACT_RELEASE] = "release",
};

/*
 * next[from][action] is the target state plus one, so that the zero every
 * unlisted cell gets from the initializer means "refused". ACT_CREATE has
 * no row of its own: it ignores `from` and is handled before the lookup.
 * Cancel and fail end any open item: they are the one row open_any.
 */
#define TO(s) ((unsigned char)((s) + 1))

/* clang-format off */
static const unsigned char next[ITEM_STATE__COUNT][ACT__COUNT] = {
	[ITEM_QUEUED] = {
		[ACT_ASSIGN] = TO(ITEM_ASSIGNED),
	},
	[ITEM_ASSIGNED] = {
		[ACT_EXPIRE] = TO(ITEM_QUEUED),
		[ACT_SUBMIT] = TO(ITEM_SUBMITTED),
		[ACT_RENEW] = TO(ITEM_ASSIGNED),
		[ACT_KEY] = TO(ITEM_QUEUED),
		[ACT_RELEASE] = TO(ITEM_QUEUED),
	},
	[ITEM_SUBMITTED] = {
		[ACT_REVIEW] = TO(ITEM_IN_REVIEW),
		[ACT_ACCEPT] = TO(ITEM_DONE),
		[ACT_REWORK] = TO(ITEM_QUEUED),
	},
	[ITEM_IN_REVIEW] = {
		[ACT_ACCEPT] = TO(ITEM_DONE),
		[ACT_REWORK] = TO(ITEM_QUEUED),
	},
	/* done, cancelled and failed are final: all cells zero. */
};

static const unsigned char open_any[ACT__COUNT] = {
	[ACT_CANCEL] = TO(ITEM_CANCELLED),
	[ACT_FAIL] = TO(ITEM_FAILED),
};
/* clang-format on */

#undef TO

NAMES_ENUM(item_state, enum item_state, state_names)
NAMES_ENUM(item_action, enum item_action, action_names)

bool item_state_open(enum item_state s)
{
	return s == ITEM_QUEUED || s == ITEM_ASSIGNED || s == ITEM_SUBMITTED || s == ITEM_IN_REVIEW;
}

int item_transition(enum item_state from, enum item_action act, enum item_state *to)
{
	unsigned char cell;

	if (act == ACT_CREATE) {
		*to = ITEM_QUEUED;
		return 0;
	}
	/* Out-of-range values are refused like any other transition. */
	if ((unsigned)from >= ITEM_STATE__COUNT || (unsigned)act >= ACT__COUNT)
		return ERR_CONFLICT;
	cell = item_state_open(from) && open_any[act] ? open_any[act] : next[from][act];
	if (!cell)
		return ERR_CONFLICT;
	*to = (enum item_state)(cell - 1);
	return 0;
}

bool item_history_valid(const struct event_rec *ev, size_t n)
{
	enum item_action act;
	enum item_state to;

	if (!n)
		return false;
	if (item_action_parse(ev[0].action, &act) || act != ACT_CREATE ||
	    ev[0].to_state != ITEM_QUEUED)
		return false;
	for (size_t i = 1; i < n; i++) {
		if (item_action_parse(ev[i].action, &act))
			return false;
		/* item_transition() accepts create from anywhere; a history may not. */
		if (act == ACT_CREATE)
			return false;
		if (ev[i].from_state != ev[i - 1].to_state)
			return false;
		if (item_transition(ev[i].from_state, act, &to) || to != ev[i].to_state)
			return false;
	}
	return true;
}
