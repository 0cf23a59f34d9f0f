"""The real 2014-2020 Structural Funds operational programmes (CCI codes and titles), the region
each one covers, and their records. No HTTP.

The list is the European Commission's (``graph/data/operational-programmes-2014-2020.csv``, see
its README): 312 ERDF/ESF/Cohesion Fund/YEI programmes of the EU28 and 76 Interreg programmes.
The first are the policy instruments of type "Structural Funds operational programme" that
action plans address; they are written to the ``real`` graph with their source.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from graph.errors import InputDataError
from graph.mapping import tables
from graph.namespaces import Graphs
from graph.quads import QuadWriter, iri, lit
from graph.records import DCT, Provenance, RecordWriter
from graph.regions import COUNTRIES, Region

__all__ = [
    "OperationalProgramme",
    "PROGRAMMES_FILE",
    "PROGRAMMES_SOURCE",
    "operational_programmes",
    "addressed_by",
    "write_operational_programmes",
]

PROGRAMMES_FILE = Path(__file__).resolve().parent / "data" / "operational-programmes-2014-2020.csv"
PROGRAMMES_SOURCE = ("European Commission, CCI codes and titles of the 2014-2020 cohesion-policy programmes, as "
                     "compiled in the GitHub repository balkey/eu1420 (script/cci_codes/cci_codes.csv, commit "
                     "2c6a440); the region covered is the NUTS region the title names, else the country")

#: The Commission's country codes where NUTS differs
_NUTS_COUNTRY = {"GR": "EL"}
#: Funds as titles abbreviate them -> concept keys
_FUNDS = {"ERDF": "erdf", "ESF": "esf", "CF": "cohesion-fund", "YEI": "esf"}
#: Regions the titles name in English where NUTS has the local name (title head -> NUTS code)
_EXONYMS = {
    "Attica": "EL30", "North Aegean": "EL41", "South Aegean": "EL42", "Crete": "EL43",
    "Eastern Macedonia-Thrace": "EL51", "Central Macedonia": "EL52", "Western Macedonia": "EL53",
    "Epirus": "EL54", "Thessaly": "EL61", "Ionian Islands": "EL62", "Western Greece": "EL63",
    "Continental Greece": "EL64", "Pelonnesus": "EL65",
    "Brussels Capital Region": "BE1", "Flanders": "BE2", "Wallonia": "BE3",
    "North Netherlands": "NL1", "East Netherlands": "NL2", "West Netherlands": "NL3", "South Netherlands": "NL4",
    "East-Central Sweden": "SE12", "Småland and islands": "SE21", "South Sweden": "SE22", "West Sweden": "SE23",
    "North-Central Sweden": "SE31", "Central Norrland": "SE32", "Upper Norrland": "SE33",
    "Azores": "PT20", "Baleares": "ES53", "Prague Growth Pole": "CZ01", "Competitive Central-Hungary": "HU1",
    "Zachodniomorskie Voivodeship": "PL42",
}
#: Words of titles that name no place
_NOT_PLACES = {"voivodeship", "et", "and", "region", "the"}


@dataclass(frozen=True)
class OperationalProgramme:
    """One real programme: CCI code, title, NUTS country code, funds, the NUTS code of the
    country or region it covers, and its ``scope``: "national" (its title names the country),
    "regional" (its title names a NUTS 1 or 2 region, which it covers) or "other" (several
    regions, or a place NUTS has no unit for, such as England; it covers the country)."""

    cci: str
    title: str
    country: str
    funds: tuple[str, ...]
    covers: str
    scope: str

    @property
    def addressable(self) -> bool:
        """Whether the programme's partners address it in action plans: an operational
        programme (not technical assistance or the SME initiative, whose CCI codes have TA/SM
        before the serial) of a place in the programme area (not Gibraltar)."""
        return self.cci[10:12] == "OP" and not self.title.startswith("Gibraltar")

    @property
    def erdf(self) -> bool:
        return "erdf" in self.funds or "cohesion-fund" in self.funds


def _words(text: str) -> frozenset[str]:
    """The words of a place name, without accents or case: "Łódzkie" -> {"lodzkie"}."""
    plain = unicodedata.normalize("NFKD", text.replace("ł", "l").replace("Ł", "L"))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).lower()
    return frozenset(re.findall(r"[a-z0-9]+", plain)) - _NOT_PLACES


def _covers(head: str, country: str, regions: tuple[Region, ...]) -> str | None:
    """The NUTS 2, else NUTS 1 region of ``country`` that the title's head names: the one whose
    name is the head's, else the only one whose name has all the head's words or whose words
    the head has all of; None for the country itself or no region."""
    if head in _EXONYMS:
        return _EXONYMS[head]
    head_words = _words(head)
    if not head_words or head_words == _words(COUNTRIES[country]):
        return None
    named = {level: [(r.code, _words(r.label), _words(r.latin_label or r.label)) for r in regions
                     if r.level == level and r.country == country] for level in (1, 2)}
    for level in (2, 1):
        exact = [c for c, a, b in named[level] if head_words in (a, b)]
        if len(exact) == 1:
            return exact[0]
    for level in (2, 1):
        loose = [c for c, a, b in named[level]
                 if any(w and (head_words <= w or w <= head_words) for w in (a, b))]
        if len(loose) == 1:
            return loose[0]
    return None


@lru_cache(maxsize=4)
def _rows(path: Path) -> tuple[tuple[str, str, str], ...]:
    try:
        with open(path, encoding="utf8", newline="") as f:
            return tuple((r["country_code"], r["cci"], r["programme_title"]) for r in csv.DictReader(f))
    except (OSError, KeyError) as e:
        raise InputDataError(f"cannot read the operational programmes {path.name}: {e}") from e


def operational_programmes(regions: Iterable[Region], path: Path = PROGRAMMES_FILE) -> tuple[OperationalProgramme, ...]:
    """The mainstream (not Interreg) programmes of the list, with the region each covers.

    >>> from graph.regions import nuts_regions
    >>> ops = {op.cci: op for op in operational_programmes(nuts_regions())}
    >>> ops["2014SI16MAOP001"].covers, ops["2014SI16MAOP001"].funds
    ('SI', ('cohesion-fund', 'erdf', 'esf'))
    >>> ops["2014DE16RFOP002"].title, ops["2014DE16RFOP002"].covers
    ('Bayern - ERDF', 'DE2')
    """
    regions = tuple(regions)
    out = []
    for cc, cci, title in _rows(path):
        if cc == "TC":
            continue
        country = _NUTS_COUNTRY.get(cc, cc)
        title = re.sub(r"\s+", " ", title.replace("–", "-")).strip()
        head, _, funds_text = title.rpartition(" - ")
        funds = tuple(sorted({_FUNDS[f] for f in funds_text.split("/") if f in _FUNDS}))
        national = (f" - {cc} -" in f" {title}" or head.endswith(f" - {cc}")
                    or _words(head) == _words(COUNTRIES[country]))
        covers = None if national else _covers(head, country, regions)
        scope = "national" if national else "regional" if covers else "other"
        out.append(OperationalProgramme(cci, title, country, funds, covers or country, scope))
    return tuple(out)


def addressed_by(ops: Iterable[OperationalProgramme], region: Region) -> list[tuple[OperationalProgramme, float]]:
    """The programmes a partner of the NUTS 2 ``region`` would address in
    an action plan, with weights: its region's (6 for one with ERDF or the Cohesion Fund, 1 for
    an ESF one), its country's national ones (2 and 0.5), and only when it has neither, its
    country's other ones (1 and 0.25). Empty for a country without such programmes (NO, CH).
    """
    mine = [op for op in ops if op.country == region.country and op.addressable]
    here = [(op, 6.0 if op.erdf else 1.0) for op in mine
            if op.scope == "regional" and op.covers in (region.code, region.parent)]
    national = [(op, 2.0 if op.erdf else 0.5) for op in mine if op.scope == "national"]
    return here + national or [(op, 1.0 if op.erdf else 0.25) for op in mine if op.scope == "other"]


def write_operational_programmes(w: QuadWriter, graphs: Graphs, regions: Iterable[Region]) -> int:
    """The programmes as ``ikg:OperationalProgramme`` records (``{base}/id/instrument/{cci}``)
    in the real graph, with their source; returns how many. Leaves ``w`` on the real graph."""
    rw = RecordWriter(w, graphs)
    prov = Provenance(graphs.real, (iri(DCT + "source"), lit(PROGRAMMES_SOURCE)))
    table = tables()["instruments"]
    ops = operational_programmes(regions)
    for op in ops:
        rw.mapped(table, {"key": op.cci, "title": op.title, "type": "operational-programme-igj",
                          "country": op.country, "covers": op.covers, "cci_code": op.cci,
                          "funds": list(op.funds)}, prov)
    return len(ops)
