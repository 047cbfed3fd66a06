"""The index explorer: its precomputed states are convlab's own index maps, and in a real
browser (headless Chromium) its controls show convlab's output size and highlight exactly
the cells convlab's index map says feed the output cell under the pointer."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import convlab
from convlab import indexing
from convlab.viz.explorer import IndexExplorer, index_explorer

SETTINGS = dict(kernel_sizes=(1, 2, 3), strides=(1, 2), paddings=(0, 1), dilations=(1, 2))


@pytest.fixture(scope="module")
def explorer() -> IndexExplorer:
    return index_explorer(5, transposed_input_size=3, first=(3, 1, 1, 1), **SETTINGS)


def _footprint(n, k, s, p, d, flat_out):
    imap = indexing.index_map((n, n), (k, k), stride=s, padding=p, dilation=d)
    o = divmod(flat_out, imap.output_shape[1])
    return sorted({int(r) * imap.padded_shape[1] + int(c) for r, c in imap.footprint(o)})


def test_states_are_convlabs_index_maps(explorer):
    for k, s, p, d in itertools.product(*SETTINGS.values()):
        state = explorer.states[f"convolution|{k}|{s}|{p}|{d}"]
        span = d * (k - 1) + 1
        if span > 5 + 2 * p:
            assert state is None
            continue
        assert state["out"] == convlab.output_size(5, k, stride=s, padding=p, dilation=d)
        assert state["grid"] == 5 + 2 * p
        for o in range(state["out"] ** 2):
            assert state["reads"][o] == _footprint(5, k, s, p, d, o)
        t = explorer.states[f"transposed convolution|{k}|{s}|{p}|{d}"]
        if t is not None:
            assert t["out"] == convlab.output_size(3, k, stride=s, padding=p, dilation=d, transposed=True)


def test_transposed_reads_are_the_adjoint_of_the_convolution(explorer):
    """Input cell i feeds output cell o of the transposed convolution exactly when the
    convolution with the same settings reads (padded) cell o for output i."""
    k, s, p, d = 3, 2, 1, 1
    t = explorer.states[f"transposed convolution|{k}|{s}|{p}|{d}"]
    m = t["out"]
    imap = indexing.index_map((m, m), (k, k), stride=s, padding=p, dilation=d)
    assert imap.output_shape == (3, 3)
    side = imap.padded_shape[1]
    for o in range(m * m):
        oy, ox = divmod(o, m)
        padded = (oy + p) * side + (ox + p)
        want = sorted(i for i in range(9) if padded in _footprint(m, k, s, p, d, i))
        assert t["reads"][o] == want


def test_still_and_bad_arguments(explorer):
    bundle = explorer._repr_mimebundle_()
    assert bundle["image/png"][:8] == b"\x89PNG\r\n\x1a\n" and "text/html" in bundle
    assert "http://" not in explorer.html and "https://" not in explorer.html     # offline
    assert index_explorer(5, **SETTINGS).html == index_explorer(5, **SETTINGS).html  # deterministic
    with pytest.raises(ValueError, match="input_size must be a positive int; got 0"):
        index_explorer(0)
    with pytest.raises(TypeError, match="strides must be"):
        index_explorer(5, strides=(1.5,))
    with pytest.raises(ValueError, match="first must be one of the offered"):
        index_explorer(5, first=(9, 1, 1, 1), **SETTINGS)
    with pytest.raises(ValueError, match="first must be a state whose kernel fits"):
        index_explorer(2, kernel_sizes=(3,), paddings=(0,), dilations=(1,), strides=(1,), first=(3, 1, 0, 1))


@pytest.fixture(scope="module")
def page(browser, explorer, tmp_path_factory):
    html = tmp_path_factory.mktemp("explorer") / "explorer.html"
    html.write_text(f"<!doctype html><html><body>{explorer.html}</body></html>")
    pg = browser.new_page()
    errors = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    pg.goto(html.as_uri())
    pg.errors = errors
    yield pg
    pg.close()


def _set(page, uid, **picks):
    for name, value in picks.items():
        page.click(f"#{uid} button[data-param='{name}'][data-value='{value}']")


def _highlighted(page, uid) -> list[int]:
    return sorted(page.eval_on_selector_all(f"#{uid} .cx-left .cx-read",
                                            "els => els.map(e => Number(e.dataset.index))"))


@pytest.mark.parametrize("k, s, p, d", [(3, 1, 1, 1), (2, 2, 0, 1), (3, 2, 1, 2), (1, 1, 0, 1), (3, 1, 0, 2)])
def test_controls_show_convlabs_output_size_and_index_map(page, explorer, k, s, p, d):
    uid = explorer.uid
    _set(page, uid, mode="convolution", k=k, s=s, p=p, d=d)
    shown = int(page.get_attribute(f"#{uid} .cx-size", "data-out"))
    assert shown == convlab.output_size(5, k, stride=s, padding=p, dilation=d)
    rng = np.random.default_rng(k * 100 + s * 10 + p + d)
    for o in sorted({0, shown * shown - 1, int(rng.integers(shown * shown))}):
        page.hover(f"#{uid} .cx-right .cx-cell[data-index='{o}']")
        assert _highlighted(page, uid) == _footprint(5, k, s, p, d, o)
    assert not page.errors


def test_transposed_switch(page, explorer):
    uid = explorer.uid
    _set(page, uid, mode="transposed convolution", k=3, s=2, p=1, d=1)
    shown = int(page.get_attribute(f"#{uid} .cx-size", "data-out"))
    assert shown == convlab.output_size(3, 3, stride=2, padding=1, transposed=True)
    tmap = indexing.transposed_index_map((3, 3), (3, 3), stride=2, padding=1)
    for o in (0, 2, shown * shown - 1):
        page.click(f"#{uid} .cx-right .cx-cell[data-index='{o}']")
        want = sorted({int(i[0]) * 3 + int(i[1]) for i, _ in tmap.sources(divmod(o, shown))})
        assert _highlighted(page, uid) == want
    assert not page.errors


def test_a_kernel_that_does_not_fit_says_so(page):
    small = index_explorer(4, kernel_sizes=(1, 3), strides=(1,), paddings=(0,), dilations=(1, 2),
                           transposed_input_size=None)
    assert small.states["convolution|3|1|0|2"] is None                  # span 5 > 4
    page.set_content(f"<!doctype html><html><body>{small.html}</body></html>")
    _set(page, small.uid, k=3, d=2)
    assert page.get_attribute(f"#{small.uid} .cx-size", "data-out") == "0"
    assert "does not fit" in page.inner_text(f"#{small.uid} .cx-size")
    assert page.eval_on_selector_all(f"#{small.uid} .cx-right .cx-cell", "els => els.length") == 0
    _set(page, small.uid, d=1)
    assert page.get_attribute(f"#{small.uid} .cx-size", "data-out") == "2"
    assert not page.errors


def test_a_transposed_output_cropped_away_says_so(page):
    ex = index_explorer(4, kernel_sizes=(1,), strides=(1,), paddings=(0, 2), dilations=(1,),
                        transposed_input_size=2)
    assert ex.states["transposed convolution|1|1|2|1"] is None          # 2 cells, cropped by 2 + 2
    assert ex.states["convolution|1|1|2|1"] is not None                  # the same settings convolve
    page.set_content(f"<!doctype html><html><body>{ex.html}</body></html>")
    _set(page, ex.uid, mode="transposed convolution", p=2)
    assert page.get_attribute(f"#{ex.uid} .cx-size", "data-out") == "0"
    assert "crops every cell" in page.inner_text(f"#{ex.uid} .cx-size")
    _set(page, ex.uid, mode="convolution")
    assert page.get_attribute(f"#{ex.uid} .cx-size", "data-out") == str(convlab.output_size(4, 1, padding=2))
    assert not page.errors
