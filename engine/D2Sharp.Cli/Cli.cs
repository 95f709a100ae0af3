using System.CommandLine;
using System.CommandLine.Invocation;

namespace D2Sharp.Cli;

/// <summary>
/// The <c>d2sharp</c> command line: parses with System.CommandLine (help, response files, the
/// <c>[suggest]</c> directive), then runs the command. Exit codes: 0 ok, 1 an error in the input
/// (one line: what, where; <c>--verbose</c> adds the stack), 2 wrong usage (one line and a pointer
/// to the help).
/// </summary>
internal static class Cli
{
    public const string Name = "d2sharp";

    private const string VerboseName = "--verbose";

    /// <summary>The options every command takes, besides its own.</summary>
    public static readonly string[] OptionsOfEveryCommand = ["--help", "-h", VerboseName];

    /// <summary>Runs one command line; returns the exit code (0 ok, 1 error, 2 usage).</summary>
    public static int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var verbose = new Option<bool>(VerboseName)
        {
            Description = "with an error, print its stack trace too",
            Arity = ArgumentArity.Zero,
            Recursive = true,
        };
        var result = CommandTree.Create(verbose).Parse(args);
        if (result.Action is ParseErrorAction)
        {
            stderr.WriteLine($"{Name}: {UsageErrors.Describe(result)}");
            return 2;
        }
        var invocation = new InvocationConfiguration
        {
            Output = stdout,
            Error = stderr,
            // Errors are reported below, one line each; serve handles Ctrl-C and SIGTERM itself.
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        };
        try
        {
            return result.Invoke(invocation);
        }
        catch (UsageException e)
        {
            stderr.WriteLine($"{Name}: {e.Message} {UsageErrors.Pointer(result.CommandResult.Command)}");
            return 2;
        }
        catch (Exception e) when (e is D2SharpException or IOException or UnauthorizedAccessException)
        {
            stderr.WriteLine($"{Name}: error: {D2SharpException.Sanitize(e.Message)}");
            if (result.GetValue(verbose)) stderr.WriteLine(e);
            return 1;
        }
        catch (Exception e)
        {
            // Not an input error D2Sharp knows: still one line and exit 1, never an abort.
            bool withStack = result.GetValue(verbose);
            stderr.WriteLine($"{Name}: internal error: {e.GetType().Name}: {D2SharpException.Sanitize(e.Message.Split('\n')[0])}" +
                (withStack ? "" : $" ({VerboseName} shows the stack trace; please report it)"));
            if (withStack) stderr.WriteLine(e);
            return 1;
        }
    }
}
