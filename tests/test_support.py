"""Data loaders, symbolic arrays, the viz base and configuration."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

import convlab
from convlab import data
from convlab.symbolic import as_matrix, symbols_array
from convlab.viz import animate, figure


def test_eeg_is_a_real_signal():
    signals = [data.eeg(c) for c in range(4)]
    assert all(s.shape == (800,) and np.isfinite(s).all() for s in signals)
    assert len({round(float(s.std()), 6) for s in signals}) == 4
    assert data.EEG_RATE_HZ == 80.0


@pytest.mark.parametrize("bad,exc", [(4, ValueError), (-1, ValueError), (1.0, TypeError), (True, TypeError)])
def test_eeg_channel_is_checked(bad, exc):
    with pytest.raises(exc, match="channel must be an int in 0..3"):
        data.eeg(bad)


def test_grace_hopper_image():
    gray, rgb = data.grace_hopper(), data.grace_hopper(gray=False)
    assert gray.shape == (600, 512) and rgb.shape == (3, 600, 512)
    assert 0.0 <= gray.min() and gray.max() <= 1.0
    np.testing.assert_allclose(gray, np.tensordot([0.299, 0.587, 0.114], rgb, axes=1))


def test_symbols_are_real_and_distinct():
    x = symbols_array("x", (2, 3), start=0)
    assert x.shape == (2, 3) and len(set(x.flat)) == 6
    assert str(x[1, 2]) == "x_{1,2}" and x[0, 0].is_real
    assert sympy.conjugate(x[0, 0]) == x[0, 0]
    assert str(symbols_array("w", 2, real=False)[0].conjugate()) == "conjugate(w_1)"


@pytest.mark.parametrize("bad,error", [((2, -1), ValueError), ((2.0,), TypeError), ("3", TypeError),
                                       ((), ValueError)])
def test_symbols_array_shape_is_checked(bad, error):
    with pytest.raises(error, match="shape must be a non-negative int or a non-empty tuple of non-negative ints"):
        symbols_array("x", bad)


def test_symbols_array_name_is_checked():
    with pytest.raises(ValueError, match="name must be a non-empty str"):      # a str, but empty
        symbols_array("", 3)
    with pytest.raises(TypeError, match="name must be a non-empty str"):
        symbols_array(3, 3)


def test_as_matrix():
    assert as_matrix(np.arange(4).reshape(2, 2)).shape == (2, 2)
    with pytest.raises(ValueError, match=r"a must be 1-D or 2-D; got shape \(1, 1, 1\)"):
        as_matrix(np.zeros((1, 1, 1)))


def test_animation_html_is_deterministic():
    def make():
        fig = figure(2, 2)
        ax = fig.add_subplot()
        line, = ax.plot([0, 1], [0, 0])
        return animate(fig, lambda i: line.set_ydata([0, i]), 4)
    a, b = make(), make()
    assert a.html == b.html and a.n_frames == 4
    assert "http://" not in a.html and "https://" not in a.html   # works offline
    assert a.png == b.png and a.png.startswith(b"\x89PNG\r\n\x1a\n")


def test_animation_has_a_still_for_print():
    """The display offers the player (text/html) and a PNG of a few frames for print;
    its text/plain is words, not a repr."""
    import io

    import matplotlib.image as mpimg

    from convlab.viz.animation import STILL_DPI, still_frames

    fig = figure(2, 2)
    ax = fig.add_subplot()
    line, = ax.plot([0, 1], [0, 0])
    ax.set_ylim(0, 10)
    anim = animate(fig, lambda i: line.set_ydata([0, i]), 10)
    bundle = anim._repr_mimebundle_()
    assert set(bundle) == {"text/html", "image/png", "text/plain"}
    assert bundle["text/html"] == anim.html and bundle["image/png"] == anim.png
    assert bundle["text/plain"] == "Animation: 10 frames"
    assert anim.still_frames == still_frames(10) == (0, 3, 6, 9)
    # four square frames in a 2x2 grid, at STILL_DPI, and the frames differ
    still = mpimg.imread(io.BytesIO(anim.png), format="png")
    side = 2 * STILL_DPI
    assert still.shape[0] == still.shape[1] > 2 * side and still.shape[0] < 2 * side + 40
    assert not np.array_equal(still[:side, :side], still[:side, -side:])


def test_settings_getter_setter_and_context():
    before = convlab.get_options()
    with convlab.options(im2col_max_bytes=4096):
        assert convlab.get_options()["im2col_max_bytes"] == 4096
    assert convlab.get_options() == before
    convlab.get_options()["im2col_max_bytes"] = 1           # a copy: changes nothing
    assert convlab.get_options() == before
    with pytest.raises(ValueError, match="im2col_max_bytes must be a positive int; got 0"):
        convlab.set_options(im2col_max_bytes=0)
    with pytest.raises(TypeError, match="im2col_max_bytes must be a positive int; got 1.5"):
        convlab.set_options(im2col_max_bytes=1.5)
    with pytest.raises(TypeError, match="unknown setting 'im2col_memory'"):
        convlab.set_options(im2col_memory=10)
    with pytest.raises(ValueError):
        with convlab.options(im2col_max_bytes=-1):
            pass
    assert convlab.get_options() == before               # a failed change leaves the settings alone
