namespace D2Sharp.Bindings.Tests;

/// <summary>cuBLAS enums against the installed <c>/usr/include/cublas_api.h</c> and <c>library_types.h</c>.</summary>
public class CublasEnumTests
{
    [Test]
    public void CublasStatusMatchesHeader()
        => HeaderEnums.AssertMatches<CublasStatus>(HeaderEnums.Members(HeaderEnums.Read("cublas_api.h"), "cublasStatus_t"), "CUBLAS_STATUS_");

    [Test]
    public void CublasOperationMatchesHeader()
        => HeaderEnums.AssertMatches<CublasOperation>(HeaderEnums.Members(HeaderEnums.Read("cublas_api.h"), "cublasOperation_t"), "CUBLAS_OP_");

    [Test]
    public void CublasMathMatchesHeader()
        => HeaderEnums.AssertMatches<CublasMath>(HeaderEnums.Members(HeaderEnums.Read("cublas_api.h"), "cublasMath_t"), "CUBLAS_",
            n => HeaderEnums.Pascal(n, "CUBLAS_").Replace("MathDisallow", "Disallow", StringComparison.Ordinal));

    [Test]
    public void CublasComputeTypeMatchesHeader()
        => HeaderEnums.AssertMatches<CublasComputeType>(HeaderEnums.Members(HeaderEnums.Read("cublas_api.h"), "cublasComputeType_t"), "CUBLAS_",
            n => HeaderEnums.Pascal(n, "CUBLAS_").Replace("16bf", "16BF", StringComparison.Ordinal).Replace("16f", "16F", StringComparison.Ordinal)
                .Replace("32f", "32F", StringComparison.Ordinal).Replace("64f", "64F", StringComparison.Ordinal).Replace("32i", "32I", StringComparison.Ordinal));

    [Test]
    public void CublasGemmAlgoMatchesHeader()
    {
        var header = HeaderEnums.Members(HeaderEnums.Read("cublas_api.h"), "cublasGemmAlgo_t");
        HeaderEnums.AssertMatches<CublasGemmAlgo>(header, "CUBLAS_GEMM_",
            n => HeaderEnums.Pascal(n, "CUBLAS_GEMM_").Replace("Dfalt", "Default", StringComparison.Ordinal));
        Assert.Multiple(() =>
        {
            Assert.That((int)CublasGemmAlgo.Default, Is.EqualTo(-1));
            Assert.That((int)CublasGemmAlgo.DefaultTensorOp, Is.EqualTo(99));
        });
    }

    [Test]
    public void CudaDataTypeMatchesLibraryTypes()
    {
        var header = HeaderEnums.Members(HeaderEnums.Read("library_types.h"), "cudaDataType");
        HeaderEnums.AssertMatches<CudaDataType>(header, "CUDA_", n => n["CUDA_".Length..].Replace("_", "", StringComparison.Ordinal));
        Assert.That((int)CudaDataType.R16F, Is.EqualTo(2));
    }

    [Test]
    public void LibraryPropertyTypeMatchesLibraryTypes()
        => HeaderEnums.AssertMatches<LibraryPropertyType>(HeaderEnums.Members(HeaderEnums.Read("library_types.h"), "libraryPropertyType"), "");
}
