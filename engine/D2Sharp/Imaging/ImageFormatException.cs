namespace D2Sharp.Imaging;

/// <summary>
/// An image D2Sharp cannot use: an unreadable or unsupported file, a pixel buffer whose size does
/// not match its dimensions, or a channel format other than BGR/RGB. The message names the file
/// or the value at fault.
/// </summary>
public sealed class ImageFormatException : D2SharpException
{
    /// <summary>An image problem described by <paramref name="message"/>.</summary>
    public ImageFormatException(string message) : base(message) { }
    /// <summary>An image problem described by <paramref name="message"/>, caused by <paramref name="inner"/> (typically the decoder's exception).</summary>
    public ImageFormatException(string message, Exception inner) : base(message, inner) { }
}
