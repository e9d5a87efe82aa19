/* common.h - what every subcommand shares: the data directory, opening the store and engine, output. */
#ifndef ALIHDAYA_CLI_COMMON_H
#define ALIHDAYA_CLI_COMMON_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/model.h"
#include "app/app.h"
#include "app/people.h"
#include "app/records.h"
#include "engine/engine.h"
#include "store/store.h"
#include "util/buf.h"
#include "util/clock.h"
#include "util/config.h"

#define CLI_DB_FILE "alihdaya.db"
#define CLI_LOCK_FILE "alihdaya.lock"
#define CLI_SOCK_FILE "alihdaya.sock" /* the server's local admin socket (see serve.c) */

/*
 * An open installation: the store, and for writes either the engine (no
 * server runs) or the server that holds the data directory (served).
 */
struct cli_ctx {
	struct config cfg;
	struct store *store;
	struct engine *engine;
	struct app app; /* the use cases run against store and engine (NULL when served) */
	struct keyring *keys; /* sec/keys.h: the store's cipher (opened by cli_open) */
	bool no_encrypt;      /* serve --bench-no-encrypt: benchmark only, payloads in plain */
	int lock_fd;
	/* serve --clock-file: the engine reads its time there (tests); path NULL = wall clock */
	struct clock_file clock;
	bool served; /* a server holds the lock: cli_engine() sends commands to it */
	/*
	 * cli_as_token(): the CLI acts as this token's user (actor) instead of
	 * the local admin; a served command carries the token to the server.
	 */
	const char *token;
	struct actor actor;
	/* Signs the audit tree heads of the engine (opened with it); serve --audit-head-copy. */
	struct audit_signer *signer;
	const char *head_copy;
	/* serve: browser sessions (http_opts; 0: the defaults), failed sign-ins (-1: default) */
	int64_t session_idle_ms, session_max_ms;
	bool secure_cookies, trust_proxy;
	int signin_fails;
	long webhook_timeout_ms; /* serve --webhook-timeout (0: 10 s) */
	bool webhook_allow_private; /* serve --webhook-allow-private */
	/* serve: the limits of an import (0: the defaults; docs/api.md "Imports") */
	int64_t import_max[4]; /* bytes, rows, row bytes, fields */
	int dashboard_streams; /* serve --dashboard-streams (0: 32) */
};

#define CLI_CTX_INIT { .lock_fd = -1, .signin_fails = -1 }

/*
 * One writer per data directory: the process holding the flock on
 * alihdaya.lock runs the only engine. No mode starts an engine beside it.
 */
enum cli_open_mode {
	CLI_READ,  /* store only (WAL readers are safe beside a writer) */
	CLI_WRITE, /* store and engine; while a server holds the data dir, store only and served */
	CLI_SERVE, /* store and engine, holding the data dir lock; refuses if it is held */
};

/*
 * Loads settings (config file from ALIHDAYA_CONFIG, environment) into
 * ctx->cfg. Subcommands then apply their own flags on top.
 */
int cli_config(struct cli_ctx *ctx, struct buf *err);
/* Opens ctx->cfg.data_dir. `create` makes the directory if missing. */
int cli_open(struct cli_ctx *ctx, enum cli_open_mode mode, bool create, struct buf *err);
void cli_close(struct cli_ctx *ctx);

/*
 * Installs what every installation has: the default catalogue services that
 * are missing and an admin user named `admin` if absent. OUT: *added services.
 */
int cli_install(struct cli_ctx *ctx, const char *admin, size_t *added);

/* Prints "alihdaya <cmd>: <msg>" on stderr and returns the exit code. */
int cli_fail(const char *cmd, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/*
 * The user whose token is in the environment (ALIHDAYA_TOKEN), on an open
 * ctx: 0 and ctx->token, ctx->actor set (no token: the local admin, 0);
 * exit code 1 (said on stderr) for a token that is not valid.
 */
int cli_as_token(struct cli_ctx *ctx, const char *cmdname);
/* Who the CLI acts as: ctx->actor with a token, else the local admin. */
const struct actor *cli_actor(const struct cli_ctx *ctx);

/*
 * Runs a command as cli_actor() (the local admin unless a token is used): on the engine, or when ctx->served as
 * its API request on the server's socket (cli/remote.h). Prints the error on
 * failure (exit code 1); on success c->result holds the answer: the id of
 * what was created, the token text for tokens.
 */
int cli_engine(struct cli_ctx *ctx, const char *cmdname, struct cmd *c);

/* Prints a list as an aligned table of the given keys, or as JSON. */
void cli_print_list(json_t *page, const char *const *cols, bool as_json);
void cli_print_json(json_t *o);

/* "code:level" into a skill_level; level 1..5, default 1 when omitted. */
int cli_parse_skill(const char *s, struct skill_level *out);
/* A positive int64 id. */
int cli_parse_id(const char *s, int64_t *out);
int cli_parse_int(const char *s, long lo, long hi, long *out);
/* Copies a string into a bounded field; ERR_INVALID when too long or empty. */
int cli_copy(char *dst, size_t n, const char *src);

/*
 * What every record subcommand (<noun> create|list) shares: the settings,
 * the verb, and the options --data, --json, --after, --limit.
 */
struct cli_noun {
	struct cli_ctx ctx;
	const char *noun;
	const char *verb; /* argv[1] */
	int argc;	  /* the subcommand's argv, for a verb's own arguments (an id) */
	char **argv;
	bool json;
	struct app_page_in page; /* --after, --limit as given (a list may add client_id) */
	struct store_page pg;	 /* the same, checked (app_page()), for lists not yet in app/ */
};

/* Loads settings, resets getopt. Exit code, 0 to go on. */
int cli_noun_begin(struct cli_noun *w, int argc, char **argv, const char *noun);
/*
 * getopt_long over argv after the verb, handling the shared options itself:
 * the next other option's character, '?' for a usage error (already
 * explained on stderr), -1 at the end.
 */
struct option;
int cli_noun_getopt(struct cli_noun *w, int argc, char **argv, const struct option *opts);
/* Opens the installation (see cli_open); exit code. */
int cli_noun_open(struct cli_noun *w, enum cli_open_mode m);
/* Prints a store list result (rc from the store call) as a table or JSON; frees out. */
int cli_noun_list(struct cli_noun *w, int rc, json_t *out, const char *const *cols);
/* Runs a create command and prints "<noun> N created"; exit code. */
int cli_noun_created(struct cli_noun *w, struct cmd *cm);
/*
 * `<verb> ID [--set FILE|-]` for a document an engagement keeps (its fields,
 * its routing): with --set, set(w, id, FILE); without, the installation opened
 * to read and show(w, id). usage for --help (stdout) and a bad option (stderr,
 * exit 2); verb ("engagement fields") names the errors. Exit code.
 */
typedef int cli_doc_fn(struct cli_noun *w, int64_t id, const char *path);
typedef int cli_doc_show_fn(struct cli_noun *w, int64_t id);
int cli_engagement_doc(int argc, char **argv, const char *verb, const char *usage,
		       cli_doc_fn *set, cli_doc_show_fn *show);
/* True for "<noun> --help" or "-h". */
bool cli_wants_help(int argc, char **argv);

/* ---- the record subcommands' one path: arguments into a use case's input ---- */

/* How an option's argument is kept; syntax only, the use case checks the rules. */
enum cli_arg_type {
	CLI_ARG_STR,	/* const char **dst */
	CLI_ARG_NUM,	/* double *dst: a decimal number */
	CLI_ARG_ID,	/* int64_t *dst: a positive id */
	CLI_ARG_DUR,	/* double *dst: a duration (90s, 30m, 24h, 5d) in seconds */
	CLI_ARG_STRS,	/* const char *dst[max], repeated; *n counts them */
	CLI_ARG_IDS,	/* int64_t dst[max], repeated; *n counts them */
	CLI_ARG_LEVELS, /* struct cli_levels *dst: repeated CODE[:LEVEL] */
	CLI_ARG_CLEARANCES, /* struct cli_clearances *dst: repeated ID[,KEY=VALUE]... */
};

/*
 * One option of a subcommand: --name ARG into dst. A repeated option
 * counts past max without keeping more, so the use case can refuse the
 * count with its own message.
 */
struct cli_arg {
	const char *name;
	enum cli_arg_type type;
	void *dst;
	size_t *n;
	size_t max;
	bool *given; /* set when the option is given; NULL: not asked */
};

/* An option kept once, a repeated one (up to max in dst), and the end of a list of them. */
#define CLI_ARG(name, type, dst) { (name), (type), (dst), NULL, 0, NULL }
#define CLI_ARG_GIVEN(name, type, dst, given) { (name), (type), (dst), NULL, 0, (given) }
#define CLI_ARG_N(name, type, dst, n, max) { (name), (type), (dst), (n), (max), NULL }
/* A repeated option that also says it was given (an edit: the list is replaced). */
#define CLI_ARG_NG(name, type, dst, n, max, given) { (name), (type), (dst), (n), (max), (given) }
#define CLI_ARG_END { NULL, CLI_ARG_STR, NULL, NULL, 0, NULL }

#define CLI_LEVELS_MAX 16 /* at least MODEL_MAX_SKILLS and MODEL_MAX_LANGS */

/* Repeated CODE[:LEVEL] arguments as a use case takes them (in points into sl; n: the arg's). */
struct cli_levels {
	struct skill_level sl[CLI_LEVELS_MAX];
	struct app_level_in in[CLI_LEVELS_MAX];
};

/*
 * Repeated --clearance ID[,expires=RFC3339][,nda=TEXT][,unmasked=F+F...]
 * as a worker_in takes them (in.clear = ids, in.clear_terms = terms). The
 * terms point into text (copies of the arguments, split in place) and
 * unmasked; cli_clearances_release() frees the copies. given[i]: the
 * argument had terms (an update keeps the stored ones of a plain id).
 */
struct cli_clearances {
	int64_t ids[MODEL_MAX_CLEAR];
	struct clearance_terms_in terms[MODEL_MAX_CLEAR];
	bool given[MODEL_MAX_CLEAR];
	const char *unmasked[MODEL_MAX_CLEAR][MODEL_MAX_UNMASKED];
	char *text[MODEL_MAX_CLEAR];
	const char *arg[MODEL_MAX_CLEAR]; /* the arguments as given, for the use case's errors */
};

/*
 * One --clearance argument into c at index i (syntax, and the expiry's form;
 * the bounds are the use case's). 0, or ERR_INVALID / ERR_NOMEM with the
 * bad part said in err.
 */
int cli_clearance_parse(struct cli_clearances *c, size_t i, const char *arg, struct buf *err);
void cli_clearances_release(struct cli_clearances *c);

/* A record subcommand: its verbs and what each runs. */
struct cli_noun_def {
	const char *noun;
	const char *verbs; /* the verbs it takes, "create list update deactivate activate" */
	const char *usage; /* printed for --help and a wrong verb */
	enum app_kind kind;
	const char *const *cols; /* list: the list of kind as these columns; NULL: no list */
	enum cmd_type create;	 /* create (when in verbs): the write app_write() fills from in */
	int (*other)(struct cli_noun *w); /* any other verb (the store is not open) */
	/*
	 * update ID: called with the installation open before the edit is
	 * made from in (a worker's plain clearances keep their stored terms);
	 * NULL: none. 0, or an error (ERR_INVALID: a usage error) said in err.
	 */
	int (*before_update)(struct cli_noun *w, int64_t id, const void *in, struct buf *err);
	/* A use case's ERR_INVALID line in err, said in the options' words; NULL: as it is. */
	void (*explain)(const void *in, struct buf *err);
	/* list: adds the noun's own filters to the page before it is read (NULL: none). */
	void (*list_in)(struct app_page_in *in);
	/* list: adds to the page's records (data, wire's objects) once it is read (NULL: none). */
	int (*list_out)(struct cli_noun *w, json_t *data, struct buf *err);
};

/*
 * The one path of every record subcommand: argv after the verb into args
 * (syntax only, and the shared --data --json --after --limit --help), then
 * the verb. "list" prints the page of d->kind (app_list()) as a table or
 * JSON. "create" opens the installation for writing, app_write() fills the
 * command d->create from in as the local admin, the command runs (cli_engine()) and
 * "<noun> N created" is printed (a token: its text). "update ID" runs the
 * edit of d->kind (app_update()) with in as the create's options given,
 * "deactivate ID" and "activate ID" switch the record (app_set_active()),
 * and print "<noun> N updated" (deactivated, activated). A use case's
 * ERR_INVALID exits 2 with its line, any other error 1. Exit code.
 */
int cli_noun_main(const struct cli_noun_def *d, int argc, char **argv, const struct cli_arg *args,
		  const void *in);

#endif
