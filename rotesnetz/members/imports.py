"""CSV import of a Landesverband's structure: every bad line reported, all or nothing."""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .models import Gliederung, GliederungKind, placement_error

KIND_ALIASES = {
    "bundesverband": GliederungKind.BUNDESVERBAND,
    "landesverband": GliederungKind.LANDESVERBAND,
    "lv": GliederungKind.LANDESVERBAND,
    "unterbezirk": GliederungKind.UNTERBEZIRK,
    "ub": GliederungKind.UNTERBEZIRK,
    "kreisverband": GliederungKind.KREISVERBAND,
    "kreis": GliederungKind.KREISVERBAND,
    "kv": GliederungKind.KREISVERBAND,
    "ortsverein": GliederungKind.ORTSVEREIN,
    "ov": GliederungKind.ORTSVEREIN,
    "abteilung": GliederungKind.ABTEILUNG,
    "ag": GliederungKind.ARBEITSGEMEINSCHAFT,
    "arbeitsgemeinschaft": GliederungKind.ARBEITSGEMEINSCHAFT,
}
REQUIRED_COLUMNS = ("kind", "name", "parent")
COLUMN_ALIASES = {"art": "kind", "kuerzel": "slug", "uebergeordnet": "parent", "ag_typ": "ag_type"}
MAX_BYTES = 2 * 1024 * 1024


class StructureImportError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    slugs: list[str] = field(default_factory=list)


@dataclass
class _Row:
    line: int
    kind: str
    name: str
    slug: str
    parent: str
    ag_type: str


def _decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise StructureImportError([_("The file is larger than 2 MB.")])
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise StructureImportError([_("The file is not UTF-8 encoded text.")]) from None


def _parse(text: str) -> list[_Row]:
    if not text.strip():
        raise StructureImportError([_("The file is empty.")])
    try:
        dialect = csv.Sniffer().sniff(text.splitlines()[0], delimiters=",;")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = [COLUMN_ALIASES.get(c.strip().lower(), c.strip().lower()) for c in next(reader)]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        raise StructureImportError(
            [_("Line 1: missing column(s): %(columns)s.") % {"columns": ", ".join(missing)}]
        )
    rows, errors = [], []
    for number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        if len(values) > len(header):
            errors.append(_("Line %(line)d: more values than columns.") % {"line": number})
            continue
        record = dict(zip(header, [v.strip() for v in values], strict=False))
        rows.append(
            _Row(
                line=number,
                kind=record.get("kind", ""),
                name=record.get("name", ""),
                slug=record.get("slug", ""),
                parent=record.get("parent", ""),
                ag_type=record.get("ag_type", ""),
            )
        )
    if errors:
        raise StructureImportError(errors)
    return rows


def _validate(rows: list[_Row], landesverband: Gliederung | None) -> list[str]:
    errors: list[str] = []
    existing = {g.slug: g for g in Gliederung.objects.only("id", "slug", "kind", "path")}
    in_file: dict[str, _Row] = {}
    for row in rows:
        line = {"line": row.line}
        kind = KIND_ALIASES.get(row.kind.lower())
        if kind is None:
            errors.append(_("Line %(line)d: unknown kind “%(kind)s”.") % {**line, "kind": row.kind})
            continue
        row.kind = kind
        if not row.name:
            errors.append(_("Line %(line)d: the name is missing.") % line)
            continue
        if len(row.name) > 150:
            errors.append(_("Line %(line)d: the name is longer than 150 characters.") % line)
            continue
        row.slug = row.slug or slugify(row.name)
        try:
            validate_slug(row.slug)
        except ValidationError:
            errors.append(_("Line %(line)d: the short name is not valid.") % line)
            continue
        if len(row.slug) > 150:
            errors.append(_("Line %(line)d: the short name is too long.") % line)
            continue
        if row.slug in in_file:
            errors.append(
                _("Line %(line)d: the short name “%(slug)s” already appears in line %(other)d.")
                % {**line, "slug": row.slug, "other": in_file[row.slug].line}
            )
            continue
        if row.ag_type and kind != GliederungKind.ARBEITSGEMEINSCHAFT:
            errors.append(_("Line %(line)d: only an AG has an AG type.") % line)
            continue
        if len(row.ag_type) > 60:
            errors.append(_("Line %(line)d: the AG type is too long.") % line)
            continue
        if row.slug in existing and existing[row.slug].kind != kind:
            errors.append(
                _("Line %(line)d: “%(slug)s” already exists as a different kind.")
                % {**line, "slug": row.slug}
            )
            continue
        parent_kind = None
        if row.parent:
            if row.parent in in_file:
                parent_kind = in_file[row.parent].kind
            elif row.parent in existing:
                parent = existing[row.parent]
                parent_kind = parent.kind
                if landesverband and not parent.path.startswith(landesverband.path):
                    errors.append(
                        _("Line %(line)d: “%(parent)s” does not belong to %(lv)s.")
                        % {**line, "parent": row.parent, "lv": landesverband}
                    )
                    continue
            else:
                errors.append(
                    _("Line %(line)d: the parent “%(parent)s” does not exist.")
                    % {**line, "parent": row.parent}
                )
                continue
        elif landesverband and kind != GliederungKind.LANDESVERBAND:
            row.parent = landesverband.slug
            parent_kind = landesverband.kind
        problem = placement_error(kind, parent_kind)
        if problem:
            errors.append(_("Line %(line)d: %(problem)s") % {**line, "problem": problem})
            continue
        in_file[row.slug] = row
    if not rows:
        errors.append(_("The file contains no lines to import."))
    return errors


def structure_import(*, data: bytes, landesverband: Gliederung | None = None) -> ImportResult:
    rows = _parse(_decode(data))
    errors = _validate(rows, landesverband)
    if errors:
        raise StructureImportError(errors)
    result = ImportResult()
    with transaction.atomic():
        by_slug: dict[str, Gliederung] = {}
        for row in rows:
            parent = None
            if row.parent:
                parent = by_slug.get(row.parent) or Gliederung.objects.get(slug=row.parent)
            gliederung = Gliederung.objects.filter(slug=row.slug).first()
            if gliederung is None:
                gliederung = Gliederung(slug=row.slug)
                result.created += 1
            else:
                result.updated += 1
            gliederung.name = row.name
            gliederung.kind = row.kind
            gliederung.parent = parent
            gliederung.ag_type = row.ag_type
            try:
                gliederung.full_clean()
            except ValidationError as error:
                # Raising inside the atomic block rolls back every line saved before.
                raise StructureImportError(
                    [
                        _("Line %(line)d: %(problem)s")
                        % {"line": row.line, "problem": " ".join(error.messages)}
                    ]
                ) from None
            gliederung.save()
            by_slug[row.slug] = gliederung
            result.slugs.append(row.slug)
    return result
