"""What a record's page adds to its statements when it has a story to tell (:mod:`graph.profile`):
a NUTS 2 region's profile with its charts and map; a practice's travels and a project's
partners, on a map."""

from __future__ import annotations

from typing import Any

from graph import network, profile
from graph.linked import doc_path
from graph.namespaces import NUTS
from service.charts import bar_chart
from service.maps import Arrow, Marker, europe_svg
from service.state import catalogue, remembered

__all__ = ["story", "NETWORK_DEFAULTS"]

#: The filters of the networks page when it names none: a profile's network places are read
#: from that page's table.
NETWORK_DEFAULTS = {"level": 2, "call": None, "topic": None}


def story(iri: str, base: str) -> dict[str, Any]:
    """The template values of the page of ``iri`` beyond its statements (none for most)."""
    ids = base.rstrip("/") + "/id/"
    if iri.startswith(NUTS):
        return region_story(iri, base)
    if iri.startswith(ids + "practice/"):
        return practice_story(iri, base)
    if iri.startswith(ids + "project/"):
        return project_story(iri, base)
    return {}


def practice_story(iri: str, base: str) -> dict[str, Any]:
    """A practice's travels: an arrow from its region to each region whose change it inspired."""
    travels = remembered(profile.practice_travels, iri=iri)
    origin = travels["origin"]
    if origin is None or not travels["regions"]:
        return {}
    markers = [Marker(r["code"], f"{r['label']} ({r['code']}): {r['changes']} change(s)"
                      + (" (generated records)" if r["generated"] else ""),
                      size=60, href=doc_path(r["region"], base) or "") for r in travels["regions"]]
    markers.append(Marker(origin["code"], f"{origin['label']} ({origin['code']}): where the practice comes from",
                          size=120, href=doc_path(origin["region"], base) or "", css="origin"))
    arrows = [Arrow(origin["code"], r["code"], f"to {r['label']}: {r['changes']} change(s)")
              for r in travels["regions"]]
    return {"travels": travels, "practice_map": europe_svg(markers, arrows, label="Where the practice travelled",
                                                           element_id="practice-map")}


def project_story(iri: str, base: str) -> dict[str, Any]:
    """A project's partners on the map, by region."""
    places = remembered(profile.project_places, iri=iri, catalogue=catalogue())
    if not places:
        return {}
    markers = [Marker(p["code"], f"{p['label']} ({p['code']}): " + "; ".join(p["partners"]),
                      size=40 + 40 * len(p["partners"]), href=doc_path(p["region"], base) or "") for p in places]
    return {"project_places": places, "project_map": europe_svg(markers, label="Where the project's partners are",
                                                                element_id="project-map")}


def region_story(iri: str, base: str) -> dict[str, Any]:
    """The template values of a region's story (``profile``, ``place``, ``places``, its
    charts and map); none for anything but a NUTS 2 region."""
    code = iri[len(NUTS):] if iri.startswith(NUTS) else ""
    if len(code) != 4:
        return {}
    story = remembered(profile.region_profile, iri=iri, catalogue=catalogue())
    if not (story["projects"] or story["learned"] or story["taught"]):
        return {}
    # the networks page's default table (the same key: kept once for both)
    places = profile.network_places(remembered(network.view_table, view="regions", **NETWORK_DEFAULTS))
    most = max((r["projects"] for r in story["partner_regions"]), default=1)
    markers = [Marker(r["code"], f"{r['label']} ({r['code']}): {r['projects']} project(s) shared",
                      size=10 + 250 * r["projects"] / most, href=doc_path(r["other"], base) or "")
               for r in story["partner_regions"]]
    markers.append(Marker(code, "this region", size=160, css="here"))
    arrows = [Arrow(p["region"][len(NUTS):], code, f"{p['title']}: from {p['region_label']}")
              for p in story["learned"]]
    arrows += [Arrow(code, p["region"][len(NUTS):], f"{p['title']}: to {p['region_label']}") for p in story["taught"]]
    return {"profile": story, "places": places, "place": places.get(iri),
            "learned_chart": bar_chart(story["learned_by_year"], "EUR learned, by year of the change"),
            "taught_chart": bar_chart(story["taught_by_year"], "EUR taught, by year of the change"),
            "region_map": europe_svg(markers, arrows, label="The region, its partner regions and its exchanges",
                                     element_id="region-map")}
