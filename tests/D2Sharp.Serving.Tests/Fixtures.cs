using D2Sharp.Imaging;
using D2Sharp.Runtime;
using D2Sharp.Serving.V1;
using D2Sharp.Tests;
using Google.Protobuf;

namespace D2Sharp.Serving.Tests;

/// <summary>The committed detection fixtures the tests serve, and images made from their picture.</summary>
internal static class Fixtures
{
    /// <summary>Faster R-CNN R50-FPN made narrow: 58 detections on its 150×200 image, and quick to run.</summary>
    public const string Detection = "det_faster_rcnn_r50_fpn";

    public static ModelSource Model(string name, string fixture = Detection) =>
        new(name, TestPaths.Fixture(fixture, "config_resolved.yaml"), TestPaths.Fixture(fixture, "model.pkl"));

    /// <summary>A session loaded as the server loads its models: what a request's answer must equal.</summary>
    public static InferenceSession Session(string fixture = Detection) =>
        InferenceSession.Load(TestPaths.Fixture(fixture, "config_resolved.yaml"), weightsPath: TestPaths.Fixture(fixture, "model.pkl"),
            options: ModelSource.DefaultSession);

    public static byte[] Png(string fixture = Detection) => File.ReadAllBytes(TestPaths.Fixture(fixture, "image.png"));

    public static Image Picture(string fixture = Detection) => ImageLoader.Load(TestPaths.Fixture(fixture, "image.png"), "BGR");

    /// <summary>The top-left <paramref name="height"/>×<paramref name="width"/> of <paramref name="image"/>, transposed when asked (to make portrait images).</summary>
    public static Image Crop(Image image, int height, int width, bool transpose = false)
    {
        var pixels = new byte[height * width * 3];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                var (sy, sx) = transpose ? (x, y) : (y, x);
                image.Pixels.AsSpan((sy * image.Width + sx) * 3, 3).CopyTo(pixels.AsSpan((y * width + x) * 3, 3));
            }
        return ImageLoader.FromPixels(pixels, height, width, image.Format);
    }

    public static RawImage Raw(Image image) =>
        new() { Height = image.Height, Width = image.Width, Format = image.Format, Pixels = ByteString.CopyFrom(image.Pixels) };

    public static DetectRequest Detect(string model, Image image) => new() { Model = model, Raw = Raw(image) };

    public static DetectRequest Detect(string model, byte[] encoded) => new() { Model = model, Image = ByteString.CopyFrom(encoded) };
}
