"""Briefing transcripts → turns: who answered which question, in order. One segmenter for every
source family; what differs between families is a `TurnRules`.

A transcript is a list of paragraphs, each knowing whether it is (mostly) bold. A paragraph may
open with a label: a question's (`Q:`, `Q` on the White House's pages, `QUESTION:`, `Reuters:`,
`路透社记者：`) or a speaker's (`A:`, `Zhao Lijian:`, `MS. JEAN-PIERRE:`). The families differ in:

* which labels are questions and which name a speaker (China MFA: a reporter's label, or any
  name the registry knows; State Department and White House: any upper-case label but `Q`);
* whether a bold paragraph is a question (the China MFA sets questions in bold);
* what an unlabelled paragraph with no turn open is. China MFA: a turn of the title's
  spokesperson (opening remarks before the first question, an answer after one). State
  Department and White House: place and time lines before the first label belong to no turn, and
  after a question the question runs on;
* stage notes and closing lines (`(Laughter.)`, `END`, `5:13 P.M. EDT`): no one's words. Between
  two paragraphs of one turn they stay in its text (the turn is one stretch of the transcript);
  anywhere else they belong to no turn.

Everywhere: paragraphs without a label continue the turn before them; the turns before the
first question are opening remarks (or press statements, for a Chinese item without questions);
several questions before one answer are all that answer's question; interruptions and cross-talk
stay in the order they were said.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

CJK = re.compile(r"[\u3400-\u9fff]")
PARAGRAPH_SEPARATOR = "\n\n"
# An upper-case turn label before its colon: "MR PRICE", "MS. JEAN-PIERRE", "SECRETARY BLINKEN".
UPPER_CASE_LABEL = r"[A-Z][A-Z.'’ -]{1,50}?"
# Words of an upper-case turn label that are titles, not names: "SECRETARY BLINKEN", "MS. JEAN-PIERRE".
LABEL_TITLES = {"MR", "MRS", "MS", "DR", "SECRETARY", "DEPUTY", "UNDER", "ASSISTANT", "ACTING", "AMBASSADOR",
                "SPECIAL", "ENVOY", "REPRESENTATIVE", "PRESIDENT", "PRIME", "MINISTER", "FOREIGN", "PREMIER",
                "SENIOR", "STATE", "DEPARTMENT", "OFFICIAL", "ADMINISTRATOR", "GENERAL", "VICE", "ADMIRAL",
                "GOVERNOR", "ADMINISTRATION"}


@dataclass(frozen=True)
class Paragraph:
    text: str
    bold: bool = False


@dataclass(frozen=True)
class TurnRules:
    """How one family's transcripts mark who speaks (see the module's docstring)."""
    label: re.Pattern  # a paragraph-opening label: groups `label` and `rest`
    is_question: Callable[[str], bool]  # the label marks a question
    is_speaker: Callable[[str], bool]  # the label names someone who answers; otherwise it is text
    questioner_of: Callable[[str | None], str | None] = lambda label: None  # who asked, by the label
    default_speaker: str | None = None  # who speaks unlabelled or under an answer label
    answer_labels: frozenset[str] = frozenset()  # labels standing for the default speaker ("a", "答")
    bold_questions: bool = False
    unlabelled_opens_turn: bool = False  # else: before any label it is no one's, after a question it runs on
    label_needs_text: bool = False  # a label alone in its paragraph is no label
    repeated_label_continues: bool = False  # the turn's own label again, with no question between, goes on
    skip: re.Pattern | None = None  # stage notes, closing lines: a turn's text only if the turn goes on after them
    unasked_kind: str = "opening_remarks"


@dataclass
class Turn:
    kind: str  # "answer" | "opening_remarks" | rules.unasked_kind
    speaker: str | None  # as labelled (whitespace collapsed), or the rules' default speaker
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


def split_label(rules: TurnRules, text: str) -> tuple[str | None, str]:
    """('Reuters', rest) for 'Reuters: rest'; (None, text) when the paragraph opens with no label."""
    match = rules.label.match(text)
    if not match or (rules.label_needs_text and not match.group("rest").strip()):
        return None, text
    return " ".join(match.group("label").split()), match.group("rest")


def label_surname(label: str) -> str:
    """The surname an upper-case label names: "MS. JEAN-PIERRE" → "JEAN-PIERRE"."""
    words = [w for w in label.replace(".", "").split() if w not in LABEL_TITLES]
    return words[-1] if words else label


class _Segmenter:
    def __init__(self, rules: TurnRules):
        self.rules = rules
        self.turns: list[Turn] = []
        self.questions: list[tuple[str | None, str]] = []
        self.current: Turn | None = None
        self.seen_question = False
        self.held: list[tuple[str, int]] = []  # skipped paragraphs and offsets: the turn's if it goes on

    def go_on(self, text: str, offset: int) -> None:
        """Add a paragraph to the open turn, with the stage notes between (so offsets stay
        contiguous). A turn whose label stood alone in its paragraph starts with this one."""
        if self.current.texts == [""]:
            self.current.texts, self.current.char_start = [], self.held[0][1] if self.held else offset
        self.current.texts.extend([*(held for held, _ in self.held), text])
        self.current.char_end = offset + len(text)
        self.held = []

    def feed(self, paragraph: Paragraph, offset: int) -> None:
        rules, end = self.rules, offset + len(paragraph.text)
        if rules.skip and rules.skip.match(paragraph.text):
            self.held.append((paragraph.text, offset))
            return
        label, rest = split_label(rules, paragraph.text)
        if (rules.bold_questions and paragraph.bold) or (label is not None and rules.is_question(label)):
            self.current, self.seen_question, self.held = None, True, []
            self.questions.append((label, rest))
            return
        opens, speaker = self.answer_speaker(label)
        repeated = rules.repeated_label_continues and self.current is not None and speaker == self.current.speaker
        if opens and not repeated:
            self.open_turn(speaker, end - len(rest), end, rest)
        elif self.current is not None:  # the label, if repeated, stays in the text: offsets point at what was said
            self.go_on(paragraph.text, offset)
        elif rules.unlabelled_opens_turn:
            self.open_turn(rules.default_speaker, offset, end, paragraph.text)
        elif self.questions:
            self.questions.append((None, paragraph.text))  # a question running on over several paragraphs
        self.held = []

    def answer_speaker(self, label: str | None) -> tuple[bool, str | None]:
        """(whether the label opens an answer, who speaks): "A:" is the default speaker."""
        if label is None:
            return False, None
        if label.casefold() in self.rules.answer_labels:
            return True, self.rules.default_speaker
        return (True, label) if self.rules.is_speaker(label) else (False, None)

    def open_turn(self, speaker: str | None, start: int, end: int, text: str) -> None:
        kind = "answer" if self.seen_question else self.rules.unasked_kind
        turn = Turn(kind, speaker, start, end)
        if self.questions:
            turn.question = PARAGRAPH_SEPARATOR.join(rest for _, rest in self.questions)
            named = [q for q in map(self.rules.questioner_of, (label for label, _ in self.questions)) if q]
            turn.questioner = named[0] if named else None
        turn.texts.append(text)
        self.turns.append(turn)
        self.current = turn
        self.questions = []


def segment(paragraphs: tuple[Paragraph, ...] | list[Paragraph], rules: TurnRules) -> Transcript:
    """Split a transcript into turns by its family's rules. Offsets point into the paragraphs
    joined with PARAGRAPH_SEPARATOR, which is the transcript's text."""
    segmenter = _Segmenter(rules)
    offset = 0
    for paragraph in paragraphs:
        segmenter.feed(paragraph, offset)
        offset += len(paragraph.text) + len(PARAGRAPH_SEPARATOR)
    text = PARAGRAPH_SEPARATOR.join(p.text for p in paragraphs)
    return Transcript(text, tuple(segmenter.turns))
