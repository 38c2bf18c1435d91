"""Benchmark: a file under the 4 MiB cap that holds 590,000 list items (3.9 MiB), validated whole-process.

    python bench/limits.py [--runs N]

tipdraft must validate it within 10 s and 500 MiB, or refuse it within 1 s with a message naming
the limit. Prints the median wall time and peak memory of `tipdraft validate` on it, beside
`python -c "import typer, jinja2, ruamel.yaml"` measured in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

BIN = Path(sys.executable).parent
PEAK = (
    "import resource, subprocess, sys, time; t = time.perf_counter(); "
    "done = subprocess.run(sys.argv[1:], capture_output=True, text=True); "
    "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
    "print(done.stderr.splitlines()[0] if done.stderr else '')"
)


def measure(cmd: list[str]) -> tuple[float, int, str]:
    out = subprocess.run([sys.executable, "-c", PEAK, *cmd], check=True, capture_output=True, text=True)
    first, message = [*out.stdout.split("\n"), ""][:2]
    seconds, peak = first.split()
    return float(seconds), int(peak), message


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    with tempfile.TemporaryDirectory() as folder:
        big = Path(folder) / "big.yaml"
        big.write_text("edition: '2009'\nanswers:\n" + "".join(f"  - {i % 90 + 10}\n" for i in range(590_000)))
        size = big.stat().st_size
        ours, base = [], []
        for _ in range(runs):
            ours.append(measure([str(BIN / "tipdraft"), "validate", str(big)]))
            base.append(measure([sys.executable, "-c", "import typer, jinja2, ruamel.yaml"]))
        seconds = statistics.median(t for t, _, _ in ours)
        peak = max(p for _, p, _ in ours) / 1024
        print(f"{size / 1024 / 1024:.2f} MiB, 590,000 list items, {runs} runs")
        print(f"validate  {seconds:.3f}s  peak {peak:.1f} MiB   (bare imports {statistics.median(t for t, _, _ in base):.3f}s)")
        print(f"message: {ours[0][2]}")
        ok = (seconds <= 1.0 and "limit" in ours[0][2]) or (seconds <= 10 and peak <= 500)
        print("target met: refused within 1 s naming the limit, or validated within 10 s and 500 MiB" if ok else "target missed")


if __name__ == "__main__":
    main()
