"""An explorer of index maps that runs in the page: no kernel, no server, no external script.

:func:`index_explorer` precomputes, with :mod:`convlab.indexing`, every
state a reader can pick (kernel size, stride, padding, dilation, and
convolution or transposed convolution) and embeds them in one HTML element
with a few lines of JavaScript that only *look states up*: which grid to
draw, its output size, and which input cells feed the output cell under the
pointer. Nothing about convolution is computed in the browser, so what the
page shows is what convlab computes.

In print (and anywhere HTML is not shown) it falls back to a still of its
first state, drawn by :func:`convlab.viz.grids.draw_index_map` (or, when
the first state is a transposed convolution, by
:func:`convlab.viz.transposed.draw_transposed_map`).
"""

from __future__ import annotations

import hashlib
import html
import io
import itertools
import json
from collections.abc import Sequence

import matplotlib.pyplot as plt

from .. import indexing
from .._validate import choice, positive_int, shape_tuple
from .grids import draw_index_map
from .style import PALETTE, figure
from .transposed import draw_transposed_map

__all__ = ["IndexExplorer", "index_explorer"]

MODES = ("convolution", "transposed convolution")


class IndexExplorer:
    """An interactive index map: ``states`` (the precomputed data) and its HTML.

    ``states`` maps a key ``"mode|k|s|p|d"`` to ``None`` (the kernel does not
    fit) or a dict with the grid shown on the left (``grid``: its side;
    ``padding_cells``: flat indices of padding cells), the output's side
    ``out``, and ``reads``: for each output cell (row-major) the flat
    indices of the cells of the left grid that feed it.
    """

    def __init__(self, states: dict, choices: dict, first: str, still: bytes):
        self.states, self.choices, self.first, self._still = states, choices, first, still
        payload = json.dumps({"states": states, "choices": choices, "first": first}, sort_keys=True,
                             separators=(",", ":"))
        self.uid = "cx" + hashlib.sha256(payload.encode()).hexdigest()[:32]
        self.html = _page(self.uid, payload, choices)

    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/html": self.html, "image/png": self._still,
                "text/plain": f"<index explorer: {len(self.states)} states>"}

    def __repr__(self) -> str:
        return f"<index explorer: {len(self.states)} states>"


def _conv_state(n: int, k: int, s: int, p: int, d: int) -> dict | None:
    try:
        imap = indexing.index_map((n, n), (k, k), stride=s, padding=p, dilation=d)
    except ValueError:           # the dilated kernel does not fit the padded input
        return None
    side = imap.padded_shape[1]
    flat = imap.indices[..., 0] * side + imap.indices[..., 1]           # (*out, *kernel)
    reads = [sorted(set(int(v) for v in flat[o].ravel())) for o in itertools.product(
        range(imap.output_shape[0]), range(imap.output_shape[1]))]
    pads = [int(i) for i in imap.padding_mask().ravel().nonzero()[0]]
    return {"grid": side, "out": imap.output_shape[0], "reads": reads, "padding_cells": pads}


def _transposed_state(n: int, k: int, s: int, p: int, d: int) -> dict | None:
    try:
        tmap = indexing.transposed_index_map((n, n), (k, k), stride=s, padding=p, dilation=d)
    except ValueError:           # the output would be empty
        return None
    out = tmap.output_shape[1]
    reads = [sorted({int(i[0]) * n + int(i[1]) for i, _tap in tmap.sources(o)})
             for o in itertools.product(range(tmap.output_shape[0]), range(out))]
    return {"grid": n, "out": tmap.output_shape[0], "reads": reads, "padding_cells": []}


def index_explorer(input_size: int = 6, *, kernel_sizes: Sequence[int] = (1, 2, 3, 4),
                   strides: Sequence[int] = (1, 2, 3), paddings: Sequence[int] = (0, 1, 2),
                   dilations: Sequence[int] = (1, 2), transposed_input_size: int | None = 3,
                   first: tuple[int, int, int, int] | None = None,
                   first_mode: str = "convolution") -> IndexExplorer:
    """An explorer of 2-D index maps for every combination of the given settings.

    Parameters
    ----------
    input_size : int
        Side of the (square) input of the convolution.
    kernel_sizes, strides, paddings, dilations : sequences of int
        The values offered for each setting (square kernels, the same on both axes).
    transposed_input_size : int or None
        Side of the input of the transposed convolution (its output is
        larger); ``None`` offers the convolution only.
    first : (k, s, p, d), optional
        The state shown first (and in print); default the first of each list.
    first_mode : {"convolution", "transposed convolution"}
        The direction shown first, and drawn in the still for print.

    Returns
    -------
    IndexExplorer
        Shown as interactive HTML in the book, as a still in print.

    Examples
    --------
    >>> from convlab.viz.explorer import index_explorer
    >>> ex = index_explorer(5, kernel_sizes=(3,), strides=(1, 2), paddings=(0,), dilations=(1,))
    >>> sorted(ex.states)[:2], len(ex.states)                # 2 strides, convolution and transposed
    (['convolution|3|1|0|1', 'convolution|3|2|0|1'], 4)
    >>> ex.states["convolution|3|2|0|1"]["out"], ex.states["convolution|3|2|0|1"]["reads"][0]
    (2, [0, 1, 2, 5, 6, 7, 10, 11, 12])
    """
    n = positive_int("input_size", input_size)
    lists = {name: shape_tuple(name, value, minimum=minimum) for name, value, minimum in (
        ("kernel_sizes", kernel_sizes, 1), ("strides", strides, 1), ("paddings", paddings, 0),
        ("dilations", dilations, 1))}
    modes = MODES if transposed_input_size is not None else MODES[:1]
    n_t = positive_int("transposed_input_size", transposed_input_size) if transposed_input_size else None
    states = {}
    for k, s, p, d in itertools.product(*lists.values()):
        states[f"{MODES[0]}|{k}|{s}|{p}|{d}"] = _conv_state(n, k, s, p, d)
        if n_t is not None:
            states[f"{MODES[1]}|{k}|{s}|{p}|{d}"] = _transposed_state(n_t, k, s, p, d)
    mode = choice("first_mode", first_mode, modes)
    start = first or tuple(values[0] for values in lists.values())
    key = f"{mode}|{'|'.join(str(v) for v in start)}"
    if key not in states:
        raise ValueError(f"first must be one of the offered (k, s, p, d) combinations; got {start!r}")
    if states[key] is None:
        raise ValueError(f"first must be a state whose kernel fits the input; got {start!r}")
    choices = {"mode": list(modes), "k": list(lists["kernel_sizes"]), "s": list(lists["strides"]),
               "p": list(lists["paddings"]), "d": list(lists["dilations"])}
    still = _still(n, *start) if mode == MODES[0] else _still_transposed(n_t, *start)
    return IndexExplorer(states, choices, key, still)


def _still(n: int, k: int, s: int, p: int, d: int) -> bytes:
    fig = figure(3.6, 3.0)
    ax = fig.add_subplot()
    draw_index_map(ax, indexing.index_map((n, n), (k, k), stride=s, padding=p, dilation=d), (0, 0),
                   title=f"k={k}, stride {s}, padding {p}, dilation {d}")
    return _png(fig)


def _still_transposed(n: int, k: int, s: int, p: int, d: int) -> bytes:
    fig = figure(4.4, 3.0)
    ax = fig.add_subplot()
    tmap = indexing.transposed_index_map((n, n), (k, k), stride=s, padding=p, dilation=d)
    draw_transposed_map(ax, tmap, (0, 0), reading="gather",
                        title=f"transposed: k={k}, stride {s}, padding {p}, dilation {d}")
    return _png(fig)


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    plt.close(fig)                 # the still is bytes now: no figure left for a notebook to show
    return buffer.getvalue()


_LABELS = {"mode": "", "k": "kernel k", "s": "stride s", "p": "padding p", "d": "dilation d"}

_SCRIPT = """
(function () {
  const root = document.getElementById("%(uid)s");
  const data = JSON.parse(root.querySelector("script.cx-data").textContent);
  const pick = Object.assign({}, data.pick);
  let focus = 0;
  function key() { return [pick.mode, pick.k, pick.s, pick.p, pick.d].join("|"); }
  function grid(el, side, cls) {
    el.innerHTML = "";
    el.style.gridTemplateColumns = "repeat(" + side + ", 1.5em)";
    for (let i = 0; i < side * side; i++) {
      const c = document.createElement("div");
      c.className = "cx-cell " + cls;
      c.dataset.index = i;
      el.appendChild(c);
    }
  }
  function show() {
    const st = data.states[key()];
    root.querySelectorAll("button[data-param]").forEach(b =>
      b.classList.toggle("cx-on", String(pick[b.dataset.param]) === b.dataset.value));
    const left = root.querySelector(".cx-left"), right = root.querySelector(".cx-right");
    const size = root.querySelector(".cx-size");
    if (!st) {
      left.innerHTML = ""; right.innerHTML = "";
      size.textContent = pick.mode === "convolution" ? "the kernel does not fit: no output"
        : "the padding crops every cell: no output";
      size.dataset.out = "0";
      return;
    }
    grid(left, st.grid, "cx-in");
    grid(right, st.out, "cx-out");
    st.padding_cells.forEach(i => left.children[i].classList.add("cx-pad"));
    size.textContent = "output " + st.out + " \\u00d7 " + st.out;
    size.dataset.out = String(st.out);
    focus = Math.min(focus, st.out * st.out - 1);
    mark(st);
    right.querySelectorAll(".cx-out").forEach(c => {
      c.addEventListener("mouseenter", () => { focus = Number(c.dataset.index); mark(st); });
      c.addEventListener("click", () => { focus = Number(c.dataset.index); mark(st); });
    });
  }
  function mark(st) {
    root.querySelectorAll(".cx-read, .cx-focus").forEach(c => c.classList.remove("cx-read", "cx-focus"));
    const left = root.querySelector(".cx-left"), right = root.querySelector(".cx-right");
    right.children[focus].classList.add("cx-focus");
    st.reads[focus].forEach(i => left.children[i].classList.add("cx-read"));
    root.querySelector(".cx-left-title").textContent =
      pick.mode === "convolution" ? "padded input" : "input";
  }
  root.querySelectorAll("button[data-param]").forEach(b => b.addEventListener("click", () => {
    const v = b.dataset.value;
    pick[b.dataset.param] = b.dataset.param === "mode" ? v : Number(v);
    show();
  }));
  show();
})();
"""

_STYLE = """
#%(uid)s { font-family: sans-serif; font-size: 14px; margin: 0.5em 0; }
#%(uid)s .cx-row { margin: 0.2em 0; }
#%(uid)s .cx-row span.cx-label { display: inline-block; width: 6.5em; }
#%(uid)s button { margin: 0 0.15em; min-width: 2em; border: 1px solid #999; background: #fff;
  border-radius: 3px; cursor: pointer; }
#%(uid)s button.cx-on { background: %(output)s; color: #fff; border-color: %(output)s; }
#%(uid)s .cx-grids { display: flex; gap: 2em; align-items: flex-start; flex-wrap: wrap; margin-top: 0.5em; }
#%(uid)s .cx-grid { display: grid; gap: 2px; }
#%(uid)s .cx-cell { width: 1.5em; height: 1.5em; background: #e8eef6; }
#%(uid)s .cx-out { background: #e6f2e8; cursor: pointer; }
#%(uid)s .cx-pad { background: %(padding)s; }
#%(uid)s .cx-read { background: %(kernel)s; }
#%(uid)s .cx-focus { background: %(output)s; }
"""


def _page(uid: str, payload: str, choices: dict) -> str:
    data = json.loads(payload)
    data["pick"] = {name: values[0] for name, values in choices.items()}
    data["pick"].update(zip(("mode", "k", "s", "p", "d"), data["first"].split("|")))
    for name in ("k", "s", "p", "d"):
        data["pick"][name] = int(data["pick"][name])
    rows = []
    for name, values in choices.items():
        buttons = "".join(f'<button type="button" data-param="{name}" data-value="{html.escape(str(v))}">'
                          f"{html.escape(str(v))}</button>" for v in values)
        rows.append(f'<div class="cx-row"><span class="cx-label">{_LABELS[name]}</span>{buttons}</div>')
    colours = {"uid": uid, **{role: PALETTE[role] for role in ("kernel", "output", "padding")}}
    embedded = json.dumps(data, sort_keys=True, separators=(",", ":")).replace("</", "<\\/")
    return (f'<div id="{uid}" class="cx-explorer"><style>{_STYLE % colours}</style>' + "".join(rows)
            + '<div class="cx-row"><span class="cx-size" data-out=""></span>'
              " &mdash; point at an output cell to see the cells that feed it</div>"
            + '<div class="cx-grids"><div><div class="cx-left-title">padded input</div>'
              '<div class="cx-grid cx-left"></div></div>'
              '<div><div>output</div><div class="cx-grid cx-right"></div></div></div>'
            + f'<script type="application/json" class="cx-data">{embedded}</script>'
            + f"<script>{_SCRIPT % {'uid': uid}}</script></div>")


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
