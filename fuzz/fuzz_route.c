/* fuzz_route.c - libFuzzer target: http__route_find over any method and path. */
/*
 * Input: "METHOD path" (the first space splits them). Checks the contract
 * of http__route_find: a match sets a route whose method is the one asked
 * and ids that are positive; a 405 names at least one allowed method.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "http/http_int.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct route *rt = NULL;
	int64_t params[HTTP_MAX_PARAMS];
	size_t n_params = 0;
	char allow[64], *text, *path;
	int rc;

	text = malloc(size + 1);
	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	path = strchr(text, ' ');
	if (path)
		*path++ = '\0';
	else
		path = text + strlen(text);
	rc = http__route_find(text, path, &rt, params, &n_params, allow, sizeof(allow));
	if (rc == 0) {
		if (!rt || strcmp(rt->method, text) || n_params > HTTP_MAX_PARAMS)
			abort();
		for (size_t i = 0; i < n_params; i++)
			if (params[i] <= 0)
				abort();
	} else if (rc == ERR_METHOD) {
		if (!allow[0] || !memchr(allow, '\0', sizeof(allow)))
			abort();
	} else if (rc != ERR_NOTFOUND) {
		abort();
	}
	free(text);
	return 0;
}
