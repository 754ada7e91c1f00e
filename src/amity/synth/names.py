"""Distinct, believable names from small word lists, by index.

A :class:`NameSpace` turns an index ``0 … size-1`` into a distinct name: a keyed permutation
(a Feistel network with cycle walking - a bijection, so distinct indices give distinct names)
shuffles the index, and the shuffled number is read in mixed radix as (stem, descriptor, place).
The first ``stems × descriptors`` indices are two-word names ("Bluecrest Logistics"); the rest add
a city ("Bluecrest Logistics Rotterdam"), which multiplies the space by the number of cities.

Each name comes with its normalized form, built from the parts' own normalizations; it equals
``amity.pipeline.normalize.normalize_name(name)`` because every part is one word that is neither a
legal-form suffix nor a stop word, and a legal form shown after the name is dropped by it.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache

from amity.pipeline.normalize import LEGAL_SUFFIXES, STOPWORDS, normalize_name

from . import words

MASK64 = (1 << 64) - 1


def _key(seed: int, label: str) -> list[int]:
    digest = hashlib.sha256(f"{seed}:{label}".encode()).digest()
    return [int.from_bytes(digest[i : i + 8], "little") for i in range(0, 32, 8)]


class Permutation:
    """A keyed bijection of ``range(size)`` (4-round Feistel on the next even power of two, with
    cycle walking). Deterministic for (seed, label, size); no table, O(1) per value."""

    def __init__(self, size: int, seed: int, label: str) -> None:
        if size < 1:
            raise ValueError("A permutation needs at least one value.")
        self.size = size
        bits = max(2, (size - 1).bit_length())
        bits += bits % 2
        self.half = bits // 2
        self.mask = (1 << self.half) - 1
        self.keys = _key(seed, label)

    def _round(self, value: int, key: int) -> int:
        x = ((value * 0x9E3779B97F4A7C15) ^ key) & MASK64
        x ^= x >> 29
        x = (x * 0xBF58476D1CE4E5B9) & MASK64
        x ^= x >> 32
        return x & self.mask

    def _feistel(self, value: int) -> int:
        left, right = value >> self.half, value & self.mask
        for key in self.keys:
            left, right = right, left ^ self._round(right, key)
        return (left << self.half) | right

    def __call__(self, index: int) -> int:
        value = self._feistel(index)
        while value >= self.size:  # cycle walking: stays a bijection of range(size)
            value = self._feistel(value)
        return value


def _fold(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", _fold(text).lower())


@cache
def _stem_table() -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The stems with their normalized and slug forms (computed once per process)."""
    words_ = tuple(stems())
    return words_, tuple(normalize_name(w) for w in words_), tuple(_slug(w) for w in words_)


def stems() -> list[str]:
    """Coined brand words and family names, each one word, distinct after normalization."""
    seen: set[str] = set()
    out: list[str] = []
    coined = [
        p + s
        for p in words.STEM_PREFIXES
        for s in words.STEM_SUFFIXES
        if not p.lower().endswith(s) and not p.lower().endswith(s[0] * 2)
    ]
    for word in [*coined, *words.LAST_NAMES]:
        norm = normalize_name(word)
        if norm in seen or norm in LEGAL_SUFFIXES or norm in STOPWORDS or " " in norm:
            continue
        seen.add(norm)
        out.append(word)
    return out


@dataclass
class NameSpace:
    """Names ``stem descriptor [place]`` for one list of descriptors."""

    descriptors: list[str]
    seed: int
    label: str
    stem_list: tuple[str, ...] = field(default_factory=lambda: _stem_table()[0])

    def __post_init__(self) -> None:
        self.places = list(words.CITIES)
        self.n_stems = len(self.stem_list)
        self.two_word = self.n_stems * len(self.descriptors)
        self.three_word = self.two_word * len(self.places)
        self.size = self.two_word + self.three_word
        self._perm2 = Permutation(self.two_word, self.seed, self.label + ":2")
        self._perm3 = Permutation(self.three_word, self.seed, self.label + ":3")
        table = _stem_table()
        self._norm_stem = (
            table[1] if self.stem_list == table[0] else [normalize_name(s) for s in self.stem_list]
        )
        self._norm_desc = [normalize_name(d) for d in self.descriptors]
        self._norm_place = [normalize_name(p) for p in self.places]
        self._slug_stem = table[2] if self.stem_list == table[0] else [_slug(s) for s in self.stem_list]
        self._slug_desc = [_slug(d) for d in self.descriptors]
        self._slug_place = [_slug(p) for p in self.places]
        for part in (*self._norm_desc, *self._norm_place):
            if " " in part or part in LEGAL_SUFFIXES or part in STOPWORDS:
                raise ValueError(f"{part!r} cannot be a name part: it is not one plain word")

    def parts(self, index: int) -> tuple[int, int, int]:
        """(stem, descriptor, place) indexes of name ``index``; place -1 for none."""
        if index < self.two_word:
            value = self._perm2(index)
            return value % self.n_stems, value // self.n_stems, -1
        if index >= self.size:
            raise ValueError(f"Only {self.size:,} distinct names in {self.label}")
        value = self._perm3(index - self.two_word)
        stem, rest = value % self.n_stems, value // self.n_stems
        return stem, rest % len(self.descriptors), rest // len(self.descriptors)

    def name(self, index: int) -> tuple[str, str, str, int, int]:
        """(display name without legal form, normalized name, domain, descriptor, place)."""
        s, d, p = self.parts(index)
        if p < 0:
            return (
                f"{self.stem_list[s]} {self.descriptors[d]}",
                f"{self._norm_stem[s]} {self._norm_desc[d]}",
                f"{self._slug_stem[s]}{self._slug_desc[d]}.example",
                d,
                p,
            )
        return (
            f"{self.stem_list[s]} {self.descriptors[d]} {self.places[p]}",
            f"{self._norm_stem[s]} {self._norm_desc[d]} {self._norm_place[p]}",
            f"{self._slug_stem[s]}{self._slug_desc[d]}-{self._slug_place[p]}.example",
            d,
            p,
        )
