"""What the matcher takes and gives: regional indicators, candidates with their score parts and tier,
and the reviewers' decisions it learns from (concepts, rejections, learned terms)."""

from __future__ import annotations

from dataclasses import dataclass, field

LIKELY = "likely"
POSSIBLE = "possible"


@dataclass(frozen=True, slots=True)
class RegionalIndicator:
    """What the matcher needs to know of one regional indicator."""

    id: int
    region: str
    name: str
    level1: str | None
    level2: str | None
    target_kind: str | None = None
    sources: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Part:
    """One contribution to a candidate's score, for the explanation. ``kind`` says what it is: "string"
    (the similarity every score starts from), "synonym", "level", "target", "contrast" (the names measure
    different things: never likely), "difference" (a population or subject only one names), "learned",
    "alias"."""

    label: str
    value: float
    kind: str = "string"

    def __str__(self) -> str:
        if self.kind == "string":
            return f"{self.label} {self.value:.2f}"
        sign = "+" if self.value >= 0 else "−"
        return f"{self.label} {sign}{abs(self.value):.2f}"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A suggested counterpart with its score, the parts that make it up and its tier (likely or possible)."""

    regional_indicator: RegionalIndicator
    score: float
    parts: tuple[Part, ...]
    via: str | None = None  # the approved alias the match came through
    tier: str = POSSIBLE
    contrasted: bool = False  # a contrast says the names measure different things (never likely)

    @property
    def explanation(self) -> str:
        text = " · ".join(str(part) for part in self.parts)
        return f"{text} · alias of approved {self.via}" if self.via else text

    @property
    def likely(self) -> bool:
        return self.tier == LIKELY


@dataclass(frozen=True, slots=True)
class Learned:
    """A term correspondence taught by one decision: an approval teaches that ``term`` and ``other`` mean
    the same ("synonym") or, when one name only adds ``term``, that the term does not change the meaning
    ("immaterial", ``other`` empty); a rejection that they make names different ("contrast"), or, when one
    name only adds ``term``, that the term changes the meaning ("qualifier", ``other`` empty)."""

    kind: str
    term: str
    other: str
    event_id: int
    decision: str  # "approval of A ~ B" / "rejection of A ~ B"
    at: str
    reviewer: str

    @property
    def origin(self) -> str:
        return f"learned from {self.reviewer}'s {self.decision} at {self.at}"

    @property
    def label(self) -> str:
        if self.kind == "synonym":
            return f"{self.term}≈{self.other}"
        if self.kind == "contrast":
            return f"{self.term}≠{self.other}"
        if self.kind == "immaterial":
            return f"{self.term} is immaterial"
        return f"only one says {self.term}"


@dataclass
class Decisions:
    """What reviewers decided, as the matcher uses it: concept membership, rejected pairs, learned terms."""

    concept_of: dict[int, int] = field(default_factory=dict)
    concept_names: dict[int, str] = field(default_factory=dict)
    rejected: set[tuple[int, int]] = field(default_factory=set)
    learned: list[Learned] = field(default_factory=list)

    def is_rejected(self, a: int, b: int) -> bool:
        return (min(a, b), max(a, b)) in self.rejected

    def members(self) -> dict[int, list[int]]:
        grouped: dict[int, list[int]] = {}
        for ri, concept in self.concept_of.items():
            grouped.setdefault(concept, []).append(ri)
        return grouped
