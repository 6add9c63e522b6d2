"""What a reader found in a recorded page, against the expected values read off it
(tests/expected.py): each check returns one line per difference, so that one test can report every
page of a source at once."""
from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

from bench.quotes import same_speaker
from conftest import FIXTURES
from expected import ExpectedPage, StatementsExpected
from podium.settings import settings
from podium.speakers import registry
from podium.transcript import split_label
from podium.whitehouse import TURN_RULES, paragraphs_of
from recorded_pages import extracted, stored_page
from transcript_expectations import misplaced_statements, observed


def mismatches(source: str, expected: ExpectedPage) -> list[str]:
    """What the reader found differently from the expected values, one line each."""
    extraction = extracted(source, expected)
    statements = [vars(s) for s in extraction.statements]
    wrong = content_mismatches(source, vars(extraction.document), statements, expected)
    if expected.transcript is not None:
        wrong += transcript_mismatches(source, extraction, expected)
    if settings().source(source).kind != "news":  # a statement's words are the document's text at its offsets
        wrong += differing("misplaced statements", misplaced_statements(extraction), [])
    return wrong


def content_mismatches(source: str, document: dict, statements: list[dict], expected: ExpectedPage) -> list[str]:
    """The document's fields and its statements (as extracted, or as archived) against the
    expected values; statements are numbered in order."""
    wrong = document_mismatches(source, document, expected)
    wrong += differing("statement numbers", [s["seq"] for s in statements], list(range(1, len(statements) + 1)))
    if expected.statements is not None:
        wrong += statements_mismatches(statements, expected.statements, expected)
    if settings().source(source).kind == "news":
        wrong += news_mismatches(statements, expected)
    return wrong


def differing(what: str, found, wanted) -> list[str]:
    return [] if found == wanted else [f"{what}: found {found!r}, expected {wanted!r}"]


def not_starting(what: str, text: str | None, start: str) -> list[str]:
    return [] if (text or "").startswith(start) else [f"{what}: {(text or '')[:len(start) + 20]!r} does not start "
                                                      f"with {start!r}"]


def document_mismatches(source: str, document: dict, expected: ExpectedPage) -> list[str]:
    wrong = differing("kind", expected.kind, settings().source(source).kind) if expected.kind else []
    for field in ("title", "language", "doc_type", "date_basis"):
        if expected.given(field):
            wrong += differing(field, document[field], getattr(expected, field))
    if expected.date is not None or expected.date_basis is not None:  # a null date alone: dated otherwise
        wrong += differing("date", document["published_at"], expected.date)
    if expected.body_contains is not None and expected.body_contains not in " ".join(document["text"].split()):
        wrong.append(f"body: {expected.body_contains!r} is not in the text")
    for author in expected.authors or []:
        if not any(author in name for name in document["authors"]):
            wrong.append(f"authors: {author!r} is in none of {document['authors']!r}")
    return wrong


def statements_mismatches(statements: list[dict], wanted: StatementsExpected, expected: ExpectedPage) -> list[str]:
    wrong = differing("statements", len(statements), wanted.count)
    if wanted.by_speaker_raw is not None:
        wrong += differing("statements by speaker", counted(s["speaker_raw"] for s in statements),
                           wanted.by_speaker_raw)
    for statement, first in zip(statements, wanted.first):
        for field in first.model_fields_set - {"text_starts"}:
            wrong += differing(f"statement {statement['seq']} {field}", statement[field], getattr(first, field))
        if first.text_starts is not None:
            wrong += not_starting(f"statement {statement['seq']}", statement["text"], first.text_starts)
    if wanted.first_question_starts is not None:
        answered = next((s for s in statements if s["question"]), {"question": None})
        wrong += not_starting("first question", answered["question"], wanted.first_question_starts)
    if expected.date_basis is not None:  # a statement carries its document's date
        wrong += differing("statement dates", {s["statement_date"] for s in statements}, {expected.date})
    return wrong


def counted(values) -> dict:
    counts: dict = {}
    for value in values:
        counts[value] = counts.get(value, 0) + 1
    return counts


def transcript_mismatches(source: str, extraction, expected: ExpectedPage) -> list[str]:
    """The turns a reader counted: answers, by whom, questions, questioners and the openings."""
    wanted = expected.transcript
    statements = [{**vars(s), "speaker_name": speaker_name(s)} for s in extraction.statements]
    facts = observed(statements, wanted.starts_chars, kinds=wanted.kinds is not None)
    question_count = QUESTION_COUNTS.get(settings().source(source).format)
    if question_count is not None:  # counted in the text, not from the answers' questions
        facts["question_count"] = question_count(stored_page(source, expected, None).body)
    wrong = []
    for field, value in facts.items():
        wrong += differing(field, value, getattr(wanted, field))
    return wrong


def speaker_name(statement) -> str:
    """A speaker as the expectation files name them: the registry's name; a label no one is
    registered under as printed, an all-capitals one in title case ("MODERATOR" → "Moderator")."""
    if statement.speaker_id:
        return registry().by_id(statement.speaker_id).name
    label = statement.speaker_raw or ""
    label = label.title() if label.isupper() else label
    # a registered person's name without their id: the reader failed to resolve them, which no
    # expected count may hide
    return f"{label} (not resolved)" if registry().resolve(label) else label


def questions_in_markdown(body: bytes) -> int:
    """Paragraphs that open with `Q`: each reporter's question, also one right after another."""
    return sum(split_label(TURN_RULES, p.text)[0] == "Q" for p in paragraphs_of(body.decode("utf-8")))


# formats whose expectation files count the questions in the text (tests/fixtures/README.md)
QUESTION_COUNTS = {"whitehouse_transcript": questions_in_markdown}


def news_mismatches(statements: list[dict], expected: ExpectedPage) -> list[str]:
    """A news report's statements are its quotes, in order; every speaker of its annotated quotes
    (tests/fixtures/quotes, named after its page's first 8 characters) has statements
    (tests/test_news_statements.py checks them quote by quote)."""
    wrong = differing("statement kinds", {s["kind"] for s in statements} - {"direct_quote", "indirect"}, set())
    annotated = FIXTURES / "quotes" / f"{Path(expected.file).name[:8]}.json"
    if annotated.exists():
        found = [SimpleNamespace(**s) for s in statements if s["speaker_raw"]]
        for quote in json.loads(annotated.read_text(encoding="utf-8"))["quotes"]:
            if not any(same_speaker(quote["speaker"], s, registry()) for s in found):
                wrong.append(f"no statement of {quote['speaker']!r}")
    return wrong
