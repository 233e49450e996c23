"""Sample sizes, margins of error and stratified case samples for inspection fieldwork.

The public API is listed in ``__all__``; everything in underscore modules is private.
"""

from ._planning import planning_table
from ._sizes import (
    ImpliedPopulation,
    SampleSize,
    implied_population,
    margin_of_error,
    sample_size,
)

__all__ = [
    "ImpliedPopulation",
    "SampleSize",
    "implied_population",
    "margin_of_error",
    "planning_table",
    "sample_size",
]

__version__ = "0.1.0"
