using System.Runtime.InteropServices;

namespace D2Sharp.Tests.CudaKernels;

/// <summary>
/// Native memory standing in for a device buffer: 256-byte aligned as the CUDA arena's blocks (so
/// float4 kernels may load it), zero-filled, its address passed in a kernel's parameter struct.
/// </summary>
internal sealed unsafe class HostBuffer : IDisposable
{
    private void* _data;

    public HostBuffer(long bytes)
    {
        Bytes = bytes;
        _data = NativeMemory.AlignedAlloc((nuint)Math.Max(bytes, 1), 256);
        NativeMemory.Clear(_data, (nuint)Math.Max(bytes, 1));
    }

    public static HostBuffer Of<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        var buffer = new HostBuffer((long)values.Length * sizeof(T));
        values.CopyTo(buffer.Span<T>());
        return buffer;
    }

    public static HostBuffer Floats(long count) => new(count * sizeof(float));

    public long Bytes { get; }

    public ulong Address => (ulong)_data;

    public Span<T> Span<T>() where T : unmanaged => new(_data, checked((int)(Bytes / sizeof(T))));

    public float[] ToFloats() => Span<float>().ToArray();

    public void Dispose()
    {
        NativeMemory.AlignedFree(_data);
        _data = null;
    }
}
