"""Quotes with speakers (podium.quotes) and statement dates (podium.news_dates).

Short texts written for one rule each, then the annotated real articles in tests/fixtures/quotes
(expected JSON written by reading the articles; see PROVENANCE.md there)."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from bench.quotes import evaluate, normalise_words
from conftest import FIXTURES
from podium.news_dates import statement_date
from podium.quotes import find_quotes
from podium.speakers import registry

QUOTES = FIXTURES / "quotes"

# Measured with bench/quotes.py on the 29 annotated articles when this baseline was set: F1 0.993
# (dev 0.994; the 3 held-out articles scored 0.85 before the two fixes they prompted, 0.974 after).
# The gate sits a little under it so that a rule change that costs attributions fails here.
F1_BASELINE = 0.97


def quotes(text):
    return find_quotes(text, registry())


def only(text, kind=None):
    found = [q for q in quotes(text) if kind is None or q.kind == kind]
    assert len(found) == 1, found
    return found[0]


# -- quote marks ------------------------------------------------------------------------------------

def test_straight_quotes_with_name_after_the_cue():
    q = only('"We will not accept attempts to bully smaller nations," said Mark Esper.')
    assert (q.kind, q.speaker_id, q.cue) == ("direct_quote", "mark_esper", "said")
    assert q.text == "We will not accept attempts to bully smaller nations,"


def test_curly_quotes_with_title_before_the_name():
    q = only("“China firmly opposes this so-called sanction,” said Foreign Ministry Spokesperson Mao Ning.")
    assert q.speaker_id == "mao_ning" and q.speaker_raw == "Mao Ning"
    assert q.role == "Foreign Ministry Spokesperson"


def test_mismatched_closer_ends_the_quote():
    q = only("“The door to dialogue remains open to everyone,’ Wang Yi said on the call.")
    assert q.text == "The door to dialogue remains open to everyone,"
    assert q.speaker_id == "wang_yi"


def test_double_apostrophe_closer():
    q = only("“It was an attempt to mislead voters,’’ Will Moy told the BBC.")
    assert q.text == "It was an attempt to mislead voters," and q.speaker_raw == "Will Moy"


def test_multi_paragraph_quote_is_one_quote():
    text = ("Lin Jian said: “The Taiwan question is China's internal affair. No one should underestimate"
            " our resolve.\n\n“We urge the US side to stop arming Taiwan.”\n\nThe briefing ended at noon.")
    q = only(text)
    assert q.speaker_id == "lin_jian"
    assert "internal affair" in q.text and "stop arming Taiwan" in q.text
    assert "\n" not in q.text


def test_a_paragraph_that_is_only_a_quote_continues_the_previous_speaker():
    text = ("“We will keep talking to all parties,” Antonio Guterres said.\n\n"
            "“Peace is the only way forward for the region.”")
    found = quotes(text)
    assert [q.speaker_id for q in found] == ["antonio_guterres", "antonio_guterres"]


def test_quoted_names_and_slogans_are_not_statements():
    text = "China said it is committed to the “one country, two systems” formula, Mao Ning said."
    found = quotes(text)
    assert not any("one country" in q.text for q in found if q.kind == "direct_quote"), found
    assert [(q.kind, q.speaker_id) for q in found] == [("indirect", "mao_ning")]  # the sentence is kept


# -- indirect statements ----------------------------------------------------------------------------

@pytest.mark.parametrize("verb", ["stated", "insisted", "said", "warned"])
def test_indirect_statement_with_that(verb):
    q = only(f"Wang Wenbin {verb} that the United States must stop interfering in Hong Kong affairs.")
    assert (q.kind, q.speaker_id, q.cue) == ("indirect", "wang_wenbin", verb)
    assert q.text == "the United States must stop interfering in Hong Kong affairs."


def test_indirect_statement_without_that_and_inverted():
    found = quotes("Mark Esper said the ship would be delivered next year. The coast guard needs more "
                   "patrol boats, Esper said.")
    assert [(q.kind, q.speaker_id) for q in found] == [("indirect", "mark_esper")] * 2
    assert found[1].text == "The coast guard needs more patrol boats"


def test_participle_saying_belongs_to_the_sentence_subject():
    q = only("Foreign Secretary Dominic Raab defended the party, saying the account was clearly labelled.")
    assert q.speaker_raw == "Dominic Raab" and q.cue == "saying"
    assert q.role == "Foreign Secretary"


def test_several_speakers_at_once_get_no_single_speaker():
    # a reported clause needs one named person: with several it is dropped
    assert quotes("Kurt Volker and Tim Morrison said that the call was not in line with US goals.") == []
    # a direct quote is kept, without a speaker
    q = only("“The call was not in line with US goals,” Kurt Volker and Tim Morrison said.")
    assert (q.kind, q.speaker_raw, q.speaker_id) == ("direct_quote", None, None)


# -- follow-on references ---------------------------------------------------------------------------

def test_pronoun_follow_on_takes_the_last_speaker_of_that_gender():
    text = ("Chinese Foreign Ministry spokesperson Mao Ning spoke after Kurt Volker had left. "
            "Volker said he had nothing to add.\n\n"
            "“China will respond resolutely to any provocation,” she further added.")
    found = quotes(text)
    assert found[-1].kind == "direct_quote" and found[-1].speaker_id == "mao_ning"
    assert found[0].speaker_raw == "Kurt Volker"


def test_surname_follow_on():
    text = ("Jeff Sanborn, president of Chapter & Verse, spoke on Tuesday.\n\n"
            "“Let's be provocative, let's get people to notice it,” Sanborn said.")
    q = only(text)
    assert q.speaker_raw == "Jeff Sanborn"
    assert (q.role, q.organisation) == ("president", "Chapter & Verse")


def test_given_name_used_by_mistake_resolves_to_the_full_name():
    text = ("Chinese Foreign Ministry spokesperson Mao Ning took questions. "
            "Ning told a briefing that Beijing would keep the channels of communication open.")
    q = only(text, "indirect")
    assert q.speaker_id == "mao_ning" and q.cue == "told"


def test_role_noun_follow_on():
    text = ("Foreign Ministry Spokesperson Hua Chunying met the press.\n\n"
            "“We hope the US side will stop its wrong moves,” the spokeswoman said.")
    assert only(text).speaker_id == "hua_chunying"


def test_one_letter_misspelling_is_the_same_person():
    text = ("Palestinian chief negotiator Saeb Erekat said they would take a series of measures. "
            "Saeb Erakat said the measures include a Security Council debate.")
    found = quotes(text)
    assert [q.speaker_raw for q in found] == ["Saeb Erekat", "Saeb Erekat"]
    assert found[0].role == "chief negotiator" and found[0].organisation == "Palestinian"


def test_misspelt_registered_name_resolves_to_the_registry():
    q = only("China's ambassador to Britain Liu Xiaming said that China has the power to end the unrest.")
    assert q.speaker_id == "liu_xiaoming" and q.speaker_raw == "Liu Xiaming"


def test_unknown_speaker_is_kept_with_role_and_organisation():
    q = only("“We are cooperating fully with the inquiry,” said Jane Okafor, a spokeswoman for "
             "the Ministry of Ports, in a statement.")
    assert (q.speaker_raw, q.speaker_id) == ("Jane Okafor", None)
    assert (q.role, q.organisation) == ("spokeswoman", "the Ministry of Ports")


def test_organisations_are_not_named_speakers():
    q = only("“The cause of the crash is under investigation by the military,” the statement said.")
    assert q.speaker_raw is None


# -- what is never a speaker, and what is no statement ----------------------------------------------

@pytest.mark.parametrize("address", ["1119 Eighth St.", "1909 Jolinda Drive"])
def test_a_street_address_is_never_the_speaker(address):
    # the demo's police report: "… arrested Elizabeth A. Burton, 32, of 1119 Eighth St., after …,
    # said Lt. Matt Harris, …" made "Eighth St." the speaker of the words after "said"
    q = only(f"Officers arrested Jane Roe outside her home at {address}, after finding a stolen "
             "bicycle in her car, said Lt. Matt Harris, Columbus Police Department spokesman.")
    assert (q.kind, q.speaker_raw, q.role) == ("indirect", "Matt Harris", "Lt.")
    assert q.text == (f"Officers arrested Jane Roe outside her home at {address}, after finding a stolen "
                      "bicycle in her car")


def test_a_street_named_for_its_office_still_speaks_for_it():
    q = only("“We will set out our plans next week,” Downing Street said.")
    assert (q.speaker_raw, q.organisation) == (None, "Downing Street")


@pytest.mark.parametrize("place", ["Hong Kong", "New Jersey", "South Korea"])
def test_a_place_is_never_a_person(place):
    # gazetteer names (config/gazetteer.yaml) and pycountry's regions speak for their governments at
    # most: "… while the city's police deny accusations and say they show utmost restraint" once
    # made "Hong Kong" a person, the subject of the sentence
    text = (f"China said it is committed to the formula granting {place} autonomy, while the city’s "
            "police deny accusations of brutality and say they show utmost restraint.")
    assert [q.speaker_raw for q in quotes(text)] == []
    q = only(f"“The new rules apply to every visitor from next month,” {place} said.")
    assert (q.speaker_raw, q.organisation) == (None, place)


def test_a_surname_that_is_a_country_only_for_some_people_still_speaks():
    # "Jordan" is guarded in the gazetteer as a person's name too
    q = only("Michael Jordan spoke to reporters. Jordan said that the team would play again next season.")
    assert q.speaker_raw == "Michael Jordan"


POLICE_REPORT = ("Police arrested two people Monday during a narcotics investigation.\n"
                 "Officers arrested Elizabeth A. Burton, 32, of 1119 Eighth St., after locating "
                 "methamphetamine in her car, Harris said.\n"
                 "A canine later alerted to the odor of narcotics in the vehicle, Harris said.\n"
                 "“We will keep these drugs off our streets,” Harris said.")


def test_a_police_report_keeps_only_its_quoted_words():
    # its "…, Harris said" sentences are the police's account of arrests, not statements
    found = quotes(POLICE_REPORT)
    assert [(q.kind, q.text) for q in found] == [("direct_quote", "We will keep these drugs off our streets,")]
    # without the age and home address it reads as any news report
    plain = POLICE_REPORT.replace("Elizabeth A. Burton, 32, of 1119 Eighth St.", "a woman")
    assert [q.kind for q in quotes(plain)] == ["indirect", "indirect", "direct_quote"]


def test_an_age_and_a_famous_address_make_no_police_report():
    text = ("Boris Johnson, 55, who spoke outside 10 Downing Street, said the election was about Brexit. "
            "The country needed a government that works, Johnson said.")
    assert [q.kind for q in quotes(text)] == ["indirect", "indirect"]


# -- statement dates --------------------------------------------------------------------------------

WEDNESDAY = dt.date(2019, 11, 20)


@pytest.mark.parametrize("context, expected, basis", [
    ("Esper said on Wednesday", dt.date(2019, 11, 20), "text_relative"),
    ("Noem tweeted Monday night", dt.date(2019, 11, 18), "text_relative"),
    ("she said yesterday", dt.date(2019, 11, 19), "text_relative"),
    ("he said last Friday", dt.date(2019, 11, 15), "text_relative"),
    ("he said last Wednesday", dt.date(2019, 11, 13), "text_relative"),
    ("she told reporters on May 24", dt.date(2019, 5, 24), "text_absolute"),
    ("she told reporters on Dec. 24", dt.date(2018, 12, 24), "text_absolute"),
    ("NASA announced Nov. 18, 2018 that", dt.date(2018, 11, 18), "text_absolute"),
    ("he said earlier this week", WEDNESDAY, "vague"),
    ("he said", WEDNESDAY, "published"),
])
def test_statement_date(context, expected, basis):
    assert statement_date(context, WEDNESDAY) == (expected, basis)


def test_statement_date_from_dateline():
    lede = "BEIJING, February 1 (Xinhua) -- Chinese Foreign Ministry spokesperson Mao Ning said"
    assert statement_date("she said", WEDNESDAY, lede=lede) == (dt.date(2019, 2, 1), "dateline")
    assert statement_date("she said", WEDNESDAY, lede="HANOI, Vietnam (AP) — U.S.") == (WEDNESDAY, "published")


def test_quote_context_carries_the_day():
    q = only("“We pray for the full recovery of both men,” Stephanie Grisham said on Tuesday.")
    assert statement_date(q.context, WEDNESDAY) == (dt.date(2019, 11, 19), "text_relative")


# -- the annotated articles -------------------------------------------------------------------------

ANNOTATED = sorted(QUOTES.glob("*.json"))


def test_annotated_set_is_large_enough():
    assert len(ANNOTATED) >= 25
    assert sum(len(json.loads(p.read_text())["quotes"]) for p in ANNOTATED) >= 150


def test_f1_on_annotated_articles_stays_above_baseline():
    score = evaluate(QUOTES)
    assert score.f1 >= F1_BASELINE, (score.precision, score.recall)


@pytest.mark.parametrize("path", [p for p in ANNOTATED if json.loads(p.read_text())["statement_dates"]],
                         ids=lambda p: p.stem)
def test_statement_dates_of_annotated_quotes(path):
    annotation = json.loads(path.read_text(encoding="utf-8"))
    published = dt.date.fromisoformat(annotation["published"])
    found = quotes(path.with_suffix(".txt").read_text(encoding="utf-8"))
    for expected in annotation["statement_dates"]:
        start = normalise_words(expected["quote_starts"])
        match = next(q for q in found if start in normalise_words(q.text))
        assert statement_date(match.context, published)[0].isoformat() == expected["date"], match.context
