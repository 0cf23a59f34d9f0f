"""Linked data: /id/ -> 303 -> /doc/, negotiation, descriptions, 404/406/304, gzip, the ontology."""

from __future__ import annotations

import gzip
import json
import re

import pytest
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef

from graph.linked import INCOMING_PAGE, doc_path, iri_of_doc
from graph.namespaces import IKG, IKGC, NUTS
from graph.store import OxigraphGraph
from tests.conftest import FIXTURES, KIND_CLASSES, assert_error

BASE = "https://ikg.example.org"
FOAF = "http://xmlns.com/foaf/0.1/"
RDF_FORMATS = {"ttl": ("text/turtle", "turtle"), "jsonld": ("application/ld+json", "json-ld"),
               "nt": ("application/n-triples", "nt"), "rdf": ("application/rdf+xml", "xml")}


@pytest.fixture(scope="module")
def default_client(backend_kg):
    from service.app import create_app

    return create_app({"TESTING": True, "IKG_KG": backend_kg}).test_client()


def one_of(kg, cls: str) -> tuple[str, str]:
    """(IRI, label) of one thing of class ``cls`` in the graph."""
    rows = kg.query(f"""SELECT ?s ?l WHERE {{ ?s a <{cls}> ;
        <http://www.w3.org/2000/01/rdf-schema#label>|<http://www.w3.org/2004/02/skos/core#prefLabel> ?l }}
        ORDER BY ?s LIMIT 1""").rows
    return str(rows[0][0]), str(rows[0][1])


def things(kg) -> list[tuple[str, str, str]]:
    """(doc path, IRI, class) of one thing of every kind the server documents."""
    out = []
    for kind, cls in KIND_CLASSES.items():
        iri, _ = one_of(kg, IKG + cls)
        assert iri.startswith(f"{BASE}/id/{kind}/"), iri
        out.append((f"/doc/{kind}/{iri.rsplit('/', 1)[1]}", iri, IKG + cls))
    out.append(("/doc/nuts/FR10", NUTS + "FR10", IKG + "Region"))
    out.append(("/doc/concept/topic/so-1-1", IKGC + "topic/so-1-1",
                "http://www.w3.org/2004/02/skos/core#Concept"))
    return out


def test_doc_paths_and_iris_map_both_ways():
    for iri in (f"{BASE}/id/project/ALPHA", NUTS + "FR10", IKGC + "topic/so-1-1"):
        path = doc_path(iri, BASE)
        assert path is not None and path.startswith("/doc/")
        assert iri_of_doc(path[len("/doc/"):], BASE) == iri
    assert doc_path(IKG + "Project", BASE) == "/ontology#Project"
    assert doc_path("https://schema.org/Project", BASE) is None
    assert doc_path(f"{BASE}/id/project/A/B", BASE) is None


def test_every_kind_dereferences_through_a_303_in_every_rdf_format(default_client, backend_kg):
    for path, iri, cls in things(backend_kg):
        if "/doc/nuts/" not in path and "/doc/concept/" not in path:
            resp = default_client.get(iri[len(BASE):])
            assert resp.status_code == 303, iri
            assert resp.headers["Location"] == path
            assert "Accept" in resp.headers["Vary"]
            assert resp.headers["Access-Control-Allow-Origin"] == "*"
        for ext, (media, parser) in RDF_FORMATS.items():
            for resp in (default_client.get(path, headers={"Accept": media}),
                         default_client.get(f"{path}.{ext}")):
                assert resp.status_code == 200, (path, ext, resp.get_data(as_text=True)[:200])
                assert resp.mimetype == media
                g = Graph().parse(data=resp.get_data(), format=parser)
                assert (URIRef(iri), RDF.type, URIRef(cls)) in g, (path, ext)
                label = list(g.objects(URIRef(iri), RDFS.label)) + list(
                    g.objects(URIRef(iri), URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")))
                assert label, (path, ext)
                doc = URIRef("http://localhost" + path)
                assert (doc, URIRef(FOAF + "primaryTopic"), URIRef(iri)) in g


def test_every_link_between_pages_resolves(default_client, backend_kg):
    """No page links to a document the server does not have."""
    checked: set[str] = set()
    for path, _, _ in things(backend_kg):
        html = default_client.get(path + ".html").get_data(as_text=True)
        for href in set(re.findall(r'href="(/doc/[^"#?]+?)(?:\.(?:ttl|jsonld|nt|rdf|html))?[?"]', html)) - checked:
            checked.add(href)
            assert default_client.get(href + ".nt").status_code == 200, (path, href)
    assert len(checked) > 100


def test_description_has_outgoing_statements_labels_of_linked_things_and_incoming_links(default_client, backend_kg):
    iri, _ = one_of(backend_kg, IKG + "Project")
    g = Graph().parse(data=default_client.get(doc_path(iri, BASE) + ".ttl").get_data(), format="turtle")
    s = URIRef(iri)
    def value(o):  # Turtle writes "12"^^xsd:decimal as 12.0: the same value, another spelling
        return o.toPython() if isinstance(o, Literal) else o

    expected = {(p, value(o)) for p, o in backend_kg.query(f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }}").rows}
    assert {(p, value(o)) for p, o in g.predicate_objects(s)} >= expected  # inferred included
    for participation in g.objects(s, URIRef(IKG + "hasParticipation")):
        assert (participation, RDFS.label, None) in g  # labels of linked things
    incoming = {(sub, p) for sub, p in backend_kg.query(
        f"SELECT DISTINCT ?s ?p WHERE {{ GRAPH <{BASE}/graph/generated> {{ ?s ?p <{iri}> }} }}").rows}
    pages, _ = _incoming_pages(default_client, doc_path(iri, BASE), s)
    assert incoming and pages >= incoming  # over all its pages of incoming links


def _incoming_pages(client, path: str, node: URIRef) -> tuple[set, int]:
    """Every (subject, predicate) linking to ``node`` over the pages of its document (following
    rdfs:seeAlso to the next page, whose offset must go up a page at a time), and the pages."""
    seen: set = set()
    offset = pages = 0
    while True:
        g = Graph().parse(data=client.get(f"{path}.nt?incoming={offset}").get_data(), format="nt")
        seen |= {(s, p) for s, p, _ in g.triples((None, None, node)) if p != URIRef(FOAF + "primaryTopic")}
        pages += 1
        more = list(g.objects(URIRef(f"http://localhost{path}"), RDFS.seeAlso))
        if not more:
            return seen, pages
        offset = int(str(more[0]).rsplit("=", 1)[1])
        assert offset == pages * INCOMING_PAGE


def test_incoming_links_are_paged_with_a_link_to_more(default_client, backend_kg):
    total = int(backend_kg.query(f"""SELECT (COUNT(*) AS ?n) WHERE {{ SELECT DISTINCT ?s ?p WHERE {{
        GRAPH ?g {{ ?s ?p <{NUTS}DE> }} FILTER (?g != <{BASE}/graph/inferred>) }} }}""").rows[0][0])
    assert total > INCOMING_PAGE
    seen, pages = _incoming_pages(default_client, "/doc/nuts/DE", URIRef(NUTS + "DE"))
    assert len(seen) == total and pages == -(-total // INCOMING_PAGE)
    html = default_client.get("/doc/nuts/DE", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert f"{total} link(s)" in html and 'id="more-incoming"' in html


def test_a_thing_with_very_many_incoming_links_says_more_than_the_cap(default_client):
    """Every generated record links to the generation run: 43k links are counted up to
    10,000 and still paged to the end."""
    from graph.linked import INCOMING_COUNT_CAP

    html = default_client.get("/doc/activity/generation-seed-42-scale-1.html").get_data(as_text=True)
    assert f"More than {INCOMING_COUNT_CAP:,} links" in html and 'id="more-incoming"' in html
    far = default_client.get("/doc/activity/generation-seed-42-scale-1.html?incoming=40000").get_data(as_text=True)
    assert "showing 40001-40100" in far and 'id="more-incoming"' in far
    last = Graph().parse(data=default_client.get("/doc/activity/generation-seed-42-scale-1.nt?incoming=43000").data,
                         format="nt")
    links = len(set(last.subject_predicates(URIRef(f"{BASE}/id/activity/generation-seed-42-scale-1"))))
    assert 0 < links < INCOMING_PAGE + 1  # the tail of the links
    assert not list(last.objects(None, RDFS.seeAlso))  # and no page after it


@pytest.mark.parametrize("accept, ext", [
    (None, "ttl"), ("*/*", "ttl"), ("text/turtle", "ttl"), ("application/ld+json", "jsonld"),
    ("application/json", "jsonld"), ("application/n-triples", "nt"), ("text/plain", "nt"),
    ("application/rdf+xml", "rdf"), ("text/html", "html"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "html"),
    ("text/turtle;q=0.5, application/ld+json", "jsonld"),
    ("application/rdf+xml;q=0.9, text/turtle;q=0.8, text/html;q=0.1", "rdf"),
    ("text/*", "ttl"),
])  # fmt: skip
def test_negotiation_with_q_values_and_wildcards(client, accept, ext):
    resp = client.get("/doc/project/ALPHA", headers={"Accept": accept} if accept else {})
    assert resp.status_code == 200
    assert resp.headers["Content-Location"] == f"/doc/project/ALPHA.{ext}"
    assert "Accept" in resp.headers["Vary"]
    links = resp.headers["Link"]
    for e in ("ttl", "jsonld", "nt", "rdf", "html"):
        assert f"</doc/project/ALPHA.{e}>; rel=\"alternate\"" in links


def test_extension_overrides_accept(client):
    resp = client.get("/doc/project/ALPHA.nt", headers={"Accept": "text/html"})
    assert resp.mimetype == "application/n-triples" and "Content-Location" not in resp.headers


def test_nothing_acceptable_is_a_406_with_the_formats(client):
    body = assert_error(client.get("/doc/project/ALPHA", headers={"Accept": "image/png"}), 406,
                        "not_acceptable")
    assert "text/turtle" in body["detail"]["available"]
    assert_error(client.get("/ontology", headers={"Accept": "application/pdf"}), 406, "not_acceptable")


@pytest.mark.parametrize("path", ["/id/project/NOPE", "/doc/project/NOPE", "/doc/project/NOPE.ttl",
                                  "/doc/nuts/ZZ99", "/doc/just-one-segment", "/doc/a/b/c/d",
                                  "/ontology.pdf"])
def test_unknown_iris_are_a_404(client, path):
    assert_error(client.get(path), 404, "not_found")


def test_a_malformed_page_is_a_400(client):
    assert_error(client.get("/doc/project/ALPHA?incoming=first"), 400, "bad_parameter")
    assert_error(client.get("/doc/project/ALPHA?incoming=-5"), 400, "bad_parameter")
    assert_error(client.get(f"/doc/project/ALPHA?incoming={10**23}"), 400, "bad_parameter")


@pytest.mark.parametrize("path", ["/id/project/a%09b", "/doc/project/a%09b", "/doc/project/a%00b",
                                  "/id/project/%ZZ", "/doc/project/%ZZ.ttl",
                                  "/api/lineage/downstream?practice=a:%09b"])
def test_a_malformed_iri_is_a_400_not_a_crash(client, path):
    assert_error(client.get(path), 400, "bad_parameter")


def test_conditional_requests_for_missing_things_are_404s(client):
    assert_error(client.get("/doc/project/NOPE", headers={"If-None-Match": "*"}), 404, "not_found")
    assert_error(client.get("/doc/project/NOPE", headers={"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"}),
                 404, "not_found")
    assert client.get("/doc/project/ALPHA", headers={"If-None-Match": "*"}).status_code == 200
    assert_error(client.get("/ontology/concept/topic/no-such-topic"), 404, "not_found")
    assert_error(client.get("/ontology/concept/topic/so-1-1"), 404, "not_found")  # not in this graph


def test_head_answers_like_get_without_a_body(client):
    head = client.head("/doc/project/ALPHA.ttl")
    assert head.status_code == 200 and head.data == b""
    assert head.headers["ETag"] == client.get("/doc/project/ALPHA.ttl").headers["ETag"]


def test_a_page_of_incoming_links_names_itself_and_its_alternates(default_client):
    resp = default_client.get("/doc/nuts/DE?incoming=100", headers={"Accept": "text/turtle"})
    assert resp.headers["Content-Location"] == "/doc/nuts/DE.ttl?incoming=100"
    assert "</doc/nuts/DE.jsonld?incoming=100>" in resp.headers["Link"]
    refused = default_client.get("/doc/nuts/DE", headers={"Accept": "image/png"})
    assert_error(refused, 406, "not_acceptable")
    assert "Accept" in refused.headers["Vary"]


def test_rdf_documents_say_what_was_generated(default_client, backend_kg):
    iri, _ = one_of(backend_kg, IKG + "Project")
    gen = Graph().parse(data=default_client.get(doc_path(iri, BASE) + ".ttl").data, format="turtle")
    doc = URIRef("http://localhost" + doc_path(iri, BASE))
    assert "generated (synthetic)" in str(gen.value(doc, RDFS.comment))
    real = Graph().parse(data=default_client.get("/doc/change/2014SI16MAOP001-C1.ttl").data, format="turtle")
    change = str(real.value(URIRef("http://localhost/doc/change/2014SI16MAOP001-C1"), RDFS.comment))
    assert "only those in the named graph" in change and f"{BASE}/graph/real" in change


def test_conditional_requests_get_a_304_and_updates_change_the_etag(tiny_kg):
    from service.app import create_app

    client = create_app({"TESTING": True, "IKG_KG": tiny_kg, "IKG_UPDATE_TOKEN": "t"}).test_client()
    first = client.get("/doc/project/ALPHA.ttl")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag.startswith('W/"') and first.headers["Cache-Control"] == "no-cache"
    again = client.get("/doc/project/ALPHA.ttl", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert client.get("/doc/project/ALPHA.ttl", headers={"If-Modified-Since": modified}).status_code == 304
    assert client.get("/doc/project/ALPHA.html", headers={"If-None-Match": etag}).status_code == 200
    assert client.get("/doc/project/ALPHA.ttl", headers={"If-None-Match": 'W/"other"'}).status_code == 200
    resp = client.post("/sparql", data={"update": f"""INSERT DATA {{ GRAPH <{BASE}/graph/generated> {{
        <{BASE}/id/project/ALPHA> <http://purl.org/dc/terms/title> "Alpha, renamed" }} }}"""},
        headers={"Authorization": "Bearer t"})
    assert resp.status_code == 204
    after = client.get("/doc/project/ALPHA.ttl", headers={"If-None-Match": etag})
    assert after.status_code == 200 and after.headers["ETag"] != etag
    assert b"Alpha, renamed" in after.data


def test_query_and_api_answers_revalidate_against_the_store_version(tiny_kg):
    from service.app import create_app

    client = create_app({"TESTING": True, "IKG_KG": tiny_kg, "IKG_UPDATE_TOKEN": "t"}).test_client()
    url = "/sparql?query=" + "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }".replace(" ", "%20")
    first = client.get(url, headers={"Accept": "application/sparql-results+json"})
    etag = first.headers["ETag"]
    assert first.headers["Last-Modified"] and "Accept" in first.headers["Vary"]
    again = client.get(url, headers={"Accept": "application/sparql-results+json", "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    as_csv = client.get(url, headers={"Accept": "text/csv", "If-None-Match": etag})
    assert as_csv.status_code == 200 and as_csv.headers["ETag"] != etag
    api = client.get(f"/api/lineage/downstream?practice={BASE}/id/practice/GP1")
    assert client.get(f"/api/lineage/downstream?practice={BASE}/id/practice/GP1",
                      headers={"If-None-Match": api.headers["ETag"]}).status_code == 304
    client.post("/sparql", data={"update": f"INSERT DATA {{ GRAPH <{BASE}/graph/generated> "
                                           f"{{ <{BASE}/x> <{BASE}/y> 1 }} }}"},
                headers={"Authorization": "Bearer t"})
    changed = client.get(url, headers={"Accept": "application/sparql-results+json", "If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    # a date alone is no proof the client holds an answer to this request
    assert_error(client.get(f"/api/lineage/downstream?practice={BASE}/id/practice/NOPE",
                            headers={"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"}), 404, "not_found")
    volatile = client.get("/sparql", query_string={"query": "SELECT (RAND() AS ?r) WHERE {}"})
    assert volatile.status_code == 200 and "ETag" not in volatile.headers  # answers vary anyway


def test_answers_are_gzipped_when_the_client_accepts_it(default_client):
    plain = default_client.get("/doc/nuts/DE.ttl")
    packed = default_client.get("/doc/nuts/DE.ttl", headers={"Accept-Encoding": "gzip, deflate"})
    assert "Content-Encoding" not in plain.headers
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    assert gzip.decompress(packed.data) == plain.data
    assert packed.headers["ETag"] == plain.headers["ETag"]  # weak: the same representation


def test_the_same_graph_serves_under_another_base_iri(tmp_path):
    """Records minted under another domain are served by path, whatever the host."""
    from service.app import create_app

    text = (FIXTURES / "tiny.trig").read_text().replace("https://ikg.example.org/id/",
                                                        "https://data.example.eu/id/")
    (tmp_path / "tiny.trig").write_text(text)
    kg = OxigraphGraph()
    kg.load(tmp_path / "tiny.trig", "trig")
    client = create_app({"TESTING": True, "IKG_KG": kg,
                         "IKG_BASE_IRI": "https://data.example.eu"}).test_client()
    resp = client.get("/id/project/ALPHA", base_url="https://data.example.eu")
    assert resp.status_code == 303 and resp.headers["Location"] == "/doc/project/ALPHA"
    g = Graph().parse(data=client.get("/doc/project/ALPHA.ttl").data, format="turtle")
    assert (URIRef("https://data.example.eu/id/project/ALPHA"), RDFS.label, Literal("ALPHA")) in g
    html = client.get("/doc/project/ALPHA.html").get_data(as_text=True)
    assert 'href="/doc/participation/ALPHA-1"' in html


def test_the_base_iri_of_the_build_served_wins_over_the_setting(tmp_path):
    """A store built under another domain is served by path, whatever IKG_BASE_IRI says now."""
    from graph.build import BuildOptions, build
    from graph.store import StoreLocation
    from service.app import create_app

    loc = StoreLocation(tmp_path / "store")
    build(loc, BuildOptions(scale=0.1, seed=3, base_iri="https://data.example.eu"))
    app = create_app({"TESTING": True, "IKG_STORE": str(loc.root), "IKG_QUERY_WORKERS": 1})
    client = app.test_client()
    try:
        resp = client.get("/id/programme/interreg-europe-2014-2020")
        assert resp.status_code == 303
        g = Graph().parse(data=client.get(resp.headers["Location"] + ".nt").data, format="nt")
        assert (URIRef("https://data.example.eu/id/programme/interreg-europe-2014-2020"), RDF.type,
                URIRef(IKG + "Programme")) in g
        assert_error(client.get("/doc/programme/nope"), 404, "not_found")
    finally:
        from service.state import executor_of

        executor_of(app).close()


def test_html_page_reads_well_and_embeds_schema_org(default_client, backend_kg):
    iri, label = one_of(backend_kg, IKG + "Project")
    resp = default_client.get(doc_path(iri, BASE), headers={"Accept": "text/html"})
    html = resp.get_data(as_text=True)
    assert resp.mimetype == "text/html"
    assert f'<h1 id="label">{label}</h1>' in html
    assert "A <strong>generated</strong> record" in html
    assert re.search(r"EUR \d{1,3}(,\d{3})+", html)  # money formatted
    assert re.search(r"\d{1,2} (January|February|March|April|May|June|July|August|September|"
                     r"October|November|December) \d{4}", html)  # dates readable
    for ext in ("ttl", "jsonld", "nt", "rdf"):
        assert '<link rel="alternate" type=' in html and f'{doc_path(iri, BASE)}.{ext}' in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    assert data["@type"] == "Project" and data["@id"] == iri and data["name"] == label
    assert "generated" in data["disambiguatingDescription"]


def test_practice_and_change_pages_carry_the_lineage_summary(default_client, backend_kg):
    from graph.lineage import downstream

    change, practice = backend_kg.query(f"""SELECT ?c ?p WHERE {{ ?c a <{IKG}PolicyChange> ;
        <{IKG}inspiredBy> ?p }} ORDER BY ?c LIMIT 1""").rows[0]
    html = default_client.get(doc_path(str(practice), BASE) + ".html").get_data(as_text=True)
    totals = downstream(backend_kg, str(practice), BASE)["totals"]
    assert 'id="lineage"' in html and f"{totals['changes']} policy change(s)" in html
    html = default_client.get(doc_path(str(change), BASE) + ".html").get_data(as_text=True)
    assert "What lies behind it" in html and f'href="{doc_path(str(practice), BASE)}"' in html


def test_real_records_show_what_was_generated_regio_mob_had_five_invented_partners_si04_hundreds_of_links(
        default_client):
    html = default_client.get("/doc/programme/interreg-europe-2014-2020.html").get_data(as_text=True)
    assert "A <strong>real</strong> record: every statement below is its source's." in html
    # the Fab Lab change is real, but its amount, date and region were generated around it: it
    # is not called "a real record" (REGIO-MOB's page was, above five invented partners)
    page = default_client.get("/doc/change/2014SI16MAOP001-C1.html").get_data(as_text=True)
    assert "A <strong>real</strong> record" not in page
    assert "A real record <strong>completed with generated statements</strong>" in page
    financial = re.search(r'financial impact</a></th>\s*<td>(.*?)</td>', page, re.S).group(1)
    assert "EUR" in financial and 'class="real"' not in financial  # generated: no source mark
    assert 'class="generated-mark"' in financial  # but a generated one
    inspired = re.search(r'inspired by</a></th>\s*<td>(.*?)</td>', page, re.S).group(1)
    assert 'class="real"' in inspired  # stated by the source
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
    assert "completed with generated statements" in data["disambiguatingDescription"]
    # a region is real, but most links to it are generated records': they say so, and how many
    region = default_client.get("/doc/nuts/SI04.html").get_data(as_text=True)
    assert "A <strong>real</strong> record: every statement below is its source's." in region
    generated = int(re.search(r'of which ([\d,]+) generated', region).group(1).replace(",", ""))
    incoming = re.search(r'<section id="incoming">(.*?)</section>', region, re.S).group(1)
    assert generated > 50 and incoming.count('class="generated-mark"') > 50
    # REGIO-MOB is a real acronym whose partners, dates and budget are generated
    project = default_client.get("/doc/project/REGIO-MOB.html").get_data(as_text=True)
    assert "A <strong>real</strong> record" not in project and "completed with generated statements" in project


def test_the_ontology_is_served_at_its_namespace(client):
    for ext, (media, parser) in RDF_FORMATS.items():
        resp = client.get("/ontology", headers={"Accept": media})
        assert resp.mimetype == media and resp.headers["Content-Location"] == f"/ontology.{ext}"
        g = Graph().parse(data=resp.data, format=parser)
        assert (URIRef(IKG + "Project"), RDF.type, OWL.Class) in g
        assert (URIRef(IKG.rstrip("#")), RDF.type, OWL.Ontology) in g
    html = client.get("/ontology", headers={"Accept": "text/html"}).get_data(as_text=True)
    for term in ("Project", "Call", "GoodPractice", "inspiredBy", "financialImpact"):
        assert f'id="{term}"' in html, term  # /ontology#Term lands on the term
    assert "https://ikg.example.org/ontology#Call" in html
    etag = client.get("/ontology.ttl").headers["ETag"]
    assert client.get("/ontology.ttl", headers={"If-None-Match": etag}).status_code == 304


def test_concept_iris_redirect_to_their_documents(default_client):
    resp = default_client.get("/ontology/concept/topic/so-1-1")
    assert resp.status_code == 303 and resp.headers["Location"] == "/doc/concept/topic/so-1-1"


def test_search_finds_things_by_name_best_first(default_client):
    hits = default_client.get("/api/search?q=erudite").get_json()
    assert hits[0] == {"iri": f"{BASE}/id/project/ERUDITE", "label": "ERUDITE", "class": IKG + "Project",
                       "generated": False, "page": "/doc/project/ERUDITE"}  # a real record, and its page
    assert all("erudite" in h["label"].lower() for h in hits)
    regions = default_client.get("/api/search?q=Lombardia").get_json()
    assert regions[0]["iri"] == NUTS + "ITC4"  # the exact name first
    html = default_client.get("/search?q=fab+lab").get_data(as_text=True)
    assert 'href="/doc/change/2014SI16MAOP001-C1"' in html
    assert default_client.get("/api/search?q=zzzzqqq").get_json() == []
    assert len(default_client.get("/api/search?q=an&limit=7").get_json()) == 7
    for bad in ("/api/search?q=a", "/api/search", "/search?q=" + "x" * 101, "/api/search?q=ab&limit=0"):
        assert_error(default_client.get(bad), 400, "bad_parameter")


def test_search_sees_an_update_made_in_the_same_process(tiny_kg):
    from service.app import create_app

    client = create_app({"TESTING": True, "IKG_KG": tiny_kg, "IKG_UPDATE_TOKEN": "t"}).test_client()
    assert client.get("/api/search?q=gamma").get_json() == []
    client.post("/sparql", data={"update": f"""INSERT DATA {{ GRAPH <{BASE}/graph/generated> {{
        <{BASE}/id/project/GAMMA> a <{IKG}Project> ; <http://www.w3.org/2000/01/rdf-schema#label> "GAMMA" }} }}"""},
                headers={"Authorization": "Bearer t"})
    assert [h["label"] for h in client.get("/api/search?q=gamma").get_json()] == ["GAMMA"]


def test_iris_of_other_schemes_are_text_not_links(tiny_kg):
    from service.app import create_app

    tiny_kg.update(f"""INSERT DATA {{ GRAPH <{BASE}/graph/generated> {{
        <{BASE}/id/project/ALPHA> <http://www.w3.org/2000/01/rdf-schema#seeAlso> <javascript:alert(document.domain)>,
            <https://example.org/alpha>, <mailto:alpha@example.org>, <data:text/html,hello> ;
          <javascript:alert(2)> "a value under a javascript: property" .
        <vbscript:msgbox(3)> <https://ikg.example.org/ontology#hasParticipation> <{BASE}/id/project/ALPHA> .
    }} }}""")
    client = create_app({"TESTING": True, "IKG_KG": tiny_kg}).test_client()
    for path in ("/doc/project/ALPHA.html", "/.well-known/void.html"):
        html = client.get(path).get_data(as_text=True)
        hrefs = re.findall(r'href="([^"]*)"', html)
        assert hrefs and all(re.match(r"(/|#|https?:|mailto:)", h) for h in hrefs), (path, hrefs)
    html = client.get("/doc/project/ALPHA.html").get_data(as_text=True)
    for text in ("javascript:alert(document.domain)", "data:text/html,hello", "vbscript:msgbox(3)"):
        assert f'<span title="{text}">{text}</span>' in html
    assert '<a href="https://example.org/alpha"' in html and '<a href="mailto:alpha@example.org"' in html
    assert '<a href="/doc/participation/ALPHA-1"' in html  # the app's own links stay links
