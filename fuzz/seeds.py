"""Writes the fuzzers' starting inputs into OUT/<target>/: small valid files (made with the
hostile corpus' own encoders) plus every hostile-corpus file of the target's kind that is small
enough for AFL. Python 3 standard library only.  Usage: python3 fuzz/seeds.py OUT"""
import importlib.util
import os
import shutil
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
HOSTILE = os.path.join(ROOT, "tests", "hostile")
MAX_SEED_BYTES = 64 * 1024


def load(folder):
    spec = importlib.util.spec_from_file_location(f"hostile_{folder}", os.path.join(HOSTILE, folder, "make.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main(out):
    image, npy = load("image"), load("npy")
    pixels = bytes((i * 37) % 256 for i in range(8 * 8 * 3))
    valid = {
        "config": [("faster_rcnn.yaml", open(os.path.join(ROOT, "tests", "fixtures", "det_faster_rcnn_r50_fpn", "config_resolved.yaml"), "rb").read())],
        "checkpoint": [("protocol5.pkl", open(os.path.join(ROOT, "tests", "fixtures", "tiny_r50_fpn", "protocol5.pkl"), "rb").read())],
        "pth": [("training.pth", open(os.path.join(ROOT, "tests", "fixtures", "tiny_r50_fpn", "training_checkpoint.pth"), "rb").read())],
        "npy": [("image.npy", npy.npy("|u1", (8, 8, 3), pixels))],
        "npz": [("arrays.npz", npy.npz([("image.npy", npy.npy("|u1", (8, 8, 3), pixels))]))],
        "png": [("small.png", image.png(8, 8))],
        "jpeg": [("small.jpg", image.jpeg(16, 16))],
    }
    hostile = {"config": ("config", ".yaml"), "checkpoint": ("checkpoint", ".pkl"), "pth": ("checkpoint", ".pth"),
               "npy": ("npy", ".npy"), "npz": ("npy", ".npz"), "png": ("image", ".png"), "jpeg": ("image", ".jpg")}
    for target, files in valid.items():
        folder = os.path.join(out, target)
        shutil.rmtree(folder, ignore_errors=True)
        os.makedirs(folder)
        for name, data in files:
            with open(os.path.join(folder, name), "wb") as f:
                f.write(data)
        kind, extension = hostile[target]
        source = os.path.join(HOSTILE, kind)
        for name in sorted(os.listdir(source)):
            path = os.path.join(source, name)
            if name.endswith(extension) and os.path.isfile(path) and os.path.getsize(path) <= MAX_SEED_BYTES:
                shutil.copy(path, os.path.join(folder, "hostile_" + name))


if __name__ == "__main__":
    main(sys.argv[1])
