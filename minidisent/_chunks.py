"""Work cut to bounded memory: computations that grow with the batch (orbits of every image,
products over every group element) run on consecutive pieces of the rows, so that no piece
holds more than CHUNK numbers at once, whatever the batch."""

CHUNK = 2 ** 22  # numbers held at once by work that grows with the batch (32 MiB of float64)


def chunks(rows, per_row):
    """rows (B, ...) cut into consecutive pieces of at most CHUNK / per_row rows (at least one)."""
    size = max(1, CHUNK // max(1, int(per_row)))
    return [rows[i:i + size] for i in range(0, len(rows), size)]
