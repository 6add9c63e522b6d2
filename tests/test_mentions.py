"""Mentions of countries and organisations (podium/mentions.py, config/gazetteer.yaml): one test
per matching rule on short texts, real answers from the bundled China MFA snapshots with the
mentions written down by reading them, and the archive tables and view of migration 004."""
from __future__ import annotations

import datetime as dt

import pytest

from conftest import extracted_page, snapshot_rows
from podium import mentions
from podium.mentions import Mention, mentions_in, rows_for
from storage.db import connect, insert_rows


def found(text: str, language: str = "en") -> list[tuple[str, str]]:
    return [(m.entity_id, m.surface) for m in mentions_in(text, language)]


def ids(text: str, language: str = "en") -> list[str]:
    return [m.entity_id for m in mentions_in(text, language)]


# --- the rules, one by one ---------------------------------------------------------------

def test_offsets_point_at_the_surface():
    text = "Talks between China and the United States resumed."
    assert mentions_in(text, "en") == [
        Mention("country:CN", "country", "China", 14, 19),
        Mention("country:US", "country", "United States", 28, 41),
    ]


@pytest.mark.parametrize("text, expected", [
    ("the UN Security Council met", [("org:unsc", "UN Security Council")]),
    ("South Korea and North Korea", [("country:KR", "South Korea"), ("country:KP", "North Korea")]),
    ("the Korea issue", [("country:KR", "Korea")]),
    ("Papua New Guinea and Guinea-Bissau and Guinea", [("country:PG", "Papua New Guinea"),
                                                       ("country:GW", "Guinea-Bissau"), ("country:GN", "Guinea")]),
    ("South Sudan and Sudan", [("country:SS", "South Sudan"), ("country:SD", "Sudan")]),
    ("the Dominican Republic and Dominica", [("country:DO", "Dominican Republic"), ("country:DM", "Dominica")]),
    ("the ASEAN Regional Forum", [("org:arf", "ASEAN Regional Forum")]),
    ("the Hong Kong SAR government", [("country:HK", "Hong Kong SAR")]),
])
def test_longest_match_wins(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Let us talk about US tariffs.", ["country:US"]),
    ("It is up to us.", []),
    ("The U.S. side and the USA", ["country:US", "country:US"]),
    ("a china cabinet and a roast turkey", []),
    ("The EU said; eu is not a word here", ["org:eu"]),
    ("Who said that? The WHO said so.", ["org:who"]),
    ("The WHO's role", ["org:who"]),
])
def test_case_rules(text, expected):
    assert ids(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Chad Smith was there", []),
    ("as Michael Jordan said", []),
    ("China and Chad signed it", ["country:CN", "country:TD"]),
    ("Egypt and Jordan", ["country:EG", "country:JO"]),
    ("In Jordan, the talks went on", ["country:JO"]),
    ("the Jordan River", []),
    ("the Niger Delta in Nigeria; Niger itself", ["country:NG", "country:NE"]),
    ("Atlanta, Georgia is not Georgia the country", ["country:GE"]),
    ("Latin America and America", ["country:US"]),
    ("the Korean Peninsula", []),
    ("US$5 billion", []),
    ("Russia's Security Council and the Security Council", ["country:RU", "org:unsc"]),
])
def test_ambiguous_names(text, expected):
    assert ids(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Chinese and American officials", [("country:CN", "Chinese"), ("country:US", "American")]),
    ("Americans and Pakistanis", [("country:US", "Americans"), ("country:PK", "Pakistanis")]),
    ("British and Swiss banks", [("country:GB", "British"), ("country:CH", "Swiss")]),
    ("the Filipino fishermen", [("country:PH", "Filipino")]),
])
def test_demonyms_and_plurals(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("China's position", [("country:CN", "China")]),
    ("China’s position", [("country:CN", "China")]),
    ("NATO's expansion", [("org:nato", "NATO")]),
    ("the Philippines' claims", [("country:PH", "Philippines")]),
    ("the People’s Republic of China", [("country:CN", "People’s Republic of China")]),
])
def test_possessives(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("Woman", []),                         # not Oman
    ("Romanian grain", ["country:RO"]),    # not Oman either
    ("Nigerians", ["country:NG"]),         # not Niger
    ("Chinaman", []),
    ("UNESCOS", []),
    ("Irani", []),
    ("Dominicana", []),
])
def test_no_match_inside_other_words(text, expected):
    assert ids(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("NATO and the North Atlantic Treaty Organization", ["org:nato", "org:nato"]),
    ("the EU and the European Union", ["org:eu", "org:eu"]),
    ("the African Union (AU)", ["org:au", "org:au"]),
    ("G20, BRICS, SCO and APEC", ["org:g20", "org:brics", "org:sco", "org:apec"]),
    ("the Quad and AUKUS", ["org:quad", "org:aukus"]),
    ("the ICC and the International Court of Justice", ["org:icc", "org:icj"]),
    ("the UN and the United Nations", ["org:un", "org:un"]),
])
def test_organisations_by_abbreviation_and_full_name(text, expected):
    assert ids(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("中国和俄罗斯", [("country:CN", "中国"), ("country:RU", "俄罗斯")]),
    ("朝鲜与韩国", [("country:KP", "朝鲜"), ("country:KR", "韩国")]),
    ("白俄罗斯", [("country:BY", "白俄罗斯")]),
    ("印度尼西亚和印度", [("country:ID", "印度尼西亚"), ("country:IN", "印度")]),
    ("美方表示", [("country:US", "美方")]),
    ("中美关系", [("country:CN", "中"), ("country:US", "美")]),
    ("中日韩合作", [("country:CN", "中"), ("country:JP", "日"), ("country:KR", "韩")]),
    ("在此过程中美方表示", [("country:US", "美方")]),
    ("北约、欧盟和东盟", [("org:nato", "北约"), ("org:eu", "欧盟"), ("org:asean", "东盟")]),
    ("联合国安理会", [("org:unsc", "联合国安理会")]),
    ("在WTO框架下，G20峰会", [("org:wto", "WTO"), ("org:g20", "G20")]),
])
def test_chinese_names(text, expected):
    assert found(text, "zh") == expected


@pytest.mark.parametrize("text", ["朝鲜半岛无核化", "南海地区和平稳定", "合法国家利益", "立法方面的合作", "中美洲国家",
                                  "在合作中越来越重要"])
def test_chinese_words_that_hide_names(text):
    assert "country:KP" not in ids(text, "zh") and "country:HT" not in ids(text, "zh")
    assert "country:FR" not in ids(text, "zh") and "country:US" not in ids(text, "zh")
    assert "country:VN" not in ids(text, "zh")


def test_chinese_names_are_not_read_in_english_text():
    assert ids("中国 China", "en") == ["country:CN"]


def test_gazetteer_covers_the_un_and_the_named_places():
    gaz = mentions.gazetteer()
    countries = [e for e in gaz.entities.values() if e.kind == "country"]
    assert len(countries) >= 197  # 193 members, 2 observers, Taiwan, Hong Kong, Macao
    assert {"country:TW", "country:HK", "country:MO", "country:VA", "country:PS", "country:NO"} <= set(gaz.entities)
    assert gaz.entities["country:KR"].name == "South Korea"
    assert gaz.entities["org:nato"].code == "NATO"
    for expected in ("Taiwan", "Macao", "Hong Kong SAR", "the Chinese mainland", "Russian Federation", "DPRK"):
        assert mentions_in(expected, "en"), expected


def test_a_surface_naming_two_entities_is_refused():
    data = {"countries": {"CN": {"aliases": ["Cathay"]}, "JP": {"aliases": ["Cathay"]}}}
    with pytest.raises(mentions.GazetteerError, match="Cathay"):
        mentions.build(data)


# --- real answers from the bundled snapshots ----------------------------------------------

def statement_text(source: str, file: str, seq: int) -> tuple[str, str]:
    row = next(r for r in snapshot_rows(source) if r["file"] == file)  # its file and url, as extracted wants
    statement = next(s for s in extracted_page(source, row, None).statements if s.seq == seq)
    return statement.text, statement.language


TW, CN, US, HK, KP, MY, CU = (f"country:{c}" for c in ("TW", "CN", "US", "HK", "KP", "MY", "CU"))
REAL = [
    # "Taiwan compatriots ... The WHO is a special UN agency ... Taiwan's participation ... such as the
    # WHO ... the one-China principle. The Taiwan region ... released by the WHO ... Taiwan is able"
    ("fmprc_en", "detail/t1739548.shtml", 5,
     [(TW, "Taiwan"), ("org:who", "WHO"), ("org:un", "UN"), (TW, "Taiwan"), ("org:who", "WHO"), (CN, "China"),
      (TW, "Taiwan region"), ("org:who", "WHO"), (TW, "Taiwan")]),
    # "Malaysia and ASEAN, China-Malaysia relations ... China congratulates ... Malaysia will ... the
    # China-Malaysia comprehensive strategic partnership"
    ("fmprc_en", "detail/t1558711.shtml", 8,
     [(MY, "Malaysia"), ("org:asean", "ASEAN"), (CN, "China"), (MY, "Malaysia"), (CN, "China"), (MY, "Malaysia"),
      (CN, "China"), (MY, "Malaysia")]),
    # "China welcomes ... the DPRK and the US ... denuclearization of the Korean Peninsula"
    ("fmprc_en", "detail/t1558711.shtml", 4, [(CN, "China"), (KP, "DPRK"), (US, "US")]),
    # "US Secretary of State Mike Pompeo’s visit to China ... Mr. Pompeo’s visit ... Hong Kong is
    # China’s ... the Hong Kong affairs are entirely China’s internal affairs ... in Hong Kong SAR’s judicial"
    ("fmprc_en", "detail/t1568234.shtml", 10,
     [(US, "US"), ("person:mike_pompeo", "Mike Pompeo"), (CN, "China"), ("person:mike_pompeo", "Pompeo"),
      (HK, "Hong Kong"), (CN, "China"), (HK, "Hong Kong"), (CN, "China"), (HK, "Hong Kong SAR")]),
    # 在美国对古巴制裁…中方立场…我们和联合国…反对美方制裁。制裁给古巴…要求美方…中国的立场…联合国成员国
    ("fmprc_zh", "detail/t1645149.shtml.gz", 14,
     [(US, "美国"), (CU, "古巴"), (CN, "中方"), ("org:un", "联合国"), (US, "美方"), (CU, "古巴"), (US, "美方"),
      (CN, "中国"), ("org:un", "联合国")]),
    # 正如中方…对于中美这两个…与中国“脱钩”…美方是清楚的…中国正在…包括美国在内…希望美国对中国…符合中美双方
    ("fmprc_zh", "detail/t1709787.shtml.gz", 2,
     [(CN, "中方"), (CN, "中"), (US, "美"), (CN, "中国"), (US, "美方"), (CN, "中国"), (US, "美国"), (US, "美国"),
      (CN, "中国"), (CN, "中"), (US, "美")]),
]


@pytest.mark.parametrize("source, file, seq, expected", REAL, ids=[f"{r[1]}#{r[2]}" for r in REAL])
def test_real_answers(source, file, seq, expected):
    text, language = statement_text(source, file, seq)
    hits = mentions_in(text, language)
    assert [(m.entity_id, m.surface) for m in hits] == expected
    assert all(text[m.char_start:m.char_end] == m.surface for m in hits)


# --- the question a statement answers ----------------------------------------------------

def test_a_question_naming_nato_is_found_with_the_answer():
    # Geng Shuang, September 27, 2019: "Q: According to reports, Russian President Vladimir Putin had
    # sent a proposal to the leaders of several countries, including NATO member states, … Did China
    # receive such a proposal from Russia? …" "A: China has received the proposal from the Russian
    # side. …" NATO is in the question only.
    row = next(r for r in snapshot_rows("fmprc_en") if r["file"] == "detail/t1702916.shtml")
    statements = extracted_page("fmprc_en", row, None).statements
    [answer] = [s for s in statements if s.text.startswith("China has received the proposal from the Russian side.")]
    assert answer.question.startswith("According to reports, Russian President Vladimir Putin had sent a proposal")
    rows = rows_for([answer])
    nato = [r for r in rows if r[1] == "org:nato"]
    assert [(r[3], r[6]) for r in nato] == [("NATO", "question")]
    assert all(answer.question[r[4]:r[5]] == r[3] for r in rows if r[6] == "question")
    assert all(answer.text[r[4]:r[5]] == r[3] for r in rows if r[6] == "text")
    # its own words name China ("China has received"), the Russian side and the US ("US deployment")
    assert {r[1] for r in rows if r[6] == "text"} >= {"country:CN", "country:RU", "country:US"}


# --- the archive: migrations 004 and 007 -----------------------------------------------------

DOCUMENT = ("d1", "p1", "fmprc_en", "https://example.org/t1", "transcript", "Regular Press Conference",
            dt.date(2020, 5, 6), "page", "en", "…", "h", "utf-8", "test",
            dt.datetime(2020, 5, 7, tzinfo=dt.timezone.utc))
DOCUMENT_COLUMNS = ("doc_id", "page_id", "source_id", "url", "doc_type", "title", "published_at", "date_basis",
                    "language", "text", "text_hash", "encoding", "extractor", "extracted_at")


class Row:
    def __init__(self, statement_id: str, text: str, language: str, question: str | None = None):
        self.statement_id, self.text, self.language, self.question = statement_id, text, language, question


ANSWERS = [  # (statement_id, question, text)
    ("d1-0001", "NATO's secretary-general spoke of China again. What is your comment?",
     "NATO should abandon its Cold War mentality. NATO claims to be defensive; China will not accept that."),
    ("d1-0002", "NATO leaders meet in London next week. Will China send anyone?", "I have nothing to offer."),
]


def archive_with_answers(path):
    con = connect(path)
    insert_rows(con, "documents", DOCUMENT_COLUMNS, [list(DOCUMENT)])
    for seq, (statement_id, question, text) in enumerate(ANSWERS, 1):
        con.execute("INSERT INTO statements (statement_id, doc_id, seq, speaker_raw, statement_date, date_basis,"
                    " kind, text, question, language) VALUES (?, 'd1', ?, 'Zhao Lijian', DATE '2020-05-06',"
                    " 'title', 'answer', ?, ?, 'en')", [statement_id, seq, text, question])
    insert_rows(con, "entities", mentions.ENTITY_COLUMNS, [list(r) for r in mentions.entity_rows()])
    rows = rows_for([Row(i, text, "en", question) for i, question, text in ANSWERS])
    insert_rows(con, "statement_mentions", mentions.MENTION_COLUMNS, [list(r) for r in rows])
    return con, rows


def test_mention_rows_say_whether_the_text_or_the_question_names_it(tmp_path):
    con, rows = archive_with_answers(tmp_path / "archive.duckdb")
    con.close()
    assert [(r[0], r[1], r[6]) for r in rows] == [
        ("d1-0001", "org:nato", "text"), ("d1-0001", "org:nato", "text"), ("d1-0001", "country:CN", "text"),
        ("d1-0001", "org:nato", "question"), ("d1-0001", "country:CN", "question"),
        ("d1-0002", "org:nato", "question"), ("d1-0002", "country:CN", "question")]


def test_v_mentions_has_one_row_per_statement_and_entity(tmp_path):
    con, _ = archive_with_answers(tmp_path / "archive.duckdb")
    try:
        # the README's first query: NATO twice in the answer and once in the question is one row;
        # NATO named only in the question is there too
        got = con.execute("SELECT statement_id, speaker, entity, entity_kind, entity_code, surface, kind, in_text,"
                          " in_question, mentions, question_mentions FROM v_mentions WHERE entity_id = 'org:nato'"
                          " AND year(date) = 2020 AND source_id = 'fmprc_en' ORDER BY statement_id").fetchall()
        assert got == [("d1-0001", "Zhao Lijian", "NATO", "organisation", "NATO", "NATO", "answer", True, True, 2, 1),
                       ("d1-0002", "Zhao Lijian", "NATO", "organisation", "NATO", "NATO", "answer", False, True, 0, 1)]
        counts = con.execute("SELECT entity_id, statements, mentions, questions FROM v_mention_counts"
                             " ORDER BY entity_id").fetchall()
        assert counts == [("country:CN", 1, 1, 2), ("org:nato", 1, 2, 2)]
    finally:
        con.close()
