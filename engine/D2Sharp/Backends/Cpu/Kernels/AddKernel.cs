using System.Numerics;
using D2Sharp.Backends.Host;
using D2Sharp.Ops;

namespace D2Sharp.Backends.Cpu.Kernels;

/// <summary><see cref="Add"/>: y = act(a + b) over <see cref="Vector{T}"/>s, in chunks across the workers (y may be a or b).</summary>
internal sealed class AddKernel : HostKernel
{
    public override void Run(KernelArgs args) => args.Parallel(Chunks.Count(args.Outputs[0].Length));

    public override void Row(KernelArgs args, int index, int worker)
    {
        var (start, length) = Chunks.Range(index, args.Outputs[0].Length);
        var a = args.Inputs[0].Span<float>().Slice(start, length);
        var b = args.Inputs[1].Span<float>().Slice(start, length);
        var y = args.Outputs[0].Span<float>().Slice(start, length);
        bool relu = ((Add)args.Op).Activation == Activation.Relu;
        int i = 0;
        for (; i <= length - Vector<float>.Count; i += Vector<float>.Count)
        {
            var sum = new Vector<float>(a[i..]) + new Vector<float>(b[i..]);
            (relu ? Vector.Max(sum, Vector<float>.Zero) : sum).CopyTo(y[i..]);
        }
        for (; i < length; i++) y[i] = relu ? MathF.Max(a[i] + b[i], 0f) : a[i] + b[i];
    }
}
