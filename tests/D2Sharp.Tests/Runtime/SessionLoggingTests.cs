using D2Sharp.Imaging;
using D2Sharp.Modeling;
using D2Sharp.Runtime;
using Microsoft.Extensions.Logging;

namespace D2Sharp.Tests.Runtime;

/// <summary>What a session writes to the <see cref="SessionOptions.Logger"/> it is given (and nothing to the console).</summary>
[TestFixture]
public class SessionLoggingTests
{
    private sealed class ListLogger : ILogger
    {
        public List<(LogLevel Level, int EventId, string Message)> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add((logLevel, eventId.Id, formatter(state, exception)));
    }

    [Test]
    public void LoadingRunningAndReleasingPlansAreLogged()
    {
        var log = new ListLogger();
        var fixture = FixtureCase.Load("det_faster_rcnn_r50_fpn");
        // The backbone scope, chosen, leaves the checkpoint's RPN and ROI-head weights unused.
        using var session = InferenceSession.Load(fixture.Path("config_resolved.yaml"), ["INPUT.MIN_SIZE_TEST", "0"], fixture.Path("model.pkl"),
            new SessionOptions { Logger = log, Scope = ModelScope.Backbone });
        session.MaxCachedPlans = 1;
        var image = ImageLoader.Load(fixture.Path("image.png"), session.Model.InputFormat);
        session.Run(image);
        session.Run(ImageLoader.FromPixels(new byte[64 * 64 * 3], 64, 64, session.Model.InputFormat));

        Assert.That(log.Entries.Where(e => e.EventId == 1).Select(e => e.Message).Single(), Does.Contain("Loaded").And.Contain("cpu backend"));
        var unused = log.Entries.Single(e => e.EventId == 2);
        Assert.That(unused.Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(unused.Message, Does.Contain("keys the model does not use").And.Contain("proposal_generator"));
        Assert.That(log.Entries.Count(e => e.EventId == 4), Is.EqualTo(2), "a plan for each size");
        Assert.That(log.Entries.Single(e => e.EventId == 5).Message, Does.Match(@"Released the plan for 1x\d+x\d+ \(MaxCachedPlans is 1\)"));
    }

    /// <summary>Without a scope, heads D2Sharp does not build make a shallower scope run, and the log says why.</summary>
    [Test]
    public void AScopeThatDoesNotBuildIsPassedOverWithAWarning()
    {
        var log = new ListLogger();
        var fixture = FixtureCase.Load("det_faster_rcnn_r50_fpn");
        using var session = InferenceSession.Load(fixture.Path("config_resolved.yaml"), ["MODEL.ROI_BOX_HEAD.USE_SIGMOID_CE", "True"],
            fixture.Path("model.pkl"), new SessionOptions { Logger = log });
        Assert.That(session.Model.Scope, Is.EqualTo(ModelScope.Rpn));
        var warning = log.Entries.Single(e => e.EventId == 6);
        Assert.That(warning.Level, Is.EqualTo(LogLevel.Warning));
        Assert.That(warning.Message, Does.Contain("Detections").And.Contain("USE_SIGMOID_CE"));
    }

    [Test]
    public void ConfigWarningsGoToTheLoggerWhenNoHandlerIsGiven()
    {
        string config = Path.Combine(Path.GetTempPath(), $"d2sharp-log-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(config, $"_BASE_: {Path.Combine(TestPaths.RepoRoot, "configs", "tiny_r50_fpn.yaml")}\nINPUT:\n  MIN_SIZE_TEST: 0\n  MIN_SIZE_TEST: 0\n");
        try
        {
            var log = new ListLogger();
            using var session = InferenceSession.Load(config, options: new SessionOptions { Logger = log });
            Assert.That(log.Entries.Single(e => e.EventId == 3).Message, Does.Contain("MIN_SIZE_TEST").And.Contain("lines 3 and 4"));
        }
        finally
        {
            File.Delete(config);
        }
    }
}
