/* web_assets.h - the built web application embedded in the binary (generated web_assets.c). */
#ifndef ALIHDAYA_WEB_ASSETS_H
#define ALIHDAYA_WEB_ASSETS_H

#include <stddef.h>

/* One file of the web build, as is and gzip-compressed (docs/web.md). */
struct web_asset {
	const char *name;  /* "index.html", "app.js", "app.css" */
	const char *ctype; /* its Content-Type */
	const unsigned char *data;
	size_t len;
	const unsigned char *gz;
	size_t gz_len;
};

/*
 * The table the build generates from web/ (CMakeLists.txt, cmake/embed_web.cmake).
 * web_assets_count is 0 when the build had no node: the server then answers a
 * page saying the web application was not built.
 */
extern const struct web_asset web_assets[];
extern const size_t web_assets_count;

#endif
