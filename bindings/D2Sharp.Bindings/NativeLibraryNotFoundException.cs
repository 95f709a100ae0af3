namespace D2Sharp.Bindings;

/// <summary>
/// A CUDA library could not be loaded from any probed location. <see cref="Attempts"/> holds every path
/// tried, in order, with the loader's error for each; the message lists them too.
/// </summary>
public sealed class NativeLibraryNotFoundException : DllNotFoundException
{
    /// <summary>Creates the exception for <paramref name="library"/> after the failed <paramref name="attempts"/>.</summary>
    public NativeLibraryNotFoundException(string library, IReadOnlyList<ProbeAttempt> attempts)
        : base(Format(library, attempts))
    {
        Library = library;
        Attempts = attempts;
    }

    /// <summary>The library's import name, e.g. <c>libcudnn.so.9</c>.</summary>
    public string Library { get; }

    /// <summary>Every path tried, in probe order.</summary>
    public IReadOnlyList<ProbeAttempt> Attempts { get; }

    private static string Format(string library, IReadOnlyList<ProbeAttempt> attempts)
    {
        var lines = attempts.Select(a => $"  {a.Path}: {a.Error}");
        return $"{library} could not be loaded; tried {attempts.Count} locations "
            + $"(set {NativeLibraries.EnvironmentVariable(library)} to a file or directory to override):"
            + Environment.NewLine + string.Join(Environment.NewLine, lines);
    }
}

/// <summary>One probe: the path handed to the loader and why it failed (null when it loaded).</summary>
public sealed record ProbeAttempt(string Path, string? Error);
