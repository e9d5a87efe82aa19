/* fuzz_http_request.c - libFuzzer target: one HTTP request through route, auth, role and handler.
 */
/*
 * The input is a small text request:
 *
 *	POST /v1/items?limit=3&state=queued
 *	X-Role: worker 1 1          (harness: role name, client_id, worker_id)
 *	X-Engine-Rc: -4             (harness: what the fake engine answers)
 *	Authorization: Bearer ahd_...
 *	Idempotency-Key: k1
 *
 *	{"engagement_id":1,"payload":{}}
 *
 * It runs what server.c's dispatch() runs: http__route_find, the bearer
 * format check of auth_authenticate (against a real store, seeded with one
 * client, engagement, worker and item), the role mask, then the handler
 * with its body, query and header validation. The handler's real
 * http__engine() runs too, up to the engine: the link wraps (--wrap) MHD's
 * header lookup, MHD's suspend/resume and engine_submit/engine_call, so no
 * socket or engine thread is involved. The fake engine checks the command
 * the handler built (strings terminated, ids positive) and answers.
 */
#include <ftw.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli/common.h"
#include "http/http_int.h"
#include "sec/auth.h"
#include "util/err.h"

#define MAX_KV 16

struct kv {
	char *k, *v;
};

/* The request being run: what the wrapped MHD lookups answer from. */
static struct {
	struct kv hdr[MAX_KV], arg[MAX_KV];
	size_t n_hdr, n_arg;
	int engine_rc;
} cur;

static struct cli_ctx ctx = CLI_CTX_INIT;
static struct http_server srv;
static char data_dir[256], web_dir[300];
static bool seeding; /* engine_call goes to the real engine while seeding the store */

/* ------------------------------------------------------- wrapped symbols */

const char *__wrap_MHD_lookup_connection_value(struct MHD_Connection *c, enum MHD_ValueKind kind,
					       const char *key);
void __wrap_MHD_suspend_connection(struct MHD_Connection *c);
void __wrap_MHD_resume_connection(struct MHD_Connection *c);
int __wrap_engine_submit(struct engine *e, struct cmd *c, void (*on_done)(struct cmd *, void *),
			 void *arg);
int __wrap_engine_call(struct engine *e, struct cmd *c);
int __real_engine_call(struct engine *e, struct cmd *c);

const char *__wrap_MHD_lookup_connection_value(struct MHD_Connection *c, enum MHD_ValueKind kind,
					       const char *key)
{
	(void)c;
	if (kind == MHD_HEADER_KIND) {
		for (size_t i = 0; i < cur.n_hdr; i++)
			if (!strcasecmp(cur.hdr[i].k, key))
				return cur.hdr[i].v;
	} else if (kind == MHD_GET_ARGUMENT_KIND) {
		for (size_t i = 0; i < cur.n_arg; i++)
			if (!strcmp(cur.arg[i].k, key))
				return cur.arg[i].v;
	}
	return NULL;
}

void __wrap_MHD_suspend_connection(struct MHD_Connection *c)
{
	(void)c;
}

void __wrap_MHD_resume_connection(struct MHD_Connection *c)
{
	(void)c;
}

static void must_terminate(const char *s, size_t n)
{
	if (!memchr(s, '\0', n))
		abort();
}

/* What the engine relies on from a handler: bounded strings, sane numbers. */
static void check_cmd(const struct cmd *c)
{
	if (!c->actor || c->type < 0 || c->type >= CMD__COUNT)
		abort();
	if (c->idem_key && (strlen(c->idem_key) == 0 || strlen(c->idem_key) >= MODEL_REF_MAX))
		abort();
	switch (c->type) {
	case CMD_CLIENT_CREATE:
		must_terminate(c->u.client.code, sizeof(c->u.client.code));
		must_terminate(c->u.client.name, sizeof(c->u.client.name));
		must_terminate(c->u.client.time_zone, sizeof(c->u.client.time_zone));
		break;
	case CMD_WORKER_CREATE:
		must_terminate(c->u.worker.login, sizeof(c->u.worker.login));
		must_terminate(c->u.worker.rec.name, sizeof(c->u.worker.rec.name));
		if (c->u.worker.rec.n_skills > MODEL_MAX_SKILLS ||
		    c->u.worker.rec.n_langs > MODEL_MAX_LANGS ||
		    c->u.worker.rec.n_creds > MODEL_MAX_CREDS ||
		    c->u.worker.rec.n_clear > MODEL_MAX_CLEAR)
			abort();
		for (size_t i = 0; i < c->u.worker.rec.n_skills; i++)
			if (c->u.worker.rec.skills[i].level < 1 ||
			    c->u.worker.rec.skills[i].level > 5)
				abort();
		break;
	case CMD_ITEM_CREATE:
		must_terminate(c->u.item_create.external_ref,
			       sizeof(c->u.item_create.external_ref));
		if (!c->u.item_create.payload || c->u.item_create.engagement_id < 1 ||
		    c->u.item_create.priority < 0 || c->u.item_create.priority > 9)
			abort();
		break;
	case CMD_ITEM_SUBMIT:
		if (!c->u.op.result_json || c->u.op.epoch < 1)
			abort();
		break;
	default:
		break;
	}
}

int __wrap_engine_submit(struct engine *e, struct cmd *c, void (*on_done)(struct cmd *, void *),
			 void *arg)
{
	(void)e;
	check_cmd(c);
	c->rc = cur.engine_rc;
	memset(&c->result, 0, sizeof(c->result));
	c->result.outcome = c->type == CMD_ITEM_NEXT ? CMD_OUT_OK : CMD_OUT_CREATED;
	c->result.id = 1;
	c->result.state = c->rc ? ITEM_DONE : -1;
	if (c->type == CMD_TOKEN_CREATE)
		snprintf(c->result.token, sizeof(c->result.token), "ahd_x");
	on_done(c, arg); /* synchronously: the handler then runs its second half */
	return 0;
}

int __wrap_engine_call(struct engine *e, struct cmd *c)
{
	if (seeding)
		return __real_engine_call(e, c);
	check_cmd(c);
	c->rc = cur.engine_rc;
	memset(&c->result, 0, sizeof(c->result));
	c->result.state = -1;
	return c->rc;
}

/* ------------------------------------------------------------ the store */

static int seed_cmd(struct cmd *c, int64_t *id)
{
	int rc = cli_engine(&ctx, "fuzz", c);

	if (!rc && id)
		*id = c->result.id;
	return rc;
}

/* One of everything, so reads by id 1 find a record. */
static void seed(void)
{
	struct cmd c = {.type = CMD_CLIENT_CREATE};
	struct service_rec sv;
	int64_t client = 0, eng = 0;
	size_t added;
	FILE *f;

	snprintf(c.u.client.code, sizeof(c.u.client.code), "acme");
	snprintf(c.u.client.name, sizeof(c.u.client.name), "Acme");
	snprintf(c.u.client.time_zone, sizeof(c.u.client.time_zone), "UTC");
	if (cli_install(&ctx, "admin", &added) || seed_cmd(&c, &client) ||
	    store_service_by_code(ctx.store, "data_entry", &sv))
		abort();
	memset(&c, 0, sizeof(c));
	c.type = CMD_ENGAGEMENT_CREATE;
	c.u.engagement.client_id = client;
	c.u.engagement.service_id = sv.id;
	snprintf(c.u.engagement.name, sizeof(c.u.engagement.name), "forms");
	snprintf(c.u.engagement.time_zone, sizeof(c.u.engagement.time_zone), "UTC");
	c.u.engagement.sla_ms = 3600000;
	c.u.engagement.lease_ms = 600000;
	c.u.engagement.default_priority = 5;
	if (seed_cmd(&c, &eng))
		abort();
	memset(&c, 0, sizeof(c));
	c.type = CMD_WORKER_CREATE;
	snprintf(c.u.worker.login, sizeof(c.u.worker.login), "ana");
	snprintf(c.u.worker.rec.name, sizeof(c.u.worker.rec.name), "Ana");
	snprintf(c.u.worker.rec.country, sizeof(c.u.worker.rec.country), "PH");
	snprintf(c.u.worker.rec.currency, sizeof(c.u.worker.rec.currency), "USD");
	snprintf(c.u.worker.rec.time_zone, sizeof(c.u.worker.rec.time_zone), "UTC");
	c.u.worker.rec.capacity = 1;
	c.u.worker.rec.clear[c.u.worker.rec.n_clear++] = client;
	if (seed_cmd(&c, NULL))
		abort();
	memset(&c, 0, sizeof(c));
	c.type = CMD_ITEM_CREATE;
	c.u.item_create.engagement_id = eng;
	c.u.item_create.payload = "{\"form\":1}";
	if (seed_cmd(&c, NULL))
		abort();
	snprintf(web_dir, sizeof(web_dir), "%s/web", data_dir);
	if (mkdir(web_dir, 0700))
		abort();
	snprintf(web_dir + strlen(web_dir), 16, "/index.html");
	f = fopen(web_dir, "w");
	if (!f)
		abort();
	fputs("<p>fuzz</p>\n", f);
	fclose(f);
	*strrchr(web_dir, '/') = '\0';
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(p);
}

static void teardown(void)
{
	cli_close(&ctx);
	nftw(data_dir, rm_one, 8, FTW_DEPTH | FTW_PHYS);
}

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	struct buf err = BUF_INIT;
	struct http_opts o = HTTP_OPTS_INIT;

	(void)argc;
	(void)argv;
	snprintf(data_dir, sizeof(data_dir), "%.200s/ahd-fuzz-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(data_dir))
		abort();
	config_defaults(&ctx.cfg);
	snprintf(ctx.cfg.data_dir, sizeof(ctx.cfg.data_dir), "%s", data_dir);
	if (cli_open(&ctx, CLI_WRITE, true, &err)) {
		fprintf(stderr, "fuzz: %s\n", buf_str(&err));
		abort();
	}
	buf_release(&err);
	seeding = true;
	seed();
	seeding = false;
	engine_stop(ctx.engine);
	ctx.engine = NULL;
	atexit(teardown);
	o.max_body = 1 << 16;
	o.max_depth = 8;
	srv.opts = o;
	srv.store = ctx.store;
	srv.app.store = ctx.store; /* the handlers read through app/ */
	srv.web_dir = web_dir;
	return 0;
}

/* -------------------------------------------------------- the request */

/* Splits "k=v&k2=v2" in place into cur.arg (MHD would also %-decode). */
static void parse_query(char *q)
{
	while (*q && cur.n_arg < MAX_KV) {
		char *amp = strchr(q, '&'), *eq;

		if (amp)
			*amp = '\0';
		eq = strchr(q, '=');
		cur.arg[cur.n_arg].k = q;
		cur.arg[cur.n_arg].v = eq ? eq + 1 : q + strlen(q);
		if (eq)
			*eq = '\0';
		cur.n_arg++;
		if (!amp)
			break;
		q = amp + 1;
	}
}

/* "admin" | "manager" | "worker" | "client" | "auditor", then client_id, worker_id. */
static void set_actor(struct actor *a, const char *line)
{
	char name[16] = "";
	long long cl = 0, wk = 0;

	memset(a, 0, sizeof(*a));
	a->user_id = 1;
	a->role = ROLE_ADMIN;
	if (sscanf(line, "%15s %lld %lld", name, &cl, &wk) < 1)
		return;
	if (role_parse(name, &a->role))
		a->role = ROLE_ADMIN;
	a->client_id = cl;
	a->worker_id = wk;
}

static void run(struct req *r)
{
	const char *authz, *role;
	struct actor who;
	int rc;

	rc = http__route_find(r->method, r->path, &r->route, r->param, &r->n_param, r->allow,
			      sizeof(r->allow));
	if (rc) {
		http__fail(r, rc, rc == ERR_METHOD ? "allowed: %s" : "no route for %.200s",
			   rc == ERR_METHOD ? r->allow : r->path);
		return;
	}
	if (r->route->action != POL_PUBLIC) {
		/* The token's format check and lookup; the actor then comes from X-Role. */
		authz = __wrap_MHD_lookup_connection_value(NULL, MHD_HEADER_KIND, "Authorization");
		(void)auth_authenticate(srv.store, authz, &who);
		role = __wrap_MHD_lookup_connection_value(NULL, MHD_HEADER_KIND, "X-Role");
		set_actor(&r->actor, role ? role : "admin");
		if (policy_check(&r->actor, r->route->action, NULL) != POLICY_ALLOW) {
			http__fail(r, ERR_FORBIDDEN, "role may not call this");
			return;
		}
	}
	r->suspended = false;
	rc = r->route->fn(r);
	if (rc == ERR_SUSPENDED && r->suspended) {
		if (!r->pending || !atomic_load(&r->pending_done))
			abort();
		/* MHD resumes the connection: the handler runs again from the top. */
		r->suspended = false;
		rc = r->route->fn(r);
		if (rc == ERR_SUSPENDED)
			abort();
	}
	if (rc && !r->out && !r->raw)
		http__fail(r, rc, NULL);
	if (!rc && !r->status)
		abort(); /* a handler that succeeded must have answered */
	if (r->status < 100 || r->status > 599)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text, *line, *nl, *sp, *q, *body;
	struct req r;
	char *dump;

	if (size > 1 << 16)
		return 0;
	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	memset(&cur, 0, sizeof(cur));
	memset(&r, 0, sizeof(r));

	/* Request line. */
	nl = strchr(text, '\n');
	body = nl ? nl + 1 : text + strlen(text);
	if (nl)
		*nl = '\0';
	sp = strchr(text, ' ');
	if (!sp)
		goto out;
	*sp = '\0';
	r.method = text;
	r.path = sp + 1;
	if ((q = strchr(sp + 1, '?'))) {
		*q = '\0';
		parse_query(q + 1);
	}
	/* Headers up to an empty line. */
	while (*body && *body != '\n') {
		line = body;
		nl = strchr(line, '\n');
		body = nl ? nl + 1 : line + strlen(line);
		if (nl)
			*nl = '\0';
		if ((sp = strchr(line, ':')) && cur.n_hdr < MAX_KV) {
			*sp++ = '\0';
			while (*sp == ' ')
				sp++;
			cur.hdr[cur.n_hdr].k = line;
			cur.hdr[cur.n_hdr].v = sp;
			if (!strcasecmp(line, "X-Engine-Rc"))
				cur.engine_rc = -(int)(strtoul(sp, NULL, 10) % 17);
			cur.n_hdr++;
		}
	}
	if (*body == '\n')
		body++;

	r.srv = &srv;
	r.conn = NULL;
	buf_init(&r.body, srv.opts.max_body);
	if (buf_append(&r.body, body, size - (size_t)(body - text)) == 0) {
		run(&r);
		/* What queue_answer() sends. */
		if (r.out && r.status != 204) {
			dump = json_dumps(r.out, JSON_COMPACT | JSON_ENCODE_ANY);
			if (getenv("FUZZ_VERBOSE")) /* to check what a seed reaches */
				fprintf(stderr, "%s %s -> %d %.300s\n", r.method, r.path, r.status,
					dump ? dump : "");
			free(dump);
		}
	}
	http__pending_free(&r);
	buf_release(&r.body);
	json_decref(r.out);
	free(r.raw);
out:
	free(text);
	return 0;
}
