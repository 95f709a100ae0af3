using D2Sharp.Graph;
using D2Sharp.Ops;
using D2Sharp.Weights;

namespace D2Sharp.Backends.Cuda.Kernels;

/// <summary>
/// GroupNorm (+ ReLU) on the device (group_norm.cu): one block per (image, group) reduces the
/// statistics into the node's scratch, then an elementwise pass normalises.
/// </summary>
internal sealed class GroupNormKernel : CudaKernel
{
    public override IDisposable? Bind(Node node, NodeWeights? weights, CudaDevice device)
    {
        var w = weights ?? throw new ArgumentException("no weights were bound");
        return new DeviceWeights(device.Upload(w.Weight), device.Upload(w.Bias ?? throw new ArgumentException("GroupNorm has no bias")));
    }

    public override void Prepare(CudaStep step) =>
        step.ScratchBytes = (long)step.InputShapes[0][0] * ((GroupNorm)step.Op).Groups * 2 * sizeof(float);

    public override void Enqueue(CudaStep step)
    {
        var op = (GroupNorm)step.Op;
        var weights = (DeviceWeights)step.Weights!;
        int[] x = step.InputShapes[0];
        var p = new GroupNormParams
        {
            X = step.Inputs[0], Y = step.Outputs[0], Weight = weights.Weight, Bias = weights.Bias, Stats = step.Scratch,
            N = x[0], Hw = x[2] * x[3], C = x[1], Groups = op.Groups, Eps = op.Eps, Relu = op.Activation == Activation.Relu ? 1 : 0,
        };
        var (grid, block) = LaunchShapes.GroupNormStats(p.N, p.Groups);
        step.Device.Launch(step.Device.Function("group_norm", "d2_group_norm_stats"), (grid, 1, 1), (block, 1, 1), ref p, step.Node.Name);
        ElementwiseLaunch.Enqueue(step, "group_norm", "d2_group_norm_apply", Tensor.CountElements(x), ref p);
    }
}
