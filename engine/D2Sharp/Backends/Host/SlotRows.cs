using D2Sharp.Graph;
using D2Sharp.Memory;

namespace D2Sharp.Backends.Host;

/// <summary>
/// Runs a row-wise node of the ROI heads (<see cref="Node.SlotCount"/>) on the slots in use only.
/// Its rows are N images × S slots, sized for the plan's bound (POST_NMS_TOPK_TEST proposals,
/// DETECTIONS_PER_IMAGE detections); an image usually fills few of them, and the mask and
/// keypoint heads cost as much per slot as a small backbone. Per image the kernel sees the used
/// rows as a batch of their own, and the rows of the other slots are zeroed, as RoiAlign leaves
/// them, so every value keeps the same contents whatever the counts. The shape arrays are made
/// once with the plan: a run allocates nothing.
/// </summary>
internal sealed unsafe class SlotRows
{
    private readonly (bool Constant, long Offset) _count;
    private readonly int _images, _slots;
    private readonly TensorView[] _inputs, _outputs;
    private readonly int[][] _inputShapes, _outputShapes;

    public SlotRows(Node node, Value count, ExecutionPlan plan, ArenaLayout layout)
    {
        _count = (layout.IsConstant(count), layout.OffsetOf(count));
        _images = plan.ShapeOf(count)[0];
        int rows = plan.ShapeOf(node.Output)[0];
        _slots = rows / _images;
        foreach (var v in node.Inputs.Concat(node.Outputs))
            if (plan.ShapeOf(v)[0] != rows || rows % _images != 0)
                throw new ExecutionException($"node '{node.Name}': '{v.Name}' {Tensor.ShapeString(plan.ShapeOf(v))} does not hold {_images} images' slots of {rows} rows");
        _inputs = new TensorView[node.Inputs.Count];
        _outputs = new TensorView[node.Outputs.Count];
        _inputShapes = node.Inputs.Select(v => (int[])plan.ShapeOf(v).Clone()).ToArray();
        _outputShapes = node.Outputs.Select(v => (int[])plan.ShapeOf(v).Clone()).ToArray();
    }

    /// <summary>Runs <paramref name="args"/>' kernel once per image with slots in use, then zeroes the unused slots' output rows.</summary>
    public void Run(KernelArgs args, byte* arena, byte* constants)
    {
        var counts = (int*)((_count.Constant ? constants : arena) + _count.Offset);
        args.Inputs.CopyTo(_inputs, 0);
        args.Outputs.CopyTo(_outputs, 0);
        try
        {
            for (int image = 0; image < _images; image++)
            {
                int used = Math.Clamp(counts[image], 0, _slots), first = image * _slots;
                if (used > 0)
                {
                    for (int i = 0; i < _inputs.Length; i++) args.Inputs[i] = Rows(_inputs[i], _inputShapes[i], first, used);
                    for (int i = 0; i < _outputs.Length; i++) args.Outputs[i] = Rows(_outputs[i], _outputShapes[i], first, used);
                    args.Kernel.Run(args);
                }
                foreach (var output in _outputs)
                {
                    long row = RowBytes(output);
                    new Span<byte>(output.Data + (first + used) * row, checked((int)((_slots - used) * row))).Clear();
                }
            }
        }
        finally
        {
            _inputs.CopyTo(args.Inputs, 0);
            _outputs.CopyTo(args.Outputs, 0);
        }
    }

    private static long RowBytes(TensorView view) => view.Length / view.Shape[0] * view.Type.SizeOf();

    /// <summary><paramref name="count"/> rows of <paramref name="full"/> from row <paramref name="first"/>, described by the reused <paramref name="shape"/>.</summary>
    private static TensorView Rows(TensorView full, int[] shape, int first, int count)
    {
        shape[0] = count;
        return new TensorView(full.Data + first * RowBytes(full), shape, full.Type);
    }
}
