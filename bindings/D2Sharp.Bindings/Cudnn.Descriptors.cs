using System.Runtime.InteropServices;

namespace D2Sharp.Bindings;

public static unsafe partial class Cudnn
{
    /// <summary>Creates an empty tensor descriptor.</summary>
    [LibraryImport(Library)]
    public static partial CudnnStatus cudnnCreateTensorDescriptor(out nint tensorDesc);

    /// <summary>
    /// Describes a packed 4-D tensor. The dimensions are always given as n, c, h, w; <paramref name="format"/>
    /// says how they are laid out in memory (<see cref="CudnnTensorFormat.Nhwc"/>: c fastest).
    /// </summary>
    [LibraryImport(Library)]
    public static partial CudnnStatus cudnnSetTensor4dDescriptor(nint tensorDesc, CudnnTensorFormat format, CudnnDataType dataType, int n, int c, int h, int w);

    /// <summary>Describes a 4-D tensor with explicit element strides (for views into a larger buffer).</summary>
    [LibraryImport(Library)]
    public static partial CudnnStatus cudnnSetTensor4dDescriptorEx(nint tensorDesc, CudnnDataType dataType, int n, int c, int h, int w, int nStride, int cStride, int hStride, int wStride);

    /// <summary>Destroys a tensor descriptor.</summary>
    [LibraryImport(Library)]
    public static partial CudnnStatus cudnnDestroyTensorDescriptor(nint tensorDesc);

    /// <summary>Creates an empty filter descriptor.</summary>
    [LibraryImport(Library)]
    public static partial CudnnStatus cudnnCreateFilterDescriptor(out nint filterDesc);

    /// <summary>
    /// Describes convolution weights: k output channels, c input channels per group, h × w taps. Note the
    /// argument order differs from the tensor call: data type first, then format.
    /// <see cref="CudnnTensorFormat.Nhwc"/> means KRSC (c fastest).
    /// </summary>
    [LibraryImport(Library)]
    public static partial CudnnStatus cudnnSetFilter4dDescriptor(nint filterDesc, CudnnDataType dataType, CudnnTensorFormat format, int k, int c, int h, int w);

    /// <summary>Destroys a filter descriptor.</summary>
    [LibraryImport(Library)]
    public static partial CudnnStatus cudnnDestroyFilterDescriptor(nint filterDesc);

    /// <summary>Creates an empty convolution descriptor.</summary>
    [LibraryImport(Library)]
    public static partial CudnnStatus cudnnCreateConvolutionDescriptor(out nint convDesc);

    /// <summary>
    /// Sets padding, stride (<paramref name="u"/> vertical, <paramref name="v"/> horizontal), dilation, mode
    /// (<see cref="CudnnConvolutionMode.CrossCorrelation"/> for PyTorch semantics) and the accumulation type.
    /// </summary>
    [LibraryImport(Library)]
    public static partial CudnnStatus cudnnSetConvolution2dDescriptor(nint convDesc, int padH, int padW, int u, int v, int dilationH, int dilationW, CudnnConvolutionMode mode, CudnnDataType computeType);

    /// <summary>Grouped convolution: the filter's c is then input channels / groups.</summary>
    [LibraryImport(Library)]
    public static partial CudnnStatus cudnnSetConvolutionGroupCount(nint convDesc, int groupCount);

    /// <summary>
    /// Chooses the arithmetic. The default (<see cref="CudnnMathType.Default"/>) allows TF32 tensor cores for
    /// fp32 data on Ampere and newer; set <see cref="CudnnMathType.FmaMath"/> for strict fp32.
    /// </summary>
    [LibraryImport(Library)]
    public static partial CudnnStatus cudnnSetConvolutionMathType(nint convDesc, CudnnMathType mathType);

    /// <summary>Destroys a convolution descriptor.</summary>
    [LibraryImport(Library)]
    public static partial CudnnStatus cudnnDestroyConvolutionDescriptor(nint convDesc);

    /// <summary>The output shape (n, c, h, w) of a convolution of <paramref name="inputTensorDesc"/> by <paramref name="filterDesc"/>.</summary>
    [LibraryImport(Library)]
    public static partial CudnnStatus cudnnGetConvolution2dForwardOutputDim(nint convDesc, nint inputTensorDesc, nint filterDesc, out int n, out int c, out int h, out int w);

    /// <summary>Creates an empty activation descriptor.</summary>
    [LibraryImport(Library)]
    public static partial CudnnStatus cudnnCreateActivationDescriptor(out nint activationDesc);

    /// <summary>Sets the activation; <paramref name="coef"/> is the clipping threshold or ELU alpha (ignored for ReLU).</summary>
    [LibraryImport(Library)]
    public static partial CudnnStatus cudnnSetActivationDescriptor(nint activationDesc, CudnnActivationMode mode, CudnnNanPropagation reluNanOpt, double coef);

    /// <summary>Destroys an activation descriptor.</summary>
    [LibraryImport(Library)]
    public static partial CudnnStatus cudnnDestroyActivationDescriptor(nint activationDesc);
}
