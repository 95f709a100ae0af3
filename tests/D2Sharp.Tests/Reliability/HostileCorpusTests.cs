using D2Sharp.Config;
using D2Sharp.Imaging;
using D2Sharp.IO;
using D2Sharp.Weights;

namespace D2Sharp.Tests.Reliability;

/// <summary>
/// Loads every file of <c>tests/hostile/</c> with its loader and checks the typed error its
/// <c>expected.tsv</c> names, a message without control characters, and bounded allocation.
/// </summary>
public class HostileCorpusTests
{
    /// <summary>What loading one hostile file may allocate at most: far below what any of them declares.</summary>
    private const long AllocationBound = 64L << 20;

    private static readonly string CorpusRoot = Path.Combine(TestPaths.RepoRoot, "tests", "hostile");

    public static IEnumerable<TestCaseData> Cases()
    {
        foreach (string folder in Directory.GetDirectories(CorpusRoot).Order(StringComparer.Ordinal))
        {
            string manifest = Path.Combine(folder, "expected.tsv");
            if (!File.Exists(manifest)) continue;
            foreach (string line in File.ReadLines(manifest))
            {
                if (line.Length == 0 || line.StartsWith('#')) continue;
                string[] fields = line.Split('\t');
                string kind = Path.GetFileName(folder);
                yield return new TestCaseData(kind, fields[0], fields[1], fields[2]).SetName($"{kind}/{fields[0]}");
            }
        }
    }

    [TestCaseSource(nameof(Cases))]
    public void IsRefusedWithATypedBoundedError(string kind, string file, string exceptionType, string fragment)
    {
        string path = Path.Combine(CorpusRoot, kind, file);
        Assert.That(File.Exists(path) || Directory.Exists(path), $"{path} is listed but missing (run its make.py?)");

        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Catch<D2SharpException>(() => Load(kind, path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(error!.GetType().Name, Is.EqualTo(exceptionType), error.ToString());
        Assert.That(error.Message, Does.Contain(fragment));
        Assert.That(error.Message.Where(char.IsControl), Is.Empty, $"control characters in: {error.Message}");
        Assert.That(allocated, Is.LessThan(AllocationBound), $"loading {file} allocated {allocated >> 20} MiB");
    }

    [Test]
    public void EveryCorpusFileIsListed()
    {
        foreach (string folder in Directory.GetDirectories(CorpusRoot))
        {
            var listed = File.ReadLines(Path.Combine(folder, "expected.tsv"))
                .Where(l => l.Length > 0 && !l.StartsWith('#')).Select(l => l.Split('\t')[0]).ToHashSet();
            var present = Directory.GetFiles(folder).Select(Path.GetFileName)
                .Where(f => f is not ("expected.tsv" or "make.py" or "README.md"));
            Assert.That(present.Where(f => !listed.Contains(f!)), Is.Empty, $"files in {folder} without an expected error");
        }
    }

    private static void Load(string kind, string path)
    {
        switch (kind)
        {
            case "config": ConfigLoader.Load(path); break;
            case "checkpoint": CheckpointLoader.Load(path); break;
            case "image": ImageLoader.Load(path, "BGR"); break;
            case "npy" when path.EndsWith(".npz", StringComparison.Ordinal): Npz.Read(path); break;
            case "npy": Npy.Read(path); break;
            default: throw new AssertionException($"no loader for the corpus folder '{kind}'");
        }
    }
}
