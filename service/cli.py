"""The `ikg` command line: build, validate, stats, query, serve."""

from __future__ import annotations

import csv
import json
import logging
import os
import sys
from pathlib import Path

import click

from graph.errors import BadParameter, IkgError
from service.settings import load_settings

__all__ = ["main", "cli"]


def _store_base(root: Path | str) -> str:
    """The base IRI the records of the store ``root`` were minted under (its build's), else
    ``IKG_BASE_IRI``."""
    from graph.remote import is_remote
    from graph.store import StoreLocation, read_build_info

    if is_remote(root):
        info = _open(root).build_info()  # type: ignore[attr-defined]
    else:
        current = StoreLocation(root).current()
        info = read_build_info(current) if current else {}
    return str(info.get("base_iri") or _settings()["IKG_BASE_IRI"])


def _open(root: Path | str):  # noqa: ANN202 - a KnowledgeGraph (imported lazily: start-up time)
    """The store ``root``: a folder's build in use, or a remote SPARQL server (``IKG_STORE_*``)."""
    from graph.store import open_store
    from service.settings import remote_options

    return open_store(str(root), remote=remote_options(_settings()))


def _local_and_remote(store: str | None, to: str | None) -> tuple[str, str | None]:
    """(the local store folder a build or import writes, the remote store it then loads, if
    any): ``--to``, else ``IKG_STORE`` when it names a SPARQL server (the folder is then
    ``--store`` or ``var/store``)."""
    from graph.namespaces import ROOT
    from graph.remote import is_remote

    configured = _settings()["IKG_STORE"]
    if store is not None and is_remote(store):
        raise BadParameter("--store is a folder here: name the SPARQL server with --to", {"param": "store"})
    if to is None and is_remote(configured):
        to = configured
    if to is not None and not is_remote(to):
        raise BadParameter(f"--to takes a SPARQL server, sparql+http://host:port/path, not {to!r}", {"param": "to"})
    local = store or (str(ROOT / "var" / "store") if is_remote(configured) else configured)
    return local, to


#: The option of the commands that load into a SPARQL server: how the load replaces the graphs
NON_ATOMIC = click.option(
    "--non-atomic", is_flag=True,
    help="With a SPARQL server: drop the graphs replaced first and load straight into them (Oxigraph: "
    "without a transaction), with no copy at the end; the server's graphs answer nothing (503) until "
    "the load ends.")


def _push(local: str, to: str, atomic: bool = True) -> None:
    """Load the build in use of the folder ``local`` into the SPARQL server ``to``."""
    from graph.remote import RemoteGraph
    from graph.store import OxigraphGraph, StoreLocation, build_version, read_build_info, store_path
    from service.settings import remote_options

    path = store_path(local)
    build = path.parent
    version = build_version(build)[0]
    remote = RemoteGraph(to, remote_options(_settings()))
    click.echo(f"loading {build.name} into {to} ({remote.dialect.name}) ...")
    with StoreLocation(local).lease(build):
        kg = OxigraphGraph(path, read_only=True)
        try:
            rep = remote.push(kg, info=read_build_info(build), version=version, key=version,
                              progress=click.echo, atomic=atomic)
        finally:
            kg.close()
    click.echo(f"loaded {rep.quads:,} statements in {len(rep.graphs)} graphs into {to} in {rep.seconds:.1f} s "
               f"({rep.batches} batches sent, {rep.resumed} already there from a load cut short); "
               + ("the served graphs were replaced in one transaction" if rep.atomic else
                  "the graphs were dropped, then loaded (not atomic)" if not atomic else
                  f"the served graphs were replaced in one update request ({remote.dialect.name} applies it "
                  "as one statement; see README, Running on your SPARQL server)"))


def _settings() -> dict:
    return load_settings()


def _fail(e: IkgError) -> None:
    click.echo(f"error ({e.code}): {e.message}", err=True)
    report = e.detail.get("report") if isinstance(e.detail, dict) else None
    if report:
        click.echo(report, err=True)
    sys.exit(2 if e.code in ("bad_parameter", "unknown_query", "sparql_syntax") else 1)


@click.group()
@click.version_option(package_name="ikg")
def cli() -> None:
    """ikg: the knowledge graph of European interregional cooperation."""


@cli.command()
@click.option("--seed", type=int, default=42, show_default=True, help="Seed of the generator.")
@click.option("--scale", type=float, default=1.0, show_default=True,
              help="Multiplier on every count (1 reproduces the published figures).")
@click.option("--store", type=str, default=None,
              help="Store folder (default: IKG_STORE).")
@click.option("--base-iri", default=None, help="Base of the data IRIs (default: IKG_BASE_IRI).")
@click.option("--categories", type=click.Path(path_type=Path, exists=True), default=None,
              help="Region category table (CSV) to use instead of the shipped one.")
@click.option("--if-missing", is_flag=True, help="Do nothing when a store is already in use.")
@click.option("--source", "sources", multiple=True, type=click.Path(path_type=Path, exists=True),
              metavar="FILE|FOLDER", help="Build from sources alone, with no generated record: a list of "
              "operations (a file) or a folder of record tables (repeatable, in order; each a source named "
              "after it).")
@click.option("--report", type=click.Path(path_type=Path), default=None,
              help="With --source: write the row-level report of every source here (.json or .csv).")
@click.option("--to", default=None, metavar="URL",
              help="Then load the build into this SPARQL server (sparql+http://...; default: IKG_STORE "
              "when it is one); the build itself is made in --store (default: var/store).")
@NON_ATOMIC
@click.option("--synthesise-learning", "synthesise", is_flag=True,
              help="With --source: add a generated policy-learning layer (practices, events, action plans, "
              "instruments, changes) around the imported projects, marked generated (seed: --seed).")
def build(seed: int, scale: float, store: str | None, base_iri: str | None,
          categories: Path | None, if_missing: bool, sources: tuple[Path, ...], report: Path | None,
          to: str | None, synthesise: bool, non_atomic: bool) -> None:
    """Generate the default graph (or build from --source files), validate it and switch the
    store to it."""
    from graph.build import BuildOptions
    from graph.build import build as run_build
    from graph.regions import DEFAULT_CATEGORY_TABLE
    from graph.store import StoreLocation

    s = _settings()
    options = BuildOptions(seed=seed, scale=scale, base_iri=base_iri or s["IKG_BASE_IRI"],
                           category_table=categories or DEFAULT_CATEGORY_TABLE)
    try:
        local, to = _local_and_remote(store, to)
    except IkgError as e:
        _fail(e)
        return
    location = StoreLocation(local)
    if if_missing and to is None and location.current() is not None:
        click.echo(f"a graph is already built in {location.root}; nothing to do")
        return
    if sources:
        from graph.sources import build_from_sources

        reports = _Reports(report)
        try:
            imports = build_from_sources(location, [(_kind_of(p), p, None) for p in sources],
                                         options.base_iri, progress=click.echo, on_read=reports.add,
                                         synthesise=seed if synthesise else None)
        except IkgError as e:
            reports.failed(e)
            _fail(e)
            return
        for imp in imports:
            _imported(imp)
        _then_push(local, to, not non_atomic)
        return
    if report is not None or synthesise:
        _fail(BadParameter(f"{'--report' if report is not None else '--synthesise-learning'} goes with --source",
                           {"param": "report" if report is not None else "synthesise-learning"}))
    try:
        result, _ = run_build(location, options, progress=click.echo)
    except IkgError as e:
        _fail(e)
        return
    total = sum(result.seconds.values())
    click.echo(f"built {result.quads:,} quads in {total:.1f} s into {result.path} "
               f"(peak memory {result.peak_rss_mib:,.0f} MiB)")
    _then_push(local, to, not non_atomic)


def _then_push(local: str, to: str | None, atomic: bool = True) -> None:
    if to is None:
        return
    try:
        _push(local, to, atomic)
    except IkgError as e:
        click.echo(f"the build is in {local}: `ikg push --store {local} --to {to}` goes on with the load",
                   err=True)
        _fail(e)


@cli.command()
@click.option("--store", type=str, default=None, help="Store folder whose build in use is loaded "
              "(default: IKG_STORE, or var/store when IKG_STORE is a SPARQL server).")
@click.option("--to", default=None, metavar="URL", help="The SPARQL server (sparql+http://...; default: "
              "IKG_STORE when it is one).")
@NON_ATOMIC
def push(store: str | None, to: str | None, non_atomic: bool) -> None:
    """Load the build in use into a SPARQL server, replacing the graphs ikg serves there; run
    again after a load cut short, it goes on from the batches already sent."""
    try:
        local, url = _local_and_remote(store, to)
        if url is None:
            raise BadParameter("name the SPARQL server: --to sparql+http://host:port/path", {"param": "to"})
        _push(local, url, not non_atomic)
    except IkgError as e:
        _fail(e)


class _Reports:
    """The row-level report of one run (one or several sources), written as each is read."""

    def __init__(self, path: Path | None) -> None:
        self.path, self.imports = path, []  # type: ignore[var-annotated]

    def add(self, imp) -> None:  # noqa: ANN001 - graph.sources.Import, imported lazily
        from graph.report import write_report

        self.imports.append(imp)
        if self.path is None:
            return
        notes = [n for i in self.imports for n in i.notes]
        about = {"sources": [i.about() for i in self.imports]} if len(self.imports) > 1 else imp.about()
        write_report(self.path, notes, about)
        click.echo(f"  report: {len(notes)} note(s) written to {self.path}")


    def failed(self, e: IkgError) -> None:
        """Write the errors of a source that could not be imported (a folder of record tables)."""
        from graph.report import write_report

        notes = e.detail.get("notes") if isinstance(e.detail, dict) else None
        if self.path is None or not notes:
            return
        notes = [n for i in self.imports for n in i.notes] + notes
        write_report(self.path, notes, {"error": e.message, "code": e.code})
        click.echo(f"  report: {len(notes)} note(s) written to {self.path}", err=True)


def _kind_of(path: Path) -> str:
    """A folder is the publisher's record tables; a file, a list of operations."""
    return "records" if path.is_dir() else "list-of-operations"


def _imported(imp) -> None:  # noqa: ANN001 - graph.sources.Import
    from graph.report import summary

    made = ", ".join(f"{n:,} {k}" for k, n in imp.records.items())
    notes = ", ".join(f"{n} {k}" for k, n in summary(imp.notes).items()) or "none"
    click.echo(f"source {imp.name!r} ({imp.kind}, {', '.join(imp.files)}): {imp.rows_read:,} rows read, "
               f"{imp.rows_rejected:,} rejected; {made}; notes: {notes}; graph <{imp.graph}>"
               + (" (replaced)" if imp.replaced else ""))


@cli.command(name="import")
@click.argument("kind", type=click.Choice(["list-of-operations", "records"]))
@click.argument("path", type=click.Path(path_type=Path))
@click.option("--name", default=None, help="The source's name (default: from the file name); "
              "importing a name again replaces that source.")
@click.option("--store", type=str, default=None,
              help="Store folder (default: IKG_STORE); with no store yet, one is made for the source.")
@click.option("--report", type=click.Path(path_type=Path), default=None,
              help="Write the row-level report here (.json or .csv).")
@click.option("--to", default=None, metavar="URL",
              help="Then load the store into this SPARQL server (default: IKG_STORE when it is one).")
@NON_ATOMIC
def import_(kind: str, path: Path, name: str | None, store: str | None, report: Path | None,
            to: str | None, non_atomic: bool) -> None:
    """Add a source of real records to the store in use: the programme's list of operations
    (a file), or the publisher's record tables (a folder of CSV files, see `ikg init-records`),
    as a named graph with its provenance, validated; the store in use is unchanged if anything
    fails."""
    from graph.sources import import_source
    from graph.store import StoreLocation

    s = _settings()
    reports = _Reports(report)
    try:
        if report is not None and report.suffix.lower() not in (".json", ".csv"):
            raise BadParameter(f"the report must be a .json or .csv file, not {report.name!r}",
                               {"param": "report"})
        local, to = _local_and_remote(store, to)
        imp = import_source(StoreLocation(local), kind, path, name, s["IKG_BASE_IRI"],
                            progress=click.echo, on_read=reports.add)
    except IkgError as e:
        reports.failed(e)
        _fail(e)
        return
    _imported(imp)
    if to is not None:
        _then_push(local, to, not non_atomic)
        return
    click.echo("a running `ikg serve` keeps serving the build it opened: restart it to serve this one")


@cli.command(name="init-records")
@click.argument("folder", type=click.Path(path_type=Path))
def init_records(folder: Path) -> None:
    """Write the template of the publisher's record tables into FOLDER: a CSV file with its
    header per table, and the tables' Frictionless data package (datapackage.json)."""
    from graph.tables import write_template

    try:
        written = write_template(folder)
    except IkgError as e:
        _fail(e)
        return
    click.echo(f"wrote {', '.join(written)} to {folder}; fill them in, then `ikg import records {folder}`")


@cli.command()
@click.option("--store", type=str, default=None,
              help="Store folder (default: IKG_STORE).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def sources(store: str | None, fmt: str) -> None:
    """List the sources (imported files) of the store in use."""
    from graph.sources import sources_in

    try:
        found = sources_in(_open(store or _settings()["IKG_STORE"]))
    except IkgError as e:
        _fail(e)
        return
    if fmt == "json":
        click.echo(json.dumps(found, indent=2))
        return
    if not found:
        click.echo("no sources: every record of this store was generated (see `ikg import`)")
    for src in found:
        click.echo(f"{src['name']}  {src['kind']}  {src['files']}  {src['rows_read']:,} rows read, "
                   f"{src['rows_rejected']:,} rejected, {src['records_created']:,} records  "
                   f"imported {src['imported_at']}  sha256 {src['sha256'][:12]}...  <{src['graph']}>")


@cli.command()
@click.option("--store", type=str, default=None,
              help="Store folder (default: IKG_STORE).")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Folder of the dumps (default: dumps/ in the build in use, served at /dumps/).")
@click.option("--if-missing", is_flag=True, help="Do nothing when the build in use has dumps.")
@click.option("--list-of-operations", "operations", type=click.Path(path_type=Path), default=None,
              metavar="FILE.csv", help="Instead of the dumps, write the store's projects as a list of "
              "operations (one row a beneficiary), the file `ikg import list-of-operations` reads.")
def export(store: str | None, out: Path | None, if_missing: bool, operations: Path | None) -> None:
    """Write the dumps: N-Triples (gzip), Turtle, N-Quads (gzip), ontology, shapes, SHACL
    report, SHA-256 checksums and a manifest."""
    from graph.export import export_dumps, read_manifest
    from graph.remote import is_remote
    from graph.store import OxigraphGraph, StoreLocation, build_version, read_build_info, store_path

    try:
        root = store or _settings()["IKG_STORE"]
        if is_remote(root):
            _export_remote(root, out, if_missing)
            return
        path = store_path(root)
        build = path.parent
        if operations is not None:
            from graph.operations import export_operations

            with StoreLocation(root).lease(build):
                rows, generated = export_operations(OxigraphGraph(path, read_only=True), operations)
            click.echo(f"wrote {rows:,} beneficiaries to {operations}"
                       + (f" ({generated:,} of generated records: the file says so in its first row)"
                          if generated else ""))
            return
        folder = out or build / "dumps"
        if if_missing and read_manifest(folder) is not None:
            click.echo(f"{folder} already has dumps; nothing to do")
            return
        with StoreLocation(root).lease(build):  # no build removes it while it is read
            kg = OxigraphGraph(path, read_only=True)
            manifest = export_dumps(kg, folder, build_version(build)[0], read_build_info(build),
                                    progress=click.echo)
    except IkgError as e:
        _fail(e)
        return
    click.echo(f"exported {manifest['triples']:,} triples in {manifest['seconds']} s to {folder}"
               + ("" if manifest["conforms"] else " (the graph does NOT conform to the shapes)"))


def _export_remote(root: str, out: Path | None, if_missing: bool) -> None:
    """The dumps of a remote store, into ``out`` or ``IKG_DUMPS`` (a server has no build folder)."""
    from graph.export import export_copied, read_manifest

    folder = out or (Path(_settings()["IKG_DUMPS"]) if _settings()["IKG_DUMPS"] else None)
    if folder is None:
        raise BadParameter("a SPARQL server has no build folder: name the dumps' folder with --out "
                           "(or IKG_DUMPS, where `ikg serve` serves them)", {"param": "out"})
    if if_missing and read_manifest(folder) is not None:
        click.echo(f"{folder} already has dumps; nothing to do")
        return
    manifest = export_copied(_open(root), folder, progress=click.echo)
    click.echo(f"exported {manifest['triples']:,} triples in {manifest['seconds']} s to {folder}"
               + ("" if manifest["conforms"] else " (the graph does NOT conform to the shapes)"))


@cli.command()
@click.option("--store", type=str, default=None)
@click.option("--engine", type=click.Choice(["sparql", "pyshacl"]), default="sparql",
              show_default=True, help="pyshacl is exact but slow: for small graphs.")
def validate(store: str | None, engine: str) -> None:
    """Validate the store in use against ontology/shapes.ttl and print a readable report."""
    from graph.validate import validate_store, validate_with_pyshacl

    try:
        kg = _open(store or _settings()["IKG_STORE"])
        report = validate_with_pyshacl(kg) if engine == "pyshacl" else validate_store(kg)
    except IkgError as e:
        _fail(e)
        return
    click.echo(report.text())
    sys.exit(0 if report.conforms else 1)


@cli.command()
@click.option("--store", type=str, default=None)
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), default=None,
              help="Count up to this day only, instead of comparing the published snapshots.")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table")
def stats(store: str | None, as_of, fmt: str) -> None:
    """The headline figures of DESIGN.md computed from the store, next to the published ones."""
    from graph.stats import LABELS, headline_figures, published_comparison

    try:
        kg = _open(store or _settings()["IKG_STORE"])
        if as_of is not None:
            figures = headline_figures(kg, as_of.date())
            if fmt == "json":
                click.echo(json.dumps(figures, indent=2))
            else:
                for k, v in figures.items():
                    click.echo(f"{LABELS[k]:<62} {_number(v)}")
            return
        rows = published_comparison(kg)
    except IkgError as e:
        _fail(e)
        return
    if fmt == "json":
        click.echo(json.dumps([r.__dict__ | {"day": r.day.isoformat()} for r in rows], indent=2,
                              default=str))
        return
    current = None
    for r in rows:
        if r.snapshot != current:
            current = r.snapshot
            click.echo(f"\n{r.snapshot} (as of {r.day.isoformat()})")
            click.echo(f"  {'measure':<62} {'in the graph':>14}   published")
        mark = "ok" if r.ok else "MISMATCH"
        click.echo(f"  {r.label:<62} {_number(r.value):>14}   {r.wording} "
                   f"{_published(r.published)}  {mark}")
    sys.exit(0 if all(r.ok for r in rows) else 1)


def _number(v: object) -> str:
    if v is None:
        return "-"
    if isinstance(v, float) and v < 1.5:
        return f"{v:.1%}"
    if isinstance(v, float):
        return f"{v:,.1f}"
    return f"{v:,}" if isinstance(v, int) else str(v)


def _published(p: object) -> str:
    if isinstance(p, tuple):
        return f"{p[0]:.0%}-{p[1]:.0%}"
    if isinstance(p, float) and p <= 1:
        return f"{p:.0%}"
    return f"{p:,}" if isinstance(p, int) else str(p)


@cli.command()
@click.argument("name_or_file")
@click.option("-p", "--param", "params", multiple=True, metavar="KEY=VALUE",
              help="A parameter of the named query (repeatable).")
@click.option("--store", type=str, default=None)
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
@click.option("--real-only", is_flag=True, help="Run it on the real graphs alone: no generated record, and no "
              "statement the generator added to a real one.")
def query(name_or_file: str, params: tuple[str, ...], store: str | None, fmt: str, real_only: bool) -> None:
    """Run a named query of queries/ (or a .rq file) and print its rows."""
    from graph.errors import BadParameter
    from graph.provenance import real_graphs
    from graph.queries import load_catalogue, parse_query_file

    try:
        values = {}
        for p in params:
            key, eq, value = p.partition("=")
            if not eq:
                raise BadParameter(f"-p takes KEY=VALUE, not {p!r}", {"param": p})
            values[key] = value
        path = Path(name_or_file)
        named = (parse_query_file(path) if path.suffix == ".rq" and path.exists()
                 else load_catalogue().get(name_or_file))
        root = store or _settings()["IKG_STORE"]
        kg = _open(root)
        result = named.run(kg, values, real_graphs(kg, _store_base(root)) if real_only else None)
    except IkgError as e:
        _fail(e)
        return
    if result.kind == "ask":
        click.echo("true" if result.boolean else "false")
        return
    if result.kind == "graph":
        for s_, p_, o_ in result.triples:
            click.echo(f"{s_.n3()} {p_.n3()} {o_.n3()} .")
        return
    if fmt == "json":
        click.echo(json.dumps(result.records(), indent=2, default=str))
    elif fmt == "csv":
        w = csv.writer(sys.stdout)
        w.writerow(result.variables)
        for row in result.rows:
            w.writerow(["" if t is None else str(t) for t in row])
    else:
        cells = [[("" if t is None else str(t)) for t in row] for row in result.rows]
        widths = [max([len(v)] + [len(r[i]) for r in cells]) for i, v in enumerate(result.variables)]
        click.echo("  ".join(v.ljust(w) for v, w in zip(result.variables, widths)))
        for r in cells:
            click.echo("  ".join(c.ljust(w) for c, w in zip(r, widths)))
        click.echo(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")


@cli.command()
@click.argument("key_or_iri")
@click.option("--store", type=str, default=None)
@click.option("--format", "fmt", type=click.Choice(["tree", "json"]), default="tree")
@click.option("--real-only", is_flag=True, help="Only real records (generated ones, and amounts the generator set, "
              "are left out).")
def trace(key_or_iri: str, store: str | None, fmt: str, real_only: bool) -> None:
    """Lineage of a practice (downstream) or of a policy change or instrument (upstream).

    KEY_OR_IRI is an IRI, or a key such as ERUDITE-GP1 or 2014SI16MAOP001.
    """
    from graph.lineage import downstream, entity_kind, resolve_key, upstream

    s = _settings()
    try:
        root = store or s["IKG_STORE"]
        kg = _open(root)
        base = _store_base(root)
        iri = resolve_key(kg, key_or_iri, base)
        kind = entity_kind(kg, iri)
        if kind == "practice":
            result = downstream(kg, iri, base, real_only)
        elif kind in ("change", "instrument"):
            result = upstream(kg, iri, base, real_only)
        else:
            from graph.errors import BadParameter

            raise BadParameter(f"{iri} is a {kind}; trace takes a practice, a policy change or an "
                               "instrument", {"iri": iri, "kind": kind})
    except IkgError as e:
        _fail(e)
        return
    if fmt == "json":
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
    elif kind == "practice":
        click.echo(_downstream_tree(result))
    else:
        click.echo(_upstream_tree(result))


def _with_type(change: dict) -> str:
    label, kind = change["label"], change["type"]
    return label if label.lower().startswith(kind.lower()) else f"{label} ({kind.lower()})"


def _eur(v: str | None, generated: bool = False) -> str:
    if v is None:
        return "EUR (generated, left out)"
    return f"EUR {float(v):,.2f}" + (" (generated)" if generated else "")


def _mark(record: dict | None) -> str:
    """ [generated] after a generated record's name."""
    return " [generated]" if record and record.get("generated") else ""


def _stated(record: dict, key: str, text: str | None = None) -> str:
    """A field of a lineage record (``text``, else its value): "(generated)" after it where the
    generator added it to a real record; "(generated, left out)" where real_only left it out."""
    value = record.get(key)
    if value is None:
        return f"({'region' if key == 'regionLabel' else key} generated, left out)"
    shown = text if text is not None else str(value)
    return shown + (" (generated)" if not record.get("generated") and key in record.get("generatedFields", ())
                    else "")


def _code(iri: str | None) -> str | None:
    return iri.rsplit("/", 1)[-1] if iri else None


def _downstream_tree(r: dict) -> str:
    p, t = r["practice"], r["totals"]
    by = (p["organisation"]["label"] + _mark(p["organisation"]) if p["organisation"]["label"]
          else "(a generated organisation, left out)")
    project = p["project"]["acronym"] or "(a generated project, left out)"
    lines = [f"{p['title']}{_mark(p)}  (good practice of {project}, from {_stated(p, 'regionLabel')}, "
             f"by {by})",
             f"led to {t['changes']} policy change(s) in {t['regions']} region(s): {_eur(t['eur'])}, "
             f"of which {_eur(t['attributedEur'])} attributed to this practice; from the sources "
             f"{_eur(t['eurFromSources'])}, attributed {_eur(t['attributedEurFromSources'])}"]
    if r.get("realOnly"):
        lines.append("(real records only: generated ones are left out)")
    for i, a in enumerate(r["actions"]):
        last = i == len(r["actions"]) - 1
        branch, stem = ("└─ ", "   ") if last else ("├─ ", "│  ")
        lines.append(f"{branch}action: {a['title']}{_mark(a)}")
        plan, instrument = a["actionPlan"], a["instrument"]
        in_plan = plan["label"] + _mark(plan) if plan else "(a generated action plan, left out)"
        addresses = instrument["title"] + _mark(instrument) if instrument else "(a generated instrument, left out)"
        lines.append(f"{stem}   in {in_plan}")
        lines.append(f"{stem}   addresses {addresses}")
        for c in a["changes"]:
            lines.append(f"{stem}   → {_stated(c, 'date')} {_with_type(c)}{_mark(c)}")
            lines.append(f"{stem}       {_eur(c['eur'], c['eurGenerated'])} (attributed "
                         f"{_eur(c['attributedEur'], c['eurGenerated'])}, "
                         f"{c['inspiredBy']} practice(s)) in {_stated(c, 'region', _code(c['region']))}")
    return "\n".join(lines)


def _upstream_tree(r: dict) -> str:
    t = r["totals"]
    lines = [f"{r['entity']['kind']} {r['entity']['iri']}",
             f"{t['changes']} change(s), {_eur(t['eur'])} (from the sources {_eur(t['eurFromSources'])}), "
             f"from {t['organisations']} organisation(s) in {t['originRegions']} region(s) through "
             f"{t['projects']} project(s)"]
    if r.get("realOnly"):
        lines.append("(real records only: generated ones are left out)")
    for c in r["changes"]:
        lines.append(f"● {_stated(c, 'date')} {_with_type(c)}{_mark(c)}  {_eur(c['eur'], c['eurGenerated'])} "
                     f"in {_stated(c, 'region', _code(c['region']))}")
        lines.append(f"  improves {c['instrument']['cci'] or c['instrument']['iri']}; "
                     f"action plan {c['actionPlan'].rsplit('/', 1)[-1]}")
        for i, p in enumerate(c["practices"]):
            branch = "└─ " if i == len(c["practices"]) - 1 else "├─ "
            by = (p["organisation"]["label"] + _mark(p["organisation"]) if p["organisation"]["label"]
                  else "(a generated organisation, left out)")
            project = p["project"]["acronym"] or "a generated project, left out"
            lines.append(f"  {branch}inspired by {p['title']}{_mark(p)} ({project}), from "
                         f"{_stated(p, 'regionLabel')}, by {by}; attributed "
                         f"{_eur(p['attributedEur'], c['eurGenerated'])}")
            if p["evidence"]:
                lines.append(f"  {'   ' if branch.startswith('└') else '│  '}evidence: {p['evidence']}")
    return "\n".join(lines)


@cli.command()
@click.argument("view", type=click.Choice(["regions", "transfers", "organisations"]))
@click.option("--metric", default=None,
              help="summary, centrality, small-world, communities, core-periphery, net-flows, "
                   "category-mixing, reach or growth (JSON); without it, the network itself.")
@click.option("--format", "fmt", default="json",
              type=click.Choice(["json", "graphml", "gexf", "nodes.csv", "edges.csv"]),
              help="Export format of the network (with no --metric).")
@click.option("--level", type=click.IntRange(0, 2), default=2, help="NUTS level of region nodes.")
@click.option("--call", type=click.IntRange(1, 4), default=None)
@click.option("--topic", default=None, help="A specific objective, e.g. so-3-1.")
@click.option("--as-of", "as_of", default=None, help="Only what is dated on or before this day.")
@click.option("--real-only", is_flag=True, help="Only real records: no generated project, partner, practice or change.")
@click.option("-k", type=int, default=1, help="Steps for --metric reach.")
@click.option("--seed", type=int, default=0, help="Seed of the random analyses.")
@click.option("--output", "-o", type=click.Path(path_type=Path), default=None)
@click.option("--picture", type=click.Path(path_type=Path), default=None,
              help="Draw the view into this .png or .svg file.")
@click.option("--colour", type=click.Choice(["category", "community"]), default="category",
              help="Node colours of --picture.")
@click.option("--layout", type=click.Choice(["spring", "map"]), default="spring",
              help="Layout of --picture: force-directed, or the regions at their NUTS label points.")
@click.option("--store", type=str, default=None)
def network(view: str, metric: str | None, fmt: str, level: int, call: int | None,
            topic: str | None, as_of: str | None, real_only: bool, k: int, seed: int, output: Path | None,
            picture: Path | None, colour: str, layout: str, store: str | None) -> None:
    """Exchange-of-experience networks: export a view, draw it, or print one analysis of it."""
    from graph.network import view_export, view_metrics, view_picture

    filters = {"level": level, "call": call, "topic": topic, "as_of": as_of, "real_only": real_only}
    try:
        kg = _open(store or _settings()["IKG_STORE"])
        if picture:
            output, data = picture, view_picture(kg, view, picture.suffix.lstrip(".").lower(),
                                                 colour, seed, layout=layout, **filters)
        elif metric:
            data = json.dumps(view_metrics(kg, view, metric, k=k, seed=seed, **filters),
                              indent=2, ensure_ascii=False, default=str).encode()
        else:
            data = view_export(kg, view, fmt, **filters)
    except IkgError as e:
        _fail(e)
        return
    if output:
        output.write_bytes(data)
        click.echo(f"wrote {len(data):,} bytes to {output}")
    else:
        click.echo(data.decode())


@cli.command()
@click.option("--store", type=str, default=None)
@click.option("--host", default=None, help="Address to listen on (default: IKG_HOST).")
@click.option("--port", type=int, default=None, help="Port (default: IKG_PORT).")
@click.option("--threads", type=int, default=None, help="Worker threads (default: IKG_THREADS).")
def serve(store: str | None, host: str | None, port: int | None, threads: int | None) -> None:
    """Serve the store in use over HTTP (IKG_SERVER: Granian by default, or waitress)."""
    from service.server import raise_open_files_limit

    open_files, _ = raise_open_files_limit()
    s = _settings()
    root = str(store or s["IKG_STORE"])
    host, port = host or s["IKG_HOST"], port or s["IKG_PORT"]
    threads = threads or s["IKG_THREADS"]
    try:
        if s["IKG_PROCESSES"] < 1 or (s["IKG_PROCESSES"] > 1 and (
                s["IKG_UPDATE_TOKEN"] or s["IKG_SERVER"] != "granian")):
            raise BadParameter(
                f"IKG_PROCESSES={s['IKG_PROCESSES']}: one process or more, and more than one only "
                "under Granian with updates off (an update takes every reader of the store out of "
                "service, which one process does for its own query workers only)",
                {"param": "IKG_PROCESSES"})
        names = _served_graphs(root)
    except IkgError as e:
        _fail(e)
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    connections = s["IKG_CONNECTION_LIMIT"]
    click.echo(f"serving {len(names)} named graphs from {root} on http://{host}:{port}/ with "
               f"{s['IKG_SERVER']} (query timeout {s['IKG_QUERY_TIMEOUT']:g} s, "
               f"{s['IKG_PROCESSES']} x {s['IKG_QUERY_WORKERS']} query workers, up to {connections} "
               f"connections, idle ones closed after {s['IKG_CHANNEL_TIMEOUT']} s)")
    if open_files < connections + 100:
        click.echo(f"warning: this process may open only {open_files} files, fewer than "
                   f"IKG_CONNECTION_LIMIT={connections} connections need (raise `ulimit -Hn`)",
                   err=True)
    if s["IKG_WARM_UP"]:
        from service.warmup import start_warm_up

        start_warm_up(host, port)
    if s["IKG_SERVER"] == "granian":
        from service.server import granian_server
        from service.wsgi import SERVER_PID

        # the app is built in Granian's worker, from the environment
        os.environ.update({"IKG_STORE": root, SERVER_PID: str(os.getpid())})
        granian_server(s, host, port, threads).serve()
        return
    from service.app import create_app
    from service.server import make_server
    from service.state import executor_of

    app = create_app({"IKG_STORE": root})
    executor_of(app)  # start the query workers before the first request
    make_server(app, host, port, threads).run()


def _served_graphs(root: str) -> list[str]:
    """The named graphs of the build in use under ``root``, read before serving it, so that a
    missing or broken store is an error here rather than in a server's worker."""
    from graph.execution import InlineExecutor
    from graph.remote import is_remote
    from graph.store import OxigraphGraph, store_path

    if is_remote(root):
        return list(_open(root).graph_names())
    kg = OxigraphGraph(store_path(root), read_only=True)
    try:
        return InlineExecutor(kg).graph_names()
    finally:
        kg.close()


def main() -> None:
    """Entry point of the `ikg` console script."""
    cli()
