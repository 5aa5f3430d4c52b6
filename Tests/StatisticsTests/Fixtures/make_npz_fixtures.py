#!/usr/bin/env python3
"""Writes the .npz layer-statistics fixtures of NPZImportTests into npz/: EasyEdit-style files
(numpy's own savez / savez_compressed / format.write_array, an independent writer of the format
LayerStatistics.importNPZ reads) and broken variants.

Run by hand from this directory (numpy 2.4.6), then update the SHA-256 list in npz/README.md:

    python3 make_npz_fixtures.py && (cd npz && sha256sum *.npz)

Every good file holds the same logical arrays (d = 8):
    mom2.mom2[i, j] = (8 i + j) / 4 - 3      (exact in float32; deliberately not symmetric,
                                              so a row/column mix-up is visible)
    mom2.count      = 1234
plus EasyEdit's other keys mom2.constructor (a string array) and sample_size, which are ignored.
"""
import io
import os
import zipfile

import numpy as np

D = 8
COUNT = 1234
OUT = "npz"


def mom2(dtype):
    i, j = np.meshgrid(np.arange(D), np.arange(D), indexing="ij")
    return ((8 * i + j) / 4 - 3).astype(dtype)


def easyedit_arrays(dtype=np.float32):
    # As EasyEdit's runningstats SecondMoment.state_dict() + np.savez(**state) write them.
    return {
        "mom2.mom2": mom2(dtype),
        "mom2.count": np.array(COUNT),  # Python int -> int64 scalar
        "mom2.constructor": np.array("util.runningstats.SecondMoment()"),
        "sample_size": np.array(100000),
    }


def npy_bytes(array, version=None, cut=0):
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, version=version)
    data = buffer.getvalue()
    return data[: len(data) - cut] if cut else data


def write_zip(name, entries, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(os.path.join(OUT, name), "w", compression=compression) as archive:
        for key, data in entries.items():
            archive.writestr(key + ".npy", data)


def main():
    os.makedirs(OUT, exist_ok=True)
    # Good files.
    np.savez(os.path.join(OUT, "mom2_f32.npz"), **easyedit_arrays(np.float32))
    np.savez_compressed(os.path.join(OUT, "mom2_f64_compressed.npz"), **easyedit_arrays(np.float64))
    fortran = easyedit_arrays(np.float32)
    fortran["mom2.mom2"] = np.asfortranarray(fortran["mom2.mom2"])
    np.savez(os.path.join(OUT, "mom2_fortran.npz"), **fortran)
    for version in [(2, 0), (3, 0)]:
        write_zip(f"mom2_npy_v{version[0]}.npz",
                  {key: npy_bytes(value, version=version) for key, value in easyedit_arrays().items()})
    write_zip("mom2_count_shape1.npz",
              {"mom2.mom2": npy_bytes(mom2(np.float32)), "mom2.count": npy_bytes(np.array([COUNT]))})

    # Broken files.
    good = {key: npy_bytes(value) for key, value in easyedit_arrays().items()}
    write_zip("truncated_data.npz", {**good, "mom2.mom2": npy_bytes(mom2(np.float32), cut=12)})
    with open(os.path.join(OUT, "mom2_f32.npz"), "rb") as source:
        whole = source.read()
    with open(os.path.join(OUT, "truncated_archive.npz"), "wb") as target:
        target.write(whole[: len(whole) // 2])
    write_zip("wrong_dtype.npz", {**good, "mom2.mom2": npy_bytes(mom2(np.float16))})
    write_zip("big_endian.npz", {**good, "mom2.mom2": npy_bytes(mom2(">f4"))})
    write_zip("missing_count.npz", {"mom2.mom2": good["mom2.mom2"]})
    write_zip("wrong_shape.npz", {**good, "mom2.mom2": npy_bytes(mom2(np.float32)[:, :7].copy())})
    write_zip("zero_count.npz", {**good, "mom2.count": npy_bytes(np.array(0))})
    # A header with an unknown key (same length, so the prelude stays well formed).
    header = good["mom2.mom2"].replace(b"'fortran_order'", b"'fortran_ordeR'")
    write_zip("bad_header.npz", {**good, "mom2.mom2": header})


if __name__ == "__main__":
    main()
