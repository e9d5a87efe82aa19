/* merkle.h - the RFC 6962 Merkle tree: tree hash, inclusion and consistency proofs, their verifiers. */
#ifndef ALIHDAYA_MERKLE_H
#define ALIHDAYA_MERKLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Pure: no I/O, no allocation. SHA-256 comes from libsodium, which is why
 * this sits in sec/ (core/ links no crypto library).
 *   leaf hash = SHA-256(0x00 || entry)
 *   node hash = SHA-256(0x01 || left || right)
 *   MTH({})   = SHA-256("")
 *   MTH(D[n]) = node(MTH(D[0:k]), MTH(D[k:n])), k the largest power of two < n
 * The tree functions take the n leaf hashes (not entries) as an array.
 */
#define MERKLE_HASH 32
/* The longest proof a tree of up to 2^63 leaves has. */
#define MERKLE_PATH_MAX 64

typedef unsigned char merkle_hash[MERKLE_HASH];

void merkle_leaf(const void *entry, size_t len, merkle_hash out);
void merkle_node(const merkle_hash left, const merkle_hash right, merkle_hash out);

/* MTH of leaves[0..n): O(n) hashes. */
void merkle_root(const merkle_hash *leaves, uint64_t n, merkle_hash out);

/*
 * The audit path of leaf m (0-based) in the tree of the first n leaves
 * (RFC 6962 2.1.1), bottom up. OUT: path[0..*len). 0, or ERR_INVALID when
 * m >= n.
 */
int merkle_inclusion_proof(const merkle_hash *leaves, uint64_t n, uint64_t m,
			   merkle_hash path[MERKLE_PATH_MAX], size_t *len);

/*
 * The consistency proof between the trees of the first m and first n leaves
 * (RFC 6962 2.1.2, SUBPROOF). OUT: path[0..*len); empty when m is 0 or n.
 * 0, or ERR_INVALID when m > n.
 */
int merkle_consistency_proof(const merkle_hash *leaves, uint64_t n, uint64_t m,
			     merkle_hash path[MERKLE_PATH_MAX], size_t *len);

/* RFC 9162 2.1.3.2: is leaf (at index, of a tree of size) under root by path? */
bool merkle_inclusion_verify(uint64_t index, uint64_t size, const merkle_hash leaf,
			     const merkle_hash *path, size_t len, const merkle_hash root);

/*
 * RFC 9162 2.1.4.2: is the tree of size2 with root2 an append-only extension
 * of the tree of size1 with root1? Equal sizes: the path must be empty and
 * the roots equal; size1 0: the path must be empty.
 */
bool merkle_consistency_verify(uint64_t size1, uint64_t size2, const merkle_hash root1,
			       const merkle_hash root2, const merkle_hash *path, size_t len);

/*
 * The right frontier (compact range) of a growing tree: for each set bit i
 * of size, the root of the perfect subtree of 2^i leaves it stands for, so
 * appending a leaf and taking the root cost O(log n) hashes and the state
 * is 64 hashes. `struct merkle_frontier f = {0};` is the empty tree.
 */
struct merkle_frontier {
	uint64_t size;
	merkle_hash h[64];
};

void merkle_frontier_append(struct merkle_frontier *f, const merkle_hash leaf);
/* MTH of the leaves appended so far. */
void merkle_frontier_root(const struct merkle_frontier *f, merkle_hash out);

#endif
