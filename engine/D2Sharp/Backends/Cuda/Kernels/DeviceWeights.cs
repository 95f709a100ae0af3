using D2Sharp.Bindings;

namespace D2Sharp.Backends.Cuda.Kernels;

/// <summary>A node's weight and bias in device memory (bias 0 when the node has none).</summary>
internal class DeviceWeights(DeviceMemoryHandle weight, DeviceMemoryHandle? bias) : IDisposable
{
    public ulong Weight => weight.Address;
    public ulong Bias => bias?.Address ?? 0;

    public virtual void Dispose()
    {
        weight.Dispose();
        bias?.Dispose();
    }
}
