"""Hostile input: every file is accounted for, nothing crashes, nothing escapes the archive.

The files are generated here. Each case checks the status and the reason a user reads in the
per-file report (``edutag tag`` → OUT.files.jsonl).
"""

import io
import json
import os
import tarfile
import zipfile

import pytest
from typer.testing import CliRunner

from edutag.batch import tag_inputs
from edutag.cli import app
from edutag.defaults import MAX_ARCHIVE_DEPTH
from edutag.ingest import FileReport

from conftest import docx_bytes

TEXT = "一、安全工作\n开展防溺水专题教育，签订安全责任书，组织地震疏散演练。\n"


def _docx():
    return docx_bytes(TEXT.splitlines())


def _zip(members, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buffer.getvalue()


def _nested(depth):
    data = _zip({"inner.txt": TEXT.encode()})
    for level in range(depth - 1):
        data = _zip({f"level{level}.zip": data})
    return data


def _tar(members):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as t:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            t.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _reports(tagger, path):
    return {r.file: r for r in tag_inputs(tagger, [path]) if isinstance(r, FileReport)}


def _one(tagger, tmp_path, name, data):
    path = tmp_path / name
    path.write_bytes(data)
    reports = _reports(tagger, path)
    return reports, path


# (file name, bytes, expected {member suffix: (status, words in the reason)})
CASES = {
    "binary named txt": ("fake.txt", bytes(range(256)) * 40, {"": ("failed", "binary")}),
    "zip named txt": ("archive.txt", _zip({"a.txt": b"x" * 5000}), {"": ("failed", "binary")}),
    "png": ("photo.png", b"\x89PNG\r\n\x1a\n" + os.urandom(2000), {"": ("skipped", ".png")}),
    "pdf": ("scan.pdf", b"%PDF-1.4\n" + os.urandom(500), {"": ("skipped", ".pdf")}),
    "no suffix": ("README", TEXT.encode(), {"": ("skipped", "no suffix")}),
    "gbk": ("gbk.txt", TEXT.encode("gbk"), {"": ("tagged", "")}),
    "gb18030": ("gb18030.txt", (TEXT + "㐀䶵€\n").encode("gb18030"), {"": ("tagged", "")}),
    "big5 traditional": ("big5.txt", "開展防溺水專題教育，簽訂安全責任書。\n".encode("big5"), {"": ("tagged", "")}),
    "utf-16 le bom": ("u16le.txt", TEXT.encode("utf-16"), {"": ("tagged", "")}),
    "utf-16 be bom": ("u16be.txt", b"\xfe\xff" + TEXT.encode("utf-16-be"), {"": ("tagged", "")}),
    "utf-8 bom": ("bom.txt", b"\xef\xbb\xbf" + TEXT.encode(), {"": ("tagged", "")}),
    "mixed encodings": ("mixed.txt", "一、安全工作\n".encode() + "开展防溺水专题教育。\n".encode("gbk"),
                        {"": ("tagged", "")}),
    "empty": ("empty.txt", b"", {"": ("skipped", "no text")}),
    "whitespace only": ("blank.txt", " \n\t\n\u3000\n".encode(), {"": ("skipped", "no text")}),
    "only boilerplate": ("ads.txt", "下载本文档\n版权所有 © 2024\n".encode(), {"": ("skipped", "no text")}),
    "truncated docx": ("cut.docx", _docx()[:700], {"": ("failed", "docx")}),
    "docx not a zip": ("fake.docx", b"this is not a word file", {"": ("failed", "docx")}),
    "corrupt zip": ("broken.zip", b"PK\x03\x04" + os.urandom(300), {"": ("failed", "zip")}),
    "zip bomb by ratio": ("bomb.zip", _zip({"big.txt": b"0" * (20 << 20)}), {"!big.txt": ("skipped", "zip bomb")}),
    "zip slip": ("slip.zip", _zip({"../evil.txt": TEXT.encode(), "ok.txt": TEXT.encode()}),
                 {"!../evil.txt": ("skipped", "unsafe member path"), "!ok.txt": ("tagged", "")}),
    "absolute member": ("abs.zip", _zip({"/etc/evil.txt": TEXT.encode()}),
                        {"!/etc/evil.txt": ("skipped", "unsafe member path")}),
    "tar slip": ("slip.tar.gz", _tar({"../../evil.txt": TEXT.encode(), "ok.txt": TEXT.encode()}),
                 {"!../../evil.txt": ("skipped", "unsafe member path"), "!ok.txt": ("tagged", "")}),
    "corrupt tar.gz": ("broken.tar.gz", b"\x1f\x8b" + os.urandom(200), {"": ("failed", "tar")}),
    "nested depth 3": ("nest3.zip", _nested(3), {"!level1.zip!level0.zip!inner.txt": ("tagged", "")}),
    "nested too deep": ("nest5.zip", _nested(MAX_ARCHIVE_DEPTH + 2), {"!level3.zip!level2.zip!level1.zip":
                                                                     ("skipped", "nested deeper")}),
    "bad jsonl line": ("rows.jsonl", b'{"text": "\xe5\xbc\x80\xe5\xb1\x95"}\n{oops\n', {"": ("failed", ":2: not JSON")}),
    "html broken markup": ("page.html", "<p>开展防溺水<b>专题教育<div></p></html".encode(), {"": ("tagged", "")}),
    "docx in zip": ("docs.zip", _zip({"a.docx": _docx(), "b.docx": b"garbage"}),
                    {"!a.docx": ("tagged", ""), "!b.docx": ("failed", "docx")}),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_hostile_file_is_reported(tiny_tagger, tmp_path, case):
    name, data, expected = CASES[case]
    reports, path = _one(tiny_tagger, tmp_path, name, data)
    for suffix, (status, words) in expected.items():
        report = reports[f"{path}{suffix}"]
        assert report.status == status, report
        assert words in report.reason, report


def test_hostile_zip_bomb_by_declared_size_is_not_inflated(tiny_tagger, tmp_path, monkeypatch):
    import edutag.ingest

    monkeypatch.setattr(edutag.ingest, "MAX_MEMBER_BYTES", 1000)
    reports, path = _one(tiny_tagger, tmp_path, "big.zip", _zip({"a.txt": TEXT.encode() * 100},
                                                                 zipfile.ZIP_STORED))
    assert reports[f"{path}!a.txt"].status == "skipped"
    assert "over the 1000 byte limit" in reports[f"{path}!a.txt"].reason


def test_hostile_50mb_line_without_break_is_cut_and_tagged(tiny_tagger, tmp_path):
    path = tmp_path / "runon.txt"
    sentence = "开展防溺水专题教育，签订安全责任书。".encode()
    path.write_bytes(sentence * (50_000_000 // len(sentence) + 1))
    paragraphs, reports = 0, []
    for event in tag_inputs(tiny_tagger, [path]):
        if isinstance(event, FileReport):
            reports.append(event)
        else:
            paragraphs += 1
            assert len(event.text) <= 300
    assert [r.status for r in reports] == ["tagged"] and reports[0].paragraphs == paragraphs > 50_000


def test_hostile_symlink_loop_in_a_folder(tiny_tagger, tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "docs" / "loop").symlink_to(tmp_path / "docs")
    (tmp_path / "docs" / "self.txt").symlink_to(tmp_path / "docs" / "self.txt")
    reports = _reports(tiny_tagger, tmp_path / "docs")
    assert reports[str(tmp_path / "docs" / "a.txt")].status == "tagged"
    assert reports[str(tmp_path / "docs" / "loop")].status == "skipped"
    assert "loop" in reports[str(tmp_path / "docs" / "self.txt")].reason


def test_hostile_fifo_is_skipped_not_read(tiny_tagger, tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    reports = _reports(tiny_tagger, tmp_path / "pipe.txt")
    assert reports[str(tmp_path / "pipe.txt")].status == "skipped"


def test_hostile_unreadable_file(tiny_tagger, tmp_path, monkeypatch):
    path = tmp_path / "secret.txt"
    path.write_text(TEXT, encoding="utf-8")
    path.chmod(0)
    if os.geteuid() == 0:  # root reads anything: make the read fail as it would for a user
        from pathlib import Path

        def refuse(self):
            raise PermissionError(13, "Permission denied")
        monkeypatch.setattr(Path, "read_bytes", refuse)
    reports = _reports(tiny_tagger, path)
    assert reports[str(path)].status == "failed" and "Permission denied" in reports[str(path)].reason


def test_hostile_file_names_that_are_not_utf8(tiny_tagger, tmp_path):
    raw = os.path.join(os.fsencode(tmp_path), "教育".encode("gbk") + b".txt")
    with open(raw, "wb") as f:
        f.write(TEXT.encode())
    [report] = [r for r in tag_inputs(tiny_tagger, [tmp_path]) if isinstance(r, FileReport)]
    assert report.status == "tagged" and "\\x" in report.file
    json.dumps(report.file)  # the report line can be written


def test_hostile_archive_run_goes_on_and_exits_1(tiny_model_dir, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for case in ("binary named txt", "gbk", "corrupt zip", "zip slip", "png", "empty"):
        name, data, _ = CASES[case]
        (folder / name).write_bytes(data)
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["tag", str(folder), "-o", str(out), "--model", str(tiny_model_dir)])
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    report = [json.loads(line) for line in (tmp_path / "out.jsonl.files.jsonl").read_text("utf-8").splitlines()]
    statuses = {r["file"].replace(str(folder) + os.sep, ""): r["status"] for r in report}
    assert statuses == {"broken.zip": "failed", "empty.txt": "skipped", "fake.txt": "failed",
                        "gbk.txt": "tagged", "photo.png": "skipped", "slip.zip!../evil.txt": "skipped",
                        "slip.zip!ok.txt": "tagged"}
    assert all(r["reason"] for r in report if r["status"] != "tagged")
