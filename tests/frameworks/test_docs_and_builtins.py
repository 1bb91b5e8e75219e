"""The built-in frameworks, the documented example and the JSON Schema agree with the loader."""

from __future__ import annotations

import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from qualicoach.errors import FrameworkError
from qualicoach.frameworks.catalog import Source, builtin_folder, framework_files, load_catalog
from qualicoach.frameworks.loader import parse_framework
from qualicoach.frameworks.schema import SCHEMA

from ..helpers.home import DATA, ROOT

BUILTINS = framework_files(builtin_folder())
DOC_EXAMPLE = re.search(r"<!-- example:start -->\n```yaml\n(.*?)```\n<!-- example:end -->",
                        (ROOT / "docs" / "frameworks.md").read_text(), re.S)


def as_json_data(path_or_text: Path | str) -> object:
    text = path_or_text.read_text() if isinstance(path_or_text, Path) else path_or_text
    return yaml.safe_load(text)


def test_the_builtins_are_the_four_documented_ones() -> None:
    assert [p.stem for p in BUILTINS] == ["alignment", "bant", "icp", "meddic"]


@pytest.mark.parametrize("path", BUILTINS, ids=lambda p: p.stem)
def test_builtin_elements_ask_two_to_four_questions(path: Path) -> None:
    framework = parse_framework(path.read_bytes(), str(path))
    for element in framework.elements:
        assert 2 <= len(element.questions) <= 4, f"{framework.id}.{element.id}"


@pytest.mark.parametrize("path", BUILTINS, ids=lambda p: p.stem)
def test_builtin_questions_carry_coaching(path: Path) -> None:
    framework = parse_framework(path.read_bytes(), str(path))
    for question in framework.questions():
        assert question.why and question.how_to_ask, question.key


def test_alignment_is_readiness_and_has_red_flags() -> None:
    path = builtin_folder() / "alignment.yaml"
    framework = parse_framework(path.read_bytes(), str(path))
    assert framework.perspective == "readiness"
    assert sum(q.red_flag for q in framework.questions()) >= 4
    assert {e.id for e in framework.elements} >= {
        "need_to_change", "outcomes", "priority", "stakeholders", "change_capability",
        "decision_process",
    }


def test_builtin_shared_questions_resolve() -> None:
    catalog = load_catalog([Source("built-in", builtin_folder())])
    assert catalog.problems == []
    bant = catalog.get("bant")
    assert bant.question("decision_maker_identified").same_as == (  # type: ignore[union-attr]
        "meddic.economic_buyer_identified")


def test_documented_example_is_valid() -> None:
    assert DOC_EXAMPLE is not None
    framework = parse_framework(DOC_EXAMPLE.group(1).encode(), "docs-example.yaml")
    assert framework.id == "spiced" and framework.question_count == 8


def test_framework_written_from_the_docs_alone_validates(run) -> None:  # type: ignore[no-untyped-def]
    result = run("frameworks", "validate", str(DATA / "new_user" / "spin.yaml"))
    assert result.exit_code == 0, result.output
    assert result.stdout == "1 framework file valid\n"


def schema_validator() -> jsonschema.protocols.Validator:
    cls = jsonschema.validators.validator_for(SCHEMA)
    cls.check_schema(SCHEMA)
    return cls(SCHEMA)


@pytest.mark.parametrize(
    "source", [*BUILTINS, DATA / "new_user" / "spin.yaml", "doc"], ids=lambda s: str(s)[-20:]
)
def test_valid_files_satisfy_the_json_schema(source: Path | str) -> None:
    data = as_json_data(DOC_EXAMPLE.group(1) if source == "doc" else source)  # type: ignore[union-attr]
    errors = [e.message for e in schema_validator().iter_errors(_stringify_bools(data))]
    assert errors == []


def _stringify_bools(data: object, key: str = "") -> object:
    """Undo YAML 1.1 booleans where the format expects words (choice values, conditions)."""
    if isinstance(data, dict):
        return {("yes" if k is True else "no" if k is False else k):
                _stringify_bools(v, str(k)) for k, v in data.items()}
    if isinstance(data, list):
        return [_stringify_bools(v, key) for v in data]
    if isinstance(data, bool) and key not in ("red_flag", "optional"):
        return "yes" if data else "no"
    return data


def test_the_schema_rejects_what_the_loader_rejects_structurally() -> None:
    text = (BUILTINS[0]).read_text().replace("prompt:", "promt:", 1)
    with pytest.raises(FrameworkError):
        parse_framework(text.encode(), "x.yaml")
    assert list(schema_validator().iter_errors(_stringify_bools(yaml.safe_load(text))))


def test_the_docs_name_the_open_stages_settle_by_takes_in_order() -> None:
    from qualicoach.frameworks.model import OPEN_STAGES

    text = " ".join((ROOT / "docs" / "frameworks.md").read_text().split())
    listed = ", ".join(f"`{stage}`" for stage in OPEN_STAGES)
    assert f"The stages are, in order: {listed} (a closed stage" in text


def test_every_built_in_fit_and_readiness_question_says_when_it_must_be_settled() -> None:
    from qualicoach.frameworks.catalog import builtin_folder
    from qualicoach.frameworks.loader import load_framework

    for name in ("alignment", "bant", "meddic"):
        framework = load_framework(builtin_folder() / f"{name}.yaml")
        assert all(q.settle_by for q in framework.questions()), name


# Words of ours, or about the customer in the third person, that must not reach them.
_NOT_THE_CUSTOMERS_VOICE = re.compile(
    r"\b(they|their|them|the customer|economic buyer|champion|our contact)\b", re.I)


def test_every_readiness_question_has_customer_wording_in_their_voice() -> None:
    path = builtin_folder() / "alignment.yaml"
    for question in parse_framework(path.read_bytes(), str(path)).questions():
        wording = question.customer_prompt
        assert wording.endswith("?") and re.search(r"\byour?\b", wording, re.I), question.key
        assert not _NOT_THE_CUSTOMERS_VOICE.search(wording), question.key
        assert question.customer_why, question.key


@pytest.mark.parametrize("path", BUILTINS, ids=lambda p: p.stem)
def test_builtin_customer_wording_speaks_to_the_customer(path: Path) -> None:
    framework = parse_framework(path.read_bytes(), str(path))
    worded = [q for q in framework.questions() if q.customer_prompt]
    assert worded, framework.id
    for question in worded:
        assert re.search(r"\byour?\b", question.customer_prompt, re.I), question.key
        assert not _NOT_THE_CUSTOMERS_VOICE.search(question.customer_prompt), question.key


def test_shared_questions_carry_the_same_customer_wording() -> None:
    catalog = load_catalog([Source("built-in", builtin_folder())])
    for framework in catalog.frameworks():
        for question in framework.questions():
            if not (question.same_as and question.customer_prompt):
                continue
            framework_id, question_id = question.same_as.split(".")
            target = catalog.get(framework_id).question(question_id)
            if target is not None:
                assert question.customer_prompt == target.customer_prompt, question.key


def test_a_first_comparable_initiative_is_no_red_flag() -> None:
    # No track record is no evidence of abandoning initiatives: a first-time initiative
    # scoring below weak_below made a ready customer "at risk" on that alone.
    from qualicoach.config.settings import Settings
    from qualicoach.frameworks.loader import load_framework

    question = load_framework(builtin_folder() / "alignment.yaml").question("track_record")
    assert question is not None
    first_time = question.choice("first_time")
    assert first_time is not None
    assert first_time.score >= Settings().weak_below
