using D2Sharp.Weights;

namespace D2Sharp.Backends.Reference.Kernels;

/// <summary>
/// A conv weight as the reference convolutions read it, made once per session: [Cout][KH·KW][Cin/groups]
/// in double, so each (output channel, tap) is one contiguous run over the input channels of a pixel.
/// </summary>
internal sealed class ConvWeights
{
    /// <summary>A conv node's bound weight and bias, packed; every conv has a weight.</summary>
    public static ConvWeights Pack(NodeWeights? weights, int outChannels, int inPerGroup, int taps) =>
        weights is { } w ? new ConvWeights(w.Weight, w.Bias, outChannels, inPerGroup, taps) : throw new ArgumentException("no weights were bound");

    private ConvWeights(float[] weight, float[]? bias, int outChannels, int inPerGroup, int taps)
    {
        if (weight.LongLength != (long)outChannels * inPerGroup * taps)
            throw new ArgumentException($"weight has {weight.LongLength} elements, expected {outChannels}×{inPerGroup}×{taps}");
        InPerGroup = inPerGroup;
        Taps = taps;
        Bias = bias;
        Packed = new double[weight.Length];
        for (int o = 0; o < outChannels; o++)
            for (int c = 0; c < inPerGroup; c++)
                for (int k = 0; k < taps; k++)
                    Packed[(o * taps + k) * inPerGroup + c] = weight[(o * inPerGroup + c) * taps + k];
        Zeros = new float[inPerGroup];
    }

    public int InPerGroup { get; }
    public int Taps { get; }
    public float[]? Bias { get; }
    public double[] Packed { get; }
    /// <summary>What a tap in the zero padding reads: still multiplied, so 0·∞ gives NaN as in PyTorch.</summary>
    public float[] Zeros { get; }

    public ReadOnlySpan<double> Tap(int outChannel, int tap) => TapRun(outChannel, tap, 1);

    /// <summary><paramref name="count"/> consecutive taps (one kernel row) of an output channel, contiguous.</summary>
    public ReadOnlySpan<double> TapRun(int outChannel, int firstTap, int count) =>
        Packed.AsSpan((outChannel * Taps + firstTap) * InPerGroup, count * InPerGroup);
}
