"""The domain lexicon: synonym groups, contrast terms and generic words (data in store/data/lexicon.toml,
extendable by a user's TOML file with the same tables)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path

from store.errors import LexiconError
from store.text import read_toml
from store.words import rewrite

__all__ = ["Lexicon", "LexiconError"]


@dataclass
class Lexicon:
    """Synonyms (term -> canonical form), contrast qualifiers, action groups and term pairs, generic words."""

    synonyms: dict[str, str] = field(default_factory=dict)
    qualifiers: list[str] = field(default_factory=list)
    populations: list[str] = field(default_factory=list)
    actions: dict[str, int] = field(default_factory=dict)
    pairs: set[frozenset[str]] = field(default_factory=set)
    generic: set[str] = field(default_factory=set)
    _rewrites: dict[str, list[tuple[str, str]]] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def shipped(cls) -> Lexicon:
        text = resources.files("store").joinpath("data/lexicon.toml").read_text(encoding="utf-8")
        lexicon = cls()
        lexicon.extend(tomllib.loads(text), "the shipped lexicon")
        return lexicon

    @classmethod
    def load(cls, user_file: Path | None = None) -> Lexicon:
        lexicon = cls.shipped()
        if user_file is not None:
            try:
                data = read_toml(user_file, "lexicon")
            except ValueError as exc:
                raise LexiconError(str(exc)) from exc
            lexicon.extend(data, str(user_file))
        return lexicon

    def extend(self, data: dict, where: str) -> None:
        try:
            groups = data.get("synonyms", {}).get("groups", [])
            qualifiers = data.get("contrast", {}).get("qualifiers", [])
            populations = data.get("contrast", {}).get("populations", [])
            actions = data.get("contrast", {}).get("actions", [])
            pairs = data.get("contrast", {}).get("pairs", [])
            generic = data.get("generic", {}).get("terms", [])
            if not all(isinstance(g, list) and all(isinstance(t, str) for t in g) for g in groups):
                raise TypeError("synonyms.groups must be lists of strings")
            if not all(isinstance(q, str) for q in qualifiers):
                raise TypeError("contrast.qualifiers must be strings")
            if not all(isinstance(g, list) for g in actions):
                raise TypeError("contrast.actions must be lists of strings")
            if not all(isinstance(p, list) and len(p) == 2 and all(isinstance(t, str) for t in p) for p in pairs):
                raise TypeError("contrast.pairs must be pairs of strings")
        except (AttributeError, TypeError) as exc:
            raise LexiconError(f"{where}: {exc}") from exc
        immaterial = data.get("synonyms", {}).get("immaterial", [])
        if not all(isinstance(t, str) for t in immaterial):
            raise LexiconError(f"{where}: synonyms.immaterial must be strings")
        for term in immaterial:
            if term:
                self.synonyms.setdefault(term, "")  # a word that changes nothing: dropped where it stands as a word
        for group in groups:
            terms = [t for t in group if t]
            if len(terms) < 2:
                continue
            canonical = self.synonyms.get(terms[0], terms[0])
            for term in terms:
                self.synonyms[term] = canonical
        self.qualifiers.extend(q for q in qualifiers if q not in self.qualifiers)
        self.populations.extend(p for p in populations if p not in self.populations)
        base = max(self.actions.values(), default=-1) + 1
        for offset, group in enumerate(actions):
            for term in group:
                self.actions.setdefault(term, base + offset)
        self.pairs.update(frozenset(pair) for pair in pairs if pair[0] and pair[1] and pair[0] != pair[1])
        self.generic.update(generic)
        for cached in ("_synonym_pattern", "_action_pattern", "_qualifier_pattern", "_population_pattern"):
            self.__dict__.pop(cached, None)
        self._rewrites.clear()

    @cached_property
    def _synonym_pattern(self) -> re.Pattern[str] | None:
        terms = sorted((t for t, c in self.synonyms.items() if t != c or len(t) > 0), key=len, reverse=True)
        return re.compile("|".join(map(re.escape, terms))) if terms else None

    @cached_property
    def _action_pattern(self) -> re.Pattern[str] | None:
        terms = sorted(self.actions, key=len, reverse=True)
        return re.compile("|".join(map(re.escape, terms))) if terms else None

    def canonicalize(self, text: str) -> str:
        """Rewrite synonyms standing on word boundaries to their canonical form."""
        return rewrite(text, self.synonyms, self._synonym_pattern)[0]

    def rewrites(self, text: str) -> list[tuple[str, str]]:
        """The (term, canonical form) rewrites :meth:`canonicalize` makes in a text, for explanations."""
        found = self._rewrites.get(text)
        if found is None:
            found = rewrite(text, self.synonyms, self._synonym_pattern)[1]
            if len(self._rewrites) > 50_000:
                self._rewrites.clear()
            self._rewrites[text] = found
        return found

    def action_groups(self, text: str) -> set[int]:
        pattern = self._action_pattern
        return {self.actions[term] for term in pattern.findall(text)} if pattern else set()

    @cached_property
    def _qualifier_pattern(self) -> re.Pattern[str] | None:
        terms = sorted(self.qualifiers, key=len, reverse=True)
        return re.compile("|".join(map(re.escape, terms))) if terms else None

    @cached_property
    def _population_pattern(self) -> re.Pattern[str] | None:
        terms = sorted(self.populations, key=len, reverse=True)
        return re.compile("|".join(map(re.escape, terms))) if terms else None

    def qualifiers_in(self, text: str) -> set[str]:
        pattern = self._qualifier_pattern
        return set(pattern.findall(text)) if pattern else set()

    def populations_in(self, text: str) -> set[str]:
        pattern = self._population_pattern
        return set(pattern.findall(text)) if pattern else set()
