from edutag.features import build_features, normalize, words, words_plain


def test_normalize_folds_traditional_fullwidth_and_numbers():
    assert normalize("２０１９年，學校新建教學樓3.5萬平方米") == "0年,学校新建教学楼0万平方米"


def test_words_keeps_domain_terms_whole():
    assert "控辍保学" in words("扎实做好控辍保学工作")
    assert "全面改薄" in words("全面改薄项目全部竣工")


def test_words_plain_has_no_domain_dictionary():
    assert "全面改薄" not in words_plain("全面改薄项目全部竣工")


def test_words_drops_punctuation_and_numbers():
    assert words("新建教学楼2栋，。") == ["新建", "教学楼", "栋"]


def test_build_features_without_chars_has_only_words():
    union = build_features(chars=False, min_df=1)
    assert [name for name, _ in union.transformer_list] == ["words"]
    X = union.fit_transform(["开展防溺水教育", "新建教学楼"])
    assert X.shape[0] == 2 and X.dtype.name == "float32"
