using D2Sharp.Graph;
using D2Sharp.Ops;

namespace D2Sharp.Backends.Cuda.Kernels;

/// <summary>UpsampleAdd on the device (upsample_add.cu): four channels per thread as float4 when C allows.</summary>
internal sealed class UpsampleAddKernel : CudaKernel
{
    public override void Enqueue(CudaStep step)
    {
        var op = (UpsampleAdd)step.Op;
        int[] top = step.InputShapes[0];
        var p = new UpsampleAddParams
        {
            Top = step.Inputs[0], Lateral = step.Inputs[1], Y = step.Outputs[0],
            N = top[0], H = top[2], W = top[3], C = top[1],
            Bilinear = op.Mode == UpsampleMode.Bilinear ? 1 : 0, Average = op.Fuse == FuseType.Avg ? 1 : 0,
        };
        long count = Tensor.CountElements(step.OutputShapes[0]);
        if (p.C % 4 == 0) ElementwiseLaunch.Enqueue(step, "upsample_add", "d2_upsample_add_vec4", count / 4, ref p);
        else ElementwiseLaunch.Enqueue(step, "upsample_add", "d2_upsample_add", count, ref p);
    }
}
