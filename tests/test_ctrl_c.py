"""Ctrl-C into ``render``: whenever it comes, the command exits 130 within a bounded time, no
process of it prints a traceback or outlives it, and each file's outputs are the old or the
new ones (issue 18, section 2)."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest
from hypothesis import settings
from posts import make_posts
from processes import Command, children, handles_sigterm, in_session, wait_until

from conftest import BELGIUM

NAMES = ("a", "b", "c", "d")
OLD_ANSWER = "Belgium is not a source country."
NEW_ANSWER = "Belgium is not a country of origin."


def render(folder: Path, out: Path) -> list[str]:
    return [sys.executable, "-m", "tip_drafter", "render", str(folder), "-o", str(out), "--jobs", "2"]


@dataclass(frozen=True)
class Versions:
    """The country files (new version), and the outputs of the old and the new version."""

    folder: Path
    old: dict[str, bytes]
    new: dict[str, bytes]


def _outputs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(out.iterdir())}


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> Versions:
    base = tmp_path_factory.mktemp("versions")
    text = BELGIUM.read_text()
    assert OLD_ANSWER in text
    outputs = []
    for version, answer in (("old", OLD_ANSWER), ("new", NEW_ANSWER)):
        folder = base / version
        folder.mkdir()
        for name in NAMES:
            (folder / f"{name}.yaml").write_text(text.replace(OLD_ANSWER, answer))
        subprocess.run(render(folder, base / f"{version}-out"), check=True, capture_output=True, timeout=120)
        outputs.append(_outputs(base / f"{version}-out"))
    assert outputs[0]["a.txt"] != outputs[1]["a.txt"] and outputs[0]["a.pdf"] != outputs[1]["a.pdf"]
    return Versions(base / "new", outputs[0], outputs[1])


@pytest.fixture
def cpu_load() -> Iterator[None]:
    """Both cores busy, as in a test-suite run under load."""
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(2)]
    try:
        yield
    finally:
        for burner in burners:
            burner.kill()
            burner.wait(timeout=10)


def ctrl_c_round(versions: Versions, out: Path, delay: float) -> str | None:
    """One render of the new version over the old outputs, Ctrl-C'd ``delay`` seconds in;
    what went wrong, or None."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    for name, data in versions.old.items():
        (out / name).write_bytes(data)
    command = Command(render(versions.folder, out))
    # From the moment tipdraft's code runs: a Ctrl-C while the interpreter itself starts
    # (before any of tipdraft is loaded) is answered by Python's own traceback.
    wait_until(lambda: handles_sigterm(command.process.pid) or command.process.poll() is not None, 30, "tipdraft starts")
    try:
        command.process.wait(timeout=delay)
        said = None  # it finished first
    except subprocess.TimeoutExpired:
        said = list(command.out)  # what it had said when the Ctrl-C was sent
        command.interrupt()
    try:
        status, stdout, err = command.finish(5)
    except AssertionError as exc:
        return f"delay {delay:.3f}: {exc}"
    problems = _exit_problems(status, stdout, err, said)
    if left := _left(command.process.pid):
        problems.append(f"processes left: {left}")
    problems += _output_problems(versions, _outputs(out))
    return f"delay {delay:.3f}: {'; '.join(problems)}" if problems else None


def _left(session: int, seconds: float = 2.0) -> list[str]:
    """The session's processes still there ``seconds`` after the command exited: a worker
    killed at the stop may still be leaving (state R, its command line already gone) when the
    command's own exit is seen, under load."""
    deadline = time.monotonic() + seconds
    while (left := in_session(session)) and time.monotonic() < deadline:
        time.sleep(0.05)
    return left


def _exit_problems(status: int, stdout: str, err: str, said: list[str] | None) -> list[str]:
    """130 and nothing on stderr; 0 only for a render that ended before it could be stopped."""
    problems = []
    if status != 130 and not (status == 0 and "rendered, 0 failed" in stdout):
        problems.append(f"exit {status}")
    if status == 0 and said is not None and not any(": wrote " in line for line in said):
        problems.append("the Ctrl-C was lost: it came before any file was written, and the render finished")
    if err:
        problems.append(f"stderr: {err}")
    return problems


def _output_problems(versions: Versions, written: dict[str, bytes]) -> list[str]:
    """Each file's outputs all old or all new, and nothing else left in the folder."""
    problems = [] if sorted(written) == sorted(versions.old) else [f"files: {sorted(written)}"]
    for name in NAMES:
        pair = (written.get(f"{name}.txt"), written.get(f"{name}.pdf"))
        both = [(v[f"{name}.txt"], v[f"{name}.pdf"]) for v in (versions.old, versions.new)]
        if pair not in both:
            problems.append(f"{name}: outputs neither all old nor all new")
    return problems


def _rounds() -> int:
    """200 in the thorough profile, run alone (``.ci/run`` runs this file again by itself, with
    TIPDRAFT_STRESS_ALONE set: the 5 s bound is the command's, not that of a machine also
    running the rest of the suite); a handful in the quick profile and inside the whole suite."""
    thorough = settings.default.max_examples >= settings.get_profile("thorough").max_examples
    alone = os.environ.get("TIPDRAFT_STRESS_ALONE") or not os.environ.get("PYTEST_XDIST_WORKER")
    return 200 if thorough and alone else 6


@pytest.mark.timeout(600)
@pytest.mark.parametrize("load", ["idle", "under CPU load"])
@pytest.mark.slow
def test_ctrl_c_at_any_moment_stops_render_cleanly(
    versions: Versions, tmp_path: Path, load: str, request: pytest.FixtureRequest
) -> None:
    if load == "under CPU load":
        request.getfixturevalue("cpu_load")
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    rounds = _rounds() // 2  # half idle, half under load
    delays = [rng.uniform(0, 2) for _ in range(rounds)]
    # A few at once: the suite's time stays reasonable, and each adds to the others' load.
    with ThreadPoolExecutor(3) as pool:
        outcomes = list(pool.map(lambda i: ctrl_c_round(versions, tmp_path / str(i), delays[i]), range(rounds)))
    failures = [outcome for outcome in outcomes if outcome is not None]
    assert failures == [], f"seed {seed}: {len(failures)} of {rounds} rounds: " + "\n".join(failures)


@pytest.mark.slow
def test_ctrl_c_while_the_pdf_worker_starts_prints_nothing(versions: Versions, tmp_path: Path) -> None:
    """One file, so one worker; the Ctrl-C comes while its server imports WeasyPrint (the
    worker used to inherit this process's SIGTERM handler and print ``Exception in
    initializer: ... SystemExit: 143``)."""
    out = tmp_path / "out"
    command = Command(render(versions.folder / "a.yaml", out))
    wait_until(lambda: children(command.process.pid), 30, "the PDF worker starts")
    command.interrupt()
    status, _, err = command.finish(5)
    assert (status, err) == (130, "")
    assert in_session(command.process.pid) == []
    assert not out.exists() or list(out.iterdir()) == []


@pytest.mark.slow
def test_a_second_and_third_ctrl_c_print_nothing(versions: Versions, tmp_path: Path) -> None:
    command = Command(render(versions.folder, tmp_path / "out"))
    wait_until(lambda: children(command.process.pid), 30, "the PDF workers start")
    for _ in range(3):
        command.interrupt()
        time.sleep(0.05)  # presses a person makes: the stop is under way after the first
    status, _, err = command.finish(5)
    assert (status, err) == (130, "")
    assert in_session(command.process.pid) == []


LANDS_IN_A_CALLBACK = """
import os, signal, sys, time, weakref
from tip_drafter import __main__; from tip_drafter.cli import main as cli

def run():
    class Thing:
        pass
    def callback(ref):
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(100):
            pass  # the Ctrl-C is raised here, in a weak reference's callback, which cannot raise
    thing = Thing()
    ref = weakref.ref(thing, callback)
    del thing
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        pass  # a long step of the command
    print("finished")

cli.run = run
__main__.main()
"""


def test_a_ctrl_c_landing_where_python_cannot_raise_it_still_stops_the_command() -> None:
    """Python drops an exception raised in a callback (printing ``Exception ignored in``): a
    Ctrl-C that lands there used to be lost, and the render went on to the end with exit 0."""
    done = subprocess.run([sys.executable, "-c", LANDS_IN_A_CALLBACK], capture_output=True, text=True, timeout=30)
    assert (done.returncode, done.stdout, done.stderr) == (130, "", "")


CAUGHT_IN_CODE_FROM_A_STRING = """
from tip_drafter import __main__; from tip_drafter.cli import main as cli

def run():
    try:  # as a dataclass is made (from a string) while a module of the command is imported
        exec("import os, signal\\nos.kill(os.getpid(), signal.SIGINT)\\nfor _ in range(1000): pass")
    except KeyboardInterrupt:
        raise SystemExit(130)  # what cli.Commands makes of it

cli.run = run
__main__.main()
"""


def test_a_ctrl_c_once_raised_in_code_from_a_string_exits_130(tmp_path: Path) -> None:
    """Python 3.11 ends a process run as ``python -m`` (as ``tipdraft`` is) that once had a
    KeyboardInterrupt leave code run from a string by killing itself with SIGINT (status -2),
    even though the interrupt was caught."""
    (tmp_path / "stopped.py").write_text(CAUGHT_IN_CODE_FROM_A_STRING)
    done = subprocess.run([sys.executable, "-m", "stopped"], capture_output=True, text=True, timeout=30, cwd=tmp_path)
    assert (done.returncode, done.stdout, done.stderr) == (130, "", "")


@pytest.mark.timeout(300)
@pytest.mark.slow
def test_ctrl_c_into_checks_on_every_core_stops_them_cleanly(tmp_path: Path) -> None:
    """validate and status check many files in worker processes: a Ctrl-C at any moment exits
    130 within the bound, prints nothing but the files' problems and leaves no process."""
    folder = tmp_path / "posts"
    make_posts(folder, 60)
    rng = random.Random(seed := random.randrange(2**32))
    rounds = [(command, rng.uniform(0, 1.5)) for command in ("validate", "status") for _ in range(_rounds() // 4)]

    def one(command: str, delay: float) -> str | None:
        run = Command([sys.executable, "-m", "tip_drafter", command, "--jobs", "2", str(folder)])
        wait_until(lambda: handles_sigterm(run.process.pid) or run.process.poll() is not None, 30, "tipdraft starts")
        time.sleep(delay)  # the moment of the Ctrl-C, whatever the command is doing then
        run.interrupt()
        try:
            status, _, err = run.finish(5)
        except AssertionError as exc:
            return f"{command} after {delay:.3f} s: {exc}"
        left = _left(run.process.pid)
        other = [line for line in err.splitlines() if not line.startswith(f"{folder}/")]  # the files' problems, said as they come
        if status not in (130, 1) or other or left:  # 1: it had finished (the files have errors)
            return f"{command} after {delay:.3f} s: exit {status}; stderr {other!r}; left {left}"
        return None

    with ThreadPoolExecutor(3) as pool:
        failures = [f for f in pool.map(lambda r: one(*r), rounds) if f is not None]
    assert failures == [], f"seed {seed}: " + "\n".join(failures)


SWALLOWED = """
import os, signal, sys, time
from dataclasses import dataclass
from tip_drafter import __main__, workers; from tip_drafter.cli import main as cli

@dataclass(frozen=True)
class Sleep:
    seconds: float
    def run(self):
        time.sleep(self.seconds)

def run():
    try:
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000):
            pass  # the Ctrl-C is raised here...
    except KeyboardInterrupt:
        pass  # ...and dropped, as code that swallows every exception does
    if sys.argv[1] == "wait":
        with workers.running(1) as pool:
            pool.result(pool.submit(Sleep(20)))
    print("went on")

cli.run = run
__main__.main()
"""


def test_a_ctrl_c_whose_exception_was_swallowed_stops_the_next_wait() -> None:
    """The Ctrl-C is on record: the wait for the workers raises it again within a slice."""
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-c", SWALLOWED, "wait"], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (130, "", "")
    assert time.monotonic() - start < 15  # the job sleeps 20 s


def test_a_command_that_went_on_after_a_swallowed_ctrl_c_exits_130() -> None:
    done = subprocess.run([sys.executable, "-c", SWALLOWED, "end"], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (130, "went on\n", "")


IN_A_LIBRARY = """
import os, signal, sys
from ruamel.yaml.comments import CommentedMap
from tip_drafter import __main__

real = CommentedMap.__getitem__
fired = []

def getitem(self, key):
    if not fired:
        fired.append(True)
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000):
            pass  # the Ctrl-C is raised here, and CommentedMap.get (a bare except:) drops it
    return real(self, key)

CommentedMap.__getitem__ = getitem
sys.argv = ["tipdraft", "validate", "--jobs", "1", sys.argv[1]]
__main__.main()
"""


def test_a_ctrl_c_dropped_by_ruamel_yaml_stops_the_next_file_s_check(tmp_path: Path) -> None:
    """ruamel.yaml's CommentedMap.get returns its default on any exception, KeyboardInterrupt
    included, and a check calls it thousands of times: the stress test caught a Ctrl-C lost
    there. The Ctrl-C is on record: the next file's check raises it, the rest are not checked."""
    make_posts(tmp_path / "posts", 12)
    done = subprocess.run(
        [sys.executable, "-c", IN_A_LIBRARY, str(tmp_path / "posts")], capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stdout, done.stderr) == (130, "", "")


WRAPPED = """
import os, signal
from tip_drafter import __main__; from tip_drafter.cli import main as cli

class Named:
    def __set_name__(self, owner, name):
        os.kill(os.getpid(), signal.SIGINT)
        for _ in range(1000):
            pass  # the Ctrl-C is raised here: Python makes it a RuntimeError of the class made

def run():
    class Holder:  # as a dataclass's field is named while a module of the command is imported
        field = Named()
    print("went on")

cli.run = run
__main__.main()
"""


def test_a_ctrl_c_python_wrapped_in_another_error_exits_130() -> None:
    """The stress test caught one landing in a dataclass field's __set_name__ while the CLI was
    imported: Python 3.11 raises ``RuntimeError: Error calling __set_name__`` in its place."""
    done = subprocess.run([sys.executable, "-c", WRAPPED], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout, done.stderr) == (130, "", "")
