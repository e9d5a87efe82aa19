/* merkle.c - the RFC 6962 Merkle tree hash and its proofs, recursive as the RFC writes them. */
#include "sec/merkle.h"

#include <sodium.h>
#include <string.h>

#include "util/err.h"

void merkle_leaf(const void *entry, size_t len, merkle_hash out)
{
	crypto_hash_sha256_state st;
	unsigned char pre = 0x00;

	crypto_hash_sha256_init(&st);
	crypto_hash_sha256_update(&st, &pre, 1);
	crypto_hash_sha256_update(&st, entry, len);
	crypto_hash_sha256_final(&st, out);
}

void merkle_node(const merkle_hash left, const merkle_hash right, merkle_hash out)
{
	unsigned char m[1 + 2 * MERKLE_HASH];

	m[0] = 0x01;
	memcpy(m + 1, left, MERKLE_HASH);
	memcpy(m + 1 + MERKLE_HASH, right, MERKLE_HASH);
	crypto_hash_sha256(out, m, sizeof(m));
}

/* The largest power of two smaller than n (n >= 2). */
static uint64_t split(uint64_t n)
{
	uint64_t k = 1;

	while (k << 1 < n)
		k <<= 1;
	return k;
}

void merkle_root(const merkle_hash *leaves, uint64_t n, merkle_hash out)
{
	merkle_hash l, r;
	uint64_t k;

	if (n == 0) {
		crypto_hash_sha256(out, NULL, 0);
		return;
	}
	if (n == 1) {
		memcpy(out, leaves[0], MERKLE_HASH);
		return;
	}
	k = split(n);
	merkle_root(leaves, k, l);
	merkle_root(leaves + k, n - k, r);
	merkle_node(l, r, out);
}

/* PATH(m, D[n]), appended at path[*len]; the recursion gives it bottom up. */
static void path_of(const merkle_hash *d, uint64_t n, uint64_t m, merkle_hash *path, size_t *len)
{
	uint64_t k;

	if (n <= 1)
		return;
	k = split(n);
	if (m < k) {
		path_of(d, k, m, path, len);
		merkle_root(d + k, n - k, path[(*len)++]);
	} else {
		path_of(d + k, n - k, m - k, path, len);
		merkle_root(d, k, path[(*len)++]);
	}
}

int merkle_inclusion_proof(const merkle_hash *leaves, uint64_t n, uint64_t m,
			   merkle_hash path[MERKLE_PATH_MAX], size_t *len)
{
	*len = 0;
	if (m >= n)
		return ERR_INVALID;
	path_of(leaves, n, m, path, len);
	return 0;
}

/* SUBPROOF(m, D[n], b), appended at path[*len]. */
static void subproof(const merkle_hash *d, uint64_t n, uint64_t m, bool b, merkle_hash *path,
		     size_t *len)
{
	uint64_t k;

	if (m == n) {
		if (!b)
			merkle_root(d, n, path[(*len)++]);
		return;
	}
	k = split(n);
	if (m <= k) {
		subproof(d, k, m, b, path, len);
		merkle_root(d + k, n - k, path[(*len)++]);
	} else {
		subproof(d + k, n - k, m - k, false, path, len);
		merkle_root(d, k, path[(*len)++]);
	}
}

int merkle_consistency_proof(const merkle_hash *leaves, uint64_t n, uint64_t m,
			     merkle_hash path[MERKLE_PATH_MAX], size_t *len)
{
	*len = 0;
	if (m > n)
		return ERR_INVALID;
	if (m == 0 || m == n)
		return 0;
	subproof(leaves, n, m, true, path, len);
	return 0;
}

bool merkle_inclusion_verify(uint64_t index, uint64_t size, const merkle_hash leaf,
			     const merkle_hash *path, size_t len, const merkle_hash root)
{
	uint64_t fn = index, sn;
	merkle_hash r;

	if (index >= size)
		return false;
	sn = size - 1;
	memcpy(r, leaf, MERKLE_HASH);
	for (size_t i = 0; i < len; i++) {
		if (sn == 0)
			return false;
		if ((fn & 1) || fn == sn) {
			merkle_node(path[i], r, r);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			merkle_node(r, path[i], r);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && !memcmp(r, root, MERKLE_HASH);
}

bool merkle_consistency_verify(uint64_t size1, uint64_t size2, const merkle_hash root1,
			       const merkle_hash root2, const merkle_hash *path, size_t len)
{
	uint64_t fn, sn;
	merkle_hash fr, sr;
	size_t i = 0;

	if (size1 > size2)
		return false;
	if (size1 == size2)
		return len == 0 && !memcmp(root1, root2, MERKLE_HASH);
	if (size1 == 0)
		return len == 0;
	if (len == 0)
		return false;
	fn = size1 - 1;
	sn = size2 - 1;
	while (fn & 1) {
		fn >>= 1;
		sn >>= 1;
	}
	/* A first tree that is a perfect subtree is its own first proof node. */
	if (!(size1 & (size1 - 1))) {
		memcpy(fr, root1, MERKLE_HASH);
	} else {
		memcpy(fr, path[0], MERKLE_HASH);
		i = 1;
	}
	memcpy(sr, fr, MERKLE_HASH);
	for (; i < len; i++) {
		if (sn == 0)
			return false;
		if ((fn & 1) || fn == sn) {
			merkle_node(path[i], fr, fr);
			merkle_node(path[i], sr, sr);
			while (!(fn & 1) && fn != 0) {
				fn >>= 1;
				sn >>= 1;
			}
		} else {
			merkle_node(sr, path[i], sr);
		}
		fn >>= 1;
		sn >>= 1;
	}
	return sn == 0 && !memcmp(fr, root1, MERKLE_HASH) && !memcmp(sr, root2, MERKLE_HASH);
}

void merkle_frontier_append(struct merkle_frontier *f, const merkle_hash leaf)
{
	merkle_hash acc;
	int i = 0;

	memcpy(acc, leaf, MERKLE_HASH);
	/* Carry like a binary counter: equal-sized subtrees merge, older on the left. */
	while (f->size >> i & 1) {
		merkle_node(f->h[i], acc, acc);
		i++;
	}
	memcpy(f->h[i], acc, MERKLE_HASH);
	f->size++;
}

void merkle_frontier_root(const struct merkle_frontier *f, merkle_hash out)
{
	bool any = false;

	/* The smallest subtree is the rightmost; each larger one joins on its left. */
	for (int i = 0; i < 64; i++) {
		if (!(f->size >> i & 1))
			continue;
		if (!any)
			memcpy(out, f->h[i], MERKLE_HASH);
		else
			merkle_node(f->h[i], out, out);
		any = true;
	}
	if (!any)
		crypto_hash_sha256(out, NULL, 0);
}
