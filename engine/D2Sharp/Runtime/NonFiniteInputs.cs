using System.Numerics;

namespace D2Sharp.Runtime;

/// <summary>Finds NaN and ±infinity in float inputs before they reach the backend.</summary>
internal static class NonFiniteInputs
{
    /// <summary>Throws <see cref="NonFiniteInputException"/> naming <paramref name="inputName"/> and the first bad element of <paramref name="input"/>.</summary>
    public static void ThrowIfAny(Tensor input, string inputName)
    {
        ReadOnlySpan<float> values = input.Data;
        int first = IndexOfNonFinite(values);
        if (first >= 0)
            throw new NonFiniteInputException(inputName, Unravel(first, input.Shape), values[first]);
    }

    /// <summary>
    /// The first index whose value is NaN or infinite, or −1. x − x is 0 exactly for finite x and NaN
    /// otherwise, so whole vectors are tested at once; a hit is then located element by element.
    /// </summary>
    public static int IndexOfNonFinite(ReadOnlySpan<float> values)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
            {
                var v = new Vector<float>(values[i..]);
                if (!Vector.EqualsAll(v - v, Vector<float>.Zero)) break;
            }
        }
        for (; i < values.Length; i++)
            if (!float.IsFinite(values[i])) return i;
        return -1;
    }

    /// <summary>The C-order multi-index of flat position <paramref name="flat"/>.</summary>
    private static int[] Unravel(int flat, IReadOnlyList<int> shape)
    {
        var index = new int[shape.Count];
        for (int axis = shape.Count - 1; axis >= 0; axis--)
        {
            index[axis] = flat % shape[axis];
            flat /= shape[axis];
        }
        return index;
    }
}
