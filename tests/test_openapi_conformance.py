"""The OpenAPI document against the service: every route documented, and schemathesis' requests
against a real `ikg serve` answered as the document says."""

from __future__ import annotations

import json
import re
import urllib.request

import pytest

from bench.schema_fuzz import SUITE_EXAMPLES, fuzz
from service.openapi import UNDOCUMENTED_ROUTES
from tests.conftest import running_server

#: 503s the document allows (a query outliving IKG_QUERY_TIMEOUT, all workers busy).
DOCUMENTED_503 = {"query_timeout", "server_busy"}
ACCESS_LINE = re.compile(r" ikg\.service [A-Z]+ .+ \d{3} [0-9.]+ ms$")


def _rule_pattern(rule: str) -> re.Pattern:
    """A Flask rule (``/doc/<path:rest>``) as a pattern of the paths it serves."""
    parts = re.split(r"(<[^>]+>)", rule)
    return re.compile("".join((".+" if p.startswith("<path:") else "[^/]+") if p.startswith("<")
                              else re.escape(p) for p in parts) + "$")


def _methods(rule) -> set[str]:
    return {m.lower() for m in rule.methods} - {"head", "options"}


def test_every_route_and_method_is_documented_and_nothing_else(app, client):
    doc = client.get("/openapi.json").get_json()
    # a documented path, its parameters filled in, as a request path
    concrete = {re.sub(r"\{[^}]+\}", "x", path): (path, set(ops)) for path, ops in doc["paths"].items()}
    rules = [r for r in app.url_map.iter_rules() if r.rule not in UNDOCUMENTED_ROUTES]
    for rule in rules:
        pattern = _rule_pattern(rule.rule)
        served = [(path, ops) for c, (path, ops) in concrete.items() if pattern.match(c)]
        assert served, f"{rule.rule} is not in the document"
        assert any(ops >= _methods(rule) for _, ops in served), (rule.rule, served)
    for c, (path, ops) in concrete.items():
        matching = [r for r in rules if _rule_pattern(r.rule).match(c)]
        assert matching, f"{path} is documented but not served"
        assert ops <= set().union(*(_methods(r) for r in matching)), (path, ops)
    assert set(UNDOCUMENTED_ROUTES) <= {r.rule for r in app.url_map.iter_rules()}


def test_every_error_status_documented_has_its_codes(client):
    doc = client.get("/openapi.json").get_json()
    schemas = doc["components"]["schemas"]
    for path, ops in doc["paths"].items():
        for method, op in ops.items():
            for status, answer in op["responses"].items():
                if int(status) >= 400:
                    ref = answer["content"]["application/json"]["schema"]["$ref"]
                    schema = schemas[ref.rsplit("/", 1)[-1]]
                    assert schema["properties"]["status"] == {"const": int(status)}, (path, method)
    assert schemas["Error503"]["properties"]["code"]["enum"] == ["query_timeout", "server_busy",
                                                                "store_loading", "store_not_found"]


@pytest.fixture(scope="module")
def fuzzed(default_location, tmp_path_factory):
    """`ikg serve` on the default graph with a 3 s query timeout (a generated request that
    asks for much gets a 503 at once instead of outliving the client's timeout), logging to a
    file: (its URL, its log)."""
    log = tmp_path_factory.mktemp("fuzzed") / "serve.log"
    with running_server(default_location.root, {"IKG_QUERY_TIMEOUT": "3", "IKG_QUERY_WORKERS": "2"},
                        log=log) as served:
        yield served.url, log


def test_schemathesis_finds_no_server_error_and_no_violation(default_dumps, fuzzed, tmp_path):
    """Some 2,600 requests generated from the document (its examples, boundaries, mutations,
    random values, links), deterministic, against `ikg serve` on the default graph and its
    dumps, with every check of bench/schemathesis.toml: no 5xx but the documented 503s; no
    status, media type, header or body the document does not give; no schema-invalid request
    accepted; no schema-valid request refused, but for /sparql, whose `query` no JSON Schema
    can tell from a string (the file says so).

    No operation is left out: SPARQL Update is off on this server and its 403 is documented;
    the /ui/ files answer 404 until `make setup` installed them, and that is documented too."""
    server, server_log = fuzzed
    with urllib.request.urlopen(server + "/openapi.json", timeout=30) as resp:
        operations = sum(len(ops) for ops in json.load(resp)["paths"].values())
    run = fuzz(server, tmp_path, SUITE_EXAMPLES)
    print(run.summary())  # pytest -rP shows it
    # what the server logged besides its access lines: the trace of each 500
    traces = "\n".join(line for line in server_log.read_text(errors="replace").splitlines()
                       if not ACCESS_LINE.search(line))
    assert run.requests >= 2000, run.summary()
    assert run.operations == operations, run.summary()
    assert not [(s, c) for s, c in run.server_errors if s != 503 or c not in DOCUMENTED_503], (
        run.summary() + "\n" + traces[-5000:])
    assert not run.failures, run.summary() + "\n" + run.output
    assert run.exit_codes == [0], run.output
