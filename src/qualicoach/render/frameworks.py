"""Rendering of frameworks: the catalog list and one framework's questions."""

from __future__ import annotations

from typing import Any

from rich.console import Group, RenderableType
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from qualicoach.frameworks.catalog import Catalog, Entry
from qualicoach.frameworks.model import Framework, Question
from qualicoach.render.console import literal, stderr_line


def entry_summary(entry: Entry) -> dict[str, Any]:
    """One catalog entry as plain data (the JSON form of ``frameworks list``)."""
    fw = entry.framework
    return {
        "id": fw.id,
        "name": fw.name,
        "version": fw.version,
        "perspective": fw.perspective,
        "elements": len(fw.elements),
        "questions": fw.question_count,
        "source": entry.kind,
        "path": str(entry.path),
        "overrides": [str(p) for p in entry.overrides],
    }


def catalog_table(catalog: Catalog) -> Table:
    """The catalog as a table: id, name, version, perspective, questions, source."""
    table = Table(show_edge=False, pad_edge=False)
    for column in ("id", "name", "version", "perspective", "questions", "source"):
        table.add_column(column, justify="right" if column == "questions" else "left")
    for entry in catalog.entries.values():
        fw = entry.framework
        source = Text(entry.kind)
        if entry.kind != "built-in":
            source.append(f" ({entry.path})", style="dim")
        if entry.overrides:
            source.append(f", overrides {len(entry.overrides)}", style="yellow")
        table.add_row(literal(fw.id), literal(fw.name), literal(fw.version),
                      fw.perspective, str(fw.question_count), source)
    return table


def framework_detail(fw: Framework) -> RenderableType:
    """One framework, readable: its elements and every question with its coaching."""
    parts: list[RenderableType] = []
    header = Text()
    header.append(literal(fw.name, "bold"))
    header.append(f"  {fw.id} v{fw.version}, {fw.perspective}", style="dim")
    parts.append(header)
    if fw.description:
        parts.append(literal(fw.description))
    if fw.source:
        parts.append(Text.assemble(("Source: ", "dim"), literal(fw.source)))
    for element in fw.elements:
        title = Text("\n")
        title.append(literal(element.name, "bold cyan"))
        extra = f"  weight {element.weight:g}" + (", optional" if element.optional else "")
        title.append(extra, style="dim")
        parts.append(title)
        if element.description:
            parts.append(literal(element.description, "italic"))
        for question in element.questions:
            parts.append(_question_detail(question))
    return Group(*parts)


def _question_detail(q: Question) -> RenderableType:
    title = Text("• ")
    title.append(literal(q.prompt, "bold"))
    flags = [q.type.replace("_", "/")]
    if q.red_flag:
        flags.append("red flag")
    if q.weight != 1:
        flags.append(f"weight {q.weight:g}")
    title.append(f"  [{', '.join(flags)}] ({q.id})", style="dim")
    rows: list[tuple[str, str]] = []
    if q.choices:
        rows.append(("options", ", ".join(f"{c.label} = {c.score:g}" for c in q.choices)))
    if q.bands:
        rows.append(("scores", ", ".join(f">= {b.at_least:g}: {b.score:g}" for b in q.bands)))
    if q.when:
        rows.append(("asked when", "; ".join(
            f"{t.question} {t.op.replace('_', ' ')} {', '.join(map(str, t.values))}"
            for t in q.when)))
    if q.same_as:
        rows.append(("same as", q.same_as))
    rows.append(("settle by", q.settle_stage + ("" if q.settle_by else " (the default)")))
    if q.why:
        rows.append(("why", q.why))
    if q.how_to_ask:
        rows.append(("how to ask", q.how_to_ask))
    rows.extend(("then ask", follow_up) for follow_up in q.follow_ups)
    if q.customer_prompt:
        rows.append(("to customer", q.customer_prompt))
    if q.customer_why:
        rows.append(("  why", q.customer_why))
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="dim", no_wrap=True)
    grid.add_column()
    for label, value in rows:
        grid.add_row(label, literal(value))
    return Padding(Group(title, Padding(grid, (0, 0, 0, 2))), (0, 0, 0, 2))


def framework_data(fw: Framework) -> dict[str, Any]:
    """A framework as plain data (the JSON form of ``frameworks show``)."""
    return {
        "id": fw.id, "name": fw.name, "version": fw.version, "perspective": fw.perspective,
        "description": fw.description, "source": fw.source,
        "elements": [
            {
                "id": e.id, "name": e.name, "description": e.description,
                "weight": e.weight, "optional": e.optional,
                "questions": [_question_data(q) for q in e.questions],
            }
            for e in fw.elements
        ],
    }


def _question_data(q: Question) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": q.id, "prompt": q.prompt, "type": q.type, "why": q.why,
        "how_to_ask": q.how_to_ask, "customer_prompt": q.customer_prompt,
        "customer_why": q.customer_why, "follow_ups": list(q.follow_ups), "weight": q.weight,
        "red_flag": q.red_flag, "settle_by": q.settle_stage,
    }
    if q.when:
        data["when"] = [{"question": t.question, "op": t.op, "values": list(t.values)}
                        for t in q.when]
    if q.choices:
        data["choices"] = [{"value": c.value, "label": c.label, "score": c.score}
                           for c in q.choices]
    if q.scores:
        data["scores"] = dict(q.scores)
    if q.bands:
        data["bands"] = [{"at_least": b.at_least, "score": b.score} for b in q.bands]
    if q.same_as:
        data["same_as"] = q.same_as
    return data


def warn_catalog_problems(catalog: Catalog) -> None:
    """Warn on stderr that some framework files did not load (they are left out)."""
    for problem in catalog.problems:
        stderr_line(f"warning: {problem}")
