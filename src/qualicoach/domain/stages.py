"""A CRM's stage names as qualicoach stages, keeping the CRM's order.

What must be known depends on the stage (a question's ``settle_by``), so a stage read too
early makes a deal about to close look like a new one: every mapping here moves forward as
the CRM's own pipeline does. A name that is not known is not guessed: the caller reports it
and the team maps it (``--map-stage "Legal Review=negotiation"``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from qualicoach.domain.vocabulary import STAGES
from qualicoach.errors import InvalidValueError

# Salesforce's standard opportunity stages, in its order (with its default probability):
# being qualified is discovery until the value is proposed to the people who decide.
SALESFORCE_STAGES = (
    ("Prospecting", "prospect"),                 # 10%
    ("Qualification", "discovery"),              # 10%
    ("Needs Analysis", "discovery"),             # 20%
    ("Value Proposition", "qualified"),          # 50%
    ("Id. Decision Makers", "qualified"),        # 60%
    ("Perception Analysis", "qualified"),        # 70%
    ("Proposal/Price Quote", "proposal"),        # 75%
    ("Negotiation/Review", "negotiation"),       # 90%
    ("Closed Won", "won"),
    ("Closed Lost", "lost"),
)
# HubSpot's default deal pipeline, in its order (internal names and labels normalise the same).
HUBSPOT_STAGES = (
    ("Appointment Scheduled", "discovery"),
    ("Qualified To Buy", "qualified"),
    ("Presentation Scheduled", "proposal"),
    ("Decision Maker Bought-In", "negotiation"),
    ("Contract Sent", "negotiation"),
    ("Closed Won", "won"),
    ("Closed Lost", "lost"),
)


def normalise(name: str) -> str:
    """A stage name or header without case, spaces or punctuation: 'Id. Decision Makers' ->
    'iddecisionmakers'."""
    return re.sub(r"[^a-z0-9]", "", name.casefold())


CRM_STAGES: dict[str, str] = {
    **{normalise(name): stage for name, stage in SALESFORCE_STAGES + HUBSPOT_STAGES},
    "closednodecision": "no_decision", "nodecision": "no_decision",
    **{normalise(stage): stage for stage in STAGES},
}


def parse_stage_mapping(items: Sequence[str], option: str = "--map-stage") -> dict[str, str]:
    """``NAME=STAGE`` items (from ``--map-stage``) as normalised CRM name -> stage."""
    mapping: dict[str, str] = {}
    for item in items:
        name, sep, stage = item.rpartition("=")
        if not sep or not normalise(name):
            raise InvalidValueError(f"{option} '{item}' must look like NAME=STAGE, e.g. "
                                    "'Legal Review=negotiation'")
        if stage.strip() not in STAGES:
            raise InvalidValueError(f"{option} '{item}': unknown stage '{stage.strip()}'; "
                                    f"stages: {', '.join(STAGES)}")
        mapping[normalise(name)] = stage.strip()
    return mapping


def crm_stage(name: str, extra: Mapping[str, str] | None = None) -> str | None:
    """The qualicoach stage of a CRM stage ``name``, or None when it is not known.

    ``extra`` (from ``parse_stage_mapping``) wins over the built-in names.
    """
    key = normalise(name)
    if extra and key in extra:
        return extra[key]
    return CRM_STAGES.get(key)


def _words(text: str) -> str:
    # Words apart by single spaces, with one before each: a phrase matches at a word's start.
    return " " + " ".join(re.findall(r"[^\W_]+", text.casefold()))


def ended_in_no_decision(reason: str, no_decision: Sequence[str],
                         lost: Sequence[str] = ()) -> bool:
    """Whether a lost deal's ``reason`` says the customer did nothing rather than choose
    someone else.

    A CRM has no "no decision" stage, so a team writes it in the loss reason. Each phrase
    (the settings' ``no_decision_reasons`` and ``lost_reasons``) matches at the start of a
    word, without case or punctuation: 'deprioriti' matches 'Deprioritized'. A phrase of
    ``lost`` wins: "lost to a competitor after doing nothing for a year" was lost.
    """
    said = _words(reason)
    if any(_words(phrase) in said for phrase in lost if phrase.strip()):
        return False
    return any(_words(phrase) in said for phrase in no_decision if phrase.strip())
