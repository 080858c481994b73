"""One tagging pipeline per call, run in a fresh process so its peak memory is its own.

    python benchmarks/variants.py VARIANT INPUT.txt  →  one JSON line: seconds, units, MB, peak RSS

Variants: edutag-jobs1, edutag-jobsall (the `edutag tag` command, on a .txt or a .zip),
edutag-jobsall-whole (the same with sentence scores off, to show what they cost), naive (a
scikit-learn Pipeline with a jieba.lcut tokenizer, in one process), fasttext (edutag's
segmenter, then fastText).
The naive and fastText models are trained on the same labels as the shipped model, before
the clock starts.
"""

from __future__ import annotations

import json
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("EDUTAG_CORPUS", REPO.parent / "shared" / "corpus"))


def _training():
    from edutag.train import read_examples

    labels = REPO / "data" / "labels"
    return read_examples([labels / "train.csv"], CORPUS) + read_examples([labels / "synthetic.csv"])


def _units(path: Path):
    from edutag.segment import segment

    return [u.text for u in segment(path.read_text("utf-8")).units]


def edutag_run(path: Path, jobs: int, model: Path | None = None):
    """`edutag tag` itself, as a user runs it: model load, tagging, JSONL and reports written."""
    from edutag.cli import app

    out = Path(tempfile.mkdtemp()) / "tagged.jsonl"
    start = time.perf_counter()
    code = app(["tag", str(path), "-o", str(out), "--jobs", str(jobs)]
               + (["--model", str(model)] if model else []), standalone_mode=False)
    seconds = time.perf_counter() - start
    if code not in (0, None):
        raise SystemExit(f"edutag tag exited with {code}")
    with out.open("rb") as f:
        units = sum(1 for _ in f)
    return seconds, units


def whole_paragraphs_model() -> Path:
    """The shipped model with sentence scores off: what scoring sentences costs in speed."""
    import shutil

    from edutag.defaults import packaged

    folder = Path(tempfile.mkdtemp()) / "whole"
    shutil.copytree(str(packaged("models", "default")), folder)
    meta = json.loads((folder / "meta.json").read_text("utf-8"))
    meta["params"]["sentence_weight"] = 0.0
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    return folder


def naive_run(path: Path):
    import jieba
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.multiclass import OneVsRestClassifier
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import MultiLabelBinarizer

    examples = _training()
    Y = MultiLabelBinarizer().fit_transform([e.labels for e in examples])
    model = make_pipeline(TfidfVectorizer(tokenizer=jieba.lcut, token_pattern=None, ngram_range=(1, 2),
                                          min_df=2, sublinear_tf=True),
                          OneVsRestClassifier(LogisticRegression(C=16.0, solver="liblinear")))
    model.fit([e.text for e in examples], Y)
    start = time.perf_counter()
    units = _units(path)
    model.predict(units)
    return time.perf_counter() - start, len(units)


def fasttext_run(path: Path):
    import fasttext

    from edutag.features import normalize, words

    examples = _training()
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False, encoding="utf-8") as f:
        for e in examples:
            f.write(" ".join(f"__label__{l}" for l in e.labels) or "__label__none")
            f.write(" " + " ".join(words(normalize(e.text))) + "\n")
    model = fasttext.train_supervised(f.name, loss="ova", epoch=20, wordNgrams=2, thread=1, verbose=0)
    os.unlink(f.name)
    start = time.perf_counter()
    units = _units(path)
    for text in units:
        model.predict(" ".join(words(normalize(text))), k=-1, threshold=0.5)
    return time.perf_counter() - start, len(units)


def main():
    variant, path = sys.argv[1], Path(sys.argv[2])
    runs = {"edutag-jobs1": lambda: edutag_run(path, 1),
            "edutag-jobsall": lambda: edutag_run(path, len(os.sched_getaffinity(0))),
            "edutag-jobsall-whole": lambda: edutag_run(path, len(os.sched_getaffinity(0)),
                                                       whole_paragraphs_model()),
            "naive": lambda: naive_run(path), "fasttext": lambda: fasttext_run(path)}
    seconds, units = runs[variant]()
    main_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    rss = max(main_rss, worker_rss)
    mb = _text_mb(path)
    print(json.dumps({"variant": variant, "seconds": seconds, "units": units, "mb": mb,
                      "mb_per_s": mb / seconds, "units_per_s": units / seconds, "peak_rss_mb": rss,
                      "main_rss_mb": main_rss, "worker_rss_mb": worker_rss}))


def _text_mb(path: Path) -> float:
    """MB of text: the file's size, or the members' uncompressed sizes for an archive."""
    if path.suffix == ".zip":
        import zipfile

        with zipfile.ZipFile(path) as z:
            return sum(i.file_size for i in z.infolist()) / 1e6
    return path.stat().st_size / 1e6


if __name__ == "__main__":
    main()
