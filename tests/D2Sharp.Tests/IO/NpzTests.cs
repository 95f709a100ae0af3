using System.IO.Compression;
using D2Sharp.IO;

namespace D2Sharp.Tests.IO;

[TestFixture]
public class NpzTests
{
    private string _dir = "";

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("d2sharp-npz-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    [Test]
    public void WriteThenReadKeepsNamesOrderAndValues()
    {
        var arrays = new List<KeyValuePair<string, Tensor>>
        {
            new("p6", new Tensor([1, 2, 1, 1], [1f, 2f])),
            new("anchors_p2", new Tensor([2, 4], [0f, 1f, 2f, 3f, -4f, -5f, 6.5f, 7f])),
            new("bottom_up.res2", new Tensor([3], [9f, 8f, 7f])),
        };
        string path = PathOf("out.npz");
        Npz.Write(path, arrays);
        var back = Npz.Read(path);

        Assert.That(back.Keys, Is.EqualTo(new[] { "p6", "anchors_p2", "bottom_up.res2" }));
        foreach (var (name, tensor) in arrays)
        {
            Assert.That(back[name].Shape, Is.EqualTo(tensor.Shape), name);
            Assert.That(back[name].ToTensor().Data, Is.EqualTo(tensor.Data), name);
        }
    }

    [Test]
    public void WrittenMembersAreStoredNpyFilesLikeSavez()
    {
        string path = PathOf("stored.npz");
        Npz.Write(path, [new("x", new Tensor([2], [1f, 2f]))]);

        using var zip = ZipFile.OpenRead(path);
        var entry = zip.Entries.Single();
        Assert.That(entry.FullName, Is.EqualTo("x.npy"));
        Assert.That(entry.CompressedLength, Is.EqualTo(entry.Length), "np.savez stores members uncompressed");
    }

    [Test]
    public void DeflatedArchivesLikeSavezCompressedAreRead()
    {
        string path = PathOf("compressed.npz");
        byte[] member = NpyBytes.Build(NpyBytes.Header(">f4", "(3,)"), NpyBytes.BigEndianFloats(1f, 2f, 3f));
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using var stream = zip.CreateEntry("big.npy", CompressionLevel.Optimal).Open();
            stream.Write(member);
        }

        var arrays = Npz.Read(path);
        Assert.That(arrays["big"].ToTensor().Data, Is.EqualTo(new[] { 1f, 2f, 3f }));
    }

    [Test]
    public void DuplicateOrEmptyNamesAreRejectedOnWrite()
    {
        var t = new Tensor([1], [0f]);
        Assert.Throws<ArgumentException>(() => Npz.Write(PathOf("dup.npz"), [new("a", t), new("a", t)]));
        Assert.Throws<ArgumentException>(() => Npz.Write(PathOf("empty.npz"), [new("", t)]));
    }

    [Test]
    public void NonZipFileNamesTheFile()
    {
        string path = PathOf("garbage.npz");
        File.WriteAllBytes(path, NpyBytes.Build(NpyBytes.Header("<f4", "(1,)"), new byte[4]));

        var e = Assert.Throws<NpyFormatException>(() => Npz.Read(path));
        Assert.That(e!.Message, Does.Contain(path).And.Contain("zip"));
    }

    [Test]
    public void BrokenMemberNamesTheFileAndTheArray()
    {
        string path = PathOf("broken.npz");
        byte[] good = NpyBytes.Build(NpyBytes.Header("<f4", "(1,)"), new byte[4]);
        byte[] truncated = NpyBytes.Build(NpyBytes.Header("<f4", "(8,)"), new byte[5]);
        WriteZip(path, ("fine.npy", good), ("p3.npy", truncated));

        var e = Assert.Throws<NpyFormatException>(() => Npz.Read(path));
        Assert.That(e!.Message, Does.Contain(path).And.Contain("'p3'").And.Contain("truncated"));
    }

    [Test]
    public void ObjectMemberIsRefusedNamingTheArray()
    {
        string path = PathOf("pickled.npz");
        WriteZip(path, ("obj.npy", NpyBytes.Build(NpyBytes.Header("|O", "(1,)"), new byte[8])));

        var e = Assert.Throws<NpyFormatException>(() => Npz.Read(path));
        Assert.That(e!.Message, Does.Contain(path).And.Contain("'obj'").And.Contain("never unpickles"));
    }

    [Test]
    public void MemberThatIsNotNpyIsAnError()
    {
        string path = PathOf("readme.npz");
        WriteZip(path, ("README.txt", "hello"u8.ToArray()));

        var e = Assert.Throws<NpyFormatException>(() => Npz.Read(path));
        Assert.That(e!.Message, Does.Contain(path).And.Contain("README.txt"));
    }

    [Test]
    public void MissingFileOrDirectoryIsAFormatError()
    {
        Assert.That(Assert.Throws<NpyFormatException>(() => Npz.Read(PathOf("absent.npz")))!.Message, Does.Contain("not found"));
        Assert.That(Assert.Throws<NpyFormatException>(() => Npz.Read(_dir))!.Message, Does.Contain("directory"));
    }

    [Test]
    public void TruncatedArchiveIsNotAZip()
    {
        string path = PathOf("cut.npz");
        Npz.Write(path, [new("x", new Tensor([64], new float[64]))]);
        byte[] whole = File.ReadAllBytes(path);
        File.WriteAllBytes(path, whole[..(whole.Length / 2)]);

        var e = Assert.Throws<NpyFormatException>(() => Npz.Read(path));
        Assert.That(e!.Message, Does.Contain(path).And.Contain("zip"));
    }

    [Test]
    public void EntryDeclaringMoreThanDeflateCanProduceIsRefused()
    {
        string path = PathOf("declared.npz");
        WriteZip(path, ("x.npy", NpyBytes.Build(NpyBytes.Header("<f4", "(1,)"), new byte[4])));
        byte[] zip = File.ReadAllBytes(path);
        SetUncompressedSize(zip, 0xFFFF_FFF0);
        File.WriteAllBytes(path, zip);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<NpyFormatException>(() => Npz.Read(path));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(1 << 20));
        Assert.That(e!.Message, Does.Contain("'x'").And.Contain("zip bomb"));
    }

    [Test]
    public void DataExpandingPastTheDeclaredSizeIsNeverRead()
    {
        // 16 MiB of zeros deflate to about 16 KiB; the entry claims 1000 bytes.
        string path = PathOf("bomb.npz");
        byte[] member = NpyBytes.Build(NpyBytes.Header("|u1", "(16, 1048576)"), new byte[16 << 20]);
        using (var archive = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using var stream = archive.CreateEntry("x.npy", CompressionLevel.Optimal).Open();
            stream.Write(member);
        }
        byte[] zip = File.ReadAllBytes(path);
        SetUncompressedSize(zip, 1000);
        File.WriteAllBytes(path, zip);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<NpyFormatException>(() => Npz.Read(path));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(4 << 20));
        Assert.That(e!.Message, Does.Contain("'x'").And.Contain("truncated"));
    }

    /// <summary>Rewrites the uncompressed size of the archive's only entry, in its local header and in the central directory.</summary>
    private static void SetUncompressedSize(byte[] zip, uint size)
    {
        var span = zip.AsSpan();
        int local = span.IndexOf("PK\u0003\u0004"u8);
        int central = span.IndexOf("PK\u0001\u0002"u8);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(span[(local + 22)..], size);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(span[(central + 24)..], size);
    }

    private static void WriteZip(string path, params (string Name, byte[] Content)[] members)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        foreach (var (name, content) in members)
        {
            using var stream = zip.CreateEntry(name, CompressionLevel.NoCompression).Open();
            stream.Write(content);
        }
    }
}
