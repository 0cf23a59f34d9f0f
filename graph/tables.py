"""The publisher's own records: a folder of CSV tables, validated by their data package, mapped to records. No HTTP.

A folder holds one UTF-8 CSV file per table of ``ontology/records.toml`` (``practices.csv``,
``instruments.csv``, ``action-plans.csv``, ``actions.csv``, ``changes.csv``, ``events.csv``;
any subset), each with a header row naming its columns in any order. Reading it:

1. checks each file: a known table, within the size limit, UTF-8, its header naming every
   required column and no unknown one;
2. validates the files with Frictionless against the tables' data package
   (:func:`graph.mapping.data_package`): types, required cells, patterns, concept values,
   unique keys and references between the tables, each error with its row and column;
3. resolves what the rows name in the store: a project by its acronym, index or key, an
   organisation by its name (as the list of operations spells it, accents, case and
   punctuation aside) among that project's partners; generated records are never named, so a
   real record never leans on a synthetic one;
4. fills the defaults the mapping states (a practice's region is its organisation's) and
   writes every row through :meth:`graph.records.RecordWriter.mapped`.

Any error in any file is an :class:`~graph.errors.InputDataError` listing every error (file,
row, column, value, why) and nothing is written: a folder imports whole or not at all.

A folder whose ``datapackage.json`` says ``"synthetic": true`` holds invented records (the
example shipped in ``examples/records``): they are imported as generated records, marked
``prov:wasGeneratedBy`` a run that says so, besides ``prov:wasDerivedFrom`` their source.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from graph.errors import InputDataError
from graph.mapping import Column, Table, data_package, tables
from graph.namespaces import IKG, Graphs
from graph.operations import organisation_key, read_text
from graph.records import Provenance, RecordWriter
from graph.report import Note

__all__ = ["MAX_BYTES", "RecordTables", "read_tables", "write_tables", "folder_sha256", "write_template"]

MAX_BYTES = 20 * 1024 * 1024  # per file
_SHOWN = 10  # errors named in the message; the report and ``detail`` have them all


@dataclass
class RecordTables:
    """A folder's tables, read, validated and resolved: the rows of each table as values for
    :meth:`RecordWriter.mapped`, in the mapping's order."""

    folder: Path
    files: list[str]
    rows: dict[str, list[dict[str, Any]]]
    synthetic: bool = False
    description: str | None = None

    @property
    def rows_read(self) -> int:
        return sum(len(r) for r in self.rows.values())


def folder_sha256(folder: Path, files: list[str]) -> str:
    """One SHA-256 for the files of a folder: of the lines ``{sha256}  {name}`` of each file,
    in name order (as ``sha256sum * | sha256sum`` prints)."""
    lines = "".join(f"{hashlib.sha256((folder / n).read_bytes()).hexdigest()}  {n}\n" for n in sorted(files))
    return hashlib.sha256(lines.encode()).hexdigest()


def _fail(folder: Path, notes: list[Note], what: str) -> InputDataError:
    shown = "; ".join(f"{n.file} row {n.row} column {n.column!r}: {n.reason}" if n.row else f"{n.file}: {n.reason}"
                      for n in notes[:_SHOWN])
    more = f" (and {len(notes) - _SHOWN} more)" if len(notes) > _SHOWN else ""
    return InputDataError(
        f"{folder.name}: {len(notes)} error(s) {what}, nothing imported: {shown}{more}",
        {"file": str(folder), "errors": len(notes), "notes": notes,
         "report": "\n".join(f"- {n.file}, row {n.row}, column {n.column!r}, value {n.value!r}: {n.reason}"
                             for n in notes)})


def _files(folder: Path) -> tuple[list[str], dict[str, Any]]:
    """The table files of a folder, and its ``datapackage.json`` (or ``{}``)."""
    if not folder.is_dir():
        raise InputDataError(f"{folder} is not a folder of record tables (ikg import records takes a folder "
                             "of CSV files named after the tables)", {"file": str(folder)})
    known = tables()
    meta: dict[str, Any] = {}
    if (folder / "datapackage.json").is_file():
        try:
            meta = json.loads(read_text(folder / "datapackage.json", 1 << 20))
        except json.JSONDecodeError as e:
            raise InputDataError(f"{folder.name}/datapackage.json is not JSON: {e}", {"file": str(folder)}) from e
        if not isinstance(meta, dict):
            raise InputDataError(f"{folder.name}/datapackage.json is not a data package", {"file": str(folder)})
    files = sorted(p.name for p in folder.iterdir() if p.suffix.lower() == ".csv")
    unknown = [n for n in files if n[:-4] not in known]
    if unknown:
        raise InputDataError(f"{folder.name}: {', '.join(unknown)} is no table of ikg's records; the tables are "
                             f"{', '.join(t + '.csv' for t in known)}", {"file": str(folder), "unknown": unknown})
    if not files:
        raise InputDataError(f"{folder.name} has no table of records (CSV files named "
                             f"{', '.join(t + '.csv' for t in known)})", {"file": str(folder)})
    return files, meta


def _header_notes(name: str, text: str) -> list[Note]:
    table = tables()[name[:-4]]
    header = next(csv.reader(io.StringIO(text)), [])
    notes = []
    for h in header:
        if h.strip() not in table.by_name:
            notes.append(Note(1, h, h, "rejected", f"no column {h!r} in {table.name}: its columns are "
                                                   f"{', '.join(c.name for c in table.columns)}", name))
    for c in table.columns:
        if c.required and c.name not in {h.strip() for h in header}:
            notes.append(Note(1, c.name, "", "rejected", f"the required column {c.name!r} is missing", name))
    if len({h.strip() for h in header}) != len(header):
        notes.append(Note(1, "", ",".join(header), "rejected", "a column is named twice", name))
    return notes


def _frictionless_notes(folder: Path, files: list[str]) -> list[Note]:
    """Every error Frictionless finds in the files against the data package."""
    from frictionless import Package

    descriptor = data_package()
    present = {f[:-4] for f in files}
    descriptor["resources"] = [r for r in descriptor["resources"] if r["name"] in present]
    for r in descriptor["resources"]:  # references to an absent table are reported by _resolve
        fks = [fk for fk in r["schema"].get("foreignKeys", []) if fk["reference"]["resource"] in present]
        r["schema"]["foreignKeys"] = fks
    package = Package(descriptor, basepath=str(folder))
    report = package.validate()
    notes = []
    for task in report.tasks:
        for e in task.errors:
            row = getattr(e, "row_number", None) or 0
            column = getattr(e, "field_name", None) or ""
            value = getattr(e, "cell", None)
            if value is None:
                cells = getattr(e, "cells", None)
                value = ",".join(map(str, cells)) if cells else ""
            notes.append(Note(row, column, str(value), "rejected", _plain(e), f"{task.name}.csv"))
    return notes


def _plain(e: Any) -> str:
    """A Frictionless error said plainly (its own note says which constraint and why)."""
    note = getattr(e, "note", "") or ""
    kind = str(getattr(e, "title", e.type))
    return f"{kind}: {note}" if note else e.message


class _Store:
    """What the rows name in the store: real (not generated) projects, and their partners;
    the real records of the classes columns may name instead of a row (``Column.or_store``)."""

    def __init__(self, kg: Any, graphs: Graphs) -> None:
        self.graphs = graphs
        self.records: dict[str, set[str]] = {}
        for cls in sorted({c.or_store for t in tables().values() for c in t.columns if c.or_store}):
            self.records[cls] = {str(r[0]) for r in kg.query(f"""PREFIX prov: <http://www.w3.org/ns/prov#>
                SELECT ?s WHERE {{ ?s a <{cls}> FILTER NOT EXISTS {{ ?s prov:wasGeneratedBy ?run }} }}""").rows}
        rows = kg.query(f"""PREFIX ikg: <{IKG}> PREFIX prov: <http://www.w3.org/ns/prov#>
            PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
            SELECT ?project ?acronym ?index ?org ?name ?country ?region WHERE {{
              ?project a ikg:Project ; ikg:acronym ?acronym .
              FILTER NOT EXISTS {{ ?project prov:wasGeneratedBy ?run }}
              OPTIONAL {{ ?project ikg:projectIndex ?index }}
              OPTIONAL {{ ?project ikg:hasParticipation ?pt . ?pt ikg:participant ?org .
                         FILTER NOT EXISTS {{ ?pt prov:wasGeneratedBy ?run2 }}
                         ?org rdfs:label ?name ; ikg:country ?country .
                         OPTIONAL {{ ?org ikg:region ?region }} }} }}""").rows
        prefix = graphs.data_iri("project", "")
        org_prefix = graphs.data_iri("organisation", "")
        self.projects: dict[str, str] = {}
        self.partners: dict[str, dict[str, tuple[str, str | None]]] = {}
        for project, acronym, index, org, name, country, region in rows:
            key = str(project)[len(prefix):]
            for alias in (key, str(acronym), str(index) if index is not None else None):
                if alias:
                    self.projects.setdefault(alias.casefold(), key)
            partners = self.partners.setdefault(key, {})
            if org is not None:
                okey = str(org)[len(org_prefix):]
                reg = str(region).rsplit("/", 1)[-1] if region is not None else None
                partners[organisation_key(str(name), str(country).rsplit("/", 1)[-1])[0]] = (okey, reg)
                partners[okey.casefold()] = (okey, reg)

    def holds(self, cls: str, kind: str, key: str) -> bool:
        """Whether the store has a real record of ``cls`` keyed ``key`` (as a ``kind`` record)."""
        return self.graphs.data_iri(kind, key) in self.records.get(cls, set())

    def project(self, value: str) -> str | None:
        return self.projects.get(value.strip().casefold())

    def partner(self, project: str, value: str) -> tuple[str, str | None] | None:
        partners = self.partners.get(project, {})
        return partners.get(organisation_key(value, "")[0]) or partners.get(value.strip().casefold())


def _cell(c: Column, text: str) -> Any:
    """A validated cell as the writer's value (Frictionless checked its type and constraints)."""
    text = text.strip()
    if text == "":
        return None
    if c.multiple:
        return [v.strip() for v in text.split(c.multiple) if v.strip()]
    if c.datatype == "xsd:date":
        return date.fromisoformat(text)
    if c.datatype == "xsd:decimal":
        try:
            return Decimal(text)
        except InvalidOperation:  # checked by Frictionless; kept as text for the shapes to refuse
            return text
    if c.datatype == "xsd:integer":
        return int(text)
    return text


def _rows(text: str) -> Iterator[tuple[int, dict[str, str]]]:
    reader = csv.DictReader(io.StringIO(text))
    for number, row in enumerate(reader, start=2):
        yield number, {(k or "").strip(): v or "" for k, v in row.items()}


def read_tables(folder: Path | str, kg: Any, graphs: Graphs) -> RecordTables:
    """Read, validate and resolve a folder of record tables against the store ``kg``.

    Raises
    ------
    InputDataError
        Not a folder of known tables, a file too large, not UTF-8 or with a bad header, any
        cell breaking the data package, or a row naming what is not there; ``detail["notes"]``
        lists every error. Nothing is read into the store.
    StoreError
        When the store fails.
    """
    folder = Path(folder)
    files, meta = _files(folder)
    notes: list[Note] = []
    texts = {name: read_text(folder / name, MAX_BYTES) for name in files}  # each file read once
    for name in files:
        notes += _header_notes(name, texts[name])
    if notes:
        raise _fail(folder, notes, "in the headers")
    notes = _frictionless_notes(folder, files)
    if notes:
        raise _fail(folder, notes, "against the data package (ontology/records/datapackage.json)")
    store = _Store(kg, graphs)
    present = {f[:-4] for f in files}
    keys: dict[str, set[str]] = {}
    region_of: dict[tuple[str, str], str | None] = {}
    out: dict[str, list[dict[str, Any]]] = {}
    for table in tables().values():
        if table.name not in present:
            continue
        rows = []
        for number, raw in _rows(texts[f"{table.name}.csv"]):
            values, row_notes = _resolve(table, number, raw, store, keys, region_of, present)
            notes += row_notes
            rows.append(values)
            keys.setdefault(table.name, set()).add(values["key"])
        out[table.name] = rows
    if notes:
        raise _fail(folder, notes, "in what the rows name")
    if not any(out.values()):
        raise InputDataError(f"{folder.name}: no row in any table ({', '.join(files)}): nothing to import",
                             {"file": str(folder)})
    return RecordTables(folder, files, out, bool(meta.get("synthetic")), meta.get("description"))


def _resolve(table: Table, number: int, raw: dict[str, str], store: _Store, keys: dict[str, set[str]],
             region_of: dict[tuple[str, str], str | None], present: set[str]) -> tuple[dict[str, Any], list[Note]]:
    """A row's values, with references resolved to keys and defaults filled; its errors."""
    file = f"{table.name}.csv"
    notes: list[Note] = []
    values: dict[str, Any] = {c.name: _cell(c, raw.get(c.name, "")) for c in table.columns}

    def bad(column: str, why: str) -> None:
        notes.append(Note(number, column, raw.get(column, ""), "rejected", why, file))

    for c in table.columns:
        value = values[c.name]
        if value is None or c.refers is None:
            continue
        if c.refers == "project":
            key = store.project(value)
            if key is None:
                bad(c.name, f"no project {value!r} in the store (an acronym or index of a list of operations "
                            "imported before; generated projects cannot be named)")
            values[c.name] = key
        elif c.refers == "organisation":
            project = values.get("project")
            found = store.partner(project, value) if project else None
            if found is None:
                if project:
                    bad(c.name, f"no partner of {project} is named {value!r} (name it as the list of "
                                f"operations does)")
                values[c.name] = None  # and no default is taken from it
                continue
            values[c.name] = found[0]
            region_of[("organisation", found[0])] = found[1]
        else:
            targets = value if isinstance(value, list) else [value]
            kind = tables()[c.refers].kind
            rest = [v for v in targets if v not in keys.get(c.refers, set())
                    and not (c.or_store and store.holds(c.or_store, kind, v))]
            also = (f", and the store holds no {c.or_store.rsplit('#', 1)[-1]} with that key"
                    if c.or_store else "")
            if rest and c.refers not in present:
                bad(c.name, f"names {c.refers} but the folder has no {c.refers}.csv{also}")
            else:
                for v in rest:
                    bad(c.name, f"no row of {c.refers}.csv has the key {v!r}{also}")
    for c in table.columns:
        if c.default_from and values[c.name] is None:
            ref = table.column(c.default_from)
            target = "organisation" if ref.refers == "organisation" else ref.refers
            region = region_of.get((str(target), str(values[c.default_from])))
            if region is None and values[c.default_from] is not None:
                bad(c.name, f"empty, and {c.default_from} {raw.get(c.default_from)!r} has no NUTS 2 region "
                            "to take it from: give the region")
            values[c.name] = region
        for needed in c.needs:
            if values[c.name] is not None and values[needed] is None:
                bad(needed, f"required when {c.name} is given")
    if table.region_from:
        ref = table.column(table.region_from)
        region_of[(table.name, values["key"])] = region_of.get((str(ref.refers), str(values[table.region_from])))
    else:
        region_of[(table.name, values["key"])] = values.get("region")
    return values, notes


def write_tables(rw: RecordWriter, read: RecordTables, prov: Provenance) -> dict[str, int]:
    """Write the tables' rows as records (the tables that qualified nodes name first, as the
    mapping orders them); the count of records per table."""
    counts = {}
    for name, rows in read.rows.items():
        table = tables()[name]
        for values in rows:
            rw.mapped(table, values, prov)
        counts[name] = len(rows)
    return counts


def write_template(folder: Path | str) -> list[str]:
    """Write the template of the record tables into ``folder``: a CSV file per table with its
    header row, and ``datapackage.json``; the names written. Files already there are kept.

    Raises
    ------
    InputDataError
        When ``folder`` cannot be made or written.
    """
    folder = Path(folder)
    written = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        package = folder / "datapackage.json"
        if not package.exists():
            package.write_text(json.dumps(data_package(), indent=2, ensure_ascii=False) + "\n", encoding="utf8")
            written.append(package.name)
        for t in tables().values():
            path = folder / f"{t.name}.csv"
            if not path.exists():
                with open(path, "w", encoding="utf8", newline="") as f:
                    csv.writer(f).writerow([c.name for c in t.columns])
                written.append(path.name)
    except OSError as e:
        raise InputDataError(f"cannot write the template into {folder}: {e.strerror}", {"file": str(folder)}) from e
    return written
