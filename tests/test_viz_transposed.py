"""convlab.viz.transposed: the pictures of a transposed convolution show the cells its index map
names and the values convlab computes, input on the left, output on the right."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgba  # noqa: E402
from matplotlib.text import Text  # noqa: E402

import convlab  # noqa: E402
from convlab.indexing import transposed_index_map  # noqa: E402
from convlab.viz import FONT_SMALL, PAGE_WIDTH, PALETTE, figure  # noqa: E402
from convlab.viz.transposed import (  # noqa: E402
    coverage_figure,
    draw_transposed_map,
    scatter_animation,
    scatter_figure,
    transposed_map_figure,
    zero_insertion_figure,
)


def _cells(ax, color, alpha):
    """Centres (x, y) of the unit cells drawn in ``color`` with ``alpha``."""
    want = to_rgba(color, alpha)
    return sorted((p.get_x() + 0.5, p.get_y() + 0.5) for p in ax.patches
                  if p.get_width() == 1 and np.allclose(p.get_facecolor(), want))


def _geometry(tmap):
    """Where the picture puts the output frame: left edge, top of the input grid, top of the frame."""
    ih, iw = tmap.input_shape
    whole = [(n - 1) * s + d * (k - 1) + 1 for n, s, d, k in zip(tmap.input_shape, tmap.stride,
                                                                   tmap.dilation, tmap.kernel_shape)]
    frame = [max(w, lo + o) for w, (lo, _), o in zip(whole, tmap.padding, tmap.output_shape)]
    return iw + 1.5, max(0.0, (frame[0] - ih) / 2), max(0.0, (ih - frame[0]) / 2), whole, frame


CASES = [
    dict(input_shape=(2, 2), kernel_shape=(3, 3)),
    dict(input_shape=(3, 3), kernel_shape=(3, 3), padding=1),
    dict(input_shape=(3, 3), kernel_shape=(3, 3), stride=2),
    dict(input_shape=(3, 3), kernel_shape=(3, 3), stride=2, padding=1, output_padding=1),
    dict(input_shape=(3, 2), kernel_shape=(4, 2), stride=(2, 3), padding=((1, 2), 0), output_padding=(1, 2)),
    dict(input_shape=(2, 3), kernel_shape=(2, 2), stride=1, dilation=2, output_padding=1),
]


@pytest.mark.parametrize("kwargs", CASES)
def test_scatter_reading_draws_the_copy_where_convlab_puts_it(kwargs):
    tmap = transposed_index_map(**kwargs)
    x0, y_in, y_out, whole, frame = _geometry(tmap)
    (top, _), (left, _) = tmap.padding
    oh, ow = tmap.output_shape
    for m in np.ndindex(*tmap.input_shape):
        ax = draw_transposed_map(figure(4, 3).add_subplot(), tmap, m)
        # convlab's own scatter of a one-hot input: where input cell m's kernel copy lands
        onehot = np.zeros(tmap.input_shape, dtype=np.int64)
        onehot[m] = 1
        copy = convlab.conv_transpose2d(onehot[None, None], np.ones((1, 1, *tmap.kernel_shape), np.int64),
                                        stride=tmap.stride, dilation=tmap.dilation)[0, 0]
        inside, cropped = [], []
        for r, c in zip(*np.nonzero(copy)):
            out = 0 <= r - top < oh and 0 <= c - left < ow
            (inside if out else cropped).append((x0 + c + 0.5, y_out + r + 0.5))
        assert _cells(ax, PALETTE["kernel"], 0.85) == sorted(inside)
        assert _cells(ax, PALETTE["kernel"], 0.35) == sorted(cropped)
        assert _cells(ax, PALETTE["input"], 0.95) == [(m[1] + 0.5, y_in + m[0] + 0.5)]
        assert len(_cells(ax, PALETTE["input"], 0.35)) == np.prod(tmap.input_shape) - 1
        # cropped cells are grey, output cells past the scatter hatched, the rest green
        hatched = [p for p in ax.patches if p.get_hatch()]
        past = sum(1 for r, c in np.ndindex(oh, ow) if r + top >= whole[0] or c + left >= whole[1])
        assert len(hatched) == past
        grey = _cells(ax, PALETTE["padding"], 0.55)
        assert len(grey) + len(cropped) == sum(
            1 for r, c in np.ndindex(*frame) if r < whole[0] and c < whole[1]
            and not (0 <= r - top < oh and 0 <= c - left < ow))
        plt.close(ax.figure)


@pytest.mark.parametrize("kwargs", CASES)
def test_gather_reading_marks_the_sources_of_an_output_cell(kwargs):
    tmap = transposed_index_map(**kwargs)
    x0, y_in, y_out, _, _ = _geometry(tmap)
    (top, _), (left, _) = tmap.padding
    for o in list(np.ndindex(*tmap.output_shape))[::3]:
        ax = draw_transposed_map(figure(4, 3).add_subplot(), tmap, o, reading="gather")
        expected = sorted((m[1] + 0.5, y_in + m[0] + 0.5) for m, _ in tmap.sources(o))
        assert _cells(ax, PALETTE["kernel"], 0.85) == expected
        assert _cells(ax, PALETTE["output"], 0.95) == [(x0 + o[1] + left + 0.5, y_out + o[0] + top + 0.5)]
        taps = list(np.ndindex(*tmap.kernel_shape))
        labels = sorted(int(t.get_text()) for t in ax.texts if t.get_text().isdigit())
        assert labels == sorted(taps.index(tap) for _, tap in tmap.sources(o))
        plt.close(ax.figure)


def test_pictures_say_which_side_is_which():
    tmap = transposed_index_map((2, 2), (3, 3), stride=2)
    ax = draw_transposed_map(figure(4, 3).add_subplot(), tmap)
    labels = {t.get_text(): t.get_color() for t in ax.texts}
    assert labels["input"] == PALETTE["input"] and labels["output"] == PALETTE["output"]
    assert ax.get_title() == "2×2 → 5×5"
    (arrow,) = [c for c in ax.texts if getattr(c, "arrow_patch", None) is not None]
    assert arrow.xy[0] > arrow.xyann[0]                  # it points from the input to the output


def test_one_dimensional_maps_are_drawn_as_one_row():
    tmap = transposed_index_map(3, 3, stride=2, padding=1, output_padding=1)
    ax = draw_transposed_map(figure(4, 2).add_subplot(), tmap, 1)
    assert ax.get_title() == "3 → 6"
    assert sorted(int(t.get_text()) for t in ax.texts if t.get_text().isdigit()) == [0, 1, 2]
    ax = draw_transposed_map(figure(4, 2).add_subplot(), tmap, 5, reading="gather")
    assert [t.get_text() for t in ax.texts if t.get_text().isdigit()] == ["2"]    # only x[2]'s last tap (from 0)


def test_figure_panels_share_one_scale():
    maps = [transposed_index_map((2, 2), (3, 3)), transposed_index_map((3, 3), (4, 4), stride=2, padding=1)]
    fig = transposed_map_figure(maps, ["a", "b"], [(0, 0), (2, 2)], reading=["scatter", "gather"])
    assert [ax.get_title() for ax in fig.axes] == ["a", "b"]
    spans = {(round(ax.get_xlim()[1] - ax.get_xlim()[0], 9), round(ax.get_ylim()[0] - ax.get_ylim()[1], 9))
             for ax in fig.axes}
    assert len(spans) == 1


def test_animation_shows_convlabs_running_sums():
    x = np.arange(1, 10).reshape(3, 3)
    w = np.array([[1, 2, 0], [0, 1, 0], [3, 0, 1]])
    anim = scatter_animation(x, w, stride=2, padding=1)
    assert anim.n_frames == 9 and anim.png[:4] == b"\x89PNG"
    with pytest.raises(ValueError, match="more than max_frames=4"):
        scatter_animation(x, w, max_frames=4)
    with pytest.raises(ValueError, match="same number of axes"):
        scatter_animation(x, w[0])
    assert scatter_animation([1, 2], [1, 1, 1], stride=2).n_frames == 2


def test_animation_frames_hold_the_sums_so_far():
    from convlab.viz import transposed as module

    x = np.array([[1, 2], [3, 4]])
    w = np.array([[1, 10], [100, 1000]])
    tmap = transposed_index_map((2, 2), (2, 2), stride=1)
    sc = module._scatter(tmap)
    ax = figure(4, 3).add_subplot()
    z = convlab.conv_transpose2d(x[None, None], w[None, None])[0, 0]
    module._draw(ax, sc, "scatter", (1, 1), "last", x, z, z)
    shown = [t.get_text() for t in ax.texts if t.get_text() not in ("", "input", "output")]
    assert shown[:4] == ["1", "2", "3", "4"] and shown[4:] == [str(v) for v in z.ravel()]


def test_scatter_figure_rows_are_convlabs_copies_and_add_up():
    y, w = np.array([1, 2, 3]), np.array([1, 10, 100])
    fig = scatter_figure(y, w, stride=2, padding=1, output_padding=1)
    ax = fig.axes[0]
    texts = [t.get_text() for t in ax.texts]
    z = convlab.conv_transpose1d(y[None, None], w[None, None], stride=2, padding=1, output_padding=1)[0, 0]
    assert ax.get_title(loc="left") == f"stride 2: 3 input cells → {len(z)} output cells"
    for v in z:
        assert str(v) in texts
    assert {"x[0]·w", "x[1]·w", "x[2]·w", "x", "y"} <= set(texts)
    dashed = [p for p in ax.patches if p.get_linestyle() == "--"]
    assert len(dashed) == 1                                   # x[0]·w's first tap falls in the crop


def test_zero_insertion_figure_is_the_flipped_correlation():
    fig = zero_insertion_figure([1, 2, 3], [1, 10, 100], stride=2, padding=1, output_padding=1, steps=[0, 5])
    titles = [ax.get_title(loc="left") for ax in fig.axes]
    assert titles == ["y[0] = 0·100 + 1·10 + 0·1 = 10", "y[5] = 3·100 + 0·10 + 0·1 = 300"]
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert {"stretched", "flip(w)"} <= set(texts)
    with pytest.raises(ValueError, match="padding must be at most dilation"):
        zero_insertion_figure([1, 2, 3, 4], [1, 1], padding=2)
    with pytest.raises(ValueError, match="step must be an output index"):
        zero_insertion_figure([1, 2], [1, 1], steps=[9])
    with pytest.raises(TypeError, match="steps must be a non-empty sequence"):
        zero_insertion_figure([1, 2], [1, 1], steps=[])


def test_coverage_figure_writes_convlabs_counts():
    maps = [transposed_index_map((3, 3), (3, 3), stride=2), transposed_index_map((3, 3), (4, 4), stride=2)]
    fig = coverage_figure(maps)
    assert [ax.get_title() for ax in fig.axes] == ["k=3, s=2", "k=4, s=2"]
    for ax, m in zip(fig.axes, maps):
        assert [t.get_text() for t in ax.texts] == [str(v) for v in m.coverage().ravel()]
        assert ax.get_images()[0].get_clim() == (0.0, 4.0)      # one scale for all panels
    assert coverage_figure([transposed_index_map(4, 3, stride=2)], ["1-D"]).axes[0].get_title() == "1-D"


@pytest.mark.parametrize("call, error, match", [
    (lambda: draw_transposed_map(figure(2, 2).add_subplot(), "map"), TypeError,
     "tmap must be a convlab.indexing.TransposedIndexMap; got str"),
    (lambda: draw_transposed_map(figure(2, 2).add_subplot(), transposed_index_map((2, 2, 2), (2, 2, 2))),
     ValueError, "only 1-D and 2-D transposed index maps"),
    (lambda: draw_transposed_map(figure(2, 2).add_subplot(), transposed_index_map((2, 2), (2, 2)), (2, 0)),
     ValueError, "cell_index must be an input cell inside the grid of shape"),
    (lambda: draw_transposed_map(figure(2, 2).add_subplot(), transposed_index_map((2, 2), (2, 2)), 0),
     TypeError, "cell_index must be an input cell of 2 int"),
    (lambda: draw_transposed_map(figure(2, 2).add_subplot(), transposed_index_map((2, 2), (2, 2)),
                                 reading="both"), ValueError, "reading must be one of"),
    (lambda: transposed_map_figure([]), ValueError, "maps must hold at least one"),
    (lambda: coverage_figure([]), ValueError, "maps must hold at least one"),
    (lambda: scatter_figure([[1, 2]], [1]), ValueError, "y must be a non-empty 1-D array"),
])
def test_bad_arguments(call, error, match):
    with pytest.raises(error, match=match):
        call()
    plt.close("all")


def _figures():
    maps = [transposed_index_map((3, 3), (3, 3), stride=2, padding=1),
            transposed_index_map((3, 3), (4, 4), stride=2, padding=1)]
    yield "transposed_map_figure", transposed_map_figure(maps * 2, cells=[(1, 1)] * 4, ncols=2)
    yield "coverage_figure", coverage_figure(maps * 2)
    yield "scatter_figure", scatter_figure(np.arange(1, 7), [1, -2, 3, 1], stride=2, padding=1)
    yield "zero_insertion_figure", zero_insertion_figure(np.arange(1, 6), [1, 2, 3], stride=2, steps=[1, 4])


def test_figures_fit_the_page_and_no_text_is_too_small():
    for name, fig in _figures():
        assert fig.get_size_inches()[0] <= PAGE_WIDTH + 1e-9, name
        fig.canvas.draw()
        small = [t.get_text() for t in fig.findobj(Text) if t.get_text().strip() and t.get_visible()
                 and t.get_fontsize() < FONT_SMALL]
        assert not small, f"{name}: text under {FONT_SMALL} pt: {small[:5]}"
        plt.close(fig)
