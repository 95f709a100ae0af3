using D2Sharp.IO;

namespace D2Sharp.Tests.Cli;

/// <summary>The <c>d2sharp</c> command line, run in-process with its output captured.</summary>
[TestFixture]
public class CliTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = D2Sharp.Cli.Cli.Run(args, stdout, stderr);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static string TinyConfig => Path.Combine(TestPaths.RepoRoot, "configs", "tiny_r50_fpn.yaml");

    private static IEnumerable<TestCaseData> RunCases()
    {
        foreach (var c in FixtureCase.WithModel)
        {
            yield return new TestCaseData(c, "image.npy");
            yield return new TestCaseData(c, "input.npy");
        }
        yield return new TestCaseData("tiny_r50_fpn", "image.png");
    }

    [TestCaseSource(nameof(RunCases))]
    public void RunWritesDetectron2OutputsToNpz(string caseName, string input)
    {
        var c = FixtureCase.Load(caseName);
        var output = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"cli_{caseName}_{input}.npz");
        var (code, stdout, stderr) = Run(["run", "--config", c.Path("config_resolved.yaml"), "--opts", .. c.RunOpts,
            "--weights", c.Path("model.pkl"), "--input", c.Path(input), "--device", "cpu", "--output", output]);
        Assert.That(code, Is.EqualTo(0), stderr);
        Assert.That(stdout, Does.Contain("ms in the backend"));
        var actual = Npz.Read(output);
        var expected = c.Expected;
        Assert.That(actual.Keys.Except(["image_sizes"]), Is.EquivalentTo(expected.Keys));
        var sizes = actual["image_sizes"];
        Assert.That((sizes.DType, sizes.Shape), Is.EqualTo(("<i4", new[] { 1, 2 })));
        foreach (var (name, array) in expected)
            Tolerance.AssertClose($"{caseName}/{name}", actual[name].ToTensor(), array.ToTensor(), name.StartsWith("anchors_"));
        File.Delete(output);
    }

    [Test]
    public void RunWithoutWeightsSaysItInitialisedThem()
    {
        var (code, stdout, stderr) = Run("run", "--config", TinyConfig, "--input", TestPaths.Fixture("tiny_r50_fpn", "image.png"));
        Assert.That(code, Is.EqualTo(0), stderr);
        Assert.That(stdout, Does.Contain("none given; deterministic initialisation"));
        Assert.That(stdout, Does.Contain("p6").And.Contain("anchors_p2"));
    }

    [Test]
    public void ConfigShowPrintsTheMergedConfig()
    {
        var (code, stdout, _) = Run("config", "show", "--config", TinyConfig, "--opts", "MODEL.RESNETS.DEPTH", "101");
        Assert.That(code, Is.EqualTo(0));
        Assert.That(stdout, Does.Contain("DEPTH: 101"));
        Assert.That(stdout, Does.Contain("STEM_OUT_CHANNELS: 16"));
    }

    [Test]
    public void GraphPrintsOpsShapesParametersAndMacs()
    {
        var (code, stdout, stderr) = Run("graph", "--config", TinyConfig, "--size", "96x128");
        Assert.That(code, Is.EqualTo(0), stderr);
        Assert.That(stdout, Does.Match(@"NormalizeImage\s+preprocess"));
        Assert.That(stdout, Does.Match(@"Conv2d\s+backbone\.bottom_up\.stem\.conv1"));
        Assert.That(stdout, Does.Match(@"AnchorGrid\s+anchor_generator\.p2  \(once per plan\)"));
        Assert.That(stdout, Does.Contain("param backbone.fpn_lateral2.bias [32]"));
        Assert.That(stdout, Does.Contain("[1, 32, 24, 32]"));
        Assert.That(stdout, Does.Contain("total MACs:").And.Contain("activation arena:"));
    }

    [Test]
    public void RunWithTheRpnScopeWritesTheHeadsOutputsAndTypedTopK()
    {
        var c = FixtureCase.Load("det_faster_rcnn_r50_fpn");
        var output = Path.Combine(TestContext.CurrentContext.WorkDirectory, "cli_rpn.npz");
        var (code, stdout, stderr) = Run(["run", "--config", c.Path("config_resolved.yaml"), "--weights", c.Path("model.pkl"),
            "--input", c.Path("image.npy"), "--scope", "rpn", "--threads", "2", "--output", output, "--intermediates"]);
        Assert.That(code, Is.EqualTo(0), stderr);
        Assert.That(stdout, Does.Match(@"rpn_topk_indices_p2\s+int64\s+\[1, 1000\]"));
        Assert.That(stdout, Does.Match(@"proposals_boxes\s+float32\s+\[1, 1000, 4\]"));
        Assert.That(stdout, Does.Match(@"proposals_count\s+int32\s+\[1\]"));
        var actual = Npz.Read(output);
        Assert.That(actual["rpn_topk_indices_p2"].DType, Is.EqualTo("<i8"));
        Tolerance.AssertClose("rpn_objectness_p3", actual["rpn_objectness_p3"].ToTensor(), c.Expected["rpn_objectness_p3"].ToTensor());
        File.Delete(output);
    }

    [Test]
    public void RunWithTheDetectionsScopePrintsAndWritesTheInstancesInOriginalPixels()
    {
        var c = FixtureCase.Load("det_faster_rcnn_r50_fpn");
        var output = Path.Combine(TestContext.CurrentContext.WorkDirectory, "cli_detections.npz");
        var (code, stdout, stderr) = Run(["run", "--config", c.Path("config_resolved.yaml"), "--weights", c.Path("model.pkl"),
            "--input", c.Path("image.png"), "--scope", "detections", "--threads", "2", "--output", output]);
        Assert.That(code, Is.EqualTo(0), stderr);
        Assert.That(stdout, Does.Contain("image 0: 58 instances in 150x200 pixels"));
        Assert.That(stdout, Does.Match(@"det_classes\s+int64\s+\[1, 100\]"));
        var actual = Npz.Read(output);
        Assert.That(actual["instances_classes"].DType, Is.EqualTo("<i8"));
        var expected = c.Expected;
        var match = DetectionSets.Match(expected["instances_boxes"].ToTensor().Data, expected["instances_scores"].ToTensor().Data,
            expected["instances_classes"].ToTensor().Data.Select(v => (long)v).ToArray(),
            actual["instances_boxes"].ToTensor().Data, actual["instances_scores"].ToTensor().Data,
            actual["instances_classes"].ToTensor().Data.Select(v => (long)v).ToArray());
        Assert.That(match.Passed, match.ToString());
        Assert.That(actual.ContainsKey("instances_masks"), Is.False, "a Faster R-CNN has no masks");
        Assert.That(actual.Keys, Does.Contain("p2").And.Not.Contain("det_boxes").And.Not.Contain("anchors_p2"), "without --intermediates: features and instances");
        File.Delete(output);
    }

    [Test]
    public void RunWithAMaskHeadWritesTheInstanceMasksAsDetectron2Does()
    {
        var c = FixtureCase.Load("det_mask_rcnn_r50_fpn");
        var output = Path.Combine(TestContext.CurrentContext.WorkDirectory, "cli_masks.npz");
        var (code, stdout, stderr) = Run(["run", "--config", c.Path("config_resolved.yaml"), "--weights", c.Path("model.pkl"),
            "--input", c.Path("image.npy"), "--scope", "detections", "--output", output]);
        Assert.That(code, Is.EqualTo(0), stderr);
        Assert.That(stdout, Does.Contain("image 0: 32 instances with masks in 190x170 pixels"));
        var masks = Npz.Read(output)["instances_masks"];
        Assert.That(masks.DType, Is.EqualTo("|u1"));
        Assert.That(masks.Shape, Is.EqualTo(new[] { 32, 190, 170 }));
        File.Delete(output);
    }

    [Test]
    public void BenchPrintsLatencyRateAndBreakdownAndEndsWithOneJsonObject()
    {
        var (code, stdout, stderr) = Run("bench", "--config", TinyConfig, "--size", "90x120", "--batch", "2",
            "--warmup", "1", "--iters", "3", "--threads", "2", "--format", "json");
        Assert.That(code, Is.EqualTo(0), stderr);
        Assert.That(stdout, Does.Contain("input:    2x90x120 (padded 96x128)").And.Contain("median").And.Contain("Conv2d 3x3"));
        var lines = stdout.TrimEnd().Split('\n');
        using var json = System.Text.Json.JsonDocument.Parse(lines[^1]);
        var root = json.RootElement;
        foreach (var key in new[] { "median_ms", "min_ms", "p90_ms", "images_per_s", "peak_rss_mb" })
            Assert.That(root.GetProperty(key).GetDouble(), Is.GreaterThan(0), key);
        Assert.That(root.GetProperty("min_ms").GetDouble(), Is.LessThanOrEqualTo(root.GetProperty("median_ms").GetDouble()));
        Assert.That(root.GetProperty("breakdown_ms").EnumerateObject().Select(p => p.Name), Does.Contain("Conv2d 1x1"));
        Assert.That(root.GetProperty("device").GetString(), Does.StartWith("cpu"));
    }

    [Test]
    public void ExportOnnxWritesAModelOnnxRuntimeLoads()
    {
        var output = Path.Combine(TestContext.CurrentContext.WorkDirectory, "cli_export.onnx");
        var (code, stdout, stderr) = Run("export", "onnx", "--config", TinyConfig, "--size", "60x90", "--output", output);
        Assert.That(code, Is.EqualTo(0), stderr);
        Assert.That(stdout, Does.Contain("input 'image' float32 [1, 3, 64, 96]").And.Contain("p2, p3, p4, p5, p6, anchors_p2"));
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(output);
        Assert.That(session.InputMetadata["image"].Dimensions, Is.EqualTo(new[] { 1, 3, 64, 96 }));
        Assert.That(session.OutputMetadata.Keys, Does.Contain("anchors_p6"));
        File.Delete(output);
    }

    [Test]
    public void ExportOnnxOfTheRpnScopeLeavesOutTheProposalsAndSaysSo()
    {
        var c = FixtureCase.Load("det_faster_rcnn_r50_fpn");
        var output = Path.Combine(TestContext.CurrentContext.WorkDirectory, "cli_export_rpn.onnx");
        var (code, stdout, stderr) = Run("export", "onnx", "--config", c.Path("config_resolved.yaml"), "--size", "64x64", "--scope", "rpn", "--output", output);
        Assert.That(code, Is.EqualTo(0), stderr);
        Assert.That(stdout, Does.Contain("not exported: proposals_boxes, proposals_logits, proposals_count"));
        using (var session = new Microsoft.ML.OnnxRuntime.InferenceSession(output))
            Assert.That(session.OutputMetadata.Keys, Does.Contain("rpn_topk_indices_p6").And.Not.Contain("proposals_boxes"));
        File.Delete(output);

        (code, stdout, stderr) = Run("export", "onnx", "--config", c.Path("config_resolved.yaml"), "--size", "64x64", "--scope", "rpn",
            "--outputs", "p2,proposals_boxes", "--output", output);
        Assert.That(code, Is.Not.EqualTo(0));
        Assert.That(stdout + stderr, Does.Contain("node 'proposal_generator.decode@p2' (BoxDecode)"));
    }

    [TestCase("--isa", "sse", "--isa must be avx512, avx2 or portable")]
    [TestCase("--format", "xml", "--format must be text or json")]
    [TestCase("--iters", "0", "--iters needs a positive integer")]
    public void BenchRejectsBadOptions(string option, string value, string message)
    {
        var (code, stdout, stderr) = Run("bench", "--config", TinyConfig, "--size", "64x64", option, value);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stdout + stderr, Does.Contain(message));
    }

    [Test]
    public void WeightsInspectReportsUnusedKeysAgainstAConfig()
    {
        var c2 = TestPaths.Fixture("tiny_r50_fpn_c2", "c2_toplevel.pkl");
        var (code, stdout, stderr) = Run("weights", "inspect", c2, "--config", TinyConfig);
        Assert.That(code, Is.EqualTo(0), stderr);
        Assert.That(stdout, Does.Contain("Caffe2"));
        Assert.That(stdout, Does.Contain("pred_w"));
    }

    [Test]
    public void ACheckpointThatDoesNotFitListsTenProblemsAndCountsTheRest()
    {
        var (code, _, stderr) = Run("run", "--config", TinyConfig, "--opts", "MODEL.FPN.OUT_CHANNELS", "64",
            "--weights", TestPaths.Fixture("tiny_r50_fpn", "model.pkl"), "--input", TestPaths.Fixture("tiny_r50_fpn", "image.png"));
        Assert.That(code, Is.EqualTo(1));
        Assert.That(stderr, Does.Match(@"… \d+ more \(d2sharp weights inspect lists them all\)"));
        Assert.That(stderr.Trim().Split('\n'), Has.Length.EqualTo(12), "the summary, ten problems, the count");
    }

    [Test]
    public void WeightsInspectFailsWhenTheCheckpointDoesNotFit()
    {
        var (code, stdout, _) = Run("weights", "inspect", TestPaths.Fixture("tiny_r50_fpn", "model.pkl"),
            "--config", TinyConfig, "--opts", "MODEL.FPN.OUT_CHANNELS", "64");
        Assert.That(code, Is.EqualTo(1));
        Assert.That(stdout, Does.Contain("backbone.fpn_output2.weight"));
    }

    [TestCase(new string[0], 2, "usage:")]
    [TestCase(new[] { "frobnicate" }, 2, "unknown command 'frobnicate' (d2sharp --help lists the commands)")]
    [TestCase(new[] { "rnu", "--config", "x.yaml" }, 2, "did you mean 'run'?")]
    [TestCase(new[] { "wieghts", "inspect" }, 2, "did you mean 'weights inspect'?")]
    [TestCase(new[] { "config" }, 2, "d2sharp config show --config F")]
    [TestCase(new[] { "run", "--config" }, 2, "option --config needs a value")]
    [TestCase(new[] { "run", "--input", "x.png" }, 2, "missing required option --config")]
    [TestCase(new[] { "graph", "--config", "x.yaml", "--bogus" }, 2, "unknown option --bogus")]
    [TestCase(new[] { "graph", "--config", "x.yaml", "--scope", "heads" }, 2, "--scope must be backbone, rpn or detections")]
    [TestCase(new[] { "serve" }, 2, "missing --config F or --model NAME=CONFIG")]
    [TestCase(new[] { "serve", "--model", "x.yaml" }, 2, "--model takes NAME=CONFIG[,weights=W], got 'x.yaml'")]
    [TestCase(new[] { "serve", "--model", "a=x.yaml,weight=w.pkl" }, 2, "unknown part 'weight=w.pkl'")]
    [TestCase(new[] { "serve", "--config", "x.yaml", "--model", "a=y.yaml" }, 2, "not both")]
    [TestCase(new[] { "serve", "--config", "x.yaml", "--port", "70000" }, 2, "--port takes a port from 0 to 65535")]
    [TestCase(new[] { "serve", "--config", "x.yaml", "--port", "6000", "--http-port", "6000" }, 2, "--port and --http-port are both 6000")]
    [TestCase(new[] { "serve", "--config", "x.yaml", "--host", "localhost" }, 2, "--host takes an IP address")]
    public void UsageErrorsExitWith2AndExplain(string[] args, int expectedCode, string message)
    {
        var (code, stdout, stderr) = Run(args);
        Assert.That(code, Is.EqualTo(expectedCode));
        Assert.That(stderr, Does.Contain(message), "a usage error goes to stderr");
        Assert.That(stdout, Is.Empty);
    }

    [TestCase("config", "show")]
    [TestCase("weights", "inspect")]
    [TestCase("export", "onnx")]
    [TestCase("zoo", "url")]
    public void EveryCommandGroupAnswersHelp(string group, string command)
    {
        var (code, stdout, _) = Run(group, "--help");
        Assert.That(code, Is.Zero);
        Assert.That(stdout, Does.Contain($"Usage:\n  d2sharp {group} [command] [options]").And.Match($@"\n  {command} +\S"));
    }

    [Test]
    public void TheRootHelpListsEveryCommandAndOptionInALineEach()
    {
        var (code, stdout, stderr) = Run("--help");
        Assert.That(code, Is.Zero, stderr);
        var root = D2Sharp.Cli.CommandTree.Create(new System.CommandLine.Option<bool>("--verbose"));
        var lines = stdout.Split('\n');
        foreach (var command in root.Subcommands)
            Assert.That(lines.Count(l => l.StartsWith($"  {command.Name} ", StringComparison.Ordinal)), Is.EqualTo(1), command.Name);
        foreach (var option in root.Options)
            Assert.That(stdout, Does.Contain(option.Name), "the hand-written options list must follow the root's options");
        Assert.That(lines.Max(l => l.Length), Is.LessThanOrEqualTo(120), "one line per command, not its whole description");
    }

    [TestCase("run", "--min-score <S>", "[default: 0.5]")]
    [TestCase("bench", "--size <HxW> (REQUIRED)", "[default: 10]")]
    [TestCase("serve", "--model <NAME=CONFIG[,weights=W]>", "repeat for several models")]
    [TestCase("config show", "--opts <K V ...>", "merge_from_list")]
    [TestCase("zoo list", "<TEXT>", "only the config names that contain TEXT")]
    [TestCase("completion", "<bash|zsh|pwsh>", "the shell the script is for")]
    public void EveryCommandAnswersHelpWithItsOptionsAndDefaults(string command, string usage, string description)
    {
        foreach (string help in new[] { "--help", "-h" })
        {
            var (code, stdout, stderr) = Run([.. command.Split(' '), help]);
            Assert.That(code, Is.Zero, stderr);
            Assert.That(stdout, Does.Contain($"Usage:\n  d2sharp {command}").And.Contain(usage).And.Contain(description));
        }
    }

    [Test]
    public void EveryOptionOfEveryCommandSaysWhatItDoes()
    {
        var root = D2Sharp.Cli.CommandTree.Create(new System.CommandLine.Option<bool>("--verbose"));
        foreach (var command in D2Sharp.Cli.CommandNames.Leaves(root))
        {
            Assert.That(command.Description, Is.Not.Null.And.Not.Empty, command.Name);
            foreach (var option in command.Options)
                Assert.That(option.Description, Is.Not.Null.And.Not.Empty, $"{command.Name} {option.Name}");
        }
    }

    [Test]
    public void VersionNamesDotNet()
    {
        var (code, stdout, _) = Run("--version");
        Assert.That(code, Is.Zero);
        Assert.That(stdout, Does.Match(@"^d2sharp \d+\.\d+\.\d+\S* \(\.NET \d+\.\d+"));
    }

    [Test]
    public void NoArgumentsIsAShortUsageOnStderr()
    {
        var (code, stdout, stderr) = Run();
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stdout, Is.Empty);
        Assert.That(stderr.Trim().Split('\n'), Has.Length.LessThanOrEqualTo(3));
        Assert.That(stderr, Does.Contain("run, visualize").And.Contain("config show"));
    }

    [TestCase("rnu", "--config", "x.yaml")]
    [TestCase("run", "--devcie", "cpu")]
    [TestCase("zoo", "lst")]
    [TestCase("completion", "fish")]
    [TestCase("weights", "inspect")]
    public void EveryUsageErrorIsOneLine(params string[] args)
    {
        var (code, stdout, stderr) = Run(args);
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stdout, Is.Empty);
        Assert.That(stderr.Trim().Split('\n'), Has.Length.EqualTo(1), stderr);
        Assert.That(stderr, Does.Match(@"\(d2sharp [a-z ]*--help (shows the options|lists the commands)\)"));
    }

    [Test]
    public void AMistypedOptionGetsAGuess()
    {
        var (_, _, stderr) = Run("run", "--devcie", "cpu", "--config", "x.yaml", "--input", "x.png");
        Assert.That(stderr, Does.Contain("unknown option --devcie; did you mean '--device'?"));
        (_, _, stderr) = Run("zoo", "lst");
        Assert.That(stderr, Does.Contain("unknown command 'zoo lst'; did you mean 'zoo list'?"));
    }

    [Test]
    public void AResponseFileHoldsArgumentsAndTheCommandLineOverridesIt()
    {
        string file = Path.Combine(TestContext.CurrentContext.WorkDirectory, "cli_args.rsp");
        File.WriteAllLines(file, [
            "# the model and its input",
            $"--config \"{TinyConfig}\"",
            "--opts INPUT.MIN_SIZE_TEST 0 MODEL.PIXEL_STD \"[1.0, 2.0, 3.0]\"",
            $"--input {TestPaths.Fixture("tiny_r50_fpn", "image.png")}",
            "--device reference",
        ]);
        try
        {
            var (code, stdout, stderr) = Run("run", $"@{file}", "--device", "cpu", "--threads", "2");
            Assert.That(code, Is.Zero, stderr);
            Assert.That(stdout, Does.Contain("device:  cpu (cpu backend)"), "the command line's --device wins over the file's");
            Assert.That(stdout, Does.Contain("p6").And.Contain("anchors_p2"));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Test]
    public void TheSuggestDirectiveCompletesCommandsOptionsAndValues()
    {
        Assert.That(Complete("d2sharp ru"), Is.EqualTo(new[] { "run" }));
        Assert.That(Complete("d2sharp run --dev"), Is.EqualTo(new[] { "--device" }));
        Assert.That(Complete("d2sharp run --format "), Does.Contain("json").And.Contain("text"));
        Assert.That(Complete("d2sharp zoo "), Does.Contain("list").And.Contain("url"));
        Assert.That(Complete("d2sharp completion "), Does.Contain("bash").And.Contain("zsh").And.Contain("pwsh"));
    }

    /// <summary>What a shell's completion script gets: <c>d2sharp [suggest:POSITION] "LINE"</c>, the cursor at the end.</summary>
    private static string[] Complete(string line)
    {
        var (code, stdout, stderr) = Run($"[suggest:{line.Length}]", line);
        Assert.That(code, Is.Zero, stderr);
        return stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }

    [TestCase("bash", "complete -o default -F _d2sharp_complete d2sharp")]
    [TestCase("zsh", "compdef _d2sharp_complete d2sharp")]
    [TestCase("pwsh", "Register-ArgumentCompleter -Native -CommandName d2sharp")]
    public void CompletionPrintsAScriptThatAsksTheSuggestDirective(string shell, string wiring)
    {
        var (code, stdout, stderr) = Run("completion", shell);
        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Does.Contain(wiring).And.Contain("d2sharp \"[suggest:"));
    }

    [Test]
    public void AUsageErrorNamesTheFaultAndPointsAtTheHelpWithoutReprintingIt()
    {
        var (code, _, stderr) = Run("graph", "--config", "x.yaml", "--bogus");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr.Trim().Split('\n'), Has.Length.EqualTo(1));
        Assert.That(stderr, Does.Contain("(d2sharp graph --help shows the options)"));
    }

    [Test]
    public void OutputMistakesAreReportedBeforeTheModelLoads()
    {
        string image = TestPaths.Fixture("tiny_r50_fpn", "image.png");
        var (code, stdout, stderr) = Run("run", "--config", TinyConfig, "--input", image, "--output", "/nonexistent/folder/out.npz");
        Assert.That(code, Is.EqualTo(1));
        Assert.That(stderr, Does.Contain("the folder /nonexistent/folder does not exist"));
        Assert.That(stdout, Does.Not.Contain("config:"), "nothing was loaded");
        (code, _, stderr) = Run("run", "--config", TinyConfig, "--input", image, "--output", "out.txt");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("write an .npz (tensors) or a .json (COCO results)"));
        (code, _, stderr) = Run("run", "--config", TinyConfig, "--input", "/nonexistent/image.png");
        Assert.That(code, Is.EqualTo(1));
        Assert.That(stderr, Does.Contain("/nonexistent/image.png: no such file or folder"));
    }

    [Test]
    public void MissingFilesAreErrorsNamingThem()
    {
        var (code, _, stderr) = Run("run", "--config", "/nonexistent/config.yaml", "--input", "x.png");
        Assert.That(code, Is.EqualTo(1));
        Assert.That(stderr, Does.Contain("/nonexistent/config.yaml"));

        (code, _, stderr) = Run("run", "--config", TinyConfig, "--input", "/nonexistent/image.png");
        Assert.That(code, Is.EqualTo(1));
        Assert.That(stderr, Does.Contain("/nonexistent/image.png"));
    }

    [Test]
    public void CudaWithoutAUsableGpuIsAClearErrorAndAutoFallsBackToTheCpu()
    {
        var (available, reason) = D2Sharp.Backends.Cuda.CudaAvailability.Check();
        if (available) Assert.Ignore("a GPU is present here: the Cuda tests run the cuda device");
        string image = TestPaths.Fixture("tiny_r50_fpn", "image.png");
        var (code, _, stderr) = Run("run", "--config", TinyConfig, "--input", image, "--device", "cuda");
        Assert.That(code, Is.EqualTo(1));
        Assert.That(stderr, Does.Contain("cuda"));
        Assert.That(stderr.Trim(), Has.Length.GreaterThan(40), "the error says why");

        (code, var stdout, _) = Run("run", "--config", TinyConfig, "--input", image, "--device", "auto");
        Assert.That(code, Is.Zero);
        Assert.That(stdout, Does.Contain("(cpu backend)"));
        TestContext.Out.WriteLine($"cuda unavailable here: {reason}");
    }

    [Test]
    public void DeviceAndPrecisionMistakesAreReported()
    {
        string image = TestPaths.Fixture("tiny_r50_fpn", "image.png");
        var (code, _, stderr) = Run("run", "--config", TinyConfig, "--input", image, "--device", "cuda:x");
        Assert.That(code, Is.EqualTo(1));
        Assert.That(stderr, Does.Contain("cuda:N needs a device number"));
        (code, _, stderr) = Run("run", "--config", TinyConfig, "--input", image, "--precision", "tf32");
        Assert.That(code, Is.EqualTo(1));
        Assert.That(stderr, Does.Contain("applies to the cuda device only"));
        (code, _, stderr) = Run("run", "--config", TinyConfig, "--input", image, "--device", "cuda", "--precision", "fp8");
        Assert.That(code, Is.EqualTo(1));
        Assert.That(stderr, Does.Contain("unknown precision 'fp8'"));
    }

    [Test]
    public void InfoReportsTheCudaStackAndTheBuiltKernels()
    {
        var (code, stdout, _) = Run("info");
        Assert.That(code, Is.Zero);
        Assert.That(stdout, Does.Contain("CUDA driver:").And.Contain("cuDNN:").And.Contain("cuBLAS:").And.Contain("--device cuda:"));
        Assert.That(stdout, Does.Contain("CUDA kernels:"));
        Assert.That(stdout, Does.Match(@"CPU: \d+ logical cores, .*AVX-512 (yes|no), AVX2\+FMA (yes|no); --device cpu runs the (Avx512|Avx2|Portable) kernels"));
    }

    [Test]
    public void VerboseAddsTheStackTraceToAnErrorLine()
    {
        var (code, _, stderr) = Run("run", "--config", "/nonexistent/config.yaml", "--input", "x.png");
        Assert.That(code, Is.EqualTo(1));
        Assert.That(stderr.Trim().Split('\n'), Has.Length.EqualTo(1), "without --verbose an error is one line");

        (code, _, stderr) = Run("run", "--verbose", "--config", "/nonexistent/config.yaml", "--input", "x.png");
        Assert.That(code, Is.EqualTo(1));
        Assert.That(stderr, Does.StartWith("d2sharp: error: /nonexistent/config.yaml"));
        Assert.That(stderr, Does.Contain("   at D2Sharp.Cli.Commands.RunCommand"));
    }

    [TestCase("per-client")]
    [TestCase("shared")]
    public void SoakChecksEveryRunAgainstTheFirstAndSamplesMemory(string sessions)
    {
        var (code, stdout, stderr) = Run("soak", "--config", TinyConfig, "--opts", "INPUT.MIN_SIZE_TEST", "0",
            "--input", TestPaths.Fixture("tiny_r50_fpn", "image.png"), "--iterations", "12", "--clients", "3", "--sessions", sessions, "--samples", "3");
        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Does.Contain("12 inferences"));
        Assert.That(stdout.Split('\n').Count(l => l.Contains("MiB  managed heap")), Is.EqualTo(3), stdout);
        Assert.That(stdout, Does.Contain("all bit-identical to the first run"));
    }

    [Test]
    public void AKeyWrittenTwiceIsAWarningAndAnErrorUnderStrict()
    {
        string config = Path.Combine(Path.GetTempPath(), $"d2sharp-twice-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(config, "MODEL:\n  DEVICE: cpu\n  DEVICE: cuda\n");
        var warnings = new StringWriter();
        var console = Console.Error;
        try
        {
            Console.SetError(warnings);
            var (code, stdout, _) = Run("config", "show", "--config", config);
            Assert.That(code, Is.Zero);
            Assert.That(stdout, Does.Contain("DEVICE: cuda"), "the last value is kept, as in Detectron2");
            Assert.That(warnings.ToString(), Does.Contain("d2sharp: warning:").And.Contain("lines 2 and 3"));

            (code, _, var stderr) = Run("config", "show", "--config", config, "--strict");
            Assert.That(code, Is.EqualTo(1));
            Assert.That(stderr, Does.Contain("Strict"));
        }
        finally
        {
            Console.SetError(console);
            File.Delete(config);
        }
    }

    [Test]
    public void OptsMayBeGivenTwiceAndEachGroupHoldsPairs()
    {
        var (code, stdout, stderr) = Run("config", "show", "--config", TinyConfig, "--opts", "MODEL.RESNETS.DEPTH", "101", "--opts", "MODEL.FPN.OUT_CHANNELS", "64");
        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Does.Contain("DEPTH: 101").And.Contain("OUT_CHANNELS: 64"));

        (code, stdout, stderr) = Run("config", "show", "--config", TinyConfig, "--opts", "MODEL.ROI_HEADS.SCORE_THRESH_TEST", "-0.5", "MODEL.PIXEL_STD", "[1.0, 2.0, 3.0]");
        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Does.Contain("SCORE_THRESH_TEST: -0.5").And.Contain("PIXEL_STD:"), "values that look like options or lists pass through");

        (code, _, stderr) = Run("config", "show", "--config", TinyConfig, "--opts", "MODEL.RESNETS.DEPTH", "--opts", "MODEL.FPN.OUT_CHANNELS", "64");
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Does.Contain("--opts takes KEY VALUE pairs; 'MODEL.RESNETS.DEPTH' has no value"));
    }

    [Test]
    public void RunTakesTheWeightsAndDeviceFromTheConfigAsDemoPyDoes()
    {
        var c = FixtureCase.Load("det_faster_rcnn_r50_fpn");
        string weights = c.Path("model.pkl");
        var (code, stdout, stderr) = Run(["run", "--config", c.Path("config_resolved.yaml"), "--opts", "MODEL.WEIGHTS", weights, .. c.RunOpts, "--input", c.Path("image.npy")]);
        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Does.Contain($"weights: {weights}: ").And.Contain("parameters loaded"));

        // The fixture's own MODEL.WEIGHTS is the ImageNet initialisation it was trained from: a URL.
        (code, _, stderr) = Run(["run", "--config", TestPaths.Fixture("tiny_r50_fpn", "config_resolved.yaml"), "--input", c.Path("image.npy")]);
        Assert.That(code, Is.EqualTo(1));
        Assert.That(stderr, Does.Contain("MODEL.WEIGHTS is 'detectron2://").And.Contain("D2Sharp downloads nothing"));

        if (D2Sharp.Backends.Cuda.CudaAvailability.Check().Available) return;
        (code, stdout, stderr) = Run("run", "--config", TinyConfig, "--opts", "MODEL.DEVICE", "cuda", "--input", TestPaths.Fixture("tiny_r50_fpn", "image.png"));
        Assert.That(code, Is.Zero, stderr);
        Assert.That(stdout, Does.Contain("device:  auto (cpu backend)"), "Detectron2's default device, cuda, falls back to the CPU here");
    }

    [Test]
    public void ZooPrintsCheckpointUrlsAndSuggestsANameItDoesNotKnow()
    {
        var (code, stdout, _) = Run("zoo", "url", "COCO-Detection/retinanet_R_50_FPN_3x.yaml");
        Assert.That(code, Is.Zero);
        Assert.That(stdout.Trim(), Is.EqualTo("https://dl.fbaipublicfiles.com/detectron2/COCO-Detection/retinanet_R_50_FPN_3x/190397829/model_final_5bd44e.pkl"));

        (code, stdout, _) = Run("zoo", "list", "retinanet");
        Assert.That(code, Is.Zero);
        Assert.That(stdout.Trim().Split('\n'), Has.Length.EqualTo(3));

        (code, _, var stderr) = Run("zoo", "url", "COCO-Detection/faster_rcnn_R50_FPN_3x");
        Assert.That(code, Is.EqualTo(1));
        Assert.That(stderr, Does.Contain("did you mean 'COCO-Detection/faster_rcnn_R_50_FPN_3x'"));
    }
}
