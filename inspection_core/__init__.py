"""Internal kernel shared by :mod:`sampling` and :mod:`significance` (not a public API).

Both packages import down into this one and never from each other's private modules. It holds
one home for each idea they share, and imports neither numpy, pandas nor scipy at import time
(numpy loads where an array is first used, :mod:`.deferred`):

* :mod:`.errors`: the structured validation error (the parameter's name travels with it).
* :mod:`.checks`: validation at the public boundary, in one message style.
* :mod:`.result`: the base of result objects (``str``, HTML, ``to_dict``).
* :mod:`.normal`: normal-theory helpers (quantile, p-value from z, the finite population
  factor, the guarded ceiling, scalar-in/scalar-out), for arrays and in pure Python
  (:mod:`._cephes`: scipy's normal distribution functions, step for step).
* :mod:`.deferred`: numpy imported on first use.
* :mod:`.intervals`: the Wilson score interval.
* :mod:`.rounding`: half-up rounding of percentages and counting a percentage's decimals.
* :mod:`.files`: atomic file and folder writing.
* :mod:`.tables`: aligned text tables and p-value formatting.
* :mod:`.cli`: command-line plumbing (one-line errors, flags named from the parser).
"""
