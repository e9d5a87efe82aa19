/* test_merkle.c - sec/merkle.c against the published RFC 6962 vectors and a level-by-level reference. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "sec/merkle.h"

/*
 * The certificate-transparency test leaves and the roots of their first
 * 0..8 (transparency-dev/merkle testonly, Go's merkle package), with the
 * inclusion and consistency proofs published beside them.
 */
static const char *const ct_leaves[] = {
	"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
	"606162636465666768696a6b6c6d6e6f",
};
static const char *const ct_roots[] = {
	"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
	"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
	"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
	"aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
	"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
	"4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
	"76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
	"ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
	"5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

struct vec_proof {
	uint64_t a, n; /* inclusion: leaf a of n; consistency: from a to n */
	const char *path[4];
};

static const struct vec_proof ct_inclusion[] = {
	{0, 1, {NULL}},
	{0, 8, {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
		"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
		"6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
	{5, 8, {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
		"ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
		"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
	{2, 3, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
	{1, 5, {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
		"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
		"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
};

static const struct vec_proof ct_consistency[] = {
	{1, 1, {NULL}},
	{1, 8, {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
		"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
		"6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
	{6, 8, {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
		"ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
		"d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
	{2, 5, {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
		"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
	{2, 8, {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
		"6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
};

static void unhex(const char *s, unsigned char *out, size_t *n)
{
	size_t len = strlen(s) / 2;

	assert_int_equal(sodium_hex2bin(out, 64, s, strlen(s), NULL, n, NULL), 0);
	assert_int_equal(*n, len);
}

static void hash_of(const char *hex, merkle_hash out)
{
	size_t n;

	unhex(hex, out, &n);
	assert_int_equal(n, MERKLE_HASH);
}

static merkle_hash ct_leaf[8];

static void ct_setup(void)
{
	for (int i = 0; i < 8; i++) {
		unsigned char e[64];
		size_t n;

		unhex(ct_leaves[i], e, &n);
		merkle_leaf(e, n, ct_leaf[i]);
	}
}

static void test_ct_roots(void **state)
{
	struct merkle_frontier f = {0};
	merkle_hash want, got;

	(void)state;
	ct_setup();
	for (uint64_t n = 0; n <= 8; n++) {
		hash_of(ct_roots[n], want);
		merkle_root(ct_leaf, n, got);
		assert_memory_equal(got, want, MERKLE_HASH);
		merkle_frontier_root(&f, got);
		assert_memory_equal(got, want, MERKLE_HASH);
		if (n < 8)
			merkle_frontier_append(&f, ct_leaf[n]);
	}
}

static size_t vec_path(const struct vec_proof *v, merkle_hash *out)
{
	size_t n = 0;

	while (n < 4 && v->path[n]) {
		hash_of(v->path[n], out[n]);
		n++;
	}
	return n;
}

static void test_ct_inclusion(void **state)
{
	(void)state;
	ct_setup();
	for (size_t i = 0; i < sizeof(ct_inclusion) / sizeof(ct_inclusion[0]); i++) {
		const struct vec_proof *v = &ct_inclusion[i];
		merkle_hash want[4], got[MERKLE_PATH_MAX], root;
		size_t nw = vec_path(v, want), ng;

		assert_int_equal(merkle_inclusion_proof(ct_leaf, v->n, v->a, got, &ng), 0);
		assert_int_equal(ng, nw);
		if (nw)
			assert_memory_equal(got, want, nw * MERKLE_HASH);
		hash_of(ct_roots[v->n], root);
		assert_true(merkle_inclusion_verify(v->a, v->n, ct_leaf[v->a], want, nw, root));
		assert_false(merkle_inclusion_verify(v->a ^ 1, v->n, ct_leaf[v->a], want, nw, root) &&
			     v->n > 1);
	}
	assert_int_not_equal(merkle_inclusion_proof(ct_leaf, 8, 8, NULL, &(size_t){0}), 0);
}

static void test_ct_consistency(void **state)
{
	(void)state;
	ct_setup();
	for (size_t i = 0; i < sizeof(ct_consistency) / sizeof(ct_consistency[0]); i++) {
		const struct vec_proof *v = &ct_consistency[i];
		merkle_hash want[4], got[MERKLE_PATH_MAX], r1, r2;
		size_t nw = vec_path(v, want), ng;

		assert_int_equal(merkle_consistency_proof(ct_leaf, v->n, v->a, got, &ng), 0);
		assert_int_equal(ng, nw);
		if (nw)
			assert_memory_equal(got, want, nw * MERKLE_HASH);
		hash_of(ct_roots[v->a], r1);
		hash_of(ct_roots[v->n], r2);
		assert_true(merkle_consistency_verify(v->a, v->n, r1, r2, want, nw));
		assert_false(merkle_consistency_verify(v->a, v->n, r2, r1, want, nw) && v->a != v->n);
	}
}

/* ------------------------------------------------------------------ */
/* A reference built another way: level by level, a lone last node      */
/* carried up unchanged (which is what RFC 6962's split amounts to).     */
/* ------------------------------------------------------------------ */

#define NMAX 130

static void ref_root(const merkle_hash *leaves, size_t n, merkle_hash out)
{
	merkle_hash lvl[NMAX];
	size_t w = n;

	if (n == 0) {
		crypto_hash_sha256(out, NULL, 0);
		return;
	}
	memcpy(lvl, leaves, n * MERKLE_HASH);
	while (w > 1) {
		size_t o = 0;

		for (size_t i = 0; i < w; i += 2, o++) {
			if (i + 1 < w)
				merkle_node(lvl[i], lvl[i + 1], lvl[o]);
			else
				memcpy(lvl[o], lvl[i], MERKLE_HASH);
		}
		w = o;
	}
	memcpy(out, lvl[0], MERKLE_HASH);
}

/* The audit path: at each level the sibling, if the node has one. */
static size_t ref_path(const merkle_hash *leaves, size_t n, size_t m, merkle_hash *path)
{
	merkle_hash lvl[NMAX];
	size_t w = n, len = 0;

	memcpy(lvl, leaves, n * MERKLE_HASH);
	while (w > 1) {
		size_t o = 0, sib = m ^ 1;

		if (sib < w)
			memcpy(path[len++], lvl[sib], MERKLE_HASH);
		for (size_t i = 0; i < w; i += 2, o++) {
			if (i + 1 < w)
				merkle_node(lvl[i], lvl[i + 1], lvl[o]);
			else
				memcpy(lvl[o], lvl[i], MERKLE_HASH);
		}
		w = o;
		m >>= 1;
	}
	return len;
}

static merkle_hash rnd_leaf[NMAX];

static void rnd_setup(void)
{
	for (int i = 0; i < NMAX; i++) {
		unsigned char e[10];

		/* Distinct entries of varied length: the index, then random bytes. */
		randombytes_buf(e, sizeof(e));
		e[0] = (unsigned char)i;
		merkle_leaf(e, 1 + (size_t)(i % 10), rnd_leaf[i]);
	}
}

static void test_random_roots_and_paths(void **state)
{
	struct merkle_frontier f = {0};

	(void)state;
	rnd_setup();
	for (size_t n = 0; n < NMAX; n++) {
		merkle_hash want, got, fr;

		ref_root(rnd_leaf, n, want);
		merkle_root(rnd_leaf, n, got);
		merkle_frontier_root(&f, fr);
		assert_memory_equal(got, want, MERKLE_HASH);
		assert_memory_equal(fr, want, MERKLE_HASH);
		merkle_frontier_append(&f, rnd_leaf[n]);
		for (size_t m = 0; m < n; m++) {
			merkle_hash rp[MERKLE_PATH_MAX], p[MERKLE_PATH_MAX];
			size_t rl = ref_path(rnd_leaf, n, m, rp), pl;

			assert_int_equal(merkle_inclusion_proof(rnd_leaf, n, m, p, &pl), 0);
			assert_int_equal(pl, rl);
			if (pl)
				assert_memory_equal(p, rp, pl * MERKLE_HASH);
			assert_true(merkle_inclusion_verify(m, n, rnd_leaf[m], p, pl, want));
			/*
			 * Another leaf or index, a flipped byte, a short path: refused.
			 * (A size alone is not bound: leaf 0 of 6 and of 7 hash alike;
			 * the root binds the size.)
			 */
			assert_false(merkle_inclusion_verify(m, n, rnd_leaf[n], p, pl, want));
			if (n > 1)
				assert_false(merkle_inclusion_verify((m + 1) % n, n, rnd_leaf[m], p,
								     pl, want));
			if (pl) {
				p[rand() % pl][rand() % MERKLE_HASH] ^= 0x40;
				assert_false(merkle_inclusion_verify(m, n, rnd_leaf[m], p, pl, want));
				assert_false(merkle_inclusion_verify(m, n, rnd_leaf[m], rp, pl - 1,
								     want));
			}
		}
	}
}

static void test_random_consistency(void **state)
{
	(void)state;
	rnd_setup();
	for (size_t n = 0; n < 70; n++) {
		merkle_hash r2, bad;

		ref_root(rnd_leaf, n, r2);
		memcpy(bad, r2, MERKLE_HASH);
		bad[5] ^= 1;
		for (size_t m = 0; m <= n; m++) {
			merkle_hash r1, p[MERKLE_PATH_MAX];
			size_t pl;

			ref_root(rnd_leaf, m, r1);
			assert_int_equal(merkle_consistency_proof(rnd_leaf, n, m, p, &pl), 0);
			assert_true(merkle_consistency_verify(m, n, r1, r2, p, pl));
			if (m == 0)
				continue;
			assert_false(merkle_consistency_verify(m, n, r1, bad, p, pl));
			assert_false(merkle_consistency_verify(m, n, bad, r2, p, pl) && m != n);
			if (pl) {
				assert_false(merkle_consistency_verify(m, n, r1, r2, p, pl - 1));
				p[rand() % pl][rand() % MERKLE_HASH] ^= 0x02;
				assert_false(merkle_consistency_verify(m, n, r1, r2, p, pl));
			}
			/* The tree of n with its last leaf replaced is not an extension. */
			if (m < n) {
				merkle_hash save, r3;

				memcpy(save, rnd_leaf[m - 1], MERKLE_HASH);
				rnd_leaf[m - 1][0] ^= 0x80;
				ref_root(rnd_leaf, n, r3);
				assert_int_equal(merkle_consistency_proof(rnd_leaf, n, m, p, &pl), 0);
				assert_false(merkle_consistency_verify(m, n, r1, r3, p, pl));
				memcpy(rnd_leaf[m - 1], save, MERKLE_HASH);
			}
		}
	}
	assert_int_not_equal(merkle_consistency_proof(rnd_leaf, 3, 4, NULL, &(size_t){0}), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ct_roots),
		cmocka_unit_test(test_ct_inclusion),
		cmocka_unit_test(test_ct_consistency),
		cmocka_unit_test(test_random_roots_and_paths),
		cmocka_unit_test(test_random_consistency),
	};

	if (sodium_init() < 0)
		return 1;
	srand(6962);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
