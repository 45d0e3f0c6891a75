"""The on-disk result cache: computed once per key, across processes; keyed on the data
and on the package's own files; a damaged entry or an unwritable folder costs only a
recomputation; turned off by the environment."""

from __future__ import annotations

import multiprocessing
import os
import time
from pathlib import Path

import pytest

from paxsilica.io import result_cache
from paxsilica.io.result_cache import cache_folder, cached


@pytest.fixture()
def folder(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("PAXSILICA_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_second_call_reads_the_first_result(folder):
    calls = []
    assert cached("answer", "data-1", lambda: calls.append(1) or {"x": [1, 2]}) == {"x": [1, 2]}
    assert cached("answer", "data-1", lambda: calls.append(1) or "recomputed") == {"x": [1, 2]}
    assert calls == [1]
    assert cached("answer", "data-2", lambda: "other data") == "other data"   # another data key
    assert cached("other", "data-1", lambda: "other kind") == "other kind"
    entries = list(folder.glob("*.pickle"))
    assert len(entries) == 3 and all(e.stat().st_mode & 0o077 == 0 for e in entries)
    assert folder.stat().st_mode & 0o077 == 0


def test_another_copy_of_the_package_does_not_read_the_entry(folder, monkeypatch):
    cached("answer", "data", lambda: "old code")
    monkeypatch.setattr(result_cache, "code_digest", lambda: "an edited package")
    assert cached("answer", "data", lambda: "new code") == "new code"


def test_code_digest_follows_the_package_files():
    digest = result_cache.code_digest()
    assert len(digest) == 64 and digest == result_cache.code_digest()


@pytest.mark.parametrize("damage", [b"", b"not a pickle", b"\x80\x05\x95garbage"])
def test_a_damaged_entry_is_recomputed_and_replaced(folder, damage):
    cached("answer", "data", lambda: 1)
    (entry,) = folder.glob("*.pickle")
    entry.write_bytes(damage)
    assert cached("answer", "data", lambda: 2) == 2
    assert cached("answer", "data", lambda: 3) == 2


def test_an_unwritable_folder_means_no_cache(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("PAXSILICA_CACHE_DIR", str(blocker / "cache"))   # a folder under a file
    assert cached("answer", "data", lambda: 5) == 5
    assert cached("answer", "data", lambda: 6) == 6


def test_an_unpicklable_result_is_returned_not_cached(folder):
    assert cached("answer", "data", lambda: (lambda: 1))() == 1
    assert not list(folder.glob("*.pickle"))


@pytest.mark.parametrize("value", ["off", "OFF", "0", "none"])
def test_turned_off(monkeypatch, value):
    monkeypatch.setenv("PAXSILICA_CACHE_DIR", value)
    assert cache_folder() is None
    assert [cached("answer", "data", lambda n=n: n) for n in range(2)] == [0, 1]


def test_default_folder_is_the_users_cache(monkeypatch, tmp_path):
    monkeypatch.delenv("PAXSILICA_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache_folder() == tmp_path / "paxsilica"


def _slow_compute(log: str) -> int:
    with open(log, "a") as handle:
        handle.write(f"{os.getpid()}\n")
    time.sleep(0.5)
    return 42


def _ask(log: str, answers: str) -> None:
    value = cached("slow", "data", lambda: _slow_compute(log))
    with open(answers, "a") as handle:
        handle.write(f"{value}\n")


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_processes_asking_at_once_compute_once(folder, tmp_path):
    """Three processes started together (each compute takes 0.5 s): one computes, two wait."""
    log, answers = str(tmp_path / "computed.log"), str(tmp_path / "answers.log")
    context = multiprocessing.get_context("fork")
    processes = [context.Process(target=_ask, args=(log, answers)) for _ in range(3)]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
    assert [p.exitcode for p in processes] == [0, 0, 0]
    assert Path(answers).read_text().split() == ["42"] * 3
    assert len(Path(log).read_text().splitlines()) == 1
