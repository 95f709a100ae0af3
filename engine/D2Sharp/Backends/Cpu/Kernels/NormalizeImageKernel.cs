using System.Numerics;
using D2Sharp.Backends.Host;
using D2Sharp.Graph;
using D2Sharp.Ops;
using D2Sharp.Weights;

namespace D2Sharp.Backends.Cpu.Kernels;

/// <summary>
/// <see cref="NormalizeImage"/> over <see cref="Vector{T}"/>s. An image row of interleaved HWC
/// bytes and the NHWC output row have the same element order, so a row is one run:
/// (pixel − mean) / std with mean and std repeating every C elements (a vector starting at
/// element i uses the lanes of phase i mod C, prepared at bind), the bytes widened to float, the
/// same float32 subtraction and division as the reference, zeros past the image. Parallel over rows.
/// </summary>
internal sealed class NormalizeImageKernel : HostKernel
{
    /// <summary>Per phase p (a vector's first element is channel p): the mean and std of its lanes.</summary>
    private sealed record Lanes(Vector<float>[] Mean, Vector<float>[] Std);

    public override object Bind(Node node, NodeWeights? weights)
    {
        var op = (NormalizeImage)node.Op;
        int channels = op.Mean.Length, width = Vector<float>.Count;
        var mean = new Vector<float>[channels];
        var std = new Vector<float>[channels];
        var lane = new float[width];
        for (int phase = 0; phase < channels; phase++)
        {
            for (int i = 0; i < width; i++) lane[i] = op.Mean[(phase + i) % channels];
            mean[phase] = new Vector<float>(lane);
            for (int i = 0; i < width; i++) lane[i] = op.Std[(phase + i) % channels];
            std[phase] = new Vector<float>(lane);
        }
        return new Lanes(mean, std);
    }

    public override void Run(KernelArgs args)
    {
        var pixels = args.Inputs[0].Shape;
        NormalizeImage.CheckImageSizes(args.Inputs[1].Span<int>(), pixels);
        args.Parallel(pixels[0] * pixels[1]);
    }

    public override void Row(KernelArgs args, int index, int worker)
    {
        var op = (NormalizeImage)args.Op;
        var lanes = (Lanes)args.Bound!;
        var sizes = args.Inputs[1].Span<int>();
        var y = args.Out(0);
        int n = index / y.H, row = index % y.H, channels = y.C, rowLength = y.W * channels;
        var target = y.Pixels(n, row, 0, y.W);
        int valid = row < sizes[2 * n] ? sizes[2 * n + 1] * channels : 0;
        var source = args.Inputs[0].Span<byte>().Slice(index * rowLength, valid);
        int width = Vector<float>.Count, block = Vector<byte>.Count;
        int i = 0;
        // Widen a vector of bytes to four vectors of floats at a time.
        for (; i <= valid - block; i += block)
        {
            Vector.Widen(new Vector<byte>(source[i..]), out var low, out var high);
            Vector.Widen(low, out var q0, out var q1);
            Vector.Widen(high, out var q2, out var q3);
            Store(target, i, Vector.ConvertToSingle(q0), lanes, channels);
            Store(target, i + width, Vector.ConvertToSingle(q1), lanes, channels);
            Store(target, i + 2 * width, Vector.ConvertToSingle(q2), lanes, channels);
            Store(target, i + 3 * width, Vector.ConvertToSingle(q3), lanes, channels);
        }
        for (; i < valid; i++) target[i] = (source[i] - op.Mean[i % channels]) / op.Std[i % channels];
        target[valid..].Clear();
    }

    private static void Store(Span<float> target, int at, Vector<float> value, Lanes lanes, int channels)
    {
        int phase = at % channels;
        ((value - lanes.Mean[phase]) / lanes.Std[phase]).CopyTo(target[at..]);
    }
}
