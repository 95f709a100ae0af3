namespace D2Sharp.Ops;

/// <summary>
/// A conv weight in the order the reference loops read it: [tap][Cin/groups][Cout], in double.
/// Made once per weight by <see cref="Conv2d.PrepareKernel"/> or <see cref="DeformConv2d.PrepareKernel"/>
/// so that repeated runs (the reference backend's) do not reorder it again.
/// </summary>
public sealed class ConvKernel
{
    internal ConvKernel(float[] weight, int outChannels, int inPerGroup, int taps)
    {
        OutChannels = outChannels;
        InPerGroup = inPerGroup;
        Taps = taps;
        TapMajor = new double[weight.Length];
        for (int o = 0; o < outChannels; o++)
            for (int c = 0; c < inPerGroup; c++)
                for (int k = 0; k < taps; k++)
                    TapMajor[(k * inPerGroup + c) * outChannels + o] = weight[(o * inPerGroup + c) * taps + k];
    }

    internal int OutChannels { get; }
    internal int InPerGroup { get; }
    internal int Taps { get; }
    internal double[] TapMajor { get; }

    /// <summary>Checks that this kernel was prepared for an op of these extents.</summary>
    internal void Expect(int outChannels, int inPerGroup, int taps, string what)
    {
        if (OutChannels != outChannels || InPerGroup != inPerGroup || Taps != taps)
            throw new ShapeException(
                $"{what} kernel was prepared for {OutChannels} outputs × {InPerGroup} inputs × {Taps} taps, the op has {outChannels} × {inPerGroup} × {taps}");
    }
}

/// <summary>One worker's im2col tile and its accumulators, reused across the rows that worker computes.</summary>
internal sealed class ConvScratch(int columnLength, int outChannels)
{
    public readonly float[] Columns = new float[Conv2d.TilePixels * columnLength];
    public readonly double[] Sums = new double[Conv2d.TilePixels * outChannels];
}
