/* h_openapi.c - GET /v1/openapi.json: the OpenAPI 3.1 document of every route, no token needed. */
#include <stdlib.h>
#include <string.h>

#include "http/http_int.h"
#include "http/openapi_doc.h"
#include "util/err.h"

/* GET /v1/openapi.json: the document the build assembled from docs/openapi/ (a copy: raw is freed). */
int h_openapi(struct req *r)
{
	char *data = malloc(openapi_doc_len ? openapi_doc_len : 1);

	if (!data)
		return ERR_NOMEM;
	memcpy(data, openapi_doc, openapi_doc_len);
	http__reply(r, 200, NULL);
	r->raw = data;
	r->raw_len = openapi_doc_len;
	r->ctype = "application/json";
	return 0;
}
