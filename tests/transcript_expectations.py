"""What a transcript's expected values record (the `transcript` section of tests/expected.py),
computed from extracted or archived statements, and where a statement's offsets point."""
from __future__ import annotations

from storage.db import open_archive


def misplaced_statements(extraction) -> list[str]:
    """Ids of statements whose offsets do not point at their text in the document's text."""
    text = extraction.document.text
    return [s.statement_id for s in extraction.statements if text[s.char_start:s.char_end] != s.text]


def observed(statements: list[dict], chars: int, kinds: bool = False) -> dict:
    """The facts the expectation files record, computed from statements: opening words are the
    first `chars` characters; `kinds`: also the number of statements of each kind."""
    answers = [s for s in statements if s["kind"] == "answer"]
    opening = [s for s in statements if s["kind"] == "opening_remarks"]
    questioners: list[str] = []
    for s in answers:
        if s["questioner"] and s["questioner"] not in questioners:
            questioners.append(s["questioner"])
    by: dict[str, int] = {}
    for s in answers:
        by[s["speaker_name"]] = by.get(s["speaker_name"], 0) + 1
    first, last = (answers[0], answers[-1]) if answers else (None, None)
    facts = {
        "answer_turns": len(answers),
        "question_count": sum(1 for s in answers if s["question"]),
        "has_opening_remarks": bool(opening),
        "opening_starts": opening[0]["text"][:chars] if opening else None,
        "answers_by": by,
        "first_answer_starts": first["text"][:chars] if first else None,
        "last_answer_starts": last["text"][:chars] if last else None,
        "first_question_starts": first["question"][:chars] if first else None,
        "questioners": questioners,
    }
    if kinds:
        counted: dict[str, int] = {}
        for s in statements:
            counted[s["kind"]] = counted.get(s["kind"], 0) + 1
        facts["kinds"] = counted
    return facts


def archived_statements(archive, url: str, keep_unregistered: bool = False) -> list[dict]:
    """The archived statements of a page, in order, with `speaker_name`: the registry's name of the
    speaker; for a speaker the registry does not know, the name as given (`keep_unregistered`) or
    None; and the document's date, date basis and language."""
    speaker = "coalesce(v.speaker, s.speaker_raw)" if keep_unregistered else "v.speaker"
    with open_archive(archive, read_only=True) as con:
        cursor = con.execute(
            f"SELECT s.*, {speaker} AS speaker_name, d.published_at,"
            " d.date_basis AS doc_basis, d.language AS doc_language"
            " FROM statements s JOIN documents d USING (doc_id) JOIN v_statements v USING (statement_id)"
            " WHERE d.url = ? ORDER BY s.seq", [url])
        columns = [c[0] for c in cursor.description]
        return [dict(zip(columns, row)) for row in cursor.fetchall()]
