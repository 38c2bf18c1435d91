"""The collection as tables: a CSV file (one row per answer) and a SQLite database with a full-text index."""

from __future__ import annotations

import csv
import io
import re
import sqlite3
from pathlib import Path

from .. import output
from ..domain import classification
from ..errors import OutputError
from .gather import ANSWER_COLUMNS, Collection, Submission

SUBMISSION_COLUMNS = (
    "post",
    "year",
    "country",
    "code",
    "edition",
    "classification",
    "answered",
    "required",
    "unreviewed",
    "errors",
    "warnings",
    "source",
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS submissions (
    post TEXT NOT NULL, year INTEGER, country TEXT, code TEXT, edition TEXT, classification TEXT,
    answered INTEGER, required INTEGER, unreviewed INTEGER, errors INTEGER, warnings INTEGER, source TEXT,
    PRIMARY KEY (post, country, year)
);
CREATE TABLE IF NOT EXISTS answers (
    id INTEGER PRIMARY KEY,
    post TEXT NOT NULL, country TEXT, code TEXT, year INTEGER, edition TEXT,
    paragraph INTEGER, letter TEXT, item TEXT, topic TEXT, mark TEXT, status TEXT, text TEXT,
    FOREIGN KEY (post, country, year) REFERENCES submissions (post, country, year)
);
CREATE INDEX IF NOT EXISTS answers_by_item ON answers (item, year);
CREATE INDEX IF NOT EXISTS answers_by_post ON answers (post, country, year);
-- content="answers" in double quotes: the form Datasette looks for to offer a search box on answers
CREATE VIRTUAL TABLE IF NOT EXISTS answers_fts USING fts5 (text, topic, content="answers", content_rowid="id");
CREATE TRIGGER IF NOT EXISTS answers_ai AFTER INSERT ON answers BEGIN
    INSERT INTO answers_fts (rowid, text, topic) VALUES (new.id, new.text, new.topic);
END;
CREATE TRIGGER IF NOT EXISTS answers_ad AFTER DELETE ON answers BEGIN
    INSERT INTO answers_fts (answers_fts, rowid, text, topic) VALUES ('delete', old.id, old.text, old.topic);
END;
"""

# "Every post that mentions debt bondage in an answer on law-enforcement statistics (25.E in
# 2009) since 2008": the README's example, kept here so a test runs it as printed.
EXAMPLE_QUERY = """
SELECT answers.post, answers.year, answers.paragraph || '.' || answers.letter AS place, answers.text
FROM answers_fts JOIN answers ON answers.id = answers_fts.rowid
WHERE answers_fts MATCH '"debt bondage"' AND answers.item = 'prosecution.statistics' AND answers.year >= 2008
ORDER BY answers.post, answers.year
"""


def csv_bytes(found: Collection) -> bytes:
    """One row per answer, a header first (UTF-8; line breaks inside an answer kept, quoted)."""
    buffer = io.StringIO(newline="")
    out = csv.writer(buffer, lineterminator="\r\n")
    out.writerow(ANSWER_COLUMNS)
    out.writerows((_cell(v) for v in row.values()) for row in found.answers)
    return buffer.getvalue().encode("utf-8")


FORMULA = ("=", "+", "-", "@", "\t", "\r")  # how a cell a spreadsheet would run as a formula starts


def _cell(value: object) -> object:
    """A CSV cell a spreadsheet shows as text: a text that starts as a formula would
    (``=HYPERLINK(...)``, ``+``, ``-``, ``@``) gets an apostrophe first, which Excel and
    LibreOffice read as "text" and do not show (OWASP's advice on CSV injection)."""
    if value is None:
        return ""
    return "'" + value if isinstance(value, str) and value.startswith(FORMULA) else value


def write_csv(found: Collection, path: Path) -> None:
    """The CSV file, replaced all or nothing."""
    output.replace_all({path: csv_bytes(found)})


def write_sqlite(found: Collection, path: Path) -> None:
    """Add the collection to the database at ``path`` (made if missing): each submission's
    rows replace those of the same post and year (and country: one embassy may report on
    several), in one transaction, so collecting again
    is idempotent and a failure leaves the database as it was."""
    if path.is_dir():
        raise OutputError(f"{path}: is a folder; cannot write the database there")
    output.refuse_special(path)  # never written through a link, into a FIFO or a device
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, timeout=10, isolation_level=None)
    except (OSError, sqlite3.Error) as exc:
        raise OutputError(f"{path}: cannot open the database: {exc}") from None
    try:
        with db:
            db.execute("BEGIN IMMEDIATE")
            _ours_or_new(db, path, found.up_to)
            _schema(db)
            for submission in found.submissions:
                _replace(db, submission, found)
    except sqlite3.DatabaseError as exc:
        raise OutputError(f"{path}: cannot write the database ({exc}); it is unchanged") from None
    finally:
        db.close()


APPLICATION_ID = 0x54495044  # "TIPD", in the file's header: a database tipdraft made
TABLES = re.compile(r"CREATE (?:VIRTUAL )?TABLE IF NOT EXISTS (\w+)")
FTS_OWN = "answers_fts_"  # the tables FTS5 keeps for answers_fts (_data, _idx, _docsize, _config)


def _ours_or_new(db: sqlite3.Connection, path: Path, up_to: str | None) -> None:
    """Refuse (nothing changed) a database that is not tipdraft's (tables of its own), and a
    copy withheld up to a mark into one that already holds text above it (the copy would then
    show it). A new or empty one is marked as tipdraft's."""
    tables = [row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
    others = [t for t in tables if not _ours(t)]
    if others or (tables and db.execute("PRAGMA application_id").fetchone()[0] not in (0, APPLICATION_ID)):
        said = ", ".join(others[:5]) or "made by another program"
        raise OutputError(f"{path}: is a database that is not tipdraft's ({said}); not changed: name a new file")
    db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    if up_to is not None and "answers" in tables:
        _nothing_above(db, path, up_to)


def _ours(table: str) -> bool:
    """A table of tipdraft's schema, or one FTS5 keeps for it."""
    return table in TABLES.findall(SCHEMA) or table.startswith(FTS_OWN)


def _nothing_above(db: sqlite3.Connection, path: Path, up_to: str) -> None:
    marks = {row[0] for row in db.execute("SELECT DISTINCT mark FROM answers")}
    above = sorted(str(m) for m in marks if classification.above(m, up_to))
    if above:
        raise OutputError(
            f"{path}: already holds text marked {', '.join(above)}, above --up-to {up_to}; not changed: write the copy to a new database"
        )


def _schema(db: sqlite3.Connection) -> None:
    for statement in _statements(SCHEMA):
        db.execute(statement)


def _statements(script: str) -> list[str]:
    """The schema's statements, one at a time (``executescript`` would commit the open transaction)."""
    statements, current = [], ""
    for line in script.strip().splitlines():
        current += line + "\n"
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    return statements


def _replace(db: sqlite3.Connection, submission: Submission, found: Collection) -> None:
    key = (submission.post, submission.country, submission.year)
    db.execute("DELETE FROM answers WHERE post = ? AND country = ? AND year IS ?", key)
    db.execute("DELETE FROM submissions WHERE post = ? AND country = ? AND year IS ?", key)
    values = [getattr(submission, name) for name in SUBMISSION_COLUMNS]
    db.execute(f"INSERT INTO submissions ({', '.join(SUBMISSION_COLUMNS)}) VALUES ({', '.join('?' * len(values))})", values)
    rows = [row.values() for row in found.answers if (row.post, row.country, row.year) == key]
    marks = ", ".join("?" * len(ANSWER_COLUMNS))
    db.executemany(f"INSERT INTO answers ({', '.join(ANSWER_COLUMNS)}) VALUES ({marks})", rows)
