"""The two-sample z-test's arithmetic on arrays, a cache-sized block at a time.

:func:`significance.ztest` is meant for millions of comparisons at once. Whole-array numpy
code makes a new million-element temporary for every step and reads each input many times from
memory; here the comparisons are taken :data:`BLOCK` at a time, each block's counts converted to
floats once, every step written into a small scratch buffer or straight into its output, so the
data stays in the processor's cache. The steps and their order are exactly those of the one-
comparison code (:mod:`._scalar`) and of R ``prop.test``'s formula: element-wise operations
only, so a block gives each comparison the bits a scalar call gives (tested), and the whole costs
about what the bare numpy expression for z and p costs (``benchmarks/bench_ztest.py``).
"""

from __future__ import annotations

from inspection_core.deferred import numpy_later
from inspection_core.normal import SMALL, pvalue_from_z

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

    import numpy as np
    import numpy.typing as npt

    FloatArray = npt.NDArray[np.float64]
else:
    np = numpy_later(globals())

__all__ = ["BLOCK", "ZArrays", "z_arrays"]

BLOCK = 1 << 14
"""Comparisons per block (16,384: a dozen buffers of 128 kB stay in a core's cache)."""

_ROOT_HALF = 0.7071067811865475  # 1 / sqrt(2), as inspection_core.normal uses it


class ZArrays:
    """The arrays :func:`z_arrays` fills (flat, one element per comparison)."""

    __slots__ = ("d", "p1", "p2", "pvalue", "range", "significant", "small", "statistic", "zero")

    def __init__(self, size: int, *, want_pvalue: bool, alpha: float | None) -> None:
        self.p1 = np.empty(size)
        self.p2 = np.empty(size)
        self.d = np.empty(size)
        self.statistic = np.empty(size)
        self.pvalue: Any = np.empty(size) if want_pvalue else None
        # pvalue < alpha, while the p-values are in the cache (None without alpha or p-values)
        self.significant: Any = None
        if want_pvalue and alpha is not None:
            self.significant = np.empty(size, dtype=bool)
        self.small = np.empty(size, dtype=bool)  # an expected count below 5
        self.zero: Any = None  # where the unpooled variance was 0 and the pooled one used
        self.range = (1.0, 0.0)  # the smallest and largest of every x1 / n1 and x2 / n2


def _flat(value: Any, shape: tuple[int, ...]) -> Any:
    """A 1-D view (or copy) of ``value`` broadcast to ``shape``; a float stays a float."""
    if isinstance(value, float):
        return value
    value = np.broadcast_to(value, shape)
    return value if value.ndim == 1 else value.reshape(-1)


def z_arrays(
    x1: Any, n1: Any, x2: Any, n2: Any, f1: Any, f2: Any, *, pooled: bool, continuity: bool,
    alternative: str, want_pvalue: bool = True, largest: int | None = None,
    alpha: float | None = None,
) -> ZArrays:  # fmt: skip
    """The z-test of every comparison: proportions, difference, z, p-value, small counts.

    ``x1, n1, x2, n2`` are whole-number arrays of one shape (int64, or float64 beyond 2**31);
    ``f1, f2`` the finite population factors (1.0, or arrays). The p-value is the normal one
    (1 where both groups are all one way); where an expected count is below 5 ``small`` is set
    and the caller takes the exact test's p-value there. ``largest``, the largest n1 or n2
    where the caller knows it, saves each block finding it; with ``alpha``, ``significant`` is
    ``pvalue < alpha`` (of the normal p-values: the caller redoes it where an exact test's
    p-value replaces one).
    """
    shape = np.shape(x1)
    size = int(np.prod(shape)) if shape else 1
    inputs = tuple(_flat(v, shape) for v in (x1, n1, x2, n2, f1, f2))
    out = ZArrays(size, want_pvalue=want_pvalue, alpha=alpha)
    if not pooled:
        out.zero = np.zeros(size, dtype=bool)
    # Below 2**26 cases every product of two counts is exact in a double, so the counts are
    # taken as doubles; the results are the bits integer arithmetic gives (x1 n2 - x2 n1 is
    # exact either way), in fewer steps. Larger counts are multiplied as integers.
    doubles = True if largest is not None and largest < 2**26 else None
    with np.errstate(divide="ignore", invalid="ignore"):
        out.range = _run(out, inputs, size, pooled, continuity, alternative, doubles, alpha)
    if out.zero is not None and not out.zero.any():
        out.zero = None
    return out


def _run(
    out: ZArrays, inputs: tuple[Any, ...], stop: int, pooled: bool, continuity: bool,
    alternative: str, doubles: bool | None, alpha: float | None,
) -> tuple[float, float]:  # fmt: skip
    """Fill ``out`` for comparisons 0 to ``stop``; the range of x1 / n1 and x2 / n2.

    ``doubles``: True if every count is below 2**26 (None: each block finds out).
    """
    a_all, b_all, c_all, e_all, g1, g2 = inputs
    want_pvalue = out.pvalue is not None
    low, high = 1.0, 0.0
    block = min(BLOCK, max(stop, 1))
    fa, fb, fc, fe, t1, t2, t3 = (np.empty(block) for _ in range(7))
    kind = np.result_type(a_all, c_all, b_all, e_all)
    i1, i2 = np.empty(block, dtype=kind), np.empty(block, dtype=kind)
    if kind.kind == "f":
        doubles = True
    if want_pvalue and stop > SMALL:
        from scipy.special import erfc, ndtr
    for start in range(0, stop, BLOCK):
        s = slice(start, min(start + BLOCK, stop))
        a, b, c, e = a_all[s], b_all[s], c_all[s], e_all[s]
        k = a.shape[0]
        if k != fb.shape[0]:
            fa, fb, fc, fe, t1, t2, t3 = (np.empty(k) for _ in range(7))
            i1, i2 = np.empty(k, dtype=kind), np.empty(k, dtype=kind)
        h1 = g1 if isinstance(g1, float) else g1[s]
        h2 = g2 if isinstance(g2, float) else g2[s]
        np.copyto(fb, b, casting="unsafe")  # n1 and n2 as doubles (exact below 2**53)
        np.copyto(fe, e, casting="unsafe")
        small_counts = doubles if doubles is not None else max(fb.max(), fe.max()) < 2**26
        if small_counts:
            np.copyto(fa, a, casting="unsafe")
            np.copyto(fc, c, casting="unsafe")
            a, c = fa, fc
        p1 = np.divide(a, fb, out=out.p1[s])
        p2 = np.divide(c, fe, out=out.p2[s])
        low, high = min(low, p1.min(), p2.min()), max(high, p1.max(), p2.max())
        # d = (x1 n2 - x2 n1) / (n1 n2), the exact fraction rounded once
        if small_counts:
            cross = np.multiply(a, fe, out=t1)
            cross -= np.multiply(c, fb, out=t2)
        else:
            cross = np.multiply(a, e, out=i1)
            cross -= np.multiply(c, b, out=i2)
        d = np.divide(cross, np.multiply(fb, fe, out=t3), out=out.d[s])
        p = np.add(fb, fe, out=t3)  # the pooled proportion (x1 + x2) / (n1 + n2)
        np.divide(np.add(a, c, out=t1 if small_counts else i1), p, out=t3)
        if pooled:
            var = np.subtract(1.0, p, out=t1)
            var *= p
            weight = np.divide(h1, fb, out=t2)
            weight += np.divide(h2, fe, out=fa)  # x1 and x2 are done with
            var *= weight
        else:
            var = p1 * (1.0 - p1) * h1 / fb + p2 * (1.0 - p2) * h2 / fe
            zero = (var == 0) & (d != 0)  # each group all one way: the pooled variance
            if zero.any():
                out.zero[s] = zero
                var = np.where(zero, p * (1.0 - p) * (h1 / fb + h2 / fe), var)
        se = np.sqrt(var, out=var)
        numerator = d
        if continuity:
            shrink = np.minimum(0.5 * (1.0 / fb + 1.0 / fe), np.abs(d))
            numerator = np.sign(d) * (np.abs(d) - shrink)
        z = np.divide(numerator, se, out=out.statistic[s])
        none = None if se.all() else se == 0
        if none is not None:  # 0 / 0 is 0 (no difference, no variance); x / 0 is +/-inf
            z[none] = np.where(numerator[none] == 0, 0.0, np.copysign(np.inf, numerator[none]))
        if want_pvalue:
            pv = out.pvalue[s]
            if stop <= SMALL:  # a handful: no scipy (the same doubles)
                pv[...] = pvalue_from_z(z, alternative)
            else:
                if alternative == "two-sided":  # 2 Phi(-|z|) = erfc(|z| / sqrt 2)
                    np.abs(z, out=t2)
                    t2 *= _ROOT_HALF
                    erfc(t2, out=pv)
                elif alternative == "greater":
                    ndtr(np.negative(z, out=t2), out=pv)
                else:
                    ndtr(z, out=pv)
            if none is not None:  # both groups all one way: no evidence either way
                pv[none & (numerator == 0)] = 1.0
            if out.significant is not None and alpha is not None:
                np.less(pv, alpha, out=out.significant[s])
        # an expected count below 5: min(p, 1 - p) min(n1, n2) < 5
        expected = np.subtract(1.0, p, out=t2)
        np.minimum(p, expected, out=expected)
        expected *= np.minimum(fb, fe, out=t1)
        np.less(expected, 5.0, out=out.small[s])
    return low, high
