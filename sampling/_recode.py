"""Recoding a case list: column names, values, per-case corrections and the built-in vocabularies.

A mapping says how a provider's list maps to the one drawn from. It is a TOML file, a Python
dict of the same shape, or ``--recode COLUMN:FROM=TO`` on the command line (repeatable)::

    vocabularies = "apply"          # "detect" (default), "apply" or "off"

    [columns]                       # column in the file = name used from here on
    CRN = "case_id"
    "Sentence Type" = "disposal"

    [values.disposal]               # value as written = level (columns by their new names)
    "Suspended Sentence" = "suspended sentence order"

    [corrections."000281"]          # one case's values, by ID (e.g. supplied afterwards)
    risk = "medium"

    [vocabulary.gender]             # spellings added to a vocabulary (a new level allowed)
    "Non-binary" = "non-binary"

    [vocabulary_columns]            # which vocabulary a column uses ("off" for none)
    Sex = "gender"

Every change is recorded (:class:`Recoding`), so the record of the draw lists what was recoded,
in how many rows, and by what.
"""

from __future__ import annotations

import os
from collections.abc import Mapping as MappingABC
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from inspection_core.errors import ParameterError, ParameterTypeError

from ._header import column_key, match_column, suggest_columns
from ._vocab import Vocabulary, build_vocabularies, vocabulary_for_column

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "VOCABULARY_MODES",
    "CaseMapping",
    "Recoding",
    "apply_mapping",
    "load_mapping",
    "recode_series",
]

VOCABULARY_MODES = ("detect", "apply", "off")
_KEYS = ("vocabularies", "columns", "values", "corrections", "vocabulary", "vocabulary_columns")


@dataclass(frozen=True)
class CaseMapping:
    """A recoding of a case list (see the module documentation for the file format).

    Attributes
    ----------
    columns : dict
        Column in the file -> new name.
    values : dict
        Column (new name) -> {value as written -> level}.
    corrections : dict
        Case ID -> {column -> value}.
    vocabularies : {"detect", "apply", "off"}
        ``"detect"`` refuses spellings a vocabulary would merge, ``"apply"`` merges them,
        ``"off"`` uses no vocabulary (levels differing only by case, spacing or punctuation are
        still refused).
    vocabulary : dict
        Vocabulary -> {spelling -> level}, added to the built-in ones.
    vocabulary_columns : dict
        Column -> vocabulary name or ``"off"``.
    sources : tuple of str
        Where the mapping came from (file names, ``"--recode"``, ``"dict"``).
    """

    columns: dict[str, str] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    corrections: dict[str, dict[str, str]] = field(default_factory=dict)
    vocabularies: str = "detect"
    vocabulary: dict[str, dict[str, str]] = field(default_factory=dict)
    vocabulary_columns: dict[str, str] = field(default_factory=dict)
    sources: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The mapping as plain values (the manifest records it, so a re-draw needs no file)."""
        return {
            "vocabularies": self.vocabularies,
            "columns": dict(self.columns),
            "values": {k: dict(v) for k, v in self.values.items()},
            "corrections": {k: dict(v) for k, v in self.corrections.items()},
            "vocabulary": {k: dict(v) for k, v in self.vocabulary.items()},
            "vocabulary_columns": dict(self.vocabulary_columns),
        }

    @property
    def is_empty(self) -> bool:
        """True when the mapping changes nothing and the vocabularies only detect."""
        d = self.to_dict()
        return d.pop("vocabularies") == "detect" and not any(d.values())

    def vocabularies_for(self) -> dict[str, Vocabulary]:
        """The built-in vocabularies with this mapping's additions."""
        return build_vocabularies(self.vocabulary)


@dataclass(frozen=True)
class Recoding:
    """One recorded change: ``column`` value ``value`` became ``level`` in ``rows`` rows, ``by``."""

    column: str
    value: str
    level: str
    rows: int
    by: str


def _text_table(name: str, value: Any, where: str) -> dict[str, str]:
    if not isinstance(value, MappingABC):
        raise ValueError(f"mapping {where}: [{name}] must be a table of names; got {value!r}")
    out = {}
    for k, v in value.items():
        if isinstance(v, bool) or not isinstance(v, str | int | float):
            raise ValueError(f"mapping {where}: [{name}] {k!r} must map to text; got {v!r}")
        out[str(k).strip()] = str(v).strip()
    return out


def _nested(name: str, value: Any, where: str) -> dict[str, dict[str, str]]:
    if not isinstance(value, MappingABC):
        raise ValueError(f"mapping {where}: [{name}] must hold tables; got {value!r}")
    return {str(k).strip(): _text_table(f"{name}.{k}", v, where) for k, v in value.items()}


def _from_dict(data: Any, where: str) -> CaseMapping:
    if not isinstance(data, MappingABC):
        raise TypeError(f"mapping must be a dict, a TOML file or None; got {type(data).__name__}")
    unknown = [k for k in data if k not in _KEYS]
    if unknown:
        raise ValueError(
            f"mapping {where}: unknown key{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(map(repr, unknown))}; the keys are {', '.join(_KEYS)}"
        )
    mode = data.get("vocabularies", "detect")
    if mode not in VOCABULARY_MODES:
        raise ValueError(
            f"mapping {where}: vocabularies must be one of {', '.join(map(repr, VOCABULARY_MODES))}"
            f"; got {mode!r}"
        )
    columns = _text_table("columns", data.get("columns", {}), where)
    targets: dict[str, list[str]] = {}
    for old, new in columns.items():
        targets.setdefault(column_key(new), []).append(old)
    twice = {k: v for k, v in targets.items() if len(v) > 1}
    if twice:
        olds = next(iter(twice.values()))
        raise ValueError(
            f"mapping {where}: [columns] maps {' and '.join(map(repr, olds))} to one name "
            f"{columns[olds[0]]!r}; each column needs its own name"
        )
    bound = _text_table("vocabulary_columns", data.get("vocabulary_columns", {}), where)
    vocabulary = _nested("vocabulary", data.get("vocabulary", {}), where)
    known = set(build_vocabularies(vocabulary)) | {"off"}
    for column, name in bound.items():
        if name not in known:
            raise ValueError(
                f"mapping {where}: [vocabulary_columns] {column!r} = {name!r} names no vocabulary;"
                f" the vocabularies are {', '.join(sorted(known - {'off'}))} (or 'off')"
            )
    return CaseMapping(
        columns=columns,
        values=_nested("values", data.get("values", {}), where),
        corrections=_nested("corrections", data.get("corrections", {}), where),
        vocabularies=str(mode),
        vocabulary=vocabulary,
        vocabulary_columns=bound,
        sources=(where,),
    )


def parse_recode(text: str) -> tuple[str, str, str]:
    """``COLUMN:FROM=TO`` as (column, from, to); FROM may be empty (blank cells).

    Examples
    --------
    >>> parse_recode("Sentence Type:SSO=suspended sentence order")
    ('Sentence Type', 'SSO', 'suspended sentence order')
    """
    if not isinstance(text, str):
        raise ParameterTypeError(
            "recode", f"must be text COLUMN:FROM=TO (e.g. 'Gender:M=male'); got {text!r}"
        )
    column, colon, rest = text.partition(":")
    value, equals, level = rest.partition("=")
    if not colon or not equals or not column.strip() or not level.strip():
        raise ParameterError(
            "recode", f"must be COLUMN:FROM=TO (e.g. 'Gender:M=male'); got {text!r}"
        )
    return column.strip(), value.strip(), level.strip()


def load_mapping(
    mapping: CaseMapping | MappingABC[str, Any] | str | os.PathLike[str] | None = None,
    recode: Sequence[str] = (),
    *,
    vocabularies: str | None = None,
) -> CaseMapping:
    """A mapping from a TOML file, a dict or a :class:`CaseMapping`, plus ``--recode`` pairs.

    Parameters
    ----------
    mapping : CaseMapping, dict, path or None
        The mapping (a ``.toml`` file, read with :mod:`tomllib`).
    recode : sequence of str
        ``COLUMN:FROM=TO`` recodings added to the mapping's ``[values]``.
    vocabularies : {"detect", "apply", "off"}, optional
        Overrides the mapping's ``vocabularies``.

    Returns
    -------
    CaseMapping

    Raises
    ------
    ValueError
        A file that cannot be read or does not parse (the message gives the line), unknown keys,
        two columns mapped to one name, an unknown vocabulary, a malformed ``--recode``.

    Examples
    --------
    >>> m = load_mapping({"columns": {"RoSH": "risk"}}, ["risk:Med=medium"], vocabularies="apply")
    >>> m.values, m.vocabularies
    ({'risk': {'Med': 'medium'}}, 'apply')
    """
    import tomllib

    if isinstance(mapping, CaseMapping):
        base = mapping
    elif mapping is None:
        base = CaseMapping()
    elif isinstance(mapping, str | os.PathLike):
        where = os.path.basename(os.fspath(mapping))
        try:
            with open(mapping, "rb") as fh:
                data = tomllib.load(fh)
        except OSError as exc:
            raise ValueError(
                f"cannot read mapping file {os.fspath(mapping)}: {exc.strerror}"
            ) from None
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(f"mapping file {where} does not parse as TOML: {exc}") from None
        except UnicodeDecodeError:
            raise ValueError(f"mapping file {where} is not UTF-8 text") from None
        base = _from_dict(data, where)
    else:
        base = _from_dict(mapping, "dict")
    values = {k: dict(v) for k, v in base.values.items()}  # noqa: PD011  # CaseMapping.values
    for text in recode:
        column, value, level = parse_recode(text)
        values.setdefault(column, {})[value] = level
    mode = base.vocabularies if vocabularies is None else vocabularies
    if mode not in VOCABULARY_MODES:
        raise ParameterError(
            "vocabularies", f"must be one of {', '.join(map(repr, VOCABULARY_MODES))}; got {mode!r}"
        )
    sources = base.sources + (("--recode",) if recode else ())
    return CaseMapping(
        base.columns,
        values,
        base.corrections,
        mode,
        base.vocabulary,
        base.vocabulary_columns,
        sources,
    )


def recode_series(values: pd.Series, lookup: MappingABC[str, str]) -> pd.Series:
    """``values`` with each value in ``lookup`` replaced (the work is on distinct values only)."""
    import pandas as pd

    if not lookup:
        return values
    codes, uniques = pd.factorize(values)
    mapped = np.array([lookup.get(str(u), u) for u in uniques], dtype=object)
    out = pd.Series(mapped[codes], index=values.index)
    if (codes < 0).any():  # missing values stay missing
        out[codes < 0] = values[codes < 0]
    return out.astype(values.dtype)


def rename_columns(frame: pd.DataFrame, mapping: CaseMapping, where: str) -> pd.DataFrame:
    """The frame with the mapping's columns renamed (file names matched regardless of case).

    A column the mapping renames that is missing while its new name exists is taken as renamed
    already, so one mapping reads both a provider's list and a copy made with the new names.
    """
    if not mapping.columns:
        return frame
    names = [str(c) for c in frame.columns]
    rename: dict[str, str] = {}
    for old, new in mapping.columns.items():
        found = match_column(old, names)
        if not found and len(match_column(new, names)) == 1:
            continue  # already named so (a list cleaned before, or converted with the names)
        if len(found) != 1:
            close = suggest_columns(old, names, role="strata")
            hint = f"; did you mean {close!r}?" if close else ""
            what = "no column" if not found else "more than one column matching"
            raise ValueError(
                f"mapping [columns] renames {old!r}, but {where} has {what} {old!r}"
                f"{hint}{' Its' if hint else '; its'} columns are {', '.join(map(repr, names))}"
            )
        rename[found[0]] = new
    clash = [n for n in rename.values() if n in names and n not in rename]
    if clash:
        raise ValueError(
            f"mapping [columns] renames a column to {clash[0]!r}, which {where} already has; "
            f"rename that one too or choose another name"
        )
    return frame.rename(columns=rename)


def _resolve(name: str, names: Sequence[str], what: str) -> str:
    found = match_column(name, names)
    if len(found) != 1:
        close = suggest_columns(name, names, role="strata")
        hint = f"; did you mean {close!r}?" if close else ""
        raise ValueError(
            f"{what} names column {name!r}, which the case list does not have{hint} (columns are "
            f"named as after the mapping's [columns]: {', '.join(map(repr, names))})"
        )
    return found[0]


def apply_mapping(
    frame: pd.DataFrame,
    mapping: CaseMapping,
    *,
    id_column: str,
    strata: Sequence[str],
) -> tuple[pd.DataFrame, list[Recoding], list[dict[str, str]], list[tuple[str, str, str]]]:
    """Apply corrections, value recodings and (``"apply"``) the vocabularies to the strata.

    ``frame`` holds stripped text with the columns already renamed. Returns the new frame, the
    recodings made, the corrections made (``id``, ``column``, ``was``, ``now``) and the value
    recodings that matched no cell (``column``, ``value``, ``level``: reported as warnings).
    """
    names = [str(c) for c in frame.columns]
    out = frame.copy()
    corrections: list[dict[str, str]] = []
    if mapping.corrections:
        ids = out[id_column]
        for case_id, changes in mapping.corrections.items():
            hit = np.flatnonzero((ids == case_id).to_numpy())
            if hit.size == 0:
                raise ValueError(
                    f"mapping [corrections] names case {case_id!r}, which is not in the list "
                    f"(no {id_column} equals it)"
                )
            for column, value in changes.items():
                target = _resolve(column, names, f"mapping [corrections.{case_id!r}]")
                col = names.index(target)
                for i in hit:
                    corrections.append(
                        {
                            "id": case_id,
                            "column": target,
                            "was": str(out.iloc[int(i), col]),
                            "now": value,
                        }
                    )
                    out.iloc[int(i), col] = value
    recodings: list[Recoding] = []
    unused: list[tuple[str, str, str]] = []
    vocabularies = mapping.vocabularies_for()
    for column, table in mapping.values.items():  # noqa: PD011  # CaseMapping.values, a dict
        target = _resolve(column, names, "mapping [values]")
        vocab = (
            vocabulary_for_column(target, vocabularies, mapping.vocabulary_columns)
            if mapping.vocabularies != "off"
            else None
        )
        values = out[target]
        for value, level in table.items():
            if vocab is not None and vocab.level_of(level) != level:
                close = vocab.level_of(level) or vocab.closest(level)
                hint = f" Did you mean {close!r}?" if close else ""
                raise ValueError(
                    f"mapping recodes {target} {value!r} to {level!r}, which is not a {vocab.name} "
                    f"level ({', '.join(vocab.levels)}).{hint} A new level is added in the "
                    f"mapping's [vocabulary.{vocab.name}]"
                )
            matched = int((values == value).sum())
            if not matched:
                unused.append((target, value, level))
                continue
            recodings.append(Recoding(target, value, level, matched, "mapping"))
        out[target] = recode_series(values, table)
    if mapping.vocabularies == "apply":
        for name in strata:
            vocab = vocabulary_for_column(name, vocabularies, mapping.vocabulary_columns)
            if vocab is None or name not in out.columns:
                continue
            counts = out[name].value_counts(sort=False)
            lookup = {}
            for key, count in counts.items():
                spelling = str(key)
                found = vocab.level_of(spelling) if spelling else None
                if found is not None and found != spelling:
                    lookup[spelling] = found
                    recodings.append(Recoding(name, spelling, found, int(count), "vocabulary"))
            out[name] = recode_series(out[name], lookup)
    return out, recodings, corrections, unused
