"""convlab.viz.grids: the pictures show exactly the cells the index map names."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
from matplotlib.colors import to_rgba

from convlab.indexing import index_map
from convlab.viz import PALETTE, SIGNED_CMAP, figure
from convlab.viz.grids import (
    animate_index_map,
    draw_index_map,
    draw_kernel,
    feature_maps,
    index_map_figure,
)


def _cells(ax, color, alpha):
    """Top-left corners of the unit squares drawn in ``color`` with ``alpha``."""
    want = to_rgba(color, alpha)
    return sorted((p.get_y(), p.get_x()) for p in ax.patches
                  if p.get_width() == 1 and np.allclose(p.get_facecolor(), want))


@pytest.mark.parametrize("kwargs, out_index", [
    (dict(input_shape=(4, 4), kernel_shape=(3, 3)), (1, 1)),
    (dict(input_shape=(5, 5), kernel_shape=(3, 3), padding=1), (0, 0)),
    (dict(input_shape=(5, 5), kernel_shape=(4, 4), padding="same"), (4, 4)),
    (dict(input_shape=(5, 5), kernel_shape=(3, 3), stride=2, padding=1), (2, 1)),
    (dict(input_shape=(7, 7), kernel_shape=(3, 3), dilation=2), (0, 2)),
    (dict(input_shape=(6, 5), kernel_shape=(2, 3), stride=(2, 1), padding=((0, 1), 2)), (2, 6)),
])
def test_draw_index_map_draws_the_map(kwargs, out_index):
    m = index_map(**kwargs)
    ax = draw_index_map(figure(3, 2).add_subplot(), m, out_index)
    ph, pw = m.padded_shape
    oh, ow = m.output_shape
    # footprint cells are exactly the map's footprint
    expected = sorted((float(r), float(c)) for r, c in m.footprint(out_index))
    assert _cells(ax, PALETTE["kernel"], 0.85) == expected
    # padding cells: every padding cell of the grid is grey
    mask = m.padding_mask()
    grey = _cells(ax, PALETTE["padding"], 0.55)
    assert grey == sorted((float(r), float(c)) for r, c in zip(*np.nonzero(mask)))
    assert len(_cells(ax, PALETTE["input"], 0.35)) == ph * pw - mask.sum()
    # output grid, with one highlighted cell at the right place
    chosen = _cells(ax, PALETTE["output"], 0.95)
    assert len(chosen) == 1
    y, x = chosen[0]
    assert x - (pw + 1.5) == out_index[1] and y - (ph - oh) / 2 == out_index[0]
    assert len(_cells(ax, PALETTE["output"], 0.3)) == oh * ow - 1
    assert ax.get_title() == f"{m.input_shape[0]}×{m.input_shape[1]} → {oh}×{ow}"
    # kernel taps are numbered 0..K-1, code indices (small grids)
    assert [t.get_text() for t in ax.texts if t.get_text()] == [str(i) for i in range(m.footprint(
        out_index).shape[0])]


def test_draw_index_map_redraws_on_the_same_axes_and_takes_a_title():
    m = index_map((4, 4), (2, 2))
    ax = figure(3, 2).add_subplot()
    draw_index_map(ax, m, (0, 0))
    n = len(ax.patches)
    draw_index_map(ax, m, (2, 2), title="valid")
    assert len(ax.patches) == n and ax.get_title() == "valid"


def test_draw_index_map_large_grid_has_no_numbers():
    ax = draw_index_map(figure(3, 2).add_subplot(), index_map((10, 10), (3, 3)), (0, 0))
    assert not [t for t in ax.texts if t.get_text()]


def test_draw_index_map_bad_arguments():
    ax = figure(3, 2).add_subplot()
    with pytest.raises(TypeError, match="imap must be a convlab.indexing.IndexMap"):
        draw_index_map(ax, np.zeros((3, 3)))
    with pytest.raises(ValueError, match="only 2-D index maps can be drawn; got one with 1"):
        draw_index_map(ax, index_map(5, 3))
    with pytest.raises(IndexError, match="outside the output"):
        draw_index_map(ax, index_map((4, 4), (3, 3)), (2, 0))


def test_index_map_figure_panels():
    maps = [index_map((4, 4), (3, 3)), index_map((5, 5), (3, 3), padding=1),
            index_map((5, 5), (3, 3), stride=2, padding=1), index_map((7, 7), (3, 3), dilation=2)]
    fig = index_map_figure(maps, ["a", "b", "c", "d"], [(0, 0), (1, 1), (2, 2), (0, 1)], ncols=3)
    assert len(fig.axes) == 4                                   # the two empty slots are removed
    assert [ax.get_title() for ax in fig.axes] == ["a", "b", "c", "d"]
    assert not any(ax.axison for ax in fig.axes)
    assert tuple(fig.get_size_inches()) == pytest.approx((3 * 2.6, 2 * 1.9))
    one = index_map_figure(maps[:1])
    assert len(one.axes) == 1 and one.axes[0].get_title() == "4×4 → 2×2"


@pytest.mark.parametrize("args, kwargs, error, match", [
    ([[]], {}, ValueError, "at least one IndexMap"),
    ([[index_map((4, 4), (3, 3))], ["a", "b"]], {}, ValueError, r"titles must have one entry per map \(1\); got 2"),
    ([[index_map((4, 4), (3, 3))], None, [(0, 0)] * 2], {}, ValueError, "out_indices must have one entry per map"),
    ([[index_map((4, 4), (3, 3))], 5], {}, TypeError, "titles must be one value or a sequence of one per map"),
    ([[index_map((4, 4), (3, 3))]], dict(ncols=0), ValueError, "ncols must be a positive int; got 0"),
    ([[index_map((4, 4), (3, 3))]], dict(ncols=1.5), TypeError, "ncols must be a positive int; got 1.5 of type float"),
    ([[index_map((4, 4), (3, 3))]], dict(panel_size=(2.0, -1.0)), ValueError, "panel_size must be a .width, height. pair"),
    ([[index_map(4, 3)]], {}, ValueError, "only 2-D index maps"),
])
def test_index_map_figure_bad_arguments(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        index_map_figure(*args, **kwargs)


def test_animate_index_map_visits_every_output_cell():
    anim = animate_index_map(index_map((5, 5), (3, 3), stride=2, padding=1), title="stride 2")
    assert anim.n_frames == 9
    html = anim._repr_html_()
    assert html.count("data:image/png;base64") == 9
    again = animate_index_map(index_map((5, 5), (3, 3), stride=2, padding=1), title="stride 2")
    assert again._repr_html_() == html      # deterministic


def test_animate_index_map_too_many_frames():
    with pytest.raises(ValueError, match="more than max_frames=30"):
        animate_index_map(index_map((8, 8), (2, 2)))


def test_animate_index_map_bad_max_frames():
    with pytest.raises(TypeError, match="max_frames must be a positive int"):
        animate_index_map(index_map((3, 3), (2, 2)), max_frames=2.0)


def test_draw_kernel():
    k = np.array([[1.0, 0.0, -1.0], [2.0, 0.0, -2.0], [1.0, 0.0, -1.0]])
    ax = draw_kernel(figure(2, 2).add_subplot(), k)
    assert [t.get_text() for t in ax.texts] == ["1", "0", "−1", "2", "0", "−2", "1", "0", "−1"]
    image = ax.images[0]
    assert image.get_clim() == (-2.0, 2.0) and image.get_cmap().name == SIGNED_CMAP
    np.testing.assert_array_equal(image.get_array(), k)
    # white on the saturated cells, black on the pale ones: one rule for every kernel
    colours = {t.get_text(): t.get_color() for t in ax.texts}
    assert colours["−2"] == colours["2"] == "white" and colours["0"] == colours["1"] == "black"
    big = draw_kernel(figure(2, 2).add_subplot(), np.ones((5, 5)) / 25)
    assert not big.texts
    forced = draw_kernel(figure(2, 2).add_subplot(), np.ones((7, 7)) / 49, annotate=True, fmt="{:.2f}")
    assert forced.texts[0].get_text() == "0.02"
    zero = draw_kernel(figure(2, 2).add_subplot(), np.zeros((2, 2)))
    assert zero.images[0].get_clim() == (-1.0, 1.0)
    shared = draw_kernel(figure(2, 2).add_subplot(), np.ones((2, 2)), limit=4.0)
    assert shared.images[0].get_clim() == (-4.0, 4.0)


@pytest.mark.parametrize("kernel, error, match", [
    (np.ones(3), ValueError, r"kernel must be a non-empty 2-D array; got shape \(3,\)"),
    (np.ones((0, 2)), ValueError, "kernel must be a non-empty 2-D array"),
    (np.ones((2, 2, 2)), ValueError, "kernel must be a non-empty 2-D array"),
    (np.ones((2, 2), dtype=complex), TypeError, "kernel must be a real numeric array"),
])
def test_draw_kernel_bad_kernel(kernel, error, match):
    with pytest.raises(error, match=match):
        draw_kernel(figure(2, 2).add_subplot(), kernel)


def test_index_map_figure_uses_one_scale():
    fig = index_map_figure([index_map((3, 3), (2, 2)), index_map((5, 5), (3, 3), padding="full")])
    small, large = fig.axes
    assert np.diff(small.get_xlim()) == pytest.approx(np.diff(large.get_xlim()))
    assert np.diff(small.get_ylim()) == pytest.approx(np.diff(large.get_ylim()))


# --------------------------------------------------------------------------
# feature_maps: the one grid of maps (with or without kernels above them)
# --------------------------------------------------------------------------

def _clim(ax):
    return ax.get_images()[0].get_clim()


def test_feature_maps_grid_and_scales():
    maps = np.stack([np.full((3, 4), -1.0), np.arange(12.0).reshape(3, 4) - 6])
    fig = feature_maps(maps, titles=["a", "b"], signed=True)
    assert len(fig.axes) == 2 and [ax.get_title() for ax in fig.axes] == ["a", "b"]
    assert [_clim(ax) for ax in fig.axes] == [(-1.0, 1.0), (-6.0, 6.0)]
    assert {ax.get_images()[0].get_cmap().name for ax in fig.axes} == {SIGNED_CMAP}
    fig = feature_maps(maps, signed=[False, True], cmap=["magma", "gray"])
    assert [_clim(ax) for ax in fig.axes] == [(-1.0, -1.0), (-6.0, 6.0)]
    assert [ax.get_images()[0].get_cmap().name for ax in fig.axes] == ["magma", SIGNED_CMAP]
    fig = feature_maps(np.zeros((7, 2, 2)), ncols=3)
    assert len(fig.axes) == 7 and fig.axes[0].get_subplotspec().get_gridspec().get_geometry() == (3, 3)
    assert feature_maps([np.zeros((2, 2))] * 6).axes[0].get_subplotspec().get_gridspec().get_geometry() == (2, 4)


def test_feature_maps_percentile_and_limits():
    a = np.concatenate([np.linspace(-1, 1, 99), [50.0]]).reshape(10, 10)
    low, high = _clim(feature_maps([a], signed=True, percentile=98).axes[0])
    assert high == -low and high == pytest.approx(np.percentile(np.abs(a), 98)) and high < 2
    assert _clim(feature_maps([np.arange(101.0).reshape(1, 101)], percentile=90).axes[0]) == (10.0, 90.0)
    fixed = feature_maps([np.linspace(-0.5, 1.5, 100).reshape(10, 10)], limits=(0, 1))
    assert _clim(fixed.axes[0]) == (0.0, 1.0)        # grey levels, clipped outside [0, 1]


def test_feature_maps_with_kernels_above():
    img = np.linspace(-0.5, 1.5, 100).reshape(10, 10)
    edges = img - 0.5
    edges[0, 0] = -5.0                                  # one extreme value does not set the scale
    fig = feature_maps([img, edges, img], titles=["input", "edges", "plain"],
                       kernels=[np.ones((1, 1)), "|g|", None], signed=[False, True, False], percentile=99.5)
    assert len(fig.axes) == 6
    tops, bottoms = fig.axes[:3], fig.axes[3:]
    assert [ax.get_title() for ax in tops] == ["input", "edges", "plain"]
    np.testing.assert_array_equal(tops[0].images[0].get_array(), np.ones((1, 1)))
    assert tops[1].texts[0].get_text() == "|g|" and not tops[1].axison and not tops[1].images
    assert not tops[2].axison and not tops[2].images and not tops[2].texts
    lo, hi = _clim(bottoms[1])
    assert lo == -hi and hi == pytest.approx(np.quantile(np.abs(edges), 0.995))
    assert 1.0 < hi < 5.0


def test_feature_maps_wrap_into_rows():
    img = np.linspace(0, 1, 36).reshape(6, 6)
    fig = feature_maps([img] * 5, titles=[f"p{i}" for i in range(5)], kernels=[np.ones((1, 1))] * 5, ncols=3,
                       width=3.0)
    assert len(fig.axes) == 2 * 5                       # the last row's empty slot is removed
    assert fig.get_size_inches()[0] == pytest.approx(3.0)
    assert [ax.get_title() for ax in fig.axes if ax.get_title()] == ["p0", "p1", "p2", "p3", "p4"]
    assert sum(bool(ax.images) for ax in fig.axes) == 10


@pytest.mark.parametrize("maps, kwargs, error, match", [
    ([], {}, ValueError, "non-empty sequence of 2-D arrays"),
    ("abc", {}, TypeError, "maps must be a sequence of 2-D arrays .*; got str"),
    (np.zeros((2, 2)), {}, ValueError, r"maps\[0\] must be a non-empty 2-D array; got shape \(2,\)"),
    ([np.zeros(3)], {}, ValueError, r"maps\[0\] must be a non-empty 2-D array"),
    ([np.zeros((2, 2), dtype=complex)], {}, TypeError, r"maps\[0\] must be a real numeric array"),
    ([np.zeros((2, 2))] * 2, dict(titles=["a"]), ValueError, r"titles must have one entry per map \(2\); got 1"),
    ([np.zeros((2, 2))] * 2, dict(cmap=["gray"]), ValueError, r"cmap must have one entry per map \(2\)"),
    ([np.zeros((2, 2))] * 2, dict(signed=[True]), ValueError, r"signed must have one entry per map \(2\)"),
    ([np.zeros((2, 2))] * 2, dict(signed="yes"), TypeError, "signed must be one value or a sequence"),
    ([np.zeros((2, 2))] * 2, dict(kernels=[None]), ValueError, r"kernels must have one entry per map \(2\)"),
    ([np.zeros((2, 2))], dict(ncols=0), ValueError, "ncols must be a positive int"),
    ([np.zeros((2, 2))], dict(ncols="2"), TypeError, "ncols must be a positive int"),
    ([np.zeros((2, 2))], dict(percentile=40), ValueError, r"percentile must be in \(50, 100\]; got 40"),
    ([np.zeros((2, 2))], dict(percentile="99"), TypeError, "percentile must be a real number"),
    ([np.zeros((2, 2))], dict(limits=(1, 0)), ValueError, "limits must be a .low, high. pair"),
    ([np.zeros((2, 2))], dict(width=0), ValueError, "width must be > 0; got 0"),
])
def test_feature_maps_bad_arguments(maps, kwargs, error, match):
    with pytest.raises(error, match=match):
        feature_maps(maps, **kwargs)


def test_stride_phases_are_the_strided_outputs_of_shifted_inputs():
    from matplotlib.colors import to_hex
    from matplotlib.text import Text

    import convlab
    from convlab.viz import FONT_SMALL, PAGE_WIDTH, PALETTE
    from convlab.viz.grids import stride_phases

    rng = np.random.default_rng(0)
    x, w = rng.integers(-3, 4, size=(7, 8)), rng.integers(-2, 3, size=(2, 3))
    for s in (2, 3):
        fig = stride_phases(x, w, stride=s)
        assert len(fig.axes) == 1 + s * s
        full = convlab.conv2d(x[None, None], w[None, None])[0, 0]
        assert [t.get_text() for t in fig.axes[0].texts] == [str(v).replace("-", "−") for v in full.ravel()]
        for ax, (r, c) in zip(fig.axes[1:], [(r, c) for r in range(s) for c in range(s)]):
            layer = convlab.conv2d(x[None, None, r:, c:], w[None, None], stride=s)[0, 0]
            assert [t.get_text() for t in ax.texts] == [str(v).replace("-", "−") for v in layer.ravel()]
            assert layer.shape == full[r::s, c::s].shape
        # what the layer returns is drawn in the output's colour, in both places
        assert to_hex(fig.axes[1].patches[0].get_facecolor()[:3]) == PALETTE["output"].lower()
        assert to_hex(fig.axes[0].patches[0].get_facecolor()[:3]) == PALETTE["output"].lower()
        assert fig.get_size_inches()[0] <= PAGE_WIDTH
        fig.canvas.draw()
        assert all(t.get_fontsize() >= FONT_SMALL for t in fig.findobj(Text) if t.get_text().strip())


def test_stride_phases_argument_errors():
    from convlab.viz.grids import stride_phases

    with pytest.raises(ValueError, match="stride must be 2, 3 or 4; got 1"):
        stride_phases(np.ones((5, 5)), np.ones((2, 2)), stride=1)
    with pytest.raises(ValueError, match=r"w of shape \(5, 5\) does not fit x of shape \(5, 5\) shifted by 1"):
        stride_phases(np.ones((5, 5)), np.ones((5, 5)))
    with pytest.raises(ValueError, match="x must be"):
        stride_phases(np.ones(5), np.ones((2, 2)))
