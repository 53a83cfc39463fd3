"""Writes the NumPy-made test fixtures of InductiveTensorTests (run once; output committed).

Usage: python3 scripts/make_fixtures.py   (needs numpy)
Each file is small. The expected values are recomputed in the Swift tests from the same
formulas (arange-based), so the fixtures test reading, not arithmetic.
"""
import io
import os
import zipfile

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "Tests", "InductiveTensorTests", "Fixtures")
os.makedirs(OUT, exist_ok=True)


def save(name, array, version=None):
    path = os.path.join(OUT, name)
    with open(path, "wb") as f:
        if version is None:
            np.save(f, array)
        else:
            np.lib.format.write_array(f, array, version=version)


base = np.arange(12, dtype=np.float64).reshape(3, 4) * 0.5 - 1.0  # -1.0 .. 4.5
save("f8_c.npy", base)
save("f8_fortran.npy", np.asfortranarray(base))
save("f4_c.npy", base.astype("<f4"))
save("i8_c.npy", np.arange(-3, 9, dtype="<i8").reshape(3, 4))
save("i4_fortran.npy", np.asfortranarray(np.arange(-3, 9, dtype="<i4").reshape(3, 4)))
save("b1.npy", np.array([True, False, True, True]))
save("u1_3d.npy", np.arange(24, dtype=np.uint8).reshape(2, 3, 4))
save("scalar_f8.npy", np.array(3.25))
save("empty_f8.npy", np.zeros((0, 3)))
save("f8_v2.npy", base, version=(2, 0))
save("f8_v3.npy", base, version=(3, 0))
save("f8_big_endian.npy", base.astype(">f8"))
save("c16.npy", np.array([1 + 2j, 3 - 1j]))

np.savez(os.path.join(OUT, "stored.npz"), a=base, labels=np.arange(5, dtype=np.int64), s=np.array(2.0))
np.savez_compressed(os.path.join(OUT, "deflated.npz"), a=base, labels=np.arange(5, dtype=np.int64), s=np.array(2.0))

print("fixtures written to", os.path.normpath(OUT))

import gzip

with open(os.path.join(OUT, "table.csv"), "w") as f:
    f.write("x,y,label\n1.5,-2,0\n3,4.25,1\n\n# a comment line\n-0.5,1e-3,2\n")
with gzip.open(os.path.join(OUT, "table.csv.gz"), "wt") as f:
    f.write("1.5,-2,0\n3,4.25,1\n-0.5,1e-3,2\n")
