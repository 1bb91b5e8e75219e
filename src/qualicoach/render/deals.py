"""Rendering of one deal: its fields, stakeholders and recorded changes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from qualicoach.domain.deal import Deal, deal_to_data, plain_value
from qualicoach.render.console import literal, visible


def deal_data(deal: Deal) -> dict[str, Any]:
    """A deal as plain data with stable keys (the JSON form of ``deal show``)."""
    return deal_to_data(deal)


def format_amount(amount: float | None, currency: str = "") -> str:
    """'12,500 EUR', '12,500.50 USD' or '-' when there is none."""
    if amount is None:
        return "-"
    text = f"{amount:,.0f}" if amount == int(amount) else f"{amount:,.2f}"
    return f"{text} {currency}".strip()


def deal_detail(deal: Deal) -> RenderableType:
    """A deal as a rep reads it: fields, stakeholders, and how it moved."""
    title = Text()
    title.append(literal(deal.name, "bold"))
    title.append(f"  ({deal.id})", style="dim")
    if deal.archived:
        title.append("  archived", style="yellow")
    fields = Table.grid(padding=(0, 2))
    fields.add_column(style="dim", no_wrap=True)
    fields.add_column()
    rows = [
        ("account", deal.account or "-"), ("owner", deal.owner or "-"),
        ("stage", deal.stage), ("amount", format_amount(deal.amount, deal.currency)),
        ("close date", deal.close_date.isoformat() if deal.close_date else "-"),
        ("next step", deal.next_step or "-"), ("tags", ", ".join(deal.tags) or "-"),
        ("updated", deal.updated.strftime("%Y-%m-%d %H:%M UTC")),
    ]
    for label, value in rows:
        fields.add_row(label, literal(value))
    parts: list[RenderableType] = [title, fields]
    if deal.contacts:
        contacts = Table(title="Stakeholders", title_justify="left", show_edge=False)
        for column in ("name", "role", "title"):
            contacts.add_column(column)
        for person in deal.contacts:
            contacts.add_row(literal(person.name), person.role.replace("_", " "),
                             literal(person.title))
        parts.append(contacts)
    else:
        parts.append(Text("No stakeholders recorded yet.", style="dim"))
    if deal.history:
        changes = Table(title="Changes", title_justify="left", show_edge=False)
        for column in ("when", "field", "from", "to"):
            changes.add_column(column)
        for c in deal.history:
            changes.add_row(c.at.strftime("%Y-%m-%d"), c.field.replace("_", " "),
                            literal(str(plain_value(c.old) if c.old is not None else "-")),
                            literal(str(plain_value(c.new) if c.new is not None else "-")))
        parts.append(changes)
    return Group(*parts)


def _shown(field: str, value: Any) -> str:
    if value is None or value == "" or value == ():
        return "-"
    if field == "amount":
        return format_amount(value)
    if isinstance(value, tuple):
        return ", ".join(visible(str(v)) for v in value)
    text = visible(str(plain_value(value)))
    return text if len(text) <= 60 else text[:59] + "…"


def import_plan_lines(created: Sequence[Deal],
                      updated: Sequence[tuple[Deal, list[tuple[str, Any, Any]]]]) -> list[str]:
    """What an import would do, one line per deal: each new deal with its main fields,
    each changed one with every field's old and new value."""
    lines = []
    for deal in created:
        said = [deal.stage, format_amount(deal.amount, deal.currency) if deal.amount
                is not None else "", f"closes {deal.close_date}" if deal.close_date else ""]
        account = f" ({visible(deal.account)})" if deal.account else ""
        lines.append(f"new     {deal.id}: {visible(deal.name)}{account}, "
                     + ", ".join(s for s in said if s))
    for deal, changes in updated:
        lines.append(f"update  {deal.id}: " + "; ".join(
            f"{field} {_shown(field, old)} -> {_shown(field, new)}"
            for field, old, new in changes))
    return lines
