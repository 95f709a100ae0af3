using D2Sharp.Backends.Host;
using D2Sharp.Ops;

namespace D2Sharp.Backends.Reference.Kernels;

/// <summary><see cref="BoxDecode"/>: one anchor at a time through <see cref="Box2BoxTransform"/>. Parallel over the batch.</summary>
internal sealed class BoxDecodeKernel : HostKernel
{
    public override void Run(KernelArgs args) => args.Parallel(args.Outputs[0].Shape[0]);

    public override void Row(KernelArgs args, int index, int worker)
    {
        var op = (BoxDecode)args.Op;
        var deltas = args.In(0);
        var anchors = args.Inputs[1].Span<float>();
        int k = args.Inputs[2].Shape[1], perCell = deltas.C / 4;
        var indices = args.Inputs[2].Span<long>().Slice(index * k, k);
        var boxes = args.Outputs[0].Span<float>().Slice(index * k * 4, k * 4);
        for (int r = 0; r < k; r++)
        {
            var box = boxes.Slice(4 * r, 4);
            long i = indices[r];
            if (i < 0)
            {
                box.Clear();
                continue;
            }
            int anchor = (int)(i / op.ClassesPerAnchor), cell = anchor / perCell, a = anchor % perCell;
            var d = deltas.Pixel(index, cell / deltas.W, cell % deltas.W).Slice(4 * a, 4);
            Box2BoxTransform.Apply(anchors.Slice(4 * anchor, 4), d, op.Weights, op.ScaleClamp, box);
        }
    }
}
