// Decodes JPEG/PNG files with one decoder and writes each as a uint8 H×W×3 RGB .npy, for
// bench/images/compare_pil.py to compare with PIL. Usage: D2Sharp.Bench.Images DECODER OUT_DIR FILE...
using BitMiracle.LibJpeg.Classic;
using D2Sharp.Imaging;
using D2Sharp;
using D2Sharp.IO;
using ImageMagick;
using SkiaSharp;

var decoders = new Dictionary<string, Func<string, (byte[] Rgb, int Height, int Width)>>
{
    // What D2Sharp ships: ImageLoader, EXIF orientation included.
    ["d2sharp"] = path => ImageLoader.Load(path, "RGB") is var image ? (image.Pixels, image.Height, image.Width) : default,
    // What D2Sharp used before: StbImageSharp, a C# port of stb_image.
    ["stb"] = path => StbImageSharp.ImageResult.FromMemory(File.ReadAllBytes(path), StbImageSharp.ColorComponents.RedGreenBlue) is var r ? (r.Data, r.Height, r.Width) : default,
    ["skia"] = DecodeSkia,
    ["libjpeg.net"] = DecodeLibJpegNet,
    ["magick"] = DecodeMagick,
};
if (args.Length < 3 || !decoders.TryGetValue(args[0], out var decode))
{
    Console.Error.WriteLine($"usage: D2Sharp.Bench.Images {string.Join('|', decoders.Keys)} OUT_DIR FILE...");
    return 2;
}
Directory.CreateDirectory(args[1]);
foreach (string path in args[2..])
{
    var (rgb, height, width) = decode(path);
    Npy.Write(Path.Combine(args[1], Path.GetFileNameWithoutExtension(path) + ".npy"), new Tensor([height, width, 3], rgb));
}
return 0;

static (byte[], int, int) DecodeSkia(string path)
{
    // Skia's JPEG codec is libjpeg-turbo; ask for unpremultiplied RGBA so nothing is composited.
    using var codec = SKCodec.Create(path) ?? throw new InvalidOperationException($"{path}: Skia cannot open it");
    var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
    var rgba = new byte[info.BytesSize];
    unsafe
    {
        fixed (byte* p = rgba)
        {
            var result = codec.GetPixels(info, (IntPtr)p);
            if (result != SKCodecResult.Success) throw new InvalidOperationException($"{path}: Skia says {result}");
        }
    }
    return (DropFourth(rgba), info.Height, info.Width);
}

static (byte[], int, int) DecodeLibJpegNet(string path)
{
    // LibJpeg.NET is a C# port of IJG libjpeg 6b, with its defaults: ISLOW IDCT and fancy upsampling.
    using var file = File.OpenRead(path);
    var decompressor = new jpeg_decompress_struct();
    decompressor.jpeg_stdio_src(file);
    decompressor.jpeg_read_header(true);
    // libjpeg 6b converts grey to grey only: replicate it below.
    bool grey = decompressor.Jpeg_color_space == J_COLOR_SPACE.JCS_GRAYSCALE;
    decompressor.Out_color_space = grey ? J_COLOR_SPACE.JCS_GRAYSCALE : J_COLOR_SPACE.JCS_RGB;
    decompressor.jpeg_start_decompress();
    int width = decompressor.Output_width, height = decompressor.Output_height;
    var rgb = new byte[height * width * 3];
    var row = jpeg_common_struct.AllocJpegSamples(width * 3, 1);
    for (int y = 0; y < height; y++)
    {
        decompressor.jpeg_read_scanlines(row, 1);
        for (int x = 0; x < width * 3; x++) rgb[y * width * 3 + x] = row[0][grey ? x / 3 : x];
    }
    decompressor.jpeg_finish_decompress();
    return (rgb, height, width);
}

static (byte[], int, int) DecodeMagick(string path)
{
    // ImageMagick's own libjpeg-turbo; CMYK files come back as CMYK samples, not converted.
    using var image = new MagickImage(path);
    byte[] rgb = image.GetPixels().ToByteArray(PixelMapping.RGB)!;
    return (rgb, (int)image.Height, (int)image.Width);
}

static byte[] DropFourth(byte[] rgba)
{
    var rgb = new byte[rgba.Length / 4 * 3];
    for (int i = 0, o = 0; i < rgba.Length; i += 4, o += 3)
    {
        rgb[o] = rgba[i];
        rgb[o + 1] = rgba[i + 1];
        rgb[o + 2] = rgba[i + 2];
    }
    return rgb;
}
