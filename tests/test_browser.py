"""The query UI in a real browser: Debian's Chromium driven by Playwright, against `ikg serve`."""

from __future__ import annotations

import json
import os
import shutil
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from tests.conftest import KIND_CLASSES

CHROMIUM = os.environ.get("IKG_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium is needed for the UI tests and was not found at {CHROMIUM}: "
                    "install Debian's `chromium` (CI does) or set IKG_CHROMIUM")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync"])
        yield b
        b.close()


def _watched_page(browser, server: str, **options):
    """A new page, and the list it fills with what must not happen: every request that leaves
    ``server``, and every breach of the Content-Security-Policy (Chromium reports each on the
    console, and the page's ``securitypolicyviolation`` event is logged there too)."""
    page = browser.new_page(**options)
    problems: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(server) else problems.append(r.url))
    page.on("console", lambda m: problems.append(m.text)
            if "Content Security Policy" in m.text or m.text.startswith("CSP violation") else None)
    page.add_init_script("document.addEventListener('securitypolicyviolation', e => console.error("
                         "'CSP violation', e.violatedDirective, e.blockedURI, e.sourceFile))")
    return page, problems


def test_yasgui_runs_a_query_and_an_example_without_leaving_the_server(browser, server):
    page, problems = _watched_page(browser, server, viewport={"width": 1300, "height": 900})
    page.goto(server + "/sparql-editor")
    assert "ikg" in page.title()
    page.click(".yasqe_queryButton")
    page.wait_for_selector(".yasr table tbody tr", timeout=20_000)
    assert page.locator(".yasr table tbody tr").count() == 20  # the starting query's LIMIT
    page.click("text=projects-by-call")
    page.locator(".tabPanel.active .yasqe_queryButton").click()
    page.wait_for_selector(".tabPanel.active .yasr table tbody tr", timeout=20_000)
    text = page.locator(".tabPanel.active .yasr table").inner_text()
    assert "interreg-europe-2014-2020-call-4" in text
    assert problems == []
    page.close()


# ----------------------------------------------------------------------------- linked data

def _entity(kg, kind: str) -> tuple[str, str]:
    """(path to dereference, label) of one entity of ``kind``: a kind of record, a NUTS
    region or a concept."""
    from graph.namespaces import IKG, IKGC

    if kind == "region":
        return "/doc/nuts/ITC4", "Lombardia"
    if kind == "concept":
        label = kg.query(f"SELECT ?l WHERE {{ <{IKGC}topic/so-3-1> "
                         "<http://www.w3.org/2004/02/skos/core#prefLabel> ?l }").rows[0][0]
        return "/ontology/concept/topic/so-3-1", str(label)
    iri, label = kg.query(f"""SELECT ?s ?l WHERE {{ ?s a <{IKG}{KIND_CLASSES[kind]}> ;
        <http://www.w3.org/2000/01/rdf-schema#label> ?l }} ORDER BY DESC(?s) LIMIT 1""").rows[0]
    assert str(iri).startswith(f"https://ikg.example.org/id/{kind}/"), iri
    return str(iri)[len("https://ikg.example.org"):], str(label)


@pytest.mark.parametrize("kind", [*KIND_CLASSES, "region", "concept"])
def test_entity_page_shows_its_label_and_a_working_link_without_leaving_the_server(
        browser, server, default_kg, kind):
    path, label = _entity(default_kg, kind)
    page, problems = _watched_page(browser, server, viewport={"width": 1200, "height": 900})
    resp = page.goto(server + path)
    assert resp is not None and resp.ok, path
    if not path.startswith("/doc/"):  # an IRI: the browser followed its 303
        assert resp.request.redirected_from is not None and "/doc/" in page.url, page.url
    heading = page.locator("h1#label")
    assert heading.is_visible() and heading.inner_text() == label
    link = page.locator("#properties a[href^='/doc/'], #incoming a[href^='/doc/']").first
    target = link.get_attribute("href")
    link.click()
    page.wait_for_load_state()
    assert page.url.split("?")[0].endswith(target.split("?")[0]), (target, page.url)
    assert page.locator("h1#label").inner_text().strip()
    assert problems == []
    page.close()


def test_lineage_summary_is_visible_on_a_practice_page(browser, server, default_kg):
    from graph.namespaces import IKG

    practice = default_kg.query(f"""SELECT ?p WHERE {{ ?c a <{IKG}PolicyChange> ; <{IKG}inspiredBy> ?p }}
        ORDER BY ?p LIMIT 1""").rows[0][0]
    page, problems = _watched_page(browser, server)
    page.goto(server + str(practice)[len("https://ikg.example.org"):])
    summary = page.locator("#lineage")
    assert summary.is_visible() and "policy change(s)" in summary.inner_text()
    assert "EUR " in summary.inner_text()
    assert problems == []
    page.close()


def test_api_docs_show_the_operations_without_leaving_the_server(browser, server):
    page, problems = _watched_page(browser, server, viewport={"width": 1200, "height": 900})
    page.goto(server + "/api/docs")
    page.wait_for_selector(".opblock-summary", timeout=20_000)
    assert "/sparql" in page.locator("#swagger-ui").inner_text()
    page.locator(".opblock-summary").first.click()
    page.wait_for_selector(".opblock-body", timeout=20_000)
    assert problems == []
    page.close()


def test_ontology_dataset_and_dumps_pages_work_in_a_browser(browser, server, default_dumps):
    page, problems = _watched_page(browser, server, viewport={"width": 1200, "height": 900})
    page.goto(server + "/ontology#Call")
    section = page.locator("[id='Call']")
    assert section.is_visible() and "https://ikg.example.org/ontology#Call" in section.inner_text()
    page.goto(server + "/.well-known/void")
    assert page.locator("h1#label").is_visible()
    triples = int(page.locator("#triples").inner_text().replace(",", ""))
    assert triples > 400_000
    page.goto(server + "/dumps/")
    page.locator("a[href='/dumps/manifest.json']").first.click()
    page.wait_for_load_state()
    assert page.url == server + "/dumps/manifest.json"
    manifest = json.loads(page.locator("body").inner_text())
    assert "ikg.nt.gz" in {f["name"] for f in manifest["files"]}
    page.goto(server + "/doc/project/" + "NOT-A-PROJECT")
    assert "not_found" in page.content()
    assert problems == []
    page.close()


def _drawn(page) -> int:
    page.wait_for_selector("body[data-network-ready=true]", timeout=60_000)
    return page.evaluate("window.ikgNetwork.nodes().length")


def test_networks_page_filters_the_drawing_and_opens_a_clicked_region(browser, server):
    page, problems = _watched_page(browser, server, viewport={"width": 1300, "height": 1000})
    page.goto(server + "/networks")
    everyone = _drawn(page)
    assert everyone > 150 and "Drawn:" in page.locator("#shown").inner_text()
    page.select_option("select[name=category]", "less-developed")
    page.fill("input[name=min_weight]", "3")
    page.select_option("select[name=colour]", "community")
    page.click("#network-filters button[type=submit]")
    page.wait_for_url("**/networks?*category=less-developed*")
    assert "min_weight=3" in page.url and "colour=community" in page.url  # a view one can share
    fewer = _drawn(page)
    assert 0 < fewer < everyone
    assert page.evaluate("window.ikgNetwork.nodes().every(n => n.data('category') === 'less-developed')")
    assert page.evaluate("window.ikgNetwork.edges().every(e => e.data('weight') >= 3)")
    _screenshot(page, "networks-filtered")
    # the metrics table sorts by a column
    page.click("#metrics th button:text('Degree')")
    degrees = [int(v) for v in page.locator("#metrics tbody tr td:nth-child(4)").all_inner_texts()[:20]]
    assert degrees == sorted(degrees, reverse=True)
    # a click on a region opens its profile
    page.locator("#cy").scroll_into_view_if_needed()
    code, x, y = page.evaluate("""() => { const n = window.ikgNetwork.nodes().max(n => n.degree()).ele;
        const p = n.renderedPosition(); return [n.data('code'), p.x, p.y]; }""")
    box = page.locator("#cy").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_url(f"**/doc/nuts/{code}")
    assert page.locator("h1#label").is_visible() and page.locator("#profile").is_visible()
    assert problems == []
    page.close()


def test_networks_page_draws_by_force_too(browser, server):
    page, problems = _watched_page(browser, server, viewport={"width": 1300, "height": 1000})
    page.goto(server + "/networks?view=transfers&layout=force&level=1")
    assert _drawn(page) > 20
    assert page.locator("#legend .key").count() == 3
    assert problems == []
    page.close()


def test_search_box_finds_a_project_and_opens_its_page(browser, server):
    page, problems = _watched_page(browser, server)
    page.goto(server + "/doc/nuts/ITC4")  # any page with the navigation bar
    page.fill("nav input[name=q]", "erudite")
    page.click("nav button[type=submit]")
    page.wait_for_load_state()
    assert "/search?q=erudite" in page.url
    page.locator("#results a").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/doc/project/ERUDITE") and page.locator("h1#label").inner_text() == "ERUDITE"
    assert problems == []
    page.close()


# ----------------------------------------------------------------------------- the evaluator's pages

#: Where the UI tests leave their screenshots (test artefacts, not kept in git).
ARTEFACTS = Path(os.environ.get("IKG_TEST_ARTEFACTS") or Path(__file__).resolve().parent.parent / "var" / "artefacts")


def _screenshot(page, name: str) -> None:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTEFACTS / f"{name}.png"), full_page=True)


def _card(page, measure: str) -> str:
    return page.locator(f".card[data-measure='{measure}'] .value").inner_text()


def test_front_page_reads_the_figures_of_another_day(browser, server, default_kg):
    from graph.stats import headline_figures
    from service.charts import number

    page, problems = _watched_page(browser, server, viewport={"width": 1300, "height": 900})
    page.goto(server + "/")
    everything = headline_figures(default_kg)
    assert _card(page, "projects") == number(everything["projects"])
    assert page.locator("#series figure").count() == 4
    page.fill("#as-of input[name=as_of]", "2018-12-31")
    page.click("#as-of button[type=submit]")
    page.wait_for_url("**/?as_of=2018-12-31")
    then = headline_figures(default_kg, date(2018, 12, 31))
    assert _card(page, "projects") == number(then["projects"]) != number(everything["projects"])
    assert _card(page, "practices") == number(then["practices"])
    assert "as of 31 December 2018" in page.locator("#figures-title").inner_text()
    page.click("a.snapshot >> text=31 March 2023")  # a published snapshot: compared with the published
    page.wait_for_url("**/?as_of=2023-03-31")
    assert page.locator(".card .published").count() >= 5
    assert "✓" in page.locator(".card[data-measure='projects'] .published").inner_text()
    _screenshot(page, "front-page-2023-03-31")
    assert problems == []
    page.close()


def test_a_region_profile_opens_from_the_front_pages_map(browser, server):
    page, problems = _watched_page(browser, server, viewport={"width": 1300, "height": 900})
    page.goto(server + "/")
    page.wait_for_function("document.querySelector('#involvement image') !== null")
    circle = page.locator("#involvement a[href='/doc/nuts/ITC4'] circle")
    title = circle.locator("title").text_content()
    assert title.startswith("Lombardia (ITC4): ") and "partners" in title
    circle.click()
    page.wait_for_url("**/doc/nuts/ITC4")
    assert page.locator("h1#label").inner_text() == "Lombardia"
    assert page.locator("#profile").is_visible()  # its story, above the raw links
    assert int(page.locator("#profile-projects").inner_text()) > 0
    assert page.locator("#region-map circle.here").count() == 1
    _screenshot(page, "region-profile-ITC4")
    assert problems == []
    page.close()


def test_a_practice_leads_to_the_change_it_inspired_and_back(browser, server):
    """From a region's profile: a practice it learned, the policy change that practice
    inspired (its page names the practice upstream), and back to the practice."""
    page, problems = _watched_page(browser, server, viewport={"width": 1300, "height": 900})
    page.goto(server + "/doc/nuts/ITC4")
    row = page.locator("#profile h3#learned + div table tr:has(td)").first
    practice_title = row.locator("td").nth(0).locator("a").inner_text()
    row.locator("td").nth(0).locator("a").click()
    page.wait_for_url("**/doc/practice/**")
    practice_url = page.url
    assert page.locator("h1#label").inner_text() == practice_title
    lineage = page.locator("#lineage")
    assert lineage.is_visible() and "policy change(s)" in lineage.inner_text()
    lineage.locator("a[href^='/doc/change/']").first.click()
    page.wait_for_url("**/doc/change/**")
    upstream = page.locator("#lineage")
    assert practice_title in upstream.inner_text()  # the change names the practice behind it
    upstream.locator("a", has_text=practice_title).first.click()
    page.wait_for_url(practice_url)
    assert page.locator("h1#label").inner_text() == practice_title
    _screenshot(page, "practice-and-back")
    assert problems == []
    page.close()


def test_front_page_fits_a_phone_and_works_from_the_keyboard(browser, server):
    page, problems = _watched_page(browser, server, viewport={"width": 390, "height": 800}, locale="en-US")
    page.goto(server + "/?as_of=2022-06-30")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the screen
    page.focus("#as-of input[name=as_of]")
    page.keyboard.type("12312017")  # the date control takes the day typed in its own order
    page.keyboard.press("Enter")
    page.wait_for_url("**/?as_of=2017-12-31")
    _screenshot(page, "front-page-phone")
    for path in ("/doc/nuts/ITC4", "/networks", "/queries/headline-figures"):  # the other pages too
        page.goto(server + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, path
    assert problems == []
    page.close()


def test_a_named_query_runs_from_its_form_and_a_result_opens(browser, server):
    page, problems = _watched_page(browser, server, viewport={"width": 1300, "height": 900})
    page.goto(server + "/")
    page.click("nav a:text('Named queries')")
    page.wait_for_url("**/queries")
    page.click("#q-region-taught a")
    page.wait_for_url("**/queries/region-taught")
    page.fill("input[name=region]", "http://data.europa.eu/nuts/code/ITC4")
    page.click("#query-form button[type=submit]")
    page.wait_for_url("**/queries/region-taught?region=*")
    rows = page.locator("#results tbody tr")
    assert rows.count() > 0
    assert page.locator("#answer a", has_text="CSV").get_attribute("href").endswith("format=csv")
    practice = rows.first.locator("a[href^='/doc/practice/']").first
    target = practice.get_attribute("href")
    practice.click()
    page.wait_for_url(f"**{target}")
    assert page.locator("h1#label").is_visible() and page.locator("#lineage").is_visible()
    _screenshot(page, "named-query-result")
    assert problems == []
    page.close()


@pytest.mark.parametrize("typed", ["EL30", "attiki"])
def test_search_as_you_type_finds_a_region_by_code_and_by_its_latin_name(browser, server, typed):
    page, problems = _watched_page(browser, server, viewport={"width": 1300, "height": 900})
    page.goto(server + "/")
    box = page.locator("nav input[name=q]")
    box.click()
    page.keyboard.type(typed, delay=30)  # as a person types: the suggestions follow
    option = page.locator("nav .suggestions a", has_text="Aττική")
    option.wait_for(timeout=60_000)
    assert "EL30" in option.inner_text()
    box.press("ArrowDown")  # the keyboard reaches the suggestions
    assert page.evaluate("document.activeElement.closest('.suggestions') !== null")
    option.click()
    page.wait_for_url("**/doc/nuts/EL30")
    assert page.locator("h1#label").inner_text() == "Aττική"
    _screenshot(page, f"search-{typed}")
    assert problems == []
    page.close()
