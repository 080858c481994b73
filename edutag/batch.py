"""The batch predictor: documents in, tagged paragraphs and per-file reports out, in order.

Documents are grouped into chunks of about `chunk_units` units; with ``jobs > 1`` chunks are
segmented and tagged in worker processes, a bounded number ahead, and results are yielded
in input order, so the output is the same for every number of jobs.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor

from edutag.defaults import CHUNK_UNITS, TEXT_COLUMN
from edutag.ingest import Document, FileReport, read_inputs
from edutag.model import Paragraph, Tagger
from edutag.segment import segment

__all__ = ["tag_inputs", "default_jobs"]

_worker_tagger: Tagger | None = None


def default_jobs() -> int:
    """All cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def tag_inputs(tagger: Tagger, paths: Iterable, *, jobs: int = 1, text_column: str = TEXT_COLUMN,
               chunk_units: int = CHUNK_UNITS, skip: Iterable[str] = ()) -> Iterator[Paragraph | FileReport]:
    """Yield every tagged `Paragraph`, and one `FileReport` per input file once it is done.

    Files named in `skip` (finished by an interrupted run) are left out entirely.
    """
    skip = frozenset(skip)
    events = (e for e in read_inputs(list(paths), text_column=text_column) if e.file not in skip)
    chunks = _chunks(events, chunk_units)
    if jobs <= 1:
        results = (_tag_chunk(chunk, tagger) for chunk in chunks)
    else:
        results = _parallel(tagger, chunks, jobs)
    current, count = None, 0
    for result in results:
        for item in result:
            if isinstance(item, FileReport):
                if current is not None:
                    yield _done(current, count)
                    current = None
                yield item
                continue
            file, paragraphs = item
            if file != current:
                if current is not None:
                    yield _done(current, count)
                current, count = file, 0
            count += len(paragraphs)
            yield from paragraphs
    if current is not None:
        yield _done(current, count)


def _done(file: str, paragraphs: int) -> FileReport:
    if paragraphs:
        return FileReport(file, "tagged", "", paragraphs)
    return FileReport(file, "skipped", "no text to tag (empty, or only boilerplate)", 0)


def _chunks(events, chunk_units: int):
    """Group the stream into lists of Documents and FileReports of about `chunk_units` units.

    Size is estimated from characters (a unit is at most a few hundred) so that grouping does
    not need to segment.
    """
    chunk, size = [], 0
    budget = chunk_units * 100
    for event in events:
        chunk.append(event)
        size += len(event.text) if isinstance(event, Document) else 0
        if size >= budget:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _tag_chunk(chunk, tagger: Tagger | None = None):
    """Segment and tag every document of a chunk with one model call."""
    tagger = tagger or _worker_tagger
    units, owners = [], []
    for i, event in enumerate(chunk):
        if isinstance(event, Document):
            for unit in segment(event.text).units:
                units.append(unit)
                owners.append(i)
    scores = tagger.decision_scores([u.text for u in units])
    by_doc: dict[int, list[Paragraph]] = {}
    for row, (unit, i) in enumerate(zip(units, owners)):
        by_doc.setdefault(i, []).append(tagger.paragraph(chunk[i].doc, unit, scores[row]))
    out = []
    for i, event in enumerate(chunk):
        out.append(event if isinstance(event, FileReport) else (event.file, by_doc.get(i, [])))
    return out


def _init_worker(tagger: Tagger):
    global _worker_tagger
    _worker_tagger = tagger


def _parallel(tagger: Tagger, chunks, jobs: int):
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker,
                             initargs=(tagger,)) as pool:
        pending = []
        for chunk in chunks:
            pending.append(pool.submit(_tag_chunk, chunk))
            if len(pending) > 2 * jobs:  # bounded look-ahead keeps memory flat
                yield pending.pop(0).result()
        for future in pending:
            yield future.result()
