/* export.c - `alihdaya item export`: an engagement's results as CSV, JSON Lines or XLSX, to a file.
 */
#include <curl/curl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "app/exports.h"
#include "cli/cli.h"
#include "cli/common.h"
#include "util/err.h"
#include "wire/export.h"

#define CMD "item export"

/* No server: the use case on our own engine (the audit event first), rendered to out. */
static int run_local(struct cli_ctx *ctx, const struct app_export_in *in, FILE *out, int64_t *rows)
{
	struct app_export *ex = NULL;
	struct wire_export *we = NULL;
	struct app_export_row row = {0};
	struct buf err = BUF_INIT, chunk = BUF_INIT;
	struct cmd *audit = calloc(1, sizeof(*audit));
	int rc, fd = -1;

	if (!audit)
		return cli_fail(CMD, 1, "out of memory");
	rc = app_export_begin(&ctx->app, cli_actor(ctx), in, &ex, audit, &err);
	if (!rc)
		rc = app_export_open(ex, app_call(&ctx->app, audit), &err);
	if (!rc)
		rc = wire_export_new(app_export_format(ex), app_export_cols(ex), ctx->cfg.data_dir,
				     &we, &err);
	if (!rc)
		rc = wire_export_header(we, &chunk, &err);
	while (!rc && (rc = app_export_next(ex, &row, &err)) == 1) {
		(*rows)++;
		rc = wire_export_row(we, &row, &chunk, &err);
		/* CSV and JSON Lines leave as they are rendered: nothing held but a chunk */
		if (!rc && chunk.len >= 64 * 1024) {
			if (fwrite(chunk.data, 1, chunk.len, out) != chunk.len)
				rc = buf_error(&err, ERR_IO, "cannot write the output");
			buf_reset(&chunk);
		}
	}
	if (!rc && chunk.len && fwrite(chunk.data, 1, chunk.len, out) != chunk.len)
		rc = buf_error(&err, ERR_IO, "cannot write the output");
	if (!rc && app_export_format(ex) == EXPORT_XLSX &&
	    !(rc = wire_export_finish(we, &fd, &err))) {
		char b[64 * 1024];
		ssize_t n;

		while ((n = read(fd, b, sizeof(b))) > 0)
			if (fwrite(b, 1, (size_t)n, out) != (size_t)n) {
				n = -1;
				break;
			}
		if (n < 0)
			rc = buf_error(&err, ERR_IO, "cannot copy the workbook");
		close(fd);
	}
	if (rc)
		rc = cli_fail(CMD, rc == ERR_INVALID ? 2 : 1, "%s", buf_str(&err));
	item_rec_release(&row.item);
	wire_export_free(we);
	app_export_free(ex);
	cmd_release(audit);
	free(audit);
	buf_release(&chunk);
	buf_release(&err);
	return rc;
}

struct download {
	CURL *cu;
	FILE *out;
	struct buf error; /* a refusal's body */
	bool failed;
};

static size_t on_body(char *src, size_t size, size_t n, void *arg)
{
	struct download *d = arg;
	long status = 0;

	curl_easy_getinfo(d->cu, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200)
		return buf_append(&d->error, src, size * n) ? 0 : size * n;
	if (fwrite(src, size, n, d->out) != n) {
		d->failed = true;
		return 0;
	}
	return size * n;
}

/* A server holds the data directory: the export streamed from it on its socket. */
static int run_remote(struct cli_ctx *ctx, const struct app_export_in *in, FILE *out)
{
	char url[4096], sock[4200], authz[AUTH_TOKEN_TEXT + 32], cerr[CURL_ERROR_SIZE] = "";
	struct download d = {.out = out};
	struct curl_slist *hdr = NULL;
	struct buf q = BUF_INIT;
	const char *names[] = {"from", "to", "state"};
	const char *vals[] = {in->from, in->to, in->state};
	json_t *ans = NULL, *e;
	long status = 0;
	CURLcode cc;
	int rc = 0;

	buf_init(&d.error, 1 << 20);
	if (curl_global_init(CURL_GLOBAL_DEFAULT) || !(d.cu = curl_easy_init()))
		return cli_fail(CMD, 1, "cannot start libcurl");
	buf_printf(&q, "format=%s", in->format);
	for (size_t i = 0; i < 3; i++)
		if (vals[i]) {
			char *v = curl_easy_escape(d.cu, vals[i], 0);

			buf_printf(&q, "&%s=%s", names[i], v ? v : "");
			curl_free(v);
		}
	snprintf(sock, sizeof(sock), "%s/%s", ctx->cfg.data_dir, CLI_SOCK_FILE);
	snprintf(url, sizeof(url), "http://localhost/v1/engagements/%lld/export?%s",
		 (long long)in->engagement_id, buf_str(&q));
	if (ctx->token) {
		snprintf(authz, sizeof(authz), "Authorization: Bearer %s", ctx->token);
		hdr = curl_slist_append(hdr, authz);
	}
	curl_easy_setopt(d.cu, CURLOPT_UNIX_SOCKET_PATH, sock);
	curl_easy_setopt(d.cu, CURLOPT_URL, url);
	curl_easy_setopt(d.cu, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(d.cu, CURLOPT_WRITEFUNCTION, on_body);
	curl_easy_setopt(d.cu, CURLOPT_WRITEDATA, &d);
	curl_easy_setopt(d.cu, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(d.cu, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(d.cu, CURLOPT_NOPROXY, "*");
	cc = curl_easy_perform(d.cu);
	curl_easy_getinfo(d.cu, CURLINFO_RESPONSE_CODE, &status);
	curl_slist_free_all(hdr);
	curl_easy_cleanup(d.cu);
	curl_global_cleanup();
	if (status && status != 200) {
		ans = json_loadb(d.error.data ? d.error.data : "", d.error.len, 0, NULL);
		e = json_object_get(json_object_get(ans, "error"), "message");
		rc = cli_fail(CMD, status == 400 ? 2 : 1, "%s",
			      json_is_string(e) ? json_string_value(e) : "the server refused");
	} else if (cc != CURLE_OK || d.failed) {
		/* a cut-off stream (chunked, not ended) is an error too: the file is not whole */
		rc = cli_fail(CMD, 1, "the server on %s: %s", sock,
			      d.failed	? "cannot write the output"
			      : cerr[0] ? cerr
					: curl_easy_strerror(cc));
	}
	json_decref(ans);
	buf_release(&d.error);
	buf_release(&q);
	return rc;
}

static char dash_o[] = "--output";

int cli_item_export(int argc, char **argv)
{
	static const struct option opts[] = {{"engagement", required_argument, 0, 'e'},
					     {"format", required_argument, 0, 'f'},
					     {"from", required_argument, 0, 'F'},
					     {"to", required_argument, 0, 'T'},
					     {"state", required_argument, 0, 's'},
					     {"output", required_argument, 0, 'o'},
					     {"help", no_argument, 0, 'h'},
					     {"data", required_argument, 0, 'd'},
					     {0, 0, 0, 0}};
	struct app_export_in in = {0};
	const char *path = NULL;
	int64_t rows = 0;
	struct cli_noun w;
	FILE *out = NULL;
	int opt, rc = cli_noun_begin(&w, argc, argv, "item");

	if (rc)
		return rc;
	/* -o FILE, as curl and cc spell it: the noun parser knows only long options */
	for (int i = 2; i < argc; i++)
		if (!strcmp(argv[i], "-o"))
			argv[i] = dash_o;
	while ((opt = cli_noun_getopt(&w, argc, argv, opts)) != -1) {
		if (opt == 'e' && cli_parse_id(optarg, &in.engagement_id))
			return cli_fail(CMD, 2, "--engagement: a positive id");
		if (opt == 'f')
			in.format = optarg;
		if (opt == 'F')
			in.from = optarg;
		if (opt == 'T')
			in.to = optarg;
		if (opt == 's')
			in.state = optarg;
		if (opt == 'o')
			path = optarg;
		if (opt == 'h' || opt == '?')
			goto help;
	}
	if (!in.engagement_id || !in.format || optind != argc - 1)
		goto help;
	if (!path && !strcmp(in.format, "xlsx") && isatty(STDOUT_FILENO))
		return cli_fail(CMD, 2, "an XLSX workbook is binary: give -o FILE");
	if ((rc = cli_noun_open(&w, CLI_WRITE)) || (rc = cli_as_token(&w.ctx, CMD)))
		goto out;
	if (path && !(out = fopen(path, "wb"))) {
		rc = cli_fail(CMD, 1, "cannot write %s", path);
		goto out;
	}
	rc = w.ctx.served ? run_remote(&w.ctx, &in, out ? out : stdout)
			  : run_local(&w.ctx, &in, out ? out : stdout, &rows);
	if (out && fclose(out) && !rc)
		rc = cli_fail(CMD, 1, "cannot write %s", path);
	out = NULL;
	if (rc && path)
		unlink(path); /* never a partial file that looks whole */
	else if (path && !w.ctx.served)
		fprintf(stderr, "item export: %lld rows to %s\n", (long long)rows, path);
out:
	if (out)
		fclose(out);
	cli_close(&w.ctx);
	return rc;
help:
	printf("usage: alihdaya item export --engagement ID --format csv|jsonl|xlsx\n"
	       "           [--from T] [--to T] [--state STATE] [-o|--output FILE]\n\n"
	       "Writes the engagement's items with their payload and result fields as columns\n"
	       "(docs/api.md \"Exports\") to FILE or stdout: from the running server, or with no\n"
	       "server through this command's own engine. from/to are RFC 3339 times on the\n"
	       "item's created_at (from inclusive, to exclusive). The export is audited.\n");
	cli_close(&w.ctx);
	return opt == 'h' ? 0 : 2;
}
