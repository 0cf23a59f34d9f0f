"""schemathesis hooks of the schema-driven runs (loaded by `st run` through SCHEMATHESIS_HOOKS).

SPARQL's direct POST bodies (application/sparql-query, application/sparql-update) are text:
schemathesis 4.32 has no serializer for them and would send no body at all.

Each answer is tallied, one line of JSON per request in the file named by SCHEMA_FUZZ_TALLY:
method, path, status, and the error code of a 5xx, so that a run says how many requests it
sent and what came back, whatever the server.
"""

from __future__ import annotations

import json
import os
import threading

import schemathesis

_lock = threading.Lock()
schemathesis.serializer.alias(["application/sparql-query", "application/sparql-update"], "text/plain")


@schemathesis.hook
def after_call(context, case, response) -> None:  # noqa: ANN001 - schemathesis' hook signature
    path = os.environ.get("SCHEMA_FUZZ_TALLY")
    if not path:
        return
    line = {"method": case.method, "path": case.path, "status": response.status_code}
    if response.status_code >= 500:
        try:
            line["code"] = json.loads(response.content).get("code")
        except (ValueError, AttributeError):
            line["code"] = None
    with _lock, open(path, "a", encoding="utf-8") as f:
        f.write(json.dumps(line) + "\n")
