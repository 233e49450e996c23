"""Built-in vocabularies of the inspection variables: the spellings providers use for each level.

A vocabulary maps spellings to levels: ``M``, ``Male`` and ``male`` are the level ``male``;
``SSO`` and ``Suspended Sentence Order`` are ``suspended sentence order``. Spellings are compared
after :func:`normalise` (case, spacing and punctuation ignored), so ``Very-High`` and ``very high``
are one spelling. Which vocabulary a column uses follows its name (``Gender``/``sex`` use
``gender``, ``Sentence Type`` uses ``disposal``, ``RoSH`` uses ``risk``), or a mapping's
``[vocabulary_columns]``. Users see them with ``python -m sampling vocab`` or
:func:`vocabulary_table`, extend them in a mapping's ``[vocabulary.NAME]`` table and switch them
off with ``vocabularies = "off"``.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from inspection_core.errors import ParameterTypeError

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "BUILT_IN",
    "COLUMN_NAMES",
    "Vocabulary",
    "build_vocabularies",
    "normalise",
    "vocabulary_for_column",
    "vocabulary_table",
]

# Levels in reporting order, each with the spellings providers send (compared normalised).
BUILT_IN: dict[str, dict[str, tuple[str, ...]]] = {
    "gender": {
        "female": ("female", "f", "woman", "women", "females"),
        "male": ("male", "m", "man", "men", "males"),
    },
    "disposal": {
        "community order": ("community order", "co", "community", "community sentence"),
        "suspended sentence order": (
            "suspended sentence order",
            "sso",
            "suspended sentence",
            "suspended order",
            "sso suspended sentence order",
        ),
        "licence": ("licence", "license", "lic", "on licence", "licence supervision"),
        "post-sentence supervision": (
            "post-sentence supervision",
            "post sentence supervision",
            "pss",
            "post sentence supervision pss",
        ),
    },
    "risk": {
        "low": ("low", "l", "low risk"),
        "medium": ("medium", "med", "m", "medium risk"),
        "high": ("high", "h", "high risk"),
        "very high": ("very high", "vh", "v high", "very high risk", "veryhigh"),
    },
}

# Column names (normalised) that use each vocabulary unless a mapping says otherwise.
COLUMN_NAMES: dict[str, tuple[str, ...]] = {
    "gender": ("gender", "sex"),
    "disposal": (
        "disposal",
        "disposal type",
        "type of disposal",
        "sentence type",
        "sentence",
        "order type",
        "sentence order type",
    ),
    "risk": ("risk", "rosh", "rosh level", "risk level", "risk of serious harm", "rosh category"),
}


def normalise(text: str) -> str:
    """A spelling with case, spacing and punctuation removed: the key levels are compared by.

    Letters keep their accents and symbols (such as emoji) are kept: only case, white space and
    punctuation (Unicode categories P*) are ignored.

    Examples
    --------
    >>> normalise("  Very-High "), normalise("Post Sentence  Supervision"), normalise("S.S.O.")
    ('very high', 'post sentence supervision', 's s o')
    """
    folded = unicodedata.normalize("NFKC", str(text)).casefold()
    spaced = "".join(
        " " if c.isspace() or unicodedata.category(c).startswith("P") else c for c in folded
    )
    return " ".join(spaced.split())


def _squash(text: str) -> str:
    """Normalised with dots dropped first, so ``S.S.O.`` is ``sso`` rather than ``s s o``."""
    return normalise(str(text).replace(".", ""))


@dataclass(frozen=True)
class Vocabulary:
    """One variable's levels and the spellings that mean each (internal).

    Attributes
    ----------
    name : str
        ``"gender"``, ``"disposal"``, ``"risk"`` or a name a mapping added.
    levels : tuple of str
        The levels in reporting order.
    spellings : dict
        Normalised spelling -> level.
    """

    name: str
    levels: tuple[str, ...]
    spellings: dict[str, str]

    def level_of(self, value: str) -> str | None:
        """The level a spelling means, or None when the vocabulary does not know it."""
        return self.spellings.get(_squash(value)) or self.spellings.get(normalise(value))

    def closest(self, value: str) -> str | None:
        """The level nearest to an unknown spelling (for 'did you mean')."""
        import difflib

        found = difflib.get_close_matches(normalise(value), list(self.levels), n=1, cutoff=0.6)
        return found[0] if found else None


def build_vocabularies(
    extra: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, Vocabulary]:
    """The built-in vocabularies, extended by ``extra`` (``{name: {spelling: level}}``).

    A spelling mapped to a new level adds that level; a new name adds a vocabulary.

    Examples
    --------
    >>> v = build_vocabularies({"gender": {"non-binary": "non-binary", "Man": "male"}})
    >>> v["gender"].levels, v["gender"].level_of("MAN"), v["disposal"].level_of("S.S.O.")
    (('female', 'male', 'non-binary'), 'male', 'suspended sentence order')
    """
    out: dict[str, Vocabulary] = {}
    names = list(BUILT_IN) + [n for n in (extra or {}) if n not in BUILT_IN]
    for name in names:
        levels = list(BUILT_IN.get(name, {}))
        spellings = {
            normalise(s): level for level, words in BUILT_IN.get(name, {}).items() for s in words
        }
        for level in levels:
            spellings[normalise(level)] = level
        for spelling, level in (extra or {}).get(name, {}).items():
            if level not in levels:
                levels.append(level)
            spellings[normalise(level)] = level
            spellings[normalise(spelling)] = level
        out[name] = Vocabulary(name, tuple(levels), spellings)
    return out


def vocabulary_for_column(
    column: str,
    vocabularies: Mapping[str, Vocabulary],
    columns: Mapping[str, str] | None = None,
) -> Vocabulary | None:
    """The vocabulary a column uses: as ``columns`` binds it (``"off"`` for none), else by name."""
    for name, bound in (columns or {}).items():
        if normalise(name) == normalise(column):
            return None if bound == "off" else vocabularies.get(bound)
    key = normalise(column)
    for name, aliases in COLUMN_NAMES.items():
        if key in aliases or key == name:
            return vocabularies.get(name)
    return None


def vocabulary_table(extra: Mapping[str, Mapping[str, str]] | None = None) -> pd.DataFrame:
    """The vocabularies as a table: one row per level with its spellings and the columns using it.

    Parameters
    ----------
    extra : dict, optional
        Spellings to add, ``{vocabulary: {spelling: level}}`` (as a mapping file's
        ``[vocabulary.NAME]`` tables).

    Returns
    -------
    pandas.DataFrame
        Columns ``vocabulary``, ``level``, ``spellings`` (comma-separated, normalised) and
        ``columns`` (the column names that use the vocabulary by default).

    Examples
    --------
    >>> table = vocabulary_table()
    >>> table.loc[table["vocabulary"] == "gender", ["level", "spellings"]].values.tolist()
    [['female', 'f, female, females, woman, women'], ['male', 'm, male, males, man, men']]
    """
    import pandas as pd

    if extra is not None and not (
        isinstance(extra, Mapping) and all(isinstance(v, Mapping) for v in extra.values())
    ):
        raise ParameterTypeError(
            "extra", f"must map each vocabulary to {{spelling: level}}; got {extra!r}"
        )
    rows = []
    for name, vocab in build_vocabularies(extra).items():
        for level in vocab.levels:
            words = sorted(s for s, lv in vocab.spellings.items() if lv == level)
            rows.append(
                {
                    "vocabulary": name,
                    "level": level,
                    "spellings": ", ".join(words),
                    "columns": ", ".join(COLUMN_NAMES.get(name, (name,))),
                }
            )
    return pd.DataFrame(rows, columns=["vocabulary", "level", "spellings", "columns"])
