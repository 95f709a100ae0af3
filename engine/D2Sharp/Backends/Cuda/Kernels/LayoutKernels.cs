namespace D2Sharp.Backends.Cuda.Kernels;

/// <summary>NCHW ↔ NHWC at the plan's boundary (layout.cu): feature maps enter and leave as NCHW.</summary>
internal static class LayoutKernels
{
    public static void NchwToNhwc(CudaDevice device, ulong nchw, ulong nhwc, int[] shape, string value) =>
        Launch(device, "d2_nchw_to_nhwc", nchw, nhwc, shape, value);

    public static void NhwcToNchw(CudaDevice device, ulong nhwc, ulong nchw, int[] shape, string value) =>
        Launch(device, "d2_nhwc_to_nchw", nhwc, nchw, shape, value);

    private static void Launch(CudaDevice device, string entry, ulong x, ulong y, int[] shape, string value)
    {
        var p = new LayoutParams { X = x, Y = y, N = shape[0], C = shape[1], Hw = shape[2] * shape[3] };
        if ((long)p.N * p.C * p.Hw == 0) return;
        var (grid, block) = LaunchShapes.Layout(p.N, p.C, p.Hw);
        device.Launch(device.Function("layout", entry), grid, block, ref p, value);
    }
}
