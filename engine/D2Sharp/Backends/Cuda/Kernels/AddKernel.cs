using D2Sharp.Graph;
using D2Sharp.Ops;

namespace D2Sharp.Backends.Cuda.Kernels;

/// <summary>Add (+ ReLU) on the device (elementwise.cu): the GN blocks' residual join.</summary>
internal sealed class AddKernel : CudaKernel
{
    public override void Enqueue(CudaStep step)
    {
        long count = Tensor.CountElements(step.OutputShapes[0]);
        var p = new AddParams
        {
            A = step.Inputs[0], B = step.Inputs[1], Y = step.Outputs[0], Count = count,
            Relu = ((Add)step.Op).Activation == Activation.Relu ? 1 : 0,
        };
        ElementwiseLaunch.Enqueue(step, "elementwise", "d2_add", count, ref p);
    }
}
