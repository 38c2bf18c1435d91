"""Benchmark: rendering N country files, three ways, in one run.

    python bench/batch.py [N] [--runs R]

- batch:    tipdraft render DIR                (PDF workers on all cores)
- jobs 1:   tipdraft render DIR --jobs 1       (one process, one file after another)
- separate: N calls of tipdraft render FILE    (one process per file, one after another)
The N files are copies of countries/belgium.yaml. Prints median wall times and the ratios.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIPDRAFT = str(Path(sys.executable).parent / "tipdraft")


def timed(commands: list[list[str]]) -> float:
    start = time.perf_counter()
    for command in commands:
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=24)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "countries"
        folder.mkdir()
        files = [folder / f"country{i:03d}.yaml" for i in range(args.n)]
        for f in files:
            shutil.copy(ROOT / "countries" / "belgium.yaml", f)
        out = str(Path(tmp) / "out")
        ways = {
            "batch": [[TIPDRAFT, "render", str(folder), "-o", out]],
            "jobs 1": [[TIPDRAFT, "render", str(folder), "-o", out, "--jobs", "1"]],
            "separate": [[TIPDRAFT, "render", str(f), "-o", out] for f in files],
        }
        times: dict[str, list[float]] = {way: [] for way in ways}
        for _ in range(args.runs):  # interleaved
            for way, commands in ways.items():
                times[way].append(timed(commands))
    median = {way: statistics.median(t) for way, t in times.items()}
    print(f"{args.n} files, {args.runs} interleaved runs, median wall time")
    for way, seconds in median.items():
        print(f"  {way:9} {seconds:7.2f}s  {seconds / args.n:6.3f}s per file")
    speedup_jobs, speedup_separate = median["jobs 1"] / median["batch"], median["separate"] / median["batch"]
    print(f"batch is {speedup_jobs:.2f}x faster than --jobs 1 (target >= 1.8)")
    print(f"batch is {speedup_separate:.2f}x faster than separate calls (target >= 3)")
    return 0 if speedup_jobs >= 1.8 and speedup_separate >= 3 else 1


if __name__ == "__main__":
    sys.exit(main())
