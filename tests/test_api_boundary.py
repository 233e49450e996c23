"""The public API's boundary: wrong arguments raise TypeError or ValueError naming the parameter.

* a table of typical mistakes (None, empty frames, integer column labels, inf IDs, no ID column),
  each with the exception type and the parameter the message names;
* a Hypothesis property: every public function of ``sampling`` and ``significance``, called
  with arbitrary arguments (None, booleans, huge and non-finite numbers, text, lists, arrays,
  frames), raises nothing but TypeError or ValueError, and returns in bounded time.

The manifest functions (``make_manifest``, ``reproduce_draw``, ``file_sha256``) are left to the
manifest's own tests: they are being rewritten (issue 12).
"""

from __future__ import annotations

import inspect
import math
import os
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sampling
import significance
from inspection_core.errors import StructuredError

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "sampling" / "data" / "example_population.csv"

CASES = pd.DataFrame(
    {
        "case_id": [f"C{i:03d}" for i in range(60)],
        "gender": ["male", "female", "male"] * 20,
        "disposal": ["community order", "licence"] * 30,
        "risk": ["low", "medium", "high", "low"] * 15,
    }
)


def _with(**columns: Any) -> pd.DataFrame:
    frame = CASES.copy()
    for name, values in columns.items():
        frame[name] = values
    return frame


MISTAKES: list[tuple[str, Callable[[], Any], type[Exception], str]] = [
    ("draw None cases", lambda: sampling.draw(None, 10, seed=1), TypeError, "cases"),  # type: ignore[arg-type]
    (
        "draw empty frame",
        lambda: sampling.draw(pd.DataFrame(), 10, seed=1),
        ValueError,
        "not found",
    ),
    (
        "draw no ID column",
        lambda: sampling.draw(CASES, 10, seed=1, id_column=None),  # type: ignore[arg-type]
        TypeError,
        "id_column",
    ),
    (
        "draw inf ID",
        lambda: sampling.draw(_with(case_id=[math.inf, *range(59)]), 10, seed=1),
        ValueError,
        "infinite",
    ),
    (
        "draw null ID",
        lambda: sampling.draw(_with(case_id=[None, *CASES.case_id[1:]]), 10, seed=1),
        ValueError,
        "case_id is blank",
    ),
    (
        "draw NaN ID",
        lambda: sampling.draw(_with(case_id=[np.nan, *range(1, 60)]), 10, seed=1),
        ValueError,
        "case_id is blank",
    ),
    (
        "draw pd.NA ID",
        lambda: sampling.draw(
            _with(case_id=pd.array([pd.NA, *CASES.case_id[1:]], dtype="string")), 10, seed=1
        ),
        ValueError,
        "case_id is blank",
    ),
    (
        "draw column named cell",
        lambda: sampling.draw(_with(cell=1), 10, seed=1),
        ValueError,
        "'cell', which the draw adds",
    ),
    (
        "draw stratum named cell",
        lambda: sampling.draw(_with(cell=["a", "b"] * 30), 10, seed=1, strata=["cell"]),
        ValueError,
        "which the draw adds",
    ),
    (
        "draw column draw_order",
        lambda: sampling.draw(_with(draw_order=1), 10, seed=1),
        ValueError,
        "draw_order",
    ),
    (
        "draw column reserve_order",
        lambda: sampling.draw(_with(reserve_order=1), 10, seed=1),
        ValueError,
        "reserve_order",
    ),
    (
        "allocate stratum named population",
        lambda: sampling.allocate(_with(population=["a", "b"] * 30), 10, strata=["population"]),
        ValueError,
        "allocation table uses",
    ),
    (
        "draw reserves 10**30",
        lambda: sampling.draw(CASES, 10, seed=1, reserves=10**30),
        ValueError,
        "reserves",
    ),
    ("draw seed inf", lambda: sampling.draw(CASES, 10, seed=math.inf), ValueError, "seed"),  # type: ignore[arg-type]
    (
        "draw strata integers",
        lambda: sampling.draw(CASES, 10, seed=1, strata=[1, 2]),
        TypeError,
        "strata",
    ),
    ("allocate None", lambda: sampling.allocate(None, 10), TypeError, "population"),  # type: ignore[arg-type]
    (
        "sample_size nan in array",
        lambda: sampling.sample_size(np.array([250, np.nan])),
        ValueError,
        "population_size",
    ),
    (
        "sample_size -inf in array",
        lambda: sampling.sample_size([250, -math.inf]),
        ValueError,
        "population_size",
    ),
    (
        "sample_size text population",
        lambda: sampling.sample_size("250"),
        TypeError,
        "population_size",
    ),
    (
        "sample_size huge design effect",
        lambda: sampling.sample_size(design_effect=1e308),
        ValueError,
        "design_effect",
    ),
    (
        "sample_size tiny margin",
        lambda: sampling.sample_size(margin_of_error=1e-11),
        ValueError,
        "margin_of_error",
    ),
    (
        "sample_size subnormal proportion",
        lambda: sampling.sample_size(proportion=1e-320),
        ValueError,
        "proportion",
    ),
    ("margin_of_error inf n", lambda: sampling.margin_of_error(math.inf), ValueError, "n"),
    ("margin_of_error huge n", lambda: sampling.margin_of_error(1e300), ValueError, "n"),
    ("implied_population None", lambda: sampling.implied_population(None), TypeError, "n"),  # type: ignore[arg-type]
    ("ztest huge n", lambda: significance.ztest(1, 1e300, 1, 10), ValueError, "n1"),
    (
        "counts_from_percentage huge n",
        lambda: significance.counts_from_percentage(61, 10**12),
        ValueError,
        "n",
    ),
    (
        "sample_size_per_group tiny alpha",
        lambda: significance.sample_size_per_group(0.6, 0.7, alpha=1e-300),
        ValueError,
        "alpha",
    ),
    # open() takes an int as a file descriptor and closes it: the test run's own stderr once
    (
        "published_samples fd",
        lambda: sampling.published_samples(path=2),  # type: ignore[arg-type]
        TypeError,
        "file name",
    ),
    (
        "published_samples bool",
        lambda: sampling.published_samples(path=True),  # type: ignore[arg-type]
        TypeError,
        "path",
    ),
]


@pytest.mark.parametrize(("name", "call", "kind", "text"), MISTAKES, ids=[m[0] for m in MISTAKES])
def test_mistakes_raise_the_right_error(
    name: str, call: Callable[[], Any], kind: type[Exception], text: str
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(kind) as info:
            call()
    assert text in str(info.value), f"{name}: {info.value}"


def test_structured_errors_name_their_parameter() -> None:
    with pytest.raises(StructuredError) as info:
        sampling.draw(CASES, 10, seed=1, id_column=None)  # type: ignore[arg-type]
    assert info.value.parameter == "id_column"
    with pytest.raises(StructuredError) as info:
        sampling.sample_size(margin_of_error=1e-11)
    assert info.value.parameter == "margin_of_error"


# --- arbitrary arguments ----------------------------------------------------------------------

LEFT_OUT = {"make_manifest", "reproduce_draw", "file_sha256"}  # rewritten for issue 12
PUBLIC = [
    (module.__name__, name, getattr(module, name))
    for module in (sampling, significance)
    for name in module.__all__
    if inspect.isfunction(getattr(module, name)) and name not in LEFT_OUT
]

numbers = st.one_of(
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0, 1, 2, 100, 250, 0.5, 0.05, 0.8, 1e-320, 1e308, 2**63, -(2**63)]),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    numbers,
    st.text(max_size=8),
    st.sampled_from(["auto", "controlled", "normal", "exact", "two-sided", "Good", "1.1"]),
)
values = st.one_of(
    scalars,
    st.lists(scalars, max_size=4),
    st.lists(numbers, min_size=0, max_size=4).map(np.asarray),
    st.dictionaries(st.text(max_size=4), scalars, max_size=3),
    st.sampled_from(
        [
            pd.DataFrame(),
            pd.DataFrame({0: [1, 2], 1: ["a", "b"]}),
            CASES,
            CASES.iloc[:0],
            pd.Series([1, 2, 3]),
            object(),
        ]
    ),
)


def _allowed(exc: BaseException) -> bool:
    return isinstance(exc, TypeError | ValueError)


@pytest.mark.parametrize(("module", "name", "function"), PUBLIC, ids=[p[1] for p in PUBLIC])
@settings(
    max_examples=int(os.environ.get("BOUNDARY_EXAMPLES", "25")),  # more for a deeper search
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_arbitrary_arguments_raise_only_type_or_value_errors(
    module: str,
    name: str,
    function: Callable[..., Any],
    data: st.DataObject,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)  # nothing a call might write lands in the project
    kwargs: dict[str, Any] = {}
    args: list[Any] = []
    for param in inspect.signature(function).parameters.values():
        if param.kind is param.VAR_KEYWORD:
            continue
        required = param.default is param.empty
        if not required and not data.draw(st.booleans(), label=f"give {param.name}"):
            continue
        value = data.draw(values, label=param.name)
        if param.kind is param.POSITIONAL_OR_KEYWORD and required:
            args.append(value)
        else:
            kwargs[param.name] = value
    raised: BaseException | None = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            function(*args, **kwargs)
        except Exception as exc:
            raised = exc
    if raised is not None:
        assert _allowed(raised), f"{module}.{name} raised {type(raised).__name__}: {raised}"
    assert sorted(p.name for p in tmp_path.iterdir()) == []
