"""SymPy helpers: the book derives its formulas by running convlab on symbols.

The core of it is :func:`symbols_array`: an object array of SymPy symbols
that every convlab function (with ``method="loop"`` or ``"im2col"``)
accepts as input, so the formula comes out of the package's own code.
:func:`correlation_matrix` and :func:`matrix_of` turn a convolution into its
exact matrix; :func:`winograd_transforms` gives the exact transforms of the
``winograd`` method.
"""

from .arrays import as_matrix, symbols_array
from .counts import conv_macs, conv_params, count_products, dense_macs, dense_params
from .fourier import circular_convolution, dft, dft_matrix, idft
from .identities import associator, commutator, convolution_by_definition, holds, index_pairs, residual
from .matrices import correlation_matrix, matrix_of
from .winograd import winograd_transforms

__all__ = ["associator", "commutator", "convolution_by_definition", "holds", "index_pairs", "residual",
           "as_matrix", "correlation_matrix", "matrix_of", "symbols_array",
           "conv_macs", "conv_params", "count_products", "dense_macs", "dense_params",
           "circular_convolution", "dft", "dft_matrix", "idft", "winograd_transforms"]


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
