import copy
import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from edutag import ModelError, NotFittedError, Tagger
from edutag.labels import theme_ids
from edutag.model import FORMAT_VERSION


def test_tagger_predicts_themes_of_its_training_paragraphs(tiny_tagger, paragraphs):
    texts = [t for t, _ in paragraphs]
    predicted = tiny_tagger.predict(texts)
    hits = sum(set(p) == set(l) for p, (_, l) in zip(predicted, paragraphs))
    assert hits >= 0.9 * len(paragraphs)


def test_tagger_init_only_stores_parameters():
    tagger = Tagger(C=3.0, chars=False)
    assert tagger.get_params()["C"] == 3.0 and not hasattr(tagger, "coef_")


def test_tagger_predict_proba_gives_every_theme_in_unit_interval(tiny_tagger):
    [scores] = tiny_tagger.predict_proba(["开展防溺水专题教育"])
    assert list(scores) == theme_ids()
    assert all(0.0 <= s <= 1.0 for s in scores.values())
    assert max(scores, key=scores.get) == "safety"


def test_a_theme_of_one_sentence_is_found_in_a_long_paragraph(tiny_tagger):
    """Sentence scores lift a clause's theme that the whole paragraph's TF-IDF dilutes; with
    sentence_weight 0 the paragraph is scored as a whole, and short paragraphs never change."""
    filler = "全县教育工作在县委县政府的正确领导下取得了新的成绩。" * 6
    long = filler + "开展防溺水专题教育。"
    whole_only = copy.copy(tiny_tagger).set_params(sentence_weight=0.0)  # same fitted arrays
    safety = tiny_tagger.classes_.index("safety")
    pooled, plain = tiny_tagger.decision_scores([long, "开展防溺水专题教育。"]), \
        whole_only.decision_scores([long, "开展防溺水专题教育。"])
    assert pooled[0, safety] > plain[0, safety]
    assert np.array_equal(pooled[1], plain[1])


def test_nb_ratios_scale_terms_by_how_much_they_belong_to_a_theme(paragraphs):
    """A term seen only in a theme's units gets a positive log-count ratio for it, a term seen
    only elsewhere a negative one; with any share of the scaled regression the tagger learns."""
    import scipy.sparse as sp

    from edutag.model import _nb_ratios

    X = sp.csr_matrix(np.array([[1, 0, 1], [1, 0, 1], [0, 1, 1]], dtype=np.float32))
    ratios = _nb_ratios(X, np.array([[1], [1], [0]], dtype=np.int8))
    assert ratios[0, 0] > 0 > ratios[1, 0]
    texts, labels = [t for t, _ in paragraphs] * 2, [l for _, l in paragraphs] * 2
    for share in (0.0, 0.5, 1.0):
        tagger = Tagger(cv=0, min_df=1, nb_share=share).fit(texts, labels)
        assert tagger.predict(["开展防溺水专题教育"]) == [["safety"]]


def test_tagger_refuses_a_bare_string(tiny_tagger):
    with pytest.raises(TypeError, match="wrap it"):
        tiny_tagger.predict("开展防溺水专题教育")


def test_tagger_fit_refuses_unknown_labels_and_strings():
    with pytest.raises(ValueError, match="unknown theme id 'sport'"):
        Tagger(cv=0).fit(["a", "b"], [["sport"], []])
    with pytest.raises(ValueError, match="list of ids"):
        Tagger(cv=0).fit(["a", "b"], ["safety", []])


def test_tagger_not_fitted_says_what_to_do():
    with pytest.raises(NotFittedError, match="Tagger.load"):
        Tagger().predict(["x"])


def test_tagger_predict_of_empty_list_is_empty(tiny_tagger):
    assert tiny_tagger.predict([]) == []


def test_tagger_explain_names_pushing_terms(tiny_tagger):
    reasons = tiny_tagger.explain("开展防溺水专题教育，签订安全责任书")
    assert "safety" in reasons
    assert any("溺水" in term for term, _ in reasons["safety"])


def test_tagger_tag_text_returns_paragraphs_with_offsets(tiny_tagger):
    text = "一、安全工作\n开展防溺水专题教育，签订安全责任书。"
    paras = tiny_tagger.tag_text(text, doc="d")
    assert [p.para for p in paras] == [0, 1]
    assert text[paras[1].start:paras[1].end] == paras[1].text
    assert "safety" in paras[1].labels


def test_tagger_thresholds_come_from_cross_validation(paragraphs):
    texts = [t for t, _ in paragraphs] * 3
    labels = [l for _, l in paragraphs] * 3
    tagger = Tagger(cv=3, min_df=1).fit(texts, labels)
    assert tagger.oof_proba_.shape == (len(texts), len(theme_ids()))
    assert ((tagger.thresholds_ >= 0.1) & (tagger.thresholds_ <= 0.9)).all()


def test_save_load_gives_identical_predictions(tiny_tagger, tiny_model_dir, paragraphs):
    texts = [t for t, _ in paragraphs]
    loaded = Tagger.load(tiny_model_dir)
    np.testing.assert_array_equal(loaded.decision_scores(texts), tiny_tagger.decision_scores(texts))
    meta = json.loads((tiny_model_dir / "meta.json").read_text("utf-8"))
    assert meta["format_version"] == FORMAT_VERSION and meta["labels"] == theme_ids()


def test_load_refuses_a_newer_format(tiny_model_dir, tmp_path):
    folder = _copy(tiny_model_dir, tmp_path)
    meta = json.loads((folder / "meta.json").read_text("utf-8"))
    meta["format_version"] = FORMAT_VERSION + 1
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelError, match="newer than this edutag"):
        Tagger.load(folder)


def test_load_refuses_a_different_label_set(tiny_model_dir, tmp_path):
    folder = _copy(tiny_model_dir, tmp_path)
    meta = json.loads((folder / "meta.json").read_text("utf-8"))
    meta["labels"] = meta["labels"][:-1]
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelError, match="Retrain"):
        Tagger.load(folder)


def test_load_refuses_untrusted_types(tiny_model_dir, tmp_path):
    import skops.io as sio

    folder = _copy(tiny_model_dir, tmp_path)
    state = sio.load(folder / "model.skops", trusted=sio.get_untrusted_types(file=folder / "model.skops"))
    from collections import OrderedDict
    state["features"] = OrderedDict(a=1)  # a type edutag never saves
    sio.dump(state, folder / "model.skops")
    with pytest.raises(ModelError, match="collections.OrderedDict"):
        Tagger.load(folder)


def test_load_refuses_an_older_format_and_says_retrain(tiny_model_dir, tmp_path):
    folder = _copy(tiny_model_dir, tmp_path)
    meta = json.loads((folder / "meta.json").read_text("utf-8"))
    meta["format_version"] = 1
    (folder / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
    with pytest.raises(ModelError, match="edutag train"):
        Tagger.load(folder)


def test_tagging_imports_neither_scikit_learn_nor_skops():
    """Cold start: both take seconds to import, and tagging needs neither."""
    import subprocess
    import sys

    code = ("import sys; from edutag import Tagger; Tagger.load().predict(['开展防溺水教育']); "
            "print(sorted(m for m in ('sklearn', 'skops') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_tagger_works_with_scikit_learn_clone():
    from sklearn.base import clone

    tagger = clone(Tagger(C=4.0, chars=False))
    assert tagger.C == 4.0 and not tagger.chars and repr(tagger) == "Tagger(chars=False, C=4.0)"
    with pytest.raises(ValueError, match="no parameter"):
        tagger.set_params(gamma=1)


def test_load_of_a_missing_folder_says_how_to_get_one(tmp_path):
    with pytest.raises(ModelError, match="edutag train"):
        Tagger.load(tmp_path)


def test_shipped_model_loads_and_tags():
    tagger = Tagger.load()
    assert tagger.predict(["开展防溺水专题教育，签订安全责任书，组织地震疏散演练"]) == [["safety"]]


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=400))
def test_any_unicode_tags_without_a_crash(tiny_tagger, text):
    paras = tiny_tagger.tag_text(text)
    assert all(set(p.labels) <= set(theme_ids()) for p in paras)


def _copy(folder, tmp_path):
    import shutil

    target = tmp_path / "copy"
    shutil.copytree(folder, target)
    return target
