namespace D2Sharp.IO;

/// <summary>
/// A <c>.npy</c> or <c>.npz</c> file that D2Sharp cannot read: bad magic, malformed header, an
/// unsupported dtype (object/pickled arrays are refused, never unpickled) or truncated data.
/// The message names the file, and for an <c>.npz</c> the array inside it.
/// </summary>
public sealed class NpyFormatException : D2SharpException
{
    /// <summary>A read failure described by <paramref name="message"/>.</summary>
    public NpyFormatException(string message) : base(message) { }
    /// <summary>A read failure described by <paramref name="message"/>, caused by <paramref name="inner"/> (the header parser's or the zip reader's exception).</summary>
    public NpyFormatException(string message, Exception inner) : base(message, inner) { }
}
