using System.Runtime.InteropServices;

namespace D2Sharp.Bindings;

public static unsafe partial class CudaDriver
{
    /// <summary>
    /// Loads a module from memory: a NUL-terminated PTX string (JIT-compiled for the current device), a cubin
    /// or a fatbin. <paramref name="options"/>/<paramref name="optionValues"/> are parallel arrays of
    /// <paramref name="numOptions"/> entries; use <see cref="CuJitOption.ErrorLogBuffer"/> to learn why PTX
    /// failed to compile (<see cref="CudaModuleHandle.Load(ReadOnlySpan{byte}, out string)"/> does).
    /// </summary>
    [LibraryImport(Library)]
    public static partial CuResult cuModuleLoadDataEx(out nint module, void* image, uint numOptions, CuJitOption* options, void** optionValues);

    /// <summary>Unloads a module; its functions become invalid.</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuModuleUnload(nint module);

    /// <summary>Looks up an <c>extern "C"</c> kernel by name; the handle lives as long as the module.</summary>
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)]
    public static partial CuResult cuModuleGetFunction(out nint function, nint module, string name);

    /// <summary>
    /// Launches <paramref name="f"/> on <paramref name="stream"/> (0: the legacy default stream).
    /// <paramref name="kernelParams"/> holds one pointer per kernel parameter, each pointing at the
    /// argument's value (for a device pointer: a pointer to the <c>ulong</c>); <paramref name="extra"/> is
    /// normally null. Launch errors may surface only at the next synchronising call.
    /// </summary>
    [LibraryImport(Library)]
    public static partial CuResult cuLaunchKernel(nint f, uint gridDimX, uint gridDimY, uint gridDimZ,
        uint blockDimX, uint blockDimY, uint blockDimZ, uint sharedMemBytes, nint stream, void** kernelParams, void** extra);

    /// <summary>Sets a function attribute, e.g. raising <see cref="CuFunctionAttribute.MaxDynamicSharedSizeBytes"/> above 48 KiB.</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuFuncSetAttribute(nint function, CuFunctionAttribute attrib, int value);

    /// <summary>Reads a function attribute (registers, local memory, static shared memory…).</summary>
    [LibraryImport(Library)]
    public static partial CuResult cuFuncGetAttribute(out int value, CuFunctionAttribute attrib, nint function);
}
