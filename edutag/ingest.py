"""Ingest: turn files, folders and archives into plain-text documents.

Stage one of the pipeline. `read_inputs` yields a `Document` for each text it could read and
a `FileReport` for every input file (tagged later, skipped or failed here), so that no file
is ever silently dropped. Archives are read as streams and never extracted to disk.

>>> docs = [d for d in read_inputs(["examples/"]) if isinstance(d, Document)]  # doctest: +SKIP
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import os
import tarfile
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from edutag.defaults import (MAX_ARCHIVE_DEPTH, MAX_COMPRESSION_RATIO, MAX_MEMBER_BYTES,
                             TEXT_COLUMN)
from edutag.errors import InputError

__all__ = ["Document", "FileReport", "read_inputs", "decode"]

TEXT_SUFFIXES = {".txt", ".md", ".text"}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
TABLE_SUFFIXES = {".csv", ".jsonl"}
ARCHIVE_SUFFIXES = {".zip", ".tar.gz", ".tgz", ".tar"}


@dataclass(frozen=True)
class Document:
    """Extracted text of one document. `doc` is what output records name it by."""

    file: str    # the input file (``archive.zip!member`` inside archives), for the report
    doc: str     # the document: the file, or ``file#row`` for a row of a .csv/.jsonl
    text: str


@dataclass
class FileReport:
    """What happened to one input file: ``tagged``, ``skipped`` or ``failed``, and why."""

    file: str
    status: str
    reason: str = ""
    paragraphs: int = 0


def read_inputs(paths, *, text_column: str = TEXT_COLUMN) -> Iterator[Document | FileReport]:
    """Yield the documents of every path (file, folder walked in sorted order, archive).

    Files that are not read yield a `FileReport` with status ``skipped`` or ``failed``.
    A file whose documents were all yielded gets no report here: the caller reports it as
    tagged once its paragraphs are written.
    """
    if isinstance(paths, (str, os.PathLike)):
        raise TypeError("read_inputs() takes a list of paths; wrap a single path in a list")
    for path in paths:
        yield from _read_path(Path(path), str(path), text_column)


def _read_path(path: Path, name: str, text_column: str, seen: frozenset = frozenset()):
    try:
        real = path.resolve(strict=True)
    except (OSError, RuntimeError) as e:
        reason = "a symbolic link loop" if isinstance(e, RuntimeError) or getattr(
            e, "errno", None) == 40 else "does not exist"
        yield FileReport(name, "failed", f"cannot open: {reason}. Check the path.")
        return
    if path.is_dir():
        if real in seen:
            yield FileReport(name, "skipped", "folder already visited (a symbolic link loop)")
            return
        try:
            children = sorted(path.iterdir(), key=lambda p: os.fsencode(p.name))
        except OSError as e:
            yield FileReport(name, "failed", f"cannot list folder: {e.strerror}")
            return
        for child in children:
            yield from _read_path(child, os.path.join(name, _display(child.name)), text_column,
                                  seen | {real})
        return
    if not path.is_file():
        yield FileReport(name, "skipped", "not a regular file (a pipe, socket or device); not read")
        return
    try:
        if _suffix(name) in ARCHIVE_SUFFIXES:  # opened in place: never held whole in memory
            with path.open("rb") as stream:
                yield from read_bytes(stream, name, text_column=text_column)
            return
        data = path.read_bytes()
    except OSError as e:
        yield FileReport(name, "failed", f"cannot read: {e.strerror}. Check its permissions.")
        return
    yield from read_bytes(data, name, text_column=text_column)


def _display(name: str) -> str:
    """File names that are not valid UTF-8 are shown with escapes instead of crashing."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _suffix(name: str) -> str:
    lower = name.lower()
    for double in (".tar.gz",):
        if lower.endswith(double):
            return double
    return os.path.splitext(lower)[1]


def read_bytes(data, name: str, *, text_column: str = TEXT_COLUMN,
               depth: int = 0) -> Iterator[Document | FileReport]:
    """Yield the documents held in `data`, a file called `name` (its suffix picks the reader).

    `data` is bytes, or for an archive also a binary file object read in place.
    """
    suffix = _suffix(name)
    try:
        if suffix in ARCHIVE_SUFFIXES:
            stream = io.BytesIO(data) if isinstance(data, bytes) else data
            yield from _read_archive(stream, name, suffix, text_column, depth)
        elif suffix in TEXT_SUFFIXES:
            yield Document(name, name, decode(data, name))
        elif suffix in HTML_SUFFIXES:
            yield Document(name, name, html_text(decode(data, name)))
        elif suffix == ".docx":
            yield Document(name, name, docx_text(data, name))
        elif suffix in TABLE_SUFFIXES:
            yield from _read_table(data, name, suffix, text_column)
        else:
            yield FileReport(name, "skipped", f"not a supported format ({suffix or 'no suffix'}); "
                             "edutag reads .txt .md .html .docx .csv .jsonl .zip .tar.gz")
    except InputError as e:
        yield FileReport(name, "failed", str(e))


def decode(data: bytes, name: str = "<bytes>") -> str:
    """Bytes to text: a BOM wins, then strict UTF-8, then charset-normalizer's best guess.

    Raises InputError for binary data or text in no encoding it can tell.
    """
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                          (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            return _checked(data.decode(encoding, errors="replace"), name)
    try:
        return _checked(data.decode("utf-8"), name)
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(data[:MAX_DETECT_BYTES]).best()
    # No verdict happens for binary data and for files mixing UTF-8 and GBK lines: the
    # line-by-line decoding below sorts out the second, _checked refuses the first.
    encoding = best.encoding if best is not None else "gb18030"
    if b"\x00" in data[:8192] and not encoding.startswith("utf_16"):
        raise InputError(f"{name}: looks binary (it holds NUL bytes and is not UTF-16). "
                         "Is it really a text file? Save it as UTF-8 text.")
    if encoding in {"gb2312", "gbk", "gb18030", "hz", "big5", "cp950"}:
        # Chinese legacy text: decode line by line, UTF-8 first, so that a file pasted
        # together from UTF-8 and GBK parts comes out right in both.
        legacy = "big5" if encoding in {"big5", "cp950"} else "gb18030"
        return _checked("".join(_decode_line(line, legacy) for line in data.splitlines(True)),
                        name, legacy)
    return _checked(data.decode(encoding, errors="replace"), name, encoding)


def _decode_line(line: bytes, legacy: str) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError:
        return line.decode(legacy, errors="replace")


MAX_DETECT_BYTES = 1 << 20


def _checked(text: str, name: str, encoding: str = "utf-8") -> str:
    sample = text[:20000]
    if not sample.strip():
        return text
    control = sum(1 for c in sample if ord(c) < 32 and c not in "\r\n\t\f")
    bad = sample.count("\ufffd") + control
    if bad > 0.05 * len(sample):
        raise InputError(f"{name}: looks binary or is in no text encoding edutag can tell "
                         f"({bad} unreadable characters in the first {len(sample)} as "
                         f"{encoding}). Save it as UTF-8 text, or pass it as .docx.")
    return text.replace("\x00", "")


def html_text(html: str) -> str:
    """Visible text of an HTML page, one block element per line."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "head", "svg"]):
        tag.decompose()
    return soup.get_text("\n")


def docx_text(data: bytes, name: str) -> str:
    """Paragraphs of a .docx in order, then its table cells row by row."""
    try:
        import docx
        from docx.opc.exceptions import PackageNotFoundError
    except ImportError as e:  # pragma: no cover - python-docx is a dependency
        raise InputError("reading .docx needs python-docx: pip install python-docx") from e
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as e:
        raise InputError(f"{name}: not a readable .docx ({e.__class__.__name__}). "
                         "Open and re-save it in Word or LibreOffice.") from e
    except Exception as e:  # lxml and zip errors of damaged files vary widely
        raise InputError(f"{name}: damaged .docx ({e.__class__.__name__}: {e}). "
                         "Open and re-save it in Word or LibreOffice.") from e
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("\t".join(cell.text for cell in row.cells))
    return "\n".join(lines)


def _read_table(data: bytes, name: str, suffix: str, text_column: str):
    text = decode(data, name)
    if suffix == ".csv":
        reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff"), newline=""))
        if text_column not in (reader.fieldnames or []):
            raise InputError(f"{name}: no column {text_column!r} (columns: "
                             f"{', '.join(reader.fieldnames or [])}). Pass --text-column NAME.")
        for n, row in enumerate(reader, start=2):
            yield Document(name, f"{name}#{n}", row[text_column] or "")
        return
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as e:
            raise InputError(f"{name}:{n}: not JSON ({e.msg}). Each line must be one object.") from e
        if not isinstance(record, dict) or not isinstance(record.get(text_column), str):
            raise InputError(f"{name}:{n}: no string field {text_column!r}. Pass --text-column NAME.")
        yield Document(name, f"{name}#{n}", record[text_column])


def _read_archive(stream, name: str, suffix: str, text_column: str, depth: int):
    if depth >= MAX_ARCHIVE_DEPTH:
        yield FileReport(name, "skipped", f"archive nested deeper than {MAX_ARCHIVE_DEPTH} levels; "
                         "extract it and pass the inner archive")
        return
    members = _zip_members if suffix == ".zip" else _tar_members
    for member, content in members(stream, name):
        inner = f"{name}!{member}"
        if isinstance(content, str):
            yield FileReport(inner, "skipped" if content.startswith("skipped:") else "failed",
                             content.split(":", 1)[1].strip())
        else:
            yield from read_bytes(content, inner, text_column=text_column, depth=depth + 1)


def _unsafe_member(member: str) -> str | None:
    parts = member.replace("\\", "/").split("/")
    if member.startswith(("/", "\\")) or (len(member) > 1 and member[1] == ":") or ".." in parts:
        return "skipped: unsafe member path (absolute or with ..); not read"
    return None


def _zip_members(stream, name: str):
    try:
        archive = zipfile.ZipFile(stream)
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise InputError(f"{name}: not a readable .zip ({e}). Re-create the archive.") from e
    for info in infos:
        if info.is_dir():
            continue
        problem = _unsafe_member(info.filename) or _too_big(info.file_size, info.compress_size)
        if problem:
            yield info.filename, problem
            continue
        try:
            with archive.open(info) as stream:
                content = stream.read(MAX_MEMBER_BYTES + 1)
        except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError) as e:
            yield info.filename, f"failed: damaged archive member ({e})"
            continue
        if len(content) > MAX_MEMBER_BYTES:
            yield info.filename, "failed: inflates past the size limit (declared size was false)"
            continue
        yield info.filename, content


def _too_big(size: int, compressed: int) -> str | None:
    if size > MAX_MEMBER_BYTES:
        return f"skipped: {size} bytes unpacked, over the {MAX_MEMBER_BYTES} byte limit"
    if compressed and size / compressed > MAX_COMPRESSION_RATIO and size > 1 << 20:
        return (f"skipped: compression ratio {size // compressed}:1 looks like a zip bomb "
                f"(limit {MAX_COMPRESSION_RATIO}:1)")
    return None


def _tar_members(stream, name: str):
    try:
        archive = tarfile.open(fileobj=stream, mode="r:*")
        infos = archive.getmembers()
    except (tarfile.TarError, OSError, EOFError) as e:
        raise InputError(f"{name}: not a readable tar archive ({e}). Re-create the archive.") from e
    for info in infos:
        if not info.isfile():
            continue
        problem = _unsafe_member(info.name) or _too_big(info.size, 0)
        if problem:
            yield info.name, problem
            continue
        try:
            stream = archive.extractfile(info)
            content = stream.read() if stream else b""
        except (tarfile.TarError, OSError, EOFError) as e:
            yield info.name, f"failed: damaged archive member ({e})"
            continue
        yield info.name, content
