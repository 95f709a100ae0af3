using CsCheck;
using D2Sharp.Backends.Cpu;
using D2Sharp.Backends.Reference;
using D2Sharp.Ops;

namespace D2Sharp.Tests.Backends;

/// <summary>
/// The fixed sweep of <see cref="OpCases"/> plus random convolutions: any kernel (square or not),
/// stride, padding, dilation, groups and epilogue on any small image, the CPU backend against the
/// reference backend within the harness's tolerance. A failing case shrinks to a small one.
/// </summary>
[TestFixture]
public class ConvPropertyTests
{
    private static readonly Gen<(Conv2d Op, int H, int W, int Seed)> AConvolution =
        Gen.Select(Gen.Int[1, 4], Gen.Int[1, 12], Gen.Int[1, 12], Gen.Int[1, 5], Gen.Int[1, 5], Gen.Int[1, 3], Gen.Int[0, 3], Gen.Int[1, 2])
            .Select(Gen.Int[1, 20], Gen.Int[1, 20], Gen.Int[0, 3], Gen.Int[0, 1000], (c, h, w, epilogue, seed) =>
            {
                var (groups, inPerGroup, outPerGroup, kh, kw, stride, padding, dilation) = c;
                var op = new Conv2d
                {
                    InChannels = groups * inPerGroup, OutChannels = groups * outPerGroup, KernelH = kh, KernelW = kw,
                    Stride = stride, Padding = padding, Dilation = dilation, Groups = groups,
                    HasBias = epilogue >= 1, HasResidual = epilogue >= 2, Activation = epilogue == 3 ? Activation.Relu : Activation.None,
                };
                return (Op: op, H: h, W: w, Seed: seed);
            })
            .Where(x => Conv2d.OutputSize(x.H, x.Op.KernelH, x.Op.Stride, x.Op.Padding, x.Op.Dilation) > 0
                && Conv2d.OutputSize(x.W, x.Op.KernelW, x.Op.Stride, x.Op.Padding, x.Op.Dilation) > 0);

    [Test]
    public void TheCpuBackendMatchesTheReferenceOnRandomConvolutions()
    {
        var cpu = new CpuBackend(threads: 2);
        var reference = new ReferenceBackend(threads: 1);
        AConvolution.Sample(x =>
        {
            var c = OpCases.ConvCase(x.Op, x.H, x.W, x.Seed);
            var actual = OpRunner.Run(cpu, c.Op, c.Inputs, c.Parameters)[0];
            var expected = OpRunner.Run(reference, c.Op, c.Inputs, c.Parameters)[0];
            BackendOpTests.AssertClose(BackendOpTests.ToDouble(actual), BackendOpTests.ToDouble(expected), BackendOpTests.Tolerance(c), c.Name);
        }, iter: 200, threads: 1);
    }
}
