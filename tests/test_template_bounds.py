"""Every way a template override can make a big value is bounded before the value is built
(string methods, filters, operators, joins, format, loops, captured blocks), and its time limit
holds in any thread without touching the process's timer or signal handlers."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tip_drafter import api
from tip_drafter.cable import layout, render
from tip_drafter.errors import TemplateProblem

from conftest import BELGIUM, ROOT

HOSTILE = {  # each a whole cable.txt.j2, on one line: refused at line 1
    "str.ljust": '{{ "x".ljust(400000000) }}',
    "str.rjust": '{{ "x".rjust(400000000) }}',
    "str.center": '{{ "x".center(400000000) }}',
    "str.zfill": '{{ "1".zfill(400000000) }}',
    "str.expandtabs": '{{ ("\\t" * 1000).expandtabs(1000000) }}',
    "str.replace": '{{ ("x" * 100000).replace("x", "y" * 1000) }}',
    "str.replace of the empty string": '{{ ("x" * 100000).replace("", "y" * 100) }}',
    "str.join": '{{ ("," * 100000).join(["y" * 1000] * 1000) }}',
    "str.translate": '{{ ("x" * 100000).translate({120: "y" * 1000}) }}',
    "str.format width": '{{ "{:>400000000}".format(1) }}',
    "str.format nested width": '{{ "{0:{1}}".format("x", 400000000) }}',
    "str.format repeated field": '{{ ("{0}" * 1000).format("y" * 100000) }}',
    "str.format_map": '{{ ("{a}" * 1000).format_map({"a": "y" * 100000}) }}',
    "% width": '{{ "%400000000d" % 1 }}',
    "% star width": '{{ "%*d" % (400000000, 1) }}',
    "* of text": '{{ "x" * 400000000 }}',
    "* of a list": "{{ [1, 2, 3] * 400000000 }}",
    "** of numbers": "{{ (10 ** 1000000000) % 7 }}",
    "|center": '{{ "x"|center(400000000) }}',
    "|indent": '{{ ("x\\n" * 100000)|indent(10000) }}',
    "|wordwrap": '{{ ("x " * 100000)|wordwrap(1, wrapstring="y" * 10000) }}',
    "|join": '{{ (["y" * 1000] * 1000)|join("," * 100000) }}',
    "|replace": '{{ ("x" * 100000)|replace("x", "y" * 1000) }}',
    "|format": '{{ "%400000000s"|format("x") }}',
    "|map into |join": '{{ range(100000)|map("center", 600000)|join }}',
    "range": "{{ range(400000000)|length }}",
    "~ of two big parts": '{{ ("a" * 5000000) ~ ("a" * 5000000) }}',
    "~ doubling in a loop": (
        '{% set ns = namespace(s="x") %}{% for i in range(40) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s|length }}'
    ),
    "+ doubling text in a loop": (
        '{% set ns = namespace(s="x") %}{% for i in range(40) %}{% set ns.s = ns.s + ns.s %}{% endfor %}{{ ns.s|length }}'
    ),
    "+ doubling a list in a loop": (
        "{% set ns = namespace(l=[1]) %}{% for i in range(40) %}{% set ns.l = ns.l + ns.l %}{% endfor %}{{ ns.l|length }}"
    ),
    "list.append in a loop": '{% set l = [] %}{% for i in range(100000) %}{{ l.append("x" * 1000) }}{% endfor %}',
    "a captured block": (
        '{% set ns = namespace(s="x" * 1000000) %}{% set big %}{% for i in range(1000) %}{{ ns.s }}{% endfor %}'
        "{% endset %}{{ big|length }}"
    ),
    "a macro's body": ('{% macro m() %}{% for i in range(100000) %}{{ "x" * 1000 }}{% endfor %}{% endmacro %}{{ m()|length }}'),
}

CHILD = """
import json, resource, sys
from pathlib import Path
resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20, 1536 * 2**20))
from tip_drafter import api; from tip_drafter.cable import layout; from tip_drafter.cable import render
from tip_drafter.errors import TemplateProblem
cable = api.check(Path(sys.argv[1])).cable
for folder in sys.argv[2:]:
    try:
        render.Renderer([Path(folder)]).text(cable, layout.Settings())
        said = None
    except TemplateProblem as exc:
        said = str(exc)
    except MemoryError:
        said = "MemoryError"
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
    print(json.dumps({"folder": folder, "said": said, "rss_mib": rss}), flush=True)
"""


@pytest.mark.slow
def test_every_hostile_template_is_refused_in_one_located_line_and_memory_stays_small(tmp_path: Path) -> None:
    folders = []
    for number, text in enumerate(HOSTILE.values()):
        folder = tmp_path / f"case{number}"
        folder.mkdir()
        (folder / "cable.txt.j2").write_text(text + "\n")
        folders.append(str(folder))
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(BELGIUM), *folders],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT), "XDG_CACHE_HOME": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin"},
    )
    reports = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(reports) == len(HOSTILE), done.stderr[-2000:]
    for name, report in zip(HOSTILE, reports, strict=True):
        said = report["said"] or "rendered"
        assert said.startswith(f"{report['folder']}/cable.txt.j2:1: template error: "), (name, said)
        assert "\n" not in said and len(said) < 300, (name, said)
        assert "too big for a cable" in said or "not a cable" in said, (name, said)
    assert reports[-1]["rss_mib"] < 400, reports


def test_a_cable_with_a_long_answer_still_renders_under_the_bounds(tmp_path: Path) -> None:
    answer = "Belgium is not a source country."
    long = " ".join([answer] * 2000)  # 66,000 characters in one answer: far past any real one, far below the caps
    path = tmp_path / "long.yaml"
    path.write_text(BELGIUM.read_text(encoding="utf-8").replace(answer, long, 1), encoding="utf-8")
    checked = api.check(path)
    assert checked.rendered is not None, [d.format() for d in checked.diagnostics]
    assert checked.rendered.text.split().count("source") >= 2000  # every copy printed (wrapped: count a word)


def test_numbers_a_template_may_use_are_not_refused(tmp_path: Path) -> None:
    """A power of decimals is no growth to bound, and a big whole number (past the 4,300 digits
    Python writes out) is sized from its bits: neither is a Python error."""
    folder = tmp_path / "house"
    folder.mkdir()
    (folder / "cable.txt.j2").write_text("{% set big = 2 ** 20000 %}{{ 2.0 ** 3 }} {{ 2 ** 0.5 }} {{ 2 ** 10 }}\n")
    checked = api.check(BELGIUM)
    assert checked.cable is not None
    text = render.Renderer([folder]).text(checked.cable, layout.Settings()).text
    assert "8.0 1.414" in text and " 1024" in text


ENDLESS = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}\n"


def endless(tmp_path: Path) -> tuple[render.Renderer, api.Cable]:
    folder = tmp_path / "house"
    folder.mkdir(exist_ok=True)
    (folder / "cable.txt.j2").write_text(ENDLESS)
    checked = api.check(BELGIUM)
    assert checked.cable is not None
    return render.Renderer([folder]), checked.cable


def test_the_time_limit_holds_off_the_main_thread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render, "MAX_SECONDS", 0.5)
    renderer, cable = endless(tmp_path)
    said: list[str] = []

    def run() -> None:
        try:
            renderer.text(cable, layout.Settings())
        except TemplateProblem as exc:
            said.append(str(exc))

    started = time.monotonic()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(timeout=20)
    assert not thread.is_alive(), "the template ran on past its limit in a thread"
    assert time.monotonic() - started < 10
    assert said and said[0].startswith(f"{tmp_path / 'house' / 'cable.txt.j2'}:1: template error: still running after 0.5 s")


@pytest.mark.skipif(not hasattr(signal, "setitimer"), reason="no interval timers here")
def test_the_time_limit_leaves_the_host_programs_timer_and_handler_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(render, "MAX_SECONDS", 0.3)
    renderer, cable = endless(tmp_path)
    fired: list[int] = []

    def host_handler(signum: int, frame: object) -> None:
        fired.append(signum)

    previous = signal.signal(signal.SIGALRM, host_handler)
    try:
        signal.setitimer(signal.ITIMER_REAL, 60.0)
        with pytest.raises(TemplateProblem, match=r"still running after 0\.3 s"):
            renderer.text(cable, layout.Settings())
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert signal.getsignal(signal.SIGALRM) is host_handler
        assert 50 < remaining <= 60, remaining
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
    assert fired == []
