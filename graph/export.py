"""Dumps for publishers: N-Triples (gzip), Turtle, N-Quads, ontology, shapes, SHACL report, checksums. No HTTP.

A dump folder holds:

- ``ikg.nt.gz``: every distinct triple of all graphs together (what ``/sparql`` answers over),
  gzip-compressed N-Triples;
- ``ikg.ttl``: the same triples as Turtle;
- ``ikg.nq.gz``: every quad, keeping the named graphs (real, generated, inferred, ...), so that
  real and generated statements stay apart;
- ``ontology.ttl``, ``concepts.ttl``, ``shapes.ttl``: the ontology, its concept schemes and the
  SHACL shapes;
- ``validation-report.ttl``: the SHACL report of the graph against the shapes;
- ``SHA256SUMS``: checksums in the format ``sha256sum -c`` reads;
- ``manifest.json``: what was exported, from which build and version, when;
- ``statistics.json``: the counts of the VoID description (:func:`graph.void.statistics`),
  so that ``/.well-known/void`` need not count a large store on its first request.

The files are written into a working folder next to the dump folder (``.dumps.export-*``),
leased while the export runs (see :mod:`graph.leases`), and renamed into place, so readers never
see half a dump. Each export first removes the working folders of exports that died (those no
running export leases), putting back a previous dump that one of them had moved aside.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from graph.errors import StoreError
from graph.leases import Lease, exclusive, lease_new, remove_folder
from graph.namespaces import ONTOLOGY_DIR
from graph.store import SERIALISATION_PREFIXES, OxigraphGraph
from graph.validate import saved_validation, validate_store

if TYPE_CHECKING:
    from graph.remote import RemoteGraph
from graph.void import statistics

__all__ = ["DumpFile", "DUMP_FILES", "export_dumps", "read_manifest", "sha256_of"]


@dataclass(frozen=True)
class DumpFile:
    """One file of a dump: its name, media type and what it holds."""

    name: str
    media_type: str
    title: str


DUMP_FILES = (
    DumpFile("ikg.nt.gz", "application/gzip", "All triples, N-Triples, gzip"),
    DumpFile("ikg.ttl", "text/turtle", "All triples, Turtle"),
    DumpFile("ikg.nq.gz", "application/gzip", "All quads with their named graphs, N-Quads, gzip"),
    DumpFile("ontology.ttl", "text/turtle", "The ikg ontology (OWL)"),
    DumpFile("concepts.ttl", "text/turtle", "The concept schemes (SKOS)"),
    DumpFile("shapes.ttl", "text/turtle", "The SHACL shapes"),
    DumpFile("validation-report.ttl", "text/turtle", "SHACL validation report of the graph"),
    DumpFile("SHA256SUMS", "text/plain", "SHA-256 checksums of the files above"),
    DumpFile("manifest.json", "application/json", "What was exported, from which build, when"),
)


def sha256_of(path: Path) -> str:
    """The SHA-256 of a file, read in 1 MiB blocks."""
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def export_dumps(kg: OxigraphGraph, folder: Path, version: str, build: dict | None = None,
                 progress=None) -> dict:  # noqa: ANN001 - progress: a print-like callable
    """Write the dump files of ``kg`` into ``folder`` (replaced whole when it exists).

    Parameters
    ----------
    kg : OxigraphGraph
        The store to export (read-only is enough).
    folder : Path
        Where the dumps go, usually ``dumps/`` in the build folder.
    version : str
        The store version the dump is of (see ``Executor.version``).
    build : dict, optional
        The build's ``build.json`` (seed, scale, base IRI), recorded in the manifest.

    Returns
    -------
    dict
        The manifest.

    Raises
    ------
    StoreError
        When the store or the disk fails; the previous dump, if any, is left as it was.
    """
    say = progress or (lambda _msg: None)
    folder = Path(folder)
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise StoreError(f"cannot write the dumps to {folder}: {e}") from e
    _clean_leftovers(folder)
    work = lease_new(lambda: Path(tempfile.mkdtemp(prefix=f".{folder.name}.export-",
                                                   dir=folder.parent)))
    tmp = work.folder / "new"
    try:
        tmp.mkdir()
        started = time.perf_counter()

        def write(name: str, fmt: str) -> None:
            say(f"writing {name} ...")
            with gzip.open(tmp / name, "wb", compresslevel=6) as f:
                kg.write_triples(f, fmt)  # type: ignore[arg-type]

        def write_union() -> None:
            # the distinct triples once: Turtle is read back from the N-Triples written, where
            # a second query would hold a second set of every triple (6.5 GB at scale 100)
            write("ikg.nt.gz", "ntriples")
            say("writing ikg.ttl (from ikg.nt.gz) ...")
            _turtle_from_ntriples(tmp / "ikg.nt.gz", tmp / "ikg.ttl")

        # the files at once, with the shapes and the statistics: Oxigraph serialises and zlib
        # compresses without the GIL, so two cores share the work
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="ikg-export") as pool:
            files = [pool.submit(write_union), pool.submit(write, "ikg.nq.gz", "nquads")]
            # the build's own report when the store is still the version it validated, with
            # the same shapes (validation on disk is a third of the export at scale 10)
            kept_in = (build or {}).get("path")
            kept = saved_validation(Path(kept_in), version) if kept_in else None
            if kept is None:
                say("validating against the shapes and counting the statistics ...")
                checked = pool.submit(validate_store, kg)
            else:
                say("the build's validation report is of this version: kept; counting the statistics ...")
            counted = pool.submit(statistics, kg)
            for done in files:
                done.result()
            stats = counted.result()
            if kept is None:
                report = checked.result()
                conforms = report.conforms
                report.graph().serialize(tmp / "validation-report.ttl", format="turtle")
            else:
                shutil.copyfile(kept[0], tmp / "validation-report.ttl")
                conforms = kept[1]
        for name, source in (("ontology.ttl", "ikg.ttl"), ("concepts.ttl", "concepts.ttl"),
                             ("shapes.ttl", "shapes.ttl")):
            shutil.copyfile(ONTOLOGY_DIR / source, tmp / name)
        (tmp / "statistics.json").write_text(json.dumps({"version": version, **asdict(stats)},
                                                        indent=1), encoding="utf8")
        data = [d for d in DUMP_FILES if d.name not in ("SHA256SUMS", "manifest.json")]
        sums = {d.name: sha256_of(tmp / d.name) for d in data}
        (tmp / "SHA256SUMS").write_text("".join(f"{h}  {n}\n" for n, h in sums.items()),
                                        encoding="utf8")
        manifest = {
            "version": version, "exported_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "triples": stats.triples,  # the distinct triples: the lines of ikg.nt.gz
            "quads": len(kg), "conforms": conforms, "validated": "at build" if kept else "at export",
            "build": {k: (build or {}).get(k) for k in ("seed", "scale", "base_iri", "built_at")},
            "files": [{**asdict(d), "bytes": (tmp / d.name).stat().st_size,
                       "sha256": sums[d.name]} for d in data],
            "seconds": round(time.perf_counter() - started, 1),
        }
        (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf8")
        if folder.exists():
            # moved into the leased working folder: an export killed before the next rename
            # leaves it where the next export finds it and puts it back
            folder.rename(work.folder / "old")
        tmp.rename(folder)
        return manifest
    except OSError as e:
        raise StoreError(f"cannot write the dumps to {folder}: {e}") from e
    finally:
        _drop(work)


def export_copied(kg: RemoteGraph, folder: Path, progress: Callable[[str], None] | None = None) -> dict:
    """The dumps of a store that has no build to export (a SPARQL server): its graphs copied
    into a store on disk next to ``folder`` (removed afterwards; a copy in memory would take
    about 0.7 KiB a statement), then exported as :func:`export_dumps` exports a build's.

    Raises
    ------
    StoreError
        As :func:`export_dumps`, and when the server answers less than it holds.
    """
    say = progress or (lambda _m: None)
    folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".ikg-mirror-", dir=folder.parent) as tmp:
        copy = OxigraphGraph(Path(tmp) / "oxigraph")
        try:
            kg.mirror(copy)
            say(f"copied {len(copy):,} statements")
            return export_dumps(copy, folder, kg.version()[0], kg.build_info(), progress=progress)
        finally:
            copy.close()


def _turtle_from_ntriples(source: Path, target: Path) -> None:
    """Write the gzipped N-Triples in ``source`` as Turtle (with the dumps' prefixes) to
    ``target``: parsed and written as a stream, lexical forms kept, in the same order (so that
    a subject's statements, written together, share one block)."""
    try:
        with gzip.open(source, "rb") as nt, target.open("wb") as out:
            ox.serialize(ox.parse(nt, ox.RdfFormat.N_TRIPLES), out, ox.RdfFormat.TURTLE,  # type: ignore[arg-type]
                         prefixes=SERIALISATION_PREFIXES)
    except SyntaxError as e:  # the file just written: only a broken disk gets here
        raise StoreError(f"cannot read back {source.name}: {e}") from e


def _clean_leftovers(folder: Path) -> None:
    """Remove the working folders of exports of ``folder`` that died (no lease on them); a
    previous dump that one of them had moved aside, and not replaced, is put back first."""
    prefix = f".{folder.name}."
    for p in sorted(folder.parent.iterdir()):
        if not p.name.startswith(prefix) or not p.is_dir() or p.is_symlink():
            continue
        with exclusive(p) as free:
            if not free:
                continue
            if not folder.exists() and (p / "old" / "manifest.json").is_file():
                (p / "old").rename(folder)
            remove_folder(p)


def _drop(work: Lease) -> None:
    """Let go of an export's working folder and remove it."""
    work.release()
    with exclusive(work.folder) as free:
        if free:
            remove_folder(work.folder)


def read_manifest(folder: Path) -> dict | None:
    """The manifest of the dump in ``folder``, or None when there is none."""
    try:
        return json.loads((Path(folder) / "manifest.json").read_text(encoding="utf8"))
    except (OSError, ValueError):
        return None
