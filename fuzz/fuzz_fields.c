/* fuzz_fields.c - libFuzzer target: field declarations (core/fields.h) and documents checked
 * against them. */
/*
 * The input is a declaration, a NUL byte, then a document. A declaration
 * that parses checks the document; a document compared with itself never
 * differs; every declared field's normalised text is produced.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/fields.h"
#include "util/buf.h"
#include "util/err.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf err = BUF_INIT, out = BUF_INIT;
	struct fieldset *fs = NULL;
	struct field_diff *d;
	char *s = malloc(size + 2);
	const char *doc;
	int rc;

	d = malloc(sizeof(*d));
	if (!s || !d)
		goto out;
	memcpy(s, data, size);
	s[size] = s[size + 1] = '\0';
	doc = s + strlen(s) + 1; /* after the first NUL, or "" */
	if (fieldset_parse(s, &fs, &err)) {
		if (fs || !err.len)
			abort(); /* a refusal always says why and gives nothing */
		goto out;
	}
	rc = fieldset_check(fs, doc, &err);
	if (rc != 0 && rc != ERR_INVALID && rc != ERR_NOMEM)
		abort();
	if (rc == ERR_INVALID && !err.len)
		abort();
	if (fieldset_compare(fs, doc, doc, d) == 0 && d->n_diff)
		abort();
	for (size_t i = 0; i < fieldset_count(fs); i++) {
		buf_reset(&out);
		rc = fieldset_normalized(fs, doc, fieldset_name(fs, i), &out);
		if (rc == 0 && !out.len)
			abort();
	}
out:
	fieldset_free(fs);
	buf_release(&err);
	buf_release(&out);
	free(d);
	free(s);
	return 0;
}
