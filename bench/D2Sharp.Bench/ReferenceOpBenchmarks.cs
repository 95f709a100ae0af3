using BenchmarkDotNet.Attributes;
using D2Sharp.Ops;

namespace D2Sharp.Bench;

/// <summary>
/// The reference ops at a ResNet-50 res3-like size (1×128×100×136). These are the executable spec,
/// not the fast path: the numbers are the baseline the SIMD and CUDA backends are measured against.
/// </summary>
[MemoryDiagnoser]
public class ReferenceOpBenchmarks
{
    private const int H = 100, W = 136, C = 128;
    private FeatureMap _x, _y, _offsetMask, _top, _lateral;
    private float[] _bias = [];
    private ConvKernel _convKernel = null!, _deformKernel = null!;
    private readonly Conv2d _conv = new() { InChannels = C, OutChannels = C, KernelH = 3, KernelW = 3, Padding = 1, HasBias = true, Activation = Activation.Relu };
    private readonly DeformConv2d _deform = new() { InChannels = C, OutChannels = C, Modulated = true };
    private readonly UpsampleAdd _upsample = new() { Mode = UpsampleMode.Nearest, Fuse = FuseType.Sum };

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Random(1);
        FeatureMap Random(int h, int w, int c, float scale)
        {
            var m = FeatureMap.Allocate(1, h, w, c);
            for (int i = 0; i < m.Data.Length; i++) m.Data[i] = (float)(rng.NextDouble() * 2 - 1) * scale;
            return m;
        }
        _x = Random(H, W, C, 1f);
        _y = FeatureMap.Allocate(1, H, W, C);
        _offsetMask = Random(H, W, _deform.OffsetChannels, 2f);
        _top = Random(H / 2, W / 2, C, 1f);
        _lateral = Random(H, W, C, 1f);
        var weight3x3 = Random(C, 9, C, 0.05f).Data;
        _convKernel = _conv.PrepareKernel(weight3x3);
        _deformKernel = _deform.PrepareKernel(weight3x3);
        _bias = new float[C];
    }

    [Benchmark]
    public void Conv2d3x3() => _conv.Reference(_x, _convKernel, _bias, null, _y);

    [Benchmark]
    public void DeformConv2dV2() => _deform.Reference(_x, _offsetMask, _deformKernel, null, _y);

    [Benchmark]
    public void UpsampleAddNearest() => _upsample.Reference(_top, _lateral, _y);
}
