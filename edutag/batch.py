"""The batch predictor: documents in, tagged paragraphs and per-file reports out, in order.

Documents are packed into batches of about `batch_chars` characters as they are read; a
document longer than that is cut into pieces at line breaks. A batch is segmented *and*
scored in one go, by a worker process when ``jobs > 1`` — the main process only reads
files and writes results — and results are put back in input order, at most 2 × jobs
batches ahead. So memory is bounded by the batch size, not by the archive, and the output
is the same for every number of jobs.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from edutag.defaults import BATCH_CHARS, TEXT_COLUMN
from edutag.ingest import FileReport, read_inputs
from edutag.model import Paragraph, Tagger
from edutag.segment import segment

__all__ = ["tag_inputs", "default_jobs", "DroppedSpan"]

_worker_tagger: Tagger | None = None


def default_jobs() -> int:
    """All cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclass(frozen=True)
class DroppedSpan:
    """Boilerplate left out of tagging, for the audit file: where, why and what."""

    doc: str
    start: int
    end: int
    reason: str
    text: str


@dataclass
class _Piece:
    """A document, or the piece of a long one that starts at `offset`."""

    file: str
    doc: str
    text: str
    offset: int = 0


@dataclass
class _Batch:
    items: list = field(default_factory=list)   # _Piece | FileReport, in input order
    chars: int = 0


def tag_inputs(tagger: Tagger, paths: Iterable, *, jobs: int = 1, text_column: str = TEXT_COLUMN,
               batch_chars: int = BATCH_CHARS, skip: Iterable[str] = (),
               dropped: bool = False) -> Iterator[Paragraph | FileReport | DroppedSpan]:
    """Yield every tagged `Paragraph`, and one `FileReport` per input file once it is done.

    Files named in `skip` (finished by an interrupted run) are left out entirely. With
    `dropped`, every span of boilerplate dropped by the segmenter is yielded as well.
    """
    skip = frozenset(skip)
    events = (e for e in read_inputs(list(paths), text_column=text_column) if e.file not in skip)
    batches = _batches(events, batch_chars)
    done = ((b, _work(tagger, b)) for b in batches) if jobs <= 1 else _parallel(tagger, batches, jobs)
    current, count, index = None, 0, 0   # file being reported, its paragraphs, doc's units
    for batch, results in done:
        pieces = iter(results)
        for item in batch.items:
            if current is not None and (isinstance(item, FileReport) or item.file != current):
                yield _done(current, count)
                current = None
            if isinstance(item, FileReport):
                yield item
                continue
            if current is None:
                current, count = item.file, 0
            starts, ends, texts, scores, spans = next(pieces)
            if item.offset == 0:
                index = 0      # a new document (a file may hold many: csv, jsonl)
            else:              # a later piece of a long document: shift it into place
                starts = [x + item.offset for x in starts]
                ends = [x + item.offset for x in ends]
            yield from tagger.records(item.doc, range(index, index + len(texts)), starts, ends,
                                      texts, scores)
            if dropped:
                yield from (DroppedSpan(item.doc, start + item.offset, end + item.offset, reason, text)
                            for start, end, reason, text in spans)
            count, index = count + len(texts), index + len(texts)
    if current is not None:
        yield _done(current, count)


def _done(file: str, paragraphs: int) -> FileReport:
    if paragraphs:
        return FileReport(file, "tagged", "", paragraphs)
    return FileReport(file, "skipped", "no text to tag (empty, or only boilerplate)", 0)


def _batches(events, batch_chars: int) -> Iterator[_Batch]:
    """Pack documents into batches of about `batch_chars` characters, in input order."""
    batch = _Batch()
    for event in events:
        pieces = [event] if isinstance(event, FileReport) else _pieces(event, batch_chars)
        for piece in pieces:
            batch.items.append(piece)
            batch.chars += 0 if isinstance(piece, FileReport) else len(piece.text)
            if batch.chars >= batch_chars:
                yield batch
                batch = _Batch()
    if batch.items:
        yield batch


def _pieces(document, batch_chars: int) -> list[_Piece]:
    """A document as one piece, or cut after the last line break before each `batch_chars`."""
    text, pieces, start = document.text, [], 0
    while len(text) - start > batch_chars:
        cut = text.rfind("\n", start + batch_chars // 2, start + batch_chars) + 1 or start + batch_chars
        pieces.append(_Piece(document.file, document.doc, text[start:cut], start))
        start = cut
    pieces.append(_Piece(document.file, document.doc, text[start:], start))
    return pieces


def _work(tagger: Tagger, batch: _Batch) -> list[tuple]:
    """Segment and score the documents of one batch. Per document piece: unit starts, ends
    and texts, their scores, and the dropped boilerplate — as lists and arrays, which cross
    the process boundary far faster than objects."""
    pieces = [item for item in batch.items if isinstance(item, _Piece)]
    segmentations = [segment(piece.text, separators=False) for piece in pieces]
    scores = tagger.decision_scores([u.text for s in segmentations for u in s.units])
    out, row = [], 0
    for s in segmentations:
        n = len(s.units)
        out.append(([u.start for u in s.units], [u.end for u in s.units],
                    [u.text for u in s.units], scores[row:row + n],
                    [(d.start, d.end, d.reason, d.text) for d in s.dropped]))
        row += n
    return out


def _work_in_worker(batch: _Batch):
    return _work(_worker_tagger, batch)


def _init_worker(tagger: Tagger):
    global _worker_tagger
    _worker_tagger = tagger


def _parallel(tagger: Tagger, batches, jobs: int):
    """Work on batches in `jobs` processes, at most 2 × jobs ahead; yield them in order."""
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker,
                             initargs=(tagger,)) as pool:
        pending = []
        for batch in batches:
            pending.append((batch, pool.submit(_work_in_worker, batch)))
            if len(pending) > 2 * jobs:
                done, future = pending.pop(0)
                yield done, future.result()
        for done, future in pending:
            yield done, future.result()
