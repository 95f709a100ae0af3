using D2Sharp.Backends.Host;
using D2Sharp.Ops;

namespace D2Sharp.Backends.Reference.Kernels;

/// <summary><see cref="BoxDecode"/>: one anchor at a time, in Detectron2's float32 operation order. Parallel over the batch.</summary>
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
        float wx = op.Weights[0], wy = op.Weights[1], ww = op.Weights[2], wh = op.Weights[3];
        for (int r = 0; r < k; r++)
        {
            var box = boxes.Slice(4 * r, 4);
            long i = indices[r];
            if (i < 0)
            {
                box.Clear();
                continue;
            }
            int anchor = (int)i, cell = anchor / perCell, a = anchor % perCell;
            var d = deltas.Pixel(index, cell / deltas.W, cell % deltas.W).Slice(4 * a, 4);
            var b = anchors.Slice(4 * anchor, 4);
            float width = b[2] - b[0], height = b[3] - b[1];
            float cx = b[0] + 0.5f * width, cy = b[1] + 0.5f * height;
            float dx = d[0] / wx, dy = d[1] / wy;
            float dw = MathF.Min(d[2] / ww, op.ScaleClamp), dh = MathF.Min(d[3] / wh, op.ScaleClamp);
            float px = dx * width + cx, py = dy * height + cy;
            float pw = MathF.Exp(dw) * width, ph = MathF.Exp(dh) * height;
            box[0] = px - 0.5f * pw;
            box[1] = py - 0.5f * ph;
            box[2] = px + 0.5f * pw;
            box[3] = py + 0.5f * ph;
        }
    }
}
