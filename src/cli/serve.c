/* serve.c - `alihdaya serve`: the HTTP API over the engine, with a graceful stop on SIGTERM/SIGINT. */
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/un.h>

#include "cli/cli.h"
#include "cli/common.h"
#include "cli/sender.h"
#include "cli/serve.h"
#include "http/server.h"
#include "app/imports.h"
#include "util/clock.h"
#include "util/err.h"
#include "util/log.h"

void cli_serve_block_signals(sigset_t *set)
{
	sigemptyset(set);
	sigaddset(set, SIGTERM);
	sigaddset(set, SIGINT);
	sigaddset(set, SIGHUP);
	pthread_sigmask(SIG_BLOCK, set, NULL);
}

int cli_serve_run(struct cli_ctx *ctx)
{
	struct http_opts ho = HTTP_OPTS_INIT;
	struct http_server *h = NULL;
	struct webhook_sender *wh = NULL;
	struct buf err = BUF_INIT;
	char sock[PATH_MAX];
	struct stat st;
	sigset_t set;
	int64_t n_open = 0;
	int sig = 0, rc;

	/* Blocked already before cli_open started the engine's thread; again here, for sigwait's set. */
	cli_serve_block_signals(&set);
	signal(SIGPIPE, SIG_IGN);

	ho.bind = ctx->cfg.bind;
	ho.port = ctx->cfg.port;
	ho.threads = ctx->cfg.threads;
	ho.max_body = (size_t)ctx->cfg.max_body;
	ho.max_depth = ctx->cfg.max_depth;
	ho.max_connections = ctx->cfg.max_connections;
	ho.conn_timeout_s = ctx->cfg.conn_timeout_s;
	ho.rate_per_s = ctx->cfg.rate_per_s;
	ho.rate_burst = ctx->cfg.rate_per_s * 2;
	ho.fail_rate_per_s = ctx->cfg.fail_rate_per_s;
	ho.web_dir = ctx->cfg.web_dir[0] ? ctx->cfg.web_dir : NULL;
	ho.keys = ctx->keys;
	ho.data_dir = ctx->cfg.data_dir;
	ho.clock = ctx->app.clock;
	ho.clock_arg = ctx->app.clock_arg;
	ho.session_idle_ms = ctx->session_idle_ms;
	ho.session_max_ms = ctx->session_max_ms;
	ho.secure_cookies = ctx->secure_cookies;
	ho.trust_proxy = ctx->trust_proxy;
	if (ctx->signin_fails >= 0)
		ho.signin_fails = ctx->signin_fails;
	ho.import_max_bytes = (uint64_t)ctx->import_max[0];
	ho.import_max_rows = ctx->import_max[1];
	ho.import_max_row = (size_t)ctx->import_max[2];
	ho.import_max_fields = (size_t)ctx->import_max[3];
	ho.sse_max = ctx->dashboard_streams; /* 0: the server's default */
	/* CLI writes beside the server come in here (cli/remote.c), never as a second engine. */
	snprintf(sock, sizeof(sock), "%s/%s", ctx->cfg.data_dir, CLI_SOCK_FILE);
	if (strlen(sock) < sizeof(((struct sockaddr_un *)0)->sun_path))
		ho.local_socket = sock;
	else /* still one writer: CLI writes then refuse and say to use the HTTP API */
		log_warn("no local socket: %s is longer than a Unix socket path may be", sock);
	if (!stat(ctx->cfg.data_dir, &st) && (st.st_mode & 077))
		log_warn("data directory %s is open to other users (mode %03o); 0700 is expected: "
			 "its socket and store are the installation's admin",
			 ctx->cfg.data_dir, (unsigned)(st.st_mode & 0777));
	/* No import is live before we serve: the ones a killed server left open have failed. */
	if ((rc = app_imports_recover(&ctx->app, &n_open, &err))) {
		rc = cli_fail("serve", 1, "%s", buf_str(&err));
		goto out;
	}
	if (n_open)
		log_warn("%lld imports left open by a stopped server are marked failed",
			 (long long)n_open);
	rc = http_start(&ho, ctx->engine, ctx->store, &h, &err);
	if (rc) {
		rc = cli_fail("serve", 1, "%s", buf_str(&err));
		goto out;
	}
	/* The webhook sender: its own thread, never the engine's (cli/sender.c). */
	rc = webhook_sender_start(&ctx->app, ctx->webhook_timeout_ms,
				  ctx->webhook_allow_private, &wh, &err);
	if (rc) {
		http_stop(h);
		rc = cli_fail("serve", 1, "%s", buf_str(&err));
		goto out;
	}
	printf("alihdaya listening on http://%s:%d (data %s)\n", ctx->cfg.bind, http_port(h),
	       ctx->cfg.data_dir);
	fflush(stdout);
	log_info("listening on %s:%d", ctx->cfg.bind, http_port(h));
	while (sigwait(&set, &sig) == 0 && sig == SIGHUP)
		; /* reserved for reloading settings */
	log_info("signal %d: stopping; finishing requests in flight", sig);
	/* Order matters: no new deliveries or requests, then the engine's last batch, the store. */
	webhook_sender_stop(wh);
	http_stop(h);
	rc = 0;
out:
	buf_release(&err);
	cli_close(ctx);
	if (!rc)
		log_info("stopped cleanly");
	return rc;
}

/* serve [--data DIR] [--bind ADDR] [--port N] [--threads N] [--max-body BYTES] [--rate N] ... */
int cli_serve(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "data", required_argument, 0, 'd' },      { "bind", required_argument, 0, 'b' },
		{ "port", required_argument, 0, 'p' },      { "threads", required_argument, 0, 't' },
		{ "max-body", required_argument, 0, 'm' },  { "rate", required_argument, 0, 'r' },
		{ "batch-max", required_argument, 0, 'B' }, { "timeout", required_argument, 0, 'T' },
		{ "web-dir", required_argument, 0, 'w' },   { "max-connections", required_argument, 0, 'C' },
		{ "clock-file", required_argument, 0, 'K' }, { "help", no_argument, 0, 'h' },
		{ "fail-rate", required_argument, 0, 'F' },
		{ "bench-no-encrypt", no_argument, 0, 'E' },
		{ "audit-head-copy", required_argument, 0, 'A' },
		{ "session-idle", required_argument, 0, 'I' },
		{ "session-max", required_argument, 0, 'M' },
		{ "secure-cookies", no_argument, 0, 'S' },
		{ "trust-proxy", no_argument, 0, 'P' },
		{ "signin-fails", required_argument, 0, 'L' },
		{ "webhook-timeout", required_argument, 0, 'W' },
		{ "import-max-bytes", required_argument, 0, 1000 },
		{ "import-max-rows", required_argument, 0, 1001 },
		{ "import-max-row", required_argument, 0, 1002 },
		{ "import-max-fields", required_argument, 0, 1003 },
		{ "dashboard-streams", required_argument, 0, 1004 },
		{ "webhook-allow-private", no_argument, 0, 1005 },
		{ 0, 0, 0, 0 }
	};
	static const struct {
		int opt;
		const char *key;
	} keys[] = { { 'd', "data" },    { 'b', "bind" },       { 'p', "port" },
		     { 't', "threads" }, { 'm', "max_body" },   { 'r', "rate_per_s" },
		     { 'B', "batch_max" }, { 'T', "timeout" }, { 'w', "web_dir" },
		     { 'C', "max_connections" }, { 'F', "fail_rate_per_s" } };
	struct cli_ctx ctx = CLI_CTX_INIT;
	struct buf err = BUF_INIT;
	sigset_t stop;
	int c, rc;

	rc = cli_config(&ctx, &err);
	if (rc)
		goto bad;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		size_t i;

		if (c == 'h') {
			printf("usage: alihdaya serve [--data DIR] [--bind ADDR] [--port N] [--threads N]\n"
			       "           [--max-body BYTES] [--rate PER_SECOND] [--batch-max N]\n"
			       "           [--timeout SECONDS] [--max-connections N] [--web-dir DIR]\n"
			       "           [--fail-rate PER_SECOND] [--audit-head-copy FILE]\n"
			       "           [--session-idle DURATION] [--session-max DURATION]\n"
			       "           [--secure-cookies] [--trust-proxy] [--signin-fails N]\n"
			       "           [--webhook-timeout DURATION] [--webhook-allow-private]\n"
			       "           [--import-max-bytes N] [--import-max-rows N]\n"
			       "           [--import-max-row BYTES] [--import-max-fields N]\n"
			       "           [--dashboard-streams N]\n\n"
			       "Serves the HTTP API (docs/api.md) on ADDR:PORT (default 127.0.0.1:8080;\n"
			       "--port 0 picks a free port, printed on start). SIGTERM or SIGINT stops\n"
			       "it gracefully: no new requests, the batch in flight is committed.\n"
			       "It also serves the API on DIR/alihdaya.sock (mode 0600) as the local\n"
			       "admin, where the CLI's writes go while it runs.\n"
			       "After every commit that adds audit events it signs the audit tree head\n"
			       "into DIR/audit-head, and into FILE too with --audit-head-copy (a place\n"
			       "elsewhere: docs/audit.md).\n"
			       "Browser sessions (docs/security.md) end after --session-idle without use\n"
			       "(default 30m) and --session-max after sign-in (default 12h). Their cookie\n"
			       "is Secure with --secure-cookies, or with --trust-proxy when a reverse\n"
			       "proxy sends X-Forwarded-Proto: https. --signin-fails N failed sign-ins of\n"
			       "a login (4 N from an address) answer 429, one more a minute (default 5;\n"
			       "0: unlimited).\n"
			       "Webhook deliveries (docs/api.md \"Webhooks\") time out after\n"
			       "--webhook-timeout (default 10s; connecting: 5s). A delivery to a\n"
			       "loopback, private, link-local or reserved address is refused and\n"
			       "logged as failed, unless --webhook-allow-private (receivers on the\n"
			       "provider's own network, tests on loopback).\n"
			       "An import (POST /v1/engagements/:id/imports) fails past --import-max-bytes\n"
			       "(default 1 GiB), --import-max-rows records (5000000), a record longer\n"
			       "than --import-max-row bytes (1 MiB); a row with more than\n"
			       "--import-max-fields fields (10000) is rejected.\n"
			       "At most --dashboard-streams N dashboard event streams (GET\n"
			       "/v1/dashboard/events) are open at once (default 32); more answer 503.\n"
			       "Settings may also come from ALIHDAYA_* variables or an INI file named by\n"
			       "ALIHDAYA_CONFIG ([server] port=8080 ...); flags win.\n\n"
			       "For tests only: --clock-file FILE makes the engine read the time (leases,\n"
			       "due times, audit times) from FILE, milliseconds since the epoch, read again\n"
			       "as it runs; a test writes a later time instead of sleeping.\n");
			return 0;
		}
		/* Benchmark only (bench/run_http.sh): the "off" run, payloads in plain. */
		if (c == 'E') {
			ctx.no_encrypt = true;
			continue;
		}
		if (c == 'A') {
			ctx.head_copy = optarg;
			continue;
		}
		if (c == 1005) {
			ctx.webhook_allow_private = true;
			continue;
		}
		if (c == 'S' || c == 'P') {
			*(c == 'S' ? &ctx.secure_cookies : &ctx.trust_proxy) = true;
			continue;
		}
		if (c == 'I' || c == 'M') {
			int64_t ms = 0;

			if (clock_parse_duration_unit(optarg, &ms) || ms <= 0) {
				rc = buf_error(&err, ERR_INVALID, "--session-%s: a duration like 30m or 12h",
					       c == 'I' ? "idle" : "max");
				goto bad;
			}
			*(c == 'I' ? &ctx.session_idle_ms : &ctx.session_max_ms) = ms;
			continue;
		}
		if (c == 'W') {
			int64_t ms = 0;

			if (clock_parse_duration_unit(optarg, &ms) || ms <= 0 || ms > 600000) {
				rc = buf_error(&err, ERR_INVALID,
					       "--webhook-timeout: a duration like 10s (at most 10m)");
				goto bad;
			}
			ctx.webhook_timeout_ms = (long)ms;
			continue;
		}
		if (c == 'L') {
			char *end;
			long n = strtol(optarg, &end, 10);

			if (end == optarg || *end || n < 0 || n > 1000000) {
				rc = buf_error(&err, ERR_INVALID, "--signin-fails: a number from 0");
				goto bad;
			}
			ctx.signin_fails = (int)n;
			continue;
		}
		if (c >= 1000 && c <= 1003) {
			char *end;
			long long n = strtoll(optarg, &end, 10);
			static const long long top[4] = {1LL << 40, 1000000000LL, 1LL << 30, 1000000};
			static const char *const name[4] = {"--import-max-bytes", "--import-max-rows",
							    "--import-max-row", "--import-max-fields"};

			if (end == optarg || *end || n < 1 || n > top[c - 1000]) {
				rc = buf_error(&err, ERR_INVALID, "%s: a number from 1 to %lld",
					       name[c - 1000], top[c - 1000]);
				goto bad;
			}
			ctx.import_max[c - 1000] = n;
			continue;
		}
		if (c == 1004) {
			char *end;
			long n = strtol(optarg, &end, 10);

			if (end == optarg || *end || n < 1 || n > 10000) {
				rc = buf_error(&err, ERR_INVALID,
					       "--dashboard-streams: a number from 1 to 10000");
				goto bad;
			}
			ctx.dashboard_streams = (int)n;
			continue;
		}
		if (c == 'K') {
			rc = clock_file_open(&ctx.clock, optarg, &err);
			if (rc)
				goto bad;
			continue;
		}
		for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
			if (keys[i].opt == c)
				break;
		if (i == sizeof(keys) / sizeof(keys[0]))
			return 2;
		rc = config_set(&ctx.cfg, keys[i].key, optarg, &err);
		if (rc)
			goto bad;
	}
	/* A stop signal during the opening (a long recovery) then stops it cleanly once it serves. */
	cli_serve_block_signals(&stop);
	rc = cli_open(&ctx, CLI_SERVE, false, &err);
	if (rc) {
		rc = cli_fail("serve", 1, "%s", buf_str(&err));
		buf_release(&err);
		return rc;
	}
	buf_release(&err);
	return cli_serve_run(&ctx);
bad:
	rc = cli_fail("serve", 2, "%s", buf_str(&err));
	buf_release(&err);
	return rc;
}
