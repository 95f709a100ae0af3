using System.Diagnostics;

namespace D2Sharp.Tests.Cli;

/// <summary>
/// Every detection fixture through the command line, judged by the fixtures' own
/// <c>compare_det.py</c> (copied into <c>tests/fixtures/</c>): <c>d2sharp run --scope detections
/// --output x.npz --intermediates</c> on the case's image, then the script on the case's
/// <c>expected.npz</c> and that file must say PASS, every stage of the expected file included.
/// Needs Python 3 with numpy (<c>.ci/run</c> installs Debian's <c>python3-numpy</c>).
/// </summary>
[TestFixture]
public class CompareDetTests
{
    private static IEnumerable<string> Cases => FixtureCase.Detection;

    [Test]
    public void AllSevenCasesAreHere() => Assert.That(Cases.Count(), Is.EqualTo(7));

    [TestCaseSource(nameof(Cases))]
    public void TheCliOutputPassesCompareDet(string caseName)
    {
        string python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        if (Execute(python, ["-c", "import numpy"]).Code != 0)
            Assert.Ignore($"{python} with numpy is needed to run compare_det.py (Debian: python3-numpy)");
        var c = FixtureCase.Load(caseName);
        string output = Path.Combine(TestContext.CurrentContext.WorkDirectory, $"compare_det_{caseName}.npz");
        try
        {
            var stdout = new StringWriter();
            int code = D2Sharp.Cli.Cli.Run(["run", "--config", c.Path("config_resolved.yaml"), "--weights", c.Path("model.pkl"),
                "--input", c.Path("image.png"), "--scope", "detections", "--threads", "2", "--output", output, "--intermediates"], stdout, stdout);
            Assert.That(code, Is.Zero, stdout.ToString());
            var (exit, report) = Execute(python, [TestPaths.Fixture("compare_det.py"), c.Path("expected.npz"), output]);
            Assert.That(exit, Is.Zero, report);
            Assert.That(report, Does.Contain("RESULT: PASS").And.Not.Contain(" FAIL "));
            foreach (var name in c.Expected.Keys.Where(k => !k.StartsWith("proposals_") && !k.StartsWith("det_") && !k.StartsWith("instances_")))
                Assert.That(report, Does.Contain(name), $"compare_det.py compared {name}");
        }
        finally
        {
            File.Delete(output);
        }
    }

    private static (int Code, string Output) Execute(string file, IReadOnlyList<string> args)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) start.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(start)!;
            var stderr = process.StandardError.ReadToEndAsync();
            string stdout = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, stdout + stderr.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}
