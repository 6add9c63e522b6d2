"""Briefing transcripts → turns: who answered which question, in order.

Input is the transcript's paragraphs with one fact about their typography: whether the
paragraph is (mostly) bold, which is how the China MFA marks questions. The conventions:

* Older era: questions start `Q:`, answers `A:` (the speaker is the spokesperson of the title);
  in Chinese `问：` and `答：`.
* Newer era: a question starts with the outlet (`Reuters:`, `Follow-up:`), an answer with the
  speaker's name (`Zhao Lijian:`); in Chinese the reporter (`路透社记者：`, `彭博社记者追问：`,
  `追问：`) and the name (`赵立坚：`). A reporter's label marks a question even when it is not in
  bold (short interjections such as `记者：是的。` are set in plain type).
* Paragraphs without a prefix continue the turn before them; those before the first question
  are the opening remarks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

ANSWER_LABELS = {"a", "答"}
QUESTION_LABELS = {"q", "问"}
# Labels that say a question was asked without naming who asked it.
ANONYMOUS_QUESTIONERS = {
    "q", "问", "follow-up", "follow up", "journalist", "reporter", "foreign journalist",
    "journalist adds", "记者", "追问",
}
# Chinese labels of a question: "<outlet>记者", "记者追问", "彭博社记者提问", "会后有记者问及", "追问二".
REPORTER_LABEL = re.compile(r"记者(?:追问|提问|问及?|澄清|解释)?$|^追问")
# The outlet in a Chinese reporter's label ("中央广播电视总台央视记者" → "中央广播电视总台央视").
OUTLET_LABEL = re.compile(r"^(?P<outlet>[^，,、（(]+?)记者(?:追问|提问)?$")
CJK = re.compile(r"[\u3400-\u9fff]")
PREFIX = re.compile(r"^(?P<label>[^:：]{1,45}?)\s*[:：]\s*")
PARAGRAPH_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class Paragraph:
    text: str
    bold: bool = False


@dataclass
class Turn:
    kind: str  # "answer" | "opening_remarks"
    speaker: str | None
    char_start: int
    char_end: int
    question: str | None = None
    questioner: str | None = None
    texts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return PARAGRAPH_SEPARATOR.join(self.texts)


@dataclass(frozen=True)
class Transcript:
    text: str  # the whole transcript; turns' char offsets point into it
    turns: tuple[Turn, ...]


def split_prefix(text: str) -> tuple[str | None, str]:
    """('Reuters', rest) for 'Reuters: rest'; (None, text) when there is no short label."""
    match = PREFIX.match(text)
    if not match:
        return None, text
    return match.group("label").strip(), text[match.end():]


def is_question_label(label: str | None) -> bool:
    return label is not None and (label.casefold() in QUESTION_LABELS or bool(REPORTER_LABEL.search(label)))


def questioner_of(label: str | None) -> str | None:
    """Who asked: the outlet named in the label, or None when the label names nobody."""
    if label is None or label.casefold() in ANONYMOUS_QUESTIONERS:
        return None
    if CJK.search(label):  # only "<outlet>记者" names someone; "会后有记者问及" does not
        match = OUTLET_LABEL.match(label)
        return match.group("outlet").strip("《》 ") if match else None
    return label


class _Segmenter:
    def __init__(self, default_speaker: str | None, is_speaker: Callable[[str], bool], unasked_kind: str):
        self.default_speaker = default_speaker
        self.is_speaker = is_speaker
        self.unasked_kind = unasked_kind
        self.turns: list[Turn] = []
        self.questions: list[tuple[str | None, str]] = []
        self.current: Turn | None = None
        self.seen_question = False

    def answer_label(self, paragraph: Paragraph) -> tuple[str | None, str] | None:
        """(speaker, rest) when the paragraph opens an answer."""
        if paragraph.bold:
            return None
        label, rest = split_prefix(paragraph.text)
        if label is None:
            return None
        if label.casefold() in ANSWER_LABELS:
            return self.default_speaker, rest
        if self.is_speaker(label):
            return label, rest
        return None

    def is_question(self, paragraph: Paragraph) -> bool:
        label, _ = split_prefix(paragraph.text)
        return paragraph.bold or is_question_label(label)

    def feed(self, paragraph: Paragraph, offset: int) -> None:
        end = offset + len(paragraph.text)
        if self.is_question(paragraph):
            self.current = None
            self.seen_question = True
            self.questions.append(split_prefix(paragraph.text))
            return
        opened = self.answer_label(paragraph)
        if opened is not None or self.current is None:
            speaker, rest = opened if opened else (self.default_speaker, paragraph.text)
            self.open_turn(speaker, end - len(rest), end, rest)
        else:
            self.current.texts.append(paragraph.text)
            self.current.char_end = end

    def open_turn(self, speaker: str | None, start: int, end: int, text: str) -> None:
        if self.questions:
            labels = [label for label, _ in self.questions]
            question = PARAGRAPH_SEPARATOR.join(rest for _, rest in self.questions)
            named = [q for q in map(questioner_of, labels) if q]
            turn = Turn("answer", speaker, start, end, question, named[0] if named else None)
        else:
            turn = Turn("answer" if self.seen_question else self.unasked_kind, speaker, start, end)
        turn.texts.append(text)
        self.turns.append(turn)
        self.current = turn
        self.questions = []


def segment(paragraphs: tuple[Paragraph, ...] | list[Paragraph], default_speaker: str | None,
            is_speaker: Callable[[str], bool], unasked_kind: str = "opening_remarks") -> Transcript:
    """Split a transcript into turns. `is_speaker` says whether a prefix label names a speaker;
    `unasked_kind` is the kind of the turns before any question (a statement item's: press_statement)."""
    segmenter = _Segmenter(default_speaker, is_speaker, unasked_kind)
    offset = 0
    for paragraph in paragraphs:
        segmenter.feed(paragraph, offset)
        offset += len(paragraph.text) + len(PARAGRAPH_SEPARATOR)
    text = PARAGRAPH_SEPARATOR.join(p.text for p in paragraphs)
    return Transcript(text, tuple(segmenter.turns))
