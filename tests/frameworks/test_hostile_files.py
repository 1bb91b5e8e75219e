"""Framework files from anyone's repository: hostile or broken input gets an error, fast."""

from __future__ import annotations

import textwrap

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qualicoach.errors import FrameworkError
from qualicoach.frameworks.loader import parse_framework

from ..helpers.frameworks import VALID


def error_of(data: bytes) -> str:
    with pytest.raises(FrameworkError) as caught:
        parse_framework(data, "f.yaml")
    return str(caught.value.problems[0])


def test_a_huge_file_is_refused_before_parsing() -> None:
    data = b"id: x\n" + b"# padding\n" * 5_000_000
    assert error_of(data).startswith("f.yaml:1:1: file is 50,000,006 bytes; a framework file "
                                      "may be at most 1,000,000 bytes")


@pytest.mark.parametrize("depth", [100, 400_000])
def test_deep_flow_nesting_is_refused(depth: int) -> None:
    data = b"id: " + b"[" * depth + b"]" * depth
    assert "nested more than 24 levels deep" in error_of(data)


def test_deep_block_nesting_is_refused() -> None:
    data = "".join(" " * i + "- \n" for i in range(200)).encode()
    assert "nested more than 24 levels deep" in error_of(data)


def test_alias_bomb_is_harmless() -> None:
    # The "billion laughs": each level refers nine times to the one below.
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, 10):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    lines.append("name: *a9")
    message = error_of("\n".join(lines).encode())
    assert "unknown key 'a0'" in message


def test_undefined_alias_is_an_error() -> None:
    assert error_of(b"id: *nothing\n") == "f.yaml:1:5: unknown alias '*nothing'"


def test_binary_garbage_is_an_error() -> None:
    assert error_of(bytes(range(256))).startswith(
        "f.yaml:2:118: not UTF-8 text (byte 0x80)")  # byte 10 is a newline


def test_control_characters_are_an_error() -> None:
    assert error_of(b"id: ok\nname: \x1b[31m\n") == (
        "f.yaml:2:7: control character 0x1b is not allowed in YAML; remove it or write it as "
        "an escape in a quoted string")


def test_more_than_one_document_is_an_error() -> None:
    assert error_of(b"id: a\n---\nid: b\n") == (
        "f.yaml:2:1: more than one YAML document; a framework file holds exactly one "
        "(remove '---')"
    )


def test_mapping_keys_must_be_plain_names() -> None:
    with pytest.raises(FrameworkError) as caught:
        parse_framework(b"? [a, b]\n: c\n", "f.yaml")
    assert any("keys must be plain names" in str(p) for p in caught.value.problems)


# --- property-based: random and mutated files never raise anything but FrameworkError ---

_yaml_text = st.text(
    alphabet=st.sampled_from(list("abcdefgh:-[]{}, \n\t'\"!&*#?|>%@`yesno0.512~") + ["\x00"]),
    max_size=300,
)


def assert_loads_or_says_where(data: bytes) -> None:
    """Whatever the bytes, the loader returns a framework or raises FrameworkError naming at
    least one problem, each a one-line message at a real position of this file."""
    try:
        framework = parse_framework(data, "f.yaml")
    except FrameworkError as exc:
        assert exc.problems
        # Every kind of line break YAML knows; an error at the very end may be just past it.
        lines = len(data.decode("utf-8", "replace").splitlines()) + 1
        for problem in exc.problems:
            assert problem.file == "f.yaml" and 1 <= problem.line <= lines, problem
            assert problem.column >= 1 and problem.message.strip(), problem
            assert "\n" not in problem.message and "\x1b" not in problem.message, problem
    else:
        assert framework.id and framework.elements


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=400))
def test_random_bytes_only_raise_framework_error(data: bytes) -> None:
    assert_loads_or_says_where(data)


@settings(max_examples=300, deadline=None)
@given(_yaml_text)
def test_random_yaml_like_text_only_raises_framework_error(text: str) -> None:
    assert_loads_or_says_where(text.encode())


@settings(max_examples=400, deadline=None)
@given(st.data())
def test_mutated_valid_files_only_raise_framework_error(data: st.DataObject) -> None:
    text = textwrap.dedent(VALID)
    for _ in range(data.draw(st.integers(1, 4))):
        position = data.draw(st.integers(0, len(text)))
        action = data.draw(st.sampled_from(["insert", "delete", "replace"]))
        chunk = data.draw(_yaml_text.filter(bool))
        if action == "insert":
            text = text[:position] + chunk + text[position:]
        elif action == "delete":
            text = text[:position] + text[position + len(chunk):]
        else:
            text = text[:position] + chunk + text[position + len(chunk):]
    try:
        parse_framework(text.encode(), "f.yaml")
    except FrameworkError as exc:
        assert exc.problems and all(p.line >= 1 and p.column >= 1 for p in exc.problems)


def test_escape_codes_in_quoted_strings_are_never_printed_raw(run, home) -> None:  # type: ignore[no-untyped-def]
    path = home.write_framework("e.yaml", 'id: e\n"\\e[31mevil": 1\n')
    result = run("frameworks", "validate", str(path))
    assert "\x1b" not in result.stderr
    assert "unknown key '\\x1b[31mevil'" in result.stderr


def test_aliases_that_multiply_questions_are_refused() -> None:
    # 36 KB: 3,000 elements of 3,000 questions of 3,000 choices, all through aliases.
    many = 3000
    text = textwrap.dedent(f"""\
        id: x
        name: X
        version: '1'
        perspective: fit
        description:
          - &c {{value: a, score: 1}}
          - &q {{id: q1, prompt: P, type: choice, choices: [{', '.join(['*c'] * many)}]}}
          - &e {{id: e1, name: E, questions: [{', '.join(['*q'] * many)}]}}
        elements: [{', '.join(['*e'] * many)}]
        """)
    assert error_of(text.encode()) == ("f.yaml:6:5: more than 100,000 values once aliases "
                                       "are expanded; write the values out or use fewer "
                                       "aliases")
