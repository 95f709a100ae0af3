using System.Numerics;
using D2Sharp.Backends.Host;
using D2Sharp.Ops;

namespace D2Sharp.Backends.Cpu.Kernels;

/// <summary><see cref="Relu"/>: y = max(x, 0), NaN kept, over <see cref="Vector{T}"/>s, in chunks across the workers.</summary>
internal sealed class ReluKernel : HostKernel
{
    public override void Run(KernelArgs args) => args.Parallel(Chunks.Count(args.Outputs[0].Length));

    public override void Row(KernelArgs args, int index, int worker)
    {
        var (start, length) = Chunks.Range(index, args.Outputs[0].Length);
        var x = args.Inputs[0].Span<float>().Slice(start, length);
        var y = args.Outputs[0].Span<float>().Slice(start, length);
        int i = 0;
        for (; i <= length - Vector<float>.Count; i += Vector<float>.Count)
            Vector.Max(new Vector<float>(x[i..]), Vector<float>.Zero).CopyTo(y[i..]);
        for (; i < length; i++) y[i] = MathF.Max(x[i], 0f);
    }
}
