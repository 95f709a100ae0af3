namespace D2Sharp.Backends.Cuda.Kernels;

/// <summary>The one-dimensional launch most kernels take: LaunchShapes.Elementwise over <c>count</c> threads.</summary>
internal static class ElementwiseLaunch
{
    public static void Enqueue<T>(CudaStep step, string stem, string entry, long count, ref T parameters) where T : unmanaged
    {
        if (count == 0) return;
        var (grid, block) = LaunchShapes.Elementwise(count);
        step.Device.Launch(step.Device.Function(stem, entry), (grid, 1, 1), (block, 1, 1), ref parameters, step.Node.Name);
    }
}
