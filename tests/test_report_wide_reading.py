"""A news report read as a whole: every reference to a person resolves to one speaker, and a quote
whose own sentence gives no day takes the day the report gives its occasion or its speaker.

The report is written for these tests after the real one the issue describes (the China MFA
briefing of Wednesday 2023-05-24, reported the next day): its sentences are the shapes that
report used ("Ning said", the misspelt "Ming", "China's foreign ministry spokesperson",
"Ning's remark came on Wednesday, during a regular press briefing", a `said that "…"` quote).
"""
from __future__ import annotations

import datetime as dt

from podium.news_dates import settle_dates, statement_date
from podium.quotes import find_quotes
from podium.speakers import registry

PUBLISHED = dt.date(2023, 5, 25)  # a Thursday
REPORT = ("China says NATO not welcome in Asia-Pacific\n"
          "BEIJING - China's foreign ministry spokesperson Mao Ning said the Asia-Pacific region does not welcome"
          " NATO's plan to open a liaison office in Japan.\n"
          '"We want to say that the Asia-Pacific does not welcome group confrontation, does not welcome military'
          ' confrontation," Ning said during the press conference.\n'
          "To this, Ming insisted that the regional organisation should not extend its geopolitical reach into the"
          " Asia-Pacific.\n"
          "Ning's remark came on Wednesday, during a regular press briefing in Beijing.\n"
          'NATO Secretary-General Jens Stoltenberg asserted that "No other NATO partner is closer to NATO than Japan"'
          " during a visit to Tokyo earlier this year.\n"
          'China\'s foreign ministry spokesperson also said Japan should be "extra cautious on the issue of military'
          ' security".\n'
          "'We oppose the expansion of the alliance into our region,' the spokeswoman said.")


def quotes_of(text: str):
    return find_quotes(text, registry())


def settled(text: str, published: dt.date = PUBLISHED):
    quotes = quotes_of(text)
    own = [statement_date(q.context, published) for q in quotes]
    return quotes, settle_dates(own, quotes, text, published)


def test_every_reference_to_the_spokeswoman_resolves_to_her():
    quotes = [q for q in quotes_of(REPORT) if q.speaker_raw != "Jens Stoltenberg"]
    assert [q.text.split()[0] for q in quotes] == ["the", "We", "the", "extra", "We"]
    assert {q.speaker_id for q in quotes} == {"mao_ning"}, [(q.speaker_raw, q.text[:30]) for q in quotes]


def test_a_misspelt_surname_resolves_only_to_a_name_the_report_gives_in_full():
    ming = next(q for q in quotes_of(REPORT) if q.text.startswith("the regional organisation"))
    assert ming.speaker_raw == "Mao Ning"
    alone = quotes_of("To this, Ming insisted that the regional organisation should not extend its reach.")
    assert [(q.speaker_raw, q.speaker_id) for q in alone] == [("Ming", None)]


def test_a_quote_after_said_that_is_a_direct_quote():
    nato = next(q for q in quotes_of(REPORT) if q.speaker_raw == "Jens Stoltenberg")
    assert (nato.kind, nato.text) == ("direct_quote", "No other NATO partner is closer to NATO than Japan")
    # the shape of a real report (Arunachal Times, 2019-08-07): a quote after "asserting that"
    asserting = quotes_of("Spokesperson Hua Chunying said China has always opposed the move.\n"
                          "While asserting that “recently India has "
                          "continued to undermine China’s sovereignty,” Hua said such practice was “unacceptable and "
                          "will not come into force.”")
    assert [(q.kind, q.speaker_raw, q.text.split()[0]) for q in asserting][1:] == [
        ("direct_quote", "Hua Chunying", "recently"), ("direct_quote", "Hua Chunying", "unacceptable")]


def test_a_quote_in_single_quotation_marks_is_a_direct_quote():
    last = quotes_of(REPORT)[-1]
    assert last.kind == "direct_quote" and last.text.startswith("We oppose the expansion")
    plural = quotes_of("The countries' interests are served, he said, and the 'core interest' stays.")
    assert not [q for q in plural if q.kind == "direct_quote"]


def test_quotes_at_a_briefing_take_the_day_the_report_gives_it():
    quotes, dates = settled(REPORT)
    ning = [d for q, d in zip(quotes, dates) if q.speaker_id == "mao_ning"]
    assert ning and all(d == (dt.date(2023, 5, 24), "text_event") for d in ning), ning
    nato = next(d for q, d in zip(quotes, dates) if q.speaker_raw == "Jens Stoltenberg")
    assert nato == (PUBLISHED, "vague")  # "earlier this year": not the briefing's day


def test_a_speakers_dated_statement_dates_her_undated_ones():
    text = ("Chinese Foreign Ministry spokesperson Zhao Lijian said on Monday that the sanctions were illegal.\n"
            '"The US should stop its wrong moves at once and withdraw the sanctions," Zhao said.\n'
            '"We will respond firmly to any such move by the United States," said Li Wei, an analyst in Beijing.')
    quotes, dates = settled(text, dt.date(2020, 7, 15))  # a Wednesday
    assert [(q.speaker_raw, d) for q, d in zip(quotes, dates)] == [
        ("Zhao Lijian", (dt.date(2020, 7, 13), "text_relative")),
        ("Zhao Lijian", (dt.date(2020, 7, 13), "text_speaker")),
        ("Li Wei", (dt.date(2020, 7, 15), "published")),  # nothing dates his words: not guessed
    ]
