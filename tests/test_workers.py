"""Workers that die or hang never hang a run, and the Python API runs from any script.

The run is a real `etl` process; its workers are found in /proc (children of its fork server) and
killed or stopped from here, as the OOM killer or a stuck C call would.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SEEDS, Database, fresh_database

SMALL = 8
# one file that keeps a worker busy for seconds (300,000 paragraphs), so the test knows which
# file the busiest worker holds
SLOW_BODY = "<p>段落。</p>\n" * 300_000


def _inputs(folder: Path) -> Path:
    """The slow file first: the worker that takes the task starts with it."""
    folder.mkdir()
    seeds = sorted(SEEDS.iterdir())
    for index in range(SMALL):
        shutil.copyfile(seeds[index % 4], folder / f"{index:02d}.txt")
    (folder / "0-slow.md").write_text(SLOW_BODY, encoding="utf-8")
    return folder


def _start(db: Database, folder: Path, *args: str) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "etl", "run", str(folder), "--db", db.url, "--workers", "2", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        start_new_session=True,
    )
    assert process.stdout is not None
    while not process.stdout.readline().startswith(("Migrations applied", "Schema up to date")):
        assert process.poll() is None
    return process


def _workers(pid: int) -> dict[int, int]:
    """The processes two levels below `pid` (the run's fork server's children), with their CPU
    time so far (clock ticks)."""
    parents: dict[int, int] = {}
    cpu: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        cpu[int(entry.name)] = int(fields[11]) + int(fields[12])
    children = {child for child, parent in parents.items() if parent == pid}
    return {child: cpu[child] for child, parent in parents.items() if parent in children}


def _busy_worker(run: subprocess.Popen[str]) -> int:
    """The worker on 0-slow.md: the one worker burning CPU (the files after it wait in its task)."""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        before = _workers(run.pid)
        time.sleep(0.3)
        after = _workers(run.pid)
        busy = [pid for pid in after if pid in before and after[pid] > before[pid]]
        if len(busy) == 1 and after[busy[0]] > 20:  # 0.2 s of CPU: well into the slow file
            return busy[0]
    raise AssertionError(f"no worker busy on the slow file: {after}")


def _ledger(db: Database) -> tuple[str, int, int, int, int]:
    (status, seen, inserted, failed, skipped) = db.rows(
        "SELECT status, files_seen, articles_inserted, files_failed, files_skipped FROM etl_runs"
    )[0]
    assert seen == inserted + failed + skipped
    return status, seen, inserted, failed, skipped


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_a_worker_killed_by_the_kernel_fails_its_file_and_the_run_goes_on(
    request: pytest.FixtureRequest, tmp_path: Path, backend: str
) -> None:
    folder = _inputs(tmp_path / "in")
    with fresh_database(request, backend, tmp_path) as url:
        db = Database(url)
        run = _start(db, folder)
        os.kill(_busy_worker(run), signal.SIGKILL)
        out, err = run.communicate(timeout=120)
        assert run.returncode == 1, out + err
        assert "Traceback" not in err
        assert db.rows("SELECT source_path, stage, error FROM load_errors") == [
            (
                "0-slow.md",
                "transform",
                "the worker processing this file died: killed by signal 9 (SIGKILL)"
                " (the system may have run out of memory)",
            )
        ]
        assert _ledger(db) == ("partial", SMALL + 1, SMALL, 1, 0)
        db.engine.dispose()


def test_ctrl_c_works_while_a_worker_hangs(db: Database, tmp_path: Path) -> None:
    folder = _inputs(tmp_path / "in")
    run = _start(db, folder)
    os.kill(_busy_worker(run), signal.SIGSTOP)  # as a worker stuck in a call that never returns
    started = time.monotonic()
    os.killpg(run.pid, signal.SIGINT)
    out, err = run.communicate(timeout=60)
    assert run.returncode == 130, out + err
    assert time.monotonic() - started < 15
    assert "Interrupted after the last batch" in err
    status, seen, inserted, failed, _ = _ledger(db)
    # the hung worker held the slow file and the small ones queued behind it: none of them is lost,
    # none is counted, and a re-run loads them all
    assert (status, seen, inserted, failed) == ("interrupted", 0, 0, 0)
    assert db.load(folder).exit_code == 0
    assert db.scalar("SELECT count(*) FROM articles") == SMALL + 1


SCRIPT = """\
import sys
import etl

summary = etl.run([sys.argv[1] if len(sys.argv) > 1 else {seeds!r}], {url!r}, workers=2)
print("status", summary.status, summary.articles_inserted + summary.articles_unchanged)
"""


@pytest.mark.parametrize("how", ["script", "stdin", "command"])
def test_the_python_api_runs_from_a_script_without_a_main_guard(
    db: Database, tmp_path: Path, how: str
) -> None:
    code = SCRIPT.format(seeds=str(SEEDS), url=db.url)
    script = tmp_path / "load.py"
    script.write_text(code, encoding="utf-8")
    command = {
        "script": [sys.executable, str(script)],
        "stdin": [sys.executable, "-"],
        "command": [sys.executable, "-c", code],
    }[how]
    done = subprocess.run(
        command,
        input=code if how == "stdin" else None,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "status succeeded 4\n"
    assert "Traceback" not in done.stderr
    assert db.scalar("SELECT count(*) FROM etl_runs") == 1
