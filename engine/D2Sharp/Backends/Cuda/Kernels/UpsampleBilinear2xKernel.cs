using D2Sharp.Ops;

namespace D2Sharp.Backends.Cuda.Kernels;

/// <summary>
/// UpsampleBilinear2x on the device (upsample_bilinear2x.cu): the keypoint head's heatmaps
/// upsampled where its deconvolution left them, so the keypoint head runs whole on the GPU and no
/// segment of its own follows it on the CPU. Row-wise on the ROI slots: the executor zeroes the
/// unused slots' rows after it.
/// </summary>
internal sealed class UpsampleBilinear2xKernel : CudaKernel
{
    public override void Enqueue(CudaStep step)
    {
        var p = Params(step.InputShapes[0], step.Inputs[0], step.Outputs[0]);
        ElementwiseLaunch.Enqueue(step, "upsample_bilinear2x", "d2_upsample_bilinear2x", (long)p.N * 2 * p.H * 2 * p.W * p.C, ref p);
    }

    /// <summary>The launch's parameters for an input of logical shape <paramref name="x"/> [N, C, H, W]; the host-emulation tests build theirs here too.</summary>
    internal static UpsampleBilinear2xParams Params(int[] x, ulong input, ulong y) => new()
    {
        X = input, Y = y, N = x[0], H = x[2], W = x[3], C = x[1],
    };
}
