"""The multiplication table of a large permutation group, fast (a speed trick, apart from the
method). groups.multiplication_table is the plain reference: it composes every pair of
permutations and looks the result up, |G|² compositions of n pixels each. This module gives
the identical integer table in O(|G| n (log |G| + |T|) + |G|²), and groups.Group uses it above
groups.PLAIN_TABLE_UP_TO; tests/test_group_tables.py checks that the two agree on every group
the course builds and on random generated groups.
"""
import numpy as np


def base_pixels(perms):
    """Pixels B whose values tell the rows of perms apart, chosen greedily: a pixel joins B if
    two rows agreeing on B so far differ there. Each one at least halves the largest class
    (in a group, the stabiliser of B), so |B| <= log2 |G|. Raises if two rows are equal."""
    order, n = perms.shape
    label, base, start, chunk = np.zeros(order, np.intp), [], 0, max(1, 2 ** 20 // order)
    while label.max() + 1 < order:
        firsts = np.unique(label, return_index=True)[1]  # one row of each class
        split = np.zeros(0, int)
        for start in range(start, n, chunk):
            block = perms[:, start:start + chunk]
            split = np.flatnonzero(np.any(block != block[firsts][label], axis=0))
            if split.size:
                break
        if not split.size:  # no pixel tells two rows apart
            i, j = np.flatnonzero(label == np.flatnonzero(np.bincount(label) > 1)[0])[:2]
            raise ValueError(f"perms: expected distinct permutations, got row {j} equal to row {i}")
        base.append(start + int(split[0]))
        label = np.unique(label * n + perms[:, base[-1]], return_inverse=True)[1].ravel()
        start = base[-1] + 1
    return np.array(base, dtype=np.intp)


def multiplication_table(perms):
    """table[g, h] = index of perms[h][perms[g]]; raises if the rows are not distinct or not
    closed under composition. Cost O(|G| n (log |G| + |T|) + |G|^2), not |G|^2 n:
    1. a base B (see base_pixels): in a group, its values on B name an element; they are
       looked up by an integer hash (exact arithmetic mod 2**64), then checked in full;
    2. closure, in full but only for generators T picked greedily (each row not yet reached
       joins T): every row p is reached as a product of generators and every p∘t is compared
       in full with the row its base values name. Then S∘T ⊆ S gives <T> ⊆ S, and reaching
       gives S ⊆ <T>: S is the group <T>, |T| <= log2 |G|. This gives right[t][p] = p∘t;
    3. the table a column at a time, by associativity: h = q∘t with q reached before h, so
       g∘h = (g∘q)∘t, i.e. table[:, h] = right[t][table[:, q]] (|G|^2 integer look-ups)."""
    base, order = base_pixels(perms), len(perms)
    weights = np.random.default_rng(0).integers(1, 2 ** 62, size=len(base)).astype(np.uint64)
    keys = (perms[:, base].astype(np.uint64) * weights).sum(axis=1, dtype=np.uint64)
    by_key = np.argsort(keys)
    keys = keys[by_key]
    if np.any(keys[1:] == keys[:-1]):  # probability ~2**-60
        raise ValueError("perms: two different rows share a hash; please report this")
    rows = max(1, 2 ** 21 // perms.shape[1])  # rows composed at once
    reached, right = np.zeros(order, dtype=bool), {}
    found_as = []  # (h, q, t) with h = q∘t
    reached[0] = True
    for s in range(1, order):
        if reached[s]:
            continue
        right[s] = np.full(order, -1, dtype=np.intp)
        frontier, by = np.flatnonzero(reached), [s]  # old rows times the new generator
        while frontier.size:
            new = []
            for t in by:
                for at in range(0, len(frontier), rows):
                    p = frontier[at:at + rows]
                    composed = perms[t][perms[p]]  # row i is the permutation of p[i]∘t
                    hashed = (composed[:, base].astype(np.uint64) * weights).sum(
                        axis=1, dtype=np.uint64)
                    found = by_key[np.minimum(np.searchsorted(keys, hashed), order - 1)]
                    wrong = np.flatnonzero(np.any(perms[found] != composed, axis=1))
                    if wrong.size:
                        i = wrong[0]
                        raise ValueError(
                            "perms: expected a set closed under composition (a group), got rows "
                            f"{p[i]}∘{t} = {composed[i][:12].tolist()} which is not a row")
                    # found: distinct, as p -> p∘t is one-to-one
                    right[t][p], fresh = found, ~reached[found]
                    found_as.append((found[fresh], p[fresh], t))
                    new.append(found[fresh])
                    reached[found] = True
            frontier, by = np.concatenate(new), list(right)  # new rows times every generator
    columns = np.empty((order, order), dtype=np.intp)  # columns[h] = table[:, h]
    columns[0] = np.arange(order)
    for h, q, t in found_as:
        columns[h] = right[t][columns[q]]
    return np.ascontiguousarray(columns.T)
