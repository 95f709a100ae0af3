using D2Sharp.Runtime;

namespace D2Sharp.Serving.Tests;

/// <summary>What a Features answer must hold, from a session's own run of the image alone.</summary>
internal static class FeatureOracle
{
    /// <summary>
    /// Feature map <paramref name="name"/> of image 0 of <paramref name="result"/>, cropped to the
    /// ceil(size / stride) rows and columns covering the image: [C, rows, columns] flattened.
    /// </summary>
    public static (int[] Shape, float[] Data) Cropped(InferenceResult result, string name, int stride)
    {
        var (height, width) = result.ImageSizes[0];
        var full = result[name];
        int channels = full.Shape[1], rows = (height + stride - 1) / stride, columns = (width + stride - 1) / stride;
        var data = new List<float>();
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < rows; y++)
                data.AddRange(full.Data.AsSpan((c * full.Shape[2] + y) * full.Shape[3], columns).ToArray());
        return ([channels, rows, columns], data.ToArray());
    }
}
