using D2Sharp.Bindings;

namespace D2Sharp.Backends.Cuda.Kernels;

/// <summary>
/// cuDNN's forward algorithm for one convolution shape: measured once with
/// cudnnFindConvolutionForwardAlgorithm when a plan is prepared (never during a run), the fastest
/// that succeeded and whose workspace stays under <see cref="MaxWorkspaceBytes"/>.
/// </summary>
internal static unsafe class CudnnAlgorithms
{
    /// <summary>
    /// The most scratch one convolution may take from the arena: a sixteenth of the device's memory,
    /// at most 2 GiB. The scratch is reused from step to step; with a 256 MiB cap cuDNN fell back to
    /// a 31 ms algorithm for FPN's 3×3 P2 conv at batch 4 on an H200 (2.7 ms at batch 1).
    /// </summary>
    public static long MaxWorkspaceBytes(CudaDevice device) => Math.Min(device.TotalMemory / 16, 2L << 30);

    public static CudnnConvolutionFwdAlgo Find(CudaDevice device, CudnnTensorDescriptorHandle x, CudnnFilterDescriptorHandle filter,
        CudnnConvolutionDescriptorHandle convolution, CudnnTensorDescriptorHandle y, out long workspace)
    {
        const int requested = 8;
        var results = stackalloc CudnnConvolutionFwdAlgoPerf[requested];
        CudnnException.ThrowIfFailed(Cudnn.cudnnFindConvolutionForwardAlgorithm(device.Cudnn.DangerousGetHandle(), x.DangerousGetHandle(),
            filter.DangerousGetHandle(), convolution.DangerousGetHandle(), y.DangerousGetHandle(), requested, out int returned, results),
            "cudnnFindConvolutionForwardAlgorithm");
        for (int i = 0; i < returned; i++)
        {
            if (results[i].Status != CudnnStatus.Success || (long)results[i].Memory > MaxWorkspaceBytes(device)) continue;
            workspace = (long)results[i].Memory;
            return results[i].Algo;
        }
        throw new D2SharpException($"cuDNN found no forward algorithm for this convolution within {MaxWorkspaceBytes(device) >> 20} MiB of workspace ({returned} tried)");
    }
}
