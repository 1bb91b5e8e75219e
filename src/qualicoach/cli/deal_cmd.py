"""``qualicoach deal``: create, show, change and remove deals and their stakeholders."""

import sys
from typing import TYPE_CHECKING, Annotated, Any

import typer

from qualicoach.cli import completion
from qualicoach.cli.command import CliTyper
from qualicoach.cli.context import TextOrJson, default_currency, open_store, require_database
from qualicoach.cli.values import checked, choice, one_of
from qualicoach.domain.deal import parse_amount, parse_currency, parse_date, parse_text
from qualicoach.domain.vocabulary import CLOSED_STAGES, ROLES, STAGES

if TYPE_CHECKING:
    from qualicoach.storage.store import Store

# Modules that cost start-up time are imported inside the commands.

app = CliTyper(help="Create, show, change and remove deals.", no_args_is_help=True)
contact_app = CliTyper(help="Add and remove a deal's stakeholders.", no_args_is_help=True)
app.add_typer(contact_app, name="contact")

DealRef = Annotated[str, typer.Argument(help="Deal id, or an unambiguous start of its name.",
                                        autocompletion=completion.deal_ids)]


def store(ctx: typer.Context) -> "Store":
    """The store of this run's database."""
    return open_store(ctx)


Account = Annotated[str | None, typer.Option(
    parser=checked(lambda w: parse_text(w, "account")), help="The customer's company.")]
Owner = Annotated[str | None, typer.Option(
    parser=checked(lambda w: parse_text(w, "owner")), help="The rep who owns the deal.")]
Stage = Annotated[str | None, typer.Option(autocompletion=completion.stages,
                                           parser=one_of(STAGES, "stage"),
                                           help=f"One of: {', '.join(STAGES)}.")]
Amount = Annotated[str | None, typer.Option(
    metavar="NUMBER", parser=checked(parse_amount, empty_clears=True),
    help="Expected value, a number of 0 or more.")]
Currency = Annotated[str | None, typer.Option(
    metavar="CODE", parser=checked(parse_currency, empty_clears=True),
    help="Three-letter code, e.g. EUR.")]
Close = Annotated[str | None, typer.Option(
    "--close", metavar="DATE",
    parser=checked(lambda w: parse_date(w, "close date"), empty_clears=True),
    help="Expected close date, YYYY-MM-DD.")]
NextStep = Annotated[str | None, typer.Option(
    metavar="TEXT", parser=checked(lambda w: parse_text(w, "next step")),
    help="The agreed next step.")]
Tags = Annotated[list[str] | None, typer.Option("--tag", metavar="TAG",
                                                autocompletion=completion.tags,
                                                help="A tag; repeatable.")]


def _fields(account: str | None, owner: str | None, stage: str | None, amount: str | None,
            currency: str | None, close: str | None, next_step: str | None) -> dict[str, Any]:
    """Parse the shared deal options; only the given ones appear in the result."""
    from qualicoach.domain.deal import (
        parse_amount,
        parse_currency,
        parse_date,
        parse_text,
    )

    fields: dict[str, Any] = {}
    if account is not None:
        fields["account"] = parse_text(account, "account")
    if owner is not None:
        fields["owner"] = parse_text(owner, "owner")
    if stage is not None:
        fields["stage"] = stage
    if amount is not None:
        fields["amount"] = parse_amount(amount) if amount.strip() else None
    if currency is not None:
        fields["currency"] = parse_currency(currency) if currency.strip() else ""
    if close is not None:
        fields["close_date"] = parse_date(close, "close date") if close.strip() else None
    if next_step is not None:
        fields["next_step"] = parse_text(next_step, "next step")
    return fields


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The deal's name, e.g. 'ACME renewal'.")],
    account: Account = None, owner: Owner = None, stage: Stage = None, amount: Amount = None,
    currency: Currency = None, close: Close = None, next_step: NextStep = None,
    tag: Tags = None,
) -> None:
    """Create a deal and print its id."""
    from qualicoach.domain.deal import parse_text

    fields = _fields(account, owner, stage, amount, currency, close, next_step)
    if currency is None:
        fields["currency"] = default_currency(ctx)
    if tag:
        fields["tags"] = tuple(dict.fromkeys(parse_text(t, "tag", required=True) for t in tag))
    deal = store(ctx).add_deal(parse_text(name, "deal name", required=True), **fields)
    typer.echo(deal.id)


@app.command("show")
def show(ctx: typer.Context, deal: DealRef,
         format: Annotated[TextOrJson, typer.Option(
             "--format", "-f", parser=choice(TextOrJson),
             help="text, or json for scripts.")] = TextOrJson.text) -> None:
    """Show a deal: its fields, stakeholders and recorded changes."""
    from qualicoach.render.console import make_console, print_json
    from qualicoach.render.deals import deal_data, deal_detail

    require_database(ctx)
    found = store(ctx).deal(deal)
    if format is TextOrJson.json:
        print_json(deal_data(found))
    else:
        make_console().print(deal_detail(found))


@app.command("edit")
def edit(
    ctx: typer.Context, deal: DealRef,
    name: Annotated[str | None, typer.Option(help="A new name (the id stays).")] = None,
    account: Account = None, owner: Owner = None, stage: Stage = None, amount: Amount = None,
    currency: Currency = None, close: Close = None, next_step: NextStep = None,
    tag: Tags = None,
    untag: Annotated[list[str] | None, typer.Option(
        "--untag", metavar="TAG", autocompletion=completion.tags,
        help="Remove a tag; repeatable.")] = None,
) -> None:
    """Change a deal's fields (an empty value clears one); stage, amount and close date
    changes are recorded with their time."""
    from qualicoach.domain.deal import parse_text
    from qualicoach.errors import UsageError

    fields = _fields(account, owner, stage, amount, currency, close, next_step)
    if name is not None:
        fields["name"] = parse_text(name, "deal name", required=True)
    added = tuple(parse_text(t, "tag", required=True) for t in tag or ())
    if not (fields or added or untag):
        raise UsageError("nothing to change; give at least one option (see --help)")
    deals = store(ctx)
    before = deals.deal(deal)
    updated = deals.edit_deal(before.id, add_tags=added, remove_tags=tuple(untag or ()),
                              **fields)
    typer.echo(f"no change: {updated.id} already holds that" if updated == before
               else f"updated {updated.id}")


@app.command("close")
def close(
    ctx: typer.Context, deal: DealRef,
    outcome: Annotated[str | None, typer.Option(
        "--outcome", metavar="OUTCOME", autocompletion=lambda: list(CLOSED_STAGES),
        parser=one_of(CLOSED_STAGES, "outcome"),
        help="won, lost (they chose someone else) or no_decision (they did nothing); "
        "needed.")] = None,
    reason: Annotated[str | None, typer.Option(
        metavar="TEXT", help="Why it ended; required for no_decision: what did the customer "
        "do instead?")] = None,
) -> None:
    """Close a deal as won, lost or no decision; the stage change is recorded with its time,
    and `qualicoach lookback` compares it with what the coach said before."""
    from qualicoach.domain.deal import parse_text
    from qualicoach.errors import UsageError

    if outcome is None:
        raise UsageError("give --outcome won, lost or no_decision")
    ended = outcome
    why = parse_text(reason or "", "reason").strip()
    if ended == "no_decision" and not why:
        raise UsageError("closing as no_decision needs --reason: what did the customer do "
                           "instead (kept the status quo, moved the budget, ...)?")
    the_store = store(ctx)
    # A closed deal's close date is the day it closed, not the forecast it had.
    updated = the_store.edit_deal(deal, stage=ended, close_reason=why,
                                  close_date=the_store.clock().date())
    typer.echo(f"closed {updated.id}: {ended.replace('_', ' ')}")


@app.command("archive")
def archive(ctx: typer.Context, deal: DealRef,
            restore: Annotated[bool, typer.Option(
                "--restore", help="Bring an archived deal back.")] = False,
            ) -> None:
    """Archive a deal: it leaves the lists but keeps its history."""
    updated = store(ctx).archive_deal(deal, archived=not restore)
    typer.echo(f"{'restored' if restore else 'archived'} {updated.id}")


@app.command("rm")
def remove(ctx: typer.Context, deal: DealRef,
           yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask.")] = False) -> None:
    """Delete a deal and its interviews for good (asks first)."""
    from qualicoach.errors import ExitCode, UsageError

    the_store = store(ctx)
    found = the_store.deal(deal)
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError(f"not deleting '{found.id}' without confirmation (standard "
                             "input is not a terminal): add --yes")
        if not typer.confirm(f"Delete deal '{found.name}' ({found.id}) and its interviews?"):
            raise typer.Exit(int(ExitCode.ERROR))
    the_store.remove_deal(found.id)
    typer.echo(f"deleted {found.id}")


@contact_app.command("add")
def contact_add(
    ctx: typer.Context, deal: DealRef,
    name: Annotated[str, typer.Argument(help="The person's name.")],
    role: Annotated[str, typer.Option(autocompletion=completion.roles,
                                      parser=one_of(ROLES, "role"),
                                      help=f"One of: {', '.join(ROLES)}.")] = "unknown",
    title: Annotated[str, typer.Option(help="Job title.")] = "",
) -> None:
    """Add a stakeholder (or update the one with that name)."""
    from qualicoach.domain.deal import Contact, parse_text

    contact = Contact(parse_text(name, "contact name", required=True),
                      role, parse_text(title, "title"))
    updated = store(ctx).add_contact(deal, contact)
    typer.echo(f"{updated.id}: {len(updated.contacts)} contact(s)")


@contact_app.command("rm")
def contact_rm(ctx: typer.Context, deal: DealRef,
               name: Annotated[str, typer.Argument(help="The person's name.")]) -> None:
    """Remove a stakeholder by name."""
    updated = store(ctx).remove_contact(deal, name)
    typer.echo(f"{updated.id}: {len(updated.contacts)} contact(s)")
