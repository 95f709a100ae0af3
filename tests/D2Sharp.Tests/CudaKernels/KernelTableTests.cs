using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;
using D2Sharp.Backends.Cuda;

namespace D2Sharp.Tests.CudaKernels;

/// <summary>The host library's launch table and error codes, and the C# parameter structs' sizes against the C ones.</summary>
[TestFixture]
public partial class KernelTableTests
{
    [GeneratedRegex(@"extern\s+""C""\s+__global__\s+void\s+(\w+)\s*\(")]
    private static partial Regex EntryPoint();

    private static IEnumerable<string> SourceKernels() =>
        Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "kernels"), "*.cu")
            .SelectMany(f => EntryPoint().Matches(File.ReadAllText(f)).Select(m => m.Groups[1].Value));

    [Test]
    public void TheTableListsEveryKernelOfTheSources()
    {
        var sources = SourceKernels().ToList();
        Assert.That(sources, Is.Not.Empty);
        Assert.That(HostKernels.TableKernels(), Is.EquivalentTo(sources));
    }

    [Test]
    public void LaunchReportsUnknownKernelsAndOversizedBlocks()
    {
        var p = new ReluParams();
        Assert.That(HostKernels.TryLaunch("d2_no_such_kernel", (1, 1, 1), (1, 1, 1), p), Is.EqualTo(1));
        Assert.That(HostKernels.TryLaunch("d2_relu", (1, 1, 1), (1025, 1, 1), p), Is.EqualTo(2));
        Assert.That(HostKernels.TryLaunch("d2_relu", (0, 1, 1), (256, 1, 1), p), Is.EqualTo(3));
    }

    private static readonly (string Name, int Size)[] Structs =
    [
        // Unsafe.SizeOf is what a struct passed by pointer occupies; MarshalledSizesAgree checks Marshal's view too.
        (nameof(NormalizeImageParams), Unsafe.SizeOf<NormalizeImageParams>()),
        (nameof(UpsampleAddParams), Unsafe.SizeOf<UpsampleAddParams>()),
        (nameof(GroupNormParams), Unsafe.SizeOf<GroupNormParams>()),
        (nameof(MaxPool2dParams), Unsafe.SizeOf<MaxPool2dParams>()),
        (nameof(AddParams), Unsafe.SizeOf<AddParams>()),
        (nameof(ReluParams), Unsafe.SizeOf<ReluParams>()),
        (nameof(BiasActivationParams), Unsafe.SizeOf<BiasActivationParams>()),
        (nameof(AnchorGridParams), Unsafe.SizeOf<AnchorGridParams>()),
        (nameof(DeformIm2colParams), Unsafe.SizeOf<DeformIm2colParams>()),
        (nameof(LayoutParams), Unsafe.SizeOf<LayoutParams>()),
        (nameof(RoiAlignParams), Unsafe.SizeOf<RoiAlignParams>()),
        (nameof(ZeroSlotsParams), Unsafe.SizeOf<ZeroSlotsParams>()),
        (nameof(SpatialMeanParams), Unsafe.SizeOf<SpatialMeanParams>()),
        (nameof(ConvTranspose2dParams), Unsafe.SizeOf<ConvTranspose2dParams>()),
        (nameof(RefineBoxesParams), Unsafe.SizeOf<RefineBoxesParams>()),
        (nameof(UpsampleBilinear2xParams), Unsafe.SizeOf<UpsampleBilinear2xParams>()),
        (nameof(TopKParams), Unsafe.SizeOf<TopKParams>()),
        (nameof(BoxDecodeParams), Unsafe.SizeOf<BoxDecodeParams>()),
    ];

    [Test]
    public void EveryParamStructHasTheCSize()
    {
        foreach (var (name, size) in Structs)
            Assert.That(size, Is.EqualTo(HostKernels.SizeOf(name)), name);
    }

    [Test]
    public void MarshalledSizesAgree()
    {
        foreach (var type in typeof(LaunchShapes).Assembly.GetTypes().Where(t => t.Namespace == typeof(LaunchShapes).Namespace && t.Name.EndsWith("Params", StringComparison.Ordinal)))
            Assert.That(Marshal.SizeOf(type), Is.EqualTo(Structs.Single(s => s.Name == type.Name).Size), type.Name);
    }

    [Test]
    public void EveryCStructIsMirroredInCSharp()
    {
        var mirrored = typeof(LaunchShapes).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(LaunchShapes).Namespace && t.IsValueType && t.Name.EndsWith("Params", StringComparison.Ordinal))
            .Select(t => t.Name);
        Assert.That(Structs.Select(s => s.Name), Is.EquivalentTo(mirrored));
        var inSources = Directory.GetFiles(Path.Combine(TestPaths.RepoRoot, "kernels"), "*.cu")
            .SelectMany(f => Regex.Matches(File.ReadAllText(f), @"^struct (\w+Params)$", RegexOptions.Multiline).Select(m => m.Groups[1].Value));
        Assert.That(Structs.Select(s => s.Name), Is.EquivalentTo(inSources));
    }
}
