"""``python -m benchmarks [--quick]``: see :mod:`benchmarks`."""

import sys

from .run import main

sys.exit(main())
