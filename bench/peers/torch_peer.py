#!/usr/bin/env python3
"""PyTorch peer timings for the GPU check (scripts/device-check.sh): the same shapes D2Sharp runs.

- R50-FPN backbone (torchvision's resnet_fpn_backbone with FrozenBatchNorm2d, P2-P6, 256 channels)
  at 1x3x800x1344 in eager mode: fp32 (TF32 off), tf32, fp16 (NCHW and channels_last).
  torchvision's ResNet puts the stride in the 3x3 conv, Detectron2's MSRA models in the 1x1:
  a few percent more MACs on the torchvision side.
- torchvision.ops.deform_conv2d (v2, with mask) on the 3x3 convs of a DCN R50's res3-res5 at
  800x1344: one call per shape, and the per-model total (4 + 6 + 3 blocks).
Prints one JSON object per line; timings are the median of CUDA-event-timed runs after warm-ups.
"""
import json
import statistics
import sys

import torch
import torchvision
from torchvision.models.detection.backbone_utils import resnet_fpn_backbone
from torchvision.ops import FrozenBatchNorm2d, deform_conv2d


def timed(fn, warmup=5, iters=20):
    for _ in range(warmup):
        fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(iters):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        end.synchronize()
        times.append(start.elapsed_time(end))
    return statistics.median(times)


def emit(**record):
    print(json.dumps(record), flush=True)


def backbone(height, width):
    model = resnet_fpn_backbone(backbone_name="resnet50", weights=None, norm_layer=FrozenBatchNorm2d,
                                trainable_layers=0).cuda().eval()
    x = torch.randn(1, 3, height, width, device="cuda")
    for mode in ["fp32", "tf32", "fp16", "fp16_channels_last"]:
        torch.backends.cudnn.allow_tf32 = mode == "tf32"
        torch.backends.cuda.matmul.allow_tf32 = mode == "tf32"
        m, inp = model, x
        if mode.startswith("fp16"):
            m, inp = model.half(), x.half()
            if mode.endswith("channels_last"):
                m, inp = m.to(memory_format=torch.channels_last), inp.to(memory_format=torch.channels_last)
        with torch.inference_mode():
            ms = timed(lambda: m(inp))
        emit(peer="torch_eager", what="r50_fpn_backbone", mode=mode, size=f"{height}x{width}", median_ms=round(ms, 3))
        model = model.float().to(memory_format=torch.contiguous_format)
    torch.backends.cudnn.allow_tf32 = False
    torch.backends.cuda.matmul.allow_tf32 = False


def deform(height, width):
    total = 0.0
    for stage, channels, stride, blocks in [("res3", 128, 8, 4), ("res4", 256, 16, 6), ("res5", 512, 32, 3)]:
        h, w = height // stride, width // stride
        x = torch.randn(1, channels, h, w, device="cuda")
        weight = torch.randn(channels, channels, 3, 3, device="cuda") * 0.05
        offset = torch.randn(1, 18, h, w, device="cuda")
        mask = torch.sigmoid(torch.randn(1, 9, h, w, device="cuda"))
        with torch.inference_mode():
            ms = timed(lambda: deform_conv2d(x, offset, weight, padding=(1, 1), mask=mask))
        total += ms * blocks
        emit(peer="torchvision", what="deform_conv2d_v2", stage=stage, shape=[1, channels, h, w], median_ms=round(ms, 4))
    emit(peer="torchvision", what="deform_conv2d_v2_dcn_r50_total", median_ms=round(total, 3))


def bandwidth():
    """The device-to-device copy rate, counting bytes read and written (the memory-bound ceiling)."""
    a = torch.empty(1 << 30, dtype=torch.uint8, device="cuda")
    b = torch.empty_like(a)
    ms = timed(lambda: b.copy_(a), warmup=3, iters=10)
    emit(peer="torch", what="d2d_copy", gb_per_s=round(2 * a.numel() / (ms / 1000) / 1e9, 1))


if __name__ == "__main__":
    height, width = (int(v) for v in (sys.argv[1] if len(sys.argv) > 1 else "800x1344").split("x"))
    emit(peer="torch", torch=torch.__version__, torchvision=torchvision.__version__,
         device=torch.cuda.get_device_name(), cudnn=torch.backends.cudnn.version())
    bandwidth()
    backbone(height, width)
    deform(height, width)
