using D2Sharp.Graph;

namespace D2Sharp.Backends.Cuda.Kernels;

/// <summary>Relu on the device (elementwise.cu): RetinaNet's ReLU(P6) before P7.</summary>
internal sealed class ReluKernel : CudaKernel
{
    public override void Enqueue(CudaStep step)
    {
        long count = Tensor.CountElements(step.OutputShapes[0]);
        var p = new ReluParams { X = step.Inputs[0], Y = step.Outputs[0], Count = count };
        ElementwiseLaunch.Enqueue(step, "elementwise", "d2_relu", count, ref p);
    }
}
