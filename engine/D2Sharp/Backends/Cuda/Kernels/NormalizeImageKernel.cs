using D2Sharp.Graph;
using D2Sharp.Ops;

namespace D2Sharp.Backends.Cuda.Kernels;

/// <summary>NormalizeImage on the device (normalize_image.cu): uint8 NHWC pixels in, NHWC float32 out.</summary>
internal sealed class NormalizeImageKernel : CudaKernel
{
    public override unsafe void Enqueue(CudaStep step)
    {
        var op = (NormalizeImage)step.Op;
        if (op.Mean.Length > 4) throw new ArgumentException($"the cuda backend normalises at most 4 channels, not {op.Mean.Length}");
        int[] pixels = step.InputShapes[0];
        var p = new NormalizeImageParams
        {
            Pixels = step.Inputs[0], ImageSizes = step.Inputs[1], Y = step.Outputs[0],
            N = pixels[0], H = pixels[1], W = pixels[2], C = pixels[3],
        };
        for (int c = 0; c < op.Mean.Length; c++)
        {
            p.Mean[c] = op.Mean[c];
            p.Std[c] = op.Std[c];
        }
        ElementwiseLaunch.Enqueue(step, "normalize_image", "d2_normalize_image", Tensor.CountElements(pixels), ref p);
    }
}
