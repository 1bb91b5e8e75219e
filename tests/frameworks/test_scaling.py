"""Big frameworks load in time proportional to their size.

Timings belong in bench/framework_bench.py; here the work is counted instead: every
function call the loader makes, which a quadratic step (comparing each question with
all the earlier ones) multiplies.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from types import FrameType
from typing import Any

from qualicoach.frameworks.loader import parse_framework
from qualicoach.frameworks.model import Framework
from qualicoach.frameworks.references import check_references


def framework_text(fw_id: str, questions: int, shared_with: str | None = None) -> bytes:
    """A valid framework: ten questions per element, each from the second on asked only
    when the one before was answered yes, or each shared with ``shared_with``'s."""
    lines = [f"id: {fw_id}", f"name: {fw_id}", "version: '1'", "perspective: fit", "elements:"]
    for number in range(questions):
        if number % 10 == 0:
            lines += [f"  - id: e{number // 10}", f"    name: Element {number // 10}",
                      "    questions:"]
        lines += [f"      - id: q{number}", f"        prompt: Question {number}?",
                  "        type: yes_no"]
        if shared_with:
            lines.append(f"        same_as: {shared_with}.q{number}")
        elif number:
            lines.append(f"        when: {{q{number - 1}: yes}}")
    return ("\n".join(lines) + "\n").encode()


def calls_made(work: Callable[[], Any]) -> int:
    """How many Python and built-in function calls ``work`` makes."""
    count = 0

    def profile(frame: FrameType, event: str, arg: Any) -> None:
        nonlocal count
        if event in ("call", "c_call"):
            count += 1

    sys.setprofile(profile)
    try:
        work()
    finally:
        sys.setprofile(None)
    return count


def load_pair(questions: int) -> tuple[Framework, Framework]:
    own = parse_framework(framework_text("own", questions), "own.yaml")
    shared = parse_framework(framework_text("shared", questions, "own"), "shared.yaml")
    assert not check_references([shared], {"own": own, "shared": shared})
    return own, shared


def test_loading_four_times_the_questions_is_four_times_the_work() -> None:
    small, large = 300, 1200
    texts = {n: (framework_text("own", n), framework_text("shared", n, "own"))
             for n in (small, large)}

    def load(n: int) -> Callable[[], None]:
        def work() -> None:
            own = parse_framework(texts[n][0], "own.yaml")
            shared = parse_framework(texts[n][1], "shared.yaml")
            assert not check_references([shared], {"own": own, "shared": shared})
        return work

    ratio = calls_made(load(large)) / calls_made(load(small))
    assert ratio < 4.4, f"4x the questions took {ratio:.1f}x the calls"


def test_the_counted_framework_is_valid_and_conditional() -> None:
    own, shared = load_pair(30)
    assert own.question_count == shared.question_count == 30
    assert own.question("q7").when[0].question == "q6"  # type: ignore[union-attr]
    assert shared.question("q7").answer_key == "own.q7"  # type: ignore[union-attr]
