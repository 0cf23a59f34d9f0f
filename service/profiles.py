"""What a record's page adds to its statements when it has a story to tell: for a NUTS 2
region, its profile (:mod:`graph.profile`) with its charts and map."""

from __future__ import annotations

from typing import Any

from graph import profile
from graph.linked import doc_path
from graph.namespaces import NUTS
from service.charts import bar_chart
from service.maps import Arrow, Marker, europe_svg
from service.state import remembered

__all__ = ["region_story"]


def region_story(iri: str, base: str) -> dict[str, Any]:
    """The template values of a region's story (``profile``, ``place``, ``places``, its
    charts and map); none for anything but a NUTS 2 region."""
    code = iri[len(NUTS):] if iri.startswith(NUTS) else ""
    if len(code) != 4:
        return {}
    story = remembered(profile.region_profile, iri=iri)
    if not (story["projects"] or story["learned"] or story["taught"]):
        return {}
    places = remembered(profile.network_places)
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
