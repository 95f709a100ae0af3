"""Measures how closely D2Sharp's image decoding, and the decoders it could use, agree with PIL.

Run from the repository root with Debian's Python (python3-pil 9.4 on libjpeg-turbo 2.1.5, numpy),
with libjpeg-turbo-progs (cjpeg) and imagemagick installed and the bench console built:
  dotnet build -c Release bench/D2Sharp.Bench.Images
  /usr/bin/python3 bench/images/compare_pil.py [--work DIR] [--decoders d2sharp,stb,skia,libjpeg.net,magick]
It encodes each source photograph (the shipped tests/fixtures/photos, plus scikit-image's
astronaut/chelsea/coffee when python3-skimage is installed) with PIL's JPEG encoder at several
qualities and subsamplings, with cjpeg and with ImageMagick; decodes every file with PIL
(Image.open(...).convert("RGB"), the reference) and with each decoder through
bench/D2Sharp.Bench.Images; and prints, per file and decoder, the largest and mean absolute
difference over all samples and the share of pixels whose three samples all equal PIL's, then
the same per encoding (all photographs together).
"""
import argparse
import os
import subprocess
import sys

import numpy as np
from PIL import Image

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SKIMAGE_DATA = "/usr/lib/python3/dist-packages/skimage/data"
CONSOLE = os.path.join(ROOT, "bench", "D2Sharp.Bench.Images", "bin", "Release", "net10.0", "D2Sharp.Bench.Images")


def sources(work):
    """(name, path of a lossless PNG) for each photograph."""
    out = []
    for name in ("chelsea", "coffee_exif6"):
        path = os.path.join(work, f"{name}.png")
        # The shipped JPEG as PIL decodes it, upright: the pixels to re-encode.
        Image.fromarray(np.load(os.path.join(ROOT, "tests", "fixtures", "photos", f"{name}.npy"))).save(path)
        out.append((name.split("_")[0] + "240", path))
    for name in ("astronaut", "chelsea", "coffee"):
        path = os.path.join(SKIMAGE_DATA, f"{name}.png")
        if os.path.exists(path):
            out.append((name, path))
    return out


def encode(name, png, work):
    """Writes the JPEG set for one photograph; returns the paths."""
    image = Image.open(png).convert("RGB")
    files = []

    def target(label):
        path = os.path.join(work, f"{name}-{label}.jpg")
        files.append(path)
        return path

    for quality in (50, 75, 95):
        for subsampling, label in ((0, "444"), (1, "422"), (2, "420")):
            image.save(target(f"pil-q{quality}-{label}"), quality=quality, subsampling=subsampling)
    image.save(target("pil-q75-420-progressive"), quality=75, progressive=True)
    image.convert("L").save(target("pil-q75-grey"), quality=75)
    ppm = os.path.join(work, f"{name}.ppm")
    image.save(ppm)
    for label, flags in (("q75-420", []), ("q90-444", ["-quality", "90", "-sample", "1x1"]),
                         ("q75-440", ["-sample", "1x2"]), ("q75-progressive", ["-progressive"]),
                         ("q75-restart", ["-restart", "1"]), ("q75-arithmetic", ["-arithmetic"])):
        subprocess.run(["cjpeg", *(flags or ["-quality", "75"]), "-outfile", target(f"cjpeg-{label}"), ppm], check=True)
    for label, flags in (("q85", ["-quality", "85"]), ("q92-422-progressive", ["-quality", "92", "-sampling-factor", "4:2:2", "-interlace", "JPEG"]),
                         ("q85-cmyk", ["-quality", "85", "-colorspace", "CMYK"])):
        subprocess.run(["convert", png, *flags, target(f"magick-{label}")], check=True)
    return files


def decode_all(decoder, files, out):
    result = subprocess.run([CONSOLE, decoder, out, *files], capture_output=True, text=True)
    if result.returncode != 0:
        # One refusal fails the batch: decode one by one to see which.
        for path in files:
            one = subprocess.run([CONSOLE, decoder, out, path], capture_output=True, text=True)
            if one.returncode != 0:
                print(f"# {decoder} refuses {os.path.basename(path)}: {one.stderr.strip().splitlines()[0][:150]}", file=sys.stderr)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--work", default="/tmp/d2sharp-jpegs")
    parser.add_argument("--decoders", default="d2sharp,stb,skia,libjpeg.net,magick")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    files = [f for name, png in sources(args.work) for f in encode(name, png, args.work)]
    decoders = args.decoders.split(",")
    for decoder in decoders:
        decode_all(decoder, files, os.path.join(args.work, decoder))

    per_file, per_encoding = {}, {}
    for path in files:
        stem = os.path.splitext(os.path.basename(path))[0]
        expected = np.asarray(Image.open(path).convert("RGB")).astype(np.int16)
        for decoder in decoders:
            got_path = os.path.join(args.work, decoder, stem + ".npy")
            got = np.load(got_path).astype(np.int16) if os.path.exists(got_path) else None
            if got is None or got.shape != expected.shape:
                stats = "refused" if got is None else f"shape {got.shape}"
            else:
                diff = np.abs(got - expected)
                stats = Stats(int(diff.max()), int(diff.sum()), diff.size, int(np.all(diff == 0, axis=2).sum()), diff.shape[0] * diff.shape[1])
            per_file[stem, decoder] = stats
            per_encoding.setdefault((stem.split("-", 1)[1], decoder), []).append(stats)
    # An encoding sums its photographs; one refusal (or wrong shape) shows instead.
    per_encoding = {key: next((s for s in group if isinstance(s, str)), None) or combine(group) for key, group in per_encoding.items()}
    print_table("file", [os.path.splitext(os.path.basename(p))[0] for p in files], decoders, per_file)
    print()
    print_table("encoding (all photographs)", list(dict.fromkeys(k for k, _ in per_encoding)), decoders, per_encoding)


class Stats:
    def __init__(self, largest, total, samples, equal, pixels):
        self.largest, self.total, self.samples, self.equal, self.pixels = largest, total, samples, equal, pixels

    def add(self, other):
        return Stats(max(self.largest, other.largest), self.total + other.total, self.samples + other.samples,
                     self.equal + other.equal, self.pixels + other.pixels)

    def __str__(self):
        return f"{self.largest} / {self.total / self.samples:.3f} / {100 * self.equal / self.pixels:.2f}%"


def print_table(title, rows, decoders, cells):
    print(f"| {title} | " + " | ".join(f"{d}: max / mean / equal" for d in decoders) + " |")
    print("|---|" + "---|" * len(decoders))
    for row in rows:
        print(f"| {row} | " + " | ".join(str(cells[row, d]) for d in decoders) + " |")
    totals = []
    for d in decoders:
        done = [cells[row, d] for row in rows if isinstance(cells[row, d], Stats)]
        refused = len(rows) - len(done)
        totals.append(f"{combine(done)}" + (f" ({refused} not decoded)" if refused else ""))
    print("| **all decoded** | " + " | ".join(totals) + " |")


def combine(stats):
    total = stats[0]
    for more in stats[1:]:
        total = total.add(more)
    return total


if __name__ == "__main__":
    main()
