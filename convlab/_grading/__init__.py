"""The parts of :mod:`convlab.grading`, one job each.

* :mod:`.cases`: the labelled edge cases and seeded random cases of every
  family of tasks, and how each family makes a case smaller (shrinking);
* :mod:`.tasks`: the task registry (reference, cases, mistakes, how the
  reference call is written);
* :mod:`.tolerance`: the tolerance of a comparison, derived from the dtypes
  of the answer and the inputs, and the comparison itself;
* :mod:`.mistakes`: the classic mistakes, each a recomputation of the
  reference with that mistake;
* :mod:`.watch`: running the reader's function, noting forbidden calls;
* :mod:`.report`: :class:`Failure`, :class:`CheckResult`, shrinking and the
  text, HTML and markdown reports.
"""
