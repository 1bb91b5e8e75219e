"""Filling in self-assessment forms the way a stakeholder does in an e-mail reply."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from typer.testing import Result

from .home import Home, Run


def deal_with_people(run: Run, *people: tuple[str, str, str], stage: str = "proposal",
                     name: str = "ACME renewal") -> str:
    """A deal with the stakeholders ``people`` ((name, role, title), ...); its id."""
    deal_id = run("deal", "add", name, "--account", "Acme Corp", "--stage", stage,
                  ok=True).output.strip().splitlines()[-1]
    for person, role, title in people:
        run("deal", "contact", "add", deal_id, person, "--role", role, "--title", title,
            ok=True)
    return deal_id


PEOPLE = (("Ann Lee", "economic_buyer", "CFO"), ("Bob Ray", "user", "Head of Operations"),
          ("Cy Diaz", "champion", "IT lead"))


def send(run: Run, deal_id: str, person: str, folder: Path, *args: str) -> str:
    """The plain-text form ``survey send`` writes for ``person``."""
    run("survey", "send", deal_id, "--to", person, "-o", str(folder), *args, ok=True)
    slug = re.sub(r"[^a-z0-9]+", "-", person.lower()).strip("-")
    return (folder / f"self-assessment-acme-corp-{slug}.txt").read_text(encoding="utf-8")


def fill(form: str, marks: dict[str, str], comments: dict[str, str] | None = None,
         quote: bool = False) -> str:
    """The e-mail reply: the form with the box of each ``marks`` (question key -> option
    letter) ticked and ``comments`` written; quoted with '> ' as a mail client does."""
    out, key = [], ""
    for line in form.splitlines():
        if (m := re.match(r"^--- \d+ \[([^\]]+)\] ---$", line)) is not None:
            key = m[1]
        if key in marks and line.startswith(f"[ ] {marks[key]}."):
            line = "[x]" + line[3:]
        if key in (comments or {}) and line == "Comment:":
            line = f"Comment: {(comments or {})[key]}"
        out.append(line)
    text = "\n".join(out) + "\n"
    if quote:
        text = "Hello, my answers are below.\n\n" + "".join(f"> {line}\n"
                                                          for line in text.splitlines())
    return text


def import_reply(run: Run, deal_id: str, person: str, text: str, folder: Path,
                 ok: bool | None = True) -> Result:
    path = folder / f"reply-{person.split()[0].lower()}.txt"
    path.write_text(text, encoding="utf-8")
    return run("survey", "import", deal_id, str(path), "--from", person, ok=ok)


def report_json(run: Run, deal_id: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(run("report", deal_id, "-f", "json", ok=True).output)
    return data


def database_bytes(home: Home) -> bytes:
    """The database as it is on disk (to see that nothing changed)."""
    return home.db.read_bytes() if home.db.exists() else b""
