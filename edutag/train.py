"""Training from labelled CSVs: read, fit, measure, save — what `edutag train` does."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from edutag.evaluate import score
from edutag.labels import Example, data_hash, read_labelled
from edutag.model import Tagger

__all__ = ["read_examples", "train", "evaluate", "TrainResult"]

SYNTHETIC = "synthetic"  # the `source` of declared synthetic units


@dataclass
class TrainResult:
    tagger: Tagger
    examples: int
    cross_validated: dict | None = None
    test: dict | None = None
    sources: dict = field(default_factory=dict)


def read_examples(paths, corpus=None) -> list[Example]:
    """All examples of several labelled CSVs (either format), in order."""
    if isinstance(paths, (str, Path)):
        raise TypeError("read_examples() takes a list of paths")
    return [ex for path in paths for ex in read_labelled(path, corpus)]


def train(paths, *, corpus=None, test_paths=(), out=None, **params) -> TrainResult:
    """Fit a Tagger on labelled CSVs; report cross-validated and (optional) test scores.

    With `out`, the model is saved there with the scores and a hash of the training data.

    >>> train(["data/labels/train.csv"], out="models/default")  # doctest: +SKIP
    """
    examples = read_examples(paths, corpus)
    tagger = Tagger(**params).fit([e.text for e in examples], [e.labels for e in examples])
    result = TrainResult(tagger, len(examples))
    for ex in examples:
        result.sources[ex.source] = result.sources.get(ex.source, 0) + 1
    if getattr(tagger, "oof_proba_", None) is not None:
        # Scored on real units only: synthetic ones help training but prove nothing.
        real = [i for i, e in enumerate(examples) if e.source != SYNTHETIC]
        oof = [[c for c, p, t in zip(tagger.classes_, tagger.oof_proba_[i], tagger.thresholds_)
                if p >= t] for i in real]
        result.cross_validated = score([examples[i].labels for i in real], oof, tagger.classes_)
    if test_paths:
        result.test = evaluate(tagger, test_paths, corpus=corpus)
    if out is not None:
        tagger.save(out, metadata={
            "training_data": {"files": [Path(p).name for p in paths], "units": len(examples),
                              "sha256_16": data_hash(examples), "sources": result.sources},
            "metrics": {"cross_validated": _summary(result.cross_validated),
                        "test": _summary(result.test)}})
    return result


def evaluate(tagger: Tagger, paths, *, corpus=None) -> dict:
    """Score a tagger on labelled CSVs (see `edutag.evaluate.score` for the fields)."""
    examples = read_examples(paths, corpus)
    predicted = tagger.predict([e.text for e in examples])
    return score([e.labels for e in examples], predicted, tagger.classes_)


def _summary(s: dict | None) -> dict | None:
    if s is None:
        return None
    return {"micro_f1": round(s["micro"]["f1"], 4), "macro_f1": round(s["macro"]["f1"], 4),
            "exact": round(s["exact"], 4), "units": s["units"],
            "per_label_f1": {k: round(v["f1"], 4) for k, v in s["per_label"].items()}}
