using D2Sharp.Runtime;
using D2Sharp.Serving.Batching;
using D2Sharp.Serving.V1;

namespace D2Sharp.Serving;

/// <summary>One request's share of a batch's result, as the API's messages.</summary>
internal static class Responses
{
    public static DetectResponse Detect(string model, BatchOutcome outcome)
    {
        var instances = outcome.Result.Instances![outcome.Index];
        var metadata = outcome.Model.Metadata!;
        var response = new DetectResponse
        {
            Model = model,
            Generation = outcome.Model.Generation,
            ImageHeight = instances.ImageHeight,
            ImageWidth = instances.ImageWidth,
        };
        for (int k = 0; k < instances.Count; k++)
        {
            int cls = instances.Classes[k];
            var box = instances.Boxes.AsSpan(4 * k, 4);
            var instance = new Instance
            {
                Box = new Box { X1 = box[0], Y1 = box[1], X2 = box[2], Y2 = box[3] },
                Score = instances.Scores[k],
                ClassId = cls,
                ClassName = cls < metadata.ClassNames.Count ? metadata.ClassNames[cls] : $"class {cls}",
                CategoryId = cls < metadata.CategoryIds.Count ? metadata.CategoryIds[cls] : cls,
            };
            if (instances.Masks is { } masks)
                instance.Mask = new CocoRle { Size = { masks[k].Height, masks[k].Width }, Counts = masks[k].ToCocoRleString() };
            if (instances.Keypoints is { } keypoints)
            {
                int per = instances.KeypointsPerInstance;
                for (int j = 0; j < per; j++)
                {
                    int at = (k * per + j) * 3;
                    instance.Keypoints.Add(new Keypoint { X = keypoints[at], Y = keypoints[at + 1], Score = keypoints[at + 2] });
                }
            }
            response.Instances.Add(instance);
        }
        return response;
    }

    /// <summary>
    /// The request's feature maps: its image's slice of each batched [N, C, H, W] map, cropped to
    /// the rows and columns that cover the image (ceil(size / stride)), the rest being padding.
    /// </summary>
    public static FeaturesResponse Features(string model, BatchOutcome outcome, IReadOnlyCollection<string> names)
    {
        var (height, width) = outcome.Result.ImageSizes[outcome.Index];
        var response = new FeaturesResponse { Model = model, Generation = outcome.Model.Generation, ImageHeight = height, ImageWidth = width };
        foreach (var (name, stride) in outcome.Model.FeatureStrides)
        {
            if (names.Count > 0 && !names.Contains(name)) continue;
            response.Features.Add(Crop(name, stride, outcome.Result[name], outcome.Index, height, width));
        }
        return response;
    }

    private static FeatureMap Crop(string name, int stride, Tensor batched, int index, int height, int width)
    {
        int channels = batched.Shape[1], rows = batched.Shape[2], columns = batched.Shape[3];
        int keptRows = Math.Min(rows, (height + stride - 1) / stride), keptColumns = Math.Min(columns, (width + stride - 1) / stride);
        var data = new float[channels * keptRows * keptColumns];
        var source = batched.Data;
        for (int c = 0; c < channels; c++)
            for (int y = 0; y < keptRows; y++)
                source.AsSpan(((index * channels + c) * rows + y) * columns, keptColumns)
                    .CopyTo(data.AsSpan((c * keptRows + y) * keptColumns, keptColumns));
        var map = new FeatureMap { Name = name, Stride = stride, Shape = { channels, keptRows, keptColumns } };
        map.Data.Add(data);
        return map;
    }
}
