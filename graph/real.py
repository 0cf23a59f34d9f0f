"""The real records named in the programme's published material, with their sources. No HTTP.

Only what a source states is written to the ``real`` named graph; what the generator adds to
make such a record complete (its call, dates, budget, other partners) goes to the
``generated`` graph, so a query can always tell the two apart (``GRAPH ?g { ... }``).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from graph.namespaces import IKG, Graphs
from graph.quads import QuadWriter, iri, lit, typed

__all__ = [
    "PROGRAMME_KEY",
    "PROJECTS",
    "PRACTICES",
    "ORGANISATION",
    "SLOVENIAN_PLAN",
    "SLOVENIAN_OP",
    "STORY",
    "SLOVENIAN_CHANGE",
    "RealPractice",
    "placements",
    "write_programmes",
]

RESULTS = ("Interreg Europe 2014-2020, 'Project results' page (March 2023), "
           "as cited in ikg DESIGN.md")
PROJECT_LIST = "Interreg Europe 2014-2020 project (acronym as published), as cited in ikg DESIGN.md"
PRACTICE_DB = ("Interreg Europe good-practice database (title as published), "
               "as cited in ikg DESIGN.md")
STORY = ("Interreg Europe 2014-2020, 'Project results' page (March 2023): ERUDITE and its SEROI "
         "roadmap inspired Slovenia to set up Fab Labs in rural areas and Slovenia's managing "
         "authorities to finance a national Fab Lab network through the 2014-2020 operational "
         "programme; as cited in ikg DESIGN.md")

PROGRAMME_KEY = "interreg-europe-2014-2020"

#: Real project acronyms -> (source, specific objective the generator gives them).
#: The objective is the generator's choice and is written to the generated graph.
PROJECTS: dict[str, tuple[str, str]] = {
    "ERUDITE": (STORY, "so-1-2"),
    "SYMBI": (PROJECT_LIST, "so-4-2"),
    "REGIO-MOB": (PROJECT_LIST, "so-3-1"),
    "INNOGROW": (PROJECT_LIST, "so-2-1"),
    "PURE COSMOS": (PROJECT_LIST, "so-2-1"),
    "BRANDTour": (PROJECT_LIST, "so-4-1"),
    "RESET": (PROJECT_LIST, "so-4-2"),
    "E-MOB": (PROJECT_LIST, "so-3-1"),
    "PROSPERA": (PROJECT_LIST, "so-2-1"),
}


@dataclass(frozen=True)
class RealPractice:
    """A real good practice: what its source says, and what the generator must respect."""

    title: str
    source: str
    project: str | None  # the project that identified it, when the source says so
    spatial: str | None  # NUTS code of the place the source names (any level)
    origin: str | None  # NUTS 2 region the generator places it in (generated fact)
    not_country: str | None = None  # the generator must not place it in this country


PRACTICES: tuple[RealPractice, ...] = (
    RealPractice("SEROI roadmap", STORY, "ERUDITE", None, None, "SI"),
    RealPractice("Textile Recycling Valley", PRACTICE_DB + "; identified in RESET, Hauts-de-France",
                 "RESET", "FRE", "FRE1"),
    RealPractice("SOWACCESS ecosystem", PRACTICE_DB, None, None, None),
    RealPractice("GLOSA Green Light Optimal Speed Advisory", PRACTICE_DB, None, None, None),
    RealPractice("International House Vilnius", PRACTICE_DB, None, "LT01", "LT01"),
    RealPractice("ESIDIS (national e-procurement system)", PRACTICE_DB, None, "EL", "EL30"),
    RealPractice("INSERT (re-usable building materials)", PRACTICE_DB, None, None, None),
    RealPractice("Culture for Change", PRACTICE_DB, None, None, None),
    RealPractice("Styrian re-use map", PRACTICE_DB, None, "AT22", "AT22"),
    RealPractice("Valletta Design Cluster", PRACTICE_DB, None, "MT00", "MT00"),
)

#: Pas-de-Calais County Council: name, NUTS 3, and the facts its source states.
ORGANISATION = (
    "Pas-de-Calais County Council",
    "FRE12",
    {"source": "Interreg Europe 2014-2020 partner, as cited in ikg DESIGN.md",
     "locatedIn": "FRE12", "country": "FR"},
)
ORGANISATION_REGION = "FRE1"

#: The Slovenian partner of ERUDITE writes the action plan that leads to the Fab Lab network.
SLOVENIAN_PLAN = ("ERUDITE", "SI")
#: The CCI code of the programme that financed the Fab Lab network (its record is the
#: Commission's, :mod:`graph.programmes`)
SLOVENIAN_OP = "2014SI16MAOP001"
SLOVENIAN_ACTION = ("Set up Fab Labs in rural areas", STORY, "SEROI roadmap")
SLOVENIAN_CHANGE = (
    "National Fab Lab network financed through Slovenia's 2014-2020 operational programme",
    STORY,
    "new-projects",
)

#: The NUTS 2 regions of Slovenia, one of which is the Slovenian partner's (the generator picks).
SLOVENIAN_REGIONS = ("SI03", "SI04")


#: Regions that must have partners for the real records to fit (never left inactive).
REQUIRED_REGIONS = tuple(sorted({*SLOVENIAN_REGIONS, ORGANISATION_REGION,
                                 *(gp.origin for gp in PRACTICES if gp.origin)}))


@dataclass(frozen=True)
class Placement:
    """Where the generator puts the real records among its projects (generated facts)."""

    practices: dict[str, list[RealPractice]]  # project acronym -> real practices, in order
    regions: dict[str, list[str]]  # project acronym -> NUTS 2 regions it must have partners in
    organisation_project: str  # the project Pas-de-Calais County Council takes part in


def placements(rng: random.Random, acronyms: list[tuple[str, int, str]]) -> Placement:
    """Choose projects for the real records whose source does not name one.

    Parameters
    ----------
    rng : random.Random
        The generator's random source.
    acronyms : list of (acronym, call index, topic)
        The projects, in generation order.

    Returns
    -------
    Placement
    """
    generated = [a for a, _, _ in acronyms if a not in PROJECTS]
    practices: dict[str, list[RealPractice]] = {}
    regions: dict[str, list[str]] = {"ERUDITE": [rng.choice(SLOVENIAN_REGIONS)]}
    for gp in PRACTICES:
        project = gp.project or rng.choice(generated)
        practices.setdefault(project, []).append(gp)
        if gp.origin:
            regions.setdefault(project, []).append(gp.origin)
    org_project = rng.choice(generated)
    regions.setdefault(org_project, []).append(ORGANISATION_REGION)
    return Placement(practices, {k: sorted(set(v)) for k, v in regions.items()}, org_project)


def practice_project_is_real(gp: RealPractice | None) -> bool:
    """Whether the source names the project that identified the practice."""
    return gp is not None and gp.project is not None


def write_programmes(w: QuadWriter, g: Graphs) -> None:
    """The programme and its predecessor, with the figures their sources publish."""
    rdfs_label = iri("http://www.w3.org/2000/01/rdf-schema#label")
    dct = "http://purl.org/dc/terms/"
    w.use(g.real)
    for key, label, erdf, description, source in (
        (PROGRAMME_KEY, "Interreg Europe 2014-2020", 359_000_000,
         "The interregional cooperation programme of the European Union for 2014-2020 "
         "(EU27, the United Kingdom, Norway and Switzerland); ERDF budget 359 MEUR.", RESULTS),
        ("interreg-ivc-2007-2013", "INTERREG IVC 2007-2013", 321_000_000,
         "The predecessor programme: 204 projects, 321 MEUR ERDF; in a 2018 survey, 70% of its "
         "projects confirmed long-term benefits.", RESULTS),
    ):
        s = iri(g.data_iri("programme", key))
        w.type(s, iri(IKG + "Programme"))
        w.add(s, rdfs_label, lit(label))
        w.add(s, iri(IKG + "erdfBudget"), typed(Decimal(erdf)))
        w.add(s, iri(dct + "description"), lit(description))
        w.add(s, iri(dct + "source"), lit(source))
    w.add(iri(g.data_iri("programme", PROGRAMME_KEY)), iri(IKG + "predecessor"),
          iri(g.data_iri("programme", "interreg-ivc-2007-2013")))
    w.use(g.generated)
