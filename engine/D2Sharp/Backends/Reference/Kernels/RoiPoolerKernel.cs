using D2Sharp.Backends.Host;
using D2Sharp.Ops;

namespace D2Sharp.Backends.Reference.Kernels;

/// <summary>
/// What the <see cref="RoiPooler"/> kernels share: one box (output row) at a time, parallel over
/// the rows; a slot past its image's count, or a box Detectron2 assigns to no level (a NaN
/// level), gives a zero row; any other box is pooled from its level by <see cref="Pool"/>.
/// </summary>
internal abstract class RoiPoolerKernel<TOp> : HostKernel where TOp : RoiPooler
{
    public override void Run(KernelArgs args) => args.Parallel(args.Outputs[0].Shape[0]);

    public override void Row(KernelArgs args, int index, int worker)
    {
        var op = (TOp)args.Op;
        var y = args.Out(0);
        int perImage = args.Inputs[op.Levels].Shape[1], n = index / perImage, r = index % perImage;
        var box = args.Inputs[op.Levels].Span<float>().Slice(index * 4, 4);
        int level = r < args.Inputs[op.Levels + 1].Span<int>()[n] ? op.LevelIndex(box[0], box[1], box[2], box[3]) : -1;
        if (level < 0)
        {
            y.Pixels(index, 0, 0, y.H * y.W).Clear();
            return;
        }
        Pool(op, args.In(level), n, box, op.Scales[level], y, index);
    }

    /// <summary>Writes row <paramref name="index"/> of <paramref name="y"/>: the box pooled from image <paramref name="n"/> of <paramref name="x"/> at <paramref name="scale"/>.</summary>
    protected abstract void Pool(TOp op, FeatureMap x, int n, ReadOnlySpan<float> box, float scale, FeatureMap y, int index);
}
