using System.Text;
using D2Sharp.IO;

namespace D2Sharp.Tests.IO;

/// <summary>Broken, truncated and unsupported files fail with an <see cref="NpyFormatException"/> that names the file.</summary>
[TestFixture]
public class NpyErrorTests
{
    private string _dir = "";

    [SetUp]
    public void CreateDirectory() => _dir = Directory.CreateTempSubdirectory("d2sharp-npy-").FullName;

    [TearDown]
    public void DeleteDirectory() => Directory.Delete(_dir, recursive: true);

    private static readonly byte[] Valid = NpyBytes.Build(NpyBytes.Header("<f4", "(2, 3)"), new byte[24]);

    private static IEnumerable<TestCaseData> BrokenFiles()
    {
        yield return new TestCaseData(Array.Empty<byte>(), "truncated").SetName("Empty");
        yield return new TestCaseData(Encoding.ASCII.GetBytes("PK\u0003\u0004 this is not npy at all"), "magic").SetName("Garbage");
        yield return new TestCaseData(Valid[..9], "truncated").SetName("CutInLength");
        yield return new TestCaseData(Valid[..40], "truncated").SetName("CutInHeader");
        yield return new TestCaseData(Valid[..^1], "truncated").SetName("CutInData");
        yield return new TestCaseData(WithVersion(4, 0), "version").SetName("UnknownVersion");
        yield return new TestCaseData(WithVersion(1, 1), "version").SetName("UnknownMinorVersion");
        yield return new TestCaseData(NpyBytes.Build("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3)", new byte[24]), "malformed").SetName("UnclosedDict");
        yield return new TestCaseData(NpyBytes.Build("[1, 2]", []), "not a dict").SetName("NotADict");
        yield return new TestCaseData(NpyBytes.Build("{'descr': '<f4', 'shape': (1,), }", new byte[4]), "keys").SetName("MissingKey");
        yield return new TestCaseData(NpyBytes.Build("{'descr': '<f4', 'fortran_order': False, 'shape': (1,), 'x': 1}", new byte[4]), "keys").SetName("ExtraKey");
        yield return new TestCaseData(NpyBytes.Build(NpyBytes.Header("<f4", "(-1,)"), []), "shape entry").SetName("NegativeDimension");
        yield return new TestCaseData(NpyBytes.Build(NpyBytes.Header("<f4", "[2]"), new byte[8]), "tuple").SetName("ShapeIsAList");
        yield return new TestCaseData(NpyBytes.Build("{'descr': '<f4', 'fortran_order': 0, 'shape': (1,)}", new byte[4]), "fortran_order").SetName("FortranOrderNotBool");
        yield return new TestCaseData(NpyBytes.Build("{'descr': '<f4', 'fortran_order': __import__('os'), 'shape': (1,)}", []), "malformed").SetName("CodeInHeader");
        yield return new TestCaseData(NpyBytes.Build("{'descr': '<f4', 'descr': '<f8', 'fortran_order': False, 'shape': (1,)}", new byte[8]), "duplicate key 'descr'").SetName("DuplicateKey");
        yield return new TestCaseData(NpyBytes.Build("{'descr': '<f4', 1: 2, 'fortran_order': False, 'shape': (1,)}", new byte[4]), "not a string").SetName("NonStringKey");
        yield return new TestCaseData(NpyBytes.Build(NpyBytes.Header("<f4", "{1}"), new byte[4]), "set").SetName("ShapeIsASet");
        yield return new TestCaseData(NpyBytes.Build(NpyBytes.Header("<f4", "(99999999999999999999,)"), new byte[4]), "64 bits").SetName("DimensionBeyondInt64");
        yield return new TestCaseData(NpyBytes.Build(NpyBytes.Header("<f4", new string('(', 100_000) + "1," + new string(')', 100_000)), new byte[4], major: 2), "nested").SetName("DeeplyNestedBrackets");
        yield return new TestCaseData(NpyBytes.Build(NpyBytes.Header("<f4", "(" + new string('-', 100_000) + "1,)"), new byte[4], major: 2), "nested").SetName("LongOperatorChain");
        yield return new TestCaseData(NpyBytes.Build(NpyBytes.Header("|O", "(1,)"), new byte[8]), "never unpickles").SetName("ObjectDType");
        yield return new TestCaseData(NpyBytes.Build(NpyBytes.Header("<U3", "(1,)"), new byte[12]), "unsupported dtype").SetName("UnicodeDType");
        yield return new TestCaseData(NpyBytes.Build(NpyBytes.Header("<c8", "(1,)"), new byte[8]), "unsupported dtype").SetName("ComplexDType");
        yield return new TestCaseData(NpyBytes.Build(NpyBytes.Header("<f16", "(1,)"), new byte[16]), "unsupported dtype").SetName("LongDoubleDType");
        yield return new TestCaseData(NpyBytes.Build("{'descr': [('a', '<f4')], 'fortran_order': False, 'shape': (1,)}", new byte[4]), "structured").SetName("StructuredDType");
        yield return new TestCaseData(NpyBytes.Build(NpyBytes.Header("<f8", "(10000, 10000)"), new byte[16]), "truncated").SetName("LargeShapeShortData");
        yield return new TestCaseData(NpyBytes.Build(NpyBytes.Header("<f8", "(100000, 100000)"), new byte[16]), "too large").SetName("ShapeBeyondArrayLimit");
        yield return new TestCaseData(NpyBytes.Build(NpyBytes.Header("<f8", "(2147483647, 2147483647, 2147483647, 2147483647)"), new byte[16]), "too large").SetName("ShapeOverflowingLong");
    }

    private static byte[] WithVersion(byte major, byte minor)
    {
        var bytes = (byte[])Valid.Clone();
        bytes[6] = major;
        bytes[7] = minor;
        return bytes;
    }

    [TestCaseSource(nameof(BrokenFiles))]
    public void BrokenFileFromPathNamesTheFile(byte[] content, string reason)
    {
        string path = Path.Combine(_dir, "broken.npy");
        File.WriteAllBytes(path, content);

        var e = Assert.Throws<NpyFormatException>(() => Npy.Read(path));
        Assert.That(e!.Message, Does.Contain(path));
        Assert.That(e.Message, Does.Contain(reason).IgnoreCase);
    }

    [TestCaseSource(nameof(BrokenFiles))]
    public void BrokenFileFromUnseekableStreamNamesTheSource(byte[] content, string reason)
    {
        var e = Assert.Throws<NpyFormatException>(() => Npy.Read(new ForwardOnlyStream(content), "from-network.npy"));
        Assert.That(e!.Message, Does.Contain("from-network.npy"));
        Assert.That(e.Message, Does.Contain(reason).IgnoreCase);
    }

    [Test]
    public void MissingFileOrDirectoryIsAFormatErrorNamingThePath()
    {
        string absent = Path.Combine(_dir, "absent.npy");
        Assert.That(Assert.Throws<NpyFormatException>(() => Npy.Read(absent))!.Message, Does.Contain(absent).And.Contain("not found"));
        Assert.That(Assert.Throws<NpyFormatException>(() => Npy.Read(_dir))!.Message, Does.Contain(_dir).And.Contain("directory"));
    }

    [Test]
    public void HeaderLongerThanTheFileIsRefusedBeforeItIsAllocated()
    {
        // Version 2.0: a 4-byte header length of 16 MiB in a 20-byte file.
        byte[] file = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 2, 0, 0, 0, 0, 1, .. "{'descr'"u8];
        string path = Path.Combine(_dir, "long-header.npy");
        File.WriteAllBytes(path, file);

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<NpyFormatException>(() => Npy.Read(path));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(1 << 20));
        Assert.That(e!.Message, Does.Contain(path).And.Contain("truncated").And.Contain("16777216"));
    }

    [Test]
    public void SmallFileDeclaringAHundredGigabytesIsRefusedBeforeAllocating()
    {
        string path = Path.Combine(_dir, "100g.npy");
        File.WriteAllBytes(path, NpyBytes.Build(NpyBytes.Header("<f4", "(25000, 1000, 1000)"), new byte[1024]));

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<NpyFormatException>(() => Npy.Read(path));
        Assert.That(GC.GetAllocatedBytesForCurrentThread() - before, Is.LessThan(1 << 20));
        Assert.That(e!.Message, Does.Contain(path).And.Contain("too large"));
    }

    /// <summary>A stream that can only be read forwards, like a zip member or a network body.</summary>
    private sealed class ForwardOnlyStream(byte[] content) : Stream
    {
        private readonly MemoryStream _inner = new(content);
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, Math.Min(count, 7));
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
