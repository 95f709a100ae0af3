using D2Sharp.Graph;
using D2Sharp.Ops;

namespace D2Sharp.Backends.Cuda.Kernels;

/// <summary>MaxPool2d on the device (max_pool2d.cu): the ResNet stem's 3×3/2 and FPN's P6 subsample.</summary>
internal sealed class MaxPool2dKernel : CudaKernel
{
    public override void Enqueue(CudaStep step)
    {
        var op = (MaxPool2d)step.Op;
        int[] x = step.InputShapes[0], y = step.OutputShapes[0];
        var p = new MaxPool2dParams
        {
            X = step.Inputs[0], Y = step.Outputs[0], N = x[0], H = x[2], W = x[3], C = x[1], Ho = y[2], Wo = y[3],
            Kernel = op.Kernel, Stride = op.Stride, Padding = op.Padding,
        };
        ElementwiseLaunch.Enqueue(step, "max_pool2d", "d2_max_pool2d", Tensor.CountElements(y), ref p);
    }
}
