"""Killed builds and exports (SIGKILL) never damage the build in use, nor one a server serves.

Each command runs as a real `ikg` process; it is killed as soon as it prints the line that
starts a step, so the kill lands in that step. Every wait is for an event (a line, a process
ending, a server answering) within a generous limit, never a fixed time.
"""

from __future__ import annotations

import json
import os
import queue
import shutil
import socket
import subprocess
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from graph.errors import StoreError
from graph.export import export_dumps, read_manifest
from graph.store import OxigraphGraph, StoreLocation
from tests.conftest import IKG

LIMIT = 120.0  # seconds any one event may take on a busy machine
SCALE = "0.05"  # about 44,000 quads: a whole build takes a couple of seconds
#: Where a build is killed: the start of each step, as `ikg build` prints it.
STEPS = [("generation", "generating"), ("load", "loading into Oxigraph"),
         ("validation", "validating"), ("finishing", "finishing the store on disk"),
         ("just before the switch", "quads on disk")]


class Command:
    """An `ikg` command running, its output read line by line as it comes."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        self.proc = subprocess.Popen([IKG, *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, text=True,
                                     env=dict(os.environ, PYTHONUNBUFFERED="1", **(env or {})))
        self.output: list[str] = []
        self._lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def wait_for(self, text: str) -> None:
        """Read the output until a line holds ``text``."""
        deadline = time.monotonic() + LIMIT
        while True:
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                self.kill()
                pytest.fail(f"no line with {text!r} within {LIMIT:g} s:\n{''.join(self.output)}")
            if line is None:
                pytest.fail(f"ended without a line with {text!r}:\n{''.join(self.output)}")
            self.output.append(line)
            if text in line:
                return

    def kill(self) -> int:
        """SIGKILL, then the exit status (-9 unless it had already ended)."""
        self.proc.kill()
        return self.proc.wait(timeout=LIMIT)

    def finish(self) -> str:
        """Wait for the command to end well; its whole output."""
        self.proc.wait(timeout=LIMIT)
        while (line := self._lines.get(timeout=LIMIT)) is not None:
            self.output.append(line)
        output = "".join(self.output)
        assert self.proc.returncode == 0, output
        return output


def _build(root: Path) -> Path:
    """A whole `ikg build` (same seed and scale every time: the same quads); the build."""
    Command("build", "--store", str(root), "--scale", SCALE).finish()
    return StoreLocation(root).current()


def _quads(build: Path) -> int:
    kg = OxigraphGraph(build / "oxigraph", read_only=True)
    try:
        return len(kg)
    finally:
        kg.close()


def _folders(loc: StoreLocation) -> set[str]:
    return {p.name for p in loc.builds.iterdir()}


def _killed_build(loc: StoreLocation, line: str) -> tuple[Path, Command, int]:
    """Start `ikg build`, SIGKILL it when it prints ``line``: (its folder, it, exit status)."""
    before = _folders(loc)
    cmd = Command("build", "--store", str(loc.root), "--scale", SCALE)
    cmd.wait_for(line)
    (name,) = _folders(loc) - before  # made, and leased, before the first line
    folder = loc.builds / name
    leased = loc.in_use(folder)
    status = cmd.kill()
    if status == -9 and line != "quads on disk":  # it was running when asked: mid-step
        assert leased, f"the build in progress did not lease {name}"
    assert not loc.in_use(folder)  # the operating system let the lease go
    return folder, cmd, status


def test_killed_builds_leave_the_build_in_use_and_a_leased_one(tmp_path):
    loc = StoreLocation(tmp_path / "store")
    first = _build(loc.root)
    quads = _quads(first)
    with loc.lease(first):  # as `ikg serve` holds the build it serves
        left: list[Path] = []  # half-written folders of killed builds
        for step, line in STEPS:
            folder, cmd, _ = _killed_build(loc, line)
            # the build that started removed the folder the one before it left
            assert not any(p.exists() for p in left), step
            if loc.current() == first:
                assert folder.is_dir(), step  # left behind: removed by the next build
                left.append(folder)
            else:  # killed after its switch (possible for the last step only)
                assert step == "just before the switch", "".join(cmd.output)
                assert loc.current() == folder and loc.previous() == first
            assert first.is_dir() and _quads(loc.current()) == quads, step
        assert len(left) >= len(STEPS) - 1
        before_switch = loc.current()
        second = _build(loc.root)
        assert not any(p.exists() for p in left)
        assert loc.previous() == before_switch and _quads(second) == quads
        assert _folders(loc) == {first.name, before_switch.name, second.name}
        third = _build(loc.root)
        # neither in use nor the one before, but leased: kept
        assert _folders(loc) == {first.name, second.name, third.name}
        assert _quads(first) == quads
    assert loc.clean() == [first.name]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, accept: str = "*/*") -> tuple[int, bytes]:
    req = urllib.request.Request(url, headers={"Accept": accept})
    with urllib.request.urlopen(req, timeout=LIMIT) as resp:
        return resp.status, resp.read()


def _wait_until_answering(base: str, server: Command) -> None:
    deadline = time.monotonic() + LIMIT
    while True:
        try:
            urllib.request.urlopen(base + "/sparql-editor", timeout=LIMIT).read()  # no query: answers at once
            return
        except OSError:
            assert server.proc.poll() is None, "".join(server.output)
            assert time.monotonic() < deadline, f"ikg serve did not answer in {LIMIT:g} s"
            time.sleep(0.2)  # polling interval, not a wait for the event


def test_the_audit_scenario_a_server_keeps_its_build_through_killed_and_full_builds(tmp_path):
    """Two builds killed, then whole builds: the folder served stays and every route answers."""
    loc = StoreLocation(tmp_path / "store")
    served = _build(loc.root)
    port = _free_port()
    server = Command("serve", "--store", str(loc.root), "--port", str(port),
                     env={"IKG_QUERY_WORKERS": "1"})
    base = f"http://127.0.0.1:{port}"
    try:
        server.wait_for("serving")  # printed once the query workers have started
        _wait_until_answering(base, server)
        assert loc.in_use(served)
        for line in ("loading into Oxigraph", "validating"):
            _killed_build(loc, line)
        _build(loc.root)
        assert served.is_dir()  # the audit: it was removed here, and every data route was a 500
        _build(loc.root)  # now neither the build in use nor the one before it
        assert served.is_dir() and loc.current() != served and loc.previous() != served
        assert _get(f"{base}/sparql?query=ASK%7B%7D")[0] == 200
        q = "SELECT ?p WHERE { ?p a <https://ikg.example.org/ontology#Project> } LIMIT 1"
        status, body = _get(f"{base}/sparql?query={urllib.parse.quote(q)}",
                            "application/sparql-results+json")
        iri = json.loads(body)["results"]["bindings"][0]["p"]["value"]
        status, page = _get(f"{base}/doc/{iri.split('/id/', 1)[1]}", "text/html")
        assert status == 200 and iri.encode() in page
    finally:
        server.proc.terminate()
        server.proc.wait(timeout=LIMIT)
    assert not loc.in_use(served)
    assert loc.clean() == [served.name]


def _dump_files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if not p.name.startswith(".")}


def _work_folders(build: Path) -> list[Path]:
    return sorted(p for p in build.iterdir() if p.name.startswith(".dumps."))


def test_a_killed_export_leaves_the_dumps_and_the_next_export_removes_its_leftovers(tmp_path):
    loc = StoreLocation(tmp_path / "store")
    build = _build(loc.root)
    dumps = build / "dumps"
    Command("export", "--store", str(loc.root)).finish()
    before = _dump_files(dumps)
    export = Command("export", "--store", str(loc.root))
    export.wait_for("writing ikg.ttl")
    assert loc.in_use(build)  # the export leases the build it reads
    (work,) = _work_folders(build)
    assert export.kill() == -9
    assert _dump_files(dumps) == before  # the dumps served are the previous ones, whole
    assert work.is_dir() and not loc.in_use(work)
    running = build / ".dumps.export-running"  # as an export still running holds its own
    running.mkdir()
    previous = dumps.stat().st_ino
    with loc.lease(running):
        Command("export", "--store", str(loc.root)).finish()
        assert _work_folders(build) == [running]
    assert dumps.stat().st_ino != previous  # a new dump folder, renamed into place
    assert set(_dump_files(dumps)) == set(before) and read_manifest(dumps)["conforms"]


def test_a_dump_moved_aside_by_a_killed_export_comes_back_when_the_next_one_fails(
    tmp_path, monkeypatch
):
    """An export killed between its two renames leaves no dumps/ but the previous dump in its
    working folder: the next export puts it back, even when that export fails itself."""
    loc = StoreLocation(tmp_path / "store")
    build = _build(loc.root)
    dumps = build / "dumps"
    Command("export", "--store", str(loc.root)).finish()
    before = _dump_files(dumps)
    work = build / ".dumps.export-killed"
    work.mkdir()
    shutil.move(dumps, work / "old")
    kg = OxigraphGraph(build / "oxigraph", read_only=True)

    def broken(output, fmt="ntriples"):
        raise StoreError("disk full")

    monkeypatch.setattr(kg, "write_triples", broken)
    with pytest.raises(StoreError, match="disk full"):
        export_dumps(kg, dumps, "v")
    kg.close()
    assert _dump_files(dumps) == before and _work_folders(build) == []
