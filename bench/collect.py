"""Benchmark: G/TIP's side on 190 posts' files, in one run.

    python bench/collect.py [N] [--runs R]

N country files (default 190) are made from the bundled one through the country table, with
varied answers (tests/posts.py). Timed, interleaved, in whole processes, with each one's peak
memory (the largest process's): the baseline `tipdraft validate --jobs 1 DIR` (the same files
checked in one process, nothing written), `validate DIR` (on every core), then `tipdraft collect
DIR -o X` for .csv, .xlsx, .sqlite and .html, and `tipdraft status DIR` in one process and on
every core.
Prints the median wall times, the ratios to the baseline and the peak memory; the targets
(issue 22): each collect <= 10 s and <= 300 MiB, status <= 3 s. Then the book: `collect DIR -o
book.pdf` against `render DIR --format pdf` of the same files (--book N of them, default 20; the
posts without errors), target <= 1.2x.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from posts import make_posts  # noqa: E402  (the tests' maker of many posts' files)

# Runs a tipdraft command and prints its peak memory (KiB) last, on stderr.
MEASURED = """
import resource, sys
from tip_drafter.__main__ import main
sys.argv = ["tipdraft", *sys.argv[1:]]
try:
    main()
except SystemExit:
    pass
peak = max(resource.getrusage(who).ru_maxrss for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN))
print("maxrss", peak, file=sys.stderr)
"""


def measured(args: list[str]) -> tuple[float, float]:
    """Wall time (s) and peak memory (MiB) of one tipdraft command in a process of its own."""
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", MEASURED, *args], capture_output=True, text=True, cwd=ROOT, timeout=600, check=False
    )
    seconds = time.perf_counter() - start
    rss = next(int(line.split()[1]) for line in done.stderr.splitlines() if line.startswith("maxrss"))
    return seconds, rss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=190)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--book", type=int, default=20, help="posts in the book's run (0: none)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "posts"
        make_posts(folder, args.n)
        out = Path(tmp) / "out"
        out.mkdir()
        ways = {
            "validate (baseline)": ["-q", "validate", "--jobs", "1", str(folder)],
            "validate": ["-q", "validate", str(folder)],
            "collect .csv": ["collect", str(folder), "-o", str(out / "all.csv")],
            "collect .xlsx": ["collect", str(folder), "-o", str(out / "all.xlsx")],
            "collect .sqlite": ["collect", str(folder), "-o", str(out / "all.sqlite")],
            "collect .html": ["collect", str(folder), "-o", str(out / "all.html")],
            "status --jobs 1": ["status", "--jobs", "1", str(folder)],
            "status": ["status", str(folder)],
        }
        times: dict[str, list[float]] = {way: [] for way in ways}
        memory: dict[str, list[float]] = {way: [] for way in ways}
        for _ in range(args.runs):  # interleaved
            for way, command in ways.items():
                seconds, mib = measured(command)
                times[way].append(seconds)
                memory[way].append(mib)
    if args.book:
        book(args.book, args.runs)
    base = statistics.median(times["validate (baseline)"])
    print(f"{args.n} posts' files, {args.runs} interleaved runs, median wall time and peak memory")
    for way in ways:
        seconds, mib = statistics.median(times[way]), max(memory[way])
        print(f"  {way:20} {seconds:6.2f}s  {seconds / base:5.2f}x the baseline  {mib:6.1f} MiB")
    return 0


def book(n: int, runs: int) -> None:
    """The book against render DIR to PDF, of the same n posts' files (those without errors)."""
    with tempfile.TemporaryDirectory() as tmp:
        chosen = Path(tmp) / "book"
        chosen.mkdir()
        for path in make_posts(Path(tmp) / "posts", 3 * n):
            done = subprocess.run(
                [sys.executable, "-m", "tip_drafter", "-q", "validate", str(path)], capture_output=True, timeout=120, check=False
            )
            if done.returncode == 0 and len(list(chosen.iterdir())) < n:
                (chosen / path.name).write_bytes(path.read_bytes())
        count = len(list(chosen.iterdir()))
        ways = {
            "render DIR --format pdf": ["-q", "render", str(chosen), "--format", "pdf", "-o", str(Path(tmp) / "out")],
            "collect DIR -o book.pdf": ["-q", "collect", str(chosen), "-o", str(Path(tmp) / "book.pdf")],
        }
        times: dict[str, list[float]] = {way: [] for way in ways}
        peak: dict[str, float] = dict.fromkeys(ways, 0.0)
        for _ in range(runs):
            for way, command in ways.items():
                seconds, mib = measured(command)
                times[way].append(seconds)
                peak[way] = max(peak[way], mib)
    base = statistics.median(times["render DIR --format pdf"])
    print(f"the book of {count} posts' cables, {runs} interleaved runs")
    for way in ways:
        seconds = statistics.median(times[way])
        print(f"  {way:24} {seconds:6.2f}s  {seconds / base:5.2f}x render DIR  {peak[way]:6.1f} MiB (main process)")


if __name__ == "__main__":
    sys.exit(main())
