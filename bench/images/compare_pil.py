"""Measures how closely D2Sharp's image decoding, and the decoders it could use, agree with PIL.

Run from the repository root with Debian's Python (python3-pil 9.4 on libjpeg-turbo 2.1.5, numpy),
with libjpeg-turbo-progs (cjpeg) and imagemagick installed and the bench console built:
  dotnet build -c Release bench/D2Sharp.Bench.Images
  /usr/bin/python3 bench/images/compare_pil.py [--work DIR] [--decoders d2sharp,skia,libjpeg.net,magick]
It encodes each source photograph (the shipped tests/fixtures/photos, plus scikit-image's
astronaut/chelsea/coffee when python3-skimage is installed) with PIL's JPEG encoder at several
qualities and subsamplings, with cjpeg and with ImageMagick; decodes every file with PIL
(Image.open(...).convert("RGB"), the reference) and with each decoder through
bench/D2Sharp.Bench.Images; and prints, per file and decoder, the largest and mean absolute
difference over all samples and the share of pixels whose three samples all equal PIL's.
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
    parser.add_argument("--decoders", default="d2sharp,skia,libjpeg.net,magick")
    args = parser.parse_args()
    os.makedirs(args.work, exist_ok=True)
    files = [f for name, png in sources(args.work) for f in encode(name, png, args.work)]
    decoders = args.decoders.split(",")
    for decoder in decoders:
        decode_all(decoder, files, os.path.join(args.work, decoder))

    print("| file | " + " | ".join(f"{d} max / mean / equal" for d in decoders) + " |")
    print("|---|" + "---|" * len(decoders))
    totals = {d: [0, 0, 0, 0] for d in decoders}  # equal pixels, pixels, abs sum, samples
    for path in files:
        stem = os.path.splitext(os.path.basename(path))[0]
        expected = np.asarray(Image.open(path).convert("RGB")).astype(np.int16)
        cells = []
        for decoder in decoders:
            got_path = os.path.join(args.work, decoder, stem + ".npy")
            if not os.path.exists(got_path):
                cells.append("refused")
                continue
            got = np.load(got_path).astype(np.int16)
            if got.shape != expected.shape:
                cells.append(f"shape {got.shape}")
                continue
            diff = np.abs(got - expected)
            equal = np.all(diff == 0, axis=2)
            cells.append(f"{diff.max()} / {diff.mean():.3f} / {100 * equal.mean():.2f}%")
            t = totals[decoder]
            t[0] += int(equal.sum()); t[1] += equal.size; t[2] += int(diff.sum()); t[3] += diff.size
        print(f"| {stem} | " + " | ".join(cells) + " |")
    print("| **all decoded files** | " + " | ".join(
        f"mean {t[2] / max(t[3], 1):.3f} / equal {100 * t[0] / max(t[1], 1):.2f}%" for t in totals.values()) + " |")


if __name__ == "__main__":
    main()
