"""The declarative mapping of the publisher's record tables to RDF, read from ``ontology/records.toml``. No HTTP.

One file says, per table (a kind of record: practices, instruments, action plans, actions,
policy changes, learning events), the record's class and IRI and, per column, the property,
datatype or IRI template, whether it is required, and what it refers to. From it come:

- the tables' Frictionless Data Package (:func:`data_package`), against which the importer
  validates a publisher's files cell by cell, and which publishers can use with any
  Frictionless tool;
- the statements a row makes (:meth:`graph.records.RecordWriter.mapped`), for imported and
  generated records alike.

The allowed values of a concept column are the concepts of its scheme in
``ontology/concepts.ttl``, so the mapping never repeats them.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from graph.errors import BuildError
from graph.namespaces import IKGC, NUTS, ONTOLOGY_DIR, PREFIXES

__all__ = ["MAPPING_FILE", "PACKAGE_FILE", "Column", "Qualify", "Table", "tables", "concept_keys", "expand",
           "data_package", "allowed", "KEY_PATTERN"]

MAPPING_FILE = ONTOLOGY_DIR / "records.toml"
PACKAGE_FILE = ONTOLOGY_DIR / "records" / "datapackage.json"
#: A record's key: the last segment of its IRI.
KEY_PATTERN = "[A-Za-z0-9][A-Za-z0-9._-]{0,119}"
_FRICTIONLESS_TYPE = {"xsd:string": "string", "xsd:date": "date", "xsd:decimal": "number", "xsd:integer": "integer"}
_COLUMN_FIELDS = {"name", "property", "datatype", "iri", "refers", "or_store", "required", "multiple", "pattern",
                  "minimum", "default", "class", "needs", "qualify", "doc"}
_STORE_RECORDS = ("project", "organisation")


def expand(curie: str) -> str:
    """A CURIE of :data:`graph.namespaces.PREFIXES` as a full IRI.

    >>> expand("dcterms:title")
    'http://purl.org/dc/terms/title'
    """
    prefix, _, local = curie.partition(":")
    if prefix not in PREFIXES or not local:
        raise BuildError(f"{MAPPING_FILE.name}: {curie!r} is not a CURIE of a known prefix")
    return PREFIXES[prefix] + local


@dataclass(frozen=True)
class Qualify:
    """A qualified node per value of a column: its class and IRI kind, the record's property
    to it (``link``), its property to the value (``entity``), and the row's columns copied
    onto it (column -> property IRI)."""

    cls: str
    kind: str
    link: str
    entity: str
    copy: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Column:
    """One column of a table and the statement its cell makes (see ``ontology/records.toml``)."""

    name: str
    doc: str
    predicate: str | None = None
    datatype: str = "xsd:string"
    iri: str | None = None
    refers: str | None = None
    required: bool = False
    multiple: str | None = None
    pattern: str | None = None
    minimum: float | None = None
    default_from: str | None = None
    also_class: str | None = None
    needs: tuple[str, ...] = ()
    qualify: Qualify | None = None
    #: a class whose records of the store (real ones) the column may name by key instead of a
    #: row of ``refers``: an action plan addresses a real operational programme by its CCI code
    or_store: str | None = None

    @property
    def scheme(self) -> str | None:
        """The concept scheme of a ``concept:SCHEME/{}`` column."""
        if self.iri and self.iri.startswith("concept:"):
            return self.iri[len("concept:"):].split("/", 1)[0]
        return None



@dataclass(frozen=True)
class Table:
    """A kind of record: its class, IRI kind, label template, and columns in file order."""

    name: str
    cls: str
    kind: str
    label: str
    doc: str
    columns: tuple[Column, ...]
    region_from: str | None = None
    by_name: dict[str, Column] = field(default_factory=dict, compare=False, repr=False)
    #: whether a qualified node of another table names this table's records (its labels are
    #: then kept by the writer for the nodes' labels)
    named_by_qualified: bool = False

    def column(self, name: str) -> Column:
        return self.by_name[name]


def _column(table: str, raw: dict[str, Any]) -> Column:
    unknown = set(raw) - _COLUMN_FIELDS
    if unknown or "name" not in raw or "doc" not in raw:
        raise BuildError(f"{MAPPING_FILE.name}: column {raw.get('name')!r} of {table}: unknown "
                         f"{sorted(unknown)} or no name/doc")
    q = raw.get("qualify")
    qualify = (Qualify(expand(q["class"]), q["kind"], expand(q["link"]), expand(q["entity"]),
                       tuple((c, expand(p)) for c, p in q.get("copy", {}).items())) if q else None)
    default = raw.get("default")
    if default is not None and not default.startswith("region of "):
        raise BuildError(f"{MAPPING_FILE.name}: default {default!r} of {table}.{raw['name']}: only "
                         "'region of COLUMN' is known")
    datatype = raw.get("datatype", "xsd:string")
    if datatype not in _FRICTIONLESS_TYPE:
        raise BuildError(f"{MAPPING_FILE.name}: datatype {datatype!r} of {table}.{raw['name']}")
    return Column(
        raw["name"], raw["doc"], expand(raw["property"]) if "property" in raw else None, datatype,
        raw.get("iri"), raw.get("refers"), bool(raw.get("required", False)), raw.get("multiple"),
        raw.get("pattern"), raw.get("minimum"), default[len("region of "):] if default else None,
        expand(raw["class"]) if "class" in raw else None, tuple(raw.get("needs", ())), qualify,
        expand(raw["or_store"]) if "or_store" in raw else None)


@cache
def tables(path: Path = MAPPING_FILE) -> dict[str, Table]:
    """The tables of the mapping, in file order (the order records are read and written).

    Raises
    ------
    BuildError
        When the mapping is malformed (a column with an unknown field, a reference to an
        unknown table or column, an unknown prefix).
    """
    try:
        raw = tomllib.loads(path.read_text(encoding="utf8"))
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise BuildError(f"cannot read {path.name}: {e}") from e
    out: dict[str, Table] = {}
    for name, t in raw.items():
        cols = tuple(_column(name, c) for c in t["columns"])
        region_from = t.get("region", "")[len("region of "):] or None
        table = Table(name, expand(t["class"]), t["kind"], t["label"], t["doc"], cols, region_from,
                      {c.name: c for c in cols})
        if cols[0].name != "key" or not cols[0].required:
            raise BuildError(f"{path.name}: the first column of {name} must be its required key")
        for c in cols:
            if c.refers and c.refers not in _STORE_RECORDS and c.refers not in out:
                raise BuildError(f"{path.name}: {name}.{c.name} refers to {c.refers!r}, not a table above it "
                                 f"nor one of {_STORE_RECORDS}")
            for other in (c.default_from, *c.needs, *(k for k, _ in (c.qualify.copy if c.qualify else ()))):
                if other and other not in table.by_name:
                    raise BuildError(f"{path.name}: {name}.{c.name} names no column {other!r}")
            if c.scheme and not concept_keys(c.scheme):
                raise BuildError(f"{path.name}: {name}.{c.name}: no concept scheme {c.scheme!r}")
        for field_name in re.findall(r"{(\w+)}", table.label):
            if field_name not in table.by_name:
                raise BuildError(f"{path.name}: the label of {name} names no column {field_name!r}")
        out[name] = table
    named = {c.refers for t in out.values() for c in t.columns if c.qualify}
    return {name: replace(t, named_by_qualified=name in named) for name, t in out.items()}


@cache
def concept_keys(scheme: str) -> tuple[str, ...]:
    """The keys of the concepts ``skos:inScheme`` ``scheme`` in ``ontology/concepts.ttl``, sorted.

    >>> concept_keys("change-type")
    ('improved-management', 'new-projects', 'structural-change')
    """
    from rdflib import Graph, URIRef
    from rdflib.namespace import SKOS

    g = Graph().parse(ONTOLOGY_DIR / "concepts.ttl", format="turtle")
    base = f"{IKGC}{scheme}/"
    return tuple(sorted(str(s)[len(base):] for s in g.subjects(SKOS.inScheme, URIRef(f"{IKGC}{scheme}"))
                        if str(s).startswith(base)))


@cache
def _shapes_in() -> dict[tuple[str, str], tuple[str, ...]]:
    """(class, property) -> the IRIs ``sh:in`` allows, from ``ontology/shapes.ttl``."""
    from rdflib import Graph
    from rdflib.collection import Collection
    from rdflib.namespace import SH

    g = Graph().parse(ONTOLOGY_DIR / "shapes.ttl", format="turtle")
    out = {}
    for shape, cls in g.subject_objects(SH.targetClass):
        for prop in g.objects(shape, SH.property):
            path, values = g.value(prop, SH.path), g.value(prop, SH["in"])
            if path is not None and values is not None:
                out[(str(cls), str(path))] = tuple(str(v) for v in Collection(g, values))
    return out


def allowed(table: Table, c: Column) -> tuple[str, ...]:
    """The keys a concept column allows: those the shapes allow for its class and property
    (``sh:in``), else every concept of its scheme.

    >>> allowed(tables()["practices"], tables()["practices"].column("topic"))[:2]
    ('so-1-1', 'so-1-2')
    """
    base = f"{IKGC}{c.scheme}/"
    shaped = _shapes_in().get((table.cls, c.predicate or ""))
    if shaped:
        return tuple(sorted(v[len(base):] for v in shaped if v.startswith(base)))
    return concept_keys(str(c.scheme))


def _field(t: Table, c: Column) -> dict[str, Any]:
    constraints: dict[str, Any] = {}
    if c.required:
        constraints["required"] = True
    pattern = KEY_PATTERN if c.name == "key" or (c.refers and c.refers not in _STORE_RECORDS) else c.pattern
    scheme = c.scheme
    if c.multiple:
        item = (f"(?:{'|'.join(map(re.escape, allowed(t, c)))})" if scheme else f"(?:{pattern or '[^;]+'})")
        sep = re.escape(c.multiple)
        constraints["pattern"] = f"{item}(?:\\s*{sep}\\s*{item})*"
    elif scheme:
        constraints["enum"] = list(allowed(t, c))
    elif pattern:
        constraints["pattern"] = pattern
    if c.minimum is not None:
        constraints["minimum"] = c.minimum
    out: dict[str, Any] = {"name": c.name, "type": _FRICTIONLESS_TYPE[c.datatype], "description": c.doc}
    if c.datatype == "xsd:date":
        out["format"] = "%Y-%m-%d"
    if constraints:
        out["constraints"] = constraints
    return out


def data_package() -> dict[str, Any]:
    """The Frictionless Data Package descriptor of the record tables (a resource a table,
    ``{table}.csv``, UTF-8 with a header row), with primary keys and the foreign keys
    between tables; references to projects and organisations are checked against the store.

    >>> sorted(r["name"] for r in data_package()["resources"])[:3]
    ['action-plans', 'actions', 'changes']
    """
    resources = []
    for t in tables().values():
        # fieldsMatch "superset": a file may leave out optional columns, in any order
        schema: dict[str, Any] = {"fields": [_field(t, c) for c in t.columns], "primaryKey": ["key"],
                                  "missingValues": [""], "fieldsMatch": "superset"}
        fks = [{"fields": [c.name], "reference": {"resource": c.refers, "fields": ["key"]}}
               for c in t.columns if c.refers and c.refers not in _STORE_RECORDS and not c.multiple
               and not c.or_store]  # a key of the store's records is checked against the store
        if fks:
            schema["foreignKeys"] = fks
        resources.append({"name": t.name, "type": "table", "path": f"{t.name}.csv", "scheme": "file",
                          "format": "csv", "mediatype": "text/csv", "encoding": "utf-8",
                          "description": t.doc, "schema": schema})
    return {"name": "ikg-records", "title": "ikg: the publisher's records of policy learning",
            "description": "Good practices, policy instruments, action plans, actions, policy changes and "
                           "learning events of Interreg Europe projects, keyed to the projects and "
                           "organisations of the programme's list of operations. Mapped to RDF by "
                           "ontology/records.toml; imported with `ikg import records FOLDER`.",
            "licenses": [{"name": "Apache-2.0", "title": "The template: Apache License 2.0"}],
            "resources": resources}


def iri_of(template: str, value: str, data_iri: Any) -> str:
    """The IRI a template makes of a value (``data_iri(kind, key)`` for ``id:`` templates).

    >>> iri_of("nuts:{}", "EL30", None)
    'http://data.europa.eu/nuts/code/EL30'
    """
    scheme, _, rest = template.partition(":")
    local = rest.replace("{}", value)
    if scheme == "id":
        kind, _, key = local.partition("/")
        return data_iri(kind, key)
    if scheme == "nuts":
        return NUTS + local
    if scheme == "concept":
        return IKGC + local
    raise BuildError(f"{MAPPING_FILE.name}: unknown IRI template {template!r}")
