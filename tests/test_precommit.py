"""The pre-commit hooks tipdraft declares (.pre-commit-hooks.yaml), run by pre-commit itself in a post's repository."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from conftest import BELGIUM, ROOT

HOOKS = ROOT / ".pre-commit-hooks.yaml"


def _run(args: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False)


@pytest.fixture
def post_repo(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A post's repository with Belgium's file and tipdraft-validate as its hook: the hook as
    declared, as a local hook (no network) running this tipdraft."""
    pre_commit = shutil.which("pre-commit", path=str(Path(sys.executable).parent)) or shutil.which("pre-commit")
    if pre_commit is None:
        pytest.skip("pre-commit is not installed (pip install -e '.[test]')")
    declared = {hook["id"]: hook for hook in YAML(typ="safe").load(HOOKS.read_text(encoding="utf-8"))}
    hook = dict(declared["tipdraft-validate"])
    assert hook["entry"].split()[0] == "tipdraft"
    hook["entry"] = shlex.join([sys.executable, "-m", "tip_drafter", *hook["entry"].split()[1:]])
    hook["language"] = "system"  # the declared hook installs tipdraft from its repository; this one uses the tipdraft under test
    repo = tmp_path / "post"
    (repo / "countries").mkdir(parents=True)
    shutil.copy(BELGIUM, repo / "countries" / "belgium.yaml")
    config = {"repos": [{"repo": "local", "hooks": [hook]}]}
    with (repo / ".pre-commit-config.yaml").open("w", encoding="utf-8") as out:
        YAML().dump(config, out)
    env = {
        **os.environ,
        "PRE_COMMIT_HOME": str(tmp_path / "cache"),
        "GIT_AUTHOR_NAME": "Post",
        "GIT_AUTHOR_EMAIL": "post@example.org",
    }
    env |= {"GIT_COMMITTER_NAME": "Post", "GIT_COMMITTER_EMAIL": "post@example.org", "PYTHONPATH": str(ROOT)}
    for args in (["git", "init", "-q"], [pre_commit, "install"], ["git", "add", "."]):
        assert _run(args, repo, env).returncode == 0
    return repo, env


@pytest.mark.slow
def test_a_valid_file_is_committed_and_a_broken_one_is_stopped_where_it_breaks(post_repo: tuple[Path, dict[str, str]]) -> None:
    repo, env = post_repo
    done = _run(["git", "commit", "-q", "-m", "Belgium's 2009 file"], repo, env)
    assert done.returncode == 0, done.stdout + done.stderr
    path = repo / "countries" / "belgium.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  post: BRUSSELS", "  post: TBD", 1), encoding="utf-8")
    _run(["git", "add", "."], repo, env)
    done = _run(["git", "commit", "-q", "-m", "a placeholder"], repo, env)
    assert done.returncode == 1
    assert "countries/belgium.yaml:9:9: error: cable.post: placeholder 'TBD' left in the text" in done.stdout + done.stderr
    assert _run(["git", "log", "--oneline"], repo, env).stdout.count("\n") == 1


def test_the_hooks_file_declares_both_hooks() -> None:
    hooks = YAML(typ="safe").load(HOOKS.read_text(encoding="utf-8"))
    assert [h["id"] for h in hooks] == ["tipdraft-validate", "tipdraft-validate-draft"]
    assert all(h["language"] == "python" and h["files"] == r"^countries/.*\.ya?ml$" for h in hooks)
