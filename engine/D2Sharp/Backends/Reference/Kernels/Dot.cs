using System.Numerics;
using System.Runtime.InteropServices;

namespace D2Sharp.Backends.Reference.Kernels;

/// <summary>The reference convolutions' inner product, in double.</summary>
internal static class Dot
{
    /// <summary>
    /// Σ x[i]·w[i] with every product and sum in double, so the result carries no float32 rounding
    /// for a fast backend to be measured against. Vectorised over i; every product is taken, so an
    /// infinite weight against a zero input gives NaN, as in PyTorch.
    /// </summary>
    public static double Product(ReadOnlySpan<float> x, ReadOnlySpan<double> w)
    {
        if (x.Length != w.Length) throw new ArgumentException($"Dot.Product over {x.Length} and {w.Length} elements");
        int i = 0;
        double sum = 0;
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            // Two accumulators, so consecutive additions do not wait on each other.
            var low = Vector<double>.Zero;
            var high = Vector<double>.Zero;
            ref float xs = ref MemoryMarshal.GetReference(x);
            ref double ws = ref MemoryMarshal.GetReference(w);
            for (; i <= x.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                Vector.Widen(Vector.LoadUnsafe(ref xs, (nuint)i), out var x0, out var x1);
                low += x0 * Vector.LoadUnsafe(ref ws, (nuint)i);
                high += x1 * Vector.LoadUnsafe(ref ws, (nuint)(i + Vector<double>.Count));
            }
            sum = Vector.Sum(low + high);
        }
        for (; i < x.Length; i++) sum += x[i] * w[i];
        return sum;
    }
}
