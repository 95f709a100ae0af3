using D2Sharp.Backends.Host;
using D2Sharp.Ops;

namespace D2Sharp.Backends.Reference.Kernels;

/// <summary><see cref="RefineBoxes"/>: each counted box through <see cref="Box2BoxTransform"/>, then clamped to its image. Parallel over the batch.</summary>
internal sealed class RefineBoxesKernel : HostKernel
{
    public override void Run(KernelArgs args) => args.Parallel(args.Inputs[1].Shape[0]);

    public override void Row(KernelArgs args, int index, int worker)
    {
        var op = (RefineBoxes)args.Op;
        int p = args.Inputs[1].Shape[1], count = args.Inputs[2].Span<int>()[index];
        var sizes = args.Inputs[3].Span<int>();
        float height = sizes[2 * index], width = sizes[2 * index + 1];
        var deltas = args.Inputs[0].Span<float>().Slice(index * p * 4, p * 4);
        var boxes = args.Inputs[1].Span<float>().Slice(index * p * 4, p * 4);
        var refined = args.Outputs[0].Span<float>().Slice(index * p * 4, p * 4);
        for (int r = 0; r < p; r++)
        {
            var box = refined.Slice(4 * r, 4);
            if (r >= count)
            {
                box.Clear();
                continue;
            }
            Box2BoxTransform.Apply(boxes.Slice(4 * r, 4), deltas.Slice(4 * r, 4), op.Weights, op.ScaleClamp, box);
            box[0] = Math.Clamp(box[0], 0f, width);
            box[1] = Math.Clamp(box[1], 0f, height);
            box[2] = Math.Clamp(box[2], 0f, width);
            box[3] = Math.Clamp(box[3], 0f, height);
        }
    }
}
