"""Animations embedded in notebooks and in the rendered book as HTML/JS, with a
still for print."""

from __future__ import annotations

import hashlib
import io
import re

import numpy as np
from matplotlib import animation as _mpl_animation

__all__ = ["HTMLAnimation", "animate", "still_frames"]

#: at most this many frames make up the printed still
STILL_FRAMES = 4
#: resolution of the still (the player's frames stay at the figure's own dpi)
STILL_DPI = 150
_GUTTER = 12  # pixels of white between the frames of the still


class HTMLAnimation:
    """An animation as self-contained HTML (frames as PNG, JavaScript controls),
    and a PNG still of a few of its frames for where nothing plays (print).

    Displays itself through ``_repr_mimebundle_``: ``text/html`` (the player,
    what Jupyter and the HTML book show), ``image/png`` (the still, what the
    PDF shows) and a one-line ``text/plain``. The element ids are derived from
    the content, not random, so a notebook re-executed gives the same output;
    nothing is loaded from the network.
    """

    def __init__(self, html: str, n_frames: int, png: bytes | None = None,
                 still_frames: tuple[int, ...] = ()):
        self.html = html
        self.n_frames = n_frames
        self.png = png
        self.still_frames = tuple(still_frames)

    def _repr_html_(self) -> str:
        return self.html

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, object]:
        bundle: dict[str, object] = {"text/html": self.html, "text/plain": self.text()}
        if self.png is not None:
            bundle["image/png"] = self.png
        return bundle

    def text(self) -> str:
        """The ``text/plain`` of its display, for frontends that show neither HTML nor images."""
        return f"Animation: {self.n_frames} frames"

    def __repr__(self) -> str:
        return f"<HTMLAnimation: {self.n_frames} frames>"


def still_frames(n_frames: int, k: int = STILL_FRAMES) -> tuple[int, ...]:
    """Which frames the still shows: ``k`` evenly spaced, the first and the last included.

    Examples
    --------
    >>> from convlab.viz.animation import still_frames
    >>> still_frames(3), still_frames(10), still_frames(1)
    ((0, 1, 2), (0, 3, 6, 9), (0,))
    """
    if n_frames <= k:
        return tuple(range(n_frames))
    return tuple(int(i) for i in np.linspace(0, n_frames - 1, k).round())


def _grab(fig) -> np.ndarray:
    """The figure as it stands, as an RGBA uint8 array (any backend)."""
    import matplotlib.image as mpimg

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=STILL_DPI, metadata={"Software": None})
    buf.seek(0)
    return (mpimg.imread(buf, format="png") * 255).round().astype(np.uint8)


def _tile(frames: list[np.ndarray]) -> np.ndarray:
    """Frames side by side in a grid: one column for wide figures, else two."""
    h, w = frames[0].shape[:2]
    cols = 1 if w >= 2 * h or len(frames) == 1 else 2
    rows = -(-len(frames) // cols)
    out = np.full((rows * h + (rows - 1) * _GUTTER, cols * w + (cols - 1) * _GUTTER, 4), 255, np.uint8)
    for k, frame in enumerate(frames):
        r, c = divmod(k, cols)
        fh, fw = min(h, frame.shape[0]), min(w, frame.shape[1])
        y, x = r * (h + _GUTTER), c * (w + _GUTTER)
        out[y:y + fh, x:x + fw] = frame[:fh, :fw]
    return out


def _png(image: np.ndarray) -> bytes:
    import matplotlib.image as mpimg

    buf = io.BytesIO()
    mpimg.imsave(buf, image, format="png", dpi=STILL_DPI, metadata={"Software": None})
    return buf.getvalue()


def animate(fig, update, n_frames: int, *, interval: int = 400, default_mode: str = "loop") -> HTMLAnimation:
    """Render ``update(i)`` for ``i in range(n_frames)`` into an :class:`HTMLAnimation`.

    Besides the player, the animation keeps a still: up to four evenly spaced
    frames (the first and the last among them) in one PNG, which print shows
    in its place. The figure is closed afterwards so it is not shown a second
    time.

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
    >>> sorted(anim._repr_mimebundle_())
    ['image/png', 'text/html', 'text/plain']
    >>> anim.png[:8] == b"\\x89PNG\\r\\n\\x1a\\n"
    True
    """
    import matplotlib.pyplot as plt

    anim = _mpl_animation.FuncAnimation(fig, update, frames=n_frames, interval=interval, blit=False)
    html = anim.to_jshtml(default_mode=default_mode)
    shown = still_frames(n_frames)
    frames = []
    for i in shown:
        update(i)
        frames.append(_grab(fig))
    plt.close(fig)
    png = _png(_tile(frames)) if frames else None
    # matplotlib links Font Awesome 4 from a CDN for the button icons; Jupyter and
    # the book's theme already ship Font Awesome, and the book must work offline
    html = re.sub(r"<link[^>]*font-awesome[^>]*>\s*", "", html)
    random_ids = sorted(set(re.findall(r"[0-9a-f]{32}", html)))
    stable = hashlib.sha1(f"{n_frames}:{len(html)}".encode()).hexdigest()[:32]
    for k, rid in enumerate(random_ids):
        html = html.replace(rid, f"{stable[:28]}{k:04x}")
    return HTMLAnimation(html, n_frames, png, shown)


def __dir__() -> list[str]:
    """The public names (``__all__``), as ``dir()`` shows them: no imported helper."""
    return list(__all__)
