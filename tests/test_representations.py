"""Characters, isotypic components, energies, the three forms of the shift operator and
the closed-form linear autoencoder, each against an independent computation."""
import autograd.numpy as anp
import numpy as np
import pytest
from autograd.test_util import check_grads

from minidisent import (closed_form, data, fourier, groups, metrics, models, operators,
                        representations, train)

ABELIAN = [groups.cyclic(5), groups.cyclic(8), groups.cyclic(12), groups.translations((3, 4)),
           groups.translations((4, 4)), groups.rotations(4), groups.rotations(5),
           groups.rotations(6), groups.rotations(7)]


def pixel_matrices(group):
    """Dense rho(g) (|G|, n, n), checked against group.act on random images."""
    R = representations.pixel_matrices(group)
    X = np.random.default_rng(99).normal(size=(group.order,) + group.shape)
    g = np.arange(group.order)
    np.testing.assert_array_equal(np.einsum("gij,gj->gi", R, X.reshape(group.order, -1)),
                                  group.act(X, g).reshape(group.order, -1))
    return R


def plain_characters(group):
    """chi[f, g] = exp(2 pi i sum_i f_i m_i / n_i), written out from the definition."""
    labels = list(np.ndindex(*group.factors))  # mixed radix order, first factor slowest
    return np.array([[np.exp(2j * np.pi * sum(a * b / n for a, b, n in zip(f, m, group.factors)))
                      for m in labels] for f in labels])


def images(group, count, rng):
    return rng.normal(size=(count,) + group.shape)


@pytest.mark.parametrize("group", ABELIAN, ids=str)
def test_characters_are_the_irreps(group):
    chi = representations.abelian_characters(group)
    np.testing.assert_allclose(chi, plain_characters(group), atol=1e-12)
    g, h = np.meshgrid(np.arange(group.order), np.arange(group.order), indexing="ij")
    np.testing.assert_allclose(chi[:, group.table[g, h]], chi[:, g] * chi[:, h], atol=1e-12)
    np.testing.assert_allclose(np.conj(chi) @ chi.T / group.order, np.eye(group.order), atol=1e-12)
    np.testing.assert_allclose(chi[representations.dual(group)], np.conj(chi), atol=1e-12)


@pytest.mark.parametrize("group", ABELIAN, ids=str)
def test_multiplicities_from_characters_equal_explicit_projection(group):
    R = pixel_matrices(group)
    np.testing.assert_array_equal(representations.pixel_character(group),
                                  np.trace(R, axis1=1, axis2=2))
    projectors = np.einsum("fg,gij->fij", np.conj(plain_characters(group)), R) / group.order
    ranks = [np.linalg.matrix_rank(P) for P in projectors]
    m = representations.multiplicities(group)
    np.testing.assert_array_equal(m, ranks)
    bases = representations.isotypic_bases(group)
    np.testing.assert_array_equal([B.shape[1] for B in bases], m)
    for P, B in zip(projectors, bases):  # orthonormal bases of the projector's image
        np.testing.assert_allclose(np.conj(B.T) @ B, np.eye(B.shape[1]), atol=1e-12)
        np.testing.assert_allclose(B @ np.conj(B.T), P, atol=1e-12)
    np.testing.assert_array_equal(representations.isotypic_bases(group, R)[1].shape, bases[1].shape)


@pytest.mark.parametrize("n", [4, 5, 6, 7])
def test_rotation_multiplicities_count_pixel_orbits(n):
    # each free orbit of 4 pixels carries every irrep once; the centre (odd n) is trivial
    free, centre = n * n // 4, n % 2
    assert representations.multiplicities(groups.rotations(n)).tolist() == [free + centre, free,
                                                                            free, free]
    if n == 5:
        assert representations.multiplicities(groups.rotations(5)).tolist() == [7, 6, 6, 6]


def dihedral_table(group):
    """The 5 irreducible characters of D_4 from the 2x2 matrix A_g moving pixel coordinates:
    1, det A, +-1 (A diagonal or not), their product, and trace A."""
    n = group.shape[0]
    coords = np.stack(np.indices(group.shape), -1).reshape(-1, 2) - (n - 1) / 2
    A = np.array([np.linalg.lstsq(coords, coords[p], rcond=None)[0] for p in group.perms])
    det, diagonal = np.linalg.det(A), np.where(np.abs(A[:, 0, 1]) < 0.5, 1.0, -1.0)
    table = [np.ones(group.order), det, diagonal, det * diagonal, np.trace(A, axis1=1, axis2=2)]
    return np.rint(table)  # integer characters; lstsq leaves 1e-16 noise


@pytest.mark.parametrize("n", [4, 5])
def test_non_abelian_multiplicities_from_a_character_table(n):
    group = groups.dihedral(n)
    table = dihedral_table(group)
    m = representations.multiplicities(group, table=table)
    R = pixel_matrices(group)
    dims = table[:, 0].real
    ranks = [np.linalg.matrix_rank(np.einsum("g,gij->ij", d * chi, R) / group.order)
             for d, chi in zip(dims, table)]
    np.testing.assert_array_equal(m * dims, ranks)
    X = images(group, 7, np.random.default_rng(0))
    E = representations.energies(group, X, table=table)
    assert abs(E.sum() - np.sum(X ** 2)) <= 1e-12 * np.sum(X ** 2)
    P = [np.einsum("g,gij->ij", d * chi, R) / group.order for d, chi in zip(dims, table)]
    np.testing.assert_allclose(E, [np.sum((X.reshape(7, -1) @ p.T) ** 2) for p in P], rtol=1e-10)


def test_non_abelian_without_a_table_is_out_of_scope():
    group = groups.translations_rotations(3)
    np.testing.assert_array_equal(representations.pixel_character(group),
                                  np.trace(pixel_matrices(group), axis1=1, axis2=2))
    for call in (lambda: representations.abelian_characters(group),
                 lambda: representations.isotypic_bases(group),
                 lambda: fourier.fourier(group, group.order)):
        with pytest.raises(ValueError, match="not commutative.*table"):
            call()


@pytest.mark.parametrize("group", [groups.cyclic(16), groups.translations((4, 6))], ids=str)
def test_energies_are_the_dft_power_and_sum_to_the_total(group):
    X = images(group, 9, np.random.default_rng(1))
    E = representations.energies(group, X)
    power = np.abs(np.fft.fftn(X, axes=tuple(range(1, X.ndim)))) ** 2 / group.n_pixels
    np.testing.assert_allclose(E, power.reshape(len(X), -1).sum(0), rtol=1e-10)
    assert abs(E.sum() - np.sum(X ** 2)) <= 1e-12 * np.sum(X ** 2)


@pytest.mark.parametrize("group", [groups.rotations(5), groups.rotations(4),
                                   groups.translations((3, 3))], ids=str)
def test_energies_equal_projections_and_spectra(group):
    X = images(group, 11, np.random.default_rng(2))
    E = representations.energies(group, X)
    projectors = np.einsum("fg,gij->fij", np.conj(plain_characters(group)),
                           pixel_matrices(group)) / group.order
    np.testing.assert_allclose(E,
                               [np.sum(np.abs(X.reshape(11, -1) @ P.T) ** 2) for P in projectors],
                               rtol=1e-10)
    np.testing.assert_allclose(E, [s.sum() for s in representations.spectrum(group, X)], rtol=1e-10)
    assert abs(E.sum() - np.sum(X ** 2)) <= 1e-12 * np.sum(X ** 2)


@pytest.mark.parametrize("p", [2, 4, 8])
def test_period_p_signals_live_on_multiples_of_n_over_p(p):
    X, _ = data.periodic_signals(16, 20, np.random.default_rng(3), periods=[p])
    E = representations.energies(groups.cyclic(16), X)
    off = np.arange(16) % (16 // p) != 0
    assert E[off].sum() <= 1e-12 * E.sum() and E[~off].min() > 0


FORMS = [groups.cyclic(16), groups.cyclic(5), groups.translations((3, 4)), groups.rotations(5)]


@pytest.mark.parametrize("group", FORMS, ids=str)
def test_three_forms_of_the_shift_operator_agree(group):
    L = 3 * group.order
    shift, complex_form, real_form = (operators.shift(group, L), fourier.fourier(group, L),
                                      fourier.real_fourier(group, L))
    F, R = fourier.fourier_basis(group, L), fourier.real_fourier_basis(group, L)
    np.testing.assert_allclose(F @ np.conj(F.T), np.eye(L), atol=1e-12)
    np.testing.assert_allclose(R @ R.T, np.eye(L), atol=1e-12)
    assert np.isrealobj(R)
    Z = np.random.default_rng(4).normal(size=(5 * group.order, L))
    g = np.tile(np.arange(group.order), 5)
    assert np.max(np.abs(complex_form(Z @ F.T, g) - shift(Z, g) @ F.T)) <= 1e-12
    assert np.max(np.abs(real_form(Z @ R.T, g) - shift(Z, g) @ R.T)) <= 1e-12
    for h in range(group.order):
        M = complex_form.matrix(h)
        np.testing.assert_allclose(M, np.diag(np.diag(M)), atol=0)  # diagonal
        np.testing.assert_allclose(M, F @ shift.matrix(h) @ np.conj(F.T), atol=1e-12)
        np.testing.assert_allclose(real_form.matrix(h), R @ shift.matrix(h) @ R.T, atol=1e-12)
    a, b = np.meshgrid(np.arange(group.order), np.arange(group.order))
    a, b = a.ravel(), b.ravel()
    Zab = np.random.default_rng(5).normal(size=(a.size, L))
    for op in (complex_form, real_form):  # homomorphisms: psi(a) psi(b) = psi(a∘b)
        assert np.max(np.abs(op(op(Zab, b), a) - op(Zab, group.table[a, b]))) <= 1e-12


@pytest.mark.parametrize("group", FORMS, ids=str)
def test_three_forms_give_identical_predictions(group):
    L = group.order
    model = models.linear(group.shape, L)
    params = model.init(np.random.default_rng(6))
    x1, g, _ = data.orbit_pairs(group, images(group, 4, np.random.default_rng(7)))
    F, R = fourier.fourier_basis(group, L), fourier.real_fourier_basis(group, L)
    reference = train.predict(model, params, operators.shift(group, L), x1, g)
    complex_params = {"encoder": params["encoder"] @ F.T, "decoder": np.conj(F) @ params["decoder"]}
    real_params = {"encoder": params["encoder"] @ R.T, "decoder": R @ params["decoder"]}
    assert np.max(np.abs(train.predict(model, complex_params, fourier.fourier(group, L), x1,
                                       g) - reference)) <= 1e-12
    assert np.max(np.abs(train.predict(model, real_params, fourier.real_fourier(group, L), x1,
                                       g) - reference)) <= 1e-12


def test_fourier_forms_have_gradients():
    group = groups.translations((2, 3))
    g = np.array([0, 1, 4, 5])
    W = np.random.default_rng(8).normal(size=(4, 12))
    Z = np.random.default_rng(9).normal(size=(4, 12))
    real_form, complex_form = fourier.real_fourier(group, 12), fourier.fourier(group, 12)
    check_grads(lambda Z: anp.sum(W * real_form(Z, g) ** 2), modes=["rev"])(Z)
    check_grads(lambda Z: anp.sum(W * anp.abs(complex_form(Z + 1j * Z[:, ::-1], g)) ** 2),
                modes=["rev"])(Z)


EXACT = [(groups.cyclic(16), 1, "shift"), (groups.cyclic(12), 2, "real_fourier"),
         (groups.translations((4, 4)), 1, "shift"), (groups.rotations(5), 7, "shift"),
         (groups.rotations(4), 4, "real_fourier")]


@pytest.mark.parametrize("group, d, name", EXACT, ids=str)
def test_closed_form_is_exact_when_the_latent_carries_every_irrep(group, d, name):
    X = images(group, 30, np.random.default_rng(10))
    L = d * group.order
    params, predicted = closed_form.linear(group, X, L, name)
    op = (fourier.real_fourier if name == "real_fourier" else operators.OPERATORS[name])(group, L)
    pairs = data.orbit_pairs(group, X)
    assert predicted == 0.0
    assert metrics.prediction_error(models.linear(group.shape, L), params, op, pairs) <= 1e-12
    assert metrics.equivariance_error(models.linear(group.shape, L), params, op, pairs) <= 1e-12


PARTIAL = [(groups.cyclic(16), 16, "disentangled"),
           (groups.translations((4, 4)), 8, "disentangled"),
           (groups.rotations(5), 8, "shift"), (groups.rotations(5), 12, "real_fourier"),
           (groups.rotations(4), 4, "disentangled"), (groups.cyclic(8), 3, "identity")]


@pytest.mark.parametrize("group, L, name", PARTIAL, ids=str)
def test_closed_form_reaches_its_predicted_error_and_is_optimal(group, L, name):
    X = images(group, 40, np.random.default_rng(11))
    params, predicted = closed_form.linear(group, X, L, name)
    make = fourier.real_fourier if name == "real_fourier" else operators.OPERATORS[name]
    model, op = models.linear(group.shape, L), make(group, L)
    pairs = data.orbit_pairs(group, X)
    error = metrics.prediction_error(model, params, op, pairs)
    assert 0.05 < predicted < 1 and abs(error - predicted) <= 1e-10 * predicted
    assert metrics.equivariance_error(model, params, op, pairs) <= 1e-12
    rng = np.random.default_rng(12)  # no nearby linear model, equivariant or not, does better
    for _ in range(10):
        nudged = {k: v + 1e-3 * rng.normal(size=v.shape) for k, v in params.items()}
        assert metrics.prediction_error(model, nudged, op, pairs) >= predicted * (1 - 1e-9)


def test_disentangled_floor_is_the_energy_outside_dc_and_frequency_one():
    X = data.random_signals(16, 50, np.random.default_rng(13))
    power = np.abs(np.fft.fft(X, axis=1)) ** 2
    outside = power[:, 2:15].sum() / power.sum()
    assert abs(closed_form.linear(groups.cyclic(16), X, 6, "disentangled")[1] - outside) <= 1e-12


def test_latent_blocks_is_the_smallest_sufficient_latent():
    group = groups.rotations(5)
    X = data.random_blobs((5, 5), 60, np.random.default_rng(14))
    pairs = data.orbit_pairs(group, X)

    def measured(d):  # the closed form on (|G|, d), scored on every pair
        params, _ = closed_form.linear(group, X, 4 * d, "shift")
        return metrics.prediction_error(models.linear(group.shape, 4 * d), params,
                                        operators.shift(group, 4 * d), pairs)

    for target in (0.1, 1e-2, 1e-3):
        d, error = closed_form.latent_blocks(group, X, target)
        assert measured(d) <= target and abs(error - measured(d)) <= 1e-10
        assert d == 1 or measured(d - 1) > target
    assert closed_form.latent_blocks(group, X, 1e-2)[0] > 1
    assert closed_form.latent_blocks(group, X, 0.0)[0] == 7


def test_bad_input():
    Z8, p4 = groups.cyclic(8), groups.translations_rotations(3)
    X = images(Z8, 5, np.random.default_rng(15))
    with pytest.raises(ValueError, match="character: expected shape"):
        representations.multiplicities(Z8, character=np.ones(3))
    with pytest.raises(ValueError, match="character: expected the character of a representation"):
        representations.multiplicities(Z8, character=np.full(8, 0.5))
    with pytest.raises(ValueError, match="table: expected orthonormal"):
        representations.multiplicities(Z8, table=np.ones((2, 8)))
    with pytest.raises(ValueError, match="table: incomplete"):
        representations.multiplicities(Z8, table=representations.abelian_characters(Z8)[:4])
    with pytest.raises(ValueError, match=r"table: expected characters \(irreps, 36\)"):
        representations.energies(p4, images(p4, 2, np.random.default_rng(0)), table=np.ones((1, 5)))
    with pytest.raises(ValueError, match="X: expected shape"):
        representations.energies(Z8, np.ones((3, 9)))
    with pytest.raises(ValueError, match="X: expected finite"):
        representations.spectrum(Z8, np.full((3, 8), np.nan))
    with pytest.raises(ValueError, match="matrices: expected orthogonal"):
        representations.isotypic_bases(Z8, 2 * np.ones((8, 3, 3)))
    with pytest.raises(ValueError, match=r"matrices: expected \(8, N, N\)"):
        representations.isotypic_bases(Z8, np.ones((3, 3)))
    with pytest.raises(ValueError, match="kept: expected 8 counts"):
        closed_form.optimal_error(representations.spectrum(Z8, X), [1, 2])
    with pytest.raises(ValueError, match="latent_dim: expected a multiple of"):
        fourier.fourier(Z8, 12)
    with pytest.raises(ValueError, match="latent_dim: expected a multiple of"):
        fourier.real_fourier_basis(Z8, 12)
    with pytest.raises(ValueError, match="operator: expected a real operator"):
        closed_form.linear(Z8, X, 8, fourier.fourier(Z8, 8))
    with pytest.raises(ValueError, match="operator: expected one of"):
        closed_form.linear(Z8, X, 8, "rotation")
    with pytest.raises(TypeError, match="operator: expected an Operator"):
        closed_form.linear(Z8, X, 8, operators.shift)
    with pytest.raises(ValueError, match="operator: expected an operator of Z_8 on latent_dim 16"):
        closed_form.linear(Z8, X, 16, operators.shift(Z8, 8))
    with pytest.raises(ValueError, match="X: expected data with non-zero energy"):
        closed_form.linear(Z8, np.zeros((2, 8)), 8, "shift")
    with pytest.raises(ValueError, match="not commutative"):
        closed_form.linear(p4, images(p4, 2, np.random.default_rng(0)), 36, "shift")
    with pytest.raises(ValueError, match="target: expected a finite number >= 0"):
        closed_form.latent_blocks(Z8, X, -1.0)
    with pytest.raises(TypeError, match="X: expected a float array"):
        data.orbit_pairs(Z8, np.ones((2, 8), dtype=int))
    with pytest.raises(TypeError, match="group: expected a groups.Group"):
        representations.pixel_character(16)
    with pytest.raises(TypeError, match="group: expected a groups.Group"):
        representations.multiplicities("Z_8", table=np.ones((1, 8)))
    with pytest.raises(TypeError, match="op: expected a latent operator"):
        representations.operator_character(operators.shift)
    with pytest.raises(ValueError, match=r"X: expected \(B, 8\)"):
        representations.component_pca(representations.isotypic_bases(Z8)[1], np.ones((3, 5)))
