namespace D2Sharp.Cli;

/// <summary>
/// Wrong command-line usage found by a command itself (a combination of options System.CommandLine
/// cannot check): one line on stderr with a pointer to the command's help, exit code 2.
/// </summary>
internal sealed class UsageException(string message) : Exception(message);
