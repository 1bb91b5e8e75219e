"""The assessment cache never changes what is shown.

A seeded random walk of what users do to a database (deals removed and added again under
the same name, a backup restored, hand edits of deal fields and answers, a reformatted
file, the clock moving on and set back, frameworks and settings changed, answers given)
and, after each step, every listing and a report run twice: with the cache as the earlier
steps left it, and with every cache removed. Both must print the same.
"""

from __future__ import annotations

import json
import random
import shutil
from collections.abc import Callable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from qualicoach.cli.app import app
from qualicoach.cli.context import RunOptions
from qualicoach.coaching import pipeline
from qualicoach.coaching.sample import sample_deals
from qualicoach.domain.answer import Answer
from qualicoach.frameworks.catalog import builtin_folder
from qualicoach.storage.store import Store

from ..helpers.home import Home
from ..helpers.reports import CATALOG

START = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
STEPS = 200  # each, over two seeds
LISTINGS = (
    ("deals", "--format", "json", "--archived"),
    ("deals", "--at-risk", "--all"),
    ("deals", "--at-risk", "--format", "json"),
    ("deals", "--stage", "proposal", "--stage", "negotiation", "--sort", "close", "--all"),
    ("deals", "--closing-within", "30", "--format", "csv"),
)
STAGES = ("prospect", "discovery", "qualified", "proposal", "negotiation", "won", "lost")


class Clock:
    """The walk's clock: moved on and set back by its steps."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now


class Walk:
    """A database, its cache folder, and the steps users take on them."""

    def __init__(self, home: Home, rng: random.Random) -> None:
        self.home, self.rng, self.clock = home, rng, Clock()
        self.cache_dir = home.root / "cache"
        self.runner = CliRunner()

    def store(self) -> Store:
        return Store(self.home.db, clock=self.clock)

    def run(self, *args: str, cache_dir: Path) -> str:
        result = self.runner.invoke(app, list(args), obj=RunOptions(clock=self.clock),
                                    env={"QUALICOACH_CACHE_DIR": str(cache_dir)},
                                    catch_exceptions=False)
        return f"exit {result.exit_code}\n{result.stdout}{result.stderr}"

    def data(self) -> dict[str, Any]:
        loaded: dict[str, Any] = json.loads(self.home.db.read_text())
        return loaded

    def write(self, data: dict[str, Any]) -> None:
        self.home.db.write_text(json.dumps(data, indent=self.rng.choice([None, 1, 4])))

    def deal_ids(self) -> list[str]:
        return [d["id"] for d in self.data()["deals"].values()]

    # --- the steps ---------------------------------------------------------------------

    def add_deal(self) -> None:
        name = self.rng.choice(["Acme renewal", "Globex pilot", "Initech rollout"])
        self.store().add_deal(name, stage=self.rng.choice(STAGES[:5]),
                              amount=float(self.rng.randrange(10, 500) * 1000))

    def remove_and_add_again(self) -> None:
        store = self.store()
        deal = store.deal(self.rng.choice(self.deal_ids()))
        store.remove_deal(deal.id)
        store.add_deal(deal.name, stage=deal.stage, close_date=deal.close_date)

    def restore_backup(self) -> None:
        backup = self.home.db.with_name(self.home.db.name + ".bak")
        if backup.exists():
            shutil.copy(backup, self.home.db)

    def edit_deal_by_hand(self) -> None:
        data = self.data()
        doc = self.rng.choice(list(data["deals"].values()))
        field = self.rng.choice(["stage", "close_date", "amount", "archived", "created",
                                 "contacts", "owner"])
        day = (self.clock.now + timedelta(days=self.rng.randrange(-90, 120))).date()
        values: dict[str, Callable[[], object]] = {
            "stage": lambda: self.rng.choice(STAGES),
            "close_date": lambda: day.isoformat(),
            "amount": lambda: float(self.rng.randrange(1, 900) * 1000),
            "archived": lambda: not doc.get("archived", False),
            "created": lambda: (self.clock.now - timedelta(days=self.rng.randrange(400))
                                ).isoformat(),
            "contacts": lambda: [{"name": "Eva Novak", "role": self.rng.choice(
                ["champion", "economic_buyer", "user"]), "title": "COO"}],
            "owner": lambda: self.rng.choice(["ana", "ben", "chen"]),
        }
        doc[field] = values[field]()
        self.write(data)

    def edit_answer_by_hand(self) -> None:
        data = self.data()
        interviews = [i for i in data["interviews"].values() if i["answers"]]
        if not interviews:
            return
        answers = self.rng.choice(interviews)["answers"]
        answer = answers[self.rng.choice(sorted(answers))]
        change = self.rng.choice(["status", "at", "confirmed", "value"])
        if change == "status":
            answer["status"] = self.rng.choice(["unknown", "unclear"])
            answer.pop("value", None)
        elif change == "value" and isinstance(answer.get("value"), str):
            answer["value"] = "no" if answer["value"] != "no" else "yes"
        else:
            moment = self.clock.now - timedelta(days=self.rng.randrange(0, 200))
            answer[change] = moment.isoformat()
        self.write(data)

    def reformat(self) -> None:
        self.write(self.data())

    def move_clock(self) -> None:
        self.clock.now += self.rng.choice([
            timedelta(minutes=self.rng.randrange(1, 600)),
            timedelta(days=self.rng.randrange(1, 40)),
            timedelta(days=self.rng.randrange(100, 400)),
            -timedelta(days=self.rng.randrange(1, 60)),  # a wrong clock corrected
            -timedelta(minutes=self.rng.randrange(1, 600)),
        ])

    def change_frameworks(self) -> None:
        override = self.home.team_frameworks / "alignment.yaml"
        if override.exists():
            override.unlink()
            return
        text = (builtin_folder() / "alignment.yaml").read_text()
        override.write_text(text.replace("red_flag: true", "red_flag: false"))

    def change_settings(self) -> None:
        config = self.home.config_dir / "config.yaml"
        config.parent.mkdir(parents=True, exist_ok=True)
        if config.exists() and self.rng.random() < 0.5:
            config.unlink()
            return
        config.write_text(f"stale_after_days: {self.rng.choice([30, 60, 90])}\n"
                          f"stuck_after_days: {self.rng.choice([45, 60, 120])}\n"
                          f"at_risk_from: {self.rng.choice([40, 50, 60])}\n"
                          f"urgency_days_now: {self.rng.choice([14, 30])}\n"
                          f"urgency_days_soon: {self.rng.choice([45, 60])}\n")

    def answer_in_an_interview(self) -> None:
        store = self.store()
        deal_id = self.rng.choice(self.deal_ids())
        if self.rng.random() < 0.4:  # set against the days left, day by day
            interview = store.start_interview(deal_id, {"meddic": "1.1"})
            store.record_answer(interview.id, "meddic.contracting_days", Answer(
                "answered", float(self.rng.randrange(20, 200)), at=self.clock.now))
            return
        interview = store.start_interview(deal_id, {"alignment": "1.2"})
        key = self.rng.choice(["alignment.priority_rank", "alignment.org_acknowledges_need"])
        store.record_answer(interview.id, key, Answer("unknown", at=self.clock.now))

    def edit_deal(self) -> None:
        self.store().edit_deal(self.rng.choice(self.deal_ids()),
                               stage=self.rng.choice(STAGES))

    def steps(self) -> list[Callable[[], None]]:
        return [self.add_deal, self.remove_and_add_again, self.restore_backup,
                self.edit_deal_by_hand, self.edit_deal_by_hand, self.edit_answer_by_hand,
                self.reformat, self.move_clock, self.move_clock, self.change_frameworks,
                self.change_settings, self.answer_in_an_interview, self.edit_deal]

    # --- the comparison ------------------------------------------------------------------

    def outputs(self, cache_dir: Path) -> Iterator[tuple[tuple[str, ...], str]]:
        commands = list(LISTINGS)
        ids = self.deal_ids()
        if ids:
            commands.append(("report", self.rng.choice(ids), "--format", "json"))
        for command in commands:
            yield command, self.run(*command, cache_dir=cache_dir)


def walk(home: Home, steps: int, seed: int) -> Iterator[str]:
    """Take ``steps`` random steps; yield a description of every output that differs
    between the cached run and the run without any cache."""
    rng = random.Random(seed)
    w = Walk(home, rng)
    frameworks = [CATALOG.get(f) for f in ("bant", "meddic", "alignment")]
    w.store().insert_deals((s.deal, s.interviews)
                           for s in sample_deals(14, frameworks, START, seed=seed))
    fresh = home.root / "no-cache"
    for n in range(steps):
        step = rng.choice(w.steps())
        step()
        # Both runs must see the same commands (a report of the same deal).
        state = rng.getstate()
        cached = list(w.outputs(w.cache_dir))
        rng.setstate(state)
        shutil.rmtree(fresh, ignore_errors=True)
        for (command, shown), (_, expected) in zip(cached, w.outputs(fresh), strict=True):
            if shown != expected:
                yield f"step {n} ({step.__name__}): {' '.join(command)}"


def test_a_short_walk_shows_the_same_with_the_cache_as_without(home: Home) -> None:
    assert list(walk(home, 25, seed=11)) == []


@pytest.mark.slow
@pytest.mark.timeout(600)  # two hundred steps, each two dozen commands, on a busy machine
@pytest.mark.parametrize("seed", [3, 5])
def test_every_listing_and_report_with_the_cache_is_the_one_without(home: Home,
                                                                     seed: int) -> None:
    assert list(walk(home, STEPS, seed=seed)) == []


def test_the_walk_finds_a_cache_keyed_by_a_revision_count(
        home: Home, monkeypatch: pytest.MonkeyPatch) -> None:
    """The differential test's own check: a cache keyed as the old store's was (the deal's
    id and how many changes it has seen, not its content) shows stale verdicts."""

    def revision_key(deal: Any, interviews: Any, context: str) -> str:
        answers = sum(len(i.get("answers", {})) for i in interviews)
        return f"{deal['id']}:{len(deal.get('history', []))}:{len(interviews)}:{answers}"

    monkeypatch.setattr(pipeline, "content_key", revision_key)
    assert next(walk(home, STEPS, seed=11), None) is not None


def test_the_rules_fingerprint_changes_with_any_change_to_the_scoring_code(
        tmp_path: Path) -> None:
    package = Path(pipeline.__file__).resolve().parent.parent
    copy = tmp_path / "qualicoach"
    shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert pipeline.rules_fingerprint(copy) == pipeline.rules_fingerprint(package)
    risk = copy / "coaching" / "risk.py"
    risk.write_text(risk.read_text() + "\nPOINTS_FOR_A_NEW_RULE = 5\n")
    assert pipeline.rules_fingerprint.__wrapped__(copy) != pipeline.rules_fingerprint(package)
