"""Normalized company names and domains, the keys of the deal-registration duplicate check.

``normalize_name("The Acme Holding, B.V.") == normalize_name("ACME holding") == "acme holding"``;
``normalize_domain("https://www.Acme.com:443/contact") == "acme.com"``. Both are idempotent:
normalizing a normalized value changes nothing.
"""

from __future__ import annotations

import re
import unicodedata

#: Legal-form suffixes (and "the"), compared after punctuation is removed; dotted forms
#: such as ``B.V.``, ``S.A.`` or ``A/S`` become ``bv``, ``sa`` and ``as``.
LEGAL_SUFFIXES = frozenset(
    {
        *("gmbh", "ag", "kg", "kgaa", "ug", "bv", "nv", "vof", "ltd", "limited", "llc", "llp", "lp"),
        *("inc", "incorporated", "corp", "corporation", "co", "company", "sa", "sas", "sarl", "spa"),
        *("srl", "sl", "oy", "oyj", "ab", "as", "aps", "asa", "pty", "plc", "kk", "gk", "bhd", "sdn"),
        *("pte", "pvt"),
    }
)
STOPWORDS = frozenset({"the"})

_PUNCT = re.compile(r"[^\w\s]", re.UNICODE)
_SPACE = re.compile(r"\s+")
_DOTTED = re.compile(r"\b((?:\w[./])+\w?)\.?(?=\W|$)")


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in text if not unicodedata.combining(ch)).replace("ß", "ss")


def normalize_name(name: str | None) -> str:
    """Case-folded, accent-free company name without punctuation, legal suffixes or "the"."""
    text = name or ""
    for _ in range(5):  # to a fixed point: unusual Unicode may fold in more than one step
        result = _normalize_once(text)
        if result == text:
            break
        text = result
    return text


def _normalize_once(name: str) -> str:
    text = _fold(name).replace("&", " and ")
    # Dotted or slashed legal forms (B.V., G.m.b.H., A/S) collapse to one word before splitting.
    text = _DOTTED.sub(lambda m: re.sub(r"[./]", "", m.group(1)), text)
    text = _PUNCT.sub(" ", text).replace("_", " ")
    words = _SPACE.split(text.strip())
    words = [w for w in words if w]
    while words and words[0] in STOPWORDS:
        words.pop(0)
    while len(words) > 1 and (words[-1] in LEGAL_SUFFIXES or words[-1] in STOPWORDS):
        words.pop()
    words = [w for w in words if w not in STOPWORDS] or words
    return " ".join(words)


def normalize_domain(domain: str | None) -> str:
    """Lower-case host name without scheme, credentials, ``www.``, port, path or trailing dot."""
    text = (domain or "").strip().lower()
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text)
    text = text.split("/", 1)[0].split("?", 1)[0].split("#", 1)[0]
    text = text.rsplit("@", 1)[-1]
    text = text.split(":", 1)[0].strip().strip(".")
    while text.startswith("www."):
        text = text[4:]
    return text
