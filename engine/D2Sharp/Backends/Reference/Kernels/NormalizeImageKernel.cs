using D2Sharp.Backends.Host;
using D2Sharp.Ops;

namespace D2Sharp.Backends.Reference.Kernels;

/// <summary>
/// <see cref="NormalizeImage"/>: (pixel − mean) / std in float32 inside each image's own size, 0 in
/// the padding. Checks every image size against the pixel buffer first. Parallel over output rows.
/// </summary>
internal sealed class NormalizeImageKernel : HostKernel
{
    public override void Run(KernelArgs args)
    {
        var pixels = args.Inputs[0].Shape;
        NormalizeImage.CheckImageSizes(args.Inputs[1].Span<int>(), pixels);
        args.Parallel(pixels[0] * pixels[1]);
    }

    public override void Row(KernelArgs args, int index, int worker)
    {
        var op = (NormalizeImage)args.Op;
        var pixels = args.Inputs[0];
        var sizes = args.Inputs[1].Span<int>();
        var y = args.Out(0);
        int n = index / y.H, row = index % y.H;
        int height = sizes[2 * n], width = sizes[2 * n + 1];
        var source = pixels.Span<byte>().Slice(index * y.W * y.C, y.W * y.C);
        for (int x = 0; x < y.W; x++)
            for (int c = 0; c < y.C; c++)
                y[n, row, x, c] = row < height && x < width ? (source[x * y.C + c] - op.Mean[c]) / op.Std[c] : 0f;
    }
}
