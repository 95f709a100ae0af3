using D2Sharp.Backends.Host;
using D2Sharp.Ops;

namespace D2Sharp.Backends.Reference.Kernels;

/// <summary>
/// <see cref="MaskRcnnInference"/>: per detection, its class's channel of the NHWC logits through
/// 1 / (1 + e^−x) in float32. Parallel over the detections.
/// </summary>
internal sealed class MaskRcnnInferenceKernel : HostKernel
{
    public override void Run(KernelArgs args) => args.Parallel(args.Outputs[0].Shape[0] * args.Outputs[0].Shape[1]);

    public override void Row(KernelArgs args, int index, int worker)
    {
        var logits = args.In(0);
        int perImage = args.Outputs[0].Shape[1], plane = logits.H * logits.W;
        var probs = args.Outputs[0].Span<float>().Slice(index * plane, plane);
        if (index % perImage >= args.Inputs[2].Span<int>()[index / perImage])
        {
            probs.Clear();
            return;
        }
        int channel = logits.C == 1 ? 0 : (int)args.Inputs[1].Span<long>()[index];
        var pixels = logits.Pixels(index, 0, 0, plane);
        for (int p = 0; p < plane; p++) probs[p] = 1f / (1f + MathF.Exp(-pixels[p * logits.C + channel]));
    }
}
