"""Benchmark: `tipdraft render` (txt + pdf) and `tipdraft validate`, whole processes, against
baselines measured in the same run, interleaved.

    python bench/pdf.py [--runs N]

- render   vs bench/baseline_pdf.py: the same cable text to a PDF with bare WeasyPrint
  (and render --untagged, for the cost of PDF/UA tagging, which the baseline does not do)
- validate vs python -c "import typer, jinja2, ruamel.yaml"
Prints median wall time, the ratio to the baseline, and peak memory (max RSS) ratios.
With --against DIR (a checkout of another version), render is also compared with render by
that version's code, interleaved.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
COUNTRY = ROOT / "countries" / "belgium.yaml"
# Runs a command and prints its wall time and peak RSS in KiB (the wrapper's only child is
# the command, so the wrapper's own start-up is in neither figure).
PEAK = (
    "import resource, subprocess, sys, time; t = time.perf_counter(); "
    "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
    "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def measure(cmd: list[str]) -> tuple[float, int]:
    """Wall time and peak RSS; a command that starts with PYTHONPATH=DIR imports that code."""
    env = None
    if cmd[0].startswith("PYTHONPATH="):
        env, cmd = {**os.environ, "PYTHONPATH": cmd[0].split("=", 1)[1]}, cmd[1:]
    out = subprocess.run([sys.executable, "-c", PEAK, *cmd], check=True, capture_output=True, text=True, cwd=ROOT, env=env)
    seconds, peak = out.stdout.split()[-2:]
    return float(seconds), int(peak)


def compare(name: str, ours: list[str], base: list[str], runs: int, targets: tuple[float, float | None]) -> bool:
    measure(ours), measure(base)  # warm the file cache
    times: dict[str, list[float]] = {"ours": [], "base": []}
    peaks: dict[str, list[int]] = {"ours": [], "base": []}
    for _ in range(runs):  # interleaved, so drift hits both alike
        for key, cmd in (("ours", ours), ("base", base)):
            seconds, peak = measure(cmd)
            times[key].append(seconds)
            peaks[key].append(peak)
    t_ours, t_base = statistics.median(times["ours"]), statistics.median(times["base"])
    m_ours, m_base = max(peaks["ours"]), max(peaks["base"])
    ratio, mem = t_ours / t_base, m_ours / m_base
    ok = ratio <= targets[0] and (targets[1] is None or mem <= targets[1])
    print(f"{name:9} ours {t_ours:6.3f}s  baseline {t_base:6.3f}s  time ratio {ratio:5.2f} (target <= {targets[0]})", end="")
    print(
        f"  peak {m_ours / 1024:6.1f} MiB vs {m_base / 1024:6.1f} MiB  ratio {mem:4.2f}"
        + (f" (target <= {targets[1]})" if targets[1] else "")
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--against", type=Path, help="another version's checkout, to compare render with")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        subprocess.run(
            [BIN / "tipdraft", "render", str(COUNTRY), "-o", str(out), "--format", "txt"], check=True, stdout=subprocess.DEVNULL
        )
        render = [str(BIN / "tipdraft"), "render", str(COUNTRY), "-o", str(out)]
        baseline = [sys.executable, str(ROOT / "bench" / "baseline_pdf.py"), str(out / "belgium.txt"), str(out / "baseline.pdf")]
        validate = [str(BIN / "tipdraft"), "validate", str(COUNTRY)]
        imports = [sys.executable, "-c", "import typer, jinja2, ruamel.yaml"]
        print(f"{args.runs} interleaved runs each, median wall time, on {sys.platform} Python {sys.version.split()[0]}")
        ok = compare("render", render, baseline, args.runs, (1.15, 1.3))  # issue 10: 1.15x, 1.3x
        compare("untagged", [*render, "--untagged"], baseline, args.runs, (1.10, 1.3))
        ok &= compare("validate", validate, imports, args.runs, (1.5, None))
        if args.against:
            ours = [f"PYTHONPATH={ROOT}", *render]
            ok &= compare("vs base", ours, [f"PYTHONPATH={args.against.resolve()}", *render], args.runs, (1.05, None))
    print("all targets met" if ok else "some targets missed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
