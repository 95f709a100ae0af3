using D2Sharp.Backends.Host;
using D2Sharp.Ops;

namespace D2Sharp.Backends.Reference.Kernels;

/// <summary>
/// <see cref="AnchorGrid"/>: for each grid cell (row-major) and each cell anchor, the anchor
/// shifted by the cell's float32 arange value. Reads only the input's shape; runs once per plan.
/// </summary>
internal sealed class AnchorGridKernel : HostKernel
{
    public override void Run(KernelArgs args)
    {
        var op = (AnchorGrid)args.Op;
        var feature = args.Inputs[0].Shape;
        var y = args.Outputs[0].Span<float>();
        int at = 0;
        for (int gy = 0; gy < feature[2]; gy++)
        {
            float shiftY = Shift(op, gy);
            for (int gx = 0; gx < feature[3]; gx++)
            {
                float shiftX = Shift(op, gx);
                for (int a = 0; a < op.NumCellAnchors; a++)
                {
                    y[at++] = shiftX + op.CellAnchors[4 * a];
                    y[at++] = shiftY + op.CellAnchors[4 * a + 1];
                    y[at++] = shiftX + op.CellAnchors[4 * a + 2];
                    y[at++] = shiftY + op.CellAnchors[4 * a + 3];
                }
            }
        }
    }

    /// <summary>torch.arange(offset·stride, W·stride, stride, dtype=float32)[index]: computed in double, rounded once.</summary>
    private static float Shift(AnchorGrid op, int index) => (float)((double)op.Offset * op.Stride + (double)index * op.Stride);
}
