"""Reading deals from CRM exports: Salesforce opportunity reports, HubSpot deal exports and
any CSV with a column mapping.

Real exports are messy: a byte-order mark, ';' separators, quoted commas and new lines,
'$12,500.00' or '12.500,00 EUR', '11/30/2026' or '30.11.2026', empty and duplicate rows.
Each row is read on its own; a bad row is reported with its line number and the rest go on.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from qualicoach.config.settings import Settings
from qualicoach.domain.deal import MAX_AMOUNT
from qualicoach.domain.stages import crm_stage, ended_in_no_decision, normalise
from qualicoach.domain.vocabulary import STAGES
from qualicoach.errors import InvalidValueError
from qualicoach.yamlio.files import read_at_most

# About 500,000 deals of a typical export: far more than a rep's pipeline.
MAX_IMPORT_BYTES = 100_000_000
FIELDS = ("crm_id", "name", "account", "owner", "stage", "amount", "currency", "close_date",
          "next_step", "tags", "close_reason")

# Column headers of each known export (compared without case, spaces or punctuation).
LAYOUTS: dict[str, dict[str, str]] = {
    "salesforce": {
        "opportunityid": "crm_id", "opportunityid18": "crm_id", "id": "crm_id",
        "opportunityname": "name", "accountname": "account", "opportunityowner": "owner",
        "stage": "stage", "amount": "amount", "amountcurrency": "currency",
        "opportunitycurrency": "currency", "closedate": "close_date", "nextstep": "next_step",
        # Not a standard field, but the names teams give it.
        "lossreason": "close_reason", "closedlostreason": "close_reason",
        "reasonlost": "close_reason",
    },
    "hubspot": {
        "recordid": "crm_id", "dealname": "name", "associatedcompany": "account",
        "companyname": "account", "dealowner": "owner", "dealstage": "stage",
        "amount": "amount", "currency": "currency", "closedate": "close_date",
        "nextstep": "next_step", "closedlostreason": "close_reason",
    },
    # What `qualicoach export --format csv` writes, so an export can be imported back.
    "qualicoach": {
        "crmid": "crm_id", "name": "name", "account": "account", "owner": "owner",
        "stage": "stage", "amount": "amount", "currency": "currency",
        "closedate": "close_date", "nextstep": "next_step", "tags": "tags",
        "closereason": "close_reason",
    },
}
_SIGNATURES = {"salesforce": {"opportunityname"}, "hubspot": {"dealname", "recordid"},
               "qualicoach": {"id", "name", "closedate", "risk"}}

_SYMBOLS = {"$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "CHF": "CHF"}


@dataclass(frozen=True)
class ImportedDeal:
    """One row of an export, as deal fields (only the columns the file has)."""

    line: int
    fields: dict[str, Any]

    @property
    def crm_id(self) -> str:
        """The CRM's record id ('' when the file has none)."""
        return str(self.fields.get("crm_id") or "")


@dataclass
class Parsed:
    """What a file holds: deals, and the problems and warnings found on the way."""

    layout: str
    deals: list[ImportedDeal] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    duplicates: int = 0
    empty: int = 0
    bad_rows: int = 0


def read_csv(path: Path) -> tuple[list[str], Iterator[tuple[int, list[str]]], int]:
    """The header, the rows with the line each starts on, and how many rows there are."""
    try:
        raw = read_at_most(path, MAX_IMPORT_BYTES)
    except OSError as exc:
        raise InvalidValueError(f"cannot read {path}: {exc.strerror}") from None
    if len(raw) > MAX_IMPORT_BYTES:
        raise InvalidValueError(f"{path} is larger than {MAX_IMPORT_BYTES // 1_000_000:,} MB; "
                                "split the export into smaller files")
    text = decode_export(raw, path.name)
    if not text.strip():
        raise InvalidValueError(f"{path} is empty")
    sample = text[:20_000]
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    source = io.StringIO(text, newline="")
    reader = csv.reader(source, dialect)
    try:
        header = next(reader)
    except (StopIteration, csv.Error) as exc:
        raise InvalidValueError(f"{path}: no header row ({exc})") from None
    count = max(0, text.count("\n") - 1)

    def rows() -> Iterator[tuple[int, list[str]]]:
        line = reader.line_num + 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield line, [f"\0{exc}"]
                line = reader.line_num + 1
                continue
            # Only a row that ends the file can hold a quote that never closes.
            if row and "\n" in row[-1] and source.tell() >= len(text):
                _refuse_open_quote(text, line, row, dialect, path.name)
            yield line, row
            line = reader.line_num + 1

    return header, rows(), count


def _refuse_open_quote(text: str, line: int, row: Sequence[str], dialect: Any,
                       name: str) -> None:
    """Refuse a file whose last row, starting on ``line``, opens a quote it never closes.

    The CSV reader reads such a quote to the end of the file as one value, so every row
    after it would become one deal named with commas and new lines.
    """
    start = 0
    for _ in range(line - 1):
        start = text.index("\n", start) + 1
    try:
        list(csv.reader(io.StringIO(text[start:], newline=""), dialect, strict=True))
    except csv.Error as exc:
        if "end of data" not in str(exc):
            return
        opened = line + sum(cell.count("\n") for cell in row[:-1])
        raise InvalidValueError(f"{name}:{opened}: a quote (\") opens in this row and never "
                                "closes, so the rest of the file would read as one value; "
                                "close or remove it") from None


_BOMS = ((codecs.BOM_UTF8, "utf-8", "UTF-8"), (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
         (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"))
_SINGLE_BYTE = ("cp1252", "Windows-1252")  # what Excel writes on Windows without a BOM


def decode_export(raw: bytes, name: str) -> str:
    """A whole export's text, in the one encoding the whole file is in.

    A byte-order mark decides (UTF-8, or UTF-16 as Excel's "Unicode text" writes it);
    otherwise the file must be UTF-8 throughout or Windows-1252 throughout. A file that
    mixes them (rows pasted from two exports) is refused with the first line that differs:
    guessing per row stores 'CafÃ©' for some deals and 'Café' for others.
    """
    for bom, codec, label in _BOMS:
        if raw.startswith(bom):
            body = raw[len(bom):]
            try:
                return body.decode(codec)
            except UnicodeDecodeError as exc:
                line = body[: exc.start].decode(codec, errors="replace").count("\n") + 1
                raise InvalidValueError(f"{name}:{line}: not {label} text, though the file starts "
                                        f"with a {label} byte-order mark; save it again as UTF-8"
                                        ) from None
    nul = raw.find(b"\0")
    if nul >= 0:
        line_number = raw[:nul].count(b"\n") + 1
        raise InvalidValueError(f"{name}:{line_number}: a NUL byte, so not a text "
                                "file (UTF-16 without a byte-order mark?); save it as UTF-8")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        pass
    codec, label = _SINGLE_BYTE
    first: tuple[int, str] | None = None
    for number, text_line in enumerate(raw.split(b"\n"), 1):
        if text_line.isascii():
            continue
        try:
            text_line.decode("utf-8")
            kind = "UTF-8"
        except UnicodeDecodeError:
            kind = label
        if first is None:
            first = (number, kind)
        elif kind != first[1]:
            raise InvalidValueError(f"{name}:{number}: {kind} text, but line {first[0]} is "
                                    f"{first[1]}: the file mixes encodings; save it again as UTF-8")
    try:
        return raw.decode(codec)
    except UnicodeDecodeError as exc:
        line_number = raw[: exc.start].count(b"\n") + 1
        raise InvalidValueError(f"{name}:{line_number}: byte 0x{raw[exc.start]:02x} is neither "
                                f"UTF-8 nor {label} text; save the file as UTF-8") from None


def detect_layout(header: Sequence[str]) -> str:
    """'salesforce', 'hubspot', 'qualicoach', or 'csv' when the headers are not known."""
    names = {normalise(h) for h in header}
    for layout, needed in _SIGNATURES.items():
        if needed <= names:
            return layout
    return "csv"


def column_map(header: Sequence[str], layout: str, extra: Mapping[str, str]) -> dict[int, str]:
    """Which column holds which deal field; ``extra`` (from --map) wins over the layout."""
    known = LAYOUTS.get(layout, {})
    mapping = {}
    wanted = {normalise(column): fld for column, fld in extra.items()}
    for index, column in enumerate(header):
        key = normalise(column)
        if key in wanted:
            mapping[index] = wanted[key]
        elif key in known:
            mapping.setdefault(index, known[key])
    missing = [column for column in extra if normalise(column) not in
               {normalise(h) for h in header}]
    if missing:
        raise InvalidValueError("--map names column(s) the file does not have: "
                                f"{', '.join(missing)}"
                                f"; its columns: {', '.join(header)}")
    if "name" not in mapping.values():
        raise InvalidValueError("no column gives the deal's name; map one with --map "
                                f"'COLUMN=name' (columns: {', '.join(header)})")
    return mapping


def parse_mapping(items: Sequence[str]) -> dict[str, str]:
    """--map COLUMN=FIELD options as a dict, checking the field names."""
    mapping = {}
    for item in items:
        column, sep, fld = item.rpartition("=")
        if not sep or not column.strip():
            raise InvalidValueError(f"--map '{item}' must look like COLUMN=FIELD")
        if fld.strip() not in FIELDS:
            raise InvalidValueError(f"--map '{item}': unknown field '{fld}'; fields: "
                                    f"{', '.join(FIELDS)}")
        mapping[column.strip()] = fld.strip()
    return mapping


def parse_file(path: Path, layout: str = "auto", extra: Mapping[str, str] | None = None,
               day_first: bool = False, progress: Any = None,
               stages: Mapping[str, str] | None = None,
               outcomes: tuple[Sequence[str], Sequence[str]] | None = None) -> Parsed:
    """Read every row of a CRM export into deal fields.

    ``stages`` (from ``domain.stages.parse_stage_mapping``) names stages the CRM's own names
    do not; a row whose stage is still not known is a bad row, reported with its line.
    ``outcomes`` are the phrases of a loss reason that mean no decision and those that
    mean lost (the settings' ``no_decision_reasons`` and ``lost_reasons``; see
    ``domain.stages.ended_in_no_decision``); without them, the defaults.
    """
    if outcomes is None:
        defaults = Settings()
        outcomes = (defaults.no_decision_reasons, defaults.lost_reasons)
    header, row_iter, count = read_csv(path)
    chosen = detect_layout(header) if layout == "auto" else layout
    mapping = column_map(header, chosen, extra or {})
    parsed = Parsed(chosen)
    # The file's own rows decide how to read an amount whose shape does not (1.250).
    rows = list(row_iter)
    amount_columns = [index for index, fld in mapping.items() if fld == "amount"]
    marks = decimal_marks(row[index] for _, row in rows for index in amount_columns
                          if index < len(row) and not row[0].startswith("\0"))
    seen: dict[tuple[str, ...], int] = {}
    unknown_stages: dict[str, list[int]] = {}
    for line, row in rows:
        if progress is not None:
            progress(1, count)
        if row and row[0].startswith("\0"):
            parsed.problems.append(f"{path.name}:{line}: not readable as CSV: {row[0][1:]}")
            parsed.bad_rows += 1
            continue
        if not any(cell.strip() for cell in row):
            parsed.empty += 1
            continue
        try:
            fields = _fields(row, mapping, day_first, marks, stages, outcomes)
        except UnknownStage as exc:
            unknown_stages.setdefault(exc.name, []).append(line)
            parsed.bad_rows += 1
            continue
        except InvalidValueError as exc:
            parsed.problems.append(f"{path.name}:{line}: {exc}")
            parsed.bad_rows += 1
            continue
        identity = ((fields.get("crm_id") or "",) if fields.get("crm_id") else
                    (fields["name"].casefold(), str(fields.get("account", "")).casefold()))
        if identity in seen:
            parsed.duplicates += 1
            parsed.warnings.append(f"{path.name}:{line}: the same deal as line "
                                   f"{seen[identity]}; the later row is used")
            parsed.deals = [d for d in parsed.deals if d.line != seen[identity]]
        seen[identity] = line
        parsed.deals.append(ImportedDeal(line, fields))
    for stage, lines in unknown_stages.items():
        parsed.problems.append(_unknown_stage(path.name, stage, lines))
    return parsed


class UnknownStage(InvalidValueError):
    """A row's stage is no stage qualicoach knows, nor one the team mapped."""

    def __init__(self, name: str) -> None:
        super().__init__(f"stage '{name}' is not one qualicoach knows")
        self.name = name


def _unknown_stage(file: str, stage: str, lines: Sequence[int]) -> str:
    """One problem per unknown stage name, at its first row, however many rows have it."""
    others = ""
    if len(lines) > 1:
        shown = ", ".join(str(n) for n in lines[1:6])
        more = f" and {len(lines) - 6} more" if len(lines) > 6 else ""
        others = f" (also line{'s' if len(lines) > 2 else ''} {shown}{more})"
    quoted = stage.replace('"', "'")
    return (f"{file}:{lines[0]}: stage '{stage}'{others} is not one qualicoach knows; map "
            f"it with --map-stage \"{quoted}=STAGE\" (stages: {', '.join(STAGES)})")


def _fields(row: Sequence[str], mapping: Mapping[int, str], day_first: bool,
            marks: Collection[str], stages: Mapping[str, str] | None,
            outcomes: tuple[Sequence[str], Sequence[str]] | None) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    currency = ""
    for index, fld in mapping.items():
        value = row[index].strip() if index < len(row) else ""
        if not value:
            continue
        if fld == "amount":
            fields["amount"], currency = parse_money(value, marks)
        elif fld == "close_date":
            fields["close_date"] = parse_any_date(value, day_first)
        elif fld == "stage":
            stage = crm_stage(value, stages)
            if stage is None:
                raise UnknownStage(_clip(value))
            fields["stage"] = stage
        elif fld == "currency":
            fields["currency"] = _currency_code(value)
        elif fld == "tags":
            fields["tags"] = tuple(t.strip() for t in re.split(r"[;,]", value) if t.strip())
        else:
            if len(value) > 2000:
                raise InvalidValueError(f"{fld} is longer than 2,000 characters")
            fields[fld] = value
    if not fields.get("name"):
        raise InvalidValueError("the deal has no name")
    if fields.get("stage") == "lost" and outcomes is not None and ended_in_no_decision(
            fields.get("close_reason", ""), *outcomes):
        fields["stage"] = "no_decision"
    if currency and "currency" not in fields:
        fields["currency"] = currency
    return fields


def _currency_code(text: str) -> str:
    code = _SYMBOLS.get(text.strip(), text.strip().upper())
    if not re.fullmatch(r"[A-Z]{3}", code):
        raise InvalidValueError(f"currency '{text}' is not a three-letter code")
    return code


def parse_money(text: str, decimal_marks: Collection[str] = ()) -> tuple[float, str]:
    """'$12,500.00' -> (12500.0, 'USD'); '12.500,00 EUR' and '12.500 EUR' -> (12500.0, 'EUR').

    ``decimal_marks`` are the decimal marks the file's other amounts show (see
    ``decimal_marks``); an amount they contradict is refused rather than guessed.
    """
    number, currency = _split_currency(text)
    kind, mark = _shape(number, text)
    if kind == "ambiguous":
        other = "," if mark == "." else "."
        if decimal_marks and set(decimal_marks) != {other}:
            whole, _, tail = number.partition(mark)
            says = (f"other rows use '{mark}' as the decimal mark, but three digits follow "
                    "it here" if set(decimal_marks) == {mark} else
                    "this column writes decimals both ways (12,500.00 and 12.500,00)")
            raise InvalidValueError(f"amount '{text}' is ambiguous: {says}; write it as "
                                    f"{whole}{tail} or {whole}.{tail[:2]}")
        kind = "thousands"
    if kind == "decimal":
        whole, _, fraction = number.rpartition(mark)
        digits = re.sub(r"[.,]", "", whole) + "." + fraction
    else:
        digits = re.sub(r"[.,]", "", number)
    amount = float(digits)
    if amount > MAX_AMOUNT:
        raise InvalidValueError(f"amount '{_clip(text)}' is too large (more than "
                                f"{MAX_AMOUNT:,.0f}); check the column")
    return amount, currency


def decimal_marks(texts: Iterable[str]) -> set[str]:
    """The decimal marks that the amounts whose shape tells (``12,500.00``, ``12,5``,
    ``1.250.000``) show; amounts that are not numbers are left to ``parse_money``."""
    marks: set[str] = set()
    for text in texts:
        try:
            number, _ = _split_currency(text)
            kind, mark = _shape(number, text)
        except InvalidValueError:
            continue
        if kind == "decimal":
            marks.add(mark)
        elif kind == "thousands" and mark:
            marks.add("," if mark == "." else ".")
    return marks


def _split_currency(text: str) -> tuple[str, str]:
    """The amount's digits and marks, and the currency its symbol or code names."""
    cleaned = text.replace("\u00a0", " ").replace("\u202f", " ").strip()
    currency = ""
    for symbol, code in _SYMBOLS.items():
        if symbol in cleaned:
            currency, cleaned = code, cleaned.replace(symbol, "")
    match = re.search(r"\b([A-Za-z]{3})\b", cleaned)
    if match:
        currency, cleaned = match.group(1).upper(), cleaned.replace(match.group(1), "")
    number = cleaned.replace(" ", "").replace("'", "")
    if number.startswith("-") or number.startswith("("):
        raise InvalidValueError(f"amount '{_clip(text)}' is negative")
    if not re.fullmatch(r"[0-9.,]+", number) or not re.search(r"\d", number):
        raise InvalidValueError(f"amount '{_clip(text)}' is not a number")
    return number, currency


# Digit groups of a thousands-separated whole number: the last group has three digits, the
# others one to three (three in the West, two in India's lakh and crore: 12,50,000).
_GROUPED = r"\d{1,3}(?:M\d{2,3})*M\d{3}"


def _shape(number: str, text: str) -> tuple[str, str]:
    """What the number's own shape says: ('decimal', mark), ('thousands', mark or ''), or
    ('ambiguous', mark) for one mark followed by three digits, such as 1.250."""
    marks = [m for m in (",", ".") if m in number]
    if not marks:
        return "thousands", ""
    if len(marks) == 2:
        decimal = "," if number.rfind(",") > number.rfind(".") else "."
        thousands = "." if decimal == "," else ","
        whole, _, fraction = number.rpartition(decimal)
        if decimal in whole or not re.fullmatch(_GROUPED.replace("M", re.escape(thousands)),
                                                whole) or not fraction:
            raise InvalidValueError(f"amount '{_clip(text)}' is not a number")
        return "decimal", decimal
    mark = marks[0]
    if number.count(mark) > 1:
        if not re.fullmatch(_GROUPED.replace("M", re.escape(mark)), number):
            raise InvalidValueError(f"amount '{_clip(text)}' is not a number")
        return "thousands", mark
    whole, _, fraction = number.partition(mark)
    if not fraction:
        raise InvalidValueError(f"amount '{_clip(text)}' is not a number")
    # Amounts are kept to cents, so three digits after the only mark are a thousands
    # group, unless the whole part could not lead a group (0.500, 1250.000).
    if len(fraction) == 3 and re.fullmatch(r"[1-9]\d{0,2}", whole):
        return "ambiguous", mark
    return "decimal", mark


def _clip(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def parse_any_date(text: str, day_first: bool = False) -> date:
    """'2026-11-30', '11/30/2026' (month first, or day first when asked or when the first
    number is above 12), '30.11.2026'; a time after the date is ignored."""
    value = re.split(r"[ T]", text.strip())[0]
    try:
        if re.fullmatch(r"\d{4}-\d{1,2}-\d{1,2}", value):
            year, month, day = map(int, value.split("-"))
        elif re.fullmatch(r"\d{1,2}\.\d{1,2}\.\d{4}", value):
            day, month, year = map(int, value.split("."))
        elif re.fullmatch(r"\d{1,2}/\d{1,2}/\d{4}", value):
            first, second, year = map(int, value.split("/"))
            month, day = (second, first) if day_first or first > 12 else (first, second)
        else:
            raise ValueError
        return date(year, month, day)
    except ValueError:
        raise InvalidValueError(f"close date '{text}' is not a date (YYYY-MM-DD, MM/DD/YYYY or "
                                "DD.MM.YYYY)") from None
