"""Article extraction: an evaluation gate on bundled benchmark pages (scrapinghub's
article-extraction benchmark, tests/fixtures/extraction_benchmark), the benchmark's metric on
hand-made texts, and the line-cleaning and language rules on short texts."""
from __future__ import annotations

import pytest

from bench.extraction import NetworkUsed, evaluate, load_pages, no_network, page_counts, scores
from conftest import FIXTURES
from podium.articles import body_text, url_date
from podium.cleaning import clean_body, is_boilerplate, normalise_line, text_language

BENCHMARK = FIXTURES / "extraction_benchmark"
# Measured 0.990 (P 0.992, R 0.988) on these 20 pages with articles-2; trafilatura alone: 0.976.
BASELINE_F1 = 0.980


# -- the gate --------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def results():
    return {row[0]: row[1:] for row in evaluate(load_pages(BENCHMARK), ["podium", "trafilatura"])}


def test_podium_f1_stays_above_the_recorded_baseline(results):
    precision, recall, f1, _ = results["podium"]
    assert f1 >= BASELINE_F1, f"F1 {f1:.3f} (P {precision:.3f}, R {recall:.3f}) < baseline {BASELINE_F1}"


def test_podium_is_at_least_as_good_as_trafilatura_alone(results):
    assert results["podium"][2] >= results["trafilatura"][2]


def test_every_bundled_page_gets_a_body():
    assert all(len(body_text(p.html, p.url)) > 200 for p in load_pages(BENCHMARK))


def test_the_network_guard_refuses_connections():
    import socket

    with no_network(), pytest.raises(NetworkUsed):
        socket.create_connection(("127.0.0.1", 9))


# -- the benchmark's metric, on texts whose scores can be worked out by hand ----------------------

def test_one_changed_word_at_the_end():
    # Shingles of "a b c d e": abcd, bcde. Of "a b c d x": abcd, bcdx. tp=1, fp=1, fn=1.
    assert page_counts("a b c d e", "a b c d x") == pytest.approx((1 / 3, 1 / 3, 1 / 3))
    assert scores([page_counts("a b c d e", "a b c d x")]) == pytest.approx((0.5, 0.5, 0.5))


def test_shingles_are_counted_as_a_multiset():
    # Truth "a b c d a b c d": abcd ×2, bcda, cdab, dabc (5). Predicted "a b c d": abcd ×1.
    assert page_counts("a b c d a b c d", "a b c d") == pytest.approx((1 / 5, 0, 4 / 5))
    assert scores([page_counts("a b c d a b c d", "a b c d")])[:2] == pytest.approx((1.0, 0.2))


def test_punctuation_is_not_a_token_and_short_texts_are_one_shingle():
    assert page_counts("Hello, world!", "hello world") != (1.0, 0.0, 0.0)  # case matters
    assert page_counts("Hello, world!", "Hello world") == (1.0, 0.0, 0.0)


def test_an_empty_prediction_counts_for_recall_only():
    # Page 1 perfect; page 2 predicted nothing: precision over page 1 only (1.0), recall (1 + 0) / 2.
    counts = [page_counts("one two three four five", "one two three four five"),
              page_counts("six seven eight nine", "")]
    precision, recall, f1 = scores(counts)
    assert (precision, recall) == (1.0, 0.5)
    assert f1 == pytest.approx(2 / 3)


# -- cleaning rules ---------------------------------------------------------------------------------

@pytest.mark.parametrize("line", [
    "Advertisement", "ADVERTISEMENT", "Related: Five things to know about the summit", "SEE MORE: Protests",
    "DON'T MISS", "More:", "Read more…", "Follow us on Twitter", "Share this article",
    "Sign up for our daily newsletter", "Subscribe to the Morning Briefing", "Photo: Reuters",
    "© 2019 Example News. All rights reserved.", "Source: News agencies", "* * *", "5 min read",
    "You may also like...", "We use cookies to improve your experience.",
])
def test_boilerplate_lines_are_dropped(line):
    assert is_boilerplate(normalise_line(line))


@pytest.mark.parametrize("line", [
    "More than 100 people were evacuated on Tuesday.", "Also present were the ministers of Chile and Peru.",
    "Source close to the talks said no deal was near.", "Share prices fell sharply in Tokyo.",
    "Follow-up questions were not allowed.", "The spokesperson said the photo was taken in 2019.",
    "Readers can email the ministry, she said, and follow the hearings online.",
])
def test_article_lines_are_kept(line):
    assert not is_boilerplate(normalise_line(line))


def test_clean_body_normalises_and_drops_the_repeated_headline():
    text = ("Minister visits Hanoi\n\n  Cafe\u0301  owners\u00a0met the\u200b minister.  \n"
            "Advertisement\nShe left on Friday.")
    assert clean_body(text, ["Minister visits Hanoi"]) == "Café owners met the minister.\nShe left on Friday."


def test_a_long_paragraph_starting_like_a_prompt_is_kept():
    paragraph = ("Subscribe to nothing, the minister told reporters, is what the ministry advised citizens "
                 "who asked whether the new services would cost them anything at all this year.")
    assert clean_body(paragraph) == paragraph


# -- language and URL dates ------------------------------------------------------------------------

ENGLISH = ("The minister said on Tuesday that the talks with the delegation would resume after the holiday, "
           "and that both sides were ready to sign.")
GERMAN = ("Der Minister sagte am Dienstag, dass die Gespräche mit der Delegation nach dem Feiertag wieder "
          "aufgenommen werden und beide Seiten bereit seien.")


def test_text_language_overrules_a_wrong_declaration():
    assert text_language(ENGLISH, "de") == "en"
    assert text_language(GERMAN, "en") == "de"


def test_text_language_keeps_the_declaration_when_unsure():
    assert text_language("Palm Bay 70-44 Rockledge", "en") is None
    assert text_language("外交部发言人赵立坚主持例行记者会。问：关于这个问题你有什么评论？"
                         "答：我们已经多次表明立场。") == "zh"


def test_url_dates_with_numbers_or_month_names_and_no_placeholders():
    assert str(url_date("https://www.politifact.com/article/2019/nov/18/tariffs/")) == "2019-11-18"
    assert str(url_date("https://www.cnn.com/2019/11/18/investing/index.html")) == "2019-11-18"
    assert url_date("https://example.org/0001/01/01/x") is None
