namespace D2Sharp.Runtime;

/// <summary>
/// A float input holds NaN or ±infinity, which would spread through every convolution into the
/// outputs. Raised unless <see cref="SessionOptions.AllowNonFiniteInputs"/> is set; the message
/// names the input and the first bad element.
/// </summary>
public sealed class NonFiniteInputException : D2SharpException
{
    /// <summary>Reports <paramref name="value"/> at <paramref name="index"/> of input <paramref name="inputName"/>.</summary>
    /// <param name="inputName">The graph input at fault.</param>
    /// <param name="index">The element's index, one entry per dimension.</param>
    /// <param name="value">The non-finite value found.</param>
    public NonFiniteInputException(string inputName, int[] index, float value)
        : base($"input '{inputName}' holds {Describe(value)} at index [{string.Join(", ", index)}] (the first non-finite element); "
            + "fix the data, or set SessionOptions.AllowNonFiniteInputs to let it propagate")
    {
        InputName = inputName;
        Index = index;
        Value = value;
    }

    /// <summary>The graph input at fault (e.g. the normalised image).</summary>
    public string InputName { get; }

    /// <summary>The first bad element's index, one entry per dimension (C order).</summary>
    public IReadOnlyList<int> Index { get; }

    /// <summary>NaN, +∞ or −∞.</summary>
    public float Value { get; }

    private static string Describe(float value) => float.IsNaN(value) ? "NaN" : value > 0 ? "+inf" : "-inf";
}
