using D2Sharp.Weights;

namespace D2Sharp.Tests.Weights;

/// <summary>
/// Each <see cref="CheckpointLimits"/> bound is checked by the opcode scan before anything is
/// allocated, and a breach names the limit, the opcode and its byte offset.
/// </summary>
[TestFixture]
public sealed class CheckpointLimitsTests
{
    [Test]
    public void DefaultsLoadTheFixtures()
    {
        var checkpoint = CheckpointLoader.Load(WeightsFixtures.Path("tiny_r50_fpn", "model.pkl"), CheckpointLimits.Default);

        Assert.That(checkpoint.Tensors, Has.Count.EqualTo(281));
    }

    [Test]
    public void FileLargerThanMaxFileBytesIsRefusedBeforeReading()
    {
        string path = WeightsFixtures.Path("tiny_r50_fpn", "model.pkl");

        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(path, new CheckpointLimits { MaxFileBytes = 1000 }));

        Assert.That(e!.Message, Does.Contain("MaxFileBytes = 1000").And.Contain(path));
    }

    [Test]
    public void NestingDeeperThanTheLimitIsRefused()
    {
        // [[[[...]]]] 100 deep: EMPTY_LIST 100 times, then APPEND each into the one below.
        var pickle = new TestPickle(4);
        for (int i = 0; i < 100; i++) pickle.Op(']');
        for (int i = 0; i < 99; i++) pickle.Op('a');

        AssertLimit(pickle.Stop(), "MaxNestingDepth = 64", "APPEND (0x61)");
    }

    [Test]
    public void OpenMarksBeyondTheLimitAreRefused()
    {
        var pickle = new TestPickle(4);
        for (int i = 0; i < 10; i++) pickle.Op('(');

        AssertLimit(pickle.Stop(), "MaxNestingDepth = 8", "MARK (0x28) at byte 10", new CheckpointLimits { MaxNestingDepth = 8 });
    }

    [Test]
    public void NestingThroughTheMemoIsCounted()
    {
        // One list appended into itself over and over through BINGET: the depth grows with each APPEND.
        var pickle = new TestPickle(4).Op(']').Op(0x94);
        for (int i = 0; i < 10; i++) pickle.Op('h').Byte(0).Op('a');

        AssertLimit(pickle.Stop(), "MaxNestingDepth = 5", "APPEND", new CheckpointLimits { MaxNestingDepth = 5 });
    }

    [Test]
    public void HugeMemoIndexIsRefused()
    {
        var bytes = new TestPickle(4).Op('N').Op('r').Raw([0xF0, 0xFF, 0xFF, 0xFF]).Op('.').Stop();

        AssertLimit(bytes, "stores memo entry 4294967280", "LONG_BINPUT (0x72) at byte 3");
    }

    [Test]
    public void MoreMemoEntriesThanTheLimitAreRefused()
    {
        var pickle = new TestPickle(4).Op('N');
        for (int i = 0; i < 4; i++) pickle.Op(0x94);

        AssertLimit(pickle.Stop(), "MaxMemoEntries = 3", "MEMOIZE", new CheckpointLimits { MaxMemoEntries = 3 });
    }

    [Test]
    public void StackLongerThanTheLimitIsRefused()
    {
        var pickle = new TestPickle(4);
        for (int i = 0; i < 11; i++) pickle.Int(i);

        AssertLimit(pickle.Stop(), "MaxStackLength = 10", "BININT", new CheckpointLimits { MaxStackLength = 10 });
    }

    [Test]
    public void ContainerWithMoreItemsThanTheLimitIsRefused()
    {
        var pickle = new TestPickle(4).Op(']').Op('(');
        for (int i = 0; i < 5; i++) pickle.Int(i);

        AssertLimit(pickle.Op('e').Stop(), "puts 5 items in one container", "APPENDS", new CheckpointLimits { MaxContainerItems = 4 });
    }

    [Test]
    public void ItemsAddedOneByOneAreCountedToo()
    {
        var pickle = new TestPickle(4).Op('}');
        for (int i = 0; i < 5; i++) pickle.Int(i).Int(i).Op('s');

        AssertLimit(pickle.Stop(), "MaxContainerItems = 4", "SETITEM", new CheckpointLimits { MaxContainerItems = 4 });
    }

    [Test]
    public void StringDeclaredLongerThanTheLimitIsRefusedBeforeItIsRead()
    {
        // BINUNICODE8 declaring 2^40 bytes in a 20-byte file.
        var bytes = new TestPickle(4).Op(0x8d).Raw(BitConverter.GetBytes(1L << 40)).Stop();

        AssertLimit(bytes, "declares a string of 1099511627776 bytes", "BINUNICODE8 (0x8d) at byte 2");
    }

    [Test]
    public void ShortStringsPassAndLongerOnesAreRefusedAtAnyLimit()
    {
        var bytes = TestPickle.Of(new Dictionary<string, object?> { ["a_rather_long_key"] = 1 }, 2);

        AssertLimit(bytes, "MaxStringLength = 8", "BINUNICODE (0x58)", new CheckpointLimits { MaxStringLength = 8 });
    }

    [Test]
    public void PayloadDeclaredBeyondTheFileIsRefusedWithoutAllocating()
    {
        var bytes = new TestPickle(4).Op(0x8e).Raw(BitConverter.GetBytes(100L << 30)).Stop();

        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(TempPickleFiles.Write(bytes)));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.That(e!.Message, Does.Contain("BINBYTES8 (0x8e) at byte 2 declares 107374182400 bytes"));
        Assert.That(allocated, Is.LessThan(1 << 20));
    }

    [Test]
    public void TruncatedPickleNamesTheOpcodeAndItsOffset()
    {
        var whole = TestPickle.Of(new Dictionary<string, object?> { ["model"] = "x" }, 2);

        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(TempPickleFiles.Write(whole[..8])));

        Assert.That(e!.Message, Does.Contain("truncated").And.Contain("BINUNICODE (0x58) at byte 4"));
    }

    [Test]
    public void NonPositiveLimitsAreAnArgumentError()
    {
        string path = WeightsFixtures.Path("tiny_r50_fpn", "model.pkl");

        Assert.Throws<ArgumentOutOfRangeException>(() => CheckpointLoader.Load(path, new CheckpointLimits { MaxStackLength = 0 }));
    }

    private static void AssertLimit(byte[] bytes, string expected, string opcode, CheckpointLimits? limits = null)
    {
        string path = TempPickleFiles.Write(bytes);

        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(path, limits));

        Assert.That(e!.Path, Is.EqualTo(path));
        Assert.That(e.Message, Does.Contain(expected).And.Contain(opcode).And.Contain(path));
    }
}
