using D2Sharp.Backends.Cuda;
using D2Sharp.Backends.Cuda.Kernels;
using D2Sharp.Ops;
using D2Sharp.Tests.Backends;

namespace D2Sharp.Tests.CudaKernels;

/// <summary>
/// conv_transpose2d.cu against ConvTranspose2dKernel, bit for bit (both sum exact products in double
/// from the bias and round once): the harness's cases, and odd ones — channels that are no multiple
/// of 4 or 32, the mask head's k2 s2 p0, the keypoint head's k4 s2 p1, k3 s1 p1, a kernel smaller
/// than its stride (outputs no tap reaches: bias only), a 1×1 input, with and without bias and
/// ReLU. The weight goes through the backend's repacking; the output starts as NaN, so every element
/// must be written.
/// </summary>
[TestFixture]
public class ConvTranspose2dKernelTests : ExactKernelTests<ConvTranspose2d>
{
    // (n, cin, cout, h, w, kernel, stride, padding, bias, relu)
    [TestCase(2, 37, 33, 5, 4, 2, 2, 0, true, true)]
    [TestCase(1, 5, 17, 6, 7, 4, 2, 1, true, false)]
    [TestCase(3, 3, 2, 4, 5, 3, 1, 1, false, true)]
    [TestCase(1, 7, 6, 1, 1, 4, 2, 1, true, true)]
    [TestCase(2, 1, 1, 1, 1, 2, 2, 0, false, false)]
    [TestCase(1, 6, 9, 3, 4, 1, 3, 0, true, false)]
    [TestCase(1, 33, 65, 2, 3, 5, 3, 2, true, true)]
    public void OddShapesMatchTheReference(int n, int cin, int cout, int h, int w, int kernel, int stride, int padding, bool bias, bool relu)
    {
        var rng = new Random(cin * 131 + cout * 7 + kernel);
        var op = new ConvTranspose2d
        {
            InChannels = cin, OutChannels = cout, Kernel = kernel, Stride = stride, Padding = padding, HasBias = bias,
            Activation = relu ? Activation.Relu : Activation.None,
        };
        var parameters = new Dictionary<string, Tensor> { ["weight"] = KernelAssert.Uniform(rng, [cin, cout, kernel, kernel]) };
        if (bias) parameters["bias"] = KernelAssert.Uniform(rng, [cout]);
        var x = KernelAssert.Uniform(rng, [n, cin, h, w]);
        var expected = OpRunner.RunSingle(KernelAssert.Reference, op, [x], parameters);
        KernelAssert.Exact(Run(op, [x], parameters), expected, $"{op.Describe()} N={n} {h}x{w}");
    }

    /// <summary>d2_conv_transpose2d on the host: the NHWC input and the repacked weight in, the NCHW output back.</summary>
    private protected override float[] Run(ConvTranspose2d op, Tensor[] inputs, IReadOnlyDictionary<string, Tensor> parameters)
    {
        var x = inputs[0];
        using var input = HostBuffer.Of<float>(Nhwc.FromNchw(x));
        using var weight = HostBuffer.Of<float>(ConvTranspose2dKernel.Repack(op, parameters["weight"].Data));
        using var bias = parameters.TryGetValue("bias", out var b) ? HostBuffer.Of<float>(b.Data) : null;
        var p = ConvTranspose2dKernel.Params(op, x.Shape, input.Address, weight.Address, bias?.Address ?? 0, 0);
        using var y = HostBuffer.Floats((long)p.N * p.Ho * p.Wo * p.Cout);
        y.Span<float>().Fill(float.NaN);
        p.Y = y.Address;
        HostKernels.Launch("d2_conv_transpose2d", LaunchShapes.ConvTranspose2d(p.N, p.Ho, p.Wo, p.Cout), p);
        return Nhwc.ToNchw(y.Span<float>(), p.N, p.Cout, p.Ho * p.Wo);
    }
}
