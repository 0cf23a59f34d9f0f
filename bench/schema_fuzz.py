"""Schema-driven testing of `ikg serve`: schemathesis generates requests from the OpenAPI document
(/openapi.json) and checks every answer against it, with every check of bench/schemathesis.toml.

The first run is the test suite's (tests/test_openapi_conformance.py): deterministic, every
phase (the document's examples, its boundaries and mutations, random requests, chains of
links), --examples test cases per operation and phase. Further runs, random requests only
(the fuzzing phase) with seeds 1, 2, ... and --fuzz-examples cases per operation, follow until
--requests were sent or --max-time has passed. The report: requests sent, answers by status,
5xx by code, failures of each check.

Without --url, `ikg serve` is started on 127.0.0.1 (a free port) on the store in use
(IKG_STORE, or --store) with a query timeout of 3 s, and stopped afterwards. With --url, the
server must be on this machine: only loopback addresses are accepted.

Usage: python -m bench.schema_fuzz [--requests 20000] [--max-time 3600] [--url URL]
                                   [--store DIR] [--examples 5] [--fuzz-examples 25] [--out DIR]
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import BIN, free_port, running  # noqa: E402

__all__ = ["CONFIG", "SUITE_EXAMPLES", "FuzzRun", "fuzz", "main"]

ROOT = Path(__file__).resolve().parent.parent
CONFIG = Path(__file__).with_name("schemathesis.toml")
#: Test cases per operation and phase of the deterministic run, the test suite's: some 2,600
#: requests over the 73 operations, about two minutes on 2 cores (the pictures take most of it).
SUITE_EXAMPLES = 5


@dataclass
class FuzzRun:
    """What one or more schemathesis runs sent and found."""

    requests: int = 0
    statuses: Counter = field(default_factory=Counter)
    #: 5xx answers by (status, code)
    server_errors: Counter = field(default_factory=Counter)
    #: failures by check: code (ST101...) -> {"title", "count", "operations"}
    failures: dict[str, dict] = field(default_factory=dict)
    operations: int = 0
    runs: int = 0
    seconds: float = 0.0
    exit_codes: list[int] = field(default_factory=list)
    output: str = ""  # schemathesis' own report of the last run with failures

    @property
    def violations(self) -> int:
        """Failures of the checks, all kinds together (each unique failure once)."""
        return sum(f["count"] for f in self.failures.values())

    def add(self, tally: Path, report: Path, exit_code: int, output: str) -> None:
        """Add one run: its tally of answers and its JSON report."""
        for line in tally.read_text(encoding="utf-8").splitlines() if tally.exists() else []:
            answer = json.loads(line)
            self.requests += 1
            self.statuses[answer["status"]] += 1
            if answer["status"] >= 500:
                self.server_errors[answer["status"], answer.get("code")] += 1
        data = json.loads(report.read_text(encoding="utf-8"))
        self.operations = max(self.operations, data["operations"]["tested"])
        for f in data["failures"]:
            seen = self.failures.setdefault(f["code"], {"title": f["title"], "count": 0, "operations": []})
            seen["count"] += f["count"]
            seen["operations"] = sorted(set(seen["operations"]) | set(f["operations"]))
        if data["errors"]:
            self.failures.setdefault("errors", {"title": "errors of the run", "count": 0, "operations": []})
            self.failures["errors"]["count"] += len(data["errors"])
        self.runs += 1
        self.exit_codes.append(exit_code)
        if exit_code:
            self.output = output

    def summary(self) -> str:
        statuses = ", ".join(f"{s}: {n:,}" for s, n in sorted(self.statuses.items()))
        errors = ", ".join(f"{s} {c}: {n}" for (s, c), n in sorted(self.server_errors.items())) or "none"
        failures = "; ".join(f"{code} {f['title']}: {f['count']} ({', '.join(f['operations'])})"
                             for code, f in sorted(self.failures.items())) or "none"
        return (f"{self.requests:,} requests over {self.operations} operations in {self.runs} run(s), "
                f"{self.seconds:.0f} s\nstatuses: {statuses}\n5xx: {errors}\n"
                f"check failures: {failures}")


def fuzz(url: str, workdir: Path, max_examples: int, seed: int | None = None,
         phases: str | None = None, seconds: float | None = None, into: FuzzRun | None = None) -> FuzzRun:
    """One `st run` against the server at ``url``: deterministic without ``seed``,
    ``max_examples`` test cases per operation and phase, every check of :data:`CONFIG`;
    interrupted (as Ctrl-C would, so that it still reports) after ``seconds``.

    Returns ``into`` (or a new :class:`FuzzRun`) with this run added.
    """
    run = into if into is not None else FuzzRun()
    workdir.mkdir(parents=True, exist_ok=True)
    n = run.runs
    tally, reports, output = workdir / f"tally-{n}.jsonl", workdir / f"report-{n}", workdir / f"output-{n}.txt"
    # not --max-time: with it, schemathesis repeats fuzzing until the time is spent
    argv = [str(BIN / "st"), "--config-file", str(CONFIG), "run", f"{url.rstrip('/')}/openapi.json",
            "--max-examples", str(max_examples), "--workers", "1", "--no-color",
            "--report", "json", "--report-dir", str(reports),
            # every operation: schemathesis leaves out the one that served the document
            # (GET /openapi.json) unless a filter selects it
            "--include-path-regex", "^/"]
    # without a seed, the same requests every time: failures reproduce, counts compare
    argv += ["--seed", str(seed)] if seed is not None else ["--generation-deterministic"]
    if phases:
        argv += ["--phases", phases]
    env = dict(os.environ, SCHEMATHESIS_HOOKS="bench.schema_hooks", SCHEMA_FUZZ_TALLY=str(tally),
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    start = time.monotonic()
    with open(output, "w", encoding="utf-8") as out:
        proc = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=workdir)
        try:
            proc.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            proc.send_signal(signal.SIGINT)
            try:
                proc.wait(timeout=120)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    run.seconds += time.monotonic() - start
    text = output.read_text(encoding="utf-8", errors="replace")
    reports_found = sorted(reports.glob("json-*.json"))
    if not reports_found:
        raise RuntimeError(f"schemathesis wrote no report (exit {proc.returncode}):\n{text[-5000:]}")
    run.add(tally, reports_found[-1], proc.returncode, text[-20000:])
    return run


def _loopback(url: str) -> str:
    host = urlsplit(url).hostname or ""
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise SystemExit(f"{url}: this script only fuzzes a server on this machine (127.0.0.1, ::1, localhost)")
    return url


def campaign(url: str, workdir: Path, requests: int, max_time: float, examples: int,
             fuzz_examples: int) -> FuzzRun:
    """The deterministic run, then seeded fuzzing runs until ``requests`` or ``max_time``."""
    deadline = time.monotonic() + max_time
    run = fuzz(url, workdir, examples, seconds=max_time)
    print(f"  deterministic run: {run.requests:,} requests", flush=True)
    seed = 1
    while run.requests < requests and (left := deadline - time.monotonic()) > 5:
        before = run.requests
        run = fuzz(url, workdir, fuzz_examples, seed=seed, phases="fuzzing", seconds=left, into=run)
        print(f"  seed {seed}: {run.requests:,} requests so far", flush=True)
        if run.requests == before:
            break
        seed += 1
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=20_000, help="requests to send at least")
    parser.add_argument("--max-time", type=float, default=3600, help="seconds at most (all runs)")
    parser.add_argument("--examples", type=int, default=SUITE_EXAMPLES,
                        help="test cases per operation and phase of the deterministic run")
    parser.add_argument("--fuzz-examples", type=int, default=25,
                        help="test cases per operation of each seeded fuzzing run")
    parser.add_argument("--url", help="a running server on this machine (default: start one)")
    parser.add_argument("--store", type=Path, help="store to serve (default: IKG_STORE)")
    parser.add_argument("--out", type=Path, help="folder of the reports (default: a temporary one)")
    args = parser.parse_args()
    workdir = args.out or Path(tempfile.mkdtemp(prefix="ikg-schema-fuzz-"))
    if args.url:
        run = campaign(_loopback(args.url), workdir, args.requests, args.max_time, args.examples,
                       args.fuzz_examples)
    else:
        port = free_port()
        argv = [str(BIN / "ikg"), "serve", "--port", str(port), "--host", "127.0.0.1"]
        argv += ["--store", str(args.store)] if args.store else []
        env = dict(os.environ, IKG_QUERY_TIMEOUT="3")
        with running(argv, port, "/sparql", env=env):
            run = campaign(f"http://127.0.0.1:{port}", workdir, args.requests, args.max_time,
                           args.examples, args.fuzz_examples)
    print(run.summary())
    print(f"reports in {workdir}")
    if run.failures or any(s != 503 for s, _ in run.server_errors):
        print(run.output)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
