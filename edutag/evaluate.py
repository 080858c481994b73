"""Scores of a multi-label tagging against gold labels: micro, macro and per-label P/R/F1."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["score"]


def score(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]],
          labels: Sequence[str]) -> dict:
    """Precision, recall and F1 per label, their micro and macro averages, exact-set accuracy.

    Labels with no gold and no predicted positive are left out of the macro average.

    >>> s = score([["a"], ["b"], []], [["a"], ["a"], []], ["a", "b"])
    >>> round(s["micro"]["f1"], 3), s["exact"]
    (0.5, 0.6666666666666666)
    """
    if len(gold) != len(predicted):
        raise ValueError(f"{len(gold)} gold rows but {len(predicted)} predicted rows")
    per = {}
    tp_all = fp_all = fn_all = 0
    for label in labels:
        tp = sum(label in g and label in p for g, p in zip(gold, predicted))
        fp = sum(label not in g and label in p for g, p in zip(gold, predicted))
        fn = sum(label in g and label not in p for g, p in zip(gold, predicted))
        tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
        per[label] = {**_prf(tp, fp, fn), "support": tp + fn, "predicted": tp + fp}
    used = [v for v in per.values() if v["support"] or v["predicted"]]
    macro = {k: sum(v[k] for v in used) / len(used) if used else 0.0
             for k in ("precision", "recall", "f1")}
    exact = sum(set(g) == set(p) for g, p in zip(gold, predicted)) / len(gold) if gold else 0.0
    return {"micro": _prf(tp_all, fp_all, fn_all), "macro": macro, "exact": exact,
            "units": len(gold), "per_label": per}


def _prf(tp: int, fp: int, fn: int) -> dict:
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return {"precision": p, "recall": r, "f1": 2 * p * r / (p + r) if p + r else 0.0}
