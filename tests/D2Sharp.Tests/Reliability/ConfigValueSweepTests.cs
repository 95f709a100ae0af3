using D2Sharp.Backends;
using D2Sharp.Config;
using D2Sharp.Imaging;
using D2Sharp.Modeling;
using D2Sharp.Runtime;
using D2Sharp.Weights;

namespace D2Sharp.Tests.Reliability;

/// <summary>
/// Hunts the "a config value crashes the process" class. For each detection fixture, every numeric
/// key the model build and a run read (recorded, not guessed) is set in turn to values a typo or a
/// hostile file gives (0, −1, huge; empty and non-positive lists), and the model is built and run on
/// the fixture's image. It must work, or fail with a typed <see cref="D2SharpException"/> — and a
/// failure inside a run must not be a .NET fault (divide by zero, overflow, index out of range)
/// wrapped by the executor: such a value belongs refused when the model is built.
/// </summary>
[TestFixture]
public class ConfigValueSweepTests
{
    /// <summary>Longer than any variant takes; a variant still running then is reported as a hang.</summary>
    private static readonly TimeSpan HangLimit = TimeSpan.FromSeconds(60);

    public static IEnumerable<TestCaseData> Cases() =>
        FixtureCase.Detection.Select(name => new TestCaseData(name).SetName($"EveryNumericKeyTheModelReads({name})"));

    [TestCaseSource(nameof(Cases))]
    public void EveryNumericKeyTheModelReads(string caseName)
    {
        var fixture = FixtureCase.Load(caseName);
        var cfg = ConfigLoader.Load(fixture.Path("config_resolved.yaml"));
        var image = ImageLoader.Load(fixture.Path("image.png"), cfg.GetString("INPUT.FORMAT"));

        HashSet<string> read;
        try
        {
            read = ConfigReadLog.Start();
            Assert.That(Attempt(cfg, image), Is.Null, "the fixture's own config");
        }
        finally
        {
            ConfigReadLog.Stop();
        }

        var failures = new List<string>();
        int variants = 0;
        foreach (string key in read.Order(StringComparer.Ordinal))
        {
            foreach (string value in HostileValues(cfg.GetValue(key)))
            {
                var variant = cfg.Clone();
                ConfigLoader.MergeFromList(variant, [key, value]);
                variants++;
                var attempt = Task.Run(() => Attempt(variant, image));
                if (!attempt.Wait(HangLimit))
                    failures.Add($"{key} {value}: still running after {HangLimit.TotalSeconds} s");
                else if (attempt.Result is { } failure)
                    failures.Add($"{key} {value}: {failure}");
            }
        }
        TestContext.Out.WriteLine($"{caseName}: {read.Count} keys read, {variants} hostile variants");
        Assert.That(failures, Is.Empty);
    }

    /// <summary>Builds, binds and runs <paramref name="cfg"/>; the fault when it is not an acceptable outcome, else null.</summary>
    private static string? Attempt(CfgNode cfg, Image image)
    {
        try
        {
            var model = ModelBuilder.Build(cfg, ModelScope.Detections);
            using var session = InferenceSession.Create(model, WeightBinder.Initialize(model.Graph), BackendFactory.Create("cpu", threads: 1));
            session.Run(image);
            return null;
        }
        catch (ExecutionException e) when (e.InnerException is { } inner and not D2SharpException)
        {
            return $"accepted at build time, then a run failed with {inner.GetType().Name}: {FirstLine(inner.Message)}";
        }
        catch (D2SharpException)
        {
            return null;
        }
        catch (Exception e)
        {
            return $"{e.GetType().Name}: {FirstLine(e.Message)}";
        }
    }

    private static string FirstLine(string message) => message.Split('\n')[0];

    private static IEnumerable<string> HostileValues(object? value) => value switch
    {
        long or int => ["0", "-1", "1000000000"],
        double => ["0.0", "-1.0", "1e30"],
        List<object?> { Count: > 0 } list when list.All(v => v is long or int) => ["[]", "[0]", "[-1]", "[1000000000]"],
        List<object?> { Count: > 0 } list when list.All(v => v is double or long or int) => ["[]", "[0.0]", "[-1.0]"],
        _ => [],
    };
}
