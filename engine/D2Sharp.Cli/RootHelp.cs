using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace D2Sharp.Cli;

/// <summary>
/// <c>d2sharp --help</c>: the commands with one line each, which System.CommandLine's help would
/// list with their whole descriptions (a screen of text). A command's own <c>--help</c> keeps the
/// generated help with its full description and every option.
/// </summary>
internal sealed class RootHelp(HelpAction generated) : SynchronousCommandLineAction
{
    /// <summary>What each command is for, in a line; a command missing here shows its first sentence.</summary>
    private static readonly Dictionary<string, string> Summaries = new()
    {
        ["run"] = "Detect on an image, several, or a folder; print, or write .npz / COCO JSON / a picture",
        ["visualize"] = "Write PNGs of the FPN pyramid, the anchors and the detections",
        ["bench"] = "Time the model at one input size on a backend, op by op",
        ["graph"] = "Print the model's ops with shapes, parameters and MACs",
        ["soak"] = "Run many inferences from many threads and check every result",
        ["serve"] = "Serve models over gRPC and HTTP/JSON, alone or as an Orleans cluster",
        ["info"] = "Print the version, the CPU's features and the CUDA stack",
        ["completion"] = "Print a script that completes d2sharp's commands with Tab",
    };

    public override int Invoke(ParseResult parseResult)
    {
        if (parseResult.CommandResult.Command is not RootCommand root) return generated.Invoke(parseResult);
        var output = parseResult.InvocationConfiguration.Output;
        output.WriteLine(root.Description);
        output.WriteLine();
        output.WriteLine($"Usage: {Cli.Name} <command> [options]");
        output.WriteLine();
        output.WriteLine("Commands:");
        var lines = root.Subcommands.Select(c => (Name: c.Subcommands.Count > 0 ? $"{c.Name} <{string.Join('|', c.Subcommands.Select(s => s.Name))}>" : c.Name,
            Summary: Summaries.GetValueOrDefault(c.Name) ?? FirstSentence(c.Description))).ToList();
        int width = lines.Max(l => l.Name.Length) + 2;
        foreach (var (name, summary) in lines) output.WriteLine($"  {name.PadRight(width)}{summary}");
        output.WriteLine();
        output.WriteLine("Options:");
        output.WriteLine("  --version   the version and the .NET it runs on");
        output.WriteLine("  --verbose   with an error, print its stack trace too");
        output.WriteLine("  -h, --help  this help");
        output.WriteLine();
        output.WriteLine($"{Cli.Name} <command> --help shows a command's options; {Cli.Name} completion --help sets up Tab completion.");
        return 0;
    }

    private static string FirstSentence(string? text)
    {
        text ??= "";
        int end = text.IndexOf(". ", StringComparison.Ordinal);
        return (end < 0 ? text : text[..end]).TrimEnd('.');
    }
}
