namespace D2Sharp.IO;

/// <summary>
/// One array as stored in a <c>.npy</c> file (or an <c>.npz</c> member): its dtype, shape, memory
/// order and raw bytes, untouched. Conversions happen on request, so a uint8 image stays uint8 and
/// a float64 file is only narrowed when a float32 <see cref="Tensor"/> is asked for.
/// </summary>
public sealed class NpyArray
{
    private readonly NpyDType _dtype;

    internal NpyArray(NpyHeader header, NpyDType dtype, byte[] data, string source)
    {
        DType = header.Descr;
        Shape = header.Shape;
        FortranOrder = header.FortranOrder;
        Data = data;
        Source = source;
        _dtype = dtype;
    }

    /// <summary>The numpy descr, e.g. <c>"&lt;f4"</c>, <c>"|u1"</c>, <c>"&gt;f8"</c>.</summary>
    public string DType { get; }

    /// <summary>Dimensions as stored in the header, outermost first (an empty array for a scalar).</summary>
    public int[] Shape { get; }

    /// <summary>True when the elements are stored column-major (numpy's <c>fortran_order</c>).</summary>
    public bool FortranOrder { get; }

    /// <summary>The element bytes exactly as stored (dtype byte order, C or Fortran order).</summary>
    public byte[] Data { get; }

    /// <summary>The file (and npz member) this array came from, for error messages.</summary>
    internal string Source { get; }

    /// <summary>Number of elements: the product of <see cref="Shape"/> (1 for a scalar).</summary>
    public long ElementCount => Tensor.CountElements(Shape);

    /// <summary>True for one-byte unsigned elements, however the descr spells the byte order.</summary>
    internal bool IsUInt8 => _dtype is { Kind: 'u', ItemSize: 1 };

    /// <summary>
    /// The array as a C-order float32 tensor, converted as numpy's <c>astype(np.float32)</c> would
    /// (round to nearest; bool becomes 0/1), from either byte order and either memory order.
    /// </summary>
    public Tensor ToTensor() => _dtype.ToTensor(Data, Shape, FortranOrder);

    /// <summary>A copy of the bytes of a <c>|u1</c> C-order array (an image, a mask).</summary>
    /// <exception cref="NpyFormatException">The array is not uint8 or is stored in Fortran order.</exception>
    public byte[] ToUInt8()
    {
        if (!IsUInt8)
            throw new NpyFormatException($"{Source}: expected dtype |u1 (uint8) but the array is '{DType}'");
        if (FortranOrder && Shape.Length > 1)
            throw new NpyFormatException($"{Source}: expected a C-order uint8 array but it is stored in Fortran order");
        return (byte[])Data.Clone();
    }
}
