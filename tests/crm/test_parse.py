"""Amounts and dates as CRMs export them, in every local form."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from qualicoach.crm.parse import parse_any_date, parse_money
from qualicoach.errors import InvalidValueError

from ..helpers.home import ROOT


@pytest.mark.parametrize("text,expected", [
    ("$12,500.00", (12500.0, "USD")), ("12.500,00 EUR", (12500.0, "EUR")),
    ("EUR 12 500,50", (12500.5, "EUR")), ("€1.250.000", (1250000.0, "EUR")),
    ("1,250,000.50", (1250000.5, "")), ("12,5", (12.5, "")), ("7500", (7500.0, "")),
    ("£99.99", (99.99, "GBP")), ("12\u00a0500 CHF", (12500.0, "CHF")),
])
def test_amounts_in_every_local_form(text: str, expected: tuple[float, str]) -> None:
    assert parse_money(text) == expected


@pytest.mark.parametrize("text", ["lots", "-500", "(500)", "$", "1.2.3,4,5x"])
def test_amounts_that_are_not(text: str) -> None:
    with pytest.raises(InvalidValueError):
        parse_money(text)


@pytest.mark.parametrize("text,expected", [
    ("12.500 EUR", (12500.0, "EUR")), ("€1.250", (1250.0, "EUR")), ("1,250", (1250.0, "")),
    ("0,500", (0.5, "")), ("1250.000", (1250.0, "")), ("12,50,000 INR", (1250000.0, "INR")),
])
def test_three_digits_after_a_single_mark_are_thousands(text: str,
                                                        expected: tuple[float, str]) -> None:
    # No currency has three decimals in a CRM amount: '12.500 EUR' is twelve thousand five
    # hundred, not twelve and a half (a thousandfold error on European exports).
    assert parse_money(text) == expected


def test_the_files_decimal_mark_reads_its_ambiguous_amounts() -> None:
    assert parse_money("1.250", decimal_marks={","}) == (1250.0, "")
    assert parse_money("1,250", decimal_marks={"."}) == (1250.0, "")


@pytest.mark.parametrize("text,marks,says", [
    ("12.500", {"."}, "other rows use '.' as the decimal mark"),
    ("1,250", {",", "."}, "this column writes decimals both ways"),
])
def test_an_amount_the_file_makes_ambiguous_is_refused(text: str, marks: set[str],
                                                       says: str) -> None:
    with pytest.raises(InvalidValueError, match=f"amount '{text}' is ambiguous: {says}"):
        parse_money(text, decimal_marks=marks)


@pytest.mark.parametrize("text", ["9" * 5000, "2.000.000.000.000.000 EUR", "1e400"])
def test_an_absurdly_large_amount_is_refused(text: str) -> None:
    with pytest.raises(InvalidValueError, match="too large|not a number"):
        parse_money(text)


@pytest.mark.parametrize("text,day_first,expected", [
    ("2026-11-30", False, date(2026, 11, 30)), ("11/30/2026", False, date(2026, 11, 30)),
    ("30/11/2026", False, date(2026, 11, 30)),  # the first number is above 12
    ("01/02/2026", False, date(2026, 1, 2)), ("01/02/2026", True, date(2026, 2, 1)),
    ("30.11.2026", False, date(2026, 11, 30)), ("2026-12-01 00:00", False, date(2026, 12, 1)),
    ("2026-12-01T09:30:00Z", False, date(2026, 12, 1)),
])
def test_dates_in_every_local_form(text: str, day_first: bool, expected: date) -> None:
    assert parse_any_date(text, day_first) == expected


@pytest.mark.parametrize("text", ["2026-13-45", "31/31/2026", "next week", "30.02.2026"])
def test_dates_that_are_not(text: str) -> None:
    with pytest.raises(InvalidValueError, match="is not a date"):
        parse_any_date(text)



@pytest.mark.parametrize("reason,expected", [
    ("Deprioritised by the new CFO", True), ("de-prioritized", True), ("Went dark", True),
    ("Cancellation of the project", True), ("Lost to a competitor", False),
    ("Bad decision on our side", False),  # 'decision' alone says nothing
    ("Lost to competitor - did nothing for a year then chose X", False),
])
def test_a_phrase_matches_at_a_words_start_and_lost_wins(reason: str, expected: bool) -> None:
    from qualicoach.config.settings import Settings
    from qualicoach.domain.stages import ended_in_no_decision

    defaults = Settings()
    assert ended_in_no_decision(reason, defaults.no_decision_reasons,
                                defaults.lost_reasons) is expected


def test_the_documented_loss_reason_phrases_are_the_defaults(tmp_path: Path) -> None:
    import re

    from qualicoach.config.settings import Settings, load_settings
    doc = (ROOT / "docs" / "crm-import.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(.*?)```", doc, re.S)
    assert example is not None
    config = tmp_path / "config.yaml"
    config.write_text(example.group(1), encoding="utf-8")
    documented, defaults = load_settings(config), Settings()
    assert (documented.no_decision_reasons, documented.lost_reasons) == (
        defaults.no_decision_reasons, defaults.lost_reasons)
