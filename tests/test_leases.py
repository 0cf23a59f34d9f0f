"""Leases on folders, and what a store location keeps: facts (pointers, leases), never times."""

from __future__ import annotations

import subprocess
import sys

import pytest

from graph.errors import StoreError
from graph.leases import exclusive, in_use, lease, remove_folder
from graph.store import StoreLocation


def test_a_lease_is_seen_until_released(tmp_path):
    with lease(tmp_path) as held:
        assert held.held and in_use(tmp_path)
        with exclusive(tmp_path) as free:
            assert not free
    assert not held.held and not in_use(tmp_path)
    with exclusive(tmp_path) as free:
        assert free


def test_a_folder_never_leased_is_not_in_use(tmp_path):
    assert not in_use(tmp_path) and not in_use(tmp_path / "missing")


def test_a_removed_folder_cannot_be_leased(tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    with exclusive(folder) as free:
        assert free
        remove_folder(folder)
    assert list(tmp_path.iterdir()) == []  # renamed away, then removed
    with pytest.raises(StoreError, match="cannot lease"):
        lease(folder)


def test_the_lease_of_a_killed_process_is_gone(tmp_path):
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys; from graph.leases import lease; "
         f"held = lease({str(tmp_path)!r}); print('leased', flush=True); sys.stdin.read()"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "leased"
        assert in_use(tmp_path)
    finally:
        holder.kill()
        holder.wait(timeout=60)
    assert not in_use(tmp_path)


def _location(tmp_path, *names: str) -> StoreLocation:
    loc = StoreLocation(tmp_path / "store")
    for name in names:
        (loc.builds / name).mkdir(parents=True)
    return loc


def test_clean_keeps_the_build_in_use_the_one_before_and_leased_ones(tmp_path):
    loc = _location(tmp_path, "a", "b", "c", "d", "e")
    loc.pointer.write_text("d\n")
    loc.previous_pointer.write_text("b\n")
    with loc.lease(loc.builds / "a"):
        assert loc.clean() == ["c", "e"]
        assert sorted(p.name for p in loc.builds.iterdir()) == ["a", "b", "d"]
    assert loc.clean() == ["a"]
    assert loc.current() == loc.builds / "d" and loc.previous() == loc.builds / "b"


def test_switch_records_the_build_it_replaces_and_drops_the_rest(tmp_path):
    loc = _location(tmp_path, "old", "served", "cur", "half-written", "new")
    loc.pointer.write_text("cur\n")
    loc.previous_pointer.write_text("old\n")
    with loc.lease(loc.builds / "served"):
        loc.switch(loc.builds / "new")
        assert loc.current().name == "new" and loc.previous().name == "cur"
        assert sorted(p.name for p in loc.builds.iterdir()) == ["cur", "new", "served"]
    assert sorted(p.name for p in loc.root.iterdir()) == ["CURRENT", "PREVIOUS", "builds"]


def test_a_new_build_is_leased_and_removes_leftovers(tmp_path):
    loc = _location(tmp_path, "cur", "killed")
    loc.pointer.write_text("cur\n")
    with loc.new_build() as held:
        assert loc.in_use(held.folder)
        assert sorted(p.name for p in loc.builds.iterdir()) == sorted(["cur", held.folder.name])
        loc.discard(held.folder)  # leased, even by this process: kept
        assert held.folder.is_dir()
    loc.discard(held.folder)
    assert not held.folder.exists()
