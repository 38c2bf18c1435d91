"""``tipdraft diff`` and the redline compare the whole file: a change to any printed field (the
header, a framing paragraph, a paragraph's mark, an answer) is reported as that field alone,
in text, JSON and the PDF; unchanged answers say whether review kept them; swapped files warn."""

from __future__ import annotations

import copy
import io
import json
import re
from pathlib import Path
from typing import Any

import pypdf
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tip_drafter.cli.main import app
from tip_drafter.edition import load_edition
from tip_drafter.yamlio.load import CountryYAML
from tip_drafter.year.wholediff import compare, to_json

from conftest import BELGIUM, examples

runner = CliRunner()


def dump(data: Any, path: Path) -> Path:
    buffer = io.StringIO()
    CountryYAML().dump(data, buffer)
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def words(text: str) -> str:
    return " ".join(text.split())


def changed(report: dict[str, Any]) -> set[str]:
    """Every place the JSON diff reports as anything but unchanged."""
    return {
        entry["place"]
        for section, entries in report.items()
        if section != "counts"
        for entry in entries
        if entry["status"] != "unchanged"
    }


# (what a reviewer must see changed, the place diff names it by, how to change it, the new words)
CHANGES = {
    "point of contact": ("contact.name", lambda d: d["contact"].__setitem__("name", "Jane Doe"), "Jane Doe"),
    "subject": ("cable.subject", lambda d: d["cable"].__setitem__("subject", "BELGIUM: 2009 TIP REPORT"), None),
    "REF": ("cable.reference", lambda d: d["cable"].__setitem__("reference", "2009 SECSTATE 1234"), "1234"),
    "tags": ("cable.tags", lambda d: d["cable"]["tags"].append("PGOV"), "PGOV"),
    "hours": (
        "hours.employees",
        lambda d: d["hours"]["employees"].__setitem__(2, "Political Officer Aaron Jensen (FO-02): 45 hours"),
        "45",
    ),
    "signature": ("cable.signature", lambda d: d["cable"].__setitem__("signature", "GUTMAN"), "GUTMAN"),
    "reference note": ("cable.reference_note", lambda d: d["cable"].pop("reference_note"), None),
    "pass line": ("cable.pass", lambda d: d["cable"]["pass"].append("PASS TO EUR/ERA"), "PASS TO EUR/ERA"),
    "caveats": ("cable.caveats", lambda d: d["cable"]["caveats"].remove("SENSITIVE"), None),
    "classification": ("cable.classification", lambda d: d["cable"].__setitem__("classification", "UNCLASSIFIED"), None),
}


@pytest.fixture
def pair(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "countries").mkdir()
    old = tmp_path / "countries" / "belgium.yaml"
    old.write_text(BELGIUM.read_text(encoding="utf-8"), encoding="utf-8")
    return old, tmp_path / "countries" / "belgium-new.yaml"


@pytest.mark.parametrize("what", list(CHANGES))
@pytest.mark.slow
def test_a_changed_field_shows_in_the_text_the_json_and_the_pdf(what: str, pair: tuple[Path, Path]) -> None:
    place, change, added = CHANGES[what]
    old, new = pair
    data = CountryYAML().load(old.read_text(encoding="utf-8"))
    change(data)
    dump(data, new)
    args = ["diff", "countries/belgium.yaml", "countries/belgium-new.yaml"]
    as_json = runner.invoke(app, [*args, "--format", "json"])
    assert as_json.exit_code == 0, as_json.output
    assert changed(json.loads(as_json.stdout)) == {place}
    text = runner.invoke(app, args)
    assert re.search(rf"^{re.escape(place)} +(changed|new|removed) ", text.stdout, re.MULTILINE), text.stdout
    assert "Answers: 0 changed, 0 new, 0 removed, 42 unchanged" in text.stdout
    if added:
        assert f"{{+{added}" in text.stdout
    written = runner.invoke(app, [*args, "--format", "pdf", "-o", "r.pdf"])
    assert written.exit_code == 0, written.output
    pdf = words(" ".join(page.extract_text() for page in pypdf.PdfReader("r.pdf").pages))
    summary, body = pdf.split("Answers Place Was", 1)
    assert re.search(rf"{re.escape(place)} (changed|new|removed) ", summary), summary  # its row in the summary
    status = next(e["status"] for e in json.loads(as_json.stdout)["header"] + json.loads(as_json.stdout)["framing"])
    assert f"{place} " in body and f"[{status}" in body.split(place, 1)[1][:200]  # its entry in the body
    if added:
        assert f"{{+{added}" in body


def test_the_summary_counts_every_part_of_the_file(pair: tuple[Path, Path]) -> None:
    old, new = pair
    data = CountryYAML().load(old.read_text(encoding="utf-8"))
    for _, change, _ in CHANGES.values():
        change(data)
    data["answers"][23]["mark"] = "U"
    data["dropped"] = [{"from": "25.L", "text": "Kept for the record."}]
    dump(data, new)
    result = runner.invoke(app, ["diff", "countries/belgium.yaml", "countries/belgium-new.yaml"])
    lines = result.stdout.splitlines()
    assert lines[-5:] == [
        "Header: 7 changed, 0 new, 1 removed, 13 unchanged",
        "Framing paragraphs: 2 changed, 0 new, 0 removed, 8 unchanged",
        "Paragraph marks and headings: 1 changed, 0 new, 0 removed, 7 unchanged",
        "Answers: 0 changed, 0 new, 0 removed, 42 unchanged",
        "Kept in the file, not printed: 0 changed, 1 new, 0 removed, 0 unchanged",
    ]
    # in the cable's order: the header, the framing paragraphs, the marks, the answers, what is kept
    order = [lines.index(t) for t in ("Header", "Framing paragraphs", "Paragraph marks and headings", "Answers")]
    assert order == sorted(order) and lines.index("Kept in the file, not printed") > order[-1]


def printed_fields(data: Any) -> list[tuple[frozenset[str], tuple[Any, ...]]]:
    """Every field of a valid file that the cable prints, as (the places diff names it by: one,
    or each letter of a joint answer, "B and C"; the path to it in the data)."""
    found: list[tuple[frozenset[str], tuple[Any, ...]]] = []
    for section in ("transmission", "cable", "contact", "hours", "begin"):
        found += [(frozenset({f"{section}.{key}"}), (section, key)) for key in data.get(section) or {}]
    for number, para in data["answers"].items():
        for key, value in para.items():
            if key in ("mark", "heading"):
                found.append((frozenset({f"{number} {key}"}), ("answers", number, key)))
            elif isinstance(value, str | dict):
                letters = re.split(r" and |, ", key)
                found.append((frozenset(f"{number}.{letter}" for letter in letters), ("answers", number, key)))
    return found


BELGIUM_DATA = CountryYAML().load(BELGIUM.read_text(encoding="utf-8"))
EDITION = load_edition("2009")
FIELDS = printed_fields(BELGIUM_DATA)
WORD = st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-", min_size=1, max_size=10)


def set_at(data: Any, path: tuple[Any, ...], value: Any) -> None:
    for key in path[:-1]:
        data = data[key]
    data[path[-1]] = value


def get_at(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


@settings(max_examples=examples(1), suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(
    field=st.sampled_from(FIELDS),
    new_words=st.lists(WORD, min_size=1, max_size=6),
    how=st.sampled_from(["replace", "add", "remove"]),
)
def test_any_change_to_any_printed_field_is_that_field_alone(
    field: tuple[frozenset[str], tuple[Any, ...]], new_words: list[str], how: str
) -> None:
    places, path = field
    before = get_at(BELGIUM_DATA, path)
    text = " ".join(new_words)
    if how == "remove":
        data = copy.deepcopy(BELGIUM_DATA)
        del get_at(data, path[:-1])[path[-1]]
        assert changed(to_json(compare((BELGIUM_DATA, EDITION), (data, EDITION)))) == places
        return
    if isinstance(before, list):
        value: Any = [*before, text] if how == "add" else [text]
    elif isinstance(before, dict):  # an answer with a note that data will follow
        value = {**before, "text": text if how == "replace" else f"{before.get('text', '')} {text}"}
    else:
        value = text if how == "replace" else f"{before} {text}"
    assume(str(before).split() != str(value).split())
    data = copy.deepcopy(BELGIUM_DATA)
    set_at(data, path, value)
    report = to_json(compare((BELGIUM_DATA, EDITION), (data, EDITION)))
    assert changed(report) == places


def test_unchanged_answers_say_whether_review_kept_them(pair: tuple[Path, Path]) -> None:
    assert runner.invoke(app, ["new", "--from", "countries/belgium.yaml", "--year", "2010"]).exit_code == 0
    reviewed = runner.invoke(app, ["review", "countries/belgium-2010.yaml", "23.A", "contact"])
    assert reviewed.exit_code == 0, reviewed.output
    args = ["diff", "countries/belgium.yaml", "countries/belgium-2010.yaml"]
    lines = runner.invoke(app, args).stdout.splitlines()
    assert "23.A   unchanged situation.sources  identical to last year's answer, reviewed: kept on purpose" in lines
    assert "23.B   unchanged situation.flows  identical to last year's answer, not reviewed: stale?" in lines
    assert not any(line.startswith("contact ") for line in lines)  # reviewed: no longer listed as stale
    assert any(re.match(r"cable\.signature +unchanged .*not reviewed: stale\?$", line) for line in lines)
    assert "Answers: 0 changed, 0 new, 0 removed, 42 unchanged (1 reviewed, 41 not reviewed)" in lines
    answers = json.loads(runner.invoke(app, [*args, "--format", "json"]).stdout)["answers"]
    assert [a["reviewed"] for a in answers[:2]] == [True, False]
    assert runner.invoke(app, [*args, "--format", "html", "-o", "r.html"]).exit_code == 0
    page = words(re.sub(r"<[^>]+>", " ", Path("r.html").read_text(encoding="utf-8")))
    assert (
        "23.A sources of information on trafficking and their reliability [unchanged since last year, reviewed: kept on purpose]"
        in page
    )
    assert "23.B origin" in page and "[unchanged since last year, not reviewed: possibly stale]" in page
    assert "answers unchanged, reviewed 1" in page and "answers unchanged, not reviewed 41" in page


def test_a_file_not_started_by_new_cannot_say_whether_it_was_reviewed(pair: tuple[Path, Path]) -> None:
    old, new = pair
    new.write_text(old.read_text(encoding="utf-8"), encoding="utf-8")
    lines = runner.invoke(app, ["diff", "countries/belgium.yaml", "countries/belgium-new.yaml"]).stdout.splitlines()
    assert "23.A   unchanged situation.sources  identical to last year's answer: stale?" in lines


@pytest.mark.parametrize("fmt", ["text", "json", "html"])
def test_files_given_the_wrong_way_round_are_warned_of(pair: tuple[Path, Path], fmt: str) -> None:
    assert runner.invoke(app, ["new", "--from", "countries/belgium.yaml", "--year", "2010"]).exit_code == 0
    result = runner.invoke(app, ["diff", "countries/belgium-2010.yaml", "countries/belgium.yaml", "--format", fmt])
    assert result.exit_code == 0, result.output
    line = "countries/belgium-2010.yaml:6:7: warning: this file reports on 2010, later than belgium.yaml (2009)"
    assert result.stderr.startswith(line), result.stderr
    assert len(result.stderr.splitlines()) == 1
    right_way = runner.invoke(app, ["diff", "countries/belgium.yaml", "countries/belgium-2010.yaml", "--format", fmt])
    assert right_way.stderr == ""
