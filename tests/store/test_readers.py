"""Reading never writes; read-only files are readable by every reading command; readers in
other processes and threads keep working while an import runs; imports are all or nothing."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from paxsilica.cli.app import app
from paxsilica.errors import StoreBusyError, StoreError
from paxsilica.model.network import StackNetwork
from paxsilica.store import Store, import_file, open_store

runner = CliRunner()
SUPPLY = "item_id,stage,country,year,quantity,unit,share,source,confidence\n"


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "t.duckdb"
    open_store(path).close()
    return path


@pytest.fixture()
def db(template, tmp_path) -> Path:
    path = tmp_path / "p.duckdb"
    shutil.copyfile(template, path)
    return path


def _digest(path: Path) -> tuple[str, int]:
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns


READING_COMMANDS = [
    ["exposure", "--item", "rare_earth_oxide", "--stage", "mine", "--year", "2024", "--format", "json"],
    ["exposure", "--summary", "--latest", "--format", "csv"],
    ["exposure", "--tiers", "all", "--item", "ndfeb_magnet", "--format", "csv"],
    ["chokepoints", "--item", "ndfeb_magnet", "--top", "3", "--format", "csv"],
    ["data", "status", "--format", "json"],
    ["data", "show", "stages", "--format", "json"],
    ["data", "validate"],
    ["trade", "status"],
]


@pytest.mark.parametrize("command", READING_COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_reading_commands_work_on_a_read_only_file_and_change_nothing(db, command):
    db.chmod(0o444)
    before = _digest(db)
    result = runner.invoke(app, ["--db", str(db), *command])
    assert result.exit_code == 0, result.output
    assert _digest(db) == before
    assert sorted(p.name for p in db.parent.iterdir()) == ["p.duckdb"]  # no WAL, no lock


def test_report_reads_a_read_only_file(db, tmp_path):
    db.chmod(0o444)
    before = _digest(db)
    # every table is read whatever the sections; the slow computed ones are left out
    result = runner.invoke(app, ["--db", str(db), "report", "-o", str(tmp_path / "r.html"),
                                 "--as-of", "2026-07-01", "--section", "overview", "--section", "coverage"])
    assert result.exit_code == 0, result.output
    assert _digest(db) == before


def test_writing_a_read_only_file_is_a_clean_error(db, tmp_path):
    db.chmod(0o444)
    good = tmp_path / "s.csv"
    good.write_text(SUPPLY + "gallium,refining,Japan,2099,1,kg Ga,,S,high\n", encoding="utf-8")
    result = runner.invoke(app, ["--db", str(db), "data", "import", "supplies", str(good)])
    assert result.exit_code == 2 and "read-only" in result.output
    with pytest.raises(StoreError, match="open read-only"), Store(db, read_only=True).transaction():
        pass


def test_report_with_bad_arguments_creates_no_database(tmp_path):
    db = tmp_path / "new.duckdb"
    result = runner.invoke(app, ["--db", str(db), "report", "-o", str(tmp_path), "--as-of", "2026-07-01"])
    assert result.exit_code == 2 and "directory" in result.output
    result = runner.invoke(app, ["--db", str(db), "report", "--as-of", "yesterday"])
    assert result.exit_code == 2 and "malformed date" in result.output
    assert not db.exists()


def test_several_files_are_one_transaction(db, tmp_path):
    files = []
    for name, country in (("ok1.csv", "Japan"), ("ok2.csv", "Korea"), ("bad.csv", "Atlantis")):
        path = tmp_path / name
        path.write_text(SUPPLY + f"gallium,refining,{country},2099,1,kg Ga,,S,high\n", encoding="utf-8")
        files.append(str(path))
    count = Store(db, read_only=True).count("supplies")
    result = runner.invoke(app, ["--db", str(db), "data", "import", "supplies", *files])
    assert result.exit_code == 2 and "bad.csv row 2" in result.output
    assert Store(db, read_only=True).count("supplies") == count
    result = runner.invoke(app, ["--db", str(db), "data", "import", "supplies", *files[:2]])
    assert result.exit_code == 0, result.output
    assert Store(db, read_only=True).count("supplies") == count + 2


WRITER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from paxsilica.store import Store, import_file
    db, data, started, release = sys.argv[1:5]
    store = Store(db)
    with store.transaction():
        import_file(store, "supplies", data)
        Path(started).touch()
        while not Path(release).exists():
            time.sleep(0.05)
    print("committed")
""")


def test_readers_in_another_process_work_while_an_import_runs(db, tmp_path):
    data = tmp_path / "s.csv"
    data.write_text(SUPPLY + "gallium,refining,Japan,2099,1,kg Ga,,S,high\n", encoding="utf-8")
    started, release = tmp_path / "started", tmp_path / "release"
    count = Store(db, read_only=True).count("supplies")
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(data), str(started),
                               str(release)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not started.exists():
            assert writer.poll() is None, writer.communicate()
            assert time.monotonic() < deadline
            time.sleep(0.05)
        # the import is in progress (in the other process): reading works and sees the old data
        reader = open_store(db, read_only=True)
        assert reader.count("supplies") == count
        result = runner.invoke(app, ["--db", str(db), "data", "status", "--format", "json"])
        assert result.exit_code == 0, result.output
        rows = {row["table"]: row["rows"] for row in json.loads(result.stdout)}
        assert rows["supplies"] == count
        with pytest.raises(StoreBusyError, match="another process"):  # a second writer
            import_file(Store(db), "supplies", data)
        release.touch()
        out, err = writer.communicate(timeout=120)
        assert writer.returncode == 0 and "committed" in out, err
        # the same reader sees the committed version on its next read
        assert reader.count("supplies") == count + 1
    finally:
        if writer.poll() is None:
            writer.kill()


def test_a_killed_import_leaves_the_file_as_it_was(db, tmp_path):
    data = tmp_path / "s.csv"
    data.write_text(SUPPLY + "gallium,refining,Japan,2099,1,kg Ga,,S,high\n", encoding="utf-8")
    started, release = tmp_path / "started", tmp_path / "never"
    before = _digest(db)[0]
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(data), str(started),
                               str(release)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while not started.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    os.kill(writer.pid, 9)
    writer.wait()
    assert _digest(db)[0] == before
    store = Store(db)  # the lock died with the process; the next write works
    import_file(store, "supplies", data)
    assert not [p for p in db.parent.iterdir() if p.name.endswith(".tmp")]


def test_threads_read_concurrently_from_one_store(db):
    store = Store(db, read_only=True)
    results, errors = [], []

    def read() -> None:
        try:
            for _ in range(3):
                net = StackNetwork.from_store(store)
                results.append(len(net.supplies))
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(set(results)) == 1 and len(results) == 12


def test_empty_and_missing_files(tmp_path):
    empty = tmp_path / "empty.duckdb"
    empty.touch()
    assert open_store(empty, read_only=True).count("supplies") > 300  # filled on first use
    with pytest.raises(StoreError, match="no such file"):
        Store(tmp_path / "missing.duckdb", read_only=True)
    assert not (tmp_path / "missing.duckdb").exists()


def test_a_folder_without_manifest_is_a_clean_error(db, tmp_path):
    folder = tmp_path / "not-an-export"
    folder.mkdir()
    result = runner.invoke(app, ["--db", str(db), "data", "import", str(folder)])
    assert result.exit_code == 2 and "no manifest" in result.output


def test_one_store_serves_readers_while_another_thread_writes(db, tmp_path):
    data = tmp_path / "s.csv"
    data.write_text(SUPPLY + "gallium,refining,Japan,2099,1,kg Ga,,S,high\n", encoding="utf-8")
    store = Store(db)
    count = store.count("supplies")
    inside, release = threading.Event(), threading.Event()
    errors = []

    def write() -> None:
        try:
            with store.transaction():
                import_file(store, "supplies", data)
                assert store.count("supplies") == count + 1  # the writer sees its own rows
                inside.set()
                release.wait(60)
        except Exception as exc:
            errors.append(exc)
            inside.set()

    writer = threading.Thread(target=write)
    writer.start()
    assert inside.wait(120)
    assert store.count("supplies") == count  # other threads read the committed version
    release.set()
    writer.join()
    assert errors == [] and store.count("supplies") == count + 1
