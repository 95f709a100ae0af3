using System.Runtime.InteropServices;

namespace D2Sharp.Bindings;

/// <summary>
/// cuBLAS (<c>libcublas.so.13</c>, falling back to <c>.12</c>; cublas_api.h). Matrices are column-major:
/// to compute a row-major C = A·B, call GEMM for Cᵀ = Bᵀ·Aᵀ (swap the operands and m/n). In the default
/// pointer mode <c>alpha</c>/<c>beta</c> are host pointers. Device data are <c>ulong</c> device pointers.
/// </summary>
public static unsafe partial class Cublas
{
    /// <summary>The import name; the resolver in <see cref="NativeLibraries"/> decides which file it is.</summary>
    public const string Library = NativeLibraries.Cublas;

    static Cublas() => NativeLibraries.EnsureResolver();

    /// <summary>Creates a cuBLAS context on the current device.</summary>
    [LibraryImport(Library)]
    public static partial CublasStatus cublasCreate_v2(out nint handle);

    /// <summary>Destroys a cuBLAS context.</summary>
    [LibraryImport(Library)]
    public static partial CublasStatus cublasDestroy_v2(nint handle);

    /// <summary>The library version, major × 10000 + minor × 100 + patch (needs a handle).</summary>
    [LibraryImport(Library)]
    public static partial CublasStatus cublasGetVersion_v2(nint handle, out int version);

    /// <summary>One part of the library version; needs no handle and no GPU.</summary>
    [LibraryImport(Library)]
    public static partial CublasStatus cublasGetProperty(LibraryPropertyType type, out int value);

    /// <summary>Makes the handle's later calls run on <paramref name="stream"/>; also resets its workspace to the default pool.</summary>
    [LibraryImport(Library)]
    public static partial CublasStatus cublasSetStream_v2(nint handle, nint stream);

    /// <summary>Chooses tensor-core use; see <see cref="CublasMath"/>.</summary>
    [LibraryImport(Library)]
    public static partial CublasStatus cublasSetMathMode(nint handle, CublasMath mode);

    /// <summary>
    /// Gives cuBLAS a caller-owned workspace so it never allocates (needed inside graph capture); call it after
    /// <see cref="cublasSetStream_v2"/>, which resets it.
    /// </summary>
    [LibraryImport(Library)]
    public static partial CublasStatus cublasSetWorkspace_v2(nint handle, ulong workspace, nuint workspaceSizeInBytes);

    /// <summary>The status's name, e.g. <c>CUBLAS_STATUS_INVALID_VALUE</c> (cuBLAS 11.4.2+).</summary>
    [LibraryImport(Library)]
    public static partial byte* cublasGetStatusName(CublasStatus status);

    /// <summary>The status's description (cuBLAS 11.4.2+).</summary>
    [LibraryImport(Library)]
    public static partial byte* cublasGetStatusString(CublasStatus status);

    /// <summary><see cref="cublasGetStatusName"/> as a managed string.</summary>
    public static string? StatusName(CublasStatus status) => Utf8(cublasGetStatusName(status));

    /// <summary><see cref="cublasGetStatusString"/> as a managed string.</summary>
    public static string? StatusString(CublasStatus status) => Utf8(cublasGetStatusString(status));

    private static string? Utf8(byte* p) => p == null ? null : Marshal.PtrToStringUTF8((nint)p);
}
