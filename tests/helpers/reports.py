"""A sample report built through the library, and its text as a terminal shows it."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta, timezone

from rich.console import Console

from qualicoach.coaching.report import Report, report_from
from qualicoach.config.settings import Settings
from qualicoach.domain.answer import Answer, Evidence
from qualicoach.domain.deal import Change, Contact, Deal
from qualicoach.domain.interview import Interview
from qualicoach.frameworks.catalog import Source, builtin_folder, load_catalog
from qualicoach.render.report.text import report_renderable

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
CATALOG = load_catalog([Source("built-in", builtin_folder())])


def at(days_ago: int) -> datetime:
    return NOW - timedelta(days=days_ago)


def answer(value: object, days_ago: int = 2, source: str | None = "Ann Lee (COO)",
           verified: bool = True, note: str = "", private: bool = False) -> Answer:
    status = value if value in ("unknown", "unclear") else "answered"
    return Answer(status, None if status != "answered" else value,  # type: ignore[arg-type]
                  Evidence(source, verified) if source else None, note, private,
                  at(days_ago), at(days_ago))


def sample_report(name: str = "ACME renewal", note: str = "", source: str = "Ann Lee (COO)"
                  ) -> Report:
    deal = Deal(
        id="acme-renewal", name=name, account="ACME Corp", owner="ana", stage="proposal",
        amount=120000.0, currency="EUR", close_date=date(2027, 2, 28), next_step="Demo",
        contacts=(Contact("Ann Lee", "champion", "COO"),), created=at(60), updated=at(1),
        history=(Change("close_date", date(2026, 12, 31), date(2027, 2, 28), at(10)),),
    )
    first = {"bant.budget_status": answer("approved", 40),
             "alignment.org_acknowledges_need": answer("some_leaders", 40)}
    second = {
        "bant.budget_status": answer("approved"),
        "bant.budget_fits": answer("covers"),
        "meddic.economic_buyer_identified": answer("yes"),
        "meddic.economic_buyer_access": answer("met"),
        "meddic.pain_identified": answer("specific"),
        "bant.need_importance": answer(5.0),
        "bant.compelling_event": answer("yes"),
        "bant.target_date": answer("2027-03-01"),
        "bant.timeline_source": answer("their_plan"),
        "alignment.org_acknowledges_need": answer("contact_only", note=note, private=True,
                                                  source=source),
        "alignment.cost_of_inaction": answer("unknown"),
        "alignment.outcomes_shared": answer("unclear"),
        "meddic.metrics_defined": answer("none", note="They will share KPIs"),
        "alignment.priority_rank": answer("top_five"),
        "alignment.resources_named": answer("yes"),
    }
    interviews = [
        Interview("acme-renewal#1", "acme-renewal", {"bant": "1.0", "alignment": "1.0"}, at(40),
                  "finished", at(40), first),
        Interview("acme-renewal#2", "acme-renewal", {"bant": "1.0", "alignment": "1.0"}, at(2),
                  "finished", at(2), second),
    ]
    return report_from(deal, interviews, CATALOG, Settings(), NOW)


def render_text(report: Report, width: int = 100) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None, highlight=False,
                      emoji=False)
    console.print(report_renderable(report))
    text = console.file.getvalue()  # type: ignore[attr-defined]
    return "\n".join(line.rstrip() for line in text.splitlines()) + "\n"

