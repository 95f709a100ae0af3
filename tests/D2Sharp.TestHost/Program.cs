using System.Reflection;
using System.Security;
using NUnit.Framework.Api;
using NUnit.Framework.Interfaces;
using NUnit.Framework.Internal;

// d2sharp-tests [--category C] [--where-name SUBSTRING] [--results FILE]
// Runs the tests of D2Sharp.Tests and D2Sharp.Bindings.Tests in this process, prints one line per failed or ignored test and
// a closing "N passed, N failed, N skipped" line; exit code 0 when nothing failed and something ran.
string? category = null, nameFilter = null, resultsPath = null;
for (int i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--category" when i + 1 < args.Length: category = args[++i]; break;
        case "--where-name" when i + 1 < args.Length: nameFilter = args[++i]; break;
        case "--results" when i + 1 < args.Length: resultsPath = args[++i]; break;
        default:
            Console.Error.WriteLine("usage: d2sharp-tests [--category C] [--where-name SUBSTRING] [--results FILE]");
            return 2;
    }
}

var conditions = new List<string>();
if (category != null) conditions.Add($"<cat>{SecurityElement.Escape(category)}</cat>");
if (nameFilter != null) conditions.Add($"<test re=\"1\">{SecurityElement.Escape(nameFilter)}</test>");
var filter = conditions.Count == 0 ? TestFilter.Empty : TestFilter.FromXml($"<filter><and>{string.Concat(conditions)}</and></filter>");

int passed = 0, failed = 0, skipped = 0;
var reports = new List<string>();
foreach (var name in new[] { "D2Sharp.Tests", "D2Sharp.Bindings.Tests" })
{
    var runner = new NUnitTestAssemblyRunner(new DefaultTestAssemblyBuilder());
    runner.Load(Assembly.Load(name), new Dictionary<string, object> { ["WorkDirectory"] = AppContext.BaseDirectory });
    var result = runner.Run(new ConsoleListener(Console.Out), filter);
    passed += result.PassCount;
    failed += result.FailCount;
    skipped += result.SkipCount + result.InconclusiveCount;
    reports.Add(result.ToXml(true).OuterXml);
}
if (resultsPath != null) File.WriteAllText(resultsPath, $"<results>{string.Concat(reports)}</results>");
Console.WriteLine($"{passed} passed, {failed} failed, {skipped} skipped");
return failed == 0 && passed > 0 ? 0 : 1;

/// <summary>
/// Prints each finished test that did not pass, and a line per 50 that did, as progress, to the
/// process's own output (NUnit redirects Console.Out to each test's capture while it runs).
/// </summary>
internal sealed class ConsoleListener(TextWriter output) : ITestListener
{
    private int _passed;

    public void TestStarted(ITest test) { }

    public void TestFinished(ITestResult result)
    {
        if (result.Test.IsSuite) return;
        var status = result.ResultState.Status;
        if (status == TestStatus.Passed)
        {
            if (++_passed % 50 == 0) output.WriteLine($"  … {_passed} passed");
            return;
        }
        output.WriteLine($"{status.ToString().ToUpperInvariant()}: {result.FullName} ({result.Duration:F2} s)");
        if (!string.IsNullOrEmpty(result.Message)) output.WriteLine("    " + result.Message.Trim().Replace("\n", "\n    "));
        if (status == TestStatus.Failed && !string.IsNullOrEmpty(result.StackTrace))
            output.WriteLine("    " + string.Join("\n    ", result.StackTrace.Split('\n').Take(8)));
    }

    public void TestOutput(TestOutput text) => output.Write(text.Text);

    public void SendMessage(TestMessage message) { }
}
