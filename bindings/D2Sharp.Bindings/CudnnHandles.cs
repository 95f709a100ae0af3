using Microsoft.Win32.SafeHandles;

namespace D2Sharp.Bindings;

/// <summary>A cuDNN context; disposing destroys it (<c>cudnnDestroy</c>).</summary>
public sealed class CudnnHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private CudnnHandle(nint value) : base(true) => SetHandle(value);

    /// <summary>Creates a cuDNN context on the current context's device.</summary>
    public static CudnnHandle Create()
    {
        CudnnException.ThrowIfFailed(Cudnn.cudnnCreate(out var value), nameof(Cudnn.cudnnCreate));
        return new CudnnHandle(value);
    }

    /// <summary>Runs this context's later calls on <paramref name="stream"/>.</summary>
    public void SetStream(CudaStreamHandle stream)
        => CudnnException.ThrowIfFailed(Cudnn.cudnnSetStream(handle, stream.DangerousGetHandle()), nameof(Cudnn.cudnnSetStream));

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => Cudnn.cudnnDestroy(handle) == CudnnStatus.Success;
}

/// <summary>A tensor descriptor; disposing destroys it (<c>cudnnDestroyTensorDescriptor</c>).</summary>
public sealed class CudnnTensorDescriptorHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private CudnnTensorDescriptorHandle(nint value) : base(true) => SetHandle(value);

    /// <summary>Creates an unset descriptor.</summary>
    public static CudnnTensorDescriptorHandle Create()
    {
        CudnnException.ThrowIfFailed(Cudnn.cudnnCreateTensorDescriptor(out var value), nameof(Cudnn.cudnnCreateTensorDescriptor));
        return new CudnnTensorDescriptorHandle(value);
    }

    /// <summary>Creates a packed 4-D descriptor (dimensions n, c, h, w whatever the <paramref name="format"/>).</summary>
    public static CudnnTensorDescriptorHandle Create4d(CudnnTensorFormat format, CudnnDataType dataType, int n, int c, int h, int w)
    {
        var d = Create();
        try
        {
            CudnnException.ThrowIfFailed(Cudnn.cudnnSetTensor4dDescriptor(d.handle, format, dataType, n, c, h, w), nameof(Cudnn.cudnnSetTensor4dDescriptor));
            return d;
        }
        catch
        {
            d.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => Cudnn.cudnnDestroyTensorDescriptor(handle) == CudnnStatus.Success;
}

/// <summary>A filter descriptor; disposing destroys it (<c>cudnnDestroyFilterDescriptor</c>).</summary>
public sealed class CudnnFilterDescriptorHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private CudnnFilterDescriptorHandle(nint value) : base(true) => SetHandle(value);

    /// <summary>Creates an unset descriptor.</summary>
    public static CudnnFilterDescriptorHandle Create()
    {
        CudnnException.ThrowIfFailed(Cudnn.cudnnCreateFilterDescriptor(out var value), nameof(Cudnn.cudnnCreateFilterDescriptor));
        return new CudnnFilterDescriptorHandle(value);
    }

    /// <summary>Creates a 4-D filter descriptor: k outputs, c inputs per group, h × w taps (<see cref="CudnnTensorFormat.Nhwc"/> = KRSC).</summary>
    public static CudnnFilterDescriptorHandle Create4d(CudnnDataType dataType, CudnnTensorFormat format, int k, int c, int h, int w)
    {
        var d = Create();
        try
        {
            CudnnException.ThrowIfFailed(Cudnn.cudnnSetFilter4dDescriptor(d.handle, dataType, format, k, c, h, w), nameof(Cudnn.cudnnSetFilter4dDescriptor));
            return d;
        }
        catch
        {
            d.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => Cudnn.cudnnDestroyFilterDescriptor(handle) == CudnnStatus.Success;
}

/// <summary>A convolution descriptor; disposing destroys it (<c>cudnnDestroyConvolutionDescriptor</c>).</summary>
public sealed class CudnnConvolutionDescriptorHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private CudnnConvolutionDescriptorHandle(nint value) : base(true) => SetHandle(value);

    /// <summary>Creates an unset descriptor.</summary>
    public static CudnnConvolutionDescriptorHandle Create()
    {
        CudnnException.ThrowIfFailed(Cudnn.cudnnCreateConvolutionDescriptor(out var value), nameof(Cudnn.cudnnCreateConvolutionDescriptor));
        return new CudnnConvolutionDescriptorHandle(value);
    }

    /// <summary>
    /// Creates a 2-D cross-correlation (PyTorch's convolution) with fp32 accumulation, the given group count
    /// and math type. <see cref="CudnnMathType.FmaMath"/> is the default here because cuDNN's own default
    /// allows TF32 on Ampere and newer.
    /// </summary>
    public static CudnnConvolutionDescriptorHandle Create2d(int padH, int padW, int strideH, int strideW, int dilationH = 1, int dilationW = 1,
        int groups = 1, CudnnMathType mathType = CudnnMathType.FmaMath, CudnnDataType computeType = CudnnDataType.Float)
    {
        var d = Create();
        try
        {
            CudnnException.ThrowIfFailed(Cudnn.cudnnSetConvolution2dDescriptor(d.handle, padH, padW, strideH, strideW, dilationH, dilationW,
                CudnnConvolutionMode.CrossCorrelation, computeType), nameof(Cudnn.cudnnSetConvolution2dDescriptor));
            CudnnException.ThrowIfFailed(Cudnn.cudnnSetConvolutionGroupCount(d.handle, groups), nameof(Cudnn.cudnnSetConvolutionGroupCount));
            CudnnException.ThrowIfFailed(Cudnn.cudnnSetConvolutionMathType(d.handle, mathType), nameof(Cudnn.cudnnSetConvolutionMathType));
            return d;
        }
        catch
        {
            d.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => Cudnn.cudnnDestroyConvolutionDescriptor(handle) == CudnnStatus.Success;
}

/// <summary>An activation descriptor; disposing destroys it (<c>cudnnDestroyActivationDescriptor</c>).</summary>
public sealed class CudnnActivationDescriptorHandle : SafeHandleZeroOrMinusOneIsInvalid
{
    private CudnnActivationDescriptorHandle(nint value) : base(true) => SetHandle(value);

    /// <summary>Creates a descriptor for <paramref name="mode"/> (<paramref name="coef"/>: clipping threshold or ELU alpha).</summary>
    public static CudnnActivationDescriptorHandle Create(CudnnActivationMode mode, CudnnNanPropagation nan = CudnnNanPropagation.PropagateNan, double coef = 0)
    {
        CudnnException.ThrowIfFailed(Cudnn.cudnnCreateActivationDescriptor(out var value), nameof(Cudnn.cudnnCreateActivationDescriptor));
        var d = new CudnnActivationDescriptorHandle(value);
        try
        {
            CudnnException.ThrowIfFailed(Cudnn.cudnnSetActivationDescriptor(value, mode, nan, coef), nameof(Cudnn.cudnnSetActivationDescriptor));
            return d;
        }
        catch
        {
            d.Dispose();
            throw;
        }
    }

    /// <inheritdoc/>
    protected override bool ReleaseHandle() => Cudnn.cudnnDestroyActivationDescriptor(handle) == CudnnStatus.Success;
}
