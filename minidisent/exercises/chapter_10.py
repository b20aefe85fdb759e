"""Checkers of chapter 10, real digits: a rotation as a roll of the polar image, and an
image's asymmetry under quarter turns. 10.1 takes the values computed in the chapter."""
import numpy as np

from . import common


def check_10_1(polar, rotated_polar, k):
    """k: the roll along the angle axis (last) that turns `polar` into `rotated_polar`, both
    (r, angles)."""
    polar = common.array("10.1", "the polar image", polar, ndim=2, any_float=True)
    rotated_polar = common.array("10.1", "the rotated polar image", rotated_polar,
                                 shape=polar.shape, any_float=True)
    k = common.number("10.1", "the roll", k, whole=True)
    errors = [np.sum((np.roll(polar, s, axis=-1) - rotated_polar) ** 2)
              for s in range(polar.shape[-1])]
    best = int(np.argmin(errors))
    common.hint(errors[k % polar.shape[-1]] <= errors[best] * (1 + 1e-9) + 1e-12, f"Exercise "
                f"10.1: rolling the polar image by {k} along the angle axis does not give the "
                "rotated one: a rotation by theta moves the angle coordinate by theta / (360° / "
                "number of angles) samples; check the sign and the axis (§3).")
    common.passed("10.1", "the rotation is a roll of the polar image along the angle axis")


def check_10_2(asymmetry):
    """asymmetry(x) -> float: min over the 3 non-trivial 90° rotations h of ‖h·x − x‖ / ‖x‖
    for one square image x (n, n)."""
    rng = np.random.default_rng(10)
    generic = rng.random((8, 8))
    half_turn = generic + np.rot90(generic, 2)  # fixed by the half turn only
    quarter = sum(np.rot90(generic, k) for k in range(4))  # fixed by every rotation
    for name, x in (("a random image", generic), ("a half-turn symmetric image", half_turn),
                    ("a fully symmetric image", quarter)):
        expected = min(np.linalg.norm(np.rot90(x, k) - x) for k in (1, 2, 3)) / np.linalg.norm(x)
        got = common.call("10.2", asymmetry, x)
        got = common.number("10.2", "the asymmetry of one image", got)
        common.hint(np.isclose(got, expected, rtol=1e-9, atol=1e-12), f"Exercise 10.2: on "
                    f"{name} your value is not the smallest relative distance ‖h·x − x‖ / ‖x‖ "
                    "over the rotations h ≠ e (§6): leave out the identity, take the minimum, "
                    "divide by ‖x‖.")
    common.passed("10.2", "a(x) is 0 exactly on symmetric images and the smallest move of x "
                  "otherwise")
