using System.Runtime.InteropServices;

namespace D2Sharp.Bindings;

public static unsafe partial class Cublas
{
    /// <summary>
    /// C = alpha · op(A) · op(B) + beta · C in fp32, column-major; op(A) is m×k, op(B) k×n, C m×n.
    /// <paramref name="alpha"/>/<paramref name="beta"/> are host pointers in the default pointer mode.
    /// </summary>
    [LibraryImport(Library)]
    public static partial CublasStatus cublasSgemm_v2(nint handle, CublasOperation transa, CublasOperation transb, int m, int n, int k,
        float* alpha, ulong a, int lda, ulong b, int ldb, float* beta, ulong c, int ldc);

    /// <summary><see cref="cublasSgemm_v2"/> over <paramref name="batchCount"/> matrices spaced by element strides.</summary>
    [LibraryImport(Library)]
    public static partial CublasStatus cublasSgemmStridedBatched(nint handle, CublasOperation transa, CublasOperation transb, int m, int n, int k,
        float* alpha, ulong a, int lda, long strideA, ulong b, int ldb, long strideB, float* beta, ulong c, int ldc, long strideC, int batchCount);

    /// <summary>
    /// Mixed-precision GEMM: element types per operand, accumulation per <paramref name="computeType"/>;
    /// alpha/beta are of the compute type's scalar type (float for the 32F types).
    /// </summary>
    [LibraryImport(Library)]
    public static partial CublasStatus cublasGemmEx(nint handle, CublasOperation transa, CublasOperation transb, int m, int n, int k,
        void* alpha, ulong a, CudaDataType aType, int lda, ulong b, CudaDataType bType, int ldb, void* beta, ulong c, CudaDataType cType, int ldc,
        CublasComputeType computeType, CublasGemmAlgo algo);
}
