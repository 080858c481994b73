import zipfile

from edutag.batch import DroppedSpan, tag_inputs
from edutag.ingest import FileReport
from edutag.model import Paragraph


def _archive(tmp_path):
    path = tmp_path / "docs.zip"
    with zipfile.ZipFile(path, "w") as z:
        for i in range(6):
            z.writestr(f"{i}.txt", "一、安全工作\n开展防溺水专题教育，签订安全责任书。\n新建教学楼两栋。\n" * (i + 1))
        z.writestr("empty.txt", "   \n")
        z.writestr("bad.docx", b"not a zip")
    return path


def test_tag_inputs_reports_every_file_once(tiny_tagger, tmp_path):
    events = list(tag_inputs(tiny_tagger, [_archive(tmp_path)], batch_chars=200))
    reports = {r.file.split("!")[1]: r for r in events if isinstance(r, FileReport)}
    assert set(reports) == {f"{i}.txt" for i in range(6)} | {"empty.txt", "bad.docx"}
    assert reports["3.txt"].status == "tagged" and reports["3.txt"].paragraphs == 12
    assert reports["empty.txt"].status == "skipped"
    assert reports["bad.docx"].status == "failed" and "docx" in reports["bad.docx"].reason


def test_tag_inputs_gives_the_same_output_for_any_number_of_jobs(tiny_tagger, tmp_path):
    path = _archive(tmp_path)
    one = list(tag_inputs(tiny_tagger, [path], jobs=1, batch_chars=100))
    two = list(tag_inputs(tiny_tagger, [path], jobs=2, batch_chars=100))
    assert one == two and any(isinstance(e, Paragraph) for e in one)


def test_tagger_tag_paths_yields_only_paragraphs(tiny_tagger, tmp_path):
    paras = list(tiny_tagger.tag_paths([_archive(tmp_path)]))
    assert paras and all(isinstance(p, Paragraph) for p in paras)
    assert "safety" in paras[1].labels


def test_a_long_document_cut_into_pieces_tags_like_one_piece(tiny_tagger, tmp_path):
    path = tmp_path / "long.txt"
    text = "".join(f"{i}、开展防溺水专题教育，签订安全责任书。\n新建教学楼两栋。\n\n" for i in range(200))
    path.write_text(text, encoding="utf-8")
    whole = [e for e in tag_inputs(tiny_tagger, [path]) if isinstance(e, Paragraph)]
    pieces = [e for e in tag_inputs(tiny_tagger, [path], batch_chars=500) if isinstance(e, Paragraph)]
    assert pieces == whole and len(whole) == 400
    assert [p.para for p in pieces] == list(range(400))
    assert all(text[p.start:p.end] == p.text for p in pieces)


def test_dropped_boilerplate_is_reported_with_its_reason(tiny_tagger, tmp_path):
    path = tmp_path / "page.txt"
    path.write_text("开展防溺水专题教育。\n第1页 共3页\n下载本文档\n", encoding="utf-8")
    spans = [e for e in tag_inputs(tiny_tagger, [path], dropped=True) if isinstance(e, DroppedSpan)]
    assert [(s.reason, s.text) for s in spans] == [("page counter", "第1页 共3页"),
                                                  ("download or share prompt", "下载本文档")]
