"""The OpenAPI document against the service: every route documented, every error status with its codes."""

from __future__ import annotations

import re

from service.openapi import UNDOCUMENTED_ROUTES


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
                                                                "store_not_found"]
