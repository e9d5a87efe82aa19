/* review.c - names of the review records, defect codes, and the keyed hash that samples items. */
#include "core/review.h"

#include <string.h>

#include "util/err.h"
#include "util/names.h"

static const char *const severity_names[] = {"minor", "major", "critical"};
static const char *const mode_names[] = {"none", "share", "aql"};
static const char *const level_names[SAMPLING_LEVELS] = {"S1", "S2", "S3", "S4", "I", "II", "III"};
static const char *const rstate_names[RV__COUNT] = {"held",	"waiting",  "leased",
						    "accepted", "rejected", "closed"};
static const char *const lot_names[LOT__COUNT] = {"open", "sampling", "accepted", "rejected"};

NAMES_ENUM(defect_severity, enum defect_severity, severity_names)
NAMES_ENUM(sampling_mode, enum sampling_mode, mode_names)
NAMES_ENUM(review_state, enum review_state, rstate_names)

const char *sampling_level_name(int level)
{
	return names_of(level_names, SAMPLING_LEVELS, level, "unknown");
}

int sampling_level_parse(const char *s, int *out)
{
	return names_index(level_names, SAMPLING_LEVELS, s, out);
}

const char *lot_state_name(enum lot_state s)
{
	return names_of(lot_names, LOT__COUNT, (int)s, "unknown");
}

bool defect_code_valid(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	if (n < 1 || n > 63)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

/* SipHash-2-4 (Aumasson and Bernstein, 2012) of 8 bytes: the item id, little-endian. */
#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))
#define SIPROUND                                                                                   \
	do {                                                                                       \
		v0 += v1;                                                                          \
		v1 = ROTL(v1, 13);                                                                 \
		v1 ^= v0;                                                                          \
		v0 = ROTL(v0, 32);                                                                 \
		v2 += v3;                                                                          \
		v3 = ROTL(v3, 16);                                                                 \
		v3 ^= v2;                                                                          \
		v0 += v3;                                                                          \
		v3 = ROTL(v3, 21);                                                                 \
		v3 ^= v0;                                                                          \
		v2 += v1;                                                                          \
		v1 = ROTL(v1, 17);                                                                 \
		v1 ^= v2;                                                                          \
		v2 = ROTL(v2, 32);                                                                 \
	} while (0)

static uint64_t le64(const unsigned char *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

uint64_t sampling_hash(const unsigned char key[SAMPLING_KEY_BYTES], int64_t item_id)
{
	uint64_t k0 = le64(key), k1 = le64(key + 8), m = (uint64_t)item_id;
	uint64_t v0 = 0x736f6d6570736575ULL ^ k0, v1 = 0x646f72616e646f6dULL ^ k1;
	uint64_t v2 = 0x6c7967656e657261ULL ^ k0, v3 = 0x7465646279746573ULL ^ k1;
	uint64_t b = (uint64_t)8 << 56;

	v3 ^= m;
	SIPROUND;
	SIPROUND;
	v0 ^= m;
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= 0xff;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	SIPROUND;
	return v0 ^ v1 ^ v2 ^ v3;
}

bool sampling_chosen(const struct sampling_rec *s, int64_t item_id)
{
	/* 10,000 buckets: a share is whole percent, so the bucket count divides exactly. */
	return s->mode == SAMPLING_SHARE &&
	       sampling_hash(s->key, item_id) % 10000 < (uint64_t)s->share_pct * 100;
}
