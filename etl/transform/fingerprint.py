"""What identifies an article's text: a hash of it for exact copies, and a MinHash signature of its
character shingles for copies that differ a little and revisions that share part of it.

The text is the search index's form of the body (Traditional folded to Simplified) without
whitespace and punctuation, so a copy that only re-spaced its figures (`1 月 1 日` → `1月1日`) or
was converted to the other script has the same hash. The signature is rensa's R-MinHash over the
5-character shingles of the text's first SIGNATURE_CHARS characters: a story's later versions keep
its opening, and the cost stays flat for transcripts of 300 KB. Shingles are hashed to integers in
one pass (numpy, which the language identifier loads anyway) and given to rensa's prehashed
input. The signature is cut into LSH bands, whose hashes the loader indexes (see BANDS).
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass

SHINGLE = 5
SIGNATURE_CHARS = 2000
PERMUTATIONS = 128
# 20 bands of 5 values (100 of the 128): texts of Jaccard similarity 0.7 share a band with
# probability 0.97, of 0.8 with 0.9996, of 0.3 (the most two different transcripts of the GNews
# sample share, through their common opening) with 0.05
BANDS = 20
ROWS = 5
SEED = 20221
# texts shorter than this (in shingles) get no signature: a few shingles say nothing about a match
MIN_SHINGLES = 20
_NOT_TEXT = re.compile(r"[\W_]+")
_MULTIPLIER = 0x100000001B3  # FNV's 64-bit prime: a polynomial over the code points, then mixed


@dataclass(frozen=True)
class Fingerprint:
    text_sha256: str
    shingles: int  # shingles the signature is over (repeats included); 0: too short for one
    signature: bytes  # PERMUTATIONS unsigned 32-bit values, little-endian
    scheme: str  # how the signature was made: only signatures of one scheme compare
    bands: tuple[int, ...]  # band_keys(signature)


@functools.cache
def scheme() -> str:
    import rensa

    return f"rensa-rminhash{rensa.RMinHash(num_perm=1, seed=SEED).ALGORITHM_VERSION}-{PERMUTATIONS}x{SHINGLE}"


def fingerprint(index_body: str) -> Fingerprint:
    """The fingerprint of a body in its search-index form (etl.transform.index_text)."""
    text = _NOT_TEXT.sub("", index_body.replace(" ", "")).lower()  # spaces first: far fewer matches
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    hashes = _shingle_hashes(text[:SIGNATURE_CHARS])
    if len(hashes) < MIN_SHINGLES:
        return Fingerprint(digest, 0, b"", scheme(), ())
    import rensa

    row = rensa.RMinHash.digest_matrix_from_flat_token_hashes(hashes, [0, len(hashes)], PERMUTATIONS, SEED)
    import numpy as np

    signature = np.asarray(row.to_rows()[0], dtype="<u4").tobytes()
    return Fingerprint(digest, len(hashes), signature, scheme(), band_keys(signature))


def band_keys(signature: bytes) -> tuple[int, ...]:
    """The signed 64-bit hash of each band of ROWS values (what the loader indexes)."""
    size = ROWS * 4
    return tuple(
        int.from_bytes(
            hashlib.blake2b(signature[i * size : (i + 1) * size], digest_size=8, person=bytes([i])).digest(),
            "big",
            signed=True,
        )
        for i in range(min(BANDS, len(signature) // size))
    )


def _shingle_hashes(text: str) -> object:
    """Every SHINGLE-character shingle of `text` as a mixed 64-bit integer (a numpy array)."""
    import numpy as np

    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    count = len(codes) - SHINGLE + 1
    if count <= 0:
        return np.zeros(0, dtype=np.uint64)
    value = np.zeros(count, dtype=np.uint64)
    for offset in range(SHINGLE):
        value = value * np.uint64(_MULTIPLIER) + codes[offset : offset + count]
    # splitmix64's finaliser: every bit of the polynomial reaches every bit of the hash
    value ^= value >> np.uint64(30)
    value *= np.uint64(0xBF58476D1CE4E5B9)
    value ^= value >> np.uint64(27)
    value *= np.uint64(0x94D049BB133111EB)
    value ^= value >> np.uint64(31)
    return value
