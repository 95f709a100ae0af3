using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;

namespace D2Sharp.Tests.Ops;

/// <summary>
/// Just enough of .npz/.npy to read the float32 arrays of the Detectron2 fixtures (little-endian
/// <c>&lt;f4</c>, C order), so the anchor tests can compare with them.
/// </summary>
internal static partial class NpzFixture
{
    /// <summary>tests/fixtures/&lt;case&gt;/&lt;file&gt;, found by walking up from the test assembly's folder.</summary>
    public static string PathOf(string caseName, string file)
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir != null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "tests", "fixtures", caseName, file);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException($"fixture {caseName}/{file} not found above {TestContext.CurrentContext.TestDirectory}");
    }

    public static (int[] Shape, float[] Data) ReadFloat32(string npzPath, string arrayName)
    {
        using var archive = ZipFile.OpenRead(npzPath);
        var entry = archive.GetEntry(arrayName + ".npy") ?? throw new KeyNotFoundException($"{npzPath} has no array '{arrayName}'");
        using var stream = entry.Open();
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var bytes = buffer.ToArray();

        Assert.That(bytes[0] == 0x93 && Encoding.ASCII.GetString(bytes, 1, 5) == "NUMPY", $"{arrayName}: not an .npy");
        int major = bytes[6];
        int headerLength = major == 1 ? BitConverter.ToUInt16(bytes, 8) : BitConverter.ToInt32(bytes, 8);
        int headerStart = major == 1 ? 10 : 12;
        string header = Encoding.ASCII.GetString(bytes, headerStart, headerLength);
        Assert.That(header, Does.Contain("'descr': '<f4'").And.Contain("'fortran_order': False"), $"{arrayName} header");

        var shape = ShapePattern().Match(header).Groups[1].Value
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(int.Parse).ToArray();
        var data = new float[shape.Aggregate(1, (a, b) => a * b)];
        Buffer.BlockCopy(bytes, headerStart + headerLength, data, 0, data.Length * 4);
        return (shape, data);
    }

    [GeneratedRegex(@"'shape': \(([^)]*)\)")]
    private static partial Regex ShapePattern();
}
