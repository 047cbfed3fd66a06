"""Run the reader's function and note its first call into convlab (``forbid=``)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from types import CodeType

import convlab

_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class Watch:
    """Runs the reader's function and notes its first call into convlab (``sys.setprofile``).

    ``"convlab"`` in ``forbid`` stands for every function defined in the
    package, however it is reached (``convlab.conv2d``, ``from convlab
    import conv2d``, a submodule); any other name is a public function of
    ``convlab``, recognised by its code under any alias.
    """

    def __init__(self, forbid: str | Iterable[str]):
        names = (forbid,) if isinstance(forbid, str) else forbid
        if not isinstance(names, Iterable):
            raise TypeError(f"forbid must be a str or a sequence of str; got {forbid!r}")
        self.everything = False
        self.codes: dict[CodeType, str] = {}
        for name in names:
            if not isinstance(name, str):
                raise TypeError(f"forbid must be a str or a sequence of str; got {forbid!r}")
            if name == "convlab":
                self.everything = True
                continue
            public = not name.startswith("_") and name not in convlab.LAZY_MODULES
            code = getattr(getattr(convlab, name, None) if public else None, "__code__", None)
            if not isinstance(code, CodeType):
                raise ValueError(f"forbid must hold 'convlab' or names of convlab's public functions "
                                 f"(e.g. 'conv2d'); got {name!r}")
            self.codes[code] = f"convlab.{name}"
        self.called: str | None = None
        self.calls = 0                                  # how many times fn ran

    def _profile(self, frame, event, _arg) -> None:
        if event != "call" or self.called is not None:
            return
        code = frame.f_code
        if code in self.codes:
            self.called = self.codes[code]
        elif self.everything and os.path.abspath(code.co_filename).startswith(_PACKAGE_DIR + os.sep):
            self.called = f"{frame.f_globals.get('__name__', 'convlab')}.{code.co_qualname}"

    def __call__(self, fn: Callable, args, kwargs):
        """``fn(*args, **kwargs)``; afterwards :attr:`called` names the first forbidden call, if any."""
        self.called = None
        self.calls += 1
        if not (self.everything or self.codes):
            return fn(*args, **kwargs)
        previous = sys.getprofile()
        sys.setprofile(self._profile)
        try:
            return fn(*args, **kwargs)
        finally:
            sys.setprofile(previous)
