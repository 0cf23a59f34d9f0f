"""The front page: the headline figures as of a day, over time, the regions on a map, the
practices that travelled furthest; the timeline behind it held to headline-figures."""

from __future__ import annotations

import random
import re
from datetime import date, timedelta

import pytest

from graph import overview
from graph.calibration import SNAPSHOTS
from graph.stats import headline_figures
from service.charts import bar_chart, line_chart, number
from service.maps import ATTRIBUTION, Arrow, Marker, europe_svg, land_svg, position
from tests.conftest import assert_error


@pytest.fixture(scope="module")
def client(default_kg):
    """The app on the default graph (one per module: its front-page answers are kept)."""
    from service.app import create_app

    return create_app({"TESTING": True, "IKG_KG": default_kg}).test_client()


@pytest.fixture(scope="module")
def line(default_kg):
    return overview.timeline(default_kg)


def _same(a, b) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and abs(a - b) <= 1e-9 * max(1, abs(b)))


def test_the_timeline_gives_every_days_headline_figures(default_kg, line):
    """One query by day against headline-figures run for each day: the same figures, on the
    chart's days, the day before the first project and a few days drawn at random."""
    rng = random.Random(7)
    days = [*overview.series_days(), date(2015, 1, 1), None,
            *(date(2015, 6, 1) + timedelta(days=rng.randrange(3400)) for _ in range(3))]
    for day in days:
        expected = headline_figures(default_kg, day)
        got = overview.figures_as_of(line, day)["figures"]
        assert got.keys() == expected.keys()
        wrong = {k: (got[k], expected[k]) for k in got if not _same(got[k], expected[k])}
        assert not wrong, (day, wrong)


def test_a_snapshot_day_carries_the_published_figures(line):
    snap = SNAPSHOTS[0]
    figures = overview.figures_as_of(line, snap.day)
    assert figures["snapshot"] == snap.name and figures["published"]
    assert all(p["meets"] for p in figures["published"].values())  # the default graph is calibrated
    assert overview.figures_as_of(line, date(2021, 5, 4))["published"] == {}


def test_the_series_grows_year_by_year(line):
    points = overview.series(line)
    assert [p["day"] for p in points] == [d.isoformat() for d in overview.series_days()]
    projects = [p["projects"] or 0 for p in points]
    assert projects == sorted(projects) and projects[-1] > 0


def test_front_page_shows_the_figures_of_the_day_asked(client, default_kg):
    day = date(2019, 12, 31)
    html = client.get(f"/?as_of={day.isoformat()}").get_data(as_text=True)
    projects = headline_figures(default_kg, day)["projects"]
    card = re.search(r'data-measure="projects">.*?<dd class="value">([^<]+)</dd>', html, re.S).group(1)
    assert card == number(projects)
    assert 'value="2019-12-31"' in html and "as of <time datetime=\"2019-12-31\">" in html
    for s in SNAPSHOTS:  # the three published snapshots are offered
        assert f'href="/?as_of={s.day.isoformat()}"' in html
    assert 'id="generated-note"' in html and "generated" in html
    assert ATTRIBUTION.split(" · ")[0].replace("©", "&copy;") in html or "© EuroGeographics" in html


def test_front_page_on_a_snapshot_day_compares_with_the_published(client):
    html = client.get("/?as_of=2023-03-31").get_data(as_text=True)
    assert html.count('class="published meets"') >= 5 and "not met" not in html
    assert 'aria-current="true">31 March 2023' in html


def test_front_page_links_regions_and_practices_to_their_pages(client):
    html = client.get("/").get_data(as_text=True)
    regions = re.findall(r'<a href="(/doc/nuts/[A-Z0-9]+)" aria-label="[^"]+"><circle', html)
    assert len(regions) > 200  # every NUTS 2 region with partners (the default graph has 264)
    assert client.get(regions[0]).status_code == 200
    practices = re.findall(r'<td><a href="(/doc/practice/[^"]+)"', html)
    assert len(practices) == 10
    assert 'class="generated-mark">generated' in html


def test_front_page_figures_as_json(client, default_kg):
    resp = client.get("/?as_of=2022-06-30", headers={"Accept": "application/json"})
    assert resp.status_code == 200 and "Accept" in resp.headers["Vary"]
    body = resp.get_json()
    assert body["snapshot"] == "june-2022" and "generated" in body["generated_note"]
    assert body["figures"]["projects"] == headline_figures(default_kg, date(2022, 6, 30))["projects"]


@pytest.mark.parametrize("value", ["yesterday", "2019-13-01", "1999-01-01", "2019-01-01T00:00"])
def test_a_bad_day_is_a_400(client, value):
    assert_error(client.get("/", query_string={"as_of": value}), 400, "bad_parameter")


def test_map_background_is_a_cached_svg_of_the_countries(client):
    resp = client.get("/maps/europe-land.svg")
    assert resp.status_code == 200 and resp.mimetype == "image/svg+xml"
    assert resp.cache_control.max_age == 86400
    svg = resp.get_data(as_text=True)
    assert "<title>Italy</title>" in svg and "<title>Finland</title>" in svg and svg == land_svg()


def test_regions_sit_where_they_are_on_the_map():
    lisbon, helsinki, athens = position("PT17"), position("FI1B"), position("EL30")
    assert lisbon and helsinki and athens
    assert lisbon[0] < athens[0] < helsinki[0] + 200 and helsinki[1] < lisbon[1] and helsinki[1] < athens[1]
    assert position("FRY3") is None  # French Guiana: outside the frame
    assert position("XX99") is None


def test_a_map_links_each_region_and_lists_those_it_cannot_draw():
    svg = str(europe_svg([Marker("ITC4", "Lombardia <b>", 100, "/doc/nuts/ITC4"), Marker("FRY3", "Guyane", 10, "/g")],
                         [Arrow("ITC4", "FI1B", "from Lombardia to Helsinki")], element_id="m"))
    assert '<a href="/doc/nuts/ITC4" aria-label="Lombardia &lt;b&gt;">' in svg
    assert "<line" in svg and "from Lombardia to Helsinki" in svg
    assert "Not on the map" in svg and '<a href="/g">Guyane</a>' in svg
    assert "EuroGeographics" in svg


def test_charts_draw_what_they_are_given():
    svg = str(line_chart([(date(2016, 12, 31), 1.0), (date(2017, 12, 31), None), (date(2018, 12, 31), 3.0)],
                         "projects", [(date(2017, 6, 30), "a snapshot")]))
    assert svg.count('class="point"') == 2 and "a snapshot" in svg and "2018-12-31: 3" in svg
    assert "no data" in str(line_chart([(date(2016, 1, 1), None)], "x"))
    bars = str(bar_chart([("2019", 5.0), ("2020", 10.0)], "EUR by year"))
    assert bars.count('class="bar"') == 2 and "2020: 10" in bars


def test_the_warm_up_asks_a_server_for_its_front_and_networks_pages(default_location, tmp_path, caplog):
    """The warm-up `ikg serve` starts (IKG_WARM_UP, on by default; off for the tests' servers)
    asks the server for the front page and the networks page once it answers: run here
    against a server started without it, and waited for by joining its thread."""
    import logging
    import urllib.parse
    import urllib.request

    from service.warmup import PATHS, start_warm_up
    from tests.conftest import running_server

    assert PATHS == ("/", "/networks")
    with running_server(default_location.root, log=tmp_path / "serve.log") as served:
        caplog.set_level(logging.INFO, logger="ikg.warmup")
        thread = start_warm_up("127.0.0.1", urllib.parse.urlsplit(served.url).port)
        thread.join(timeout=900)  # the event itself: the thread ends once both pages answered
        assert not thread.is_alive()
        assert [m.split(":")[0] for m in caplog.messages] == ["warmed up /", "warmed up /networks"]
        assert all(": 200 in " in m for m in caplog.messages), caplog.messages
        page = urllib.request.urlopen(urllib.request.Request(served.url + "/", headers={"Accept": "text/html"}))
        assert page.status == 200 and b'id="figures"' in page.read()


def test_ikg_serve_starts_the_warm_up_when_the_setting_is_on(tiny_location):
    """The wiring: `ikg serve` with IKG_WARM_UP=true warms itself up; its output is read line
    by line (each read waits for the next line) until it says the last page, with a generous
    limit on the reading thread."""
    import os
    import subprocess
    import threading

    from tests.conftest import IKG, _free_port

    proc = subprocess.Popen([IKG, "serve", "--store", str(tiny_location.root), "--port", str(_free_port())],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env=dict(os.environ, IKG_WARM_UP="true"))
    lines: list[str] = []

    def read() -> None:
        for line in proc.stdout or ():
            lines.append(line)
            if "warmed up /networks" in line:
                return

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        reader.join(timeout=900)  # the event itself: the line saying the last page is warm
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    assert not reader.is_alive(), "".join(lines)
    said = re.findall(r"warmed up (\S+): (\d+)", "".join(lines))
    assert said == [("/", "200"), ("/networks", "200")]
