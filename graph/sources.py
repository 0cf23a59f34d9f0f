"""Sources: imported files of real records, each in its own named graph of the store, with provenance. No HTTP.

A source is one import: the programme's list of operations (:mod:`graph.operations`), or a
folder of the publisher's own records. Its records and its description (an ``ikg:Source``: file
names, SHA-256, rows read and rejected, records created, when, by which version) are in the
named graph ``{base}/graph/source/{name}``; the statements in standard vocabularies they
entail are in the ``inferred`` graph, as for every record; every record says
``prov:wasDerivedFrom`` its source.

An import never changes the store in use. It copies it (:meth:`OxigraphGraph.backup`: hard
links, milliseconds at any size) into a new build folder, removes the source's old graph there
when it is imported again (and the inferred statements only it entailed), loads the new
records, validates the whole graph against the shapes and only then switches the store to the
new build (refused if another build became the store in use meanwhile). A file that cannot be
read, a graph that breaks the shapes or any other failure leaves the store in use as it was.
:func:`build_from_sources` makes a store from sources alone: the ontology, the NUTS regions,
the programme, and the sources, with no generated record.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from graph import derived
from graph.build import load_into
from graph.entailment import alignments
from graph.errors import BadParameter, BuildError, IkgError, InputDataError, ValidationFailed
from graph.leases import Lease
from graph.namespaces import IKG, Graphs
from graph.operations import read_operations, write_operations
from graph.programmes import write_operational_programmes
from graph.quads import QuadWriter
from graph.real import write_programmes
from graph.records import Provenance, RecordWriter, SourceRecord
from graph.regions import DEFAULT_CATEGORY_TABLE, nuts_regions, region_categories, write_regions
from graph.report import Note
from graph.store import KnowledgeGraph, OxigraphGraph, StoreLocation, read_build_info
from graph.synthesis import synthesise_learning
from graph.tables import folder_sha256, read_tables, write_tables
from graph.validate import ValidationReport, validate_store

__all__ = ["IMPORTER_VERSION", "KINDS", "check_kind", "Import", "source_name", "import_source", "build_from_sources",
           "sources_in", "remove_source_statements"]

IMPORTER_VERSION = "1.1.0"
Progress = Callable[[str], None]
_NAME = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?")


@dataclass
class Import:
    """What one source's import read and made, and where it went."""

    name: str
    kind: str
    graph: str
    files: list[str]
    sha256: str
    rows_read: int
    rows_rejected: int
    records: dict[str, int]
    notes: list[Note]
    quads: int = 0
    replaced: bool = False
    build: str = ""
    seconds: dict[str, float] = field(default_factory=dict)

    def about(self) -> dict[str, Any]:
        """The import's figures, without its notes (for reports and ``build.json``)."""
        out = asdict(self)
        out.pop("notes")
        return out


def source_name(name: str) -> str:
    """``name`` checked as a source's name: lower-case letters, digits and inner ``-``, at
    most 64 (it is part of the source's graph IRI).

    >>> source_name("list-of-operations-2019")
    'list-of-operations-2019'

    Raises
    ------
    BadParameter
        Any other name.
    """
    if not _NAME.fullmatch(name):
        raise BadParameter(f"a source name is lower-case letters, digits and inner '-' (at most 64), "
                           f"not {name!r}", {"param": "name", "value": name[:100]})
    return name


def default_name(path: Path) -> str:
    """A source name from a file or folder name (``List of operations 2019.xlsx`` is
    ``list-of-operations-2019``)."""
    stem = path.name if path.is_dir() else path.stem
    return re.sub(r"[^a-z0-9]+", "-", stem.lower()).strip("-")[:64].strip("-") or "source"


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _regions() -> dict[str, Any]:
    return {r.code: r for r in nuts_regions()}


def _list_of_operations(path: Path, name: str, graphs: Graphs, out: Path, kg: KnowledgeGraph) -> Import:
    """Read a list of operations and write its source graph to ``out`` (N-Quads)."""
    read = read_operations(path)
    if not read.operations:
        why = "; ".join(sorted({f"row {n.row}: {n.reason}" for n in read.rejected})[:5]) or "no data rows"
        raise InputDataError(f"{path.name}: no operation could be read ({read.rows} row(s), "
                             f"{len(read.rejected)} rejected: {why})",
                             {"file": str(path), "rows": read.rows, "rejected": len(read.rejected)})
    graph = graphs.source(name)
    source_iri = graphs.data_iri("source", name)
    with open(out, "w", encoding="utf8", buffering=1 << 20) as f:
        w = QuadWriter(f, graph, alignments(), graphs.inferred)
        rw = RecordWriter(w, graphs)
        invented = None
        if read.generated:  # ikg's own export of generated records: they stay generated
            invented_by = graphs.data_iri("activity", f"invented-{name}")
            rw.run(invented_by, f"Generated records of the list {path.name}",
                   "The rows of this list say they are of generated records (ikg's own export, its 'Generated "
                   "record (ikg)' column or title row): they are not real projects, partners or amounts.")
            invented = Provenance.derived(graph, source_iri, invented_by)
        records, notes = write_operations(rw, read, Provenance.derived(graph, source_iri), _regions(), invented)
        notes = sorted(read.notes + notes, key=lambda n: n.row)
        # a row is rejected when it made nothing: a project row none of whose beneficiaries was
        # kept, a beneficiary row that was not
        kept = {b.row for op in read.operations.values() for b in op.beneficiaries}
        rows_rejected = len({n.row for n in notes if n.action == "rejected"} - kept)
        sha = _sha256(path)
        rw.source(SourceRecord(
            name, "list-of-operations", f"List of operations {path.name}", (path.name,), sha, read.rows,
            rows_rejected, sum(records.values()), datetime.now(UTC), IMPORTER_VERSION,
            "The programme's list of operations (Interreg Europe 2014-2020, 2014TC16RFIR001), imported "
            "by ikg: projects, organisations (deduplicated by name and country) and participations."), graph)
    notes = [replace(n, file=path.name) for n in notes]
    return Import(name, "list-of-operations", graph, [path.name], sha, read.rows, rows_rejected, records,
                  notes, quads=w.count)


def _records(path: Path, name: str, graphs: Graphs, out: Path, kg: KnowledgeGraph) -> Import:
    """Read a folder of the publisher's record tables (resolved against ``kg``, the store
    they are added to) and write its source graph to ``out`` (N-Quads)."""
    read = read_tables(path, kg, graphs)
    graph = graphs.source(name)
    source_iri = graphs.data_iri("source", name)
    sha = folder_sha256(path, read.files)
    with open(out, "w", encoding="utf8", buffering=1 << 20) as f:
        w = QuadWriter(f, graph, alignments(), graphs.inferred)
        rw = RecordWriter(w, graphs)
        invented_by = None
        if read.synthetic:  # the folder says its records are invented: they are marked generated
            invented_by = graphs.data_iri("activity", f"invented-{name}")
            rw.run(invented_by, f"Invented records of the folder {path.name}",
                   "The folder's datapackage.json says its records are invented (an example of the template): "
                   "they are not real practices, plans, instruments, changes or events.")
        counts = write_tables(rw, read, Provenance.derived(graph, source_iri, invented_by))
        what = ("Invented example records" if read.synthetic else "The publisher's own records")
        rw.source(SourceRecord(
            name, "records", f"Records {path.name}", tuple(read.files), sha, read.rows_read, 0,
            sum(counts.values()), datetime.now(UTC), IMPORTER_VERSION,
            read.description or f"{what} (ikg's record tables, ontology/records.toml), imported by ikg: "
                                 f"{', '.join(f'{n} {t}' for t, n in counts.items())}."), graph)
    return Import(name, "records", graph, read.files, sha, read.rows_read, 0, counts, [], quads=w.count)


#: The kinds of source, each with the function that reads its file (or folder) into a source
#: graph, given the store it is added to (for what its rows name).
KINDS: dict[str, Callable[[Path, str, Graphs, Path, KnowledgeGraph], Import]] = {
    "list-of-operations": _list_of_operations,
    "records": _records,
}


def check_kind(kind: str) -> None:
    """Raises BadParameter for a kind of source that is not one of :data:`KINDS`."""
    if kind not in KINDS:
        raise BadParameter(f"unknown kind of source {kind!r}: one of {', '.join(KINDS)}",
                           {"param": "kind", "value": kind})


def _read(kind: str, path: Path, name: str, graphs: Graphs, out: Path, kg: KnowledgeGraph) -> Import:
    check_kind(kind)
    if not path.exists():
        raise InputDataError(f"{path} does not exist", {"file": str(path)})
    return KINDS[kind](path, source_name(name), graphs, out, kg)


def remove_source_statements(kg: KnowledgeGraph, graphs: Graphs, name: str) -> bool:
    """Remove a source's graph from ``kg``, and the inferred statements that only it entailed
    (an inferred statement that another graph also entails stays). Whether it was there.

    Raises
    ------
    StoreError
        When the engine fails.
    """
    graph, inferred = graphs.source(name), graphs.inferred
    there = kg.query(f"ASK {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}").boolean
    if not there:
        return False
    a = alignments()
    props = " ".join(f"(<{p}> <{sup}>)" for p, sups in a.properties.items() for sup in sups)
    classes = " ".join(f"(<{c}> <{sup}>)" for c, sups in a.classes.items() for sup in sups)
    others = f"FILTER (?g != <{graph}> && ?g != <{inferred}>)"
    kg.update(f"""
        DELETE {{ GRAPH <{inferred}> {{ ?s ?sup ?o }} }} WHERE {{
          GRAPH <{graph}> {{ ?s ?p ?o }} VALUES (?p ?sup) {{ {props} }}
          FILTER NOT EXISTS {{ GRAPH ?g {{ ?s ?p2 ?o }} {others} VALUES (?p2 ?sup) {{ {props} }} }} }} ;
        DELETE {{ GRAPH <{inferred}> {{ ?s a ?sup }} }} WHERE {{
          GRAPH <{graph}> {{ ?s a ?c }} VALUES (?c ?sup) {{ {classes} }}
          FILTER NOT EXISTS {{ GRAPH ?g {{ ?s a ?c2 }} {others} VALUES (?c2 ?sup) {{ {classes} }} }} }} ;
        DROP GRAPH <{graph}>""")
    return True


def sources_in(kg: KnowledgeGraph) -> list[dict[str, Any]]:
    """The sources of a store, by name: kind, graph, files, SHA-256, rows, records, when."""
    rows = kg.query(f"""PREFIX ikg: <{IKG}>
        SELECT ?s ?kind ?graph (GROUP_CONCAT(?file; separator="; ") AS ?files) ?sha ?read ?rejected
               ?records ?at ?version WHERE {{
          ?s a ikg:Source ; ikg:sourceKind ?kind ; ikg:namedGraph ?graph ; ikg:fileName ?file ;
             ikg:sha256 ?sha ; ikg:rowsRead ?read ; ikg:rowsRejected ?rejected ;
             ikg:recordsCreated ?records ; ikg:importedAt ?at ; ikg:softwareVersion ?version }}
        GROUP BY ?s ?kind ?graph ?sha ?read ?rejected ?records ?at ?version ORDER BY ?s""").rows
    out = []
    for s, kind, graph, files, sha, read, rejected, records, at, version in rows:
        out.append({"name": str(s).rsplit("/", 1)[-1], "iri": str(s), "kind": str(kind), "graph": str(graph),
                    "files": str(files), "sha256": str(sha), "rows_read": int(read),  # type: ignore[call-overload]
                    "rows_rejected": int(rejected), "records_created": int(records),  # type: ignore[call-overload]
                    "imported_at": str(at), "software_version": str(version)})
    return out


def _finish(kg: OxigraphGraph, held: Lease, location: StoreLocation, info: dict[str, Any],
            based_on: Path | None | bool, say: Progress, seconds: dict[str, float]) -> ValidationReport:
    """Validate the new build, record it and switch to it (the build folder is ``held``)."""
    t = time.perf_counter()
    say("validating against ontology/shapes.ttl ...")
    report = validate_store(kg)
    seconds["validate"] = round(time.perf_counter() - t, 3)
    say(f"  {report.checked} constraints checked in {seconds['validate']:.1f} s")
    if not report.conforms:
        raise ValidationFailed("the graph with this source does not conform to the shapes; the store in use "
                               "is unchanged", {"report": report.text()})
    derived.refresh_timed(kg, Graphs(info["base_iri"]), say, seconds)
    kg.flush()
    info["quads"] = len(kg)
    kg.close()
    info["built_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    (held.folder / "build.json").write_text(json.dumps(info, indent=2), encoding="utf8")
    location.switch(held.folder, based_on=based_on)
    say(f"switched {location.root} to {held.folder.name}")
    return report


def _guarded(location: StoreLocation, work: Callable[[Lease], Any]) -> Any:
    """Run ``work`` on a new leased build folder; on any failure the folder goes and the
    store in use is unchanged."""
    held = location.new_build()
    try:
        return work(held)
    except IkgError:
        held.release()
        location.discard(held.folder)
        raise
    except Exception as e:
        held.release()
        location.discard(held.folder)
        raise BuildError(f"the import failed: {e}; the store in use is unchanged") from e
    finally:
        held.release()


def import_source(location: StoreLocation, kind: str, path: Path | str, name: str | None = None,
                  base_iri: str | None = None, progress: Progress | None = None,
                  on_read: Callable[[Import], None] | None = None) -> Import:
    """Add (or replace) a source in the store in use, as a new build switched to when valid.

    Parameters
    ----------
    location : StoreLocation
        The store; with no build in use yet, one is made of the ontology, the NUTS regions,
        the programme and this source.
    kind : str
        A key of :data:`KINDS`.
    path : path
        The file (or folder) to import.
    name : str, optional
        The source's name (default: from the file name); importing a name again replaces it.
    base_iri : str, optional
        The base of the IRIs, for a store made from nothing (else the store's own).
    progress : callable, optional
        Called with a line of text as each step starts and ends.
    on_read : callable, optional
        Called with the :class:`Import` once the file is read (before the store is touched),
        so the report can be written even when the import then fails validation.

    Raises
    ------
    InputDataError
        A file that cannot be read as its kind; the store is unchanged.
    ValidationFailed
        The graph with the source breaks the shapes; the store is unchanged.
    BadParameter
        A bad name or kind.
    BuildError, StoreError
        Any other failure, or another build switched in meanwhile; the store is unchanged.
    """
    path = Path(path)
    say = progress or (lambda _: None)
    name = source_name(name or default_name(path))
    check_kind(kind)  # before any folder is made
    if not path.exists():
        raise InputDataError(f"{path} does not exist", {"file": str(path)})

    def work(held: Lease) -> Import:
        seconds: dict[str, float] = {}
        base = location.current()
        info = read_build_info(base) if base is not None else {}
        graphs = Graphs(str(info.get("base_iri") or base_iri or Graphs().base))
        t = time.perf_counter()
        store = held.folder / "oxigraph"
        replaced = False
        if base is None:
            say("no store in use yet: making one of the ontology, the NUTS regions and the programme ...")
            kg = _base_store(store, graphs, held.folder / "base.nq")
        else:
            say(f"copying the store in use ({base.name}) ...")
            OxigraphGraph(base / "oxigraph", read_only=True).backup(store)
            kg = OxigraphGraph(store)
            replaced = remove_source_statements(kg, graphs, name)
            if replaced:
                say(f"  the source {name!r} was there: its old graph is removed")
        seconds["copy"] = round(time.perf_counter() - t, 3)
        try:
            return _add(kg, held, info, graphs, seconds, replaced, base)
        finally:
            kg.close()  # a failed import must not keep the new build's lock (its folder goes)

    def _add(kg: OxigraphGraph, held: Lease, info: dict[str, Any], graphs: Graphs, seconds: dict[str, float],
             replaced: bool, base: Path | None) -> Import:
        t = time.perf_counter()
        say(f"reading {path.name} ({kind}) ...")
        imp = _read(kind, path, name, graphs, held.folder / "source.nq", kg)
        imp.replaced = replaced
        seconds["read"] = round(time.perf_counter() - t, 3)
        say(f"  {imp.rows_read:,} rows read, {imp.rows_rejected:,} rejected, "
            f"{sum(imp.records.values()):,} records in {seconds['read']:.1f} s")
        if on_read is not None:
            on_read(imp)
        t = time.perf_counter()
        kg.load(held.folder / "source.nq", "nquads", lenient=True)
        (held.folder / "source.nq").unlink()
        seconds["load"] = round(time.perf_counter() - t, 3)
        say(f"  {imp.quads:,} quads loaded in {seconds['load']:.1f} s")
        info = dict(info, base_iri=graphs.base)
        info["sources"] = dict(info.get("sources") or {}, **{name: imp.about()})
        imp.seconds = seconds
        imp.build = str(held.folder)
        info["sources"][name]["build"] = imp.build
        info["sources"][name]["seconds"] = seconds  # _finish adds the validation's before it writes
        _finish(kg, held, location, info, base, say, seconds)
        return imp

    return _guarded(location, work)


def _base_store(store: Path, graphs: Graphs, data: Path) -> OxigraphGraph:
    """A new store of the ontology, the concept schemes, the NUTS regions (with the shipped
    category table), the programme records and the real Structural Funds programmes: what
    every source's records link to."""
    regions = nuts_regions()
    with open(data, "w", encoding="utf8", buffering=1 << 20) as out:
        w = QuadWriter(out, graphs.nuts, alignments(), graphs.inferred)
        write_regions(w, regions, region_categories(DEFAULT_CATEGORY_TABLE, regions), graphs)
        write_programmes(w, graphs)
        write_operational_programmes(w, graphs, regions)
    kg = OxigraphGraph(store)
    load_into(kg, data, graphs, lenient=True)
    data.unlink()
    return kg


def build_from_sources(location: StoreLocation, sources: Sequence[tuple[str, Path, str | None]],
                       base_iri: str | None = None, progress: Progress | None = None,
                       on_read: Callable[[Import], None] | None = None,
                       synthesise: int | None = None) -> list[Import]:
    """Build a store from sources alone (no generated record) and switch to it when valid.

    Parameters
    ----------
    sources : sequence of (kind, path, name or None)
        The sources, imported in this order (a source may name what those before it made);
        two with the same name are an error.
    synthesise : int, optional
        With a seed, add a generated policy-learning layer around the imported projects
        (:func:`graph.synthesis.synthesise_learning`), marked generated.

    Raises
    ------
    As :func:`import_source`.
    """
    say = progress or (lambda _: None)
    graphs = Graphs(base_iri or Graphs().base)
    named = [(kind, Path(p), source_name(n or default_name(Path(p)))) for kind, p, n in sources]
    if not named:
        raise BadParameter("no source to build from", {"param": "source"})
    seen = [n for _, _, n in named]
    if len(set(seen)) != len(seen):
        raise BadParameter(f"two sources are named {next(n for n in seen if seen.count(n) > 1)!r}: give "
                           "each its own name", {"param": "name"})

    def work(held: Lease) -> list[Import]:
        seconds: dict[str, float] = {"read": 0.0, "load": 0.0}
        t = time.perf_counter()
        say("loading the ontology, the NUTS regions and the programme ...")
        kg = _base_store(held.folder / "oxigraph", graphs, held.folder / "base.nq")
        try:
            return _build(kg, held, seconds, t)
        finally:
            kg.close()  # a failed build must not keep the new build's lock (its folder goes)

    def _build(kg: OxigraphGraph, held: Lease, seconds: dict[str, float], t: float) -> list[Import]:
        seconds["base"] = round(time.perf_counter() - t, 3)
        imports = []
        for i, (kind, path, name) in enumerate(named):  # in order: a source names what those before made
            t = time.perf_counter()
            say(f"reading {path.name} ({kind}) ...")
            quads = held.folder / f"source-{i}.nq"
            imp = _read(kind, path, name, graphs, quads, kg)
            say(f"  {imp.rows_read:,} rows read, {imp.rows_rejected:,} rejected, "
                f"{sum(imp.records.values()):,} records")
            if on_read is not None:
                on_read(imp)
            imports.append(imp)
            seconds["read"] += time.perf_counter() - t
            t = time.perf_counter()
            kg.load(quads, "nquads", lenient=True)
            quads.unlink()
            seconds["load"] += time.perf_counter() - t
        generated = 0
        if synthesise is not None:
            t = time.perf_counter()
            say(f"synthesising a generated policy-learning layer around the projects (seed {synthesise}) ...")
            layer = held.folder / "synthetic.nq"
            with open(layer, "w", encoding="utf8", buffering=1 << 20) as out:
                made = synthesise_learning(out, kg, graphs, nuts_regions(), synthesise)
            kg.load(layer, "nquads", lenient=True)
            layer.unlink()
            generated = made.pop("quads")
            say("  " + ", ".join(f"{n:,} {k}" for k, n in made.items()) + " (all marked generated)")
            seconds["synthesise"] = time.perf_counter() - t
        seconds = {k: round(v, 3) for k, v in seconds.items()}
        for imp in imports:
            imp.build = str(held.folder)
        info: dict[str, Any] = {"path": str(held.folder), "base_iri": graphs.base, "generated_quads": generated,
                                "sources": {imp.name: imp.about() for imp in imports}, "seconds": seconds}
        _finish(kg, held, location, info, True, say, seconds)
        return imports

    return _guarded(location, work)
