"""Building a store: generate (or import), load, validate, then switch. No HTTP.

A build writes into a new folder of the store location and makes it the one in use only after
loading and validation succeeded; on any failure the new folder is removed and the store in
use is left exactly as it was. The new folder is leased while the build runs (see
:mod:`graph.leases`), so no other process's clean-up takes it for a leftover; the folders of
builds that were killed are removed when the next build starts and when it switches.
"""

from __future__ import annotations

import json
import resource
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import cast

from graph.derived import refresh_timed
from graph.entailment import alignments
from graph.errors import BuildError, IkgError, ValidationFailed
from graph.generate import GENERATOR_VERSION, generate
from graph.leases import Lease
from graph.namespaces import ONTOLOGY_DIR, Graphs
from graph.quads import QuadWriter
from graph.regions import DEFAULT_CATEGORY_TABLE, nuts_regions, region_categories, write_regions
from graph.store import KnowledgeGraph, OxigraphGraph, StoreLocation
from graph.validate import ValidationReport, save_validation, validate_store

__all__ = ["BuildOptions", "BuildResult", "build", "load_into", "write_default_graph"]

Progress = Callable[[str], None]


#: Above this many quads the build validates the store on disk instead of a copy in memory
#: (about 0.7 KiB a quad in memory: 10 million take 7 GiB; validation on disk takes about
#: twice as long: 14.8 s against 8.3 s at scale 10)
IN_MEMORY_QUADS = 10_000_000
#: Validation queries run at once (threads; Oxigraph answers queries without the GIL)
VALIDATION_WORKERS = 2


@dataclass(frozen=True)
class BuildOptions:
    """What to build: the seed, the scale, the base IRI and the category table."""

    seed: int = 42
    scale: float = 1.0
    base_iri: str = "https://ikg.example.org"
    category_table: Path = DEFAULT_CATEGORY_TABLE
    in_memory_quads: int = IN_MEMORY_QUADS


@dataclass
class BuildResult:
    """What a build did, as recorded in the build's ``build.json``."""

    path: str
    seed: int
    scale: float
    base_iri: str
    quads: int
    generated_quads: int
    records: dict[str, int]
    seconds: dict[str, float] = field(default_factory=dict)
    peak_rss_mib: float = 0.0
    generator_version: str = GENERATOR_VERSION
    built_at: str = ""


def load_into(kg: KnowledgeGraph, data: Path, graphs: Graphs, lenient: bool = False) -> None:
    """Load the ontology, the concept schemes and an N-Quads file into ``kg``."""
    kg.load(ONTOLOGY_DIR / "ikg.ttl", "turtle", graphs.ontology)
    kg.load(ONTOLOGY_DIR / "concepts.ttl", "turtle", graphs.ontology)
    kg.load(data, "nquads", lenient=lenient)


def write_default_graph(path: Path, options: BuildOptions) -> tuple[int, dict[str, int]]:
    """Write regions and the generated programme graph as N-Quads; (quads, records)."""
    graphs = Graphs(options.base_iri)
    regions = nuts_regions()
    categories = region_categories(options.category_table, regions)
    with open(path, "w", encoding="utf8", buffering=1 << 20) as out:
        w = QuadWriter(out, graphs.nuts, alignments(), graphs.inferred)
        write_regions(w, regions, categories, graphs)
        summary = generate(out, seed=options.seed, scale=options.scale, regions=regions,
                           categories=categories, graphs=graphs)
    records = dict(summary.records, nuts_regions=len(regions))
    return w.count + summary.quads, records


def build(
    location: StoreLocation,
    options: BuildOptions = BuildOptions(),
    progress: Progress | None = None,
) -> tuple[BuildResult, ValidationReport]:
    """Build the default graph into a new store and switch to it when it is valid.

    Parameters
    ----------
    location : StoreLocation
        Where the stores live; the one in use is not touched until the switch.
    options : BuildOptions
        Seed, scale, base IRI, category table.
    progress : callable, optional
        Called with a line of text as each step starts and ends.

    Returns
    -------
    (BuildResult, ValidationReport)

    Raises
    ------
    InputDataError
        A broken input (category table); nothing was written.
    ValidationFailed
        The graph breaks the shapes; ``detail["report"]`` has the readable report.
    BuildError, StoreError
        Any other failure; the new folder is removed and the store in use is unchanged.
    """
    say = progress or (lambda _: None)
    held = location.new_build()  # leased until the build has switched or failed
    folder = held.folder
    seconds: dict[str, float] = {}
    graphs = Graphs(options.base_iri)
    kg: OxigraphGraph | None = None
    try:
        t = time.perf_counter()
        say(f"generating (seed {options.seed}, scale {options.scale:g}) ...")
        data = folder / "data.nq"
        gen_quads, records = write_default_graph(data, options)
        seconds["generate"] = time.perf_counter() - t
        say(f"  {gen_quads:,} quads generated (with the PROV and other aligned statements) "
            f"in {seconds['generate']:.1f} s")

        # The on-disk store is loaded in a background thread (pyoxigraph releases the GIL)
        # while the same quads are loaded and validated in memory, where validation runs about
        # twice as fast; the switch waits for both. A graph too large for a second copy in
        # memory is validated on disk, once loaded.
        t = time.perf_counter()
        disk: dict[str, object] = {}

        def load_disk() -> None:
            try:
                disk["kg"] = OxigraphGraph(folder / "oxigraph")
                load_into(disk["kg"], data, graphs, lenient=True)  # type: ignore[arg-type]
            except Exception as e:  # re-raised in the main thread below
                disk["error"] = e

        writer = threading.Thread(target=load_disk, name="ikg-disk-load", daemon=True)
        in_memory = gen_quads <= options.in_memory_quads
        if in_memory:
            say("loading into Oxigraph (on disk, and in memory for validation) ...")
            writer.start()
            target: OxigraphGraph = OxigraphGraph()
            load_into(target, data, graphs)
        else:
            say(f"loading into Oxigraph on disk (over {options.in_memory_quads:,} quads: validated there) ...")
            load_disk()
            if "error" in disk:
                raise disk["error"]  # type: ignore[misc]
            target = kg = cast(OxigraphGraph, disk["kg"])
            kg.flush()
        total = len(target)
        seconds["load"] = time.perf_counter() - t
        say(f"  {total:,} quads loaded {'in memory' if in_memory else 'on disk'} in {seconds['load']:.1f} s")

        t = time.perf_counter()
        say("validating against ontology/shapes.ttl ...")
        report = validate_store(target, workers=VALIDATION_WORKERS)
        if in_memory:
            target.close()
        seconds["validate"] = time.perf_counter() - t
        say(f"  {report.checked} constraints checked in {seconds['validate']:.1f} s")
        if not report.conforms:
            if in_memory:
                writer.join()
                kg = cast("OxigraphGraph | None", disk.get("kg"))  # closed by _abandon
            raise ValidationFailed(
                "the built graph does not conform to the shapes; the store in use is unchanged",
                {"report": report.text()},
            )

        t = time.perf_counter()
        say("finishing the store on disk ...")
        if in_memory:
            writer.join()
        if "error" in disk:
            raise disk["error"]  # type: ignore[misc]
        kg = cast(OxigraphGraph, disk["kg"])
        kg.flush()
        if len(kg) != total:
            raise BuildError(f"the store on disk has {len(kg)} quads, not {total}")
        data.unlink()
        seconds["write"] = time.perf_counter() - t
        say(f"  {total:,} quads on disk ({seconds['write']:.1f} s more)")
        refresh_timed(kg, graphs, say, seconds)
        kg.flush()
        total = len(kg)
        kg.close()
        kg = None
        result = BuildResult(
            path=str(folder), seed=options.seed, scale=options.scale,
            base_iri=options.base_iri, quads=total, generated_quads=gen_quads, records=records,
            seconds={k: round(v, 3) for k, v in seconds.items()},
            peak_rss_mib=round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            built_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        )
        (folder / "build.json").write_text(json.dumps(asdict(result), indent=2), encoding="utf8")
        save_validation(folder, report)  # the export of this version reuses it
        location.switch(folder)
        say(f"switched {location.root} to {folder.name}")
        return result, report
    except IkgError:
        _abandon(kg, location, held)
        raise
    except Exception as e:
        _abandon(kg, location, held)
        raise BuildError(f"the build failed: {e}; the store in use is unchanged") from e
    finally:
        held.release()


def _abandon(kg: OxigraphGraph | None, location: StoreLocation, held: Lease) -> None:
    if kg is not None:
        kg.close()
    held.release()  # a leased folder is never removed, by this process either
    location.discard(held.folder)
