/* openapi_doc.h - the OpenAPI 3.1 document of the API embedded in the binary (generated openapi_doc.c). */
#ifndef ALIHDAYA_OPENAPI_DOC_H
#define ALIHDAYA_OPENAPI_DOC_H

#include <stddef.h>

/*
 * docs/openapi/base.json with every docs/openapi/paths fragment (*.json) merged into its
 * paths, as the build assembled it (CMakeLists.txt, cmake/embed_openapi.cmake).
 */
extern const unsigned char openapi_doc[];
extern const size_t openapi_doc_len;

#endif
