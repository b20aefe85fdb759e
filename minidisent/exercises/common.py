"""What every checker shares: the hint (an AssertionError that says what was expected, what
came and where to look), the pass line, and a few independent computations."""
import numpy as np


def hint(condition, message):
    if not condition:
        raise AssertionError(message)


def passed(number, what):
    print(f"Exercise {number} passed: {what}")


def array(number, name, value, dtype=None, ndim=None):
    """The answer as a numpy array, or a hint saying what kind of value was expected."""
    try:
        array = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError):
        raise AssertionError(f"Exercise {number}: expected {name} as an array, got "
                             f"{type(value).__name__}") from None
    hint(ndim is None or array.ndim == ndim,
          f"Exercise {number}: expected {name} as a {ndim}-D array, got shape {array.shape}")
    return array


def close(a, b, tolerance=1e-8):
    return abs(a - b) <= tolerance * max(1.0, abs(b))


def rolls(x):
    """x (n,) -> (n, n), row m is x rolled by m: the orbit under Z_n, built with np.roll."""
    return np.stack([np.roll(x, m) for m in range(len(x))])


def periodic(n, p, rng):
    """A signal of n pixels with period exactly p (p divides n): p random values tiled."""
    return np.tile(rng.normal(size=p), n // p)


def residual_in_g(X, frequencies):
    """Relative error of the best prediction of the whole orbits of X (B, n) by a function of
    g holding only the given frequencies in g (a least-squares fit per pixel, per signal)."""
    n = X.shape[1]
    g = np.arange(n)
    basis = np.column_stack([np.ones(n)] + [f(2 * np.pi * k * g / n) for k in frequencies if k
                                             for f in (np.cos, np.sin)])  # (n, columns)
    U, s, _ = np.linalg.svd(basis, full_matrices=False)
    Q = U[:, s > 1e-9 * s[0]]  # orthonormal basis of the functions of g the model can output
    orbits = np.stack([rolls(x) for x in X])  # (B, n_g, n_pixels)
    fitted = np.einsum("gc,hc,bhp->bgp", Q, Q, orbits)
    return np.sum((orbits - fitted) ** 2) / np.sum(orbits ** 2)


def cyclic_characters(n):
    return np.exp(2j * np.pi * np.outer(np.arange(n), np.arange(n)) / n)  # chi[f, g]


def eigen_multiplicities(generator_matrix, n, tolerance=0.1):
    """Multiplicity of each irrep f of Z_n in psi, counted from the eigenvalues e^{2πif/n}
    of psi(1) (an independent route to what the character formula gives)."""
    angles = np.angle(np.linalg.eigvals(generator_matrix)) * n / (2 * np.pi)
    nearest = np.round(angles)
    hint(np.all(np.abs(angles - nearest) < tolerance), "psi(1): expected eigenvalues at n-th roots "
          "of unity (a representation of Z_n); got eigenvalues far from them")
    return np.bincount(nearest.astype(int) % n, minlength=n)
