namespace D2Sharp.Backends.Cpu.Kernels;

/// <summary>How elementwise kernels split a tensor across the workers: fixed chunks of 64 Ki elements.</summary>
internal static class Chunks
{
    private const int Size = 1 << 16;

    public static int Count(long length) => (int)((length + Size - 1) / Size);

    public static (int Start, int Length) Range(int index, long length) =>
        (index * Size, (int)Math.Min(Size, length - (long)index * Size));
}
