"""Theme ids and labelled data: themes.csv, plain ``text,labels`` CSVs and stand-off labels.

Stand-off labels (columns ``doc,start,end,labels``) point into documents of a corpus folder
instead of holding text, so third-party text never enters the repository. The two CSV
formats are told apart by their columns.
"""

from __future__ import annotations

import csv
import hashlib
import io
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from edutag.defaults import corpus_dir, packaged
from edutag.errors import LabelError

__all__ = ["Example", "theme_ids", "themes", "read_labelled", "check_labelled", "data_hash"]

_SEPARATOR = "|"


@dataclass(frozen=True)
class Example:
    """One labelled unit: its text, its theme ids, and where it came from."""

    text: str
    labels: tuple[str, ...]
    source: str = ""          # corpus folder, "synthetic", or the CSV's file name
    doc: str = ""             # document id (stand-off `doc`, or a CSV's doc_id column)
    where: str = ""           # file:row, for messages


@lru_cache(maxsize=1)
def themes() -> list[dict[str, str]]:
    """The rows of data/labels/themes.csv (id, name_zh, name_en, scope, not_here)."""
    text = packaged("data", "labels", "themes.csv").read_text("utf-8")
    return list(csv.DictReader(io.StringIO(text)))


def theme_ids() -> list[str]:
    """The 19 theme ids, in taxonomy order. The only place label ids come from."""
    return [row["id"] for row in themes()]


def read_labelled(path: str | Path, corpus: str | Path | None = None) -> list[Example]:
    """Read one labelled CSV of either format; stand-off rows are resolved against `corpus`.

    >>> read_labelled("data/labels/train.csv")[0].labels  # doctest: +SKIP
    ('teachers',)
    """
    path = Path(path)
    rows = _read_rows(path)
    header = set(rows[0].keys()) if rows else set()
    if {"doc", "start", "end", "labels"} <= header:
        return _resolve_standoff(path, rows, Path(corpus) if corpus else corpus_dir())
    if {"text", "labels"} <= header:
        return [_plain_example(path, n, row) for n, row in enumerate(rows, start=2)]
    raise LabelError(
        f"{path}: needs the columns text,labels (plain) or doc,start,end,labels (stand-off); "
        f"found {', '.join(sorted(header)) or 'no header'}. Check the header row and that the "
        "file is comma-separated UTF-8.")


def _read_rows(path: Path) -> list[dict[str, str]]:
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise LabelError(f"{path}: cannot read ({e.strerror}). Check the path.") from e
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise LabelError(f"{path}: byte {e.start} is not UTF-8. Save the CSV as UTF-8.") from e
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if reader.fieldnames and len(reader.fieldnames) == 1 and any(
            d in reader.fieldnames[0] for d in ";\t"):
        raise LabelError(f"{path}: the header has one column {reader.fieldnames[0]!r}; "
                         "the delimiter must be a comma.")
    rows = list(reader)
    if reader.fieldnames is None:
        raise LabelError(f"{path}: the file is empty; it needs a header row text,labels.")
    if not rows:
        raise LabelError(f"{path}: has a header ({','.join(reader.fieldnames)}) but no rows.")
    return rows


def _parse_labels(value: str, where: str) -> tuple[str, ...]:
    known = set(theme_ids())
    ids = tuple(v.strip() for v in (value or "").split(_SEPARATOR) if v.strip())
    for v in ids:
        if v not in known:
            raise LabelError(f"{where}: unknown theme id {v!r}; valid ids: {', '.join(theme_ids())}.")
    return ids


def _plain_example(path: Path, row_number: int, row: dict[str, str]) -> Example:
    where = f"{path}:{row_number}"
    text = (row.get("text") or "").strip()
    if not text:
        raise LabelError(f"{where}: empty text. Remove the row or fill in its text.")
    return Example(text, _parse_labels(row.get("labels", ""), where),
                   row.get("source") or path.name, row.get("doc_id", ""), where)


def _resolve_standoff(path: Path, rows, corpus: Path) -> list[Example]:
    if not corpus.is_dir():
        raise LabelError(
            f"{path}: stand-off labels need the corpus folder, and {corpus} is not one. "
            "Pass --corpus DIR or set EDUTAG_CORPUS.")
    examples = []
    for n, row in enumerate(rows, start=2):
        where = f"{path}:{n}"
        doc = row["doc"]
        try:
            start, end = int(row["start"]), int(row["end"])
        except ValueError:
            raise LabelError(f"{where}: start/end must be whole numbers, got "
                             f"{row['start']!r}/{row['end']!r}.") from None
        text = _document(corpus, doc, where)
        if not 0 <= start < end <= len(text):
            raise LabelError(f"{where}: offsets {start}-{end} are outside {doc} "
                             f"({len(text)} characters). The corpus may be a different version.")
        unit = text[start:end].strip()
        if not unit:
            raise LabelError(f"{where}: offsets {start}-{end} of {doc} hold only white space.")
        examples.append(Example(unit, _parse_labels(row["labels"], where),
                                doc.split("/")[0], doc, where))
    return examples


@lru_cache(maxsize=4096)
def _document(corpus: Path, doc: str, where: str = "") -> str:
    path = corpus / doc
    try:
        return path.read_text("utf-8")
    except FileNotFoundError:
        raise LabelError(f"{where}: document {doc} is not in the corpus {corpus}.") from None


def data_hash(examples: list[Example]) -> str:
    """A short hash of texts and labels, saved with a model to tell what it was trained on."""
    h = hashlib.sha256()
    for ex in examples:
        h.update(ex.text.encode("utf-8") + b"\t" + "|".join(ex.labels).encode() + b"\n")
    return h.hexdigest()[:16]


@dataclass
class LabelReport:
    """What `check_labelled` found: problems (file:row and value), counts per theme and source."""

    units: int = 0
    problems: list[str] = field(default_factory=list)
    per_theme: Counter = field(default_factory=Counter)
    per_source: Counter = field(default_factory=Counter)
    no_theme: int = 0


def check_labelled(paths: list[str | Path], corpus: str | Path | None = None) -> LabelReport:
    """Validate labelled CSVs and count them; the same text in train and test is a problem.

    Files named ``test*.csv`` are the held-out side; every other file is the training side.
    """
    report = LabelReport()
    seen: dict[str, dict[str, str]] = {"train": {}, "test": {}}
    for path in map(Path, paths):
        try:
            examples = read_labelled(path, corpus)
        except LabelError as e:
            report.problems.append(str(e))
            continue
        side = "test" if path.name.startswith("test") else "train"
        for ex in examples:
            report.units += 1
            report.per_source[ex.source] += 1
            report.per_theme.update(ex.labels)
            report.no_theme += not ex.labels
            key = "".join(ex.text.split())
            other = seen["train" if side == "test" else "test"].get(key)
            if other:
                report.problems.append(f"{ex.where}: the same text is in {other} (train and test overlap).")
            seen[side].setdefault(key, ex.where)
    return report
