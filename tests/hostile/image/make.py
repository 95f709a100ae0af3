#!/usr/bin/env python3
"""Writes the hostile image corpus next to this script (Python 3 standard library only).

Every file is small; each must be refused by ImageLoader.Load(path, "BGR") with the error that
expected.tsv names. PNG and JPEG bytes are written by hand: a PNG is chunks with CRCs around a
zlib stream, and the JPEG is a baseline grey image whose 8x8 blocks are flat (DC only).
"""
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


# --- PNG ---------------------------------------------------------------------------------------

def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(width, height, rows=None, iend=True):
    """An 8-bit RGB PNG; rows defaults to a small gradient (only as many as fit a real image)."""
    if rows is None:
        rows = b"".join(b"\0" + bytes((x * 7 + y * 13) % 256 for x in range(width * 3)) for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows, 9))
    return body + chunk(b"IEND", b"") if iend else body


# --- JPEG --------------------------------------------------------------------------------------

DC_COUNTS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0]  # ITU T.81 Annex K.3, symbols 0..11


def segment(marker, body):
    return bytes((0xFF, marker)) + struct.pack(">H", len(body) + 2) + body


def dc_codes():
    codes, code, symbol = [], 0, 0
    for length, count in enumerate(DC_COUNTS, start=1):
        for _ in range(count):
            codes.append((code, length))
            code += 1
            symbol += 1
        code <<= 1
    return codes


def scan_data(width, height, level):
    codes, bits, previous = dc_codes(), [], 0
    for by in range((height + 7) // 8):
        for bx in range((width + 7) // 8):
            dc = 8 * (level(by, bx) - 128)  # a flat block's DC coefficient after the level shift
            diff, previous = dc - previous, dc
            category = abs(diff).bit_length()
            code, length = codes[category]
            bits += [(code >> i) & 1 for i in reversed(range(length))]
            value = diff if diff >= 0 else diff + (1 << category) - 1
            bits += [(value >> i) & 1 for i in reversed(range(category))]
            bits.append(0)  # end of block (the AC table's only code)
    bits += [1] * (-len(bits) % 8)
    out = bytearray()
    for i in range(0, len(bits), 8):
        byte = int("".join(map(str, bits[i:i + 8])), 2)
        out.append(byte)
        if byte == 0xFF:
            out.append(0)  # byte stuffing
    return bytes(out)


def jpeg(width, height, level=lambda by, bx: (40 * by + 17 * bx + 30) % 256, scan=None):
    return (b"\xff\xd8"
            + segment(0xDB, bytes([0]) + bytes([1]) * 64)
            + segment(0xC0, bytes([8]) + struct.pack(">HH", height, width) + bytes([1, 1, 0x11, 0]))
            + segment(0xC4, bytes([0x00] + DC_COUNTS + list(range(12))))
            + segment(0xC4, bytes([0x10, 1] + [0] * 15 + [0x00]))
            + segment(0xDA, bytes([1, 1, 0x00, 0, 63, 0]))
            + (scan if scan is not None else scan_data(width, height, level))
            + b"\xff\xd9")


def npy(descr, shape, data):
    header = "{'descr': '%s', 'fortran_order': False, 'shape': %s, }" % (descr, shape)
    header += " " * (-(10 + len(header) + 1) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode("latin1") + data


def main():
    whole_png = png(16, 16)
    idat_end = whole_png.index(b"IEND") - 4
    write("png_bomb.png", png(100000, 100000, rows=b"\0" * 64))
    write("png_zero_width.png", png(0, 16, rows=b"\0" * 16))
    write("png_truncated.png", whole_png[:idat_end // 2 + 40])
    write("png_no_iend.png", png(16, 16, iend=False))
    bad_crc = bytearray(whole_png)
    bad_crc[29] ^= 0x55  # IHDR's CRC
    write("png_bad_crc.png", bytes(bad_crc))
    lying = bytearray(whole_png)
    lying[33:37] = struct.pack(">I", 0x7FFFFFFF)  # IDAT's length field
    write("png_chunk_length_lie.png", bytes(lying))
    # A zlib stream that asks for a preset dictionary (FLG's FDICT bit), which PNG never uses: zlib
    # reports it as an error code, not as bad data (found by fuzz/run.sh png).
    rows = b"".join(b"\0" + bytes(16 * 3) for _ in range(16))
    stream = zlib.compress(rows, 9)
    header = struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0)
    write("png_zlib_dictionary.png", b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
          + chunk(b"IDAT", b"\x78\xbb" + struct.pack(">I", 1) + stream[2:]) + chunk(b"IEND", b""))
    nul_type = bytearray(whole_png)
    nul_type[idat_end + 4:idat_end + 8] = b"\0\0\0\0"  # IEND's type made of NULs
    write("png_nul_chunk_type.png", bytes(nul_type))

    write("jpeg_bomb.jpg", jpeg(65535, 65535, scan=b"\x00" * 16))
    write("jpeg_zero_height.jpg", jpeg(16, 0, scan=b"\x00" * 4))
    whole_jpeg = jpeg(64, 64)
    write("jpeg_truncated.jpg", whole_jpeg[:len(whole_jpeg) - 40])
    write("jpeg_no_eoi.jpg", whole_jpeg[:-2])
    write("jpeg_segment_length_lie.jpg", whole_jpeg[:2] + b"\xff\xdb\xff\xff" + whole_jpeg[6:40])

    write("garbage.png", bytes((i * 73 + 41) % 256 for i in range(300)))
    write("empty.jpg", b"")
    write("text_named.jpg", b"this is not an image, just a text file with a .jpg name\n")
    write("gif_named.png", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")
    write("wrong_extension.gif", whole_png)
    write("float_pixels.npy", npy("<f4", "(2, 2, 3)", b"\0" * 48))
    write("four_channels.npy", npy("|u1", "(2, 2, 4)", b"\0" * 16))
    write("huge_declared.npy", npy("|u1", "(100000, 100000, 3)", b"\0" * 64))


if __name__ == "__main__":
    main()
