using D2Sharp.Graph;
using D2Sharp.Ops;
using D2Sharp.Weights;

namespace D2Sharp.Backends.Cuda.Kernels;

/// <summary>AnchorGrid on the device (anchor_grid.cu), run once per plan into the plan's constants.</summary>
internal sealed class AnchorGridKernel : CudaKernel
{
    public override IDisposable? Bind(Node node, NodeWeights? weights, CudaDevice device) =>
        new DeviceWeights(device.Upload(((AnchorGrid)node.Op).CellAnchors), null);

    public override void Enqueue(CudaStep step)
    {
        var op = (AnchorGrid)step.Op;
        int[] feature = step.InputShapes[0];
        var p = new AnchorGridParams
        {
            CellAnchors = ((DeviceWeights)step.Weights!).Weight, Y = step.Outputs[0],
            H = feature[2], W = feature[3], A = op.NumCellAnchors, Stride = op.Stride, Offset = op.Offset,
        };
        ElementwiseLaunch.Enqueue(step, "anchor_grid", "d2_anchor_grid", (long)p.H * p.W * p.A, ref p);
    }
}
