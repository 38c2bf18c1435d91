"""A country file open in ``tipdraft edit``: the texts the page loaded (by digest), the form of
each, the page's pending values checked as ``validate`` checks them, and saves that never
overwrite a change made on disk meanwhile (merged when it touches other fields, else asked)."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .. import api, config
from ..cable import render
from ..edition import Edition
from ..errors import ERROR, UNREVIEWED, Code, Diagnostic, Place, TipDraftError, has_errors
from ..options import Options
from ..yamlio import rewrite
from ..yamlio.editing import EditError, apply_edits
from ..yamlio.load import parse
from ..yamlio.read import MAX_BYTES, decode, read_capped
from ..year import review
from .form import Form, build, wrong_type
from .form_edits import form_edits
from .state import BODY, STYLE, Snapshot

BOM = b"\xef\xbb\xbf"
KEPT_TEXTS = 16  # the texts a page may still be working from (each save and each change on disk adds one)
SAVE_TRIES = 5  # saves made elsewhere between our reading and our writing, before giving up


def digest(raw: bytes) -> str:
    """The name of one version of the file: its bytes' SHA-256."""
    return hashlib.sha256(raw).hexdigest()


class Stale(TipDraftError):
    """The page works from a version of the file this server no longer holds: reload it."""


@dataclass
class EditSession:
    """The file being edited, its edition and last year's answers; every version of it a page
    has loaded, by digest."""

    path: Path
    options: Options
    edition: Edition
    previous: dict[str, tuple[str, str]]
    raws: dict[str, bytes] = field(default_factory=dict)
    forms: dict[str, Form] = field(default_factory=dict)
    styles: str = ""  # the stylesheet of the last cable rendered
    lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def open(cls, path: Path, options: Options) -> EditSession:
        """Open ``path`` as review opens it (a link refused: the file is written back)."""
        opened = review.open_session(path, options.editions)
        return cls(path, options, opened.edition, opened.previous)

    def remember(self, raw: bytes) -> str:
        """Keep one version of the file; its digest."""
        name = digest(raw)
        if name not in self.raws:
            self.raws[name] = raw
            for old in list(self.raws)[:-KEPT_TEXTS]:
                del self.raws[old]
                self.forms.pop(old, None)
        return name

    def text(self, name: str) -> str:
        """The text of a version the page loaded."""
        if name not in self.raws:
            raise Stale(f"{self.path.name}: this page is older than the server: reload it (your typing is kept)")
        return decode(self.raws[name], str(self.path))

    def load(self) -> dict[str, Any]:
        """The file as it is on disk now, as the page builds its form from it."""
        with self.lock:
            raw = read_capped(self.path, str(self.path), MAX_BYTES, "a country file")
            name = self.remember(raw)
        return {"name": self.path.name, "key": str(self.path.resolve()), "digest": name, **self.page(name)}

    def page(self, name: str) -> dict[str, Any]:
        """A version's fields, and how many are still to review."""
        form = self._form(name)
        return {"fields": [f.as_json() for f in form.fields], "draft": self.options.draft}

    def check(self, name: str, values: dict[str, Any]) -> dict[str, Any]:
        """The pending values made in the loaded text, checked as ``validate`` checks a file:
        each problem with the field it is about, the cable as it would print, the word diffs
        of the carried-over answers typed in."""
        form = self._form(name)
        changed = form.changed(values)
        try:
            text = apply_edits(self.text(name), form_edits(form, changed), self.path.name)
        except EditError as exc:
            return {"problems": [_general(str(exc))], "cable": None, "summary": str(exc), "diffs": {}}
        out = self._checked(text)
        out["diffs"] = form.diffs(changed)
        return out

    def unknown(self, name: str, values: dict[str, Any]) -> list[str]:
        """The fields ``values`` names that the form of version ``name`` does not have."""
        form = self._form(name)
        return [key for key in values if key not in form.by_id]

    def mistyped(self, name: str, values: dict[str, Any]) -> list[str]:
        """Each of the form's fields whose value in ``values`` the page cannot have sent, with
        what it should have been (``cable/subject: a text``)."""
        form = self._form(name)
        said = {key: wrong_type(form.by_id[key], value) for key, value in values.items() if key in form.by_id}
        return [f"{key}: {should}" for key, should in said.items() if should]

    def _form(self, name: str) -> Form:
        """The form of a version the page loaded (made the first time it is asked for)."""
        if name not in self.forms:
            self.forms[name] = build(parse(self.text(name), str(self.path)), self.edition, self.previous)
        return self.forms[name]

    def _checked(self, text: str) -> dict[str, Any]:
        try:
            document = parse(text, str(self.path))
        except TipDraftError as exc:
            return _answer(list(exc.diagnostics) or [_diagnostic(self.path, str(exc))], None, None)
        checked = api.check_document(document, self._options(self.options))
        edited = build(document, self.edition, self.previous)
        cable = self._cable(checked) or self._cable(
            api.check_document(document, self._options(replace(self.options, draft=True)))
        )
        return _answer(checked.diagnostics, edited, cable)

    def _options(self, options: Options) -> Options:
        return replace(options, template_dirs=[*options.template_dirs, *config.template_dirs(Path())])

    def _cable(self, checked: api.Checked) -> str | None:
        """The cable's page body, when the text renders (its stylesheet kept for the page)."""
        if checked.cable is None or checked.rendered is None:
            return None
        dirs = tuple(self._options(self.options).template_dirs)
        page = render.renderer_for(dirs).html(
            checked.cable, checked.rendered, api.banner(checked.cable, self.options), self.options.paper, anchors=True
        )
        self.styles = "\n".join(STYLE.findall(page))
        body = BODY.search(page)
        return body[1] if body else page

    def save(self, name: str, values: dict[str, Any]) -> tuple[bool, dict[str, Any]]:
        """Write the pending values into the file, only what changed. If the file changed on
        disk since the page loaded ``name``: the page's values are made in the new text when
        the two touch different fields (merged), else nothing is written and the fields both
        changed are returned to ask about. (saved?, what the page is told)."""
        with self.lock:
            for _ in range(SAVE_TRIES):
                done = self._save_once(name, values)
                if done is not None:
                    return done
        raise TipDraftError(f"{self.path}: the file keeps changing (is it being saved elsewhere?): not written; try again")

    def _save_once(self, name: str, values: dict[str, Any]) -> tuple[bool, dict[str, Any]] | None:
        """One try of :meth:`save`; None when the file changed between the reading and the writing."""
        raw = read_capped(self.path, str(self.path), MAX_BYTES, "a country file")
        now = self.remember(raw)
        base, disk = self._form(name), self._form(now)
        changed = base.changed(values)
        theirs = _differ(base, disk)
        clash = _clash(disk, changed, theirs)
        if clash:
            return False, _conflict(now, base, disk, changed, clash) | self.page(now)
        data = _encoded(apply_edits(self.text(now), form_edits(disk, changed), self.path.name), raw)
        if data != raw and not rewrite.replace_if_unchanged(self.path, data, raw):
            return None
        saved = self.remember(data)
        merged = [disk.by_id[k].label for k in theirs if k in disk.by_id]
        return True, {"digest": saved, "merged": merged, **self.page(saved)}


def _differ(base: Form, disk: Form) -> list[str]:
    """The fields whose value differs between two versions of the file."""
    ids = dict.fromkeys([*base.by_id, *disk.by_id])
    return [k for k in ids if k not in base.by_id or k not in disk.by_id or base.by_id[k].value != disk.by_id[k].value]


def _clash(disk: Form, changed: dict[str, Any], theirs: list[str]) -> list[str]:
    """The fields the page changed that were changed on disk too, to something else, or are
    no longer in the file (an item marked reviewed elsewhere, a joint answer split)."""
    return [k for k in changed if k in theirs and (k not in disk.by_id or changed[k] != disk.by_id[k].value)]


def _encoded(text: str, raw: bytes) -> bytes:
    """The text as the file's bytes: UTF-8, with the byte order mark the file had, if it had one."""
    data = text.encode("utf-8")
    return BOM + data if raw.startswith(BOM) else data


def _conflict(now: str, base: Form, disk: Form, changed: dict[str, Any], clash: list[str]) -> dict[str, Any]:
    """The fields both changed, for the page to ask about: what the page typed, what the file
    has now (``gone``: the file no longer has the field, so only what it has now can be kept)."""
    both = [
        {
            "id": k,
            "label": (disk.by_id.get(k) or base.by_id[k]).label,
            "mine": changed[k],
            "theirs": disk.by_id[k].value if k in disk.by_id else "",
            "was": base.by_id[k].value,
            "gone": k not in disk.by_id,
        }
        for k in clash
    ]
    return {"conflict": both, "digest": now}


def _general(text: str) -> dict[str, str]:
    return {"severity": ERROR, "place": "", "text": text, "command": "", "detail": "", "anchor": "", "field": ""}


def _diagnostic(path: Path, message: str) -> Diagnostic:
    return Diagnostic(str(path), 0, 0, ERROR, Place(), message, Code.FILE)


def _answer(diagnostics: list[Diagnostic], edited: Form | None, cable: str | None) -> dict[str, Any]:
    """The page's update: each problem in the drafter's words (as the preview says it) with its
    field, errors first; the cable; a summary line."""
    ordered = sorted(diagnostics, key=lambda d: d.severity != ERROR)
    entries = Snapshot(0, not has_errors(ordered), tuple(ordered)).as_json()["diagnostics"]
    for entry, d in zip(entries, ordered, strict=True):
        entry["field"] = edited.field_for(d.where, d.line, d.code == UNREVIEWED) if edited is not None else ""
    errors = sum(d.severity == ERROR for d in ordered)
    summary = f"{errors} error(s), {len(ordered) - errors} warning(s)"
    return {"problems": entries, "cable": cable, "summary": summary}
