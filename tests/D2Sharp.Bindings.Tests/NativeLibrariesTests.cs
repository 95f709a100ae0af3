namespace D2Sharp.Bindings.Tests;

/// <summary>The probe list and its error, through <see cref="NativeLibraries.Probe"/> (no process-wide side effects).</summary>
public class NativeLibrariesTests
{
    private const string MissingFile = "/nonexistent/d2sharp-test/libcudnn.so.9";

    private static Func<string, string?> Environment(params (string Name, string Value)[] vars)
        => name => vars.FirstOrDefault(v => v.Name == name).Value;

    [Test]
    public void OverrideComesFirstThenSonameThenCudaFolders()
    {
        var candidates = NativeLibraries.Candidates(NativeLibraries.Cudnn,
            Environment(("D2SHARP_LIBCUDNN", MissingFile), ("CUDA_PATH", "/nonexistent/cuda")));
        Assert.Multiple(() =>
        {
            Assert.That(candidates[0], Is.EqualTo(MissingFile));
            Assert.That(candidates[1], Is.EqualTo("libcudnn.so.9"));
            Assert.That(candidates[2], Is.EqualTo("/nonexistent/cuda/lib64/libcudnn.so.9"));
            Assert.That(candidates, Does.Contain("/usr/local/cuda/lib64/libcudnn.so.9"));
            Assert.That(candidates, Does.Contain("/usr/lib/x86_64-linux-gnu/libcudnn.so.9"));
            Assert.That(candidates, Is.Unique);
        });
    }

    [Test]
    public void DirectoryOverrideProbesTheSonameInside()
    {
        var dir = Path.GetTempPath().TrimEnd('/');
        var candidates = NativeLibraries.Candidates(NativeLibraries.Cublas, Environment(("D2SHARP_LIBCUBLAS", dir)));
        Assert.That(candidates.Take(2), Is.EqualTo(new[] { $"{dir}/libcublas.so.13", $"{dir}/libcublas.so.12" }));
    }

    [Test]
    public void CublasTries13Before12()
    {
        var candidates = NativeLibraries.Candidates(NativeLibraries.Cublas, Environment());
        Assert.That(candidates.Take(2), Is.EqualTo(new[] { "libcublas.so.13", "libcublas.so.12" }));
    }

    [Test]
    public void FailedProbeReportsEveryPathTriedWithItsError()
    {
        var env = Environment(("D2SHARP_LIBCUDNN", MissingFile), ("CUDA_PATH", "/nonexistent/cuda"));
        var (handle, path, attempts) = NativeLibraries.Probe(NativeLibraries.Cudnn, env);
        try
        {
            Assert.That(attempts[0].Path, Is.EqualTo(MissingFile));
            Assert.That(attempts[0].Error, Is.Not.Null.And.Not.Empty);
            if (handle != 0)
            {
                Assert.That(path, Is.Not.EqualTo(MissingFile));
                Assert.Pass($"cuDNN is installed here ({path}); the failure message is checked where it is not");
            }
            Assert.That(attempts.Select(a => a.Path), Is.EqualTo(NativeLibraries.Candidates(NativeLibraries.Cudnn, env)));
            var message = new NativeLibraryNotFoundException(NativeLibraries.Cudnn, attempts).Message;
            Assert.That(message, Does.Contain("libcudnn.so.9").And.Contain("D2SHARP_LIBCUDNN"));
            foreach (var attempt in attempts)
                Assert.That(message, Does.Contain($"{attempt.Path}: {attempt.Error}"));
        }
        finally
        {
            if (handle != 0) System.Runtime.InteropServices.NativeLibrary.Free(handle);
        }
    }

    [Test]
    public void NotFoundIsADllNotFoundException()
        => Assert.That(new NativeLibraryNotFoundException("x", []), Is.InstanceOf<DllNotFoundException>());

    [Test]
    public void ShortNamesMapToTheImportNames()
        => Assert.That(NativeLibraries.EnvironmentVariable("cublas"), Is.EqualTo("D2SHARP_LIBCUBLAS"));
}
