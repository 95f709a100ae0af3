namespace D2Sharp.Bindings.Tests;

[Category("Cuda")]
public unsafe class CublasDeviceTests
{
    [Test]
    public void SgemmRowMajorMatchesReference()
    {
        using var context = CudaDevice.Open();
        CudaDevice.RequireLibrary(NativeLibraries.Cublas);
        const int m = 7, n = 5, k = 9;
        var a = Enumerable.Range(0, m * k).Select(i => MathF.Cos(i * 0.3f)).ToArray();  // row-major m×k
        var b = Enumerable.Range(0, k * n).Select(i => MathF.Sin(i * 0.7f)).ToArray();  // row-major k×n
        var expected = new float[m * n];
        for (var i = 0; i < m; i++)
        for (var j = 0; j < n; j++)
        {
            double sum = 0;
            for (var p = 0; p < k; p++) sum += a[i * k + p] * b[p * n + j];
            expected[i * n + j] = (float)sum;
        }

        using var blas = CublasHandle.Create();
        CublasException.ThrowIfFailed(Cublas.cublasSetMathMode(blas.DangerousGetHandle(), CublasMath.PedanticMath), "cublasSetMathMode");
        CublasException.ThrowIfFailed(Cublas.cublasGetVersion_v2(blas.DangerousGetHandle(), out var version), "cublasGetVersion_v2");
        Assert.That(version, Is.GreaterThanOrEqualTo(120000));
        using var da = Upload(a);
        using var db = Upload(b);
        using var dc = DeviceMemoryHandle.Allocate((nuint)(m * n * sizeof(float)));
        float alpha = 1, beta = 0;
        // Column-major view: Cᵀ (n×m) = Bᵀ (n×k) · Aᵀ (k×m).
        CublasException.ThrowIfFailed(Cublas.cublasSgemm_v2(blas.DangerousGetHandle(), CublasOperation.N, CublasOperation.N, n, m, k,
            &alpha, db.Address, n, da.Address, k, &beta, dc.Address, n), "cublasSgemm_v2");
        CudaException.ThrowIfFailed(CudaDriver.cuCtxSynchronize(), "cuCtxSynchronize");

        var c = new float[m * n];
        fixed (float* p = c)
            CudaException.ThrowIfFailed(CudaDriver.cuMemcpyDtoH_v2(p, dc.Address, (nuint)(c.Length * sizeof(float))), "cuMemcpyDtoH_v2");
        Assert.That(c, Is.EqualTo(expected).Within(1e-5f));
    }

    private static DeviceMemoryHandle Upload(float[] data)
    {
        var memory = DeviceMemoryHandle.Allocate((nuint)(data.Length * sizeof(float)));
        fixed (float* p = data)
            CudaException.ThrowIfFailed(CudaDriver.cuMemcpyHtoD_v2(memory.Address, p, memory.Bytes), "cuMemcpyHtoD_v2");
        return memory;
    }
}
