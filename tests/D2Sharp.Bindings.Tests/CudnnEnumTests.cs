using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace D2Sharp.Bindings.Tests;

/// <summary>
/// cuDNN enums against the documented values. cuDNN headers are not installed on the build machines; the
/// table below is transcribed from cuDNN 9.6.0's cudnn_graph.h / cudnn_cnn.h (NVIDIA's CUDA 12.6
/// redistributable) and the cuDNN 9 API reference, docs.nvidia.com/deeplearning/cudnn/api
/// (cudnn-graph-library: cudnnStatus_t, cudnnDataType_t, cudnnTensorFormat_t, cudnnMathType_t,
/// cudnnNanPropagation_t, cudnnActivationMode_t, cudnnConvolutionMode_t, cudnnConvolutionFwdAlgo_t,
/// cudnnDeterminism_t; cudnn-cnn-library: cudnnConvolutionFwdAlgoPerf_t).
/// </summary>
public class CudnnEnumTests
{
    private static readonly (string Name, int Value)[] Status =
    [
        ("CUDNN_STATUS_SUCCESS", 0), ("CUDNN_STATUS_NOT_INITIALIZED", 1001), ("CUDNN_STATUS_SUBLIBRARY_VERSION_MISMATCH", 1002),
        ("CUDNN_STATUS_SERIALIZATION_VERSION_MISMATCH", 1003), ("CUDNN_STATUS_DEPRECATED", 1004), ("CUDNN_STATUS_LICENSE_ERROR", 1005),
        ("CUDNN_STATUS_RUNTIME_IN_PROGRESS", 1006), ("CUDNN_STATUS_RUNTIME_FP_OVERFLOW", 1007), ("CUDNN_STATUS_SUBLIBRARY_LOADING_FAILED", 1008),
        ("CUDNN_STATUS_BAD_PARAM", 2000), ("CUDNN_STATUS_INVALID_VALUE", 2001), ("CUDNN_STATUS_BAD_PARAM_NULL_POINTER", 2002),
        ("CUDNN_STATUS_BAD_PARAM_MISALIGNED_POINTER", 2003), ("CUDNN_STATUS_BAD_PARAM_NOT_FINALIZED", 2004), ("CUDNN_STATUS_BAD_PARAM_OUT_OF_BOUND", 2005),
        ("CUDNN_STATUS_BAD_PARAM_SIZE_INSUFFICIENT", 2006), ("CUDNN_STATUS_BAD_PARAM_STREAM_MISMATCH", 2007), ("CUDNN_STATUS_BAD_PARAM_SHAPE_MISMATCH", 2008),
        ("CUDNN_STATUS_BAD_PARAM_DUPLICATED_ENTRIES", 2009), ("CUDNN_STATUS_BAD_PARAM_ATTRIBUTE_TYPE", 2010),
        ("CUDNN_STATUS_BAD_PARAM_CUDA_GRAPH_MISMATCH", 2011), ("CUDNN_STATUS_BAD_PARAM_DESCRIPTOR_TYPE", 2012),
        ("CUDNN_STATUS_NOT_SUPPORTED", 3000), ("CUDNN_STATUS_NOT_SUPPORTED_GRAPH_PATTERN", 3001), ("CUDNN_STATUS_NOT_SUPPORTED_SHAPE", 3002),
        ("CUDNN_STATUS_NOT_SUPPORTED_DATA_TYPE", 3003), ("CUDNN_STATUS_NOT_SUPPORTED_LAYOUT", 3004),
        ("CUDNN_STATUS_NOT_SUPPORTED_INCOMPATIBLE_CUDA_DRIVER", 3005), ("CUDNN_STATUS_NOT_SUPPORTED_INCOMPATIBLE_CUDART", 3006),
        ("CUDNN_STATUS_NOT_SUPPORTED_ARCH_MISMATCH", 3007), ("CUDNN_STATUS_NOT_SUPPORTED_RUNTIME_PREREQUISITE_MISSING", 3008),
        ("CUDNN_STATUS_NOT_SUPPORTED_SUBLIBRARY_UNAVAILABLE", 3009), ("CUDNN_STATUS_NOT_SUPPORTED_SHARED_MEMORY_INSUFFICIENT", 3010),
        ("CUDNN_STATUS_NOT_SUPPORTED_PADDING", 3011), ("CUDNN_STATUS_NOT_SUPPORTED_BAD_LAUNCH_PARAM", 3012),
        ("CUDNN_STATUS_NOT_SUPPORTED_CUDA_GRAPH_NATIVE_API", 3013),
        ("CUDNN_STATUS_INTERNAL_ERROR", 4000), ("CUDNN_STATUS_INTERNAL_ERROR_COMPILATION_FAILED", 4001),
        ("CUDNN_STATUS_INTERNAL_ERROR_UNEXPECTED_VALUE", 4002), ("CUDNN_STATUS_INTERNAL_ERROR_HOST_ALLOCATION_FAILED", 4003),
        ("CUDNN_STATUS_INTERNAL_ERROR_DEVICE_ALLOCATION_FAILED", 4004), ("CUDNN_STATUS_INTERNAL_ERROR_BAD_LAUNCH_PARAM", 4005),
        ("CUDNN_STATUS_INTERNAL_ERROR_TEXTURE_CREATION_FAILED", 4006),
        ("CUDNN_STATUS_EXECUTION_FAILED", 5000), ("CUDNN_STATUS_EXECUTION_FAILED_CUDA_DRIVER", 5001), ("CUDNN_STATUS_EXECUTION_FAILED_CUBLAS", 5002),
        ("CUDNN_STATUS_EXECUTION_FAILED_CUDART", 5003), ("CUDNN_STATUS_EXECUTION_FAILED_CURAND", 5004),
        // Deprecated cuDNN 8 names, aliases of the codes above.
        ("CUDNN_STATUS_ALLOC_FAILED", 4003), ("CUDNN_STATUS_ARCH_MISMATCH", 3007), ("CUDNN_STATUS_MAPPING_ERROR", 4006),
        ("CUDNN_STATUS_RUNTIME_PREREQUISITE_MISSING", 3008), ("CUDNN_STATUS_VERSION_MISMATCH", 1002),
    ];

    private static readonly (string Name, int Value)[] DataType =
    [
        ("CUDNN_DATA_FLOAT", 0), ("CUDNN_DATA_DOUBLE", 1), ("CUDNN_DATA_HALF", 2), ("CUDNN_DATA_INT8", 3), ("CUDNN_DATA_INT32", 4),
        ("CUDNN_DATA_INT8x4", 5), ("CUDNN_DATA_UINT8", 6), ("CUDNN_DATA_UINT8x4", 7), ("CUDNN_DATA_INT8x32", 8), ("CUDNN_DATA_BFLOAT16", 9),
        ("CUDNN_DATA_INT64", 10), ("CUDNN_DATA_BOOLEAN", 11), ("CUDNN_DATA_FP8_E4M3", 12), ("CUDNN_DATA_FP8_E5M2", 13),
        ("CUDNN_DATA_FAST_FLOAT_FOR_FP8", 14),
    ];

    [Test]
    public void CudnnStatusMatchesDocumentedValues() => AssertTable<CudnnStatus>(Status, "CUDNN_STATUS_");

    [Test]
    public void CudnnStatusHasNoUndocumentedMembers()
        => Assert.That(Enum.GetNames<CudnnStatus>().Select(n => "CUDNN_STATUS_" + Screaming(n)), Is.SubsetOf(Status.Select(s => s.Name)));

    [Test]
    public void CudnnDataTypeMatchesDocumentedValues()
        => AssertTable<CudnnDataType>(DataType, "CUDNN_DATA_", n => n.Replace("E4m3", "E4M3", StringComparison.Ordinal).Replace("E5m2", "E5M2", StringComparison.Ordinal));

    [Test]
    public void CudnnTensorFormatMatchesDocumentedValues()
        => AssertTable<CudnnTensorFormat>([("CUDNN_TENSOR_NCHW", 0), ("CUDNN_TENSOR_NHWC", 1), ("CUDNN_TENSOR_NCHW_VECT_C", 2)], "CUDNN_TENSOR_");

    [Test]
    public void CudnnConvolutionModeMatchesDocumentedValues()
        => AssertTable<CudnnConvolutionMode>([("CUDNN_CONVOLUTION", 0), ("CUDNN_CROSS_CORRELATION", 1)], "CUDNN_");

    [Test]
    public void CudnnConvolutionFwdAlgoMatchesDocumentedValues()
        => AssertTable<CudnnConvolutionFwdAlgo>(
        [
            ("CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_GEMM", 0), ("CUDNN_CONVOLUTION_FWD_ALGO_IMPLICIT_PRECOMP_GEMM", 1),
            ("CUDNN_CONVOLUTION_FWD_ALGO_GEMM", 2), ("CUDNN_CONVOLUTION_FWD_ALGO_DIRECT", 3), ("CUDNN_CONVOLUTION_FWD_ALGO_FFT", 4),
            ("CUDNN_CONVOLUTION_FWD_ALGO_FFT_TILING", 5), ("CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD", 6),
            ("CUDNN_CONVOLUTION_FWD_ALGO_WINOGRAD_NONFUSED", 7), ("CUDNN_CONVOLUTION_FWD_ALGO_COUNT", 8),
        ], "CUDNN_CONVOLUTION_FWD_ALGO_");

    [Test]
    public void CudnnMathTypeMatchesDocumentedValues()
        => AssertTable<CudnnMathType>(
        [
            ("CUDNN_DEFAULT_MATH", 0), ("CUDNN_TENSOR_OP_MATH", 1), ("CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION", 2), ("CUDNN_FMA_MATH", 3),
        ], "CUDNN_", n => n == "DefaultMath" ? "Default" : n);

    [Test]
    public void CudnnActivationModeMatchesDocumentedValues()
        => AssertTable<CudnnActivationMode>(
        [
            ("CUDNN_ACTIVATION_SIGMOID", 0), ("CUDNN_ACTIVATION_RELU", 1), ("CUDNN_ACTIVATION_TANH", 2), ("CUDNN_ACTIVATION_CLIPPED_RELU", 3),
            ("CUDNN_ACTIVATION_ELU", 4), ("CUDNN_ACTIVATION_IDENTITY", 5), ("CUDNN_ACTIVATION_SWISH", 6),
        ], "CUDNN_ACTIVATION_");

    [Test]
    public void CudnnNanPropagationAndDeterminismMatchDocumentedValues()
    {
        AssertTable<CudnnNanPropagation>([("CUDNN_NOT_PROPAGATE_NAN", 0), ("CUDNN_PROPAGATE_NAN", 1)], "CUDNN_");
        AssertTable<CudnnDeterminism>([("CUDNN_NON_DETERMINISTIC", 0), ("CUDNN_DETERMINISTIC", 1)], "CUDNN_");
    }

    [Test]
    public void ConvolutionFwdAlgoPerfHasTheHeadersLayout()
    {
        // { algo; status; float time; size_t memory; determinism; mathType; int reserved[3]; } on LP64: 48 bytes.
        Assert.Multiple(() =>
        {
            Assert.That(Unsafe.SizeOf<CudnnConvolutionFwdAlgoPerf>(), Is.EqualTo(48));
            Assert.That(Marshal.SizeOf<CudnnConvolutionFwdAlgoPerf>(), Is.EqualTo(48));
            Assert.That(Marshal.OffsetOf<CudnnConvolutionFwdAlgoPerf>(nameof(CudnnConvolutionFwdAlgoPerf.Time)), Is.EqualTo((nint)8));
            Assert.That(Marshal.OffsetOf<CudnnConvolutionFwdAlgoPerf>(nameof(CudnnConvolutionFwdAlgoPerf.Memory)), Is.EqualTo((nint)16));
            Assert.That(Marshal.OffsetOf<CudnnConvolutionFwdAlgoPerf>(nameof(CudnnConvolutionFwdAlgoPerf.Determinism)), Is.EqualTo((nint)24));
            Assert.That(Marshal.OffsetOf<CudnnConvolutionFwdAlgoPerf>(nameof(CudnnConvolutionFwdAlgoPerf.MathType)), Is.EqualTo((nint)28));
        });
    }

    [Test]
    public void EnumsAreFourBytesLikeCEnums()
        => Assert.That(new[]
        {
            Unsafe.SizeOf<CudnnStatus>(), Unsafe.SizeOf<CudnnDataType>(), Unsafe.SizeOf<CuResult>(), Unsafe.SizeOf<CublasStatus>(),
            Unsafe.SizeOf<CudaDataType>(), Unsafe.SizeOf<CublasGemmAlgo>(),
        }, Is.All.EqualTo(4));

    private static void AssertTable<TEnum>((string Name, int Value)[] table, string prefix, Func<string, string>? rename = null) where TEnum : struct, Enum
        => HeaderEnums.AssertMatches<TEnum>(table.Select(t => (t.Name, (long)t.Value)).ToList(), prefix,
            n => (rename ?? (s => s))(HeaderEnums.Pascal(n, prefix)));

    private static string Screaming(string pascal)
        => string.Concat(pascal.Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : char.ToUpperInvariant(c).ToString()));
}
