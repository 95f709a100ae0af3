using D2Sharp.Weights;

namespace D2Sharp.Tests.Weights;

/// <summary>
/// Hostile pickles are refused before Razorvine.Pickle sees them, and the message names the
/// global and the file. The payloads would create a marker file if anything ran them.
/// </summary>
[TestFixture]
public sealed class PickleSafetyTests
{
    private string _marker = "";

    [SetUp]
    public void ChooseMarker() => _marker = Path.Combine(Path.GetTempPath(), "d2sharp-pwned-" + Guid.NewGuid().ToString("N"));

    [TearDown]
    public void CheckNothingRan() => Assert.That(File.Exists(_marker), Is.False, "the payload must never run");

    [TestCase(2)]
    [TestCase(4)]
    public void OsSystemViaReduceIsRefused(int protocol)
    {
        var bytes = new TestPickle(protocol).Global("os", "system").Text("touch " + _marker).Op(0x85).Op('R').Stop();

        AssertRefused(bytes, "os.system");
    }

    [TestCase(2)]
    [TestCase(4)]
    public void BuiltinsEvalIsRefused(int protocol)
    {
        var bytes = new TestPickle(protocol)
            .Global("builtins", "eval").Text($"__import__('os').system('touch {_marker}')").Op(0x85).Op('R').Stop();

        AssertRefused(bytes, "builtins.eval");
    }

    [Test]
    public void ForbiddenGlobalInsideAnOtherwiseValidCheckpointIsRefused()
    {
        var bytes = new TestPickle(2).Op('}').Op('(')
            .Text("model").Value(new Dictionary<string, object?> { ["w"] = TestArray.Float32([1], 1) })
            .Text("__author__").Text("x")
            .Text("payload").Global("subprocess", "check_call").Text("touch").Text(_marker).Op(0x86).Op(0x85).Op('R')
            .Op('u').Stop();

        AssertRefused(bytes, "subprocess.check_call");
    }

    [Test]
    public void StackGlobalResolvesModuleAndNameFromTheMemo()
    {
        // 'builtins' and 'exec' are memoised early and fetched back with BINGET, as CPython's
        // pickler does for repeated strings; a scanner that only looks at the last two string
        // pushes would see something else.
        var bytes = new TestPickle(4)
            .Text("builtins").Op(0x94).Op('0')         // memo 0
            .Text("exec").Op(0x94).Op('0')             // memo 1
            .Text("numpy").Text("dtype")               // decoy strings
            .Op('0').Op('0')
            .Op('h').Byte(0).Op('h').Byte(1).Op(0x93)
            .Text($"open('{_marker}', 'w')").Op(0x85).Op('R').Stop();

        AssertRefused(bytes, "builtins.exec");
    }

    [Test]
    public void StackGlobalWithComputedNameIsRefused()
    {
        var bytes = new TestPickle(4).Text("os").Int(5).Op(0x93).Stop();

        AssertRefused(bytes, "not a literal string");
    }

    [Test]
    public void InstOpcodeIsRefused()
    {
        var bytes = new TestPickle(2).Op('(').Text("touch " + _marker).Op('i').Line("os").Line("system").Stop();

        AssertRefused(bytes, "os.system");
    }

    [Test]
    public void CallingAnAllowedNonCallableGlobalIsRefused()
    {
        var bytes = new TestPickle(2).Global("numpy", "ndarray").Op(')').Op('R').Stop();

        AssertRefused(bytes, "numpy.ndarray");
    }

    [Test]
    public void TorchStorageGlobalIsRefused()
    {
        var bytes = new TestPickle(2).Global("torch._utils", "_rebuild_tensor_v2").Stop();

        AssertRefused(bytes, "torch._utils._rebuild_tensor_v2");
    }

    [TestCase((byte)'Q')]
    [TestCase((byte)'P')]
    public void PersistentIdsAreRefused(byte opcode)
    {
        var pickle = new TestPickle(2);
        if (opcode == (byte)'Q') pickle.Text("storage").Op('Q');
        else pickle.Op('P').Line("storage");

        AssertRefused(pickle.Stop(), "persistent id");
    }

    [Test]
    public void ExtensionCodesAreRefused()
    {
        var bytes = new TestPickle(2).Op(0x82).Byte(1).Stop();

        AssertRefused(bytes, "extension code");
    }

    private static void AssertRefused(byte[] bytes, string expectedInMessage)
    {
        string path = TempPickleFiles.Write(bytes, "evil.pkl");

        var e = Assert.Throws<CheckpointException>(() => CheckpointLoader.Load(path));

        Assert.That(e!.Path, Is.EqualTo(path));
        Assert.That(e.Message, Does.Contain(expectedInMessage).And.Contain(path).And.Contain("unsafe"));
    }
}
