"""Deterministic test payloads: the server and the test compute the same bytes.

Stateless and cheap: block i is sha256(seed || i) repeated to fill BLOCK bytes.
"""

import hashlib

BLOCK = 4096


def _block(index):
    digest = hashlib.sha256(b"weft-e2e:%d" % index).digest()
    return (digest * (BLOCK // len(digest)))[:BLOCK]


def iter_payload(size, piece=BLOCK):
    """Yields the `size`-byte payload in pieces of at most `piece` bytes (piece % BLOCK == 0)."""
    offset, index = 0, 0
    while offset < size:
        chunk = b"".join(_block(index + k) for k in range(piece // BLOCK))
        chunk = chunk[: size - offset]
        yield chunk
        offset += len(chunk)
        index += piece // BLOCK


def sha256_of_payload(size):
    h = hashlib.sha256()
    for chunk in iter_payload(size, piece=BLOCK * 16):
        h.update(chunk)
    return h.hexdigest()
