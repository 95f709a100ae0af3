using System.Runtime.InteropServices;

namespace D2Sharp.Backends.Cuda;

// The parameter structs of kernels/*.cu, field for field: each kernel takes one of them by value
// (cuLaunchKernel gets `void* params[] = { &p }`). Pointers are device addresses as ulong (the
// host-emulation tests fill them with host addresses); `long long` is long. The C structs are
// padded by hand (pad_ fields) so that Sequential layout reproduces them; each C file
// static_asserts the size written here, and CudaKernels/KernelParamsTests compares both sides.

/// <summary>normalize_image.cu, 72 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct NormalizeImageParams
{
    public ulong Pixels;
    public ulong ImageSizes;
    public ulong Y;
    public int N, H, W, C;
    public fixed float Mean[4];
    public fixed float Std[4];
}

/// <summary>upsample_add.cu, 48 bytes; N, H, W, C are the top map's.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct UpsampleAddParams
{
    public ulong Top;
    public ulong Lateral;
    public ulong Y;
    public int N, H, W, C;
    public int Bilinear;
    public int Average;
}

/// <summary>group_norm.cu (both kernels), 64 bytes; Stats holds N·Groups (mean, rstd) pairs.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct GroupNormParams
{
    public ulong X;
    public ulong Y;
    public ulong Weight;
    public ulong Bias;
    public ulong Stats;
    public int N, Hw, C, Groups;
    public float Eps;
    public int Relu;
}

/// <summary>max_pool2d.cu, 56 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct MaxPool2dParams
{
    public ulong X;
    public ulong Y;
    public int N, H, W, C, Ho, Wo, Kernel, Stride, Padding;
    private readonly int _pad;
}

/// <summary>elementwise.cu's d2_add, 40 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct AddParams
{
    public ulong A;
    public ulong B;
    public ulong Y;
    public long Count;
    public int Relu;
    private readonly int _pad;
}

/// <summary>elementwise.cu's d2_relu, 24 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ReluParams
{
    public ulong X;
    public ulong Y;
    public long Count;
}

/// <summary>elementwise.cu's d2_bias_activation, 40 bytes; Bias and Residual may be 0 (absent).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct BiasActivationParams
{
    public ulong Y;
    public ulong Bias;
    public ulong Residual;
    public long Count;
    public int C;
    public int Relu;
}

/// <summary>anchor_grid.cu, 40 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct AnchorGridParams
{
    public ulong CellAnchors;
    public ulong Y;
    public int H, W, A, Stride;
    public float Offset;
    private readonly int _pad;
}

/// <summary>deform_conv2d.cu's d2_deform_im2col, 80 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct DeformIm2colParams
{
    public ulong X;
    public ulong Offset;
    public ulong Columns;
    public int N, H, W, C, Ho, Wo, Kernel, Stride, Padding, Dilation, Groups, DeformableGroups, Modulated;
    private readonly int _pad;
}

/// <summary>layout.cu (both directions), 32 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct LayoutParams
{
    public ulong X;
    public ulong Y;
    public int N, C, Hw;
    private readonly int _pad;
}

/// <summary>roi_align.cu, 224 bytes; levels past <see cref="Levels"/> are unused (X 0).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct RoiAlignParams
{
    /// <summary>D2_ROI_MAX_LEVELS: the most FPN levels one launch pools from.</summary>
    public const int MaxLevels = 8;

    public fixed ulong X[MaxLevels];
    public ulong Boxes;
    public ulong Counts;
    public ulong Y;
    public fixed int H[MaxLevels];
    public fixed int W[MaxLevels];
    public fixed float Scale[MaxLevels];
    public int Levels, N, P, C;
    public int Size, Sampling, Aligned;
    public int CanonicalBoxSize, CanonicalLevel, MinLevel;
}

/// <summary>slot_rows.cu, 32 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ZeroSlotsParams
{
    public ulong Y;
    public ulong Counts;
    public long RowElements;
    public int Images, Slots;
}

/// <summary>spatial_mean.cu, 32 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct SpatialMeanParams
{
    public ulong X;
    public ulong Y;
    public long Rows;
    public int Plane, C;
}

/// <summary>conv_transpose2d.cu, 80 bytes; Bias may be 0 (absent).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ConvTranspose2dParams
{
    public ulong X;
    public ulong Weight;
    public ulong Bias;
    public ulong Y;
    public int N, H, W, Cin, Cout, Ho, Wo;
    public int Kernel, Stride, Padding, Relu;
    private readonly int _pad;
}

/// <summary>refine_boxes.cu, 72 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct RefineBoxesParams
{
    public ulong Deltas;
    public ulong Boxes;
    public ulong Counts;
    public ulong Sizes;
    public ulong Y;
    public fixed float Weights[4];
    public float ScaleClamp;
    public int N, P;
}

/// <summary>upsample_bilinear2x.cu, 32 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct UpsampleBilinear2xParams
{
    public ulong X;
    public ulong Y;
    public int N, H, W, C;
}

/// <summary>top_k.cu, 72 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TopKParams
{
    public ulong Scores;
    public ulong Values;
    public ulong Indices;
    public ulong Count;
    public ulong Selected;
    public int N, Length, K;
    public int Sigmoid, HasThreshold;
    public float Threshold, Floor;
    private readonly int _pad;
}

/// <summary>box_decode.cu, 72 bytes.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct BoxDecodeParams
{
    public ulong Deltas;
    public ulong Anchors;
    public ulong Indices;
    public ulong Y;
    public fixed float Weights[4];
    public float ScaleClamp;
    public int N, K, Hw, C;
    public int ClassesPerAnchor;
}
