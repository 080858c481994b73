from hypothesis import given, settings, strategies as st

from edutag.segment import segment

PAGE = """2022年某县教育局工作总结.doc_第1页
已阅读5页，还剩6页未读 继续免费阅读
上传人：someone 文档编号：123456
一、强化师资建设
今年共招聘新教师120名，组织全体教师参加暑期师德师风专题培训。
（二）校园安全常抓不懈。开展防溺水专题教育，签订安全责任书，组织地震疏散演练，全县中小学校园安全形势持续稳定。
相关推荐
2021年教育局工作总结 2021-05-01
学校安全工作计划范文
版权说明：本文档由用户提供并上传，若内容存在侵权，请进行举报或认领
"""


def test_segment_drops_scraped_boilerplate_with_reasons():
    seg = segment(PAGE)
    texts = [u.text for u in seg.units]
    assert texts[0] == "一、强化师资建设"
    assert not any("上传" in t or "相关推荐" in t or "版权" in t or "第1页" in t for t in texts)
    reasons = {d.reason for d in seg.dropped}
    assert {"page counter", "upload info", "related list", "copyright or ICP line"} <= reasons


def test_segment_splits_heading_from_its_body():
    seg = segment(PAGE)
    heading = [u for u in seg.units if u.text.startswith("（二）")]
    assert heading and heading[0].heading and heading[0].text == "（二）校园安全常抓不懈。"
    assert seg.units[heading[0].index + 1].text.startswith("开展防溺水")


def test_segment_recuts_run_on_text_at_sentence_ends():
    sentence = "全县共新建校舍面积12000平方米，改造薄弱学校28所。"
    seg = segment(sentence * 40, max_chars=300)
    assert len(seg.units) > 1
    assert all(len(u.text) <= 300 for u in seg.units)
    assert all(u.text.endswith("。") for u in seg.units)


def test_segment_hard_cuts_text_without_any_punctuation():
    seg = segment("教" * 1000, max_chars=300)
    assert [len(u.text) for u in seg.units] == [300, 300, 300, 100]


def test_segment_rejoins_page_chunks_that_cut_a_sentence():
    first = "1、全县教育系统认真贯彻落实上级决策部署，坚持以立德树人为根本任务，扎实推进各项工作，各项事业取得了新的进展，人民群众满意度不断提高，全面加强教师队伍建设，今年共招聘新教师"
    text = first + "\n2、120名，组织全员参加暑期培训。\n3、开展防溺水专题教育。"
    units = segment(text).units
    assert any("招聘新教师120名" in u.text for u in units)
    assert not any(u.text.startswith("2、") for u in units)


def test_segment_keeps_numbered_list_items_apart():
    text = "主要做法如下：\n1、加强组织领导。\n2、完善工作机制。"
    assert [u.text for u in segment(text).units] == ["主要做法如下：", "1、加强组织领导。", "2、完善工作机制。"]


def test_segment_keeps_long_paragraph_mentioning_download():
    text = "第十条 学校应当建立健全网络安全制度，" + "不得组织学生下载或者传播不良信息，" * 6
    assert segment(text).units[0].text.startswith("第十条")


def test_segment_offsets_point_at_the_unit_text():
    seg = segment(PAGE)
    for u in seg.units:
        assert PAGE[u.start:u.end] == u.text


def _assert_tiles(text, seg):
    covered = [0] * len(text)
    for u in seg.units:
        for i in range(u.start, u.end):
            covered[i] += 1
    for d in seg.dropped:
        assert text[d.start:d.end] == d.text
        for i in range(d.start, d.end):
            covered[i] += 1
    assert covered == [1] * len(text)


def test_segment_tiles_the_example_page():
    _assert_tiles(PAGE, segment(PAGE))


_alphabet = st.sampled_from(list("教育局学校。，；！？、：\n \u3000一二12（）()相关推荐第页下载上传人版权a")) | st.characters()


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_alphabet, max_size=600), st.integers(min_value=5, max_value=400))
def test_segment_loses_no_text(text, max_chars):
    """Every character lies in exactly one unit or one dropped span."""
    seg = segment(text, max_chars=max_chars)
    _assert_tiles(text, seg)
    assert all(len(u.text) <= max_chars for u in seg.units)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(alphabet=_alphabet, min_size=80, max_size=200), max_size=5))
def test_segment_tiles_numbered_chunks(chunks):
    text = "\n".join(f"{i}、{c}" for i, c in enumerate(chunks, start=1))
    _assert_tiles(text, segment(text))
