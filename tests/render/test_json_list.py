"""A listing's JSON is written a slice at a time, and reads exactly as one document would."""

from __future__ import annotations

import io
import json
from typing import Any

import orjson
import pytest

from qualicoach.render.console import write_json_list


def written(items: list[Any]) -> bytes:
    out = io.BytesIO()
    write_json_list(iter(items), out)
    return out.getvalue()


def item(n: int) -> dict[str, Any]:
    return {"id": f"deal-{n}", "contacts": [{"name": "Ann", "role": "champion"}],
            "tags": [], "empty": {}, "note": "line one\nline two", "risk": n}


@pytest.mark.parametrize("count", [0, 1, 255, 256, 257, 600])
def test_the_document_is_byte_for_byte_the_one_orjson_writes_whole(count: int) -> None:
    items = [item(n) for n in range(count)]
    whole = orjson.dumps(items, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    assert written(items) == whole


def test_control_and_bidi_characters_are_escaped_in_every_slice() -> None:
    items = [{"id": f"deal-{n}", "name": "evil\u202e\x1b[2J"} for n in range(600)]
    raw = written(items)
    assert "\u202e".encode() not in raw and b"\x1b" not in raw
    assert json.loads(raw) == items  # a JSON reader gets the original text back


def test_objects_are_written_as_they_come_not_all_at_once() -> None:
    class Out(io.BytesIO):
        writes = 0

        def write(self, data: Any) -> int:
            Out.writes += 1
            return super().write(data)

    write_json_list((item(n) for n in range(1000)), Out())
    assert Out.writes > 3
