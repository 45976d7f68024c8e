"""Progress that tells the truth: the rate over the last seconds and the ETA from it (synthetic
times), the bar on a real pseudo-terminal with messages above it, and the log lines without one."""

from __future__ import annotations

import fcntl
import io
import json
import os
import pty
import re
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from conftest import REPO, SEEDS
from sqlalchemy.engine import make_url

from etl.load import SCHEMA_HEAD
from etl.progress import (
    Bar,
    Figures,
    Lines,
    RateWindow,
    bar_figures,
    estimate_eta,
    format_duration,
    log_line,
)

WIDTH = 100
SUMMARY = [
    "  files seen                 4",
    "  articles inserted          4",
    "  articles updated           0",
    "  articles unchanged         0",
    "  articles deleted           0",
    "  files failed               0",
    "  files skipped              0",
    "  files warned               0",
]
LINE = re.compile(r"Progress: (\d+) files, \d+\.\d files/s, elapsed \d+:\d\d:\d\d")


def test_a_young_run_s_rate_is_its_count_over_its_age() -> None:
    window = RateWindow(start=100.0, window=10.0, resolution=1.0)
    assert window.rate(100.0) is None  # no time has passed
    window.advance(101.0, 5)
    window.advance(102.0, 5)
    assert window.rate(102.0) == 5.0
    assert window.figures(102.0, total=30) == Figures(count=10, total=30, rate=5.0, eta=4.0, elapsed=2.0)


def test_the_rate_forgets_a_slow_start_and_the_eta_follows_the_pace_now() -> None:
    window = RateWindow(start=0.0, window=10.0, resolution=1.0)
    for second in range(1, 11):  # 1 file/s for 10 s
        window.advance(float(second), 1)
    for second in range(11, 21):  # then 10 files/s
        window.advance(float(second), 10)
    assert window.rate(20.0) == 10.0  # (110 - 10) / (20 - 10); since the start it would be 5.5
    assert window.figures(20.0, total=210).eta == 10.0
    assert window.figures(20.0, total=110).eta == 0.0
    assert window.figures(20.0).eta is None  # not counted: no ETA


def test_a_stalled_run_falls_to_zero_files_per_second() -> None:
    window = RateWindow(start=0.0, window=10.0, resolution=1.0)
    for second in range(1, 21):
        window.advance(float(second), 10)
    assert window.rate(25.0) == 5.0  # 50 files from 15 to 20, over the 10 s to 25
    assert window.rate(35.0) == 0.0  # nothing since 20
    assert window.figures(35.0, total=1000).eta is None


def test_files_closer_than_the_resolution_count_but_keep_memory_flat() -> None:
    window = RateWindow(start=0.0, window=10.0, resolution=1.0)
    window.advance(0.5, 3)  # counted, no sample: the rate still runs from the start
    assert (window.count, window.rate(0.5)) == (3, 6.0)
    for step in range(1, 10_001):
        window.advance(step / 100, 1)  # 100 files/s for 100 s
    assert window.count == 10_003
    assert window.rate(100.0) == 100.0
    assert len(window._samples) == 11  # one a second over the last 10 s, and the one before them


def test_the_eta_needs_a_total_and_a_pace() -> None:
    assert estimate_eta(5, None, 2.0) is None
    assert estimate_eta(5, 10, 0.0) is None
    assert estimate_eta(5, 10, None) is None
    assert estimate_eta(5, 10, 2.0) == 2.5
    assert estimate_eta(12, 10, 2.0) == 0.0


def test_durations_cut_down_and_time_left_rounded_up() -> None:
    assert format_duration(0) == "0:00:00"
    assert format_duration(59.9) == "0:00:59"
    assert format_duration(59.1, up=True) == "0:01:00"
    assert format_duration(3661) == "1:01:01"
    assert format_duration(360_000) == "100:00:00"


def test_the_figures_beside_the_bar_and_in_the_log() -> None:
    counted = Figures(count=1234, total=2937, rate=85.26, eta=19.97, elapsed=14.5)
    assert bar_figures(counted) == " 42%  1,234/2,937 files  85.3 files/s  ETA 0:00:20"
    assert log_line(counted) == (
        "Progress: 1,234/2,937 files (42%), 85.3 files/s, ETA 0:00:20, elapsed 0:00:14"
    )
    uncounted = Figures(count=1234, total=None, rate=1234.56, eta=None, elapsed=3725.0)
    assert bar_figures(uncounted) == "1,234 files  1,234.6 files/s"
    assert log_line(uncounted) == "Progress: 1,234 files, 1,234.6 files/s, elapsed 1:02:05"
    starting = Figures(count=0, total=0, rate=None, eta=0.0, elapsed=0.0)
    assert log_line(starting) == "Progress: 0/0 files (100%), - files/s, ETA 0:00:00, elapsed 0:00:00"
    stalled = Figures(count=7, total=10, rate=0.0, eta=None, elapsed=61.0)
    assert bar_figures(stalled) == " 70%  7/10 files  0.0 files/s  ETA -:--:--"


def test_lines_come_every_interval_and_once_more_at_the_end() -> None:
    now = [100.0]
    written: list[str] = []
    lines = Lines(written.append, every=0.001, clock=lambda: now[0])
    now[0] = 105.0
    lines.advanced(50)
    later = "Progress: 50 files, 10.0 files/s, elapsed 0:00:05"
    deadline = time.monotonic() + 30
    while later not in written and time.monotonic() < deadline:
        time.sleep(0.001)
    lines.close()
    # a tick may have come before the clock moved: the thread keeps its own time
    assert set(written) <= {"Progress: 0 files, - files/s, elapsed 0:00:00", later}
    assert written[-2:] == [later, later]  # a tick's, then the one at the end
    count = len(written)
    time.sleep(0.01)
    assert len(written) == count  # closed: the thread is gone


def test_no_line_before_the_first_interval() -> None:
    written: list[str] = []
    lines = Lines(written.append, every=3600)
    lines.advanced(3)
    lines.close()
    assert written == []  # a run shorter than the interval says nothing (its summary follows)


def test_the_bar_prints_text_as_it_is_without_markup_emoji_or_wrapping() -> None:
    stream = io.StringIO()  # not a terminal: rich draws the bar once, when it stops
    bar = Bar(stream)
    bar.set_total(3)
    text = "Loading [red]x[/red] :smile: \\x1b]0;t\\x07 " + "长" * 80  # as `printable` left it
    bar.print(text, stream)
    bar.advanced(1)
    bar.close()
    first, second = stream.getvalue().splitlines()
    assert first == text
    assert re.fullmatch(r"Loading ━+╸? +33%  1/3 files  [\d,]+\.\d files/s  ETA 0:00:\d\d", second), second


def _screen(raw: str, width: int) -> list[str]:
    """What a terminal `width` columns wide shows after `raw`, for the escapes rich sends; any other
    escape fails the test."""
    rows: list[list[str]] = [[]]
    row = col = 0
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == "\x1b":
            found = re.compile(r"\x1b\[(\??)(\d*(?:;\d+)*)([A-Za-z])").match(raw, i)
            assert found, f"unknown escape {raw[i : i + 10]!r}"
            private, number, command = found.groups()
            if private:
                assert (number, command) in (("25", "l"), ("25", "h")), found[0]  # cursor hide/show
            elif command == "A":
                row = max(0, row - int(number or 1))
            elif command == "K":
                assert number == "2", found[0]
                rows[row] = []
            else:
                assert command == "m", found[0]  # colours
            i = found.end()
            continue
        if ch == "\r":
            col = 0
        elif ch == "\n":
            row += 1
        else:
            if col == width:  # the terminal wraps
                row, col = row + 1, 0
            while len(rows) <= row:
                rows.append([])
            line = rows[row]
            line.extend(" " * (col + 1 - len(line)))
            line[col] = ch
            col += 1
        while len(rows) <= row:
            rows.append([])
        i += 1
    return ["".join(r).rstrip() for r in rows]


def _environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ETL_", "COLUMNS", "LINES", "TTY_"))}
    env.pop("FORCE_COLOR", None)
    env.update(extra)
    return env


def _on_a_terminal(
    args: list[str], cwd: Path, *, piped_stdout: bool = False, **extra: str
) -> tuple[int, str, str]:
    """Run `etl` with a pseudo-terminal WIDTH columns wide as its stdin, stderr and (unless
    `piped_stdout`) stdout; (exit code, what the terminal got, what the pipe got)."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 30, WIDTH, 0, 0))
    process = subprocess.Popen(
        [sys.executable, "-m", "etl", *args],
        stdin=slave,
        stdout=subprocess.PIPE if piped_stdout else slave,
        stderr=slave,
        cwd=cwd,
        env=_environment(PYTHONPATH=str(REPO), **extra),
        close_fds=True,
    )
    os.close(slave)
    chunks = []
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 1)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: every end of the terminal closed
                break
            if not data:
                break
            chunks.append(data)
        elif process.poll() is not None:
            break
    os.close(master)
    piped = process.stdout.read().decode("utf-8") if process.stdout else ""
    return process.wait(timeout=60), b"".join(chunks).decode("utf-8"), piped


def test_the_bar_counts_files_and_messages_print_above_it(db_url: str, tmp_path: Path) -> None:
    (tmp_path / "seeds").symlink_to(SEEDS)
    code, raw, _ = _on_a_terminal(
        ["run", "seeds", "--db", db_url, "--workers", "1"], tmp_path, TERM="xterm-256color"
    )
    assert code == 0, raw
    screen = _screen(raw, WIDTH)
    while screen and not screen[-1]:
        screen.pop()
    database = make_url(db_url).render_as_string(hide_password=True)
    assert screen[:3] == [
        f"Database: {database}",
        "Loading seeds",
        f"Migrations applied: (empty database) -> {SCHEMA_HEAD}",
    ]
    bar = re.fullmatch(r"Loading (━+) 100%  4/4 files  (\d+\.\d) files/s  ETA 0:00:00", screen[3])
    assert bar, screen[3]
    assert len(screen[3]) == WIDTH - 2  # the bar takes what the figures leave, but room for a ^C
    assert re.fullmatch(r"Run 1 succeeded in \d+\.\d\ds", screen[4]), screen[4]
    assert screen[5:] == SUMMARY
    assert "4/4 files" in raw and "files/s" in raw


def test_with_json_the_bar_is_on_stderr_and_stdout_is_the_summary_alone(tmp_path: Path) -> None:
    (tmp_path / "seeds").symlink_to(SEEDS)
    args = ["run", "seeds", "--db", "sqlite:///etl.db", "--workers", "1", "--json"]
    code, raw, stdout = _on_a_terminal(args, tmp_path, piped_stdout=True, TERM="xterm-256color")
    assert code == 0, raw
    assert json.loads(stdout)["files_seen"] == 4 and stdout.count("\n") == 1
    screen = [line for line in _screen(raw, WIDTH) if line]
    assert screen[:3] == [
        "Database: sqlite:///etl.db",
        "Loading seeds",
        f"Migrations applied: (empty database) -> {SCHEMA_HEAD}",
    ]
    assert re.fullmatch(r"Loading ━+ 100%  4/4 files  \d+\.\d files/s  ETA 0:00:00", screen[3]), screen[3]
    assert len(screen) == 4


def test_a_dumb_terminal_gets_lines_not_a_bar(tmp_path: Path) -> None:
    (tmp_path / "seeds").symlink_to(SEEDS)
    args = ["run", "seeds", "--db", "sqlite:///etl.db", "--workers", "1"]
    code, raw, _ = _on_a_terminal(args, tmp_path, TERM="dumb", ETL_PROGRESS_EVERY="0.01")
    assert code == 0, raw
    assert "━" not in raw and "\x1b" not in raw
    lines = [line for line in raw.replace("\r\n", "\n").splitlines() if line.startswith("Progress:")]
    assert lines and all(LINE.fullmatch(line) for line in lines), lines
    assert LINE.fullmatch(lines[-1])[1] == "4"  # type: ignore[index]


def _piped(args: list[str], cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "etl", *args],
        cwd=cwd,
        env=_environment(PYTHONPATH=str(REPO), **extra),
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_without_a_terminal_a_line_on_stderr_every_interval(db_url: str, tmp_path: Path) -> None:
    result = _piped(
        ["run", str(SEEDS), "--db", db_url, "--workers", "1"], tmp_path, ETL_PROGRESS_EVERY="0.01"
    )
    assert result.returncode == 0, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) >= 2 and all(LINE.fullmatch(line) for line in lines), lines
    assert re.fullmatch(r"Progress: 0 files, 0\.0 files/s, elapsed 0:00:\d\d", lines[0])  # migrating
    counts = [int(LINE.fullmatch(line)[1]) for line in lines]  # type: ignore[index]
    assert counts == sorted(counts) and counts[-1] == 4  # the last one, written at the end
    assert "Progress" not in result.stdout
    assert re.fullmatch(r"Run 1 succeeded in \d+\.\d\ds", result.stdout.splitlines()[3])


def test_progress_lines_stay_off_stdout_with_json_and_can_be_turned_off(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'etl.db'}"
    as_json = _piped(["run", str(SEEDS), "--db", url, "--json"], tmp_path, ETL_PROGRESS_EVERY="0.01")
    assert as_json.returncode == 0, as_json.stderr
    assert json.loads(as_json.stdout)["files_seen"] == 4  # stdout is the JSON object alone
    assert LINE.fullmatch(as_json.stderr.splitlines()[-1])[1] == "4"  # type: ignore[index]
    off = _piped(
        ["run", str(SEEDS), "--db", url, "--progress-every", "0"], tmp_path, ETL_PROGRESS_EVERY="0.01"
    )
    assert off.returncode == 0, off.stderr
    assert off.stderr == ""  # the flag beats the environment; 0 turns the lines off
    default = _piped(["run", str(SEEDS), "--db", url], tmp_path)
    assert default.returncode == 0 and default.stderr == ""  # 10 s: a short run prints none
    bad = _piped(["run", str(SEEDS), "--db", url], tmp_path, ETL_PROGRESS_EVERY="soon")
    assert bad.returncode == 2
    assert "Invalid value for '--progress-every': 'soon' is not a valid float" in bad.stderr


def test_rich_loads_only_when_a_bar_shows(tmp_path: Path) -> None:
    probe = "import sys, etl.cli; print('rich' in sys.modules, 'etl.progress' in sys.modules)"
    imported = subprocess.run(
        [sys.executable, "-c", probe], cwd=REPO, capture_output=True, text=True, check=True
    )
    assert imported.stdout == "False False\n"
    command = ["-X", "importtime", "-m", "etl", "run", str(SEEDS), "--db", f"sqlite:///{tmp_path / 'etl.db'}"]
    piped = subprocess.run(
        [sys.executable, *command], cwd=tmp_path, env=_environment(), capture_output=True, text=True
    )
    assert piped.returncode == 0, piped.stderr
    modules = {line.rsplit("|", 1)[-1].strip() for line in piped.stderr.splitlines() if "|" in line}
    assert "etl.progress" in modules and "etl.pipeline" in modules
    assert not {m for m in modules if m.split(".")[0] == "rich"}
