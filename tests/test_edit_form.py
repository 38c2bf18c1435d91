"""``tipdraft edit``'s form model and its saves, without a browser: one field per thing the cable
prints, problems at their field, saves that change only what was typed, never over a change
made on disk (merged, or asked), and a file saved unchanged is the same bytes."""

from __future__ import annotations

import difflib
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tip_drafter.errors import TipDraftError
from tip_drafter.options import Options
from tip_drafter.preview.edit_session import EditSession, Stale
from tip_drafter.preview.form import Form, normal
from tip_drafter.year import review
from tip_drafter.year.nextyear import new_draft

from conftest import BELGIUM, examples

TEXT = BELGIUM.read_text(encoding="utf-8")


@pytest.fixture
def belgium(tmp_path: Path) -> Path:
    path = tmp_path / "belgium.yaml"
    shutil.copy(BELGIUM, path)
    return path


@pytest.fixture
def draft(belgium: Path) -> Path:
    """Next year's draft: every answer carried over, some fields kept to review."""
    target = belgium.with_name("belgium-2010.yaml")
    new_draft(belgium, 2010, target)
    return target


def opened(path: Path, draft: bool = False) -> tuple[EditSession, dict[str, Any]]:
    session = EditSession.open(path, Options(draft=draft))
    return session, session.load()


def field(page: dict[str, Any], fid: str) -> dict[str, Any]:
    return next(f for f in page["fields"] if f["id"] == fid)


def changed_lines(old: str, new: str) -> list[str]:
    """The lines removed and added, as ``git diff`` shows them."""
    diff = difflib.unified_diff(old.splitlines(), new.splitlines(), lineterm="", n=0)
    return [line for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_one_field_per_printed_thing_in_the_cable_s_order_labelled_in_people_s_words(belgium: Path) -> None:
    _, page = opened(belgium)
    ids = [f["id"] for f in page["fields"]]
    assert ids[:3] == ["cable/classification", "cable/caveats", "cable/pass"]  # as the header prints them
    assert (
        ids.index("contact/name") < ids.index("hours/employees") < ids.index("answers/23/A:text") < ids.index("answers/27/A:text")
    )
    assert field(page, "answers/25/E:text")["label"].startswith("25.E law-enforcement statistics and notable cases")
    joint = field(page, "answers/25/B and C:text")  # a joint answer as the file has it, once
    assert joint["label"].startswith("25.B and C ") and "answers/25/B:text" not in ids and "answers/25/C:text" not in ids
    assert field(page, "cable/classification")["kind"] == "choice" and "SECRET" in field(page, "cable/classification")["choices"]
    assert field(page, "answers/25/mark")["choices"] == ["U", "SBU", "C", "S"]
    assert field(page, "hours/employees")["kind"] == "rows" and len(field(page, "hours/employees")["value"]) == 6
    assert field(page, "answers/25/E:to_follow")["value"].startswith("2008 LAW ENFORCEMENT STATISTICS")
    # every item of the edition has its field, answered or not
    assert all(f"answers/{n}/" in " ".join(ids) for n in (23, 24, 25, 26, 27))


def test_an_answer_typed_is_checked_and_its_problems_are_at_its_field(belgium: Path) -> None:
    session, page = opened(belgium)
    answer = session.check(page["digest"], {"answers/24/A:text": "The Government [TBD] acknowledges trafficking \u2014 fully."})
    mine = [(p["severity"], p["text"]) for p in answer["problems"] if p["field"] == "answers/24/A:text"]
    assert ("error", "placeholder 'TBD' left in the text") in mine
    assert any(severity == "warning" and "EM DASH" in text for severity, text in mine)
    assert answer["cable"] is not None and "The Government" in answer["cable"]  # a draft cable while it has errors
    fixed = session.check(page["digest"], {"answers/24/A:text": "The Government acknowledges trafficking."})
    assert not [p for p in fixed["problems"] if p["field"] == "answers/24/A:text"]
    assert belgium.read_text() == TEXT  # checking writes nothing


def test_saving_one_answer_changes_only_its_lines(belgium: Path) -> None:
    session, page = opened(belgium)
    saved, answer = session.save(
        page["digest"], {"answers/23/C:text": "Victims are held in degrading conditions.\n\nJudges weigh them."}
    )
    assert saved and answer["digest"] != page["digest"]
    diff = changed_lines(TEXT, belgium.read_text())
    assert diff[-3:] == ["+      Victims are held in degrading conditions.", "+", "+      Judges weigh them."]
    assert len(diff) == 7 + 3 and all(line.startswith("-      ") for line in diff[:7])  # C's seven lines, no other
    assert "Judges weigh them." in session.check(answer["digest"], {})["cable"]


def test_a_note_on_a_plain_answer_and_a_new_answer_go_in_their_place(belgium: Path) -> None:
    session, page = opened(belgium)
    saved, _ = session.save(page["digest"], {"answers/23/D:to_follow": "FIGURES WILL FOLLOW."})
    assert saved
    text = belgium.read_text()
    assert "    D:\n      text: Belgium is not a source country.\n      to_follow: FIGURES WILL FOLLOW.\n    E: |-" in text


def test_reviewed_does_what_review_does(draft: Path) -> None:
    session, page = opened(draft, draft=True)
    before = {p.label for p in review.open_session(draft).pending()}
    assert "25.E" in before and "contact" in before
    assert "The courts systematically" in field(page, "answers/25/E:text")["last_year"]
    values = {"answers/25/E:reviewed": True, "unreviewed:contact": True}
    saved, answer = session.save(page["digest"], values)
    assert saved
    after = {p.label for p in review.open_session(draft).pending()}
    assert before - after == {"25.E", "contact"}
    assert "answers/25/E:reviewed" not in [f["id"] for f in answer["fields"]]


def test_reviewing_changes_only_the_marker_lines(draft: Path) -> None:
    text = draft.read_text()
    session, page = opened(draft, draft=True)
    session.save(page["digest"], {"answers/25/E:reviewed": True})
    diff = changed_lines(text, draft.read_text())
    assert len(diff) == 1 and diff[0].strip().startswith("-") and "carried_over:" in diff[0]


def test_a_change_on_disk_to_another_field_is_merged(belgium: Path) -> None:
    session, page = opened(belgium)
    belgium.write_text(TEXT.replace("signature: BUSH", "signature: SMITH"))  # saved in an editor meanwhile
    saved, answer = session.save(page["digest"], {"cable/subject": "BELGIUM: 2009 TIP REPORT"})
    assert saved and answer["merged"] == ["Signature"]
    text = belgium.read_text()
    assert "signature: SMITH" in text and 'subject: "BELGIUM: 2009 TIP REPORT"' in text
    assert len(changed_lines(TEXT, text)) == 4


def test_a_change_on_disk_to_the_same_field_is_asked_and_nothing_is_written(belgium: Path) -> None:
    session, page = opened(belgium)
    theirs = TEXT.replace("Belgium is not a source country.", "Belgium is hardly a source country.")
    belgium.write_text(theirs)
    saved, answer = session.save(page["digest"], {"answers/23/D:text": "Belgium is no source country."})
    assert not saved and belgium.read_text() == theirs
    [conflict] = answer["conflict"]
    assert conflict["label"].startswith("23.D ") and conflict["id"] == "answers/23/D:text"
    assert (conflict["mine"], conflict["theirs"], conflict["was"]) == (
        "Belgium is no source country.",
        "Belgium is hardly a source country.",
        "Belgium is not a source country.",
    )
    # the user keeps theirs: saved again from the new version, without that field
    saved, _ = session.save(answer["digest"], {"cable/signature": "SMITH"})
    assert saved and "hardly" in belgium.read_text() and "signature: SMITH" in belgium.read_text()


def test_a_page_older_than_the_server_is_told_to_reload(belgium: Path) -> None:
    session, _ = opened(belgium)
    with pytest.raises(Stale):
        session.check("0" * 64, {})


# Variations of Belgium's file that are still valid: other quoting, styles, comments, shapes.
VARIATIONS = [
    ("  post: BRUSSELS", "  post: 'BRUSSELS'  # the FM line's post"),
    ("  caveats: [SENSITIVE, SIPDIS]", "  caveats:\n    - SENSITIVE\n    - SIPDIS"),
    (
        "  tags: [PHUM, KTIP, KCRM, KWMN, SMIG, KFRD, ASEC, PREF, ELAB]",
        '  tags: ["PHUM", KTIP, KCRM, KWMN, SMIG, KFRD, ASEC, PREF, ELAB]',
    ),
    ("  23:\n", '  "23":\n'),
    ("    D: |-\n      Belgium is not a source country.", "    D: Belgium is not a source country."),
    (
        "    D: |-\n      Belgium is not a source country.",
        "    D:\n      text: >-\n        Belgium is not\n        a source country.",
    ),
    ('edition: "2009"\n', 'edition: "2009"\n\n# a comment of the post\'s\n'),
    ("  signature: BUSH", '  signature: "BUSH"'),
    ("    mark: SBU\n    A: |-\n      Information", "    mark: SBU\n    # sources first\n    A: |\n      Information"),
    ("  intro: Hours spent", "  intro:   Hours spent"),
]


@st.composite
def variations(draw: st.DrawFn) -> str:
    text = TEXT
    for old, new in draw(st.lists(st.sampled_from(VARIATIONS), unique=True)):
        text = text.replace(old, new, 1)
    return text


def as_the_page_sends(form: Form) -> dict[str, Any]:
    """Every field's value through JSON and the page's controls (lists one per line, text areas' line breaks)."""
    sent: dict[str, Any] = {}
    for f in form.fields:
        value = json.loads(json.dumps(f.value))
        if f.kind in ("list", "rows"):
            value = [line.strip() for line in "\n".join(value).split("\n") if line.strip()]
        elif isinstance(value, str):
            value = value.replace("\n", "\r\n")
        sent[f.id] = value
    return sent


@settings(max_examples=examples(2), deadline=None)
@given(variations(), st.booleans())
def test_any_valid_file_opened_and_saved_without_change_is_the_same_bytes(tmp_path_factory: Any, text: str, bom: bool) -> None:
    path = tmp_path_factory.mktemp("same") / "belgium.yaml"
    raw = (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
    path.write_bytes(raw)
    session, page = opened(path)
    form = session.forms[page["digest"]]
    assert not any(session.check(page["digest"], {})["problems"]), "a variation must stay valid"
    sent = as_the_page_sends(form)
    assert all(normal(form.by_id[k], v) == form.by_id[k].value for k, v in sent.items())
    saved, answer = session.save(page["digest"], sent)
    assert saved and answer["digest"] == page["digest"]
    assert path.read_bytes() == raw


def test_a_row_edited_changes_its_line_only_the_others_keep_their_quotes(belgium: Path) -> None:
    session, page = opened(belgium)
    rows = list(field(page, "hours/employees")["value"])
    rows[0] = "Charge Wayne Bush (FE-MC): 4 hours"
    rows.insert(2, "Consular Officer Ann Lee (FO-03): 5 hours")
    saved, _ = session.save(page["digest"], {"hours/employees": rows})
    assert saved
    assert changed_lines(TEXT, belgium.read_text()) == [
        '-    - "Charge Wayne Bush (FE-MC):3 hours"',
        '+    - "Charge Wayne Bush (FE-MC): 4 hours"',
        '+    - "Consular Officer Ann Lee (FO-03): 5 hours"',
    ]


def test_an_item_not_answered_yet_has_its_field_and_goes_in_its_letter_s_place(belgium: Path) -> None:
    text = TEXT.replace("\n    D: |-\n      Belgium is not a source country.", "", 1)
    belgium.write_text(text)
    session, page = opened(belgium)
    assert field(page, "answers/23/D:text")["value"] == "" and field(page, "answers/23/D:text")["required"]
    problems = session.check(page["digest"], {})["problems"]
    assert [p["field"] for p in problems if "no answer" in p["text"]] == ["answers/23/D:text"]  # at its field
    saved, _ = session.save(page["digest"], {"answers/23/D:text": "Belgium is not a source country."})
    assert saved and changed_lines(text, belgium.read_text()) == ["+    D: Belgium is not a source country."]
    assert belgium.read_text().index("    D: Belgium") < belgium.read_text().index("    E: |-\n      Traffickers")


def test_a_header_field_added_goes_where_the_format_declares_it(belgium: Path) -> None:
    session, page = opened(belgium)
    saved, _ = session.save(page["digest"], {"cable/declassify": "02/20/2019"})
    assert saved
    lines = belgium.read_text().splitlines()
    at = lines.index("  declassify: 02/20/2019")
    assert lines[at - 1] == '  executive_order: "12958"' and lines[at + 1].startswith("  tags:")


def test_a_field_gone_from_the_file_on_disk_is_asked_about_never_a_failure(draft: Path) -> None:
    """The page marks an item reviewed, or types into a joint answer, that was reviewed or
    split on disk meanwhile: the save asks (the field is gone: only the file's version can be
    kept, what was typed is shown), and writes nothing."""
    session, page = opened(draft, draft=True)
    elsewhere, its_page = opened(draft, draft=True)  # another page, or `tipdraft review`, marks 25.E reviewed
    assert elsewhere.save(its_page["digest"], {"answers/25/E:reviewed": True})[0]
    on_disk = draft.read_text()
    saved, answer = session.save(page["digest"], {"answers/25/E:reviewed": True})
    assert not saved and draft.read_text() == on_disk
    [conflict] = answer["conflict"]
    assert conflict["id"] == "answers/25/E:reviewed" and conflict["gone"] and conflict["label"]
    split = on_disk.replace("    B and C:", "    B:")
    draft.write_text(split)
    saved, answer = session.save(answer["digest"], {"answers/25/B and C:text": "Typed into the joint answer."})
    assert not saved and draft.read_text() == split
    assert [(c["id"], c["gone"], c["mine"]) for c in answer["conflict"]] == [
        ("answers/25/B and C:text", True, "Typed into the joint answer.")
    ]


@pytest.mark.slow  # a save of 4.5 MB
def test_a_save_that_would_make_the_file_too_big_to_read_is_refused(belgium: Path) -> None:
    session, page = opened(belgium)
    values = {f"answers/23/{letter}:text": "word " * 180_000 for letter in "ABCDE"}  # 900 KB each
    with pytest.raises(TipDraftError, match="larger than the 4 MiB"):
        session.save(page["digest"], values)
    assert belgium.read_text() == TEXT


def test_a_note_on_a_multi_line_answer_keeps_it_a_literal_block(belgium: Path) -> None:
    session, page = opened(belgium)
    assert session.save(page["digest"], {"answers/23/E:to_follow": "later"})[0]
    text = belgium.read_text()
    assert "    E:\n      text: |-\n        Traffickers include both large" in text and "\n      to_follow: later\n" in text
    assert 'text: "Traffickers' not in text  # not one quoted line


def test_a_file_with_windows_line_ends_keeps_them_and_a_value_s_are_one_line_break(belgium: Path) -> None:
    crlf = TEXT.replace("\n", "\r\n")
    belgium.write_bytes(crlf.encode())
    session, page = opened(belgium)
    assert session.save(page["digest"], {"cable/subject": "NEW SUBJECT", "contact/name": "Ann\r\nLee"})[0]
    raw = belgium.read_bytes()
    assert raw.count(b"\n") == raw.count(b"\r\n") and b'NEW SUBJECT"\r\n' in raw and b"\r\r" not in raw
    assert b"\\r" not in raw and b"\\x0d" not in raw  # the value's line break is one, as the page types it


def test_a_read_only_file_is_not_written(belgium: Path) -> None:
    session, page = opened(belgium)
    belgium.chmod(0o444)
    try:
        with pytest.raises(TipDraftError, match="read-only"):
            session.save(page["digest"], {"cable/subject": "NEW SUBJECT"})
        assert belgium.read_text() == TEXT
    finally:
        belgium.chmod(0o644)


@pytest.mark.slow  # a save of a megabyte, read back twice
def test_a_word_longer_than_any_line_is_saved_on_its_key_s_line(belgium: Path) -> None:
    """A writer's line width once folded a word of a million characters onto a line of its own,
    at an indent that did not read back: the save was refused, with words about other values."""
    session, page = opened(belgium)
    word = "x" * 1_000_001
    assert session.save(page["digest"], {"answers/23/D:text": word})[0]
    assert f"    D: {word}\n" in belgium.read_text()
