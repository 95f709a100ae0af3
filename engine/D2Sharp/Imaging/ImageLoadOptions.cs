namespace D2Sharp.Imaging;

/// <summary>Limits that <see cref="ImageLoader.Load(string, string, ImageLoadOptions)"/> applies to untrusted files.</summary>
public sealed record ImageLoadOptions
{
    /// <summary>
    /// 178,956,970 pixels: twice PIL's <c>Image.MAX_IMAGE_PIXELS</c> (89,478,485), the size above
    /// which PIL raises <c>DecompressionBombError</c>, so every image PIL opens also loads here. At
    /// that size the decoded RGB image takes about 512 MiB.
    /// </summary>
    public const long DefaultMaxPixels = 2 * 89_478_485L;

    /// <summary>The largest limit that can be set: an H×W×3 byte image must fit in one .NET array.</summary>
    public static readonly long MaxSupportedPixels = Array.MaxLength / 3;

    /// <summary>The options <see cref="ImageLoader.Load(string, string)"/> uses.</summary>
    public static ImageLoadOptions Default { get; } = new();

    /// <summary>
    /// The most pixels (height × width, read from the file's header before anything is decoded) an
    /// encoded image may declare; larger ones are refused as possible decompression bombs. Also
    /// bounds <c>.npy</c> images. Between 1 and <see cref="MaxSupportedPixels"/>; default
    /// <see cref="DefaultMaxPixels"/>.
    /// </summary>
    public long MaxPixels
    {
        get;
        init => field = value >= 1 && value <= MaxSupportedPixels
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxPixels), value, $"must be between 1 and {MaxSupportedPixels}");
    } = DefaultMaxPixels;
}
