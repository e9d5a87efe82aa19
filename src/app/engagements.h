/* engagements.h - engagements (one client's contract for one service): create, get, list. */
#ifndef ALIHDAYA_APP_ENGAGEMENTS_H
#define ALIHDAYA_APP_ENGAGEMENTS_H

#include "app/records.h"

#define ENGAGEMENT_SLA_MAX_S ((int64_t)10 * 365 * 86400)
#define ENGAGEMENT_LEASE_MAX_S ((int64_t)30 * 86400)
/* The default lease: BPO items take minutes, KPO work (research, a memo) takes hours. */
#define ENGAGEMENT_LEASE_BPO_S 1800
#define ENGAGEMENT_LEASE_KPO_S (8 * 3600)
/* The default lease_max_seconds is this many leases; the longest one may give. */
#define ENGAGEMENT_LEASE_MAX_FACTOR 4
#define ENGAGEMENT_LEASE_TOTAL_MAX_S ((int64_t)120 * 86400)

/* A sensitive payload field as given: its (top-level) name and its mask's name. */
struct sensitive_in {
	const char *field;
	const char *mask; /* last4, initials or hidden */
};

/*
 * An engagement as given; numbers APP_ABSENT, ids 0 and strings NULL when not
 * given (an edit: unchanged; its lists change only when has_skills/has_langs).
 */
struct engagement_in {
	int64_t client_id;	  /* required, > 0 */
	int64_t service_id;	  /* exactly one of service_id and service_code */
	const char *service_code;
	const char *name; /* required */
	const struct app_level_in *skills; /* required_skills: levels required */
	size_t n_skills;
	const struct app_level_in *langs; /* required_languages: level 1 when absent */
	size_t n_langs;
	double sla_s;	    /* required: whole seconds, 1..ENGAGEMENT_SLA_MAX_S */
	double priority;    /* default_priority 1..9; absent: 5 */
	double lease_s;	    /* 1..ENGAGEMENT_LEASE_MAX_S; absent: 1800 (BPO), 28800 (KPO) */
	double lease_max_s; /* the longest a lease may be renewed to; absent: 4 x lease_s */
	const char *time_zone; /* NULL: the client's */
	bool has_skills, has_langs; /* an edit: the lists were given (an empty one clears) */
	const struct sensitive_in *sensitive; /* fields workers see masked; none when absent */
	size_t n_sensitive;
	bool has_sensitive;     /* an edit: the list was given (an empty one clears) */
	double retention_days;  /* 0..MODEL_RETENTION_MAX_DAYS, 0 = keep forever; absent: 0 */
	/* The ethical wall: competitor clients and the window; has_wall: given (null clears). */
	const int64_t *wall;
	size_t n_wall;
	double wall_days; /* 1..MODEL_WALL_MAX_DAYS when clients are named */
	bool has_wall;
	/* item_types: codes its items may have ([a-z0-9_], 1..32, each once, at most
	 * MODEL_MAX_ITEM_TYPES); none: every item is "default". has_item_types: given. */
	const char *const *item_types;
	size_t n_item_types;
	bool has_item_types;
};

#define ENGAGEMENT_IN_INIT                                                                         \
	{ .sla_s = APP_ABSENT, .priority = APP_ABSENT, .lease_s = APP_ABSENT,                     \
	  .lease_max_s = APP_ABSENT, .retention_days = APP_ABSENT, .wall_days = APP_ABSENT }

/*
 * The ethical wall of e for actor (a worker): OUT: *walled when it worked for
 * one of the wall's clients within its window, by the store's item events.
 */
int app_walled(const struct app *app, const struct actor *actor, const struct engagement_rec *e,
	       bool *walled);

/* engagement.create: fills c (CMD_ENGAGEMENT_CREATE); reads the service and the client's zone. */
int app_engagement_create(const struct app *app, const struct actor *actor,
			  const struct engagement_in *in, struct cmd *c, struct buf *err);
/* engagement.read: a client user its own client's, a worker those of clients it is cleared for. */
int app_engagement_get(const struct app *app, const struct actor *actor, int64_t id,
		       struct engagement_rec *out, struct buf *err);

#endif
