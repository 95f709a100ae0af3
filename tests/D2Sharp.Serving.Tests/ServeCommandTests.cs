using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using D2Sharp.Tests;

namespace D2Sharp.Serving.Tests;

/// <summary><c>d2sharp serve</c> as a user runs it: one ready line with the addresses, then a clean stop on SIGTERM.</summary>
[TestFixture]
public class ServeCommandTests
{
    [Test]
    public async Task ServePrintsItsAddressesWhenReadyAnswersAndStopsOnSigterm()
    {
        string Model(string name, string fixture) =>
            $"{name}={TestPaths.Fixture(fixture, "config_resolved.yaml")},weights={TestPaths.Fixture(fixture, "model.pkl")}";
        using var process = Serve("--model", Model("frcnn", Fixtures.Detection), "--model", Model("retina", "det_retinanet_r50"), "--port", "0", "--max-batch", "4");
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            string ready = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromMinutes(2)) ?? "";
            var addresses = Regex.Match(ready, @"^d2sharp serve: ready: gRPC (http://127\.0\.0\.1:\d+/), HTTP/JSON (http://127\.0\.0\.1:\d+/); models: frcnn \(cpu\), retina \(cpu\);");
            if (!addresses.Success) Assert.Fail(ready + await StderrSoFar(process, stderr));

            using var http = new HttpClient { BaseAddress = new Uri(addresses.Groups[2].Value) };
            using var readiness = await http.GetAsync("/readyz");
            using var detect = await http.PostAsJsonAsync("/v1/models/retina:detect", new { image = Convert.ToBase64String(Fixtures.Png("det_retinanet_r50")) });
            Assert.That(readiness.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(detect.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await detect.Content.ReadAsStringAsync(), Does.Contain("\"model\":\"retina\"").And.Contain("\"className\":"));

            // SIGTERM, as a container runtime stops it.
            using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString()])) await kill.WaitForExitAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
            Assert.That(process.ExitCode, Is.Zero, await stderr);
            Assert.That(await process.StandardOutput.ReadToEndAsync(), Is.EqualTo("d2sharp serve: stopped\n"));
        }
        finally
        {
            if (!process.HasExited) process.Kill();
        }
    }

    [Test]
    public async Task AModelThatCannotLoadEndsServeWithItsErrorAndExitCode1()
    {
        string missing = Path.Combine(Path.GetTempPath(), "d2sharp-serve-missing.pkl");
        using var process = Serve("--config", TestPaths.Fixture(Fixtures.Detection, "config_resolved.yaml"), "--weights", missing, "--port", "0");
        var stdout = process.StandardOutput.ReadToEndAsync();
        string stderr = await process.StandardError.ReadToEndAsync().WaitAsync(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync();

        Assert.That(process.ExitCode, Is.EqualTo(1));
        Assert.That(stderr, Does.Contain("d2sharp: error: ").And.Contain("d2sharp-serve-missing.pkl"));
        Assert.That(await stdout, Is.Empty, "no ready line");
    }

    /// <summary>Starts <c>d2sharp serve</c> as built beside this test assembly's configuration (bin/&lt;Configuration&gt;/&lt;tfm&gt;).</summary>
    private static Process Serve(params string[] arguments)
    {
        var here = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string cli = Path.Combine(TestPaths.RepoRoot, "engine", "D2Sharp.Cli", "bin", here.Parent!.Name, here.Name, "D2Sharp.Cli.dll");
        var start = new ProcessStartInfo("dotnet", [cli, "serve", .. arguments]) { RedirectStandardOutput = true, RedirectStandardError = true };
        return Process.Start(start)!;
    }

    /// <summary>Stops the server and returns what it wrote to stderr, for a failure's message.</summary>
    private static async Task<string> StderrSoFar(Process process, Task<string> stderr)
    {
        if (!process.HasExited) process.Kill();
        return "\n" + await stderr;
    }
}
