using D2Sharp.Bindings;

namespace D2Sharp.Backends.Cuda;

/// <summary>
/// What one bound model holds on its GPU: the device's primary context, one stream that every
/// step, copy and graph launch goes to, a cuDNN and a cuBLAS handle bound to that stream, and the
/// PTX modules of our kernels, JIT-compiled once when first used.
/// </summary>
internal sealed unsafe class CudaDevice : IDisposable
{
    /// <summary>cuBLAS's own workspace, set explicitly so that captured GEMMs never allocate.</summary>
    private const int CublasWorkspaceBytes = 32 << 20;

    private readonly Dictionary<string, CudaModuleHandle> _modules = [];
    private readonly Dictionary<string, nint> _functions = [];
    private readonly DeviceMemoryHandle _cublasWorkspace;

    public CudaDevice(int ordinal, CudaPrecision precision)
    {
        Ordinal = ordinal;
        Precision = precision;
        CudaException.ThrowIfFailed(CudaDriver.cuInit(0), "cuInit");
        CudaException.ThrowIfFailed(CudaDriver.cuDeviceGetCount(out int count), "cuDeviceGetCount");
        if (ordinal >= count)
            throw new D2SharpException($"device 'cuda:{ordinal}': this machine has {count} CUDA device{(count == 1 ? "" : "s")}");
        Context = CudaContextHandle.RetainPrimary(ordinal);
        MakeCurrent();
        CudaException.ThrowIfFailed(CudaDriver.cuDeviceGetAttribute(out int major, CuDeviceAttribute.ComputeCapabilityMajor, ordinal), "cuDeviceGetAttribute");
        CudaException.ThrowIfFailed(CudaDriver.cuDeviceGetAttribute(out int minor, CuDeviceAttribute.ComputeCapabilityMinor, ordinal), "cuDeviceGetAttribute");
        ComputeCapability = (major, minor);
        CudaException.ThrowIfFailed(CudaDriver.cuDeviceTotalMem_v2(out nuint memory, ordinal), "cuDeviceTotalMem_v2");
        TotalMemory = (long)memory;
        Name = CudaDriver.DeviceName(ordinal);
        Stream = CudaStreamHandle.Create();
        Cudnn = CudnnHandle.Create();
        Cudnn.SetStream(Stream);
        Cublas = CublasHandle.Create();
        Cublas.SetStream(Stream);
        CublasException.ThrowIfFailed(Bindings.Cublas.cublasSetMathMode(Cublas.DangerousGetHandle(),
            precision == CudaPrecision.Tf32 ? CublasMath.Tf32TensorOpMath : CublasMath.DefaultMath), "cublasSetMathMode");
        _cublasWorkspace = DeviceMemoryHandle.Allocate(CublasWorkspaceBytes);
        CublasException.ThrowIfFailed(Bindings.Cublas.cublasSetWorkspace_v2(Cublas.DangerousGetHandle(), _cublasWorkspace.Address, CublasWorkspaceBytes), "cublasSetWorkspace_v2");
    }

    public int Ordinal { get; }
    public string Name { get; }
    public (int Major, int Minor) ComputeCapability { get; }
    public long TotalMemory { get; }
    public CudaPrecision Precision { get; }
    public CudaContextHandle Context { get; }
    public CudaStreamHandle Stream { get; }
    public CudnnHandle Cudnn { get; }
    public CublasHandle Cublas { get; }
    public nint StreamHandle => Stream.DangerousGetHandle();

    /// <summary>Makes the context current on the calling thread: a session may be used from any thread, one at a time.</summary>
    public void MakeCurrent() => CudaException.ThrowIfFailed(CudaDriver.cuCtxSetCurrent(Context.DangerousGetHandle()), "cuCtxSetCurrent");

    public void Synchronize(string what)
    {
        var status = CudaDriver.cuStreamSynchronize(StreamHandle);
        if (status != CuResult.Success) CudaException.ThrowIfFailed(status, $"cuStreamSynchronize after {what}");
    }

    /// <summary>The kernel <paramref name="entry"/> of <c>kernels/<paramref name="stem"/>.cu</c>, its module JIT-compiled on first use.</summary>
    public nint Function(string stem, string entry)
    {
        string key = stem + "/" + entry;
        if (_functions.TryGetValue(key, out nint function)) return function;
        if (!_modules.TryGetValue(stem, out var module)) _modules[stem] = module = LoadModule(stem);
        return _functions[key] = module.GetFunction(entry);
    }

    /// <summary>
    /// Launches a kernel whose one parameter is the struct <paramref name="parameters"/>, on the
    /// stream (captured into the plan's graph when a capture is under way).
    /// </summary>
    public void Launch<T>(nint function, (uint X, uint Y, uint Z) grid, (uint X, uint Y, uint Z) block, ref T parameters, string node) where T : unmanaged
    {
        fixed (T* p = &parameters)
        {
            void** args = stackalloc void*[1];
            args[0] = p;
            var status = CudaDriver.cuLaunchKernel(function, grid.X, grid.Y, grid.Z, block.X, block.Y, block.Z, 0, StreamHandle, args, null);
            if (status != CuResult.Success) CudaException.ThrowIfFailed(status, $"cuLaunchKernel for node '{node}'");
        }
    }

    /// <summary>Copies host floats to new device memory (weights, once per session).</summary>
    public DeviceMemoryHandle Upload(ReadOnlySpan<float> data)
    {
        var memory = DeviceMemoryHandle.Allocate((nuint)Math.Max(4, data.Length * sizeof(float)));
        fixed (float* source = data)
            CudaException.ThrowIfFailed(CudaDriver.cuMemcpyHtoD_v2(memory.Address, source, (nuint)(data.Length * sizeof(float))), "cuMemcpyHtoD_v2");
        return memory;
    }

    private CudaModuleHandle LoadModule(string stem)
    {
        var ptx = KernelPtx.Load(stem, ComputeCapability.Major, ComputeCapability.Minor)
            ?? throw new D2SharpException($"the CUDA kernels were not built into this D2Sharp ({stem}.cu has no PTX): build with nvcc on PATH (dotnet cake --target=Kernels)");
        var image = new byte[ptx.Length + 1];  // the driver reads PTX as a NUL-terminated string
        ptx.CopyTo(image, 0);
        try
        {
            return CudaModuleHandle.Load(image, out _);
        }
        catch (CudaException e)
        {
            throw new ExecutionException($"JIT-compiling {stem}.ptx for sm_{ComputeCapability.Major}{ComputeCapability.Minor} failed: {e.Message}", e);
        }
    }

    public void Dispose()
    {
        foreach (var module in _modules.Values) module.Dispose();
        Cublas.Dispose();
        _cublasWorkspace.Dispose();
        Cudnn.Dispose();
        Stream.Dispose();
        Context.Dispose();
    }
}
