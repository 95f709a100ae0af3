namespace D2Sharp.Backends.Host;

/// <summary>Conversions between the boundary's NCHW and the host backends' NHWC.</summary>
internal static class Layouts
{
    public static void NchwToNhwc(ReadOnlySpan<float> nchw, FeatureMap map)
    {
        int plane = map.H * map.W;
        for (int n = 0; n < map.N; n++)
            for (int y = 0; y < map.H; y++)
                for (int x = 0; x < map.W; x++)
                {
                    var pixel = map.Pixel(n, y, x);
                    int at = n * map.C * plane + y * map.W + x;
                    for (int c = 0; c < map.C; c++) pixel[c] = nchw[at + c * plane];
                }
    }

    public static void NhwcToNchw(FeatureMap map, Span<float> nchw)
    {
        int plane = map.H * map.W;
        for (int n = 0; n < map.N; n++)
            for (int y = 0; y < map.H; y++)
                for (int x = 0; x < map.W; x++)
                {
                    var pixel = map.Pixel(n, y, x);
                    int at = n * map.C * plane + y * map.W + x;
                    for (int c = 0; c < map.C; c++) nchw[at + c * plane] = pixel[c];
                }
    }
}
