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
        var sizes = args.Inputs[1].Span<int>();
        for (int n = 0; n < pixels[0]; n++)
        {
            int h = sizes[2 * n], w = sizes[2 * n + 1];
            if (h < 1 || h > pixels[1] || w < 1 || w > pixels[2])
                throw new ArgumentException($"image_sizes[{n}] = ({h}, {w}) is not a size inside the {pixels[1]}x{pixels[2]} pixel buffer");
        }
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
