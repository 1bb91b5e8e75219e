"""Reading files a user names, without trusting them to end.

A path on the command line may be ``/dev/zero``, a FIFO or a file that grows while it is
read. Every input file is read up to its size limit plus one byte, so "too big" is known
without reading the rest.
"""

from __future__ import annotations

from pathlib import Path

_CHUNK = 1 << 20


def read_at_most(path: Path, limit: int) -> bytes:
    """The file's bytes, or its first ``limit + 1`` bytes when it is longer than ``limit``.

    A result longer than ``limit`` means the file is too big. Raises OSError.
    """
    chunks: list[bytes] = []
    size = 0
    with path.open("rb") as handle:
        # In chunks: one read(limit + 1) would set aside the whole limit for any file.
        while size <= limit:
            chunk = handle.read(min(_CHUNK, limit + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
    return b"".join(chunks)
