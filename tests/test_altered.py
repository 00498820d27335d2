"""Altered facts (xigao.altered): what an aligned pair states otherwise, said as the texts
write it. The cases of black-box review 9 (an evidence audit) are here: each reported a false
alteration, or missed a real one, before."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xigao.altered import KINDS, altered_facts, describe, find_altered


@pytest.mark.parametrize(
    ("suspect", "source", "notes"),
    [
        ("一季度经济同比下降5.2%", "一季度经济同比增长5.2%", ["opposite: 增长→下降"]),
        ("销量达到120万辆", "销量达到210万辆", ["number: 2100000→1200000"]),
        ("增速为百分之五点二", "增速为5.2%", []),
        ("这非常重要", "这十分重要", []),
        ("他没有参加会议", "他参加了会议", ["negation: 参加→没有参加"]),
        ("他当时没有驾照", "他当时有驾照", ["negation: 驾照→没有驾照"]),
        # faithful paraphrases a later review found flagged: a negation a word or two before
        # an opposite negates it, a double negative negates nothing, 负增长 is no 增长
        ("申请遭到拒绝", "申请未被批准", []),
        ("议案被否决", "议案没能通过", []),
        ("市场保持上涨", "市场没有出现下跌", []),
        ("政府要提高标准", "政府不能降低标准", []),
        ("可以说有进展", "不能说没有进展", []),
        ("经济负增长", "经济增长", []),
        # ... and 分别 is no negation: what was turned round is said
        ("出口和进口分别下降", "出口和进口分别增长", ["opposite: 增长→下降"]),
        ("2020年3月5日开幕", "3月5日开幕", []),
        # a figure rounded is the same fact (black-box review 13), one changed is not
        ("全国约有11.3万家企业，增长约29%", "全国有113272家企业，增长28.95%", []),
        ("全国有21.3万家企业", "全国有113272家企业", ["number: 113272→213000"]),
        ("近30人受伤", "28人受伤", []),
        ("30人受伤", "28人受伤", ["number: 28→30"]),
        # ... but not a figure doubled or turned round, nor a word merely ending in 近 or 约
        # (diff review 13)
        ("全国有10万人受灾", "全国有5.2万人受灾", ["number: 52000→100000"]),
        ("增长1%", "增长0.6%", ["number: 0.6→1"]),
        ("增长3%", "增长-2.6%", ["number: 2.6→3"]),
        ("最近30天下跌", "最近28天下跌", ["number: 28→30"]),
        ("近30人受伤", "34人受伤", ["number: 34→30"]),
        ("超过30人受伤", "26人受伤", ["number: 26→30"]),
        ("30余人受伤", "32人受伤", []),
        ("中央委员会第四次全体会议开幕", "中央委员会第二次全体会议开幕", ["ordinal: 2→4"]),
        ("赵乐际在京会见马达加斯加客人", "王沪宁在京会见马达加斯加客人", ["name: 王沪宁→赵乐际"]),
        # a synonym that jieba's dictionary also tags as a name is not another person
        ("全场向他道贺", "全场向他祝贺", []),
        # 非遗 negates nothing (review 9: "negation 0→1")
        (
            "河北正定的林间小火车把乡村游、特色美食和非遗串在了一起",
            "小火车把乡村旅游、特色餐饮、非遗项目串联在了一起",
            [],
        ),
        # a rewrite that says the same with or without a 不 changes no fact
        ("很多企业参与其中", "不少企业参与其中", []),
        # places, countries and bodies (review 9: never reported)
        (
            "对乌兹别克斯坦等中亚五国进出口增长37.4%",
            "对哈萨克斯坦等中亚五国进出口增长37.4%",
            ["place: 哈萨克斯坦→乌兹别克斯坦"],
        ),
        ("青岛港是世界第四大港", "天津港是世界第四大港", ["place: 天津港→青岛港"]),
        (
            "飞船上还有哈尔滨工业大学试验卫星",
            "飞船还搭载了大连理工大学试验卫星",
            ["organization: 大连理工大学→哈尔滨工业大学"],
        ),
        # a place of one level for another, where the sentence names a province too (review 9)
        (
            "天津港的特级技师郭锴",
            "山东港口青岛港的特级技师郭凯",
            ["name: 郭凯→郭锴", "place: 青岛港→天津港"],
        ),
        # ... but one place or body written two ways, or one inside the other, is none
        ("国家药监局今天发布通知", "国家药品监督管理局今天发布通知", []),
        ("武昌区的樱花开了", "武汉市的樱花开了", []),
        # an opposite before a figure, where the sentence keeps another 增长 (review 9)
        (
            "用电量同比增长4.1%，充换电服务业用电量大幅下降63%",
            "用电量同比增长4.1%，充换电服务业用电量大幅增长63%",
            ["opposite: 增长→下降"],
        ),
        ("增速低于全国平均水平", "增速超过全国平均水平", ["opposite: 超过→低于"]),
        # an opposite said with a negation is the same fact
        ("景区今年不再关闭", "景区今年开放", []),
        # ... but a negation elsewhere in the sentence hides no opposite, and a word jieba
        # keeps whole (价格上涨) is read all the same (diff review 9)
        ("他没有来，价格下跌了", "他来了，价格上涨了", ["opposite: 上涨→下跌"]),
        # a figure dropped is no alteration; one changed is paired with its own (review 9)
        (
            "出口2.9万亿元",
            "出口2.09万亿元，占我国外贸总值的15.7%",
            ["number: 2090000000000→2900000000000"],
        ),
        (
            "城镇调查失业率为5.0%，比上月下降0.3个百分点",
            "城镇调查失业率为5.2%，比上月下降0.1个百分点",
            ["number: 5.2→5", "number: 0.1→0.3"],
        ),
        # one figure dropped beside one changed: paired by the words around them (review 9b)
        (
            "进口5.85万亿元",
            "出口7.67万亿元，进口5.65万亿元",
            ["number: 5650000000000→5850000000000"],
        ),
        ("造成6人受伤", "造成3人死亡、5人受伤", ["number: 5→6"]),
        # a rough figure its words do not allow is another (black-box review 22's were allowed)
        ("全市建成五十多个站点", "全市建成61个站点", ["number: 61→50"]),
        ("确诊300多万例", "确诊4059642例", ["number: 4059642→3000000"]),
        ("快递员送数十万件包裹", "快递员送3万件包裹", ["number: 30000→100000"]),
        # a title in place of a name is no other person
        ("刘某介绍了情况", "刘女士介绍了情况", []),
        ("王女士介绍了情况", "王先生介绍了情况", []),
        # a figure of 309 digits or more reads as no value, not as a crash
        ("共计" + "9" * 400 + "元", "共计" + "8" * 400 + "元", []),
    ],
)
def test_altered_facts(suspect: str, source: str, notes: list[str]) -> None:
    assert altered_facts(suspect, source) == notes


@pytest.mark.parametrize(
    ("suspect", "source", "said"),
    [
        ("进出口总值14.32万亿元", "进出口总值13.32万亿元", ("13.32万亿元", "14.32万亿元")),
        ("企业新增45.1万家", "企业新增41.5万家", ("41.5万家", "45.1万家")),
        ("5月8日，会议开幕", "5月9日，会议开幕", ("5月9日", "5月8日")),
        ("20时22分点火", "21时22分点火", ("21时", "20时")),
        ("比上月回升0.3个百分点", "比上月回升0.1个百分点", ("0.1个百分点", "0.3个百分点")),
        ("坦克逾6300辆", "6500多辆坦克", ("6500多辆", "6300辆")),
    ],
)
def test_a_figure_is_shown_as_written(suspect: str, source: str, said: tuple[str, str]) -> None:
    (alt,) = find_altered(suspect, source)
    assert (source[slice(*alt.source[0])], suspect[slice(*alt.suspect[0])]) == said
    assert describe(alt.kind, *said) == f"原文为 {said[0]}，此处为 {said[1]}"


def test_a_figure_stated_elsewhere_is_compared_kind_by_kind() -> None:
    from xigao.embed import get_encoder
    from xigao.normalize import normalize
    from xigao.paraphrase import embed_sentences

    enc = get_encoder("static")
    source = embed_sentences(normalize("5月10日21时22分，火箭点火升空。对接用时约6个半小时。"), enc)
    suspect = embed_sentences(normalize("5月12日21时22分，火箭点火升空。整个过程大约10分钟。"), enc)
    # the suspect's "10分钟" is a duration, not the day 10: the date changed all the same
    got = altered_facts(suspect.texts[0], source.texts[0], suspect_doc=suspect, source_doc=source)
    assert got == ["number: 10→12"]


SENTENCE = st.text(alphabet="增长下降不没有参加了会议他们5.2%3人名万元北京上海，。", max_size=30)


@given(SENTENCE, SENTENCE)
def test_spans_stay_in_bounds(suspect: str, source: str) -> None:
    for alt in find_altered(suspect, source):
        assert alt.kind in KINDS
        assert all(0 <= lo < hi <= len(source) for lo, hi in alt.source)
        assert all(0 <= lo < hi <= len(suspect) for lo, hi in alt.suspect)


@given(SENTENCE)
def test_a_sentence_alters_nothing_of_itself(text: str) -> None:
    assert find_altered(text, text) == []


def test_a_day_is_not_excused_by_a_numeral_of_another_kind() -> None:
    from xigao.embed import get_encoder
    from xigao.normalize import normalize
    from xigao.paraphrase import embed_sentences

    enc = get_encoder("static")
    source = embed_sentences(
        normalize("5月10日21时22分，火箭点火升空。神舟十六号乘组准备就绪。"), enc
    )
    suspect = embed_sentences(
        normalize("5月12日21时22分，火箭点火升空。一辆车送来了十个箱子。"), enc
    )
    # 十, 十六 and 一 read as 10, 16 and 1 excuse figures, never the day that changed (review 9b)
    got = altered_facts(suspect.texts[0], source.texts[0], suspect_doc=suspect, source_doc=source)
    assert got == ["number: 10→12"]


def test_a_negation_points_at_the_words_that_lost_it() -> None:
    # the plain side's span is where the same words stand, not the word's first place
    source = "驾照考试很难，他有驾照"
    (alt,) = find_altered("驾照考试很难，他没有驾照", source)
    assert alt.kind == "negation" and alt.source[0][0] == source.index("他有驾照") + 2


@pytest.mark.parametrize(
    ("suspect", "source"),
    [
        ("现在老人没什么大碍。", "目前，老人已无大碍。"),
        ("以色列没有丝毫放松它对加沙的军事行动。", "以色列丝毫没有放松对加沙的军事行动。"),
        ("市场没有任何回暖的迹象。", "市场并无回暖的迹象。"),
        ("3月社会消费品零售总额增速比1-2月加快0.4个百分点。",
         "3月份社会消费品零售总额同比增速比一二月份加快了0.4个百分点。"),
        ("三四月份气温回升。", "3、4月份气温回升。"),
        # negated on both sides, each its own way (the fit washes, read once)
        ("中方从未否认以色列存在安全关切。", "中方绝不是否认以色列的安全关切。"),
        ("大陆绝不容忍国家主权受损。", "我们不会容忍国家主权受到任何损害。"),
        ("面对西部老大毫不怯场。", "面对西部第一的马刺也没有丝毫的怯场。"),
        ("可它自己是绝不会妥协的。", "但它自己是决不妥协的。"),
        ("有什么好怕的？", "没什么好怕的。"),  # a question (diff review 15)
        # black-box review 16: a negation further back in the clause, 非 glued to the word
        # before it (jieba's 读非/大学), an opposite word of another subject beside a figure
        ("他自嘲是因为片酬最低、从不投诉导演。", "估计是因为我的片酬最低，我从来不去向别人投诉导演吧。"),
        ("经济担保金额计划降低，读非大学院校的学生受益最大。",
         "特别是申请非大学院校的学生将因这些签证政策变化而受益。"),
        ("节后八个交易日，沪指累计上涨近14%，几十只个股涨幅过半。",
         "短短八个交易日，沪指涨近14%，涨幅超过五成的个股有几十只，而下跌个股仅为个数。"),
        # a label before the month is no clock (black-box review 15, list-E)
        ("消费：3月社会消费品零售总额增速比1-2月加快0.4个百分点。",
         "3月份社会消费品零售总额同比增速比一二月份加快了0.4个百分点。"),
        # a figure said roughly, within what its words allow (black-box review 22)
        ("快递员一天要送数十万件包裹。", "快递员一天要送30多万件包裹。"),
        ("事故造成几十人受伤。", "事故造成37人受伤。"),
        ("全市建成五十多个站点。", "全市建成51个站点。"),
        ("全球确诊病例已达300多万例。", "全球确诊病例已达3059642例。"),
        ("全球确诊病例已逾305万例。", "全球确诊病例已达3059642例。"),
        ("累计确诊二十多万例。", "累计确诊211028例。"),
        ("近5000人参加。", "4959人参加。"),
        ("存在吥落实、吥重视的问题。", "存在不落实、不重视的问题。"),  # 火星文 (review 22)
    ],
)  # fmt: skip
def test_the_same_fact_said_otherwise_alters_nothing(suspect: str, source: str) -> None:
    """A negation before a word of degree (没什么大碍 is 无大碍, 没有丝毫放松 丝毫没有放松), and
    a range spoken as two numerals (一二月份 is 1-2月, not December): black-box review 15."""
    assert find_altered(suspect, source) == []


@pytest.mark.parametrize("spoken", ["九十月份", "9、10月份", "9至10月份"])
def test_two_months_spoken_as_a_range_are_read_as_the_two(spoken: str) -> None:
    """九十月份 is September and October, not a 90th month: a wash that moved the months is
    caught as it is where the source writes digits (note 34 left it read as 90)."""
    got = find_altered("8、9月份销量回升。", f"{spoken}销量回升。")
    assert [(a.kind, a.detail) for a in got] == [("number", "10→8")]


def test_a_negation_before_a_word_of_degree_still_negates() -> None:
    got = find_altered("市场没有任何回暖迹象。", "市场出现回暖迹象。")
    assert [(a.kind, a.detail) for a in got] == [("negation", "回暖→没有任何回暖")]


def test_a_name_both_sentences_write_is_no_renamed_one() -> None:
    """A byline's 记者 吴倩 is left out of a text's content, so neither text "mentions" it;
    both sentences write it all the same: no 吴倩→吴倩 (black-box review 16)."""
    from xigao.embed import get_encoder
    from xigao.normalize import normalize
    from xigao.paraphrase import embed_sentences

    enc = get_encoder("static")
    source = embed_sentences(
        normalize("本报讯 (记者 吴倩) 股市大热，基金开户数大增。业绩向好。"), enc
    )
    suspect = embed_sentences(
        normalize("本报讯 (记者 吴倩) 股市震荡，基金开户数回落。业绩承压。"), enc
    )
    got = altered_facts(suspect.texts[0], source.texts[0], suspect_doc=suspect, source_doc=source)
    assert not [a for a in got if a.startswith("name")]


@pytest.mark.parametrize(
    ("suspect", "source", "said"),
    [
        ("他不得不承认错误。", "他不承认错误。", "negation: 不承认错误→承认错误"),
        ("群众无不拥护这项政策。", "群众不拥护这项政策。", "negation: 不拥护→拥护"),
        ("他们莫不赞成。", "他们不赞成。", "negation: 不赞成→赞成"),
        ("他没有犹豫就支持该方案。", "他不支持该方案。", "negation: 不支持→支持"),
        ("成本提高了5%。", "成本降低了5%，而利润高达5%以上。", "opposite: 降低→提高"),
    ],
)  # fmt: skip
def test_a_negation_or_opposite_the_new_rules_must_not_hide(
    suspect: str, source: str, said: str
) -> None:
    """A double negative is affirmative (不得不, 无不, 莫不), a negation before 就 negates what
    comes before it, and 高达 is no 提高: each flip is still listed (diff review 16)."""
    assert said in [a.note for a in find_altered(suspect, source)]


@pytest.mark.parametrize(
    "text", ["专家向有关部门反映。", "记者于今日获悉。", "主任曾担任县长。", "代表和市民交流。"]
)
def test_a_preposition_after_a_job_title_starts_no_name(text: str) -> None:
    """向, 于, 曾 and 和 are surnames too, but after a job title they start no name: a synonym
    swap after one is no renamed person (diff review 16)."""
    swapped = text.replace("有关", "相关").replace("今日", "昨日").replace("担任", "出任")
    swapped = swapped.replace("市民", "居民")
    assert [a for a in find_altered(swapped, text) if a.kind == "name"] == []


@pytest.mark.parametrize(
    ("suspect", "source", "detail"),
    [
        ("中原地产总监张小伟表示，房价上涨。", "中原地产总监张大伟表示，房价上涨。", "张大伟→张小伟"),
        ("总监王建国表示，房价上涨。", "总监张大伟表示，房价上涨。", "张大伟→王建国"),
        ("演员王学兵出席了发布会。", "演员王学圻出席了发布会。", "王学圻→王学兵"),
        ("导演林超然说，影片很好。", "导演林超贤说，影片很好。", "林超贤→林超然"),
    ],
)  # fmt: skip
def test_a_name_after_a_job_title_is_read_whole(suspect: str, source: str, detail: str) -> None:
    """jieba cuts 张大伟 into 张 (a measure word) and 大伟, 王学兵 into 王 and 学兵, 林超然 into 林
    and 超然: after a job title the name is read whole, and its change listed (black-box
    review 16)."""
    assert [(a.kind, a.detail) for a in find_altered(suspect, source)] == [("name", detail)]
    assert find_altered(source, source) == []


def test_a_report_on_other_people_is_another_subject() -> None:
    from xigao.altered import another_subject, people_reported

    original = "黄兴国严重违纪被开除党籍。经查，黄兴国违反政治纪律。给予黄兴国开除党籍处分。"
    other = "毕井泉严重违纪被开除党籍。经查，毕井泉违反政治纪律。给予毕井泉开除党籍处分。"
    assert people_reported(original) == ("黄兴国",)
    # a law jieba reads as a person (安 全法 of 道路交通安全法) is no one reported on
    law = "通过了海上交通安全法，修改道路交通安全法。李飞作说明。李飞表示。"
    assert people_reported(law) == ("李飞",)
    # alike by sound is one person (鲁拉 for 卢拉: diff review 18)
    lula = "巴西总统卢拉访华。卢拉表示，愿深化合作。"
    assert another_subject(lula.replace("卢拉", "鲁拉"), lula) is None
    assert another_subject(other, original) == (["黄兴国"], ["毕井泉"])
    # the original's people named, or one of them renamed within a family, or none reported
    # instead: a wash (its altered facts listed), not another story
    assert another_subject(other + "此前黄兴国已被查处。", original) is None
    assert another_subject(other.replace("毕井泉", "黄建国"), original) is None
    assert another_subject("有官员严重违纪被开除党籍，违反政治纪律。", original) is None
    # a title names the original's subject even where its text names him once
    assert another_subject(
        other, "经查，该同志违反政治纪律。黄兴国被开除党籍。", "黄兴国被开除"
    ) == (
        ["黄兴国"],
        ["毕井泉"],
    )


def test_a_name_ending_in_guo_is_a_person_not_a_country() -> None:
    # jieba tags 黄兴国 a place here (black-box review 21 was shown 黄兴国 → 中华人民共和国, a
    # country renamed); 徐汇区 stays a place
    o = (
        "依据《中国共产党纪律处分条例》等有关规定，经中央纪委常委会议研究并报中共中央政治局会议"
        "审议，决定给予黄兴国开除党籍处分；"
    )
    s = (
        "依据《中国共产党纪律处分条例》《中华人民共和国监察法》等有关规定，经中央纪委常委会会议"
        "研究并报中共中央批准，决定给予毕井泉开除党籍处分；"
    )
    assert altered_facts(s, o) == ["name: 黄兴国→毕井泉"]
    assert altered_facts("会议在徐汇区举行", "会议在黄浦区举行") == ["place: 黄浦区→徐汇区"]
