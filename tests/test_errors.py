"""Bad input gets a clear ValueError/TypeError naming the argument, what was
received and what is allowed -- the same from every method, raised before
any dispatch."""

from __future__ import annotations

import numpy as np
import pytest
import sympy

import convlab

X1 = np.ones((1, 2, 8))          # (N, C_in, L)
W1 = np.ones((4, 2, 3))          # (C_out, C_in, k)
X2 = np.ones((1, 2, 8, 8))
W2 = np.ones((4, 2, 3, 3))
METHODS = ["auto", *convlab.METHODS]


def conv1(**kw):
    args = dict(x=X1, w=W1)
    args.update(kw)
    return convlab.conv1d(args.pop("x"), args.pop("w"), **args)


def conv2(**kw):
    args = dict(x=X2, w=W2)
    args.update(kw)
    return convlab.conv2d(args.pop("x"), args.pop("w"), **args)


@pytest.fixture(params=METHODS)
def method(request):
    return request.param


# ---- shapes ----------------------------------------------------------------

def test_kernel_larger_than_input(method):
    with pytest.raises(ValueError, match=r"kernel too large: .*spans 9 .*padded input has size 8"):
        conv1(w=np.ones((4, 2, 9)), method=method)


def test_dilated_kernel_larger_than_input(method):
    with pytest.raises(ValueError, match=r"kernel too large: .*spans 9 \(k=3, dilation=4\)"):
        conv1(dilation=4, method=method)


def test_kernel_larger_than_padded_input(method):
    with pytest.raises(ValueError, match=r"padded input has size 10 \(size 8, padding \(1, 1\)\)"):
        conv1(w=np.ones((4, 2, 11)), padding=1, method=method)


def test_correlate_valid_kernel_larger_than_signal(method):
    with pytest.raises(ValueError, match="kernel too large"):
        convlab.correlate(np.ones(3), np.ones(5), method=method)


def test_x_ndim_mismatch(method):
    with pytest.raises(ValueError, match=r"x must have shape \(N, C_in, \*spatial\).* got shape \(8,\)"):
        conv1(x=np.ones(8), method=method)


def test_x_too_many_dims(method):
    with pytest.raises(ValueError, match=r"x must have shape .*2-d convolution; got shape \(1, 1, 2, 8, 8\)"):
        conv2(x=np.ones((1, 1, 2, 8, 8)), method=method)


def test_w_ndim_mismatch(method):
    with pytest.raises(ValueError, match=r"w must have shape \(C_out, C_in/groups, k, k\).* got shape \(4, 2, 3\)"):
        conv2(w=W1, method=method)


def test_convnd_needs_3d_weight():
    with pytest.raises(ValueError, match=r"w must have shape .*at least 3 dimensions; got shape \(3,\)"):
        convlab.convnd(np.ones((1, 8)), np.ones(3))


def test_correlate_ndim_mismatch(method):
    with pytest.raises(ValueError, match=r"same number of dimensions; got x of shape \(4, 4\) and w of shape \(2,\)"):
        convlab.correlate(np.ones((4, 4)), np.ones(2), method=method)


def test_channel_mismatch(method):
    with pytest.raises(ValueError, match=r"channel mismatch: x has C_in=3 .* must be C_in/groups=3; got w of shape"):
        conv1(x=np.ones((1, 3, 8)), method=method)


def test_groups_not_dividing_input_channels(method):
    with pytest.raises(ValueError, match=r"groups=3 must divide the input channels C_in=2"):
        conv1(groups=3, method=method)


def test_groups_not_dividing_output_channels(method):
    with pytest.raises(ValueError, match=r"groups=2 must divide the output channels C_out=3"):
        conv1(x=np.ones((1, 4, 8)), w=np.ones((3, 2, 3)), groups=2, method=method)


def test_groups_zero():
    with pytest.raises(ValueError, match="groups must be a positive int; got 0"):
        conv1(groups=0)


def test_groups_float():
    with pytest.raises(TypeError, match="groups must be a positive int; got 2.0 of type float"):
        conv1(groups=2.0)


def test_bias_shape(method):
    with pytest.raises(ValueError, match=r"bias must have shape \(C_out,\) = \(4,\); got shape \(3,\)"):
        conv1(bias=np.ones(3), method=method)


def test_empty_kernel_axis(method):
    with pytest.raises(ValueError, match=r"kernel of at least 1 element per spatial axis; got shape \(4, 2, 0\)"):
        conv1(w=np.ones((4, 2, 0)), method=method)


def test_empty_kernel_in_correlate():
    with pytest.raises(ValueError, match=r"w must not be empty; got shape \(0,\)"):
        convlab.correlate(np.ones(4), np.ones(0))


# ---- stride, dilation, padding ---------------------------------------------

@pytest.mark.parametrize("name", ["stride", "dilation"])
@pytest.mark.parametrize("bad", [0, -1, (1, 0)])
def test_non_positive_stride_and_dilation(name, bad):
    with pytest.raises(ValueError, match=rf"{name} must be a positive int or a tuple of 2 positive ints; got"):
        conv2(**{name: bad})


@pytest.mark.parametrize("name", ["stride", "dilation"])
def test_wrong_tuple_length(name):
    with pytest.raises(ValueError, match=rf"{name} must be .*tuple of 2 .*got \(1, 1, 1\) of length 3"):
        conv2(**{name: (1, 1, 1)})


@pytest.mark.parametrize("name", ["stride", "dilation"])
@pytest.mark.parametrize("bad", [True, 1.0, "1", (1, 2.0), None])
def test_stride_and_dilation_types(name, bad):
    with pytest.raises(TypeError, match=rf"{name} must be a positive int or a tuple of 2 positive ints; got"):
        conv2(**{name: bad})


def test_numpy_integers_are_ints():
    y = conv2(stride=np.int64(2), dilation=(np.int32(1), 1), padding=np.uint8(1))
    assert y.shape == (1, 4, 4, 4)


@pytest.mark.parametrize("bad", [-1, (0, -2), ((1, -1), (0, 0))])
def test_negative_padding(bad):
    with pytest.raises(ValueError, match="padding must be a non-negative int.*; got"):
        conv2(padding=bad)


@pytest.mark.parametrize("bad", [1.5, True, (1, None)])
def test_padding_types(bad):
    with pytest.raises(TypeError, match="padding must be a non-negative int"):
        conv2(padding=bad)


def test_padding_wrong_length():
    with pytest.raises(ValueError, match=r"padding must be .* got \(1, 1, 1\) of length 3"):
        conv2(padding=(1, 1, 1))


def test_padding_pair_wrong_length():
    with pytest.raises(ValueError, match=r"padding must be .* got the entry \(1, 1, 1\)"):
        conv2(padding=((1, 1, 1), (0, 0)))


def test_bad_padding_string():
    with pytest.raises(ValueError, match=r"padding must be one of \('valid', 'same', 'full'\); got 'half'"):
        conv2(padding="half")


def test_same_with_stride():
    with pytest.raises(ValueError, match=r"padding='same' needs stride 1 in every dimension; got stride \(1, 2\)"):
        conv2(padding="same", stride=(1, 2))


def test_reflect_padding_limit(method):
    with pytest.raises(ValueError, match=r"padding_mode='reflect' needs padding at most 7 on spatial axis 0 "
                                         r"of size 8; got \(8, 8\) \('symmetric', 'circular' and 'replicate' admit"):
        conv1(padding=8, padding_mode="reflect", w=np.ones((4, 2, 1)), method=method)


@pytest.mark.parametrize("mode", ["circular", "replicate", "symmetric"])
def test_padding_wider_than_the_input_is_allowed(mode):
    """numpy.pad's wrap, edge and symmetric repeat as often as needed; so do these."""
    assert conv1(padding=9, padding_mode=mode, w=np.ones((4, 2, 1))).shape == (1, 4, 26)


@pytest.mark.parametrize("mode", ["reflect", "replicate", "circular", "symmetric"])
def test_padding_an_empty_axis_needs_zeros(mode, method):
    with pytest.raises(ValueError, match=rf"padding_mode='{mode}' needs an input with at least one cell on "
                                         r"spatial axis 0 to pad it from; got size 0 with padding \(1, 1\)"):
        conv1(x=np.ones((1, 2, 0)), padding=1, padding_mode=mode, w=np.ones((4, 2, 1)), method=method)


def test_bad_padding_mode():
    with pytest.raises(ValueError, match=r"padding_mode must be one of \('zeros', 'reflect', 'replicate', 'circular', "
                                         r"'symmetric'\); got 'mirror'"):
        conv1(padding_mode="mirror")


def test_padding_mode_type():
    with pytest.raises(TypeError, match="padding_mode must be one of .*got 0 of type int"):
        conv1(padding_mode=0)


def test_bad_method():
    with pytest.raises(ValueError, match=r"method must be one of \('auto', 'loop', 'im2col', 'fft', 'winograd'\); "
                                         r"got 'toom-cook'"):
        conv1(method="toom-cook")


def test_bad_mode():
    with pytest.raises(ValueError, match=r"mode must be one of \('valid', 'same', 'full'\); got 'circular'"):
        convlab.correlate(np.ones(4), np.ones(2), mode="circular")


def test_method_type():
    with pytest.raises(TypeError, match="method must be one of .*got None of type NoneType"):
        convlab.convolve(np.ones(4), np.ones(2), method=None)


# ---- array contents ---------------------------------------------------------

def test_zero_dimensional(method):
    with pytest.raises(ValueError, match=r"x and w must be at least 1-D; got x of shape \(\) and w of shape \(2,\)"):
        convlab.correlate(3.0, np.ones(2), method=method)


def test_string_input(method):
    with pytest.raises(TypeError, match="x must be a numeric array; got a str"):
        convlab.correlate("abc", np.ones(2), method=method)


def test_string_array(method):
    with pytest.raises(TypeError, match=r"w must have a numeric dtype .* got dtype <U1"):
        convlab.correlate(np.ones(3), np.array(["a", "b"]), method=method)


def test_ragged_input(method):
    with pytest.raises(ValueError, match=r"x must be a rectangular \(non-ragged\) array"):
        convlab.correlate([[1, 2], [3]], np.ones((1, 1)), method=method)


def test_object_array_of_non_numbers(method):
    with pytest.raises(TypeError, match="x is an object array, which must hold only numbers or SymPy expressions; "
                                        "found an element of type str"):
        convlab.correlate(np.array([1, "a"], dtype=object), np.ones(1), method=method)


def test_object_array_with_none():
    with pytest.raises(TypeError, match="found an element of type NoneType"):
        convlab.correlate(np.array([None, 1], dtype=object), np.ones(1))


def test_bool_input():
    with pytest.raises(TypeError, match="x must have a numeric dtype .* got bool"):
        convlab.correlate(np.array([True, False]), np.ones(1))


def test_none_input():
    with pytest.raises(TypeError, match="w must be an array; got None"):
        convlab.conv1d(X1, None)


def test_object_input_with_fft():
    import sympy
    with pytest.raises(TypeError, match="method='fft' needs numeric arrays"):
        convlab.correlate(np.array([sympy.Symbol("a"), 1], dtype=object), np.ones(1), method="fft")


def test_integer_overflow_is_refused():
    big = np.array([2**40, 1], dtype=np.int64)
    with pytest.raises(ValueError, match=r"integer inputs could overflow the int64 result: .* >= 2\*\*63"):
        convlab.correlate(big, np.array([2**30, 2**30]))


def test_output_size_errors():
    with pytest.raises(ValueError, match="kernel too large"):
        convlab.output_size(3, 5)
    with pytest.raises(ValueError, match="stride must be a positive int or a SymPy expression; got 0"):
        convlab.output_size(3, 1, stride=0)
    with pytest.raises(TypeError, match="n must be a non-negative int or a SymPy expression; got 3.5 of type float"):
        convlab.output_size(3.5, 1)
    with pytest.raises(TypeError, match="stride must be a positive int or a SymPy expression; got True"):
        convlab.output_size(3, 1, stride=True)
    with pytest.raises(ValueError, match="padding must be one of"):
        convlab.output_size(8, 3, padding="half")
    with pytest.raises(ValueError, match="padding='same' needs stride 1"):
        convlab.output_size(8, 3, stride=2, padding="same")


def test_output_size_same_padding_with_symbols_is_honest():
    """'same' needs stride 1: a symbolic stride is not known to be 1, and a symbolic kernel
    size does not excuse a stride of 2."""
    n, k, s = sympy.symbols("n k s", positive=True, integer=True)
    with pytest.raises(ValueError, match=r"padding='same' needs stride 1 in every dimension; got stride \(s,\)"):
        convlab.output_size(n, 3, stride=s, padding="same")
    with pytest.raises(ValueError, match=r"padding='same' needs stride 1 in every dimension; got stride \(2,\)"):
        convlab.output_size(n, k, stride=2, padding="same")
    assert convlab.output_size(n, k, padding="same") == n


def test_conv_output_shape_errors():
    with pytest.raises(ValueError, match=r"x_shape and w_shape must be"):
        convlab.conv_output_shape((8,), (1, 1, 3))
    with pytest.raises(TypeError, match="stride must be a positive int or a tuple of 2 positive ints; got 1.5"):
        convlab.conv_output_shape((1, 1, 8, 8), (1, 1, 3, 3), stride=1.5)
    with pytest.raises(ValueError, match="kernel too large"):
        convlab.conv_output_shape((1, 1, 8, 8), (1, 1, 9, 3))


def test_choose_method_validates():
    with pytest.raises(ValueError, match="channel mismatch"):
        convlab.choose_method(np.ones((1, 3, 8)), W1)


def test_errors_do_not_depend_on_method():
    """Validation happens before dispatch: every method says the same thing."""
    messages = set()
    for m in METHODS:
        with pytest.raises(ValueError) as info:
            conv1(stride=(0,), method=m)
        messages.add(str(info.value))
    assert len(messages) == 1
