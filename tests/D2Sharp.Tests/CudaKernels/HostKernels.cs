using System.Runtime.InteropServices;

namespace D2Sharp.Tests.CudaKernels;

/// <summary>
/// The host-emulation library (kernels/host/, built by HostKernels.targets): kernels/*.cu compiled
/// as C++ and launched with the same grid, block and <c>void**</c> parameters cuLaunchKernel takes.
/// </summary>
internal static unsafe partial class HostKernels
{
    private const string Library = "d2sharp_kernels_host";

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int d2h_launch(string kernelName, uint gx, uint gy, uint gz, uint bx, uint by, uint bz, void** parameters);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int d2h_sizeof(string structName);

    [LibraryImport(Library)]
    private static partial nint d2h_kernel_name(int index);

    private static readonly bool Built = NativeLibrary.TryLoad(Path.Combine(AppContext.BaseDirectory, $"lib{Library}.so"), out _);

    /// <summary>Ignores the calling test, saying why, when the library was not built (no g++ at build time).</summary>
    public static void RequireBuilt()
    {
        if (!Built) Assert.Ignore($"lib{Library}.so was not built: g++ was not found when the tests were built");
    }

    /// <summary>Runs a kernel; the emulator's status (0, or 1 unknown kernel, 2 block over 1024 threads, 3 empty launch).</summary>
    public static int TryLaunch<T>(string kernel, (uint X, uint Y, uint Z) grid, (uint X, uint Y, uint Z) block, T parameters) where T : unmanaged
    {
        RequireBuilt();
        void** arguments = stackalloc void*[1];
        arguments[0] = &parameters;
        return d2h_launch(kernel, grid.X, grid.Y, grid.Z, block.X, block.Y, block.Z, arguments);
    }

    public static void Launch<T>(string kernel, (uint X, uint Y, uint Z) grid, (uint X, uint Y, uint Z) block, T parameters) where T : unmanaged =>
        Assert.That(TryLaunch(kernel, grid, block, parameters), Is.Zero, $"{kernel} launch status");

    /// <summary>A 1-D launch, as LaunchShapes gives it.</summary>
    public static void Launch<T>(string kernel, (uint Grid, uint Block) shape, T parameters) where T : unmanaged =>
        Launch(kernel, (shape.Grid, 1, 1), (shape.Block, 1, 1), parameters);

    public static int SizeOf(string structName)
    {
        RequireBuilt();
        return d2h_sizeof(structName);
    }

    /// <summary>The kernels the library's launch table lists.</summary>
    public static IReadOnlyList<string> TableKernels()
    {
        RequireBuilt();
        var names = new List<string>();
        for (nint name; (name = d2h_kernel_name(names.Count)) != 0;) names.Add(Marshal.PtrToStringUTF8(name)!);
        return names;
    }
}
