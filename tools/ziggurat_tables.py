#!/usr/bin/env python3
"""The tables of the Gaussian ziggurat in core/rng/rng.c, as C (hex floats, so that every build
has the same numbers whatever its libm): Marsaglia and Tsang 2000, "The ziggurat method for
generating random variables", J Stat Softw 5(8), with 128 layers (their r and v); a draw takes
the layer and the sign from 8 bits and a 24-bit magnitude from 24 others, not from shared bits
(Leong, Zhang, Lee, Luk and Villasenor 2005, J Stat Softw 12(7)).

    tools/ziggurat_tables.py   (C on standard output; paste into core/rng/rng.c)

Layer i >= 1 is the rectangle [0, x_i] x [f(x_i), f(x_{i-1})] (x_0 = 0 at the top, f(0) = 1),
layer 0 the base [0, v / f(r)] x [0, f(r)] with the tail beyond r; each has area v.
w[i] = x_i / 2^24 scales a magnitude j; j < k[i] = floor(2^24 x_{i-1} / x_i) (r / (v / f(r))
for the base) is inside the next layer up, accepted at once; f[i] = f(x_i), f[0] = 1.
"""
import math

N = 128
R = 3.442619855899
V = 9.91256303526217e-3


def f(x):
    return math.exp(-0.5 * x * x)


def main():
    x = [0.0] * N
    x[N - 1] = R
    for i in range(N - 2, 0, -1):
        x[i] = math.sqrt(-2 * math.log(V / x[i + 1] + f(x[i + 1])))
    x[0] = V / f(R)
    scale = float(1 << 24)
    w = [xi / scale for xi in x]
    k = [int(math.floor(scale * R / x[0])), 0] + [int(math.floor(scale * x[i - 1] / x[i])) for i in range(2, N)]
    fn = [1.0] + [f(x[i]) for i in range(1, N)]

    def rows(vals, fmt, per):
        return "\n".join("\t" + ", ".join(fmt(v) for v in vals[a:a + per]) + "," for a in range(0, len(vals), per))

    print("const double iapt_rng__zig_w[IAPT_RNG__ZIG_N] = {\n" + rows(w, float.hex, 4) + "\n};")
    print("const double iapt_rng__zig_f[IAPT_RNG__ZIG_N] = {\n" + rows(fn, float.hex, 4) + "\n};")
    print("const uint32_t iapt_rng__zig_k[IAPT_RNG__ZIG_N] = {\n" + rows(k, lambda v: "%du" % v, 8) + "\n};")


if __name__ == "__main__":
    main()
