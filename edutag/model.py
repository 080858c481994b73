"""The model: `Tagger`, a TF-IDF + one-vs-rest logistic regression multi-label tagger.

Stage four of the pipeline. Per-label decision thresholds are chosen on out-of-fold scores
of a multi-label stratified cross-validation, so rare themes are not drowned by the 0.5
default. Scores are probabilities in [0, 1].

>>> tagger = Tagger.load()                      # the shipped model   # doctest: +SKIP
>>> tagger.predict(["新建教学楼两栋，改造旱厕12所"])                  # doctest: +SKIP
[['facilities']]
"""

from __future__ import annotations

import inspect
import io
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import compress
from pathlib import Path

import numpy as np

from edutag.defaults import SEED, packaged
from edutag.errors import ModelError, NotFittedError
from edutag.features import TfidfFeatures
from edutag.labels import theme_ids
from edutag.segment import segment, sentences

__all__ = ["Tagger", "Paragraph", "FORMAT_VERSION"]

FORMAT_VERSION = 2   # 2: rjieba words, array-built features (1 used jieba)
MODEL_FILE = "model.skops"
META_FILE = "meta.json"
_THRESHOLD_GRID = np.round(np.arange(0.10, 0.91, 0.025), 3)
# The only types a saved model contains (arrays, a dict, strings). Any other type in a file
# is refused before anything is built from it, so a tampered file cannot make `load` run code.
TRUSTED_TYPES = ["numpy.ndarray", "builtins.dict", "builtins.list", "builtins.str"]


@dataclass(slots=True)
class Paragraph:
    """One tagged unit of a document, as written to JSONL/CSV output."""

    doc: str
    para: int
    start: int
    end: int
    text: str
    labels: list[str] = field(default_factory=list)
    scores: dict[str, float] = field(default_factory=dict)


class Tagger:
    """Tags Chinese education-administration paragraphs with the themes of the taxonomy.

    Keyword-only parameters are stored as given and checked at `fit`, and `get_params` /
    `set_params` work as in scikit-learn (so `sklearn.base.clone` works), without importing
    scikit-learn until `fit`: tagging starts in well under a second.

    - `word_ngrams`, `char_ngrams`: n-gram ranges of rjieba words and of characters.
    - `chars`: use character n-grams as well as words.
    - `C`: inverse regularisation of the logistic regressions; `min_df`: drop rarer terms.
    - `cv`: folds used to choose the per-label thresholds (0 keeps 0.5 for every label).
    - `random_state`: seed of the cross-validation split.
    - `sentence_weight`: how much a paragraph's best-scoring sentence counts next to the
      paragraph as a whole (0 = whole paragraph only). A theme is assigned when one clause
      is about it, and in a long multi-theme paragraph TF-IDF dilutes each clause; scoring
      the sentences too finds them.
    - `nb_share`: the weights are an average of two logistic regressions per theme: one on
      the TF-IDF features and one on the same features scaled by their naive-Bayes log-count
      ratio for the theme (NBSVM, Wang & Manning 2012), with this share for the second
      (0 = plain only). The scaled one lets a rare but telling term (校安工程, 送教上门) count
      more for its theme; averaging the two generalised better in cross-validation than
      either alone. The average of two linear models is one linear model: predicting costs
      the same, only training fits twice.

    >>> Tagger(C=4.0).fit(texts, labels).predict(["开展防溺水专题教育"])  # doctest: +SKIP
    [['safety']]
    """

    def __init__(self, *, word_ngrams=(1, 2), char_ngrams=(1, 3), chars=True,
                 C=16.0, min_df=5, cv=5, random_state=SEED, sentence_weight=0.5,
                 nb_share=0.5):
        self.word_ngrams = word_ngrams
        self.char_ngrams = char_ngrams
        self.chars = chars
        self.C = C
        self.min_df = min_df
        self.cv = cv
        self.random_state = random_state
        self.sentence_weight = sentence_weight
        self.nb_share = nb_share

    def get_params(self, deep: bool = True) -> dict:
        return {name: getattr(self, name) for name in _PARAMS}

    def set_params(self, **params) -> Tagger:
        for name, value in params.items():
            if name not in _PARAMS:
                raise ValueError(f"Tagger has no parameter {name!r}; it has {', '.join(_PARAMS)}")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        changed = {k: v for k, v in self.get_params().items() if v != _DEFAULTS[k]}
        return f"Tagger({', '.join(f'{k}={v!r}' for k, v in changed.items())})"

    # --- learning ---------------------------------------------------------------------
    def fit(self, texts: list[str], labels: list[Iterable[str]]) -> Tagger:
        """Learn features, weights and per-label thresholds; returns self."""
        texts = _as_texts(texts, "texts")
        if isinstance(labels, str) or len(labels) != len(texts):
            raise ValueError(f"labels must be a list with one entry per text "
                             f"({len(texts)}), not {type(labels).__name__}")
        self.classes_ = theme_ids()
        Y = self._binarize(labels)
        if self.cv:
            self.oof_proba_ = self._out_of_fold(texts, Y)
            self.thresholds_ = _best_thresholds(Y, self.oof_proba_)
        else:
            self.thresholds_ = np.full(len(self.classes_), 0.5, dtype=np.float32)
        self.features_, self.coef_, self.intercept_ = self._fit_once(texts, Y)
        return self

    def _binarize(self, labels) -> np.ndarray:
        index = {c: i for i, c in enumerate(self.classes_)}
        Y = np.zeros((len(labels), len(index)), dtype=np.int8)
        for row, ids in enumerate(labels):
            if isinstance(ids, str):
                raise ValueError(f"labels[{row}] is the string {ids!r}; give a list of ids")
            for label in ids:
                if label not in index:
                    raise ValueError(f"labels[{row}]: unknown theme id {label!r}; "
                                     f"valid ids: {', '.join(self.classes_)}")
                Y[row, index[label]] = 1
        return Y

    def _feature_params(self) -> dict:
        return dict(word_ngrams=tuple(self.word_ngrams), char_ngrams=tuple(self.char_ngrams),
                    chars=self.chars, min_df=self.min_df)

    def _fit_once(self, texts, Y):
        features = TfidfFeatures(**self._feature_params())
        X = features.fit_transform(texts)
        coef = np.zeros((X.shape[1], Y.shape[1]), dtype=np.float32)
        intercept = np.full(Y.shape[1], -20.0, dtype=np.float32)  # no positives: never
        share = float(self.nb_share)
        ratios = _nb_ratios(X, Y) if share else None
        for j in range(Y.shape[1]):
            if not 0 < Y[:, j].sum() < len(Y):
                continue
            intercept[j] = 0.0
            for weight, scale in ((1.0 - share, None), (share, ratios[:, j] if share else None)):
                if weight:
                    w, b = _logistic(X, Y[:, j], scale, self.C, self.random_state)
                    coef[:, j] += weight * w
                    intercept[j] += weight * b
        return features, coef, intercept

    def _out_of_fold(self, texts, Y) -> np.ndarray:
        from iterstrat.ml_stratifiers import MultilabelStratifiedKFold

        folds = MultilabelStratifiedKFold(n_splits=self.cv, shuffle=True,
                                          random_state=self.random_state)
        proba = np.zeros(Y.shape, dtype=np.float32)
        texts = np.asarray(texts, dtype=object)
        for train, held_out in folds.split(texts, Y):
            fitted = self._fit_once(list(texts[train]), Y[train])
            proba[held_out] = _scores(*fitted, list(texts[held_out]), self.sentence_weight)
        return proba

    # --- predicting -------------------------------------------------------------------
    def _check_fitted(self):
        if not hasattr(self, "coef_"):
            raise NotFittedError("this Tagger is not fitted: call fit(texts, labels) or "
                                 "use Tagger.load()")

    def decision_scores(self, texts: list[str]) -> np.ndarray:
        """Probabilities as an array of shape (len(texts), len(classes_)), float32."""
        self._check_fitted()
        texts = _as_texts(texts, "texts")
        return _scores(self.features_, self.coef_, self.intercept_, texts, self.sentence_weight)

    def predict_proba(self, texts: list[str]) -> list[dict[str, float]]:
        """For each text, the probability of every theme.

        >>> Tagger.load().predict_proba(["组织地震疏散演练"])[0]["safety"] > 0.5  # doctest: +SKIP
        True
        """
        return [dict(zip(self.classes_, map(float, row))) for row in self.decision_scores(texts)]

    def predict(self, texts: list[str]) -> list[list[str]]:
        """For each text, the themes whose probability reaches their threshold."""
        P = self.decision_scores(texts)
        return [[self.classes_[j] for j in np.flatnonzero(row >= self.thresholds_)] for row in P]

    def explain(self, text: str, *, top: int = 8) -> dict[str, list[tuple[str, float]]]:
        """The terms that pushed each predicted theme up, with their contribution.

        >>> Tagger.load().explain("开展防溺水专题教育")["safety"][:1]  # doctest: +SKIP
        [('防溺水', 1.93)]
        """
        if not isinstance(text, str):
            raise TypeError("explain() takes one str")
        self._check_fitted()
        x = self.features_.transform([text])
        names = self._feature_names()
        out = {}
        for label in self.predict([text])[0]:
            j = self.classes_.index(label)
            contrib = x.data * self.coef_[x.indices, j]
            order = np.argsort(-contrib)[:top]
            out[label] = [(names[x.indices[i]], round(float(contrib[i]), 3))
                          for i in order if contrib[i] > 0]
        return out

    def _feature_names(self):
        if getattr(self, "_names", None) is None:
            self._names = self.features_.feature_names()
        return self._names

    def tag_text(self, text: str, *, doc: str = "<text>") -> list[Paragraph]:
        """Segment one document's text and tag every unit.

        >>> [p.labels for p in Tagger.load().tag_text("一、安全工作\\n开展防溺水教育。")]  # doctest: +SKIP
        [['safety'], ['safety']]
        """
        if not isinstance(text, str):
            raise TypeError("tag_text() takes one str; use tag_paths() for files")
        units = segment(text).units
        return self.tag_units(doc, units)

    def tag_units(self, doc: str, units) -> list[Paragraph]:
        """Tag already segmented units of one document."""
        return self.paragraphs(doc, units, self.decision_scores([u.text for u in units]))

    def paragraphs(self, doc: str, units, scores: np.ndarray) -> list[Paragraph]:
        """The output records of `units`, given their rows of scores."""
        return self.records(doc, [u.index for u in units], [u.start for u in units],
                            [u.end for u in units], [u.text for u in units], scores)

    def records(self, doc: str, indexes, starts, ends, texts, scores: np.ndarray) -> list[Paragraph]:
        """Output records from columns (what a batch worker sends back: plain lists pickle
        far faster than objects); rounding and thresholds are done on all rows at once."""
        rounded = scores.astype(np.float64).round(4).tolist()
        chosen = (scores >= self.thresholds_).tolist()
        classes = self.classes_
        return [Paragraph(doc, i, s, e, t, list(compress(classes, keep)), dict(zip(classes, row)))
                for i, s, e, t, row, keep in zip(indexes, starts, ends, texts, rounded, chosen)]

    def tag_paths(self, paths: list[str | os.PathLike]) -> Iterator[Paragraph]:
        """Read files, folders and archives and yield every tagged paragraph.

        Files that cannot be read are left out here; `edutag.batch.tag_inputs` also
        reports them.
        """
        from edutag.batch import tag_inputs

        for event in tag_inputs(self, paths):
            if isinstance(event, Paragraph):
                yield event

    # --- saving and loading -----------------------------------------------------------
    def save(self, path: str | os.PathLike, *, metadata: dict | None = None) -> Path:
        """Write the model folder: `model.skops` (no pickle) and `meta.json`."""
        import skops.io as sio
        import sklearn

        from edutag import __version__

        self._check_fitted()
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        state = {"coef": self.coef_.astype(np.float32),
                 "intercept": self.intercept_.astype(np.float32),
                 "thresholds": np.asarray(self.thresholds_, dtype=np.float32)}
        # Plain arrays and a string, not pickled objects: fast to load, nothing to trust.
        state.update(self.features_.state())
        sio.dump(state, path / MODEL_FILE, compression=8)
        meta = {"format_version": FORMAT_VERSION, "edutag": __version__,
                "scikit-learn": sklearn.__version__, "rjieba": _version("rjieba"),
                "labels": list(self.classes_), "params": _jsonable(self.get_params()),
                **(metadata or {})}
        (path / META_FILE).write_text(json.dumps(meta, ensure_ascii=False, indent=2) + "\n",
                                      encoding="utf-8")
        return path

    @classmethod
    def load(cls, path: str | os.PathLike | None = None) -> Tagger:
        """Load a saved model folder; None loads the model shipped with edutag."""
        folder = Path(path) if path is not None else Path(str(packaged("models", "default")))
        meta_path, model_path = folder / META_FILE, folder / MODEL_FILE
        if not meta_path.is_file() or not model_path.is_file():
            raise ModelError(f"{folder}: not a model folder (needs {META_FILE} and {MODEL_FILE}). "
                             "Train one with `edutag train`, or omit --model for the shipped one.")
        meta = json.loads(meta_path.read_text("utf-8"))
        version = meta.get("format_version")
        if not isinstance(version, int) or version > FORMAT_VERSION:
            raise ModelError(f"{folder}: model format {version!r} is newer than this edutag "
                             f"reads ({FORMAT_VERSION}). Upgrade edutag: pip install -U edutag.")
        if version < FORMAT_VERSION:
            raise ModelError(f"{folder}: model format {version} was made by an older edutag "
                             "with another tokeniser. Retrain it with `edutag train`.")
        if meta.get("labels") != theme_ids():
            raise ModelError(f"{folder}: the model's labels do not match this edutag's themes "
                             "(data/labels/themes.csv). Retrain it with `edutag train`.")
        state = _read_state(model_path)
        params = {"sentence_weight": 0.0, "nb_share": 0.0, **meta.get("params", {})}  # older: none
        tagger = cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in params.items()})
        tagger.classes_ = meta["labels"]
        tagger.features_ = TfidfFeatures.from_state(state, **tagger._feature_params())
        tagger.coef_ = state["coef"]
        tagger.intercept_ = state["intercept"]
        tagger.thresholds_ = state["thresholds"]
        tagger.metadata_ = meta
        return tagger


def _read_state(model_path: Path) -> dict:
    """The arrays and strings of a model file written by `skops.io.dump`, read strictly.

    The file is a skops zip: ``schema.json`` plus one ``.npy`` per array. Reading it here
    instead of with `skops.io.load` saves importing skops and scikit-learn (~2 s here), and
    is stricter: every node must be an array (read with ``allow_pickle=False``) or a string;
    any other type in the file is refused before anything is built from it.
    """
    import zipfile

    try:
        with zipfile.ZipFile(model_path) as z:
            schema = json.loads(z.read("schema.json"))
            untrusted = sorted(t for t in _types_in(schema) if t not in TRUSTED_TYPES)
            if untrusted or schema.get("__loader__") != "DictNode":
                raise ModelError(f"{model_path}: refused, it contains types edutag does not "
                                 f"trust: {', '.join(untrusted) or schema.get('__class__')}. "
                                 "Only load models you trained yourself.")
            state = {}
            for key, node in schema["content"].items():
                if node.get("__loader__") == "NdArrayNode":
                    with z.open(node["file"]) as f:
                        state[key] = np.load(io.BytesIO(f.read()), allow_pickle=False)
                elif node.get("__loader__") == "JsonNode" and node.get("__class__") == "str":
                    state[key] = str(json.loads(node["content"]))
                else:
                    raise ModelError(f"{model_path}: refused, {key!r} is stored as "
                                     f"{node.get('__loader__')!r}. Retrain the model.")
            return state
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as e:
        raise ModelError(f"{model_path}: not a readable model file ({e}). Retrain the model.") from e


def _types_in(schema) -> set[str]:
    """Every type named anywhere in a skops schema."""
    found, stack = set(), [schema]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "__class__" in node:
                found.add(f"{node.get('__module__', '')}.{node['__class__']}")
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def _as_texts(texts, what: str) -> list[str]:
    if isinstance(texts, str):
        raise TypeError(f"{what} must be a list of str, not one str: wrap it as [text]")
    texts = list(texts)
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise TypeError(f"{what}[{i}] is {type(t).__name__}, not str")
    return texts


def _scores(features, coef, intercept, texts: list[str], sentence_weight: float = 0.0) -> np.ndarray:
    """Probabilities of every label: (1 - w) × the paragraph's own score + w × the best of it
    and its sentences' scores (paragraphs of 80+ characters). Sentences of all paragraphs are
    scored in one batch."""
    whole = _linear_scores(features, coef, intercept, texts)
    if not sentence_weight or not texts:
        return whole
    parts, owners = [], []
    for i, text in enumerate(texts):
        if len(text) < _SPLIT_MIN_CHARS:
            continue
        pieces = sentences(text)
        if len(pieces) > 1:
            parts += pieces
            owners += [i] * len(pieces)
    if not parts:
        return whole
    best = whole.copy()
    np.maximum.at(best, np.asarray(owners), _linear_scores(features, coef, intercept, parts))
    return ((1 - sentence_weight) * whole + sentence_weight * best).astype(np.float32)


def _linear_scores(features, coef, intercept, texts: list[str]) -> np.ndarray:
    """Sigmoid of the linear scores, block by block: no stacked copy of the matrix."""
    if not texts:
        return np.zeros((0, len(intercept)), dtype=np.float32)
    z, offset = intercept, 0
    for block in features.blocks(texts):
        z = z + block @ coef[offset:offset + block.shape[1]]
        offset += block.shape[1]
    return _sigmoid(z)


# Shorter paragraphs are a clause or two: scoring their sentences changed nothing measurable
# in cross-validation and costs time.
_SPLIT_MIN_CHARS = 80


def _logistic(X, y, scale, C: float, seed: int):
    """Weights and intercept of one theme's logistic regression, on X with its columns
    multiplied by `scale` when given (the weights returned apply to unscaled X)."""
    from sklearn.linear_model import LogisticRegression

    model = LogisticRegression(C=C, solver="liblinear", class_weight="balanced", max_iter=1000,
                               random_state=seed)
    model.fit(X if scale is None else X @ _diagonal(scale), y)
    w = model.coef_.ravel()
    return (w if scale is None else w * scale), model.intercept_[0]


def _nb_ratios(X, Y, alpha: float = 1.0) -> np.ndarray:
    """Per feature and label, log of (share of the feature among the label's units) over
    (its share among the other units), counting presence, add-`alpha` smoothed."""
    present = X.copy()
    present.data[:] = 1.0
    inside = np.asarray((present.T @ Y.astype(np.float32)))          # (features, labels)
    outside = np.asarray(present.sum(axis=0)).reshape(-1, 1) - inside
    inside, outside = inside + alpha, outside + alpha
    return np.log((inside / inside.sum(0)) / (outside / outside.sum(0))).astype(np.float32)


def _diagonal(values: np.ndarray):
    import scipy.sparse as sp

    return sp.diags(values, format="csr")


def _sigmoid(z) -> np.ndarray:
    z = np.asarray(z, dtype=np.float32)
    return (1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))).astype(np.float32)


def _best_thresholds(Y: np.ndarray, P: np.ndarray) -> np.ndarray:
    """Per label, the threshold on the grid with the best out-of-fold F1 (0.5 if no positive)."""
    out = np.full(Y.shape[1], 0.5, dtype=np.float32)
    for j in range(Y.shape[1]):
        if Y[:, j].sum() == 0:
            continue
        pred = P[:, j][:, None] >= _THRESHOLD_GRID[None, :]
        tp = (pred & (Y[:, j][:, None] == 1)).sum(0)
        f1 = 2 * tp / (pred.sum(0) + Y[:, j].sum())
        out[j] = _THRESHOLD_GRID[int(np.argmax(f1))]
    return out


_DEFAULTS = {name: p.default for name, p in inspect.signature(Tagger.__init__).parameters.items()
             if name != "self"}
_PARAMS = list(_DEFAULTS)


def _version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


def _jsonable(params: dict) -> dict:
    return {k: list(v) if isinstance(v, tuple) else v for k, v in params.items()}
