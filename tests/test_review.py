"""Reviewing a draft's carried-over answers: by item, by paragraph, all at once, or one by one
beside last year's text; comments kept."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tip_drafter import api
from tip_drafter.errors import UNREVIEWED, UsageError
from tip_drafter.year import review, review_walk
from tip_drafter.year.nextyear import new_draft

from conftest import BELGIUM

COMMENTED = {
    "  25:\n": "  # paragraph 25 cleared by the legal attache\n  25:\n",
    "    D: |-\n      Belgium is not a source country.\n": "    D: |-  # one line is enough\n      Belgium is not a source country.\n",
}


@pytest.fixture
def draft(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Next year's draft of a commented copy of belgium.yaml, naming it as its previous file."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "countries").mkdir()
    text = BELGIUM.read_text()
    for old, new in COMMENTED.items():
        text = text.replace(old, new)
    source = tmp_path / "countries" / "belgium.yaml"
    source.write_text(text)
    target = tmp_path / "countries" / "belgium-2010.yaml"
    new_draft(source, 2010, target)
    return target


def unreviewed(path: Path) -> list[str]:
    return [d.where for d in api.check(path).diagnostics if d.code == UNREVIEWED]


def comments(path: Path) -> list[str]:
    """The file's comments, but the review notes on carried_over (they go with the marker)."""
    lines = path.read_text().splitlines()
    return [line.strip() for line in lines if re.match(r"\s*#|.*\s#\s", line) and "carried_over:" not in line]


def test_marking_one_item_and_one_paragraph(draft: Path) -> None:
    before = unreviewed(draft)
    kept = comments(draft)
    marked, left = review.mark(draft, ["25.E", "26"], everything=False)
    assert marked[0].label == "25.E"
    assert {p.number for p in marked[1:]} == {26}
    after = unreviewed(draft)
    assert "para 25.E" in before and "para 25.E" not in after
    assert not any(where.startswith("para 26.") for where in after)
    assert len(after) == left == len(before) - len(marked)
    assert comments(draft) == kept  # every comment still there, in order


def test_marking_everything_lets_a_final_render_through(draft: Path, tmp_path: Path) -> None:
    marked, left = review.mark(draft, [], everything=True)
    assert marked and left == 0
    assert unreviewed(draft) == []
    assert "# paragraph 25 cleared by the legal attache" in draft.read_text()


@pytest.mark.parametrize("name", ["29", "25.Z", "twenty", "25.E.1"])
def test_an_unknown_item_is_a_usage_error_and_nothing_changes(draft: Path, name: str) -> None:
    before = draft.read_bytes()
    with pytest.raises(UsageError, match="is not an item"):
        review.mark(draft, [name], everything=False)
    assert draft.read_bytes() == before


def test_walking_marks_skips_edits_and_quits(draft: Path) -> None:
    fields = [p.label for p in review.open_session(draft).pending() if not p.number]
    assert fields == ["contact", "hours", "cable.signature", "cable.subject", "transmission.channel"]
    review.mark(draft, fields, everything=False)
    session = review.open_session(draft)
    first, second, third = session.pending()[:3]
    shown: list[str] = []
    answers = iter(["s", "e", "r", "q"])
    io = review_walk.Prompter(
        shown.append, lambda prompt: next(answers), lambda text: (text + "\n\nA sentence added this year.").encode()
    )
    reviewed, left = review_walk.walk(session, io)
    assert (reviewed, left) == (1, len(session.pending()))
    still = [p.label for p in review.open_session(draft).pending()]
    assert first.label in still and second.label not in still and third.label in still
    assert "A sentence added this year." in draft.read_text()
    assert shown[0].startswith(f"-- {first.label} (1 of ")
    assert "unchanged since last year" in shown[0]
    assert "{+A sentence added this year.+}" in " ".join(shown[2].split())  # shown again after the edit


def test_word_diff_marks_what_changed() -> None:
    assert review_walk.word_diff("the old text stays", "the new text stays here") == "the [-old-] {+new+} text stays {+here+}"


def test_new_names_last_years_file_and_says_how_to_review_keeping_the_cable_comment(draft: Path) -> None:
    lines = draft.read_text().splitlines()
    assert lines[lines.index('edition: "2009"') + 1 : lines.index('edition: "2009"') + 3] == [
        "year: 2010",
        "previous: belgium.yaml",
    ]
    assert lines[lines.index("cable:") - 1] == "# The cable's metadata: what goes above the numbered paragraphs."
    marks = [line for line in lines if "carried_over:" in line]
    assert marks and all(
        line.endswith("carried_over: 2009  # tipdraft review marks it reviewed (or delete this line)") for line in marks
    )
    assert review.open_session(draft).previous  # last year's answers found through it
