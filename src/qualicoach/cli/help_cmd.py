"""``qualicoach help TOPIC``: the user guides, from the installed package.

A rep reading a report has the program, not its source tree: the report and messages name
``qualicoach help scoring``, never a file under docs/.
"""

from pathlib import Path
from typing import Annotated

import typer

# Each topic and the guide it prints, in the order they are listed.
TOPICS = {
    "scoring": ("scoring.md", "how fit, readiness, risk and verdicts are computed; settings"),
    "frameworks": ("frameworks.md", "writing and checking a framework file"),
    "import": ("crm-import.md", "CRM imports: stages, loss reasons, currency"),
    "self-assessment": ("self-assessment.md", "the customer's survey, sent and imported"),
    "team": ("team.md", "the team review: the team config, reps' files, a weekly routine"),
}


def guides_folder() -> Path:
    """The folder of the guides: in the installed package, or a source checkout's docs/."""
    from importlib import resources

    installed = Path(str(resources.files("qualicoach"))) / "docs"
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[3] / "docs"


def help_topic(
    topic: Annotated[str | None, typer.Argument(
        metavar="TOPIC", help=f"One of: {', '.join(TOPICS)}.")] = None,
) -> None:
    """Read a guide: how scores are computed, frameworks, CRM imports, the survey."""
    import sys

    from qualicoach.errors import NotFoundError, UsageError

    if topic is None:
        width = max(map(len, TOPICS))
        typer.echo("Guides (qualicoach help TOPIC):")
        for name, (_, what) in TOPICS.items():
            typer.echo(f"  {name.ljust(width)}  {what}")
        return
    if topic.strip().casefold() not in TOPICS:
        raise UsageError(f"no guide '{topic}'; guides: {', '.join(TOPICS)}")
    path = guides_folder() / TOPICS[topic.strip().casefold()][0]
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        raise NotFoundError(f"the guide {path.name} is not installed with this qualicoach; "
                            "reinstall it") from None
    if not sys.stdout.isatty():
        sys.stdout.write(text)
        return
    from rich.markdown import Markdown

    from qualicoach.render.console import make_console

    # No pager: a system's pager may show Rich's styles as raw escape codes.
    make_console().print(Markdown(text))
