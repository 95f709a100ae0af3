namespace D2Sharp.Backends.Cuda.Kernels;

/// <summary>
/// The convolutions' epilogue, d2_bias_activation (elementwise.cu): y = act(y + bias[c] + residual)
/// in place; a bias or residual address of 0 leaves that term out.
/// </summary>
internal static class BiasActivation
{
    public static void Enqueue(CudaDevice device, ulong y, ulong bias, ulong residual, long count, int channels, bool relu, string node)
    {
        var p = new BiasActivationParams { Y = y, Bias = bias, Residual = residual, Count = count, C = channels, Relu = relu ? 1 : 0 };
        var (grid, block) = LaunchShapes.Elementwise(count);
        device.Launch(device.Function("elementwise", "d2_bias_activation"), (grid, 1, 1), (block, 1, 1), ref p, node);
    }
}
