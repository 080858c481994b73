import io
import json
import tarfile
import zipfile

import pytest

from edutag.ingest import Document, FileReport, decode, read_inputs

from conftest import docx_bytes

TEXT = "一、强化师资建设\n今年共招聘新教师120名，组织全体教师参加暑期师德培训。\n"


def _read(*paths, **kw):
    return list(read_inputs([str(p) for p in paths], **kw))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])
def test_read_inputs_decodes_text_in_common_encodings(tmp_path, encoding):
    path = tmp_path / "summary.txt"
    path.write_bytes(TEXT.encode(encoding))
    [doc] = _read(path)
    assert isinstance(doc, Document) and doc.text.lstrip("\ufeff") == TEXT


def test_read_inputs_reads_docx_paragraphs_in_order(tmp_path):
    path = tmp_path / "plan.docx"
    path.write_bytes(docx_bytes(["一、强化师资建设", "今年共招聘新教师120名。"]))
    [doc] = _read(path)
    assert doc.text.splitlines()[:2] == ["一、强化师资建设", "今年共招聘新教师120名。"]


def test_read_inputs_keeps_visible_html_text_only(tmp_path):
    path = tmp_path / "page.html"
    path.write_text("<html><head><title>t</title><script>var ad=1;</script></head><body>"
                    "<p>开展防溺水专题教育。</p><style>p{}</style></body></html>", encoding="utf-8")
    [doc] = _read(path)
    assert "开展防溺水专题教育。" in doc.text and "var ad" not in doc.text


def test_read_inputs_reads_zip_members_as_documents(tmp_path):
    path = tmp_path / "archive.zip"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("a.txt", TEXT.encode("gbk"))
        z.writestr("sub/b.docx", docx_bytes(["新建教学楼两栋。"]))
        z.writestr("c.png", b"\x89PNG\r\n\x1a\n")
    events = _read(path)
    docs = [e for e in events if isinstance(e, Document)]
    assert [d.doc for d in docs] == [f"{path}!a.txt", f"{path}!sub/b.docx"]
    [skipped] = [e for e in events if isinstance(e, FileReport)]
    assert skipped.file == f"{path}!c.png" and skipped.status == "skipped"


def test_read_inputs_reads_tar_gz(tmp_path):
    path = tmp_path / "archive.tar.gz"
    with tarfile.open(path, "w:gz") as t:
        data = TEXT.encode("utf-8")
        info = tarfile.TarInfo("a.txt")
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
    [doc] = _read(path)
    assert doc.doc.endswith("!a.txt") and doc.text == TEXT


def test_read_inputs_walks_folders_in_sorted_order(tmp_path):
    for name in ["b.txt", "a.txt", "c/d.txt"]:
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(TEXT, encoding="utf-8")
    assert [e.file for e in _read(tmp_path)] == [str(tmp_path / n) for n in ["a.txt", "b.txt", "c/d.txt"]]


def test_read_inputs_reads_rows_of_csv_and_jsonl(tmp_path):
    csv_path = tmp_path / "rows.csv"
    csv_path.write_text("id,body\n1,开展防溺水教育\n2,新建教学楼\n", encoding="utf-8")
    jsonl_path = tmp_path / "rows.jsonl"
    jsonl_path.write_text(json.dumps({"body": "开展防溺水教育"}, ensure_ascii=False) + "\n", encoding="utf-8")
    docs = _read(csv_path, jsonl_path, text_column="body")
    assert [d.doc for d in docs] == [f"{csv_path}#2", f"{csv_path}#3", f"{jsonl_path}#1"]


def test_read_inputs_reports_a_missing_text_column(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("id,body\n1,x\n", encoding="utf-8")
    [report] = _read(path)
    assert report.status == "failed" and "--text-column" in report.reason


def test_read_inputs_skips_unknown_formats_with_a_reason(tmp_path):
    path = tmp_path / "photo.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    [report] = _read(path)
    assert report.status == "skipped" and ".png" in report.reason


def test_read_inputs_fails_binary_named_txt(tmp_path):
    path = tmp_path / "fake.txt"
    path.write_bytes(bytes(range(256)) * 50)
    [report] = _read(path)
    assert report.status == "failed" and "binary" in report.reason


def test_read_inputs_reports_missing_paths(tmp_path):
    [report] = _read(tmp_path / "nope.txt")
    assert report.status == "failed" and "does not exist" in report.reason


def test_read_inputs_refuses_a_bare_string():
    with pytest.raises(TypeError, match="list of paths"):
        list(read_inputs("examples"))


def test_decode_prefers_gb18030_for_chinese_legacy_bytes():
    assert decode("教育局关于做好控辍保学工作的通知".encode("gb18030")) == "教育局关于做好控辍保学工作的通知"
