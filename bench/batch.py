"""Benchmark: rendering N country files, three ways, in one run.

    python bench/batch.py [N] [--runs R]

- batch:    tipdraft render DIR                (PDF workers on all cores)
- jobs 1:   tipdraft render DIR --jobs 1       (one process, one file after another)
- separate: N calls of tipdraft render FILE    (one process per file, one after another)
The N files are copies of countries/belgium.yaml. Prints median wall times and the ratios.
With --against DIR (a checkout of another version, e.g. `git worktree add /tmp/base main`),
batch and jobs 1 also run with that version's code, interleaved, and their ratios are printed.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TIPDRAFT = str(Path(sys.executable).parent / "tipdraft")


def timed(commands: list[list[str]], code: Path | None = None) -> float:
    """Wall time of the commands, one after another; ``code``: the tip_drafter to import."""
    env = {**os.environ, "PYTHONPATH": str(code)} if code else None
    # Not from ROOT when comparing: a process started with ``python -c`` (a fork server) puts
    # its working folder first on its path, and would import this checkout's code.
    cwd = Path(tempfile.gettempdir()) if code else ROOT
    start = time.perf_counter()
    for command in commands:
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=cwd, env=env)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=24)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--against", type=Path, help="another version's checkout, to compare batch and jobs 1 with")
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
        codes: dict[str, Path | None] = dict.fromkeys(ways, Path(ROOT) if args.against else None)
        if args.against:
            for way in ("batch", "jobs 1"):
                ways[f"{way} (base)"], codes[f"{way} (base)"] = ways[way], args.against.resolve()
        times: dict[str, list[float]] = {way: [] for way in ways}
        for _ in range(args.runs):  # interleaved
            for way, commands in ways.items():
                times[way].append(timed(commands, codes[way]))
    median = {way: statistics.median(t) for way, t in times.items()}
    print(f"{args.n} files, {args.runs} interleaved runs, median wall time")
    for way, seconds in median.items():
        print(f"  {way:15} {seconds:7.2f}s  {seconds / args.n:6.3f}s per file")
    if args.against:
        for way in ("batch", "jobs 1"):
            print(f"{way}: {median[way] / median[f'{way} (base)']:.2f}x the time of {args.against}'s")
    speedup_jobs, speedup_separate = median["jobs 1"] / median["batch"], median["separate"] / median["batch"]
    print(f"batch is {speedup_jobs:.2f}x faster than --jobs 1 (target >= 1.8)")
    print(f"batch is {speedup_separate:.2f}x faster than separate calls (target >= 3)")
    return 0 if speedup_jobs >= 1.8 and speedup_separate >= 3 else 1


if __name__ == "__main__":
    sys.exit(main())
