"""Reading files a user names, without trusting them to end.

A path on the command line may be ``/dev/zero``, a FIFO or a file that grows while it is
read. Every input file is read up to its size limit plus one byte, so "too big" is known
without reading the rest.
"""

from __future__ import annotations

from pathlib import Path

from qualicoach.errors import FrameworkError, Problem

_CHUNK = 1 << 20
# Framework, settings and answers files: far bigger than any of them needs to be.
MAX_BYTES = 1_000_000


def article(kind: str) -> str:
    """``kind`` with its indefinite article: "a settings file", "an answers file"."""
    return f"{'an' if kind[:1] in 'aeiou' else 'a'} {kind}"


def read_yaml_bytes(path: Path, kind: str = "framework file") -> bytes:
    """The bytes of a YAML file a user wrote, at most ``MAX_BYTES``.

    Raises FrameworkError when the file is larger, OSError when it cannot be read. Apart
    from parsing (``nodes.read_yaml``), so that a cached parse can be looked up by the
    bytes without loading the YAML library.
    """
    data = read_at_most(path, MAX_BYTES)
    if len(data) > MAX_BYTES:
        raise FrameworkError([Problem(str(path), 1, 1, f"file is larger than {MAX_BYTES:,} "
                                      f"bytes; {article(kind)} may be at most {MAX_BYTES:,} "
                                      "bytes")])
    return data


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
