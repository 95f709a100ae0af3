using D2Sharp.Backends.Cuda;

namespace D2Sharp.Tests.Cuda;

/// <summary>Category Cuda tests call <see cref="Require"/> first: without a usable GPU they are ignored, saying why.</summary>
internal static class CudaRequirement
{
    public static void Require()
    {
        var (available, reason) = CudaAvailability.Check();
        if (!available) Assert.Ignore($"no CUDA device: {reason}");
    }
}
