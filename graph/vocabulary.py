"""Words the generator builds names and titles from, by topic and organisation type. No HTTP.

Nothing here is presented as real: every record made from these words is marked generated.
"""

from __future__ import annotations

__all__ = [
    "TOPICS",
    "PRACTICE_PHRASES",
    "PROJECT_PHRASES",
    "ORG_TEMPLATES",
    "ACRONYM_HEADS",
    "ACRONYM_TAILS",
    "NON_SF_INSTRUMENTS",
    "CHANGE_TYPES",
    "PAYING_CHANGE_TYPES",
    "EVENT_TYPES",
    "ACTION_VERBS",
]

#: Specific objectives of Interreg Europe 2014-2020 (keys of the topic scheme) and the share of
#: projects each had (approximate, for the generator only).
TOPICS: dict[str, float] = {
    "so-1-1": 0.10,
    "so-1-2": 0.17,
    "so-2-1": 0.24,
    "so-3-1": 0.20,
    "so-4-1": 0.15,
    "so-4-2": 0.14,
}

PROJECT_PHRASES: dict[str, list[str]] = {
    "so-1-1": ["research infrastructure policies", "regional research capacities",
               "smart specialisation of research centres", "access to research facilities"],
    "so-1-2": ["innovation delivery in regional chains", "open innovation ecosystems",
               "digital transformation of rural areas", "technology transfer to SMEs",
               "innovation in the public sector"],
    "so-2-1": ["SME competitiveness", "entrepreneurship in rural regions",
               "internationalisation of SMEs", "access to finance for start-ups",
               "business transfer and succession", "tourism SMEs"],
    "so-3-1": ["low-carbon mobility", "energy efficiency in buildings",
               "renewable energy communities", "electric mobility", "low-carbon ports"],
    "so-4-1": ["natural and cultural heritage", "cultural tourism", "heritage-led regeneration",
               "protected landscapes", "intangible heritage"],
    "so-4-2": ["resource efficiency", "circular economy", "industrial symbiosis",
               "waste prevention", "water efficiency"],
}

PRACTICE_PHRASES: dict[str, list[str]] = {
    "so-1-1": ["shared research equipment platform", "regional research excellence fund",
               "researcher mobility voucher", "open access laboratory network",
               "research infrastructure roadmap", "university-industry liaison office",
               "science park incubation programme", "doctoral industrial fellowship"],
    "so-1-2": ["innovation voucher scheme", "living lab for public services",
               "digital innovation hub", "cluster innovation support programme",
               "public procurement of innovation", "rural coworking network",
               "innovation brokerage service", "regional hackathon series"],
    "so-2-1": ["one-stop shop for entrepreneurs", "export readiness programme",
               "microcredit guarantee fund", "business succession matchmaking",
               "SME digitalisation coaching", "youth entrepreneurship academy",
               "crowdfunding match fund", "local product label"],
    "so-3-1": ["energy renovation one-stop shop", "cycling infrastructure plan",
               "municipal energy management system", "electric bus pilot",
               "renewable energy cooperative model", "sustainable urban mobility plan",
               "energy performance contracting scheme", "smart charging network"],
    "so-4-1": ["heritage volunteering programme", "cultural route management model",
               "nature park visitor management", "adaptive reuse of historic buildings",
               "community heritage fund", "green infrastructure masterplan",
               "traditional crafts revival scheme", "digital museum guide"],
    "so-4-2": ["industrial symbiosis facilitation", "repair cafe network",
               "food waste reduction partnership", "construction material reuse platform",
               "green public procurement guideline", "circular business model coaching",
               "water reuse in agriculture", "textile collection and sorting scheme"],
}

ACTION_VERBS = ["Introduce", "Adapt", "Pilot", "Transfer", "Scale up", "Set up"]

#: Organisation type key -> (legal status key, name templates). {r2}: NUTS 2 label,
#: {r3}: NUTS 3 label, {cc}: country name.
ORG_TEMPLATES: dict[str, tuple[str, list[str]]] = {
    "regional-authority": ("public", ["Regional Government of {r2}", "{r2} Regional Council",
                                      "Regional Authority of {r2}"]),
    "local-authority": ("public", ["Municipality of {r3}", "City of {r3}",
                                   "{r3} County Council"]),
    "national-authority": ("public", ["Ministry of Regional Development of {cc}",
                                      "Ministry of Economy of {cc}",
                                      "Ministry of Environment of {cc}"]),
    "sectoral-agency": ("body-governed-by-public-law", ["{r2} Development Agency",
                                                        "{r2} Energy Agency",
                                                        "{r2} Innovation Agency"]),
    "infrastructure-provider": ("body-governed-by-public-law", ["{r3} Public Transport Company",
                                                                "{r3} Waste Management Company"]),
    "interest-group": ("private-non-profit", ["{r2} Chamber of Commerce",
                                              "Association of Municipalities of {r2}"]),
    "higher-education-research": ("body-governed-by-public-law", ["University of {r3}",
                                                                  "{r2} Institute of Technology"]),
    "education-training": ("body-governed-by-public-law", ["{r3} Vocational Training Centre"]),
    "business-support": ("private-non-profit", ["{r2} Business Innovation Centre",
                                                "{r3} Science and Technology Park"]),
    "egtc": ("public", ["European Grouping of Territorial Cooperation {r2}"]),
}
#: Share of organisations of each type (generator only).
ORG_TYPE_WEIGHTS: dict[str, float] = {
    "regional-authority": 0.22, "local-authority": 0.20, "national-authority": 0.06,
    "sectoral-agency": 0.17, "infrastructure-provider": 0.03, "interest-group": 0.07,
    "higher-education-research": 0.13, "education-training": 0.02, "business-support": 0.09,
    "egtc": 0.01,
}  # fmt: skip

ACRONYM_HEADS = ["INNO", "REGIO", "ECO", "CLIMA", "CIRC", "SME", "DIGI", "RURAL", "CULT", "HERI",
                 "MOB", "ENER", "GREEN", "BLUE", "SMART", "START", "TRANS", "LOCAL", "NATUR",
                 "TOUR", "SOCI", "AGRO", "URB", "PORT", "WATER", "FOOD", "TEX", "WOOD", "SOL",
                 "WIND", "BIO", "CARBO", "LOW", "OPEN", "LAB", "CLUST", "EXPO", "FIN", "SKILL",
                 "YOUTH", "SILVER", "NET", "LINK", "BRIDGE", "SPRING", "WAVE", "PEAK", "DELTA",
                 "NORD", "SUD", "MED", "ALP", "BALT", "DANU", "ATLAN", "CARPA", "ISL", "COAST",
                 "PLAN", "POL"]  # fmt: skip
ACRONYM_TAILS = ["ACT", "NET", "LAB", "HUB", "PLUS", "EU", "REG", "GROW", "STEP", "WAY", "PATH",
                 "LINK", "CHANGE", "BOOST", "FIT", "PRO", "NOVA", "ECO", "CITY", "LAND", "MAP",
                 "CAP", "LEAD", "SHIFT", "FLOW", "POWER", "VAL", "RISE", "TRACK", "CORE", "WISE",
                 "UP", "ON", "FORCE", "SPARK", "SEED", "BASE", "ZONE", "GATE", "LOOP", "TWIN",
                 "MIX", "NEST", "PORT", "SCAN", "TREK", "VIEW", "WORKS", "KIT", "DRIVE"]  # fmt: skip

#: Non-Structural-Funds instruments: instrument-type key -> title templates.
NON_SF_INSTRUMENTS: dict[str, list[str]] = {
    "regional-programme": ["{r2} Regional Innovation Strategy", "{r2} Regional Development Plan",
                           "{r2} Regional Energy and Climate Plan", "{r2} Regional Tourism Plan"],
    "national-programme": ["National SME Support Programme of {cc}",
                           "National Energy Efficiency Action Plan of {cc}",
                           "National Heritage Strategy of {cc}"],
    "local-strategy": ["{r3} Sustainable Urban Mobility Plan", "{r3} Local Development Strategy",
                       "{r3} Circular Economy Roadmap"],
    "legislation": ["{r2} Regional Law on Innovation", "{r2} Waste Management Regulation"],
    "rural-development-programme": ["{cc} Rural Development Programme 2014-2020 (EAFRD)"],
}

#: Kinds of policy change (keys of the change-type scheme) and their shares, for generated changes.
CHANGE_TYPES = {"new-projects": 0.55, "improved-management": 0.25, "structural-change": 0.20}
#: The kinds of a change that carries EUR (a change without EUR is never "new projects").
PAYING_CHANGE_TYPES = {"new-projects": 0.70, "improved-management": 0.18, "structural-change": 0.12}
#: Kinds of learning event (keys of the event-type scheme) and their shares, for generated events.
EVENT_TYPES = {
    "interregional-workshop": 0.35,
    "stakeholder-meeting": 0.35,
    "study-visit": 0.18,
    "peer-review": 0.06,
    "staff-exchange": 0.06,
}
