using D2Sharp.Memory;
using D2Sharp.Weights;

namespace D2Sharp.Backends.Cpu;

/// <summary>
/// A 3×3 convolution's weights in the Winograd F(4×4, 3×3) domain, made once per session:
/// U = G·g·Gᵀ (6×6) for every output/input channel pair, computed in double and rounded once,
/// packed per transform point ξ (36 of them) into panels of <see cref="Columns"/> output channels,
/// [ξ][panel][input channel][column]; plus the bias in panels and a zero panel for the GEMM's
/// own bias (the transform-domain products get theirs after the output transform).
/// </summary>
internal sealed unsafe class WinogradWeights : IDisposable
{
    /// <summary>G of F(4, 3) (Lavin and Gray): the filter transform, 6 × 3.</summary>
    private static readonly double[,] G =
    {
        { 1.0 / 4, 0, 0 },
        { -1.0 / 6, -1.0 / 6, -1.0 / 6 },
        { -1.0 / 6, 1.0 / 6, -1.0 / 6 },
        { 1.0 / 24, 1.0 / 12, 1.0 / 6 },
        { 1.0 / 24, -1.0 / 12, 1.0 / 6 },
        { 0, 0, 1 },
    };

    public const int Points = 36;

    private readonly NativeBuffer _weights, _bias, _zeros;

    public WinogradWeights(NodeWeights? weights, int outChannels, int inChannels, int columns)
    {
        var w = weights ?? throw new ArgumentException("no weights were bound");
        if (w.Weight.LongLength != (long)outChannels * inChannels * 9)
            throw new ArgumentException($"weight has {w.Weight.LongLength} elements, expected {outChannels}×{inChannels}×3×3");
        OutChannels = outChannels;
        InChannels = inChannels;
        Columns = columns;
        Panels = (outChannels + columns - 1) / columns;
        _weights = new NativeBuffer((long)Points * Panels * PanelLength * sizeof(float), 64);
        _bias = new NativeBuffer((long)Panels * columns * sizeof(float), 64);
        _zeros = new NativeBuffer((long)columns * sizeof(float), 64);
        float* packed = (float*)_weights.Pointer, bias = (float*)_bias.Pointer;
        var u = new double[6, 6];
        for (int o = 0; o < outChannels; o++)
        {
            bias[o] = w.Bias?[o] ?? 0f;
            for (int c = 0; c < inChannels; c++)
            {
                Transform(w.Weight.AsSpan((o * inChannels + c) * 9, 9), u);
                for (int point = 0; point < Points; point++)
                    packed[((long)(point * Panels + o / columns) * inChannels + c) * columns + o % columns] = (float)u[point / 6, point % 6];
            }
        }
    }

    /// <summary>u = G·g·Gᵀ for one 3×3 kernel g (row-major).</summary>
    private static void Transform(ReadOnlySpan<float> g, double[,] u)
    {
        Span<double> gg = stackalloc double[18]; // G·g, 6 × 3
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 3; j++)
                gg[i * 3 + j] = G[i, 0] * g[j] + G[i, 1] * g[3 + j] + G[i, 2] * g[6 + j];
        for (int i = 0; i < 6; i++)
            for (int j = 0; j < 6; j++)
                u[i, j] = gg[i * 3] * G[j, 0] + gg[i * 3 + 1] * G[j, 1] + gg[i * 3 + 2] * G[j, 2];
    }

    public int OutChannels { get; }
    public int InChannels { get; }
    /// <summary>Output channels per panel: the micro-kernel's tile width.</summary>
    public int Columns { get; }
    public int Panels { get; }
    private long PanelLength => (long)InChannels * Columns;

    /// <summary>The packed [input channel][column] panel of transform point ξ.</summary>
    public float* Panel(int point, int panel) => (float*)_weights.Pointer + (point * Panels + panel) * PanelLength;
    public float* Bias => (float*)_bias.Pointer;
    public float* Zeros => (float*)_zeros.Pointer;

    public void Dispose()
    {
        _weights.Dispose();
        _bias.Dispose();
        _zeros.Dispose();
    }
}
