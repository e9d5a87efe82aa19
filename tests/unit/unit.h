/* unit.h - what the unit tests that open a real store share: its temp folder, a checked error. */
#ifndef ALIHDAYA_TEST_UNIT_H
#define ALIHDAYA_TEST_UNIT_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/app.h"
#include "engine/engine.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/err.h"

/* Removes the store file "ahd.db" (and its WAL and shared-memory files) in dir, then dir. */
static inline void unit_store_dir_remove(const char *dir)
{
	static const char *const names[] = { "ahd.db", "ahd.db-wal", "ahd.db-shm" };
	char p[512];

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(p, sizeof(p), "%s/%s", dir, names[i]);
		unlink(p);
	}
	rmdir(dir);
}

/*
 * A real store in a new folder /tmp/<tag>_XXXXXX: what the use-case tests run
 * against. OUT: dir[dn], path[pn] (the store file), *s. Fails the test when a
 * step fails.
 */
static inline void unit_store_open(char *dir, size_t dn, char *path, size_t pn, const char *tag,
				   struct store **s)
{
	struct buf err = BUF_INIT;

	snprintf(dir, dn, "/tmp/%s_XXXXXX", tag);
	assert_non_null(mkdtemp(dir));
	snprintf(path, pn, "%s/ahd.db", dir);
	assert_int_equal(store_open(path, 2, s, &err), 0);
	buf_release(&err);
}

/* unit_store_open(), then its engine started with o, and *app pointing at both. */
static inline void unit_house_open(char *dir, size_t dn, char *path, size_t pn, const char *tag,
				   const struct engine_opts *o, struct store **s, struct engine **e,
				   struct app *app)
{
	struct buf err = BUF_INIT;

	unit_store_open(dir, dn, path, pn, tag, s);
	assert_int_equal(engine_start(*s, o, e, &err), 0);
	buf_release(&err);
	*app = (struct app){ .store = *s, .engine = *e };
}

/* Stops the engine, closes the store and removes its folder. */
static inline void unit_house_close(struct engine *e, struct store *s, const char *dir)
{
	engine_stop(e);
	store_close(s);
	unit_store_dir_remove(dir);
}

/* rc is ERR_INVALID and the message in err names field; err is released (reusable) after. */
static inline void unit_assert_invalid(int rc, struct buf *err, const char *field)
{
	assert_int_equal(rc, ERR_INVALID);
	if (!strstr(buf_str(err), field))
		fail_msg("message '%s' does not name %s", buf_str(err), field);
	buf_release(err);
}

/*
 * The engine tests' own writes: c run as the installation's admin through e;
 * fails the test unless it created a record. Returns the record's id.
 */
static inline int64_t unit_create(struct engine *e, struct cmd *c)
{
	c->actor = &AUTH_LOCAL_ADMIN;
	assert_int_equal(engine_call(e, c), 0);
	assert_int_equal(c->result.outcome, CMD_OUT_CREATED);
	assert_true(c->result.id > 0);
	return c->result.id;
}

/*
 * The small world the quality flows' engine tests share: client "acme", a BPO
 * service "forms" and its engagement "forms" (SLA 1 h, priority 5, leases of
 * lease_ms, UTC). OUT: *client, *engagement.
 */
static inline void unit_bpo_world(struct engine *e, int64_t lease_ms, int64_t *client,
				  int64_t *engagement)
{
	struct cmd c = {.type = CMD_CLIENT_CREATE};
	int64_t svc;

	snprintf(c.u.client.code, sizeof(c.u.client.code), "acme");
	snprintf(c.u.client.name, sizeof(c.u.client.name), "Acme");
	snprintf(c.u.client.time_zone, sizeof(c.u.client.time_zone), "UTC");
	*client = unit_create(e, &c);
	c = (struct cmd){.type = CMD_SERVICE_CREATE};
	snprintf(c.u.service.code, sizeof(c.u.service.code), "forms");
	c.u.service.kind = KIND_BPO;
	svc = unit_create(e, &c);
	c = (struct cmd){.type = CMD_ENGAGEMENT_CREATE};
	c.u.engagement.client_id = *client;
	c.u.engagement.service_id = svc;
	snprintf(c.u.engagement.name, sizeof(c.u.engagement.name), "forms");
	c.u.engagement.sla_ms = 3600000;
	c.u.engagement.default_priority = 5;
	c.u.engagement.lease_ms = lease_ms;
	snprintf(c.u.engagement.time_zone, sizeof(c.u.engagement.time_zone), "UTC");
	*engagement = unit_create(e, &c);
}

/* Worker `login` (and its user) holding `capacity` items, cleared for client. OUT: its actor. */
static inline void unit_worker(struct engine *e, struct store *s, int64_t client, const char *login,
			       int capacity, struct actor *out)
{
	struct cmd c = {.type = CMD_WORKER_CREATE};
	struct user_rec u;

	snprintf(c.u.worker.login, sizeof(c.u.worker.login), "%s", login);
	snprintf(c.u.worker.rec.name, sizeof(c.u.worker.rec.name), "%s", login);
	c.u.worker.rec.capacity = capacity;
	c.u.worker.rec.n_clear = 1;
	c.u.worker.rec.clear[0] = client;
	memset(out, 0, sizeof(*out));
	out->worker_id = unit_create(e, &c);
	assert_int_equal(store_user_by_name(s, login, &u), 0);
	out->user_id = u.id;
	out->role = ROLE_WORKER;
}

#endif
