/* h_web.c - the browser application: embedded in the binary, or files under opts.web_dir (--web-dir). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "http/http_int.h"
#include "http/web_assets.h"
#include "util/err.h"
#include "util/names.h"

#define WEB_FILE_MAX ((off_t)4 << 20)
#define WEB_PATH_MAX 512

static const char *content_type(const char *name)
{
	static const struct name_pair types[] = {
	    {".html", "text/html; charset=utf-8"},
	    {".css", "text/css; charset=utf-8"},
	    {".js", "text/javascript; charset=utf-8"},
	    {".json", "application/json"},
	    {".svg", "image/svg+xml"},
	    {".png", "image/png"},
	    {".ico", "image/x-icon"},
	    {".txt", "text/plain; charset=utf-8"},
	};
	const char *type = names_find(types, NAMES_COUNT(types), strrchr(name, '.'));

	return type ? type : "application/octet-stream";
}

/* Answers the file rel (relative to web_dir, already checked) or 404. */
static int send_file(struct req *r, const char *rel)
{
	char path[WEB_PATH_MAX + 64];
	struct stat st;
	ssize_t got;
	size_t n;
	char *data;
	int fd, len;

	len = snprintf(path, sizeof(path), "%s/%s", r->srv->web_dir, rel);
	if (len < 0 || (size_t)len >= sizeof(path))
		return http__fail(r, ERR_NOTFOUND, "no such file");
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return http__fail(r, ERR_NOTFOUND, "no such file");
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > WEB_FILE_MAX) {
		close(fd);
		return http__fail(r, ERR_NOTFOUND, "no such file");
	}
	data = malloc((size_t)st.st_size + 1);
	if (!data) {
		close(fd);
		return http__fail(r, ERR_NOMEM, NULL);
	}
	for (n = 0; n < (size_t)st.st_size; n += (size_t)got) {
		got = read(fd, data + n, (size_t)st.st_size - n);
		if (got < 0 && errno == EINTR) {
			got = 0;
			continue;
		}
		if (got <= 0)
			break;
	}
	close(fd);
	http__reply(r, 200, NULL);
	r->raw = data;
	r->raw_len = n;
	r->ctype = content_type(rel);
	return 0;
}

/* The page every web route answers when the build had no node (docs/web.md). */
static const char not_built[] =
    "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
    "<title>alihdaya: web application not built</title></head><body>\n"
    "<h1>The web application was not built</h1>\n"
    "<p>This alihdaya binary was built without Node.js, so it holds no web application. "
    "Run <code>scripts/install.sh</code> (it installs Node.js and the packages of "
    "<code>web/package-lock.json</code>) and build again, or serve a built folder with "
    "<code>--web-dir</code>. The API is under <code>/v1</code>.</p>\n</body></html>\n";

/* Does the request accept a gzip body? ("gzip;q=0" refuses it.) */
static bool accepts_gzip(struct req *r)
{
	const char *ae = MHD_lookup_connection_value(r->conn, MHD_HEADER_KIND,
						     MHD_HTTP_HEADER_ACCEPT_ENCODING);
	const char *g = ae ? strstr(ae, "gzip") : NULL;

	return g && strncmp(g, "gzip;q=0", 8) != 0 && strncmp(g, "gzip; q=0", 9) != 0;
}

/* Answers a copy of bytes (the answer is freed after sending). */
static int send_bytes(struct req *r, const void *bytes, size_t len, const char *ctype, bool gz)
{
	char *data = malloc(len ? len : 1);

	if (!data)
		return http__fail(r, ERR_NOMEM, NULL);
	memcpy(data, bytes, len);
	http__reply(r, 200, NULL);
	r->raw = data;
	r->raw_len = len;
	r->ctype = ctype;
	r->gzip = gz;
	return 0;
}

/* Answers the embedded file name, the "not built" page, or 404. */
static int send_embedded(struct req *r, const char *name)
{
	const struct web_asset *a;
	size_t i;

	if (web_assets_count == 0)
		return send_bytes(r, not_built, sizeof(not_built) - 1, "text/html; charset=utf-8",
				  false);
	for (i = 0; i < web_assets_count; i++) {
		a = &web_assets[i];
		if (strcmp(a->name, name))
			continue;
		if (a->gz_len && accepts_gzip(r))
			return send_bytes(r, a->gz, a->gz_len, a->ctype, true);
		return send_bytes(r, a->data, a->len, a->ctype, false);
	}
	return http__fail(r, ERR_NOTFOUND, "no such file");
}

/* GET / */
int h_web_index(struct req *r)
{
	if (!r->srv->web_dir)
		return send_embedded(r, "index.html");
	return send_file(r, "index.html");
}

/* GET /web/<file> */
int h_web_file(struct req *r)
{
	const char *rel = r->path + strlen("/web/");
	size_t n = strlen(rel);

	/* Plain relative names only: no "..", no hidden files, no odd bytes. */
	if (n == 0 || n > WEB_PATH_MAX || rel[0] == '/' || rel[0] == '.' || strstr(rel, "..") ||
	    strstr(rel, "/.") ||
	    rel[strspn(rel, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-/")])
		return http__fail(r, ERR_NOTFOUND, "no such file");
	if (!r->srv->web_dir)
		return send_embedded(r, rel);
	return send_file(r, rel);
}
