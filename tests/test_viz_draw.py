"""convlab.viz.draw and convlab.viz.style: the drawing layer every figure module uses,
the package's export convention, and the legibility of every figure at the page width."""

from __future__ import annotations

import pkgutil

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_hex, to_rgba  # noqa: E402
from matplotlib.text import Text  # noqa: E402

import convlab  # noqa: E402
import convlab.viz as viz  # noqa: E402
from convlab.indexing import index_map  # noqa: E402
from convlab.sweeps import Sweep  # noqa: E402
from convlab.symbolic import correlation_matrix  # noqa: E402
from convlab.viz import (  # noqa: E402
    CYCLE,
    FONT_SMALL,
    PAGE_WIDTH,
    PALETTE,
    SIGNED_CMAP,
    bare,
    cell,
    colors,
    figure,
    heatmap,
    legend,
    number,
    panel_grid,
    signed_cmap,
    symmetric_limit,
    text_color,
    text_width,
)


def _axes():
    return figure(3, 3).add_subplot()


# --------------------------------------------------------------------------
# text colour, numbers, text width
# --------------------------------------------------------------------------

@pytest.mark.parametrize("face", ["black", "navy", "#C44E52", signed_cmap()(0.0), signed_cmap()(1.0),
                                  matplotlib.colormaps["viridis"](0.0)])
def test_text_is_white_on_dark_cells(face):
    assert text_color(face) == "white"


@pytest.mark.parametrize("face", ["white", "yellow", "#F0F0F0", PALETTE["padding"], signed_cmap()(0.5),
                                  matplotlib.colormaps["viridis"](1.0), ("navy", 0.2), (0, 0, 0, 0)])
def test_text_is_black_on_light_cells(face):
    assert text_color(face) == "black"


def test_text_colour_switches_once_along_the_grey_levels():
    chosen = [text_color((g, g, g)) for g in np.linspace(0, 1, 101)]
    switch = chosen.index("black")
    assert 0.3 < switch / 100 < 0.6
    assert chosen == ["white"] * switch + ["black"] * (101 - switch)


def test_number():
    assert [number(v) for v in (3, 3.0, -2, np.int64(-7), np.float32(0.5), -0.0, 1 / 3)] == \
        ["3", "3", "−2", "−7", "0.5", "0", "0.333"]
    assert number(-0.125, "{:.2f}") == "−0.12" and number(2.5e-7) == "2.5e−07"


def test_text_width_grows_with_length_and_size():
    assert 0 < text_width("1") < text_width("11") < text_width("111")
    assert text_width("0.66", 9) < text_width("0.66", 12)
    assert text_width("0.66", 9) == pytest.approx(2 * text_width("0.66", 4.5))


# --------------------------------------------------------------------------
# cell, bare
# --------------------------------------------------------------------------

def test_cell_is_centred_filled_or_framed_with_text():
    ax = _axes()
    filled = cell(ax, 2.0, 1.0, size=(0.8, 0.6), face=PALETTE["input"], alpha=0.5, edge="black", lw=2.0,
                  text="7", z=3)
    assert filled.get_xy() == pytest.approx((1.6, 0.7)) and (filled.get_width(), filled.get_height()) == (0.8, 0.6)
    assert np.allclose(filled.get_facecolor(), to_rgba(PALETTE["input"], 0.5))
    assert np.allclose(filled.get_edgecolor(), to_rgba("black")) and filled.get_linewidth() == 2.0
    (label,) = ax.texts
    assert label.get_position() == (2.0, 1.0) and label.get_fontsize() == FONT_SMALL
    assert label.get_color() == "black" and label.get_zorder() > filled.get_zorder()
    framed = cell(ax, 0, 0, edge=PALETTE["highlight"])
    assert not framed.get_fill() and len(ax.texts) == 1
    cell(ax, 0, 0, face="black", text="a")
    cell(ax, 0, 0, face="black", text="b", color="red")
    assert [t.get_color() for t in ax.texts[1:]] == ["white", "red"]


def test_bare():
    ax = _axes()
    ax.plot([0, 1], [0, 1])
    assert bare(ax) is ax
    assert not len(ax.get_xticks()) and not len(ax.get_yticks()) and ax.axison
    assert not bare(ax, frame=False).axison
    with pytest.raises(TypeError, match="frame must be True or False; got 'no'"):
        bare(ax, frame="no")


# --------------------------------------------------------------------------
# heatmap and its colour limits
# --------------------------------------------------------------------------

@pytest.mark.parametrize("values", [[[-1.0, 3.0]], [[0.5, 0.25]], [[-8, -2], [0, 1]]])
def test_signed_heatmap_limits_are_symmetric(values):
    image = heatmap(_axes(), values)
    low, high = image.get_clim()
    assert low == -high == -np.max(np.abs(values))
    assert image.get_cmap().name == SIGNED_CMAP
    assert heatmap(_axes(), values, limit=10).get_clim() == (-10.0, 10.0)


def test_symmetric_limit():
    assert symmetric_limit([[-3, 1], [2, 0]]) == 3.0
    assert symmetric_limit(np.zeros((2, 2))) == 1.0                 # a blank map still has a scale
    spread = np.concatenate([np.linspace(-1, 1, 99), [100.0]])
    assert symmetric_limit(spread, 99) < 2 < symmetric_limit(spread)


def test_unsigned_heatmap_uses_its_colormap_and_range():
    image = heatmap(_axes(), [[0.0, 2.0], [4.0, 1.0]], signed=False, cmap="magma")
    assert image.get_cmap().name == "magma" and image.get_clim() == (0.0, 4.0)
    assert heatmap(_axes(), [[0.0, 2.0]], signed=False, vmin=-1, vmax=1).get_clim() == (-1.0, 1.0)


def test_heatmap_writes_values_in_the_colour_of_their_cells():
    values = np.array([[-4.0, -1.0], [0.0, 4.0]])
    image = heatmap(_axes(), values, annotate=True)
    texts = image.axes.texts
    assert [t.get_text() for t in texts] == ["−4", "−1", "0", "4"]
    assert [t.get_color() for t in texts] == ["white", "black", "black", "white"]
    for t, v in zip(texts, values.flat):
        assert t.get_color() == text_color(image.cmap(image.norm(v)))
        assert t.get_fontsize() >= FONT_SMALL
    grey = heatmap(_axes(), [[0.0, 1.0]], signed=False, annotate=True)
    assert [t.get_color() for t in grey.axes.texts] == ["white", "black"]


def test_heatmap_blank_zeros_and_grid():
    image = heatmap(_axes(), [[0, 2], [-1, 0]], annotate=True, blank_zeros=True, grid=True)
    assert np.ma.getmaskarray(image.get_array()).tolist() == [[True, False], [False, True]]
    assert [t.get_text() for t in image.axes.texts] == ["2", "−1"]
    assert list(image.axes.xaxis.get_minor_locator().locs) == [-0.5, 0.5, 1.5]      # lines between the cells
    assert list(image.axes.yaxis.get_minor_locator().locs) == [-0.5, 0.5, 1.5]
    assert all(tick.gridline.get_visible() for tick in image.axes.xaxis.get_minor_ticks())
    plain = heatmap(_axes(), [[0, 2]]).axes
    assert not any(tick.gridline.get_visible() for tick in plain.xaxis.get_minor_ticks())


@pytest.mark.parametrize("values, kwargs, error, match", [
    ([1, 2, 3], {}, ValueError, r"values must be a non-empty 2-D array; got shape \(3,\)"),
    (np.zeros((0, 2)), {}, ValueError, "values must be a non-empty 2-D array"),
    (np.ones((2, 2), dtype=complex), {}, TypeError, "values must be a real numeric array"),
    (np.ones((2, 2), dtype=bool), {}, TypeError, "values must be a real numeric array"),
    (np.ones((2, 2)), dict(annotate=1), TypeError, "annotate must be True or False; got 1"),
    (np.ones((2, 2)), dict(signed="yes"), TypeError, "signed must be True or False"),
    (np.ones((2, 2)), dict(blank_zeros=None), TypeError, "blank_zeros must be True or False"),
])
def test_heatmap_bad_arguments(values, kwargs, error, match):
    with pytest.raises(error, match=match):
        heatmap(_axes(), values, **kwargs)


# --------------------------------------------------------------------------
# panel_grid
# --------------------------------------------------------------------------

def test_panel_grid_layout():
    fig, axes = panel_grid(5, 2, panel_size=(1.5, 1.25), extra_height=0.5, extra_width=0.25)
    assert axes.shape == (5,) and list(fig.axes) == list(axes)       # the sixth slot is removed
    assert fig.get_size_inches().tolist() == [3.25, 3 * 1.25 + 0.5]
    geometry = [ax.get_subplotspec().get_geometry()[:2] for ax in axes]
    assert geometry == [(3, 2)] * 5
    assert [ax.get_subplotspec().get_topmost_subplotspec().rowspan.start for ax in axes] == [0, 0, 1, 1, 2]
    fig, axes = panel_grid(3)
    assert fig.get_size_inches().tolist() == [6.0, 2.0]              # all in one row by default
    assert panel_grid(2, 10)[0].get_size_inches().tolist() == [4.0, 2.0]   # ncols is at most n


def test_panel_grid_stacks_axes_within_panels():
    fig, axes = panel_grid(3, 2, panel_size=(2.0, 3.0), stack=(1, 2))
    assert axes.shape == (3, 2) and len(fig.axes) == 6
    heights = fig.axes[0].get_subplotspec().get_gridspec().get_height_ratios()
    assert list(heights) == [1.0, 2.0, 1.0, 2.0]
    assert list(fig.axes[:4]) == [axes[0, 0], axes[1, 0], axes[0, 1], axes[1, 1]]


def test_panel_grid_passes_subplot_options():
    _, axes = panel_grid(2, 1, sharex=True)
    assert axes[0].get_shared_x_axes().joined(axes[0], axes[1])


@pytest.mark.parametrize("args, kwargs, error, match", [
    ((0,), {}, ValueError, "n must be a positive int; got 0"),
    ((2.0,), {}, TypeError, "n must be a positive int; got 2.0 of type float"),
    ((3, 0), {}, ValueError, "ncols must be a positive int; got 0"),
    ((3, -1), {}, ValueError, "ncols must be a positive int; got -1"),
    ((3, "2"), {}, TypeError, "ncols must be a positive int; got '2' of type str"),
    ((3, True), {}, TypeError, "ncols must be a positive int; got True of type bool"),
    ((3, 2.0), {}, TypeError, "ncols must be a positive int"),
    ((3,), dict(panel_size=(2.0, 0.0)), ValueError, r"panel_size must be a \(width, height\) pair of positive"),
    ((3,), dict(panel_size=(2.0, np.inf)), ValueError, "panel_size must be a"),
    ((3,), dict(panel_size=(1.0, 2.0, 3.0)), ValueError, "panel_size must be a"),
    ((3,), dict(panel_size=2.0), ValueError, r"panel_size must be a non-empty 1-D array"),
    ((3,), dict(panel_size=("2", "1")), TypeError, "panel_size must be a real numeric array"),
    ((3,), dict(stack=(1, 0)), ValueError, "stack must hold positive relative heights"),
])
def test_panel_grid_bad_arguments(args, kwargs, error, match):
    with pytest.raises(error, match=match):
        panel_grid(*args, **kwargs)


def test_same_scale_gives_every_panel_the_largest_extent_and_keeps_directions():
    _, axes = panel_grid(3)
    axes[0].set_xlim(0, 4)
    axes[0].set_ylim(3, -1)         # y down, as the cell pictures draw
    axes[1].set_xlim(1, 2)
    axes[1].set_ylim(0, 6)          # y up
    axes[2].set_xlim(5, 3)          # x reversed
    axes[2].set_ylim(1, 0)
    viz.draw._same_scale(axes)
    assert [ax.get_xlim() for ax in axes] == [(0, 4), (-0.5, 3.5), (6, 2)]
    assert [ax.get_ylim() for ax in axes] == [(4, -2), (0, 6), (3.5, -2.5)]


def test_one_legend_for_all_panels():
    fig, axes = panel_grid(2)
    axes[0].plot([0, 1], label="a")
    axes[1].plot([0, 1], label="a")
    axes[1].plot([1, 0], label="crossover k = 3")
    axes[1].plot([1, 1], label="_hidden")
    assert [t.get_text() for t in legend(fig).get_texts()] == ["a", "crossover k = 3"]
    merged = legend(fig, rename=lambda label: label.split(" k")[0])
    assert [t.get_text() for t in merged.get_texts()] == ["a", "crossover"]
    assert [t.get_text() for t in legend(fig, ["crossover k = 3", "a", "z"]).get_texts()] == ["crossover k = 3", "a"]
    assert legend(panel_grid(1)[0]) is None


# --------------------------------------------------------------------------
# style: palette, colour cycle, signed colormap
# --------------------------------------------------------------------------

def test_colour_cycle():
    assert len(set(CYCLE)) == len(CYCLE) >= 6
    assert colors(3) == [to_hex(c) for c in CYCLE[:3]]
    assert colors(len(CYCLE) + 2)[-2:] == colors(2)                    # it repeats
    assert PALETTE["input"].lower() not in colors(4, skip=[PALETTE["input"]])
    assert colors(0) == []
    with pytest.raises(TypeError, match="n must be a non-negative int"):
        colors(1.5)


def test_signed_colormap_is_white_at_zero():
    cmap = signed_cmap()
    assert cmap.name == SIGNED_CMAP
    assert min(cmap(0.5)[:3]) > 0.95
    assert cmap(0.0)[2] > cmap(0.0)[0] and cmap(1.0)[0] > cmap(1.0)[2]  # blue negative, red positive


# --------------------------------------------------------------------------
# one export convention for every module
# --------------------------------------------------------------------------

#: Every module of the package, found on disk: a new one must follow the convention too.
MODULES = tuple(sorted(m.name for m in pkgutil.iter_modules(viz.__path__)))


def _public(module) -> list[str]:
    names = getattr(module, "__all__", None)
    if names is None:                   # animation: the public classes and functions defined there
        names = [n for n, v in vars(module).items() if not n.startswith("_") and callable(v)
                 and getattr(v, "__module__", None) == module.__name__]
    return list(names)


def test_every_module_is_importable_and_every_public_name_is_exported():
    assert len(viz.__all__) == len(set(viz.__all__))
    assert viz.__all__[:len(MODULES)] == list(MODULES)
    exported = set(viz.__all__[len(MODULES):])
    for name in MODULES:
        module = getattr(viz, name)
        assert module.__name__ == f"convlab.viz.{name}"
        for public in _public(module):
            assert public in exported, f"convlab.viz.{name}.{public} is not exported"
            assert getattr(viz, public) is getattr(module, public)
    assert exported == {n for name in MODULES for n in _public(getattr(viz, name))}


def test_the_two_feature_map_grids_are_one():
    assert viz.feature_maps is viz.grids.feature_maps
    assert not hasattr(viz.channels, "feature_maps") and not hasattr(viz.grids, "feature_maps_figure")
    assert not hasattr(viz.grids, "Panel")


# --------------------------------------------------------------------------
# legibility: no text under FONT_SMALL points once the book fits a figure to its page
# --------------------------------------------------------------------------

def _figures():
    img = np.linspace(0, 1, 64).reshape(8, 8)
    sobel = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])
    sweep = Sweep("kernel size k", (3, 9, 27), {"im2col": (1e-4, 3e-4, 9e-4), "fft": (5e-4, 5e-4, 5e-4)})
    yield "column_matrix_figure", viz.column_matrix_figure(img[:6, :6], 3, kernel=sobel, patch=2)
    yield "spectra_figure", viz.spectra_figure(img, sobel)
    yield "circular_figure", viz.circular_figure([1.0, 2.0, 3.0, 4.0], [1.0, 1.0])
    yield "sweep_figure", viz.sweep_figure({"a": sweep, "b": sweep, "c": sweep})
    yield "accuracy_figure", viz.accuracy_figure([10, 100], {"float64": [1e-16, 2e-16]})
    yield "conv_shapes", viz.conv_shapes((3, 8, 8), (4, 3, 3, 3))
    yield "channel_sum", viz.channel_sum(np.arange(18.0).reshape(2, 3, 3), np.ones((2, 2, 2)), bias=-1.5)
    yield "filter_bank", viz.filter_bank(np.stack([sobel / 7, -sobel])[:, None], filter_names=["a", "b"],
                                         channel_names=["c"])
    yield "rgb_channels", viz.rgb_channels(np.zeros((3, 4, 5)))
    yield "group_connectivity", viz.group_connectivity(6, 6, groups=[1, 2, 3, 6])
    yield "receptive_field_cone", viz.receptive_field_cone([3, (3, 2), 3], 30)
    yield "fields_on_image", viz.fields_on_image(np.zeros((40, 40)), [3, 3], (20, 20))
    yield "dense_matrix", viz.dense_matrix(np.kron(np.eye(3), [[1.0, 2.0]]), (2, 3), (3,))
    yield "pairing_diagram", viz.pairing_diagram(12, 3)
    yield "flip_comparison", viz.flip_comparison(img, sobel)
    yield "compare_kernels", viz.compare_kernels({"w": [1, 2, 3], "flip": [3, 2, 1]})
    maps = [index_map((5, 5), (4, 4), padding="same"), index_map((5, 5), (3, 3), padding="full")]
    yield "index_map_figure", viz.index_map_figure(maps, ncols=2, panel_size=(3.7, 2.5))
    yield "feature_maps", viz.feature_maps([img] * 8, kernels=[sobel] * 8, titles=list("abcdefgh"), signed=True)
    yield "sliding_window_figure", viz.sliding_window_figure(np.arange(10), [1, 2, -1])
    yield "filtered_figure", viz.filtered_figure(np.sin(np.arange(60) / 5), {"a": np.ones(5) / 5, "b": [1, -1]})
    yield "matrix_figure", viz.matrix_figure(correlation_matrix([-1, -2, 0, 2, 1], 16, padding="same"), row=7)


def test_no_text_is_smaller_than_the_smallest_size_on_the_page():
    for name, fig in _figures():
        width = fig.get_size_inches()[0]
        assert width <= PAGE_WIDTH + 1e-9, f"{name} is {width} inches wide, wider than the page"
        fig.canvas.draw()                                     # lays out ticks and their labels
        small = sorted({(t.get_fontsize(), t.get_text()) for t in fig.findobj(Text)
                        if t.get_text().strip() and t.get_visible() and t.get_fontsize() < FONT_SMALL})
        assert not small, f"{name}: text under {FONT_SMALL} pt: {small[:5]}"
        plt.close(fig)


def test_chapter_calls_still_draw_convlab_results():
    """The merged grid serves the calls the chapters make (kernels above maps, per-map signs)."""
    gray = convlab.data.grace_hopper(gray=True)[100:160, 100:160]
    edges = convlab.correlate(gray, np.array([[-1.0, 0.0, 1.0]] * 3), "same")
    fig = viz.feature_maps([gray, edges], kernels=[np.ones((1, 1)), np.array([[-1.0, 0.0, 1.0]] * 3)],
                           signed=[False, True], limits=(0, 1), percentile=99.5, titles=["x", "edges"])
    np.testing.assert_allclose(fig.axes[3].get_images()[0].get_array(), edges)
    assert fig.axes[2].get_images()[0].get_clim() == (0.0, 1.0)
