"""The one atomic writer: outputs are checked before any work, written whole or not at all."""

from __future__ import annotations

import os
import stat

import pandas as pd
import pytest

from paxsilica.errors import PaxsilicaError
from paxsilica.io.atomic import check_output, check_outputs, write_atomic, write_files_atomic


def test_text_bytes_and_callables_are_written_whole(tmp_path):
    assert write_atomic(tmp_path / "a.txt", "héllo\n").read_text(encoding="utf-8") == "héllo\n"
    assert write_atomic(tmp_path / "b.bin", b"\x00\x01").read_bytes() == b"\x00\x01"
    frame = pd.DataFrame({"x": [1, 2]})
    write_atomic(tmp_path / "c.parquet", lambda p: frame.to_parquet(p, index=False))
    assert pd.read_parquet(tmp_path / "c.parquet").equals(frame)
    assert write_atomic(tmp_path / "new" / "deep" / "d.txt", "x").read_text() == "x"  # folders made
    assert not [p for p in tmp_path.rglob(".*.tmp")]


def test_a_failing_writer_leaves_the_old_file_and_no_temporary(tmp_path):
    target = write_atomic(tmp_path / "out.json", "old")

    def broken(path):
        path.write_text("half")
        raise RuntimeError("disk gone")

    with pytest.raises(RuntimeError, match="disk gone"):
        write_atomic(target, broken)
    assert target.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_mode_follows_the_umask_unless_given(tmp_path):
    old = os.umask(0o027)
    try:
        path = write_atomic(tmp_path / "a.txt", "x")
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640  # 0666 less the umask, like open()
    assert stat.S_IMODE(write_atomic(tmp_path / "k", "x", mode=0o600).stat().st_mode) == 0o600


@pytest.mark.parametrize(("make", "expected"), [
    (lambda d: d, "output {p}: is a directory; give a file name"),
    (lambda d: (d / "file").write_text("x") and d / "file" / "out.json", "is a file, not a directory"),
    (lambda d: __import__("pathlib").Path("/proc/paxsilica-no/out.json"), "cannot write in /proc"),
])
def test_bad_targets_fail_before_any_work(tmp_path, make, expected):
    path = make(tmp_path)
    with pytest.raises(PaxsilicaError) as caught:
        check_output(path)
    assert expected.format(p=path) in str(caught.value) and "\n" not in str(caught.value)
    with pytest.raises(PaxsilicaError):
        write_atomic(path, "x")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes read-only files")
def test_read_only_target_is_refused(tmp_path):
    path = write_atomic(tmp_path / "a.txt", "x")
    path.chmod(0o444)
    with pytest.raises(PaxsilicaError, match="read-only"):
        check_output(path)


def test_check_outputs_names_the_parameter_and_refuses_the_same_file_twice(tmp_path):
    same = tmp_path / "c.json"
    with pytest.raises(PaxsilicaError, match=r"--html .*the same file as -o"):
        check_outputs({"-o": same, "--html": tmp_path / "." / "c.json"})
    with pytest.raises(PaxsilicaError, match=r"^-o .*: is a directory"):
        check_outputs({"-o": tmp_path, "--html": None})
    assert check_outputs({"-o": same, "--html": None}) == [same]
    assert not list(tmp_path.iterdir())  # checking writes nothing


def test_several_files_all_or_nothing(tmp_path):
    blocker = tmp_path / "blocker"
    blocker.write_text("x")
    with pytest.raises(PaxsilicaError, match=r"cannot write .*second"):
        write_files_atomic([(tmp_path / "first", b"1", None), (blocker / "second", b"2", None)])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocker"]
