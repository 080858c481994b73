"""Shared fixtures: invented paragraphs (never corpus text) and a tiny trained Tagger."""

import os
from pathlib import Path

import pytest

from edutag import Tagger

REPO = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("EDUTAG_CORPUS", REPO.parent / "shared" / "corpus"))

# Invented in the voice of a county education bureau; labels follow ../shared/taxonomy.md.
PARAGRAPHS = [
    ("今年共招聘新教师120名，组织全体教师参加暑期师德师风专题培训。", ["teachers"]),
    ("选派骨干教师参加国培计划，建立名师工作室8个，开展城乡教师交流轮岗。", ["teachers"]),
    ("落实教师工资待遇，义务教育教师平均工资不低于公务员平均工资。", ["teachers"]),
    ("新建公办幼儿园3所，普惠性幼儿园覆盖率达到85%，学前三年毛入园率明显提高。", ["preschool"]),
    ("开展幼儿园保教质量评估，坚决防止和纠正幼儿园小学化倾向。", ["preschool"]),
    ("开展防溺水专题教育，签订安全责任书，组织地震疏散演练。", ["safety"]),
    ("对全县中小学校开展安全隐患大排查，整改消防隐患46处，加强校车安全管理。", ["safety"]),
    ("新建教学楼两栋、改造旱厕12所，薄弱学校改造项目全部竣工。", ["facilities"]),
    ("投入资金2800万元实施校舍维修加固工程，为农村学校配齐图书和实验仪器。", ["facilities"]),
    ("各校每月上报在校生变动情况，对无故缺课学生当天家访，控辍保学责任落实到人。", ["dropout"]),
    ("义务教育巩固率达到98.6%，适龄儿童少年入学率保持100%，劝返复学学生23人。", ["dropout"]),
    ("职教中心与12家企业开展校企合作，学生在省职业技能大赛中获一等奖3项。", ["vocational"]),
    ("深化产教融合，扩大中等职业学校招生规模，开展农村劳动力转移培训2000人次。", ["vocational"]),
    ("举办全县中小学生田径运动会和第三届校园艺术节，学生体质健康测试合格率提高。", ["health_arts"]),
    ("推进校园足球特色学校建设，落实每天一小时校园体育活动，加强近视防控。", ["health_arts"]),
    ("发放家庭经济困难学生生活补助560万元，落实农村义务教育学生营养改善计划。", ["aid_equity"]),
    ("关爱留守儿童，为残疾儿童送教上门，保障随迁子女平等入学。", ["aid_equity"]),
    ("实现班班通全覆盖，建成智慧校园示范学校5所，组织教师信息技术应用能力培训。", ["ict"]),
    ("加强教育系统党风廉政建设，落实一岗双责，开展警示教育。", ["party"]),
    ("扎实开展主题教育，加强基层党组织建设，发挥党员先锋模范作用。", ["party"]),
    ("严格落实双减政策，控制作业总量，开展课后服务，治理校外培训机构。", ["conduct"]),
    ("严禁在职教师有偿补课，规范教育收费，规范教辅材料征订。", ["conduct"]),
    ("县政府教育督导室对各乡镇开展督政工作，落实责任督学挂牌督导制度。", ["supervision"]),
    ("义务教育优质均衡发展通过省级督导评估，推进集团化办学和城乡学校结对。", ["balanced", "supervision"]),
    ("开展集体备课和教研活动，组织优质课评比，高考本科上线率再创新高。", ["teaching"]),
    ("深化课堂教学改革，加强教学常规管理，开展教学质量监测。", ["teaching"]),
    ("严格中考考务管理，落实阳光招生，规范小升初入学办法。", ["admissions"]),
    ("全年教育经费投入4.2亿元，足额拨付生均公用经费，加强教育资金审计监管。", ["funding"]),
    ("推进县管校聘管理改革，完善教育评价机制，加强民办教育管理。", ["reform"]),
    ("与省城名校开展对口帮扶，组织校长赴发达地区挂职学习，在县电视台开设教育专栏。", ["outreach"]),
    ("落实立德树人根本任务，开展理想信念教育和劳动教育，加强心理健康教育。", ["moral"]),
    ("一年来，在县委县政府的正确领导下，全县教育工作取得了新的成绩。", []),
    ("现将有关情况汇报如下。", []),
    ("全县经济运行总体平稳，农业生产再获丰收。", []),
]


@pytest.fixture(scope="session")
def paragraphs():
    return PARAGRAPHS


@pytest.fixture(scope="session")
def tiny_tagger():
    """A Tagger fitted on the invented paragraphs (twice over, so min_df sees every term)."""
    texts = [t for t, _ in PARAGRAPHS] * 2
    labels = [l for _, l in PARAGRAPHS] * 2
    return Tagger(cv=0, min_df=1, C=20.0).fit(texts, labels)


@pytest.fixture(scope="session")
def tiny_model_dir(tiny_tagger, tmp_path_factory):
    return tiny_tagger.save(tmp_path_factory.mktemp("model") / "tiny")


@pytest.fixture
def labelled_csv(tmp_path):
    """The 3-row plain CSV of the labelling guide's format."""
    path = tmp_path / "labels.csv"
    path.write_text("text,labels\n"
                    "开展防溺水专题教育，组织地震疏散演练,safety\n"
                    "新建教学楼两栋，改造旱厕12所,facilities\n"
                    "现将有关情况汇报如下。,\n", encoding="utf-8")
    return path


def docx_bytes(paragraphs) -> bytes:
    """A real .docx holding `paragraphs`, built in memory."""
    import io

    import docx

    document = docx.Document()
    for p in paragraphs:
        document.add_paragraph(p)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


needs_corpus = pytest.mark.skipif(not (CORPUS / "README.md").is_file(),
                                  reason=f"the labelled corpus is not at {CORPUS} (set EDUTAG_CORPUS)")
