"""The customer's self-assessment: the form we send a stakeholder, and reading their reply.

One plain-text format serves both ways of answering. The e-mail form is that text, to be
marked (``[x]``) and sent back; the HTML form (``render.survey``) saves the same text,
filled in. So one reader checks every reply, whichever way it came, quoted by a mail
client (``> ``) or not.

Nothing on the form comes from the deal's answers: no scores, no notes, nobody else's
answers. A reply is tied to its deal by a reference derived from the deal (not its name,
which may be internal), and to its respondent by name; a reply that does not fit is
refused whole, with one line saying why, and nothing is kept.
"""

from __future__ import annotations

import hashlib
import json
import re
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from qualicoach.domain.answer import Answer, Evidence, Value, parse_value
from qualicoach.domain.deal import Contact, Deal, slugify
from qualicoach.errors import (
    AmbiguousError,
    InvalidValueError,
    NotFoundError,
    ReplyError,
    command_hint,
)
from qualicoach.frameworks.catalog import Catalog
from qualicoach.frameworks.model import Framework, Question

# The words of the format. Changing them breaks the replies of forms already sent.
TITLE = "QUALICOACH SELF-ASSESSMENT"
END = "--- end of form ---"
NOT_SURE = "?"
MAX_REPLY_BYTES = 256 * 1024
_LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_SCALE_WORDS = {1: "not at all", 2: "a little", 3: "partly", 4: "mostly", 5: "completely"}
_YES_NO_WORDS = (("yes", "Yes"), ("partial", "Partly"), ("no", "No"))
_FREE_HINTS = {"number": "a number", "date": "a date, YYYY-MM-DD", "text": "in your words"}


@dataclass(frozen=True)
class FormOption:
    """One box on the form: its letter and the words beside it."""

    letter: str
    label: str
    value: str  # the answer it gives (a choice's value, "yes", "4", ...)
    # The words forms sent before the customer wording existed had beside this box: a
    # reply to one of them still reads.
    earlier_label: str = ""


@dataclass(frozen=True)
class FormQuestion:
    """One question as the customer reads it."""

    number: int
    key: str  # framework.question: how the reply names it
    text: str
    why: str
    options: tuple[FormOption, ...]  # empty: answered in words ("Answer:")
    multi: bool
    free_hint: str
    own_voice: bool  # False: the framework has no customer wording; the rep's is used


@dataclass(frozen=True)
class Form:
    """A self-assessment for one stakeholder of one deal."""

    reference: str
    account: str  # the customer's organisation; empty when the deal names none
    respondent: str
    sent: date
    questions: tuple[FormQuestion, ...]

    @property
    def rep_worded(self) -> tuple[FormQuestion, ...]:
        """Questions shown in the rep's wording, for want of a customer wording."""
        return tuple(q for q in self.questions if not q.own_voice)


def reference_of(deal: Deal) -> str:
    """The deal's reference on a form: stable, and saying nothing of the deal's name."""
    raw = f"{deal.id}\n{deal.created.isoformat()}".encode()
    return hashlib.sha256(raw).hexdigest()[:10]


def _name_starts(name: str) -> list[str]:
    """The name from each of its words on: 'Dana Ruiz' -> ['dana ruiz', 'ruiz']."""
    words = name.casefold().split()
    return [" ".join(words[n:]) for n in range(len(words))]


def contact_named(deal: Deal, name: str) -> Contact:
    """The deal's stakeholder called ``name`` (any case); NotFoundError naming the others."""
    wanted = " ".join(name.split()).casefold()
    for contact in deal.contacts:
        if " ".join(contact.name.split()).casefold() == wanted:
            return contact
    # 'Dana' is Dana Ruiz when no other stakeholder has a name starting so, or such a word.
    partial = [c for c in deal.contacts if wanted and any(
        words.startswith(wanted) for words in _name_starts(c.name))]
    if len(partial) == 1:
        return partial[0]
    if partial:
        raise AmbiguousError(f"'{name}' could be {' or '.join(c.name for c in partial)}; "
                             "give the full name")
    known = ", ".join(c.name for c in deal.contacts) or "none yet"
    raise NotFoundError(f"'{name}' is not a stakeholder of deal '{deal.id}' (stakeholders: "
                        f"{known}); add them with: "
                        + command_hint("deal", "contact", "add", deal.id, name,
                                       rest="--role ROLE"))


def survey_questions(catalog: Catalog, frameworks: Sequence[str] = (),
                     picked: Sequence[str] = ()) -> list[tuple[Framework, Question]]:
    """The questions to send: those ``picked`` (framework.question keys, in that order),
    else every question of ``frameworks``, else of every readiness framework installed.

    Only readiness questions go to the customer: fit questions ask whether *we* want the
    deal, which is not theirs to answer.
    """
    chosen: list[tuple[Framework, Question]] = []
    if picked:
        for key in picked:
            fw_id, _, q_id = key.strip().partition(".")
            framework = catalog.get(fw_id)
            question = framework.question(q_id)
            if question is None:
                raise NotFoundError(f"no question '{key}': {fw_id} has "
                                    f"{', '.join(q.id for q in framework.questions())}")
            _check_readiness(framework, key)
            if all(q.key != question.key for _, q in chosen):
                chosen.append((framework, question))
        return chosen
    ids = list(frameworks) or [f.id for f in catalog.frameworks()
                               if f.perspective == "readiness"]
    for fw_id in ids:
        framework = catalog.get(fw_id)
        _check_readiness(framework, fw_id)
        chosen += [(framework, q) for q in framework.questions() if q.weight > 0]
    if not chosen:
        raise NotFoundError("no readiness framework is installed to draw questions from")
    return chosen


def _check_readiness(framework: Framework, what: str) -> None:
    if framework.perspective != "readiness":
        raise InvalidValueError(f"{what} is a seller-fit question ({framework.name}); the "
                                "self-assessment asks only the customer's own readiness")


def make_form(deal: Deal, respondent: Contact, questions: Sequence[tuple[Framework, Question]],
              sent: date) -> Form:
    """The form for one stakeholder: their questions, in their words where the framework
    has them, and nothing else about the deal."""
    # Never the deal's name: it is ours, and may say what we think of them.
    return Form(reference_of(deal), deal.account, respondent.name, sent,
                tuple(_form_question(n, q) for n, (_, q) in enumerate(questions, 1)))


def form_file_stem(form: Form) -> str:
    """The name the forms are written under, without suffix: what the customer sees as
    the attachment's name, so it names their organisation and them, never our deal."""
    return "-".join(["self-assessment"] + [slugify(part) for part in (form.account,
                                                                     form.respondent) if part])


def _form_question(number: int, q: Question) -> FormQuestion:
    voice = q.customer_prompt
    # Our own words for each answer, as forms had them before customer wording: the
    # fallback for a question not worded for the customer, and what old replies carry.
    ours: list[tuple[str, str]] = []
    if q.type in ("choice", "multi"):
        ours = [(c.value, c.label) for c in q.choices[:len(_LETTERS)]]
    elif q.type == "yes_no":
        ours = [(value, label) for value, label in _YES_NO_WORDS]
    elif q.type == "scale":
        ours = [(str(v), f"{v} ({_SCALE_WORDS[v]})") for v in sorted(_SCALE_WORDS)]
    theirs = dict(q.customer_options()) if voice else {}
    options = [FormOption(_LETTERS[i], _their_words(q, value, theirs.get(value, "")) or label,
                          value, label if theirs.get(value) else "")
               for i, (value, label) in enumerate(ours)]
    if options:
        options.append(FormOption(NOT_SURE, "Not sure", "unclear"))
    # Without a customer wording the rep's prompt is used (``send`` says so), but never the
    # rep's ``why``: it speaks of the customer in the third person, and of our tactics.
    return FormQuestion(number, q.key, voice or q.prompt, q.customer_why if voice else "",
                        tuple(options), q.type == "multi", _FREE_HINTS.get(q.type, ""),
                        bool(voice))




# --- the form as text (what the e-mail carries, and what a reply holds) ----------------


# Who reads a reply, said as it is: the seller's team keeps it, and nothing we send their
# organisation quotes it (``render.report.customer`` is tested for that).
WHO_SEES = ("Who sees your answers: the people working with you on this at our company, "
            "to prepare our conversations with you. We do not show your answers or "
            "comments to your colleagues or to anyone else; where your team sees something "
            "differently, we say so without saying who said what.")


def heading(form: Form) -> str:
    """The form's first line: where their organisation stands."""
    return f"Where does {form.account} stand?" if form.account else (
        "Where does your organisation stand?")


def form_text(form: Form) -> str:
    """The plain-text form: answered by marking boxes in a reply to the e-mail."""
    out = [TITLE, f"Reference: {form.reference}", f"For: {form.respondent}",
           f"Sent: {form.sent.isoformat()}", ""]
    # The letter part wrapped as an e-mail is; the reply reads only the lines after it.
    for paragraph in (f"{heading(form)} A few questions for you, {form.respondent}.",
                      WHO_SEES,
                      "How to answer: reply to this e-mail, keep the text below, and put an "
                      "x in the box of your answer, like [x]. Write where it says Answer: or "
                      "Comment:. Skip any question you prefer not to answer."):
        out += [*textwrap.wrap(paragraph, 72, break_long_words=False), ""]
    for q in form.questions:
        out += question_lines(q)
    out.append(END)
    return "\n".join(out) + "\n"


def question_lines(q: FormQuestion, marked: Sequence[str] = (), answer: str = "",
                   comment: str = "") -> list[str]:
    """One question's block, with the boxes of ``marked`` letters ticked."""
    lines = [f"--- {q.number} [{q.key}] ---", q.text]
    if q.why:
        lines.append(f"(Why we ask: {q.why})")
    if q.multi:
        lines.append("(Mark every box that applies.)")
    lines += [f"[{'x' if o.letter in marked else ' '}] {o.letter}. {o.label}"
              for o in q.options]
    if not q.options:
        lines.append(f"Answer ({q.free_hint}): {answer}".rstrip())
    lines += [f"Comment: {comment}".rstrip(), ""]
    return lines


# --- reading a reply ---------------------------------------------------------------------


@dataclass(frozen=True)
class Reply:
    """A checked reply: whose, when, and their answers by answer key."""

    respondent: str
    answered: datetime
    answers: dict[str, Answer]
    frameworks: dict[str, str]  # framework id -> version
    fingerprint: str


_QUOTE = re.compile(r"^(?:[ \t]*>)+[ \t]?")
_BLOCK = re.compile(r"^-{3}\s*(\d+)\s*\[([^\]\s]+)\]\s*-{3}$")
_OPTION = re.compile(r"^\[([^\]]{0,3})\]\s*([A-Za-z?])[.)]\s*(.*)$")
_FIELD = re.compile(r"^(Reference|For|Sent|Answered)\s*:\s*(.*)$", re.IGNORECASE)


@dataclass
class _Block:
    line: int
    number: int
    key: str
    marked: list[tuple[str, str, int]]  # letter, label, line
    answer: str = ""
    comment: list[str] | None = None


def read_reply(raw: bytes, source: str, deal: Deal, respondent: str, catalog: Catalog,
               now: datetime, deals: Sequence[Deal] = ()) -> Reply:
    """Check a reply (the saved file, or the e-mail reply pasted or saved) for ``deal``
    from its stakeholder ``respondent``; raises ReplyError, one line, on anything amiss.

    ``deals``: every deal, to name the one a reply for another deal belongs to.
    """
    contact = contact_named(deal, respondent)
    if len(raw) > MAX_REPLY_BYTES:
        raise ReplyError(source, f"is {len(raw):,} bytes; a reply is at most "
                         f"{MAX_REPLY_BYTES // 1024} KB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ReplyError(source, f"is damaged: not UTF-8 text (byte {exc.start})") from None
    lines = [_QUOTE.sub("", line).strip() for line in text.replace("\r\n", "\n")
             .replace("\r", "\n").split("\n")]
    start = next((n for n, line in enumerate(lines) if line.upper() == TITLE), None)
    if start is None:
        raise ReplyError(source, f"is not a self-assessment reply (no '{TITLE}' line)")
    fields, blocks, ended = _parse(lines, start, source)
    if not ended:
        raise ReplyError(source, f"is damaged: it stops before '{END}' (cut short?)")
    _check_deal(fields.get("reference", ""), deal, deals, source)
    named = fields.get("for", "")
    if " ".join(named.split()).casefold() != " ".join(contact.name.split()).casefold():
        raise ReplyError(source, f"was filled in for '{named or 'nobody'}', not "
                         f"'{contact.name}'")
    answered = _answered(fields.get("answered", ""), now, source)
    answers: dict[str, Answer] = {}
    versions: dict[str, str] = {}
    for block in blocks:
        framework, question = _question(catalog, block, source)
        answer = _block_answer(block, question, contact.name, answered, source)
        if answer is None:
            continue
        if question.answer_key in answers:
            raise ReplyError(source, f"line {block.line}: answers {block.key} twice")
        answers[question.answer_key] = answer
        versions[framework.id] = framework.version
    if not answers:
        raise ReplyError(source, "answers no question (no box is marked)")
    return Reply(contact.name, answered, answers, versions,
                 _fingerprint(fields.get("reference", ""), contact.name,
                              fields.get("answered", ""), answers))


def _parse(lines: list[str], start: int, source: str
           ) -> tuple[dict[str, str], list[_Block], bool]:
    fields: dict[str, str] = {}
    blocks: list[_Block] = []
    for n in range(start + 1, len(lines)):
        line, where = lines[n], n + 1
        if line.lower() == END:
            return fields, blocks, True
        if (m := _BLOCK.match(line)) is not None:
            blocks.append(_Block(where, int(m[1]), m[2], []))
            continue
        if not blocks:
            if (m := _FIELD.match(line)) is not None:
                fields.setdefault(m[1].lower(), m[2].strip())
            continue
        block = blocks[-1]
        if (m := _OPTION.match(line)) is not None:
            if m[1].strip():
                block.marked.append((m[2].upper(), m[3].strip(), where))
        elif re.match(r"^Answer\b[^:]*:", line):
            block.answer = line.partition(":")[2].strip()
        elif line.startswith("Comment:"):
            block.comment = [line.partition(":")[2].strip()]
        elif block.comment is not None and line:
            block.comment.append(line)  # a comment the mail client wrapped
    return fields, blocks, False


def _check_deal(reference: str, deal: Deal, deals: Sequence[Deal], source: str) -> None:
    if reference == reference_of(deal):
        return
    if not reference:
        raise ReplyError(source, "is damaged: it has no 'Reference:' line")
    owner = next((d for d in deals if reference_of(d) == reference), None)
    if owner is not None:
        raise ReplyError(source, f"is a reply for another deal ({owner.id}), not {deal.id}")
    raise ReplyError(source, f"is a reply for another deal (reference {reference}, not in "
                     f"this database), not {deal.id}")


def _answered(text: str, now: datetime, source: str) -> datetime:
    if not text:
        return now
    try:
        when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ReplyError(source, f"is damaged: 'Answered: {text}' is not a time") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    when = when.astimezone(timezone.utc).replace(microsecond=0)
    if when > now + timedelta(days=1):
        raise ReplyError(source, f"says it was answered on {when:%Y-%m-%d}, in the future")
    return when


def _question(catalog: Catalog, block: _Block, source: str) -> tuple[Framework, Question]:
    fw_id, _, q_id = block.key.partition(".")
    framework = catalog.entries[fw_id].framework if fw_id in catalog.entries else None
    question = framework.question(q_id) if framework is not None else None
    if framework is None or question is None:
        raise ReplyError(source, f"line {block.line}: unknown question '{block.key}' (not "
                         "in the installed frameworks)")
    if framework.perspective != "readiness":
        raise ReplyError(source, f"line {block.line}: '{block.key}' is not a question of "
                         "the self-assessment")
    return framework, question


def _block_answer(block: _Block, question: Question, respondent: str, answered: datetime,
                  source: str) -> Answer | None:
    form_q = _form_question(block.number, question)
    where = f"line {block.line}: question {block.number} ({block.key})"
    options = {o.letter: o for o in form_q.options}
    chosen: list[FormOption] = []
    for letter, label, line in block.marked:
        option = options.get(letter)
        if option is None or (label and not _same_start(label, option.label) and not (
                option.earlier_label and _same_start(label, option.earlier_label))):
            raise ReplyError(source, f"line {line}: question {block.number} has no box "
                             f"'{letter}. {label}' (damaged, or the form changed since "
                             "it was sent)")
        chosen.append(option)
    chosen = list({o.letter: o for o in chosen}.values())
    note = " ".join(block.comment or []).strip()
    raw: Value
    if any(o.letter == NOT_SURE for o in chosen):
        if len(chosen) > 1:
            raise ReplyError(source, f"{where}: 'Not sure' is marked with another box")
        raw = "unclear"
    elif chosen:
        if len(chosen) > 1 and not form_q.multi:
            raise ReplyError(source, f"{where}: {len(chosen)} boxes are marked; one is "
                             "expected")
        raw = [o.value for o in chosen] if form_q.multi else chosen[0].value
    elif block.answer and not form_q.options:
        raw = block.answer
    elif block.answer:
        raise ReplyError(source, f"{where}: answered in words; mark a box instead")
    else:
        return None  # skipped: a comment alone is not an answer
    try:
        status, value = parse_value(question, raw)
    except InvalidValueError as exc:
        raise ReplyError(source, f"{where}: {exc}") from None
    return Answer(status=status, value=value, evidence=Evidence(respondent, verified=True),
                  note=note, at=answered, confirmed=answered)


def _their_words(q: Question, value: str, words: str) -> str:
    """The words beside a box: a scale keeps its number, so the ends read as a scale."""
    if q.type == "scale" and (words or q.customer_answers):
        return f"{value} - {words}" if words else value
    return words


def _same_start(given: str, label: str) -> bool:
    # Mail clients wrap long lines, so the label may arrive cut short.
    a, b = (" ".join(t.split()).casefold() for t in (given, label))
    return b.startswith(a) or a.startswith(b)


def _fingerprint(reference: str, respondent: str, answered: str,
                 answers: dict[str, Answer]) -> str:
    body = {"reference": reference, "for": respondent.casefold(), "answered": answered,
            "answers": {k: [a.status, a.value, a.note] for k, a in sorted(answers.items())}}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()[:16]
