using D2Sharp.Memory;
using D2Sharp.Weights;

namespace D2Sharp.Backends.Cpu;

/// <summary>
/// A convolution's weights as the GEMM micro-kernel reads them, packed once per session:
/// per group, panels of <see cref="Columns"/> output channels, each [tap][input channel][column]
/// (zero past the group's last output channel); the bias in the same panels; and a zero row of
/// one group's input channels for taps in the padding.
/// </summary>
internal sealed unsafe class PackedConvWeights : IDisposable
{
    private readonly NativeBuffer _weights, _bias, _zeros;

    public PackedConvWeights(NodeWeights? weights, int outChannels, int inPerGroup, int groups, int taps, int columns)
    {
        var w = weights ?? throw new ArgumentException("no weights were bound");
        if (w.Weight.LongLength != (long)outChannels * inPerGroup * taps)
            throw new ArgumentException($"weight has {w.Weight.LongLength} elements, expected {outChannels}×{inPerGroup}×{taps}");
        OutPerGroup = outChannels / groups;
        InPerGroup = inPerGroup;
        Taps = taps;
        Columns = columns;
        Panels = (OutPerGroup + columns - 1) / columns;
        _weights = new NativeBuffer((long)groups * Panels * PanelLength * sizeof(float), 64);
        _bias = new NativeBuffer((long)groups * Panels * columns * sizeof(float), 64);
        _zeros = new NativeBuffer((long)inPerGroup * sizeof(float), 64);
        float* packed = (float*)_weights.Pointer, bias = (float*)_bias.Pointer;
        for (int o = 0; o < outChannels; o++)
        {
            int g = o / OutPerGroup, local = o % OutPerGroup, panel = local / columns, column = local % columns;
            float* target = packed + (long)(g * Panels + panel) * PanelLength + column;
            for (int c = 0; c < inPerGroup; c++)
                for (int k = 0; k < taps; k++)
                    target[((long)k * inPerGroup + c) * columns] = w.Weight[((long)o * inPerGroup + c) * taps + k];
            bias[(g * Panels + panel) * columns + column] = w.Bias?[o] ?? 0f;
        }
    }

    public int OutPerGroup { get; }
    public int InPerGroup { get; }
    public int Taps { get; }
    /// <summary>Output channels per panel: the micro-kernel's tile width.</summary>
    public int Columns { get; }
    /// <summary>Panels per group.</summary>
    public int Panels { get; }
    private long PanelLength => (long)Taps * InPerGroup * Columns;
    public long PanelBytes => PanelLength * sizeof(float);

    public float* Panel(int group, int panel) => (float*)_weights.Pointer + (group * Panels + panel) * PanelLength;
    public float* Bias(int group, int panel) => (float*)_bias.Pointer + (group * Panels + panel) * Columns;
    /// <summary>What a padding tap reads: <see cref="InPerGroup"/> zeros.</summary>
    public float* Zeros => (float*)_zeros.Pointer;

    public void Dispose()
    {
        _weights.Dispose();
        _bias.Dispose();
        _zeros.Dispose();
    }
}
