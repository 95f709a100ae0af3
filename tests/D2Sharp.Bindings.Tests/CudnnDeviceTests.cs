namespace D2Sharp.Bindings.Tests;

[Category("Cuda")]
public unsafe class CudnnDeviceTests
{
    [Test]
    public void Conv3x3NhwcFp32WithFmaMathMatchesReference()
    {
        using var context = CudaDevice.Open();
        CudaDevice.RequireLibrary(NativeLibraries.Cudnn);
        const int n = 1, h = 5, w = 6, c = 3, k = 4, r = 3;
        var x = Fill(n * h * w * c, 0.37f);
        var weights = Fill(k * r * r * c, -0.21f);
        var expected = Reference(x, weights, n, h, w, c, k, r, pad: 1);

        using var cudnn = CudnnHandle.Create();
        using var xDesc = CudnnTensorDescriptorHandle.Create4d(CudnnTensorFormat.Nhwc, CudnnDataType.Float, n, c, h, w);
        using var wDesc = CudnnFilterDescriptorHandle.Create4d(CudnnDataType.Float, CudnnTensorFormat.Nhwc, k, c, r, r);
        using var conv = CudnnConvolutionDescriptorHandle.Create2d(1, 1, 1, 1, mathType: CudnnMathType.FmaMath);
        CudnnException.ThrowIfFailed(Cudnn.cudnnGetConvolution2dForwardOutputDim(conv.DangerousGetHandle(), xDesc.DangerousGetHandle(),
            wDesc.DangerousGetHandle(), out var on, out var oc, out var oh, out var ow), "cudnnGetConvolution2dForwardOutputDim");
        Assert.That(new[] { on, oc, oh, ow }, Is.EqualTo(new[] { n, k, h, w }));
        using var yDesc = CudnnTensorDescriptorHandle.Create4d(CudnnTensorFormat.Nhwc, CudnnDataType.Float, n, k, h, w);

        var perf = stackalloc CudnnConvolutionFwdAlgoPerf[8];
        CudnnException.ThrowIfFailed(Cudnn.cudnnGetConvolutionForwardAlgorithm_v7(cudnn.DangerousGetHandle(), xDesc.DangerousGetHandle(),
            wDesc.DangerousGetHandle(), conv.DangerousGetHandle(), yDesc.DangerousGetHandle(), 8, out var returned, perf), "cudnnGetConvolutionForwardAlgorithm_v7");
        var algo = Enumerable.Range(0, returned).Select(i => perf[i]).First(p => p.Status == CudnnStatus.Success && p.MathType != CudnnMathType.TensorOpMath).Algo;
        CudnnException.ThrowIfFailed(Cudnn.cudnnGetConvolutionForwardWorkspaceSize(cudnn.DangerousGetHandle(), xDesc.DangerousGetHandle(),
            wDesc.DangerousGetHandle(), conv.DangerousGetHandle(), yDesc.DangerousGetHandle(), algo, out var wsBytes), "cudnnGetConvolutionForwardWorkspaceSize");

        using var dx = Upload(x);
        using var dw = Upload(weights);
        using var dy = DeviceMemoryHandle.Allocate((nuint)(expected.Length * sizeof(float)));
        using var ws = wsBytes > 0 ? DeviceMemoryHandle.Allocate(wsBytes) : null;
        float alpha = 1, beta = 0;
        CudnnException.ThrowIfFailed(Cudnn.cudnnConvolutionForward(cudnn.DangerousGetHandle(), &alpha, xDesc.DangerousGetHandle(), dx.Address,
            wDesc.DangerousGetHandle(), dw.Address, conv.DangerousGetHandle(), algo, ws?.Address ?? 0, wsBytes, &beta,
            yDesc.DangerousGetHandle(), dy.Address), "cudnnConvolutionForward");
        CudaException.ThrowIfFailed(CudaDriver.cuCtxSynchronize(), "cuCtxSynchronize");

        var y = new float[expected.Length];
        fixed (float* p = y)
            CudaException.ThrowIfFailed(CudaDriver.cuMemcpyDtoH_v2(p, dy.Address, (nuint)(y.Length * sizeof(float))), "cuMemcpyDtoH_v2");
        Assert.That(y, Is.EqualTo(expected).Within(1e-5f), $"algorithm {algo}");
    }

    private static float[] Fill(int count, float step)
        => Enumerable.Range(0, count).Select(i => MathF.Sin(i * step) * 0.5f).ToArray();

    /// <summary>Cross-correlation, NHWC input, KRSC weights, zero padding, stride 1.</summary>
    private static float[] Reference(float[] x, float[] wt, int n, int h, int w, int c, int k, int r, int pad)
    {
        var y = new float[n * h * w * k];
        for (var b = 0; b < n; b++)
        for (var oy = 0; oy < h; oy++)
        for (var ox = 0; ox < w; ox++)
        for (var o = 0; o < k; o++)
        {
            double sum = 0;
            for (var ky = 0; ky < r; ky++)
            for (var kx = 0; kx < r; kx++)
            {
                int iy = oy + ky - pad, ix = ox + kx - pad;
                if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                for (var i = 0; i < c; i++)
                    sum += x[((b * h + iy) * w + ix) * c + i] * wt[((o * r + ky) * r + kx) * c + i];
            }
            y[((b * h + oy) * w + ox) * k + o] = (float)sum;
        }
        return y;
    }

    private static DeviceMemoryHandle Upload(float[] data)
    {
        var memory = DeviceMemoryHandle.Allocate((nuint)(data.Length * sizeof(float)));
        fixed (float* p = data)
            CudaException.ThrowIfFailed(CudaDriver.cuMemcpyHtoD_v2(memory.Address, p, memory.Bytes), "cuMemcpyHtoD_v2");
        return memory;
    }
}
