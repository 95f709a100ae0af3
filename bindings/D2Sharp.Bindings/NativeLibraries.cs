using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.InteropServices;

namespace D2Sharp.Bindings;

/// <summary>
/// Finds and loads the CUDA driver, cuDNN and cuBLAS for the whole assembly through one
/// <see cref="NativeLibrary.SetDllImportResolver"/>. Probe order per library: the environment override
/// (<c>D2SHARP_LIBCUDA</c> / <c>D2SHARP_LIBCUDNN</c> / <c>D2SHARP_LIBCUBLAS</c>: a file, or a directory
/// holding the library), the plain soname (the system loader: LD_LIBRARY_PATH, ldconfig cache), then
/// $CUDA_PATH/lib64, $CUDA_HOME/lib64, /usr/local/cuda/lib64, /usr/local/cuda/targets/x86_64-linux/lib,
/// /usr/lib/x86_64-linux-gnu, /usr/lib/wsl/lib and the <c>nvidia/&lt;cudnn|cublas&gt;/lib</c> folders of
/// Python wheels (system site/dist-packages and <c>/opt/*/.venv</c>). Each soname list is tried in order
/// (cuBLAS 13 before 12). When everything fails, <see cref="NativeLibraryNotFoundException"/> lists
/// every path with its loader error.
/// </summary>
public static class NativeLibraries
{
    /// <summary>Import name of the CUDA driver API.</summary>
    public const string Cuda = "libcuda.so.1";

    /// <summary>Import name of cuDNN 9.</summary>
    public const string Cudnn = "libcudnn.so.9";

    /// <summary>Import name of cuBLAS (13, falling back to 12).</summary>
    public const string Cublas = "libcublas.so.13";

    private static readonly ConcurrentDictionary<string, (nint Handle, string Path)> Loaded = new();
    private static readonly object Gate = new();
    private static int _installed;

    /// <summary>
    /// Installs the resolver for this assembly once; the binding classes call it from their static constructors.
    /// </summary>
    public static void EnsureResolver()
    {
        if (Interlocked.Exchange(ref _installed, 1) == 0)
            NativeLibrary.SetDllImportResolver(typeof(NativeLibraries).Assembly, Resolve);
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
        => IsKnown(libraryName) ? Load(libraryName) : 0;

    /// <summary>Loads <paramref name="library"/> (one of <see cref="Cuda"/>, <see cref="Cudnn"/>, <see cref="Cublas"/>) or throws <see cref="NativeLibraryNotFoundException"/>.</summary>
    public static nint Load(string library)
    {
        library = Canonical(library);
        if (Loaded.TryGetValue(library, out var hit)) return hit.Handle;
        lock (Gate)
        {
            if (Loaded.TryGetValue(library, out hit)) return hit.Handle;
            var (handle, path, attempts) = Probe(library, Environment.GetEnvironmentVariable);
            if (handle == 0) throw new NativeLibraryNotFoundException(library, attempts);
            Loaded[library] = (handle, path!);
            return handle;
        }
    }

    /// <summary>Loads <paramref name="library"/> if it can be found; otherwise returns false with the reason (every path tried).</summary>
    public static bool TryLoad(string library, out string? error)
    {
        try
        {
            Load(library);
            error = null;
            return true;
        }
        catch (NativeLibraryNotFoundException e)
        {
            error = e.Message;
            return false;
        }
    }

    /// <summary>The file <paramref name="library"/> was loaded from, or null when it has not been loaded (yet).</summary>
    public static string? LoadedPath(string library)
        => Loaded.TryGetValue(Canonical(library), out var hit) ? hit.Path : null;

    /// <summary>The environment variable that overrides where <paramref name="library"/> is loaded from.</summary>
    public static string EnvironmentVariable(string library) => Canonical(library) switch
    {
        Cuda => "D2SHARP_LIBCUDA",
        Cudnn => "D2SHARP_LIBCUDNN",
        _ => "D2SHARP_LIBCUBLAS",
    };

    /// <summary>
    /// Tries every candidate of <see cref="Candidates"/> in order without touching the process-wide state:
    /// returns the first handle that loaded (the caller owns it) and all attempts up to it.
    /// </summary>
    public static (nint Handle, string? Path, IReadOnlyList<ProbeAttempt> Attempts) Probe(
        string library, Func<string, string?> environment)
    {
        var attempts = new List<ProbeAttempt>();
        foreach (var candidate in Candidates(library, environment))
        {
            try
            {
                var handle = NativeLibrary.Load(candidate);
                attempts.Add(new ProbeAttempt(candidate, null));
                return (handle, candidate, attempts);
            }
            catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
            {
                attempts.Add(new ProbeAttempt(candidate, LoaderMessage(e)));
            }
        }
        return (0, null, attempts);
    }

    /// <summary>The ordered, de-duplicated probe list for <paramref name="library"/> given an environment lookup.</summary>
    public static IReadOnlyList<string> Candidates(string library, Func<string, string?> environment)
    {
        library = Canonical(library);
        var names = FileNames(library);
        var list = new List<string>();
        void Add(string path)
        {
            if (!list.Contains(path)) list.Add(path);
        }
        void AddDirectory(string? dir)
        {
            if (string.IsNullOrEmpty(dir)) return;
            foreach (var name in names) Add(Path.Combine(dir, name));
        }

        var overridden = environment(EnvironmentVariable(library));
        if (!string.IsNullOrEmpty(overridden))
        {
            if (Directory.Exists(overridden)) AddDirectory(overridden);
            else Add(overridden);
        }
        foreach (var name in names) Add(name);

        foreach (var root in new[] { environment("CUDA_PATH"), environment("CUDA_HOME") })
        {
            if (string.IsNullOrEmpty(root)) continue;
            if (OperatingSystem.IsWindows())
            {
                AddDirectory(Path.Combine(root, "bin", "x64"));
                AddDirectory(Path.Combine(root, "bin"));
            }
            else AddDirectory(Path.Combine(root, "lib64"));
        }
        if (OperatingSystem.IsWindows()) return list;

        AddDirectory("/usr/local/cuda/lib64");
        AddDirectory("/usr/local/cuda/targets/x86_64-linux/lib");
        AddDirectory("/usr/lib/x86_64-linux-gnu");
        AddDirectory("/usr/lib/wsl/lib");
        var wheelDirs = library switch
        {
            Cudnn => new[] { "nvidia/cudnn/lib" },
            Cublas => new[] { "nvidia/cublas/lib", "nvidia/cu13/lib" },
            _ => [],
        };
        foreach (var sitePackages in SitePackages())
        foreach (var wheelDir in wheelDirs)
            AddDirectory(Path.Combine(sitePackages, wheelDir));
        return list;
    }

    private static string[] FileNames(string library) => (library, OperatingSystem.IsWindows()) switch
    {
        (Cuda, true) => ["nvcuda.dll"],
        (Cudnn, true) => ["cudnn64_9.dll"],
        (Cublas, true) => ["cublas64_13.dll", "cublas64_12.dll"],
        (Cuda, false) => [Cuda],
        (Cudnn, false) => [Cudnn],
        _ => [Cublas, "libcublas.so.12"],
    };

    private static IEnumerable<string> SitePackages()
    {
        var found = new List<string>();
        void Glob(string parent, string pattern, params string[] tails)
        {
            try
            {
                if (!Directory.Exists(parent)) return;
                foreach (var dir in Directory.EnumerateDirectories(parent, pattern).Order())
                foreach (var tail in tails)
                    if (Directory.Exists(Path.Combine(dir, tail))) found.Add(Path.Combine(dir, tail));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // An unreadable folder is not a place the library can come from.
            }
        }
        Glob("/usr/lib", "python3*", "dist-packages");
        Glob("/usr/local/lib", "python3*", "site-packages", "dist-packages");
        try
        {
            if (Directory.Exists("/opt"))
                foreach (var venv in Directory.EnumerateDirectories("/opt").Order())
                    Glob(Path.Combine(venv, ".venv", "lib"), "python3*", "site-packages");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // As above.
        }
        return found;
    }

    /// <summary>The loader's own words (dlerror) without .NET's advice preamble.</summary>
    private static string LoaderMessage(Exception e)
    {
        var message = e.Message.ReplaceLineEndings(" ").Trim();
        const string marker = "environment variable:";
        var at = message.LastIndexOf(marker, StringComparison.Ordinal);
        return at < 0 ? message : message[(at + marker.Length)..].Trim();
    }

    private static bool IsKnown(string name) => Canonical(name) is Cuda or Cudnn or Cublas;

    private static string Canonical(string library) => library switch
    {
        "cuda" or "libcuda" or "libcuda.so" or "nvcuda" or "nvcuda.dll" => Cuda,
        "cudnn" or "libcudnn" or "libcudnn.so" or "cudnn64_9" or "cudnn64_9.dll" => Cudnn,
        "cublas" or "libcublas" or "libcublas.so" or "libcublas.so.12" or "cublas64_13.dll" or "cublas64_12.dll" => Cublas,
        _ => library,
    };
}
