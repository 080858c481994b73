import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from edutag.features import TfidfFeatures, char_ngrams, normalize, words

from conftest import PARAGRAPHS

TEXTS = [text for text, _ in PARAGRAPHS]


def test_normalize_folds_traditional_fullwidth_numbers_and_spaces():
    assert normalize(" ２０１９年，學校新建教學樓　3.5萬平方米 ") == "0年,学校新建教学楼 0.0万平方米"


def test_normalize_expands_compatibility_characters():
    assert normalize("①加强管理，新建㎡") == "0加强管理,新建m0"


def test_words_drops_punctuation_and_numbers():
    assert words(normalize("新建教学楼2栋，。")) == ["新建", "教学楼", "栋"]


def _reference(texts, fit_on, **params):
    """The same features built the slow, obvious way: scikit-learn on Python analyzers."""
    def word_grams(text):
        w = words(normalize(text))
        return w + [f"{a} {b}" for a, b in zip(w, w[1:])]

    blocks = []
    for analyzer in (word_grams, lambda t: char_ngrams(normalize(t), (1, 3))):
        v = TfidfVectorizer(analyzer=analyzer, min_df=params.get("min_df", 2), sublinear_tf=True,
                            dtype=np.float32).fit(fit_on)
        blocks.append((v, v.transform(texts)))
    return blocks


def _in_our_column_order(features, reference):
    names = features.feature_names()
    columns = []
    for name in names:
        block, term = (0, name[2:]) if name.startswith("词:") else (1, name[2:])
        v, X = reference[block]
        columns.append(X[:, v.vocabulary_[term]])
    return sp.hstack(columns).toarray()


def test_tfidf_features_equal_scikit_learn_on_the_same_analyzers():
    features = TfidfFeatures(min_df=2)
    X = features.fit_transform(TEXTS)
    unseen = ["开展防溺水专题教育，新增学位800个。", "", "　", "學校安全工作"]
    reference = _reference(TEXTS + unseen, TEXTS)
    assert X.shape == (len(TEXTS), features.n_features_) and X.dtype == np.float32
    expected = _in_our_column_order(features, reference)
    got = features.transform(TEXTS + unseen).toarray()
    np.testing.assert_allclose(got, expected, atol=1e-6)
    assert sum(len(v.vocabulary_) for v, _ in reference) == features.n_features_


texts = st.lists(st.text(alphabet=st.sampled_from(list("教师学校安全幼儿园校舍督导學師０1２. ，。\n\x01①")),
                         max_size=40), min_size=1, max_size=8)


@settings(max_examples=60, deadline=None)
@given(texts)
def test_a_batch_scores_each_text_as_if_alone(batch):
    """Units are joined for speed; nothing may leak from one unit into the next."""
    features = TfidfFeatures(min_df=1).fit(TEXTS + batch)
    together = features.transform(batch).toarray()
    alone = np.vstack([features.transform([t]).toarray() for t in batch])
    np.testing.assert_allclose(together, alone, atol=1e-6)


def test_words_hash_apart_even_when_their_code_points_are_neighbours():
    from edutag.features import _hash_of

    tokens = ["上", "下", "丁", "七", "教师", "教帅", "加强", "x"]
    assert len(set(_hash_of(tokens).tolist())) == len(tokens)


def test_feature_names_are_readable():
    features = TfidfFeatures(min_df=2).fit(TEXTS)
    names = features.feature_names()
    assert "词:教师" in names and "字:幼儿园" in names and any(" " in n for n in names if n[0] == "词")


def test_state_round_trip_gives_the_same_features():
    features = TfidfFeatures(min_df=2).fit(TEXTS)
    again = TfidfFeatures.from_state(features.state(), min_df=2)
    assert (features.transform(TEXTS) != again.transform(TEXTS)).nnz == 0


def test_without_chars_only_words():
    features = TfidfFeatures(chars=False, min_df=1)
    X = features.fit_transform(["开展防溺水教育", "新建教学楼"])
    assert X.shape[0] == 2 and all(n.startswith("词:") for n in features.feature_names())


def test_ngram_ranges_are_checked():
    with pytest.raises(ValueError, match="char_ngrams"):
        TfidfFeatures(char_ngrams=(1, 5))
