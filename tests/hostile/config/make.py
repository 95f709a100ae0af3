#!/usr/bin/env python3
"""Writes the generated hostile configs next to this script (Python 3 standard library only).

Each file is small on disk but would cost a naive loader far more than its size, or holds bytes
a loader must refuse; expected.tsv says how ConfigLoader.Load must refuse each one. A file over
ConfigLoadOptions.MaxBytes (16 MiB by default) is not made here: the unit tests check that limit
with a small configured one instead of keeping 16 MiB in the repository.
"""
from pathlib import Path

HERE = Path(__file__).resolve().parent


def billion_laughs() -> bytes:
    """Nine levels of ten aliases over ten scalars: under 1 KB, 10^9 scalars (about 100 GB of
    objects) once every alias is expanded."""
    lines = ["lol0: &lol0 [" + ", ".join(["lol"] * 10) + "]"]
    for level in range(1, 10):
        lines.append(f"lol{level}: &lol{level} [" + ", ".join([f"*lol{level - 1}"] * 10) + "]")
    lines.append("MODEL:")
    lines.append("  PIXEL_MEAN: *lol9")
    return ("\n".join(lines) + "\n").encode()


def deep_nesting() -> bytes:
    """Ten thousand nested flow lists: 20 KB that would recurse 10,000 frames deep."""
    depth = 10_000
    return b"MODEL:\n  PIXEL_MEAN: " + b"[" * depth + b"1.0" + b"]" * depth + b"\n"


def not_utf8() -> bytes:
    """A Latin-1 'é' (0xE9) where UTF-8 needs two bytes."""
    return b"MODEL:\n  DEVICE: caf\xe9\n"


def utf16() -> bytes:
    """UTF-16 with its byte-order mark, as some Windows editors save."""
    return "VERSION: 2\nMODEL:\n  DEVICE: cpu\n".encode("utf-16")


def tab_indentation() -> bytes:
    """The second level indented with a tab."""
    return b"MODEL:\n\tDEVICE: cpu\n"


def raw_control_characters() -> bytes:
    """A terminal escape sequence written raw into a value, which YAML does not allow."""
    return b"MODEL:\n  DEVICE: \x1b[2Jcpu\n"


def escaped_control_characters() -> bytes:
    """A key spelled with YAML escapes for a terminal escape sequence: valid YAML, an unknown key,
    whose name must not reach a terminal raw through the error message."""
    return b'MODEL:\n  "\\e[2JDEVICE": cpu\n'


FILES = {
    "billion_laughs.yaml": billion_laughs,
    "deep_nesting.yaml": deep_nesting,
    "not_utf8.yaml": not_utf8,
    "utf16.yaml": utf16,
    "tab_indentation.yaml": tab_indentation,
    "raw_control_characters.yaml": raw_control_characters,
    "escaped_control_characters.yaml": escaped_control_characters,
}

if __name__ == "__main__":
    for name, make in FILES.items():
        (HERE / name).write_bytes(make())
