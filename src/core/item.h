/* item.h - the item state machine: which action moves an item from which state to which. */
#ifndef ALIHDAYA_ITEM_H
#define ALIHDAYA_ITEM_H

#include <stdbool.h>
#include <stddef.h>

#include "core/model.h"

enum item_action {
	ACT_CREATE,  /* (none) -> queued */
	ACT_ASSIGN,  /* queued -> assigned (get-next) */
	ACT_EXPIRE,  /* assigned -> queued (lease ran out) */
	ACT_SUBMIT,  /* assigned -> submitted */
	ACT_REVIEW,  /* submitted -> in_review */
	ACT_ACCEPT,  /* submitted | in_review -> done */
	ACT_REWORK,  /* submitted | in_review -> queued */
	ACT_CANCEL,  /* any open state -> cancelled */
	ACT_FAIL,    /* any open state -> failed */
	ACT_RENEW,   /* assigned -> assigned: the holder extends its lease (same epoch) */
	ACT_KEY,     /* assigned -> queued: one answer of a multi-keyed item, more are needed */
	ACT_RELEASE, /* assigned -> queued: the holder hands it back with a reason (its place kept) */
	ACT__COUNT
};

const char *item_state_name(enum item_state s);
int item_state_parse(const char *s, enum item_state *out); /* 0 or ERR_INVALID */
const char *item_action_name(enum item_action a);
int item_action_parse(const char *s, enum item_action *out);

/* True for queued, assigned, submitted, in_review. */
bool item_state_open(enum item_state s);

/*
 * The state `act` moves an item in `from` to. Returns 0 and sets *to, or
 * ERR_CONFLICT if the transition is not allowed. ACT_CREATE ignores `from`.
 */
int item_transition(enum item_state from, enum item_action act, enum item_state *to);

/*
 * True if the sequence of (action, from, to) steps is a valid path of the
 * machine starting with ACT_CREATE. Used by crash tests to check histories.
 */
bool item_history_valid(const struct event_rec *ev, size_t n);

#endif
