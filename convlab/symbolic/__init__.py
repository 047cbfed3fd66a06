"""SymPy helpers: the book derives its formulas by running convlab on symbols.

The core of it is :func:`symbols_array`: an object array of SymPy symbols
that every convlab function (with ``method="loop"`` or ``"im2col"``)
accepts as input, so the formula comes out of the package's own code.
"""

from .arrays import as_matrix, symbols_array

__all__ = ["as_matrix", "symbols_array"]
