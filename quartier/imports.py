"""CSV import of election results per district: every bad line reported, all or nothing.

Columns (German or English names, comma or semicolon, UTF-8):
``district`` (Stadtteil/Wahlbezirk), ``city`` (Ort), ``election`` (Wahl), ``date`` (Wahltag),
``eligible`` (Wahlberechtigte), ``voters`` (Wähler), ``mandate`` (Mandat: ja/nein), then one
column per party with its votes. A second import of the same district and election replaces
the figures.
"""

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import transaction
from django.utils.translation import gettext as _

from rotesnetz.members.models import Gliederung

from .models import District, DistrictResult, Election

MAX_BYTES = 2 * 1024 * 1024
MAX_PARTIES = 40
COLUMN_ALIASES = {
    "district": "district",
    "bezirk": "district",
    "wahlbezirk": "district",
    "stadtteil": "district",
    "kiez": "district",
    "city": "city",
    "ort": "city",
    "stadt": "city",
    "election": "election",
    "wahl": "election",
    "date": "date",
    "datum": "date",
    "wahltag": "date",
    "eligible": "eligible",
    "wahlberechtigte": "eligible",
    "voters": "voters",
    "waehler": "voters",
    "wähler": "voters",
    "waehlende": "voters",
    "wählende": "voters",
    "mandate": "mandate",
    "mandat": "mandate",
    "mandatstraeger": "mandate",
    "mandatsträger": "mandate",
}
REQUIRED = ("district", "city", "election", "date", "eligible", "voters", "mandate")
YES = {"ja", "yes", "j", "y", "1", "x", "true", "wahr"}
NO = {"nein", "no", "n", "0", "false", "falsch", "-"}
NUMBER = re.compile(r"^[0-9]{1,3}(\.[0-9]{3})+$|^[0-9]+$")


class ElectionImportError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    elections: list[str] = field(default_factory=list)


@dataclass
class _Row:
    line: int
    district: str
    city: str
    election: str
    held_on: date
    eligible: int
    voters: int
    mandate: bool
    votes: dict[str, int]


def _number(value: str) -> int | None:
    value = value.strip().replace(" ", "")
    if not NUMBER.match(value):
        return None
    return int(value.replace(".", ""))


def _date(value: str) -> date | None:
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.strptime(value.strip(), pattern).date()
        except ValueError:
            continue
    return None


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise ElectionImportError([_("The file is larger than 2 MB.")])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ElectionImportError([_("The file is not UTF-8 encoded text.")]) from None
    if "\x00" in text:
        raise ElectionImportError([_("The file is not a CSV text file.")])
    if not text.strip():
        raise ElectionImportError([_("The file is empty.")])
    return text


def _header(first_line: list[str]) -> tuple[list[str], list[str], list[str]]:
    """Normalised column names, the party columns, and errors in the header."""
    errors = []
    names = []
    for raw in first_line:
        key = raw.strip()
        names.append(COLUMN_ALIASES.get(key.lower(), key))
    missing = [column for column in REQUIRED if column not in names]
    if missing:
        errors.append(
            _("Line 1: missing column(s): %(columns)s.") % {"columns": ", ".join(missing)}
        )
    parties = [name for name in names if name not in REQUIRED]
    if any(not party for party in parties):
        errors.append(_("Line 1: a party column has no name."))
    duplicates = sorted({name for name in names if name and names.count(name) > 1})
    if duplicates:
        errors.append(
            _("Line 1: the column(s) %(columns)s appear twice.")
            % {"columns": ", ".join(duplicates)}
        )
    if not parties and not missing:
        errors.append(_("Line 1: there are no party columns with votes."))
    if len(parties) > MAX_PARTIES:
        errors.append(_("Line 1: at most %(max)d party columns.") % {"max": MAX_PARTIES})
    for party in parties:
        if len(party) > 40:
            errors.append(
                _("Line 1: the party name “%(name)s…” is too long.") % {"name": party[:40]}
            )
    return names, parties, errors


def _row(number: int, record: dict[str, str], parties: list[str]) -> tuple[_Row | None, list]:
    errors = []
    line = {"line": number}

    def problem(message: str) -> None:
        errors.append(_("Line %(line)d: %(problem)s") % {**line, "problem": message})

    district, city, election = record["district"], record["city"], record["election"]
    if not district:
        problem(_("the district is missing."))
    if not city:
        problem(_("the town is missing."))
    if not election:
        problem(_("the election is missing."))
    for value in (district, city, election):
        if len(value) > 100:
            problem(_("a name is longer than 100 characters."))
            break
    held_on = _date(record["date"])
    if held_on is None:
        problem(
            _("the election day “%(value)s” is not a date (e.g. 2021-09-26).")
            % {"value": record["date"][:20]}
        )
    eligible = _number(record["eligible"])
    if eligible is None or eligible <= 0:
        problem(_("the number of eligible voters must be a whole number above 0."))
    voters = _number(record["voters"])
    if voters is None:
        problem(_("the number of voters must be a whole number."))
    elif eligible is not None and voters > eligible:
        problem(
            _("there are more voters (%(voters)d) than eligible voters (%(eligible)d).")
            % {"voters": voters, "eligible": eligible}
        )
    mandate_text = record["mandate"].strip().lower()
    if mandate_text in YES:
        mandate = True
    elif mandate_text in NO:
        mandate = False
    else:
        mandate = False
        problem(_("the mandate column must say “ja” or “nein”."))
    votes = {}
    for party in parties:
        value = _number(record.get(party, "") or "0")
        if value is None:
            problem(_("the votes for %(party)s must be a whole number.") % {"party": party})
        else:
            votes[party] = value
    if voters is not None and len(votes) == len(parties) and sum(votes.values()) > voters:
        problem(_("the party votes add up to more than the number of voters."))
    if errors:
        return None, errors
    return _Row(number, district, city, election, held_on, eligible, voters, mandate, votes), []


def _parse(text: str) -> tuple[list[_Row], list[str]]:
    first_line = text.splitlines()[0]
    try:
        dialect = csv.Sniffer().sniff(first_line, delimiters=",;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    try:
        names, parties, errors = _header(next(reader))
    except csv.Error:
        raise ElectionImportError([_("Line 1: the file is not valid CSV.")]) from None
    if errors:
        raise ElectionImportError(errors)
    rows: list[_Row] = []
    seen: dict[tuple, int] = {}
    election_days: dict[str, tuple[date, int]] = {}
    number = 1
    try:
        for number, values in enumerate(reader, start=2):
            if not any(value.strip() for value in values):
                continue
            if len(values) > len(names):
                errors.append(_("Line %(line)d: more values than columns.") % {"line": number})
                continue
            if len(values) < len(REQUIRED):
                errors.append(_("Line %(line)d: too few values.") % {"line": number})
                continue
            record = {name: value.strip() for name, value in zip(names, values, strict=False)}
            for name in names:
                record.setdefault(name, "")
            row, row_errors = _row(number, record, parties)
            errors += row_errors
            if row is None:
                continue
            key = (row.city.casefold(), row.district.casefold(), row.election.casefold())
            if key in seen:
                errors.append(
                    _(
                        "Line %(line)d: %(district)s in %(election)s already appears in line "
                        "%(other)d."
                    )
                    % {
                        "line": number,
                        "district": row.district,
                        "election": row.election,
                        "other": seen[key],
                    }
                )
                continue
            seen[key] = number
            known = election_days.get(row.election.casefold())
            if known and known[0] != row.held_on:
                errors.append(
                    _("Line %(line)d: %(election)s has another election day in line %(other)d.")
                    % {"line": number, "election": row.election, "other": known[1]}
                )
                continue
            election_days.setdefault(row.election.casefold(), (row.held_on, number))
            rows.append(row)
    except csv.Error:
        errors.append(_("Line %(line)d: the line is not valid CSV.") % {"line": number + 1})
    if not rows and not errors:
        errors.append(_("The file contains no lines to import."))
    return rows, errors


def election_results_import(
    *, landesverband: Gliederung, data: bytes, note: str = ""
) -> ImportResult:
    rows, errors = _parse(_decode(data))
    existing = {
        election.name.casefold(): election
        for election in Election.objects.filter(landesverband=landesverband)
    }
    for row in rows:
        election = existing.get(row.election.casefold())
        if election is not None and election.held_on != row.held_on:
            errors.append(
                _("Line %(line)d: %(election)s was already imported with the election day %(day)s.")
                % {
                    "line": row.line,
                    "election": row.election,
                    "day": f"{election.held_on:%d.%m.%Y}",
                }
            )
    if errors:
        raise ElectionImportError(sorted(set(errors), key=_line_of))
    result = ImportResult()
    with transaction.atomic():
        elections: dict[str, Election] = {}
        districts: dict[tuple, District] = {}
        for row in rows:
            key = row.election.casefold()
            if key not in elections:
                election = existing.get(key)
                if election is None:
                    election = Election.objects.create(
                        landesverband=landesverband,
                        name=row.election,
                        held_on=row.held_on,
                        note=note[:300],
                    )
                    result.elections.append(election.name)
                elif note:
                    election.note = note[:300]
                    election.save(update_fields=["note"])
                elections[key] = election
            district_key = (row.city.casefold(), row.district.casefold())
            if district_key not in districts:
                district = District.objects.filter(
                    landesverband=landesverband, city__iexact=row.city, name__iexact=row.district
                ).first() or District.objects.create(
                    landesverband=landesverband, city=row.city, name=row.district
                )
                districts[district_key] = district
            _result, created = DistrictResult.objects.update_or_create(
                district=districts[district_key],
                election=elections[key],
                defaults={
                    "eligible": row.eligible,
                    "voters": row.voters,
                    "mandate_holder": row.mandate,
                    "votes": row.votes,
                },
            )
            if created:
                result.created += 1
            else:
                result.updated += 1
    return result


def _line_of(message: str) -> tuple[int, str]:
    match = re.search(r"(\d+)", message)
    return (int(match.group(1)) if match else 0, message)
