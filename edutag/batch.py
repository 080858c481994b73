"""The batch predictor: documents in, tagged paragraphs and per-file reports out, in order.

Documents are segmented as they are read, and their units are packed into batches of at
most `chunk_units` units — a huge document spans many batches, small ones share one — so
memory is bounded by the batch size, not by the archive or the largest file. With
``jobs > 1`` the batches are scored in worker processes, a bounded number ahead, and
results are put back in input order: the output is the same for every number of jobs.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field

from edutag.defaults import CHUNK_UNITS, TEXT_COLUMN
from edutag.ingest import FileReport, read_inputs
from edutag.model import Paragraph, Tagger
from edutag.segment import Unit, segment

__all__ = ["tag_inputs", "default_jobs"]

_worker_tagger: Tagger | None = None


def default_jobs() -> int:
    """All cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclass
class _Part:
    """Consecutive units of one document inside a batch."""

    file: str
    doc: str
    units: list[Unit]


@dataclass
class _Batch:
    items: list = field(default_factory=list)   # _Part | FileReport, in input order
    texts: list[str] = field(default_factory=list)


def tag_inputs(tagger: Tagger, paths: Iterable, *, jobs: int = 1, text_column: str = TEXT_COLUMN,
               chunk_units: int = CHUNK_UNITS, skip: Iterable[str] = ()) -> Iterator[Paragraph | FileReport]:
    """Yield every tagged `Paragraph`, and one `FileReport` per input file once it is done.

    Files named in `skip` (finished by an interrupted run) are left out entirely.
    """
    skip = frozenset(skip)
    events = (e for e in read_inputs(list(paths), text_column=text_column) if e.file not in skip)
    batches = _batches(events, chunk_units)
    scored = ((b, tagger.decision_scores(b.texts)) for b in batches) if jobs <= 1 else \
        _parallel(tagger, batches, jobs)
    current, count = None, 0
    for batch, scores in scored:
        row = 0
        for item in batch.items:
            if current is not None and (isinstance(item, FileReport) or item.file != current):
                yield _done(current, count)
                current = None
            if isinstance(item, FileReport):
                yield item
                continue
            if current is None:
                current, count = item.file, 0
            for unit in item.units:
                yield tagger.paragraph(item.doc, unit, scores[row])
                row += 1
            count += len(item.units)
    if current is not None:
        yield _done(current, count)


def _done(file: str, paragraphs: int) -> FileReport:
    if paragraphs:
        return FileReport(file, "tagged", "", paragraphs)
    return FileReport(file, "skipped", "no text to tag (empty, or only boilerplate)", 0)


def _batches(events, chunk_units: int) -> Iterator[_Batch]:
    """Segment documents as they come and pack their units into batches of `chunk_units`."""
    batch = _Batch()
    for event in events:
        if isinstance(event, FileReport):
            batch.items.append(event)
            continue
        units = segment(event.text).units
        if not units:
            batch.items.append(_Part(event.file, event.doc, []))  # reported as "no text"
        while units:
            room = chunk_units - len(batch.texts)
            part, units = units[:room], units[room:]
            batch.items.append(_Part(event.file, event.doc, part))
            batch.texts.extend(u.text for u in part)
            if len(batch.texts) >= chunk_units:
                yield batch
                batch = _Batch()
    if batch.items:
        yield batch


def _score(texts: list[str]):
    return _worker_tagger.decision_scores(texts)


def _init_worker(tagger: Tagger):
    global _worker_tagger
    _worker_tagger = tagger


def _parallel(tagger: Tagger, batches, jobs: int):
    """Score batches in `jobs` processes, at most 2 × jobs ahead; yield them in order."""
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker,
                             initargs=(tagger,)) as pool:
        pending = []
        for batch in batches:
            pending.append((batch, pool.submit(_score, batch.texts)))
            if len(pending) > 2 * jobs:
                done, future = pending.pop(0)
                yield done, future.result()
        for done, future in pending:
            yield done, future.result()
