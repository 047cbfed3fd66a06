"""Animations embedded in notebooks and in the rendered book as HTML/JS."""

from __future__ import annotations

import hashlib
import re

from matplotlib import animation as _mpl_animation


class HTMLAnimation:
    """An animation as self-contained HTML (frames as PNG, JavaScript controls).

    Displays itself in Jupyter and in the built book through ``_repr_html_``.
    The element ids are derived from the content, not random, so a notebook
    re-executed gives the same output; nothing is loaded from the network.
    """

    def __init__(self, html: str, n_frames: int):
        self.html = html
        self.n_frames = n_frames

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return f"<HTMLAnimation: {self.n_frames} frames>"


def animate(fig, update, n_frames: int, *, interval: int = 400, default_mode: str = "loop") -> HTMLAnimation:
    """Render ``update(i)`` for ``i in range(n_frames)`` into an :class:`HTMLAnimation`.

    The figure is closed afterwards so it is not shown a second time.

    Examples
    --------
    >>> from convlab.viz import animate, figure
    >>> fig = figure(2, 2)
    >>> ax = fig.add_subplot()
    >>> line, = ax.plot([0, 1], [0, 0])
    >>> anim = animate(fig, lambda i: line.set_ydata([0, i]), 3)
    >>> anim
    <HTMLAnimation: 3 frames>
    >>> "<script" in anim._repr_html_()
    True
    """
    import matplotlib.pyplot as plt

    anim = _mpl_animation.FuncAnimation(fig, update, frames=n_frames, interval=interval, blit=False)
    html = anim.to_jshtml(default_mode=default_mode)
    plt.close(fig)
    # matplotlib links Font Awesome 4 from a CDN for the button icons; Jupyter and
    # the book's theme already ship Font Awesome, and the book must work offline
    html = re.sub(r"<link[^>]*font-awesome[^>]*>\s*", "", html)
    random_ids = sorted(set(re.findall(r"[0-9a-f]{32}", html)))
    stable = hashlib.sha1(f"{n_frames}:{len(html)}".encode()).hexdigest()[:32]
    for k, rid in enumerate(random_ids):
        html = html.replace(rid, f"{stable[:28]}{k:04x}")
    return HTMLAnimation(html, n_frames)
