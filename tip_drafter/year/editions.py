"""G/TIP's questionnaire year: next year's edition started from this year's, and what changes between two
editions as each post will see it when ``tipdraft new`` moves its answers."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from ..cable.render import bundled_templates, renderer_for
from ..edition import Defaults, Edition, Framing, Item, Paragraph, load_edition
from ..errors import TipDraftError
from ..pdf.job import PdfJob
from ..pdf.maker import make

GUIDE = """\
# Questionnaire edition {new}, started by `tipdraft edition new {new} --from {old}`.
# Every paragraph and item of edition {old} is carried over, each item's `continues:` naming
# its {old} id, so every post's answers move with it. To make it next year's questionnaire:
#   renumber  change a paragraph's `number:` or an item's `letter:`; keep its id.
#   add       a new item with an id of its own and no `continues:`: posts answer it afresh.
#   merge     one item whose `continues:` lists several {old} ids; delete the others.
#   split     several items, each with an id of its own, whose `continues:` name one {old} id.
#   drop      delete the item: posts' answers to it are kept under `dropped:`, not printed.
#   reword    change `topic:` (and `title:`): the id says it is the same question.
# Then check it: tipdraft edition check {file}
# and see what posts will see: tipdraft edition diff {old} {new} --editions {folder}
"""


def new_edition_text(name: str, previous: Edition, file: Path) -> str:
    """The text of edition ``name``'s file, started from ``previous``: everything carried over,
    with comments showing where to renumber, add, merge, split or drop."""
    q = json.dumps  # a JSON string is a YAML double-quoted scalar: any text, safely
    lines = [
        GUIDE.format(new=name, old=previous.name, file=file, folder=file.parent),
        f"edition: {q(name)}",
        f"title: {q(previous.title)}  # the new instruction cable's title",
        f"instruction: {q(previous.instruction)}  # the new instruction cable (e.g. 2009 STATE 123456)",
        f"report_year: {previous.report_year + 1}",
        f"previous: {q(previous.name)}",
        f"required_tags: [{', '.join(q(t) for t in previous.required_tags)}]",
        *_defaults(previous.defaults),
        "",
        "framing:",
        "  before:",
        *(_framing(f) for f in previous.framing),
        f"  end: {q(previous.end)}",
        "",
        "paragraphs:",
    ]
    for para in previous.paragraphs:
        lines += _paragraph(para)
    return "\n".join(lines) + "\n"


def _defaults(defaults: Defaults) -> list[str]:
    """The ``defaults:`` block, as the previous edition gave it (nothing if it gave none)."""
    q = json.dumps
    given = {key: value for key, value in asdict(defaults).items() if value}
    lines = [
        f"  {key}: [{', '.join(q(v) for v in value)}]" if isinstance(value, tuple) else f"  {key}: {q(value)}"
        for key, value in given.items()
    ]
    return ["defaults:  # what tipdraft new --country writes into a new country file", *lines] if lines else []


def _framing(frame: Framing) -> str:
    q = json.dumps
    default = f", default: {q(frame.default)}" if frame.default else ""
    required = "true" if frame.required else "false"
    return f"    - {{id: {q(frame.id)}, title: {q(frame.title)}, kind: {frame.kind}, required: {required}, mark: {frame.mark}{default}}}"


def _paragraph(para: Paragraph) -> list[str]:
    q = json.dumps
    lines = [
        f"  - number: {para.number}  # renumber here; the id stays",
        f"    id: {q(para.id)}",
        f"    title: {q(para.title)}",
        "    items:",
    ]
    for item in para.items:
        required = "true" if item.required else "false"
        lines += [
            f"      - {{letter: {item.letter}, id: {q(item.id)}, continues: [{q(item.id)}], kind: {item.kind}, required: {required},",
            f"         topic: {q(item.topic)}}}",
        ]
    return lines


@dataclass(frozen=True)
class Move:
    """What happens to one question between two editions, as a post's answers see it."""

    change: str  # kept, moved, merged, split, new, dropped
    place: str  # paragraph.letter in the new edition ("" if dropped)
    was: str  # paragraph.letter(s) in the old edition ("" if new)
    id: str
    topic: str
    sources: tuple[str, ...] = ()

    @property
    def note(self) -> str:
        """In words, for the text and the page."""
        notes = {
            "kept": f"stays at {self.place}",
            "moved": f"moves from {self.was} to {self.place}",
            "merged": f"{self.was} are merged into {self.place}: their answers are joined there",
            "split": f"{self.was} is split: its answer is carried into {self.place} and the other parts",
            "new": f"new at {self.place}: no answer to carry over",
            "dropped": f"{self.was} is no longer asked: its answer is kept under 'dropped', not printed",
        }
        return notes[self.change]


CHANGES = ("moved", "merged", "split", "new", "dropped", "kept")


def moves(old: Edition, new: Edition) -> list[Move]:
    """Every question of ``new`` (in order) with what happens to the answers it carries on,
    then the questions of ``old`` that nothing carries on."""
    if new.previous != old.name:
        raise TipDraftError(f"edition {new.name} does not follow edition {old.name} (its previous: {new.previous or 'none'})")
    places = {i.id: f"{p.number}.{i.letter}" for p, i in old.items()}
    continued = Counter(s for _, i in new.items() for s in new.sources(i) if s in places)
    out = [_move(p, i, new.sources(i), places, continued) for p, i in new.items()]
    carried = set(continued)
    out += [Move("dropped", "", places[i.id], i.id, i.topic) for _, i in old.items() if i.id not in carried]
    return out


def _move(para: Paragraph, item: Item, sources: tuple[str, ...], places: dict[str, str], continued: Counter[str]) -> Move:
    known = tuple(s for s in sources if s in places)
    place = f"{para.number}.{item.letter}"
    was = ", ".join(places[s] for s in known)
    if not known:
        change = "new"
    elif len(known) > 1:
        change = "merged"
    elif continued[known[0]] > 1:
        change = "split"
    else:
        change = "kept" if was == place else "moved"
    return Move(change, place, was, item.id, item.topic, known)


def moves_text(old: Edition, new: Edition, found: Sequence[Move]) -> str:
    """The moves for a terminal: one line per question that changes, then the counts."""
    lines = [f"Edition {old.name} -> {new.name}: what each post's answers do when `tipdraft new` moves them"]
    for move in found:
        if move.change != "kept":
            lines.append(f"{move.place or '-':6} {move.change:8} {move.note}  ({move.id}: {move.topic})")
    counts = Counter(m.change for m in found)
    lines.append(", ".join(f"{counts[c]} {c}" for c in CHANGES))
    return "\n".join(lines) + "\n"


PAGE = "edition-diff.html.j2"


def moves_html(old: Edition, new: Edition, found: Sequence[Move]) -> str:
    """The moves as a page in the redline's style (the PDF is made from it)."""
    counts = Counter(m.change for m in found)
    counted = [(c, counts[c]) for c in CHANGES]
    return renderer_for(()).page(PAGE, old=old, new=new, moves=found, counts=counted, assets=bundled_templates().as_uri())


def moves_pdf(page: str) -> bytes:
    """The page as a PDF (the same bytes for the same editions)."""
    return make(PdfJob(page, (bundled_templates().resolve(),), strict=True, epoch=0))[0]


def load_pair(old: str, new: str, editions: Sequence[Path]) -> tuple[Edition, Edition]:
    """Both editions, by name."""
    return load_edition(old, editions), load_edition(new, editions)
