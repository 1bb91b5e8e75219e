"""No built-in question asks what another already asks, unless the two are shared (same_as).

Two questions that ask the same thing without ``same_as`` let a rep give contradictory
answers that are both scored ("Identify pain 100" next to "they have not thought about
what doing nothing costs"). The check is deliberately simple, so a failure explains itself:
each prompt becomes a set of meaningful words (stop words dropped, plural endings cut, sales
synonyms folded onto one word, so "decision maker" and "economic buyer" are both "buyer"),
and two prompts are near-duplicates when those sets overlap too much (Jaccard index) or the
remaining words read almost the same in order (difflib ratio).
"""

from __future__ import annotations

import difflib
import itertools
import re
import textwrap
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from qualicoach.frameworks.catalog import Source, builtin_folder, load_catalog
from qualicoach.frameworks.model import Framework, Question

# Above these, two prompts ask the same thing. The built-ins' closest distinct pair scores
# well below both (see test_the_thresholds_leave_a_margin_over_the_builtins).
JACCARD_LIMIT = 0.6
RATIO_LIMIT = 0.8
# The built-ins must stay clear of the limits by this much, so that rewording one prompt
# slightly does not flip the test either way.
MARGIN = 0.1

# Words that say nothing about what is asked: grammar, and who is speaking or spoken of
# (every question is about "them" and asked by "us").
STOP_WORDS = frozenset("""
    a about after all also an and any are as at be been before being besides but by can could
    do does done for from get got had has have he her here him his how i if in into is it its
    just me more most much my no not now of on one only or other our ourselves out over own per
    same she so some such than that the their them themselves then there these they this those
    to too up us usually very was we were what when where which who whom whose why will with
    would yet you your yourself customer know many
""".split())

# Sales phrases that mean the same thing, folded onto one word. Longer phrases first, so
# "economic buyer" is folded before "buyer" alone would be.
SYNONYMS: tuple[tuple[str, str], ...] = (
    ("who controls the money", "buyer"),
    ("who can say yes", "buyer"),
    ("economic buyer", "buyer"),
    ("decision makers", "buyer"),
    ("decision maker", "buyer"),
    ("signer", "buyer"),
    ("doing nothing", "pain"),
    ("do nothing", "pain"),
    ("status quo", "pain"),
    ("inaction", "pain"),
    ("problem", "pain"),
    ("spoken with", "access"),
    ("talked to", "access"),
    ("met", "access"),
    ("meet", "access"),
    ("reach", "access"),
    ("money", "budget"),
    ("funds", "budget"),
    ("funding", "budget"),
    ("spend", "budget"),
    ("costs", "cost"),
    ("success", "outcome"),
    ("outcomes", "outcome"),
    ("results", "outcome"),
    ("goals", "outcome"),
    ("metrics", "measure"),
    ("measurable", "measure"),
    ("quantified", "measure"),
    ("numbers", "measure"),
    ("decide", "decision"),
    ("timeline", "date"),
    ("deadline", "date"),
    ("by when", "date"),
)
_SYNONYM_PATTERNS = tuple((re.compile(rf"\b{re.escape(phrase)}\b"), word)
                          for phrase, word in SYNONYMS)


def normalised_words(prompt: str) -> tuple[str, ...]:
    """The prompt's meaningful words, in order: lower case, synonyms folded, stop words and
    plural endings dropped."""
    text = prompt.lower()
    for pattern, word in _SYNONYM_PATTERNS:
        text = pattern.sub(word, text)
    # Digits and single letters are scale markers ("1-5") and possessives ("today's").
    words = (_singular(w) for w in re.findall(r"[a-z]{2,}", text) if w not in STOP_WORDS)
    return tuple(w for w in words if w not in STOP_WORDS)


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


@dataclass(frozen=True)
class Similarity:
    """How alike two questions' prompts are, with the words that make them so."""

    first: Question
    second: Question
    jaccard: float
    ratio: float
    shared: frozenset[str]

    @property
    def near_duplicate(self) -> bool:
        """True when the prompts ask the same thing by either measure."""
        return self.jaccard >= JACCARD_LIMIT or self.ratio >= RATIO_LIMIT

    def explain(self) -> str:
        """One paragraph a framework author can act on."""
        return (f"{self.first.key} and {self.second.key} ask the same thing "
                f"(words in common: {', '.join(sorted(self.shared)) or 'none'}; "
                f"Jaccard {self.jaccard:.2f}, difflib ratio {self.ratio:.2f}):\n"
                f"  {self.first.prompt!r}\n  {self.second.prompt!r}\n"
                "  Share them with same_as, or make one ask something the other does not.")


def similarity(first: Question, second: Question) -> Similarity:
    """Compare two prompts as normalised word sets (Jaccard) and word sequences (difflib)."""
    a, b = normalised_words(first.prompt), normalised_words(second.prompt)
    union = set(a) | set(b)
    jaccard = len(set(a) & set(b)) / len(union) if union else 1.0
    ratio = difflib.SequenceMatcher(None, a, b, autojunk=False).ratio()
    return Similarity(first, second, jaccard, ratio, frozenset(a) & frozenset(b))


def _linked(first: Question, second: Question) -> bool:
    """True when the two store one answer: one names the other, or both name a third."""
    return first.answer_key == second.answer_key


def comparable_pairs(frameworks: Iterable[Framework]) -> list[Similarity]:
    """Every pair of questions, across and within frameworks, that are not shared."""
    questions = [q for fw in frameworks for q in fw.questions()]
    return [similarity(a, b) for a, b in itertools.combinations(questions, 2)
            if not _linked(a, b)]


def near_duplicates(frameworks: Iterable[Framework]) -> list[Similarity]:
    """The pairs of unshared questions whose prompts ask the same thing."""
    return [s for s in comparable_pairs(frameworks) if s.near_duplicate]


def builtins() -> list[Framework]:
    catalog = load_catalog([Source("built-in", builtin_folder())])
    assert catalog.problems == []
    return catalog.frameworks()


def builtins_with(folder: Path) -> list[Framework]:
    """The built-ins plus the frameworks of a team folder, through the real catalog."""
    catalog = load_catalog([Source("built-in", builtin_folder()), Source("team", folder)])
    assert catalog.problems == []
    return catalog.frameworks()


def pair_keys(found: Iterable[Similarity]) -> set[frozenset[str]]:
    return {frozenset((s.first.key, s.second.key)) for s in found}


def write(folder: Path, name: str, text: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(textwrap.dedent(text), encoding="utf-8")


# --- the specification ---------------------------------------------------------------------

def test_no_two_builtin_questions_ask_the_same_thing_unless_shared() -> None:
    found = near_duplicates(builtins())
    assert not found, "\n".join(s.explain() for s in found)


def test_the_thresholds_leave_a_margin_over_the_builtins() -> None:
    closest_jaccard = max(comparable_pairs(builtins()), key=lambda s: s.jaccard)
    closest_ratio = max(comparable_pairs(builtins()), key=lambda s: s.ratio)
    assert closest_jaccard.jaccard <= JACCARD_LIMIT - MARGIN, closest_jaccard.explain()
    assert closest_ratio.ratio <= RATIO_LIMIT - MARGIN, closest_ratio.explain()


def test_sales_synonyms_fold_onto_one_word() -> None:
    assert normalised_words("Have we spoken with the decision maker ourselves?") == (
        "access", "buyer")
    assert normalised_words("What is our access to the economic buyer?") == ("access", "buyer")
    assert normalised_words("Do they know what doing nothing costs them?") == ("pain", "cost")
    assert normalised_words("Do they know what the problem costs them?") == ("pain", "cost")


def test_the_two_reported_pairs_are_caught_when_planted_again(tmp_path: Path) -> None:
    # The prompts the built-ins used to ask beside MEDDIC's and alignment's, before they
    # were shared or rewritten.
    write(tmp_path, "old.yaml", """\
        id: old
        name: Old prompts
        version: "1"
        perspective: fit
        elements:
          - id: e
            name: E
            questions:
              - id: spoke_to_dm
                prompt: Have we spoken with the decision maker ourselves?
                type: yes_no
              - id: problem_cost
                prompt: Do they know what the problem costs them?
                type: yes_no
        """)
    found = pair_keys(near_duplicates(builtins_with(tmp_path)))
    assert frozenset({"old.spoke_to_dm", "meddic.economic_buyer_access"}) in found
    assert frozenset({"old.problem_cost", "alignment.cost_of_inaction"}) in found


def test_a_near_duplicate_within_one_framework_is_caught(tmp_path: Path) -> None:
    write(tmp_path, "twice.yaml", """\
        id: twice
        name: Twice
        version: "1"
        perspective: fit
        elements:
          - id: money
            name: Money
            questions:
              - {id: budget_set, prompt: Is money set aside for this?, type: yes_no}
              - {id: approver, prompt: Who approves the spend?, type: yes_no}
          - id: later
            name: Later
            questions:
              - {id: funds_set, prompt: Have they set aside funds for it?, type: yes_no}
              - {id: pilot, prompt: What happens after the pilot?, type: yes_no}
        """)
    catalog = load_catalog([Source("team", tmp_path)])
    found = near_duplicates(catalog.frameworks())
    assert pair_keys(found) == {frozenset({"twice.budget_set", "twice.funds_set"})}
    assert "words in common: aside, budget, set" in found[0].explain()


def test_questions_that_share_one_answer_are_not_reported(tmp_path: Path) -> None:
    # The same prompt as MEDDIC's, but shared with it: one answer, so nothing to contradict.
    write(tmp_path, "shared.yaml", """\
        id: shared
        name: Shared
        version: "1"
        perspective: fit
        elements:
          - id: e
            name: E
            questions:
              - id: buyer_access
                prompt: What is our access to the economic buyer?
                type: choice
                same_as: meddic.economic_buyer_access
                choices:
                  - {value: none, score: 0}
                  - {value: indirect, score: 0.2}
                  - {value: agreed_to_meet, score: 0.6}
                  - {value: met, score: 1}
                  - {value: sponsor, score: 1}
              - {id: pilot, prompt: What happens after the pilot?, type: yes_no}
        """)
    assert near_duplicates(builtins_with(tmp_path)) == []
