using D2Sharp.Config;
using D2Sharp.Graph;
using D2Sharp.Imaging;
using D2Sharp.Memory;
using D2Sharp.Modeling;

namespace D2Sharp.Bench;

/// <summary>
/// `arena-mix`: how the session's grow-to-the-largest arena behaves on a COCO-like stream of
/// images. Draws image sizes as COCO's are distributed (long side 640, mostly 4:3 and 3:2, both
/// orientations), resizes them as Detectron2 does (ResizeShortestEdge 800 / 1333), pads to 32,
/// plans the full-width R50-FPN for each, and counts arena allocations and the memory kept.
/// </summary>
internal static class ArenaMixReport
{
    private static readonly (double Ratio, double Weight)[] AspectRatios =
    [
        (4.0 / 3, 0.45), (3.0 / 2, 0.15), (3.0 / 4, 0.15), (2.0 / 3, 0.08), (1.0, 0.05), (16.0 / 9, 0.05), (5.0 / 4, 0.04), (0, 0.03),
    ];

    public static void Run(int images)
    {
        var model = ModelBuilder.Build(ConfigLoader.Load(Repo.TinyConfig, Repo.FullWidthR50Fpn));
        var rng = new Random(2017);
        var arenaBySize = new Dictionary<(int, int), long>();
        long capacity = 0, largest = 0;
        int allocations = 0;
        double sum = 0;
        for (int i = 0; i < images; i++)
        {
            var (h, w) = DrawCocoSize(rng);
            var (rh, rw) = ResizeShortestEdge.GetOutputShape(h, w, 800, 1333);
            var size = model.PaddedSize(rh, rw);
            if (!arenaBySize.TryGetValue(size, out long bytes))
            {
                var plan = model.PlanForImages(1, size.Height, size.Width);
                bytes = ArenaLayout.Plan(plan, 64, v => plan.ElementsOf(v) * v.Type.SizeOf(), _ => 0).Arena.Size;
                arenaBySize[size] = bytes;
            }
            if (bytes > capacity)
            {
                capacity = bytes;
                allocations++;
                Console.WriteLine($"image {i + 1,4}: padded {size.Height}x{size.Width} grows the arena to {bytes / 1048576.0:F1} MiB");
            }
            largest = Math.Max(largest, bytes);
            sum += bytes;
        }
        Console.WriteLine($"{images} images, {arenaBySize.Count} distinct padded sizes, the arena allocated {allocations} times");
        Console.WriteLine($"arena kept: {capacity / 1048576.0:F1} MiB; largest single plan {largest / 1048576.0:F1} MiB; " +
                          $"mean plan {sum / images / 1048576.0:F1} MiB; one arena per size would hold {arenaBySize.Values.Sum() / 1048576.0:F1} MiB");
    }

    private static (int H, int W) DrawCocoSize(Random rng)
    {
        double pick = rng.NextDouble(), ratio = 0;
        foreach (var (r, weight) in AspectRatios)
        {
            ratio = r;
            if ((pick -= weight) <= 0) break;
        }
        if (ratio == 0) ratio = 0.5 + 1.5 * rng.NextDouble();
        int longSide = rng.NextDouble() < 0.9 ? 640 : 500;
        return ratio >= 1 ? ((int)Math.Round(longSide / ratio), longSide) : (longSide, (int)Math.Round(longSide * ratio));
    }
}
