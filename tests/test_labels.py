import pytest

from edutag import LabelError, read_labelled, theme_ids
from edutag.labels import check_labelled, themes

from conftest import CORPUS, needs_corpus


def test_theme_ids_come_from_themes_csv():
    assert len(theme_ids()) == 19 and theme_ids()[0] == "party"
    assert all(row["name_zh"] and row["scope"] for row in themes())


def test_read_labelled_plain_csv(labelled_csv):
    examples = read_labelled(labelled_csv)
    assert [e.labels for e in examples] == [("safety",), ("facilities",), ()]
    assert examples[0].where == f"{labelled_csv}:2"


def test_read_labelled_accepts_a_bom(tmp_path, labelled_csv):
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + labelled_csv.read_bytes())
    assert len(read_labelled(path)) == 3


@pytest.mark.parametrize("body, message", [
    ("words,labels\n教育,safety\n", "needs the columns text,labels"),
    ("text,labels\n开展防溺水教育,sport\n", ":2: unknown theme id 'sport'"),
    ("text,labels\n开展防溺水教育,safety\n ,safety\n", ":3: empty text"),
    ("text;labels\n开展防溺水教育;safety\n", "delimiter must be a comma"),
    ("", "the file is empty"),
    ("text,labels\n", "no rows"),
])
def test_read_labelled_names_file_row_and_value(tmp_path, body, message):
    path = tmp_path / "bad.csv"
    path.write_text(body, encoding="utf-8")
    with pytest.raises(LabelError, match=message) as info:
        read_labelled(path)
    assert str(path) in str(info.value)


def test_read_labelled_rejects_non_utf8(tmp_path):
    path = tmp_path / "gbk.csv"
    path.write_bytes("text,labels\n开展防溺水教育,safety\n".encode("gbk"))
    with pytest.raises(LabelError, match="Save the CSV as UTF-8"):
        read_labelled(path)


def _corpus(tmp_path):
    corpus = tmp_path / "corpus"
    (corpus / "src").mkdir(parents=True)
    (corpus / "src" / "0001.txt").write_text("# source: x\n# title: y\n开展防溺水教育。\n新建教学楼。\n",
                                            encoding="utf-8")
    return corpus


def test_read_labelled_resolves_standoff_offsets(tmp_path):
    corpus = _corpus(tmp_path)
    path = tmp_path / "train.csv"
    path.write_text("doc,start,end,labels\nsrc/0001.txt,23,31,safety\n", encoding="utf-8")
    [example] = read_labelled(path, corpus)
    assert example.text == "开展防溺水教育。" and example.source == "src"


@pytest.mark.parametrize("row, message", [
    ("src/0001.txt,22,9999,safety", "outside src/0001.txt"),
    ("src/0002.txt,0,5,safety", "not in the corpus"),
    ("src/0001.txt,a,5,safety", "whole numbers"),
])
def test_read_labelled_checks_standoff_rows(tmp_path, row, message):
    corpus = _corpus(tmp_path)
    path = tmp_path / "train.csv"
    path.write_text(f"doc,start,end,labels\n{row}\n", encoding="utf-8")
    with pytest.raises(LabelError, match=message):
        read_labelled(path, corpus)


def test_read_labelled_needs_the_corpus_folder(tmp_path):
    path = tmp_path / "train.csv"
    path.write_text("doc,start,end,labels\nsrc/0001.txt,0,5,safety\n", encoding="utf-8")
    with pytest.raises(LabelError, match="--corpus"):
        read_labelled(path, tmp_path / "missing")


def test_check_labelled_finds_text_in_train_and_test(tmp_path, labelled_csv):
    test = tmp_path / "test.csv"
    test.write_text("text,labels\n开展防溺水专题教育，组织地震疏散演练,safety\n", encoding="utf-8")
    report = check_labelled([labelled_csv, test])
    assert report.units == 4 and report.per_theme["safety"] == 2
    assert any("train and test overlap" in p for p in report.problems)


@needs_corpus
def test_shipped_labels_pass_the_check():
    from conftest import REPO

    labels = REPO / "data" / "labels"
    assert check_labelled([labels / "train.csv", labels / "test.csv", labels / "synthetic.csv"],
                          CORPUS).problems == []
    real = check_labelled([labels / "train.csv", labels / "test.csv"], CORPUS)
    assert real.units >= 4000 and real.no_theme >= 0.15 * real.units
    assert all(real.per_theme[t] >= 80 for t in theme_ids())
