"""``qualicoach survey``: the customer's self-assessment, sent and read back.

``send`` writes, for each named stakeholder, an offline HTML form and a plain-text form to
paste into an e-mail; ``import`` keeps a reply as that person's own answers.
"""

from pathlib import Path
from typing import Annotated

import typer

from qualicoach.cli import completion
from qualicoach.cli.command import CliTyper
from qualicoach.cli.context import open_workspace

app = CliTyper(help="The customer's self-assessment: send it to their stakeholders, import "
               "their replies. 'qualicoach report' then shows whether their people agree.",
               no_args_is_help=True)

DealRef = Annotated[str, typer.Argument(help="Deal id or name start.",
                                        autocompletion=completion.deal_ids)]


@app.command("send")
def send(
    ctx: typer.Context, deal: DealRef,
    to: Annotated[list[str] | None, typer.Option(
        "--to", metavar="NAME", help="A stakeholder of the deal to ask; needed (repeat for "
        "several).")] = None,
    question: Annotated[list[str] | None, typer.Option(
        "--question", "-q", metavar="FRAMEWORK.QUESTION",
        help="Ask only these questions, in this order (repeat; e.g. "
        "alignment.priority_rank).")] = None,
    framework: Annotated[list[str] | None, typer.Option(
        "--framework", metavar="ID", help="Ask every question of these readiness "
        "frameworks (default: all installed readiness frameworks).")] = None,
    out: Annotated[Path, typer.Option(
        "--out", "-o", metavar="FOLDER", file_okay=False,
        help="Where to write the forms (default: the current folder).")] = Path("."),
) -> None:
    """Write a self-assessment for each stakeholder: self-assessment-ACCOUNT-NAME.html (an
    offline form to attach to an e-mail) and .txt (the same, to paste into an e-mail and
    answer by reply). Neither holds scores, notes, our deal's name or anyone else's
    answers."""
    from qualicoach.coaching.survey import (
        contact_named,
        form_file_stem,
        form_text,
        make_form,
        survey_questions,
    )
    from qualicoach.errors import InvalidValueError, UsageError, command_hint
    from qualicoach.render.console import stderr_line, visible
    from qualicoach.render.survey import form_html

    if question and framework:
        raise UsageError("give --question or --framework, not both")
    if not to:
        raise UsageError("name who to ask: --to NAME (a stakeholder of the deal)")
    store, _, catalog = open_workspace(ctx)
    the_deal = store.deal(deal)
    people = list({c.name: c for c in (contact_named(the_deal, n) for n in to)}.values())
    picked = survey_questions(catalog, framework or (), question or ())
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidValueError(f"cannot create {out}: {exc.strerror or exc}") from None
    from qualicoach.cli.output import write_output

    today = store.clock().date()
    for person in people:
        form = make_form(the_deal, person, picked, today)
        base = out / form_file_stem(form)
        for path, text in ((base.with_suffix(".html"), form_html(form)),
                           (base.with_suffix(".txt"), form_text(form))):
            write_output(path, text)
        typer.echo(f"{visible(person.name)}: {len(form.questions)} questions -> "
                   f"{base.with_suffix('.html')} and {base.with_suffix('.txt')}")
    if people:
        rep_worded = make_form(the_deal, people[0], picked, today).rep_worded
        if rep_worded:
            stderr_line(f"note: {len(rep_worded)} question(s) have no customer wording "
                        "(customer_prompt) in their framework and use the rep's: "
                        + ", ".join(q.key for q in rep_worded))
    typer.echo("Attach the .html file, or paste the .txt into the e-mail. When a reply "
               "comes back: "
               + command_hint("survey", "import", the_deal.id, rest="REPLY --from NAME"))


@app.command("import")
def import_reply(
    ctx: typer.Context, deal: DealRef,
    reply: Annotated[Path, typer.Argument(
        metavar="REPLY", help="The saved reply file, or the e-mail reply saved as text; "
        "- reads it from standard input (paste, then Ctrl-D).", dir_okay=False,
        allow_dash=True)],
    respondent: Annotated[str, typer.Option(
        "--from", metavar="NAME", help="The stakeholder who replied; needed.")] = "",
) -> None:
    """Keep a stakeholder's reply as their own confirmed answers, beside (never over) the
    rep's. Importing the same reply again changes nothing; a later reply is a new dated
    answer."""
    import sys

    from qualicoach.coaching.survey import MAX_REPLY_BYTES, read_reply
    from qualicoach.errors import InvalidValueError, UsageError, command_hint
    from qualicoach.render.console import visible

    if not respondent.strip():
        raise UsageError("name who replied: --from NAME (a stakeholder of the deal)")
    store, _, catalog = open_workspace(ctx)
    the_deal = store.deal(deal)
    if str(reply) == "-":
        raw, source = sys.stdin.buffer.read(MAX_REPLY_BYTES + 1), "from standard input"
    else:
        try:
            with reply.open("rb") as handle:
                raw = handle.read(MAX_REPLY_BYTES + 1)
        except OSError as exc:
            raise InvalidValueError(f"cannot read reply {reply}: {exc.strerror or exc}"
                                    ) from None
        source = str(reply)
    checked = read_reply(raw, source, the_deal, respondent, catalog, store.clock(),
                         store.deals(include_archived=True))
    kept, new = store.add_reply(the_deal.id, checked.respondent, checked.fingerprint,
                                checked.frameworks, checked.answers, checked.answered)
    if not new:
        typer.echo(f"{visible(checked.respondent)}'s reply of {kept.started:%Y-%m-%d} was already "
                   "imported; nothing changed")
        return
    typer.echo(f"{visible(checked.respondent)}: {len(checked.answers)} answer(s) of "
               f"{checked.answered:%Y-%m-%d} kept as their own. See how their people align: "
               f"{command_hint('report', the_deal.id)}")
