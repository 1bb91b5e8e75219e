"""What a sales leader would discuss first: risk, value and time to close together.

A forecast call does not start with the riskiest deal but with the one where the most is
at stake soonest: a 363k deal at risk 70 closing in ten days before an 83k deal at risk 71
closing next quarter. So deals are ordered by their **attention**:

    attention = risk / 100 x amount x urgency

``urgency`` is the same weight the risk gives gaps by the close date (settings
``urgency_now`` within ``urgency_days_now`` days or past, ``urgency_soon`` within
``urgency_days_soon``, else 1), so one setting says what "soon" means everywhere. A deal
without an amount counts at the median amount of the deals being ordered (unknown is not
worthless), and ties go to the higher risk, then the nearer close, then the id.
docs/scoring.md ("Which deal first") has worked examples. Pure functions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from statistics import median
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from qualicoach.config.settings import Settings

if TYPE_CHECKING:
    from qualicoach.coaching.pipeline import Row

# How ``qualicoach deals --at-risk`` says it orders its rows.
ORDER_WORDS = "Ordered by what to discuss first: risk x amount x how soon it closes."


class Stake(NamedTuple):
    """What ordering needs of a deal: its risk (0-100), amount and close date."""

    risk: int | None
    amount: float | None
    close: date | None


def closeness(close: date | None, today: date, settings: Settings) -> float:
    """The weight of the time left to the close: the risk's own urgency."""
    if close is None:
        return 1.0
    days = (close - today).days
    if days <= settings.urgency_days_now:
        return settings.urgency_now
    if days <= settings.urgency_days_soon:
        return settings.urgency_soon
    return 1.0


def attention(stake: Stake, today: date, settings: Settings,
              typical_amount: float = 0.0) -> float:
    """The deal's attention: risk / 100 x amount x urgency (a missing amount counts as
    ``typical_amount``)."""
    amount = stake.amount if stake.amount is not None else typical_amount
    return (stake.risk or 0) / 100 * max(amount, 0.0) * closeness(stake.close, today, settings)


T = TypeVar("T")


def discussion_order(items: Sequence[T], stake: Callable[[T], Stake], today: date,
                     settings: Settings, key: Callable[[T], str] = str) -> list[T]:
    """``items`` in the order a sales leader would discuss them: highest attention first.

    ``stake`` gives each item's risk, amount and close date; ``key`` a stable last
    tie-breaker (such as the deal id).
    """
    stakes = [(stake(item), item) for item in items]
    amounts = [s.amount for s, _ in stakes if s.amount is not None]
    typical = median(amounts) if amounts else 0.0

    def order(pair: tuple[Stake, T]) -> tuple[float, int, int, str]:
        s, item = pair
        days = (s.close - today).days if s.close is not None else 10**6
        return (-attention(s, today, settings, typical), -(s.risk or 0), days, key(item))

    return [item for _, item in sorted(stakes, key=order)]


def row_stake(row: Row) -> Stake:
    """A pipeline row's risk, amount and close date."""
    amount = row.fields.get("amount")
    return Stake(row.risk, float(amount) if isinstance(amount, (int, float)) else None,
                 row.close_date)


def rows_in_discussion_order(rows: Sequence[Row], today: date,
                             settings: Settings) -> list[Row]:
    """Pipeline rows in the order a sales leader would discuss them (``discussion_order``);
    what ``qualicoach deals --at-risk`` lists, and a team review starts from."""
    return discussion_order(rows, row_stake, today, settings, key=lambda row: row.id)
