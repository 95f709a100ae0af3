"""Writes the hostile checkpoints of this folder (Python 3 standard library only).

Run from anywhere: python3 tests/hostile/checkpoint/make.py
Each pickle is written opcode by opcode; nothing here is ever unpickled. expected.tsv lists the
error each file must give.
"""

import os
import shutil
import struct
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
GB = 1 << 30


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def proto(n):
    return b"\x80" + bytes([n])


def unicode(text):
    data = text.encode("utf-8")
    return b"X" + struct.pack("<I", len(data)) + data


def global_(module, name):
    return b"c" + module.encode() + b"\n" + name.encode() + b"\n"


def torch_tensor(storage_type, key, numel, offset, size, stride):
    """_rebuild_tensor_v2(('storage', torch.<type>, key, 'cpu', numel) via BINPERSID, offset, size, stride, False, OrderedDict())."""
    def ints(values):
        return b"(" + b"".join(b"J" + struct.pack("<i", v) for v in values) + b"t"
    pid = b"(" + unicode("storage") + global_("torch", storage_type) + unicode(key) + unicode("cpu") + b"J" + struct.pack("<i", numel) + b"tQ"
    args = pid + b"J" + struct.pack("<i", offset) + ints(size) + ints(stride) + b"\x89" + global_("collections", "OrderedDict") + b")R"
    return global_("torch._utils", "_rebuild_tensor_v2") + b"(" + args + b"tR"


def state_dict(entries):
    """{key: value, ...} from already-pickled values."""
    return b"}(" + b"".join(unicode(k) + v for k, v in entries) + b"u"


def torch_zip(name, data_pkl, storages=(), extra=()):
    records = [("archive/data.pkl", data_pkl)] + [("archive/data/" + key, data) for key, data in storages]
    records += [("archive/version", b"3\n")] + list(extra)
    with zipfile.ZipFile(os.path.join(HERE, name), "w", zipfile.ZIP_STORED) as z:
        for record, data in records:
            # A fixed timestamp, so that rerunning this script changes nothing.
            z.writestr(zipfile.ZipInfo(record, date_time=(1980, 1, 1, 0, 0, 0)), data)


def zip_declaring(name, entry, data, declared):
    """A one-entry zip whose central directory declares `declared` bytes (ZIP64) for `data`."""
    fname = entry.encode()
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 0, 0, 0, zipfile.crc32(data), len(data), len(data), len(fname), 0)
    zip64 = struct.pack("<HHQQ", 0x0001, 16, declared, declared)
    central = struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 0, 0, 0, zipfile.crc32(data),
                          0xFFFFFFFF, 0xFFFFFFFF, len(fname), len(zip64), 0, 0, 0, 0, 0) + fname + zip64
    body = local + fname + data
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 1, 1, len(central), len(body), 0)
    write(name, body + central + end)


def main():
    # A 1 KB pickle whose BINBYTES8 declares a 100 GB payload.
    write("declares_100gb.pkl", proto(4) + b"\x8e" + struct.pack("<Q", 100 * GB) + b"\0" * 1000 + b".")
    # A .pth whose zip directory declares a 100 GB data.pkl.
    zip_declaring("zip_entry_100gb.pth", "archive/data.pkl", proto(2) + b"}.", 100 * GB)
    # Lists nested 1000 deep: EMPTY_LIST 1000 times, then APPEND each into the one below.
    write("deep_nesting.pkl", proto(4) + b"]" * 1000 + b"a" * 999 + b".")
    # LONG_BINPUT to memo index 2^32 - 16 (CPython's C unpickler would size its memo for it).
    write("huge_memo_index.pkl", proto(4) + b"N" + b"r" + struct.pack("<I", 0xFFFFFFF0) + b".")
    # BINUNICODE8 declaring a 1 TiB string.
    write("long_string.pkl", proto(4) + b"\x8d" + struct.pack("<Q", 1 << 40) + b"abc.")
    # A dict whose second key is cut in the middle.
    write("truncated.pkl", proto(2) + b"}(" + unicode("model") + b"N" + unicode("__author__")[:8])
    # The classic payloads.
    write("os_system.pkl", proto(2) + global_("os", "system") + unicode("echo pwned") + b"\x85R.")
    write("builtins_eval.pkl", proto(4) + b"\x8c\x08builtins\x8c\x04eval\x93" + unicode("__import__('os')") + b"\x85R.")
    # .pth files: a disallowed global, a persistent id that is no storage, a view beyond its storage,
    # an entry outside the archive folder.
    torch_zip("disallowed_global.pth", proto(2) + global_("subprocess", "Popen") + unicode("echo pwned") + b"\x85R.")
    torch_zip("bad_persistent_id.pth", proto(2) + b"(" + unicode("module") + unicode("os") + b"tQ.")
    torch_zip("storage_offset_out_of_range.pth",
              proto(2) + state_dict([("w", torch_tensor("FloatStorage", "0", 4, 100, [2], [1]))]) + b".",
              storages=[("0", struct.pack("<4f", 1, 2, 3, 4))])
    torch_zip("entry_outside_archive.pth", proto(2) + b"}.", extra=[("../evil.sh", b"echo pwned\n")])
    # Not pickles at all, or from the future.
    write("unknown_opcode.pkl", proto(2) + b"\xff.")
    write("protocol_6.pkl", proto(6) + b"N.")
    write("empty.pkl", b"")
    # A directory where the checkpoint should be (git keeps it through the file inside).
    directory = os.path.join(HERE, "model.pkl")
    shutil.rmtree(directory, ignore_errors=True)
    os.makedirs(directory)
    write(os.path.join("model.pkl", "README.md"), b"A directory named like a checkpoint: loading it must fail with a typed error.\n")


if __name__ == "__main__":
    main()
