#!/usr/bin/env python3
"""Writes the hostile .npy/.npz corpus next to this script (Python 3 standard library only).

Each file is a few kilobytes at most and must be refused by Npy.Read or Npz.Read with the error
that expected.tsv names, without allocating what its header declares.
"""
import os
import struct
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
EPOCH = (1980, 1, 1, 0, 0, 0)  # fixed zip timestamps, so the files are reproducible


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def header_text(descr, shape):
    text = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape)
    return text + " " * (-(10 + len(text) + 1) % 64) + "\n"


def npy(descr, shape, data):
    text = header_text(descr, shape)
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(text)) + text.encode("latin1") + data


def npy_v2(header_length, text):
    """Version 2.0 (4-byte header length), with a header length that need not match the text."""
    return b"\x93NUMPY\x02\x00" + struct.pack("<I", header_length) + text


def npz(members, compression=zipfile.ZIP_STORED):
    path = os.path.join(HERE, "_scratch.zip")
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members:
            archive.writestr(zipfile.ZipInfo(name, EPOCH), data, compress_type=compression)
    with open(path, "rb") as f:
        data = f.read()
    os.remove(path)
    return data


def with_uncompressed_size(archive, size):
    """Rewrites the only member's uncompressed size, in its local header and the central directory."""
    data = bytearray(archive)
    local, central = data.index(b"PK\x03\x04"), data.index(b"PK\x01\x02")
    data[local + 22:local + 26] = struct.pack("<I", size)
    data[central + 24:central + 28] = struct.pack("<I", size)
    return bytes(data)


def main():
    small = npy("<f4", "(4,)", b"\0" * 16)
    write("declares_100gb.npy", npy("<f4", "(25000, 1000, 1000)", b"\0" * 1024))
    write("declares_1gb.npy", npy("<f4", "(1024, 1024, 256)", b"\0" * 1024))
    write("header_length_lie.npy", npy_v2(1 << 24, header_text("<f4", "(4,)").encode() + b"\0" * 16))
    write("absurd_header_length.npy", npy_v2(0xFFFFFFFF, b"{}"))
    write("shape_overflow.npy", npy("<f8", "(2147483647, 2147483647, 2147483647, 2147483647)", b"\0" * 64))
    write("truncated_data.npy", small[:-5])
    write("truncated_header.npy", small[:30])
    write("object_dtype.npy", npy("|O", "(1,)", b"\0" * 8))
    write("not_npy.npy", b"PK\x03\x04 definitely not an npy file")
    write("empty.npy", b"")

    # A member whose 16 MiB of zeros deflate to about 16 KiB, in an entry that claims 1000 bytes.
    bomb = npz([("x.npy", npy("|u1", "(16, 1048576)", bytes(16 << 20)))], zipfile.ZIP_DEFLATED)
    write("zip_bomb.npz", with_uncompressed_size(bomb, 1000))
    # A stored member of 80 bytes whose entry claims almost 4 GiB.
    write("declared_4gb.npz", with_uncompressed_size(npz([("x.npy", small)]), 0xFFFFFFF0))
    whole = npz([("a.npy", small), ("b.npy", small)])
    write("truncated.npz", whole[:len(whole) // 2])
    write("not_zip.npz", small)
    write("member_not_npy.npz", npz([("README.txt", b"hello")]))
    write("member_truncated.npz", npz([("p3.npy", small[:-5])]))


if __name__ == "__main__":
    main()
