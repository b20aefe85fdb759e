import itertools
import time

import numpy as np
import pytest

from minidisent import characters, groups, representations

from test_representations import dihedral_table, pixel_matrices

S3 = groups.generate((3,), [[1, 2, 0], [1, 0, 2]], name="S_3")
GROUPS = [groups.cyclic(1), groups.cyclic(7), groups.cyclic(12), groups.translations((2, 2)), S3,
          groups.dihedral(4), groups.translations_rotations(3), groups.translations_rotations(4)]


@pytest.mark.parametrize("group", GROUPS, ids=str)
def test_orthogonality_dimensions_and_classes(group):
    ct = characters.character_table(group)
    rows, columns = characters.orthogonality_residuals(ct)
    assert rows < 1e-10 and columns < 1e-10
    assert np.sum(ct.dims ** 2) == group.order
    np.testing.assert_allclose(ct.table[:, 0], ct.dims, atol=1e-10)
    assert np.all(group.order % ct.dims == 0)  # dimensions divide |G|
    assert len(ct.table) == len(ct.classes) == len(ct.sizes)
    np.testing.assert_allclose(ct.table[0], 1, atol=1e-10)  # trivial first
    assert list(ct.dims) == sorted(ct.dims)
    # the classes partition G, and each is closed under conjugation
    assert sorted(np.concatenate(ct.classes).tolist()) == list(range(group.order))
    assert ct.classes[0].tolist() == [0]
    for members in ct.classes:
        conjugates = group.table[group.table[:, members], group.inverse[:, None]]
        assert set(conjugates.ravel().tolist()) == set(members.tolist())


@pytest.mark.parametrize("group", GROUPS, ids=str)
def test_functional_equation_of_irreducible_characters(group):
    # an independent characterisation of the irreducible characters:
    #   Σ_x chi(g∘x∘h∘x⁻¹) = |G| chi(g) chi(h) / d     for every g, h
    chi = characters.by_element(characters.character_table(group))  # (irreps, |G|)
    conj = group.table[group.table, group.inverse[:, None]]  # [x, h] = x∘h∘x⁻¹
    for i, d in enumerate(characters.character_table(group).dims):
        left = chi[i][group.table[:, conj]].sum(axis=1)  # [g, h] = Σ_x chi(g∘(x∘h∘x⁻¹))
        np.testing.assert_allclose(left, group.order * np.outer(chi[i], chi[i]) / d, atol=1e-9)


@pytest.mark.parametrize("n", [1, 2, 5, 16])
def test_cyclic_matches_the_fourier_characters_up_to_row_order(n):
    ours = characters.by_element(characters.character_table(groups.cyclic(n)))
    theirs = representations.abelian_characters(groups.cyclic(n))
    distance = np.abs(ours[:, None, :] - theirs[None, :, :]).max(axis=2)  # (ours, theirs)
    assert sorted(np.argmin(distance, axis=1).tolist()) == list(range(n))
    assert distance.min(axis=1).max() < 1e-10


def test_klein_four_group():
    ct = characters.character_table(groups.translations((2, 2)))
    assert ct.dims.tolist() == [1, 1, 1, 1]
    np.testing.assert_allclose(ct.table.imag, 0, atol=1e-12)
    signs = np.rint(ct.table.real)
    np.testing.assert_allclose(ct.table, signs, atol=1e-12)
    assert sorted(map(tuple, signs.tolist())) == sorted(
        [(1, 1, 1, 1), (1, -1, 1, -1), (1, 1, -1, -1), (1, -1, -1, 1)])


def test_symmetric_group_s3():
    ct = characters.character_table(S3)
    assert ct.sizes.tolist() == [1, 2, 3] or sorted(ct.sizes.tolist()) == [1, 2, 3]
    # columns: e, the 3-cycles, the transpositions (known table of S_3)
    cycles = next(t for t, s in enumerate(ct.sizes) if s == 2)
    swaps = next(t for t, s in enumerate(ct.sizes) if s == 3)
    table = ct.table[:, [0, cycles, swaps]]
    np.testing.assert_allclose(table, [[1, 1, 1], [1, 1, -1], [2, -1, 0]], atol=1e-12)


def test_dihedral_matches_the_hand_written_table():
    group = groups.dihedral(4)
    ct = characters.character_table(group)
    assert len(ct.classes) == 5 and ct.dims.tolist() == [1, 1, 1, 1, 2]
    ours, theirs = characters.by_element(ct), dihedral_table(group)
    assert sorted(map(tuple, np.rint(ours.real).astype(int).tolist())) == \
        sorted(map(tuple, theirs.astype(int).tolist()))
    np.testing.assert_allclose(ours, np.rint(ours.real), atol=1e-12)


def test_p4_on_a_3x3_torus():
    group = groups.translations_rotations(3)
    ct = characters.character_table(group)
    assert group.order == 36 and len(ct.classes) == 6
    assert ct.dims.tolist() == [1, 1, 1, 1, 4, 4]
    assert sorted(ct.sizes.tolist()) == [1, 4, 4, 9, 9, 9]


@pytest.mark.parametrize("group", [groups.dihedral(4), groups.dihedral(5),
                                   groups.translations_rotations(3)], ids=str)
def test_multiplicities_use_the_table_by_default(group):
    m = representations.multiplicities(group)
    ct = characters.character_table(group)
    R = pixel_matrices(group)
    chi = characters.by_element(ct)
    ranks = [np.linalg.matrix_rank(np.einsum("g,gij->ij", d * np.conj(c), R) / group.order,
                                   tol=1e-8)
             for d, c in zip(ct.dims, chi)]
    np.testing.assert_array_equal(m * ct.dims, ranks)  # rank of the projector = m_i d_i
    X = np.random.default_rng(0).normal(size=(5,) + group.shape)
    E = representations.energies(group, X)
    assert abs(E.sum() - np.sum(X ** 2)) <= 1e-10 * np.sum(X ** 2)


def test_largest_group_is_fast():
    group = groups.translations_rotations(8)  # order 256
    start = time.perf_counter()
    ct = characters.character_table(group)
    seconds = time.perf_counter() - start
    assert group.order == 256 and np.sum(ct.dims ** 2) == 256
    assert max(characters.orthogonality_residuals(ct)) < 1e-10
    assert seconds < 0.5  # measured about 2 ms


def test_bad_input():
    with pytest.raises(TypeError, match="group: expected a groups.Group"):
        characters.character_table("Z_8")
    with pytest.raises(TypeError, match="group: expected a groups.Group"):
        characters.conjugacy_classes(8)


@pytest.mark.parametrize("group", [S3, groups.dihedral(4), groups.translations_rotations(3)],
                         ids=str)
def test_class_sum_matrices_commute_and_count_products(group):
    classes, class_of = characters.conjugacy_classes(group)
    k = len(classes)
    M = [characters.class_sums(group, classes, class_of, np.eye(k)[r]).real for r in range(k)]
    for A in M:
        for B in M:
            np.testing.assert_allclose(A @ B, B @ A, atol=1e-12)
    # brute force: c_rst = #{(x, y) in C_r x C_s : x∘y = z} for z the first element of C_t
    for r in range(k):
        for s in range(k):
            for t in range(k):
                z = classes[t][0]
                count = np.sum(group.table[np.ix_(classes[r], classes[s])] == z)
                assert M[r][s, t] == count


def test_generator_words_multiply_out_and_are_shortest():
    """Each word's product is its element, and no shorter product of the generators reaches
    it (brute force over every word up to that length)."""
    for group in [groups.cyclic(6), groups.translations((2, 3)), groups.translations_rotations(3)]:
        generators, words = characters.generator_words(group)
        assert len(words) == group.order and words[0] == []
        shortest = {0: 0}
        for length in range(1, max(map(len, words)) + 1):
            for word in itertools.product(generators, repeat=length):
                product = 0
                for s in reversed(word):
                    product = int(group.table[s, product])
                shortest.setdefault(product, length)
        for g, word in enumerate(words):
            product = 0
            for s in reversed(word):
                product = int(group.table[s, product])
            assert product == g and len(word) == shortest[g]
