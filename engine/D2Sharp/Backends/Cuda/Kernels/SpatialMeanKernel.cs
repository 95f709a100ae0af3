namespace D2Sharp.Backends.Cuda.Kernels;

/// <summary>SpatialMean on the device (spatial_mean.cu): the C4 box head's mean of res5 over each box's map, so the head stays on the GPU.</summary>
internal sealed class SpatialMeanKernel : CudaKernel
{
    public override void Enqueue(CudaStep step)
    {
        int[] x = step.InputShapes[0];
        var p = new SpatialMeanParams { X = step.Inputs[0], Y = step.Outputs[0], Rows = x[0], Plane = x[2] * x[3], C = x[1] };
        ElementwiseLaunch.Enqueue(step, "spatial_mean", "d2_spatial_mean", p.Rows * p.C, ref p);
    }
}
