using System.Runtime.InteropServices;
using TorchSharp;

namespace Course.Core.Kernels;

/// <summary>
/// Two of libtorch's global switches that TorchSharp does not expose: whether convolutions may use oneDNN on the CPU
/// (PyTorch's <c>torch.backends.mkldnn.enabled</c>) and cuDNN on CUDA (<c>torch.backends.cudnn.enabled</c>). Both are
/// members of <c>at::Context</c>, exported by libtorch's CPU library under the C++ names of the platform's compiler
/// (Itanium on Linux and macOS, MSVC on Windows).
/// </summary>
public static class LibTorchContext
{
    private static readonly Lazy<Entry> Exports = new(Load);

    /// <summary>
    /// The exports used, as (Itanium name, MSVC name): <c>at::globalContext()</c>, then the getter and setter of oneDNN,
    /// NNPACK and cuDNN. Each platform's libtorch 2.10 exports them (<c>Course.Tests/Build/LibTorchExportTests.cs</c>).
    /// </summary>
    public static IReadOnlyList<(string Itanium, string Msvc)> Symbols { get; } =
    [
        ("_ZN2at13globalContextEv", "?globalContext@at@@YAAEAVContext@1@XZ"),
        ("_ZNK2at7Context17userEnabledMkldnnEv", "?userEnabledMkldnn@Context@at@@QEBA_NXZ"),
        ("_ZN2at7Context20setUserEnabledMkldnnEb", "?setUserEnabledMkldnn@Context@at@@QEAAX_N@Z"),
        ("_ZNK2at7Context17userEnabledNNPACKEv", "?userEnabledNNPACK@Context@at@@QEBA_NXZ"),
        ("_ZN2at7Context20setUserEnabledNNPACKEb", "?setUserEnabledNNPACK@Context@at@@QEAAX_N@Z"),
        ("_ZNK2at7Context16userEnabledCuDNNEv", "?userEnabledCuDNN@Context@at@@QEBA_NXZ"),
        ("_ZN2at7Context19setUserEnabledCuDNNEb", "?setUserEnabledCuDNN@Context@at@@QEAAX_N@Z"),
    ];

    /// <summary>Whether libtorch may run convolutions on oneDNN (on by default).</summary>
    public static bool OneDnnEnabled
    {
        get => Exports.Value.GetOneDnn(Exports.Value.Context) != 0;
        set => Exports.Value.SetOneDnn(Exports.Value.Context, value ? (byte)1 : (byte)0);
    }

    /// <summary>
    /// Whether libtorch may try NNPACK for a CPU convolution that oneDNN does not take (on by default). Where NNPACK
    /// cannot start (most x86 machines) each try prints a warning, so Course turns it off with oneDNN.
    /// </summary>
    public static bool NnpackEnabled
    {
        get => Exports.Value.GetNnpack(Exports.Value.Context) != 0;
        set => Exports.Value.SetNnpack(Exports.Value.Context, value ? (byte)1 : (byte)0);
    }

    /// <summary>Whether libtorch may run convolutions on cuDNN (on by default).</summary>
    public static bool CuDnnEnabled
    {
        get => Exports.Value.GetCuDnn(Exports.Value.Context) != 0;
        set => Exports.Value.SetCuDnn(Exports.Value.Context, value ? (byte)1 : (byte)0);
    }

    /// <summary>The libtorch CPU library this process loaded, by its name on this platform.</summary>
    public static string LibraryName =>
        OperatingSystem.IsWindows() ? "torch_cpu.dll" : OperatingSystem.IsMacOS() ? "libtorch_cpu.dylib" : "libtorch_cpu.so";

    /// <summary>The handle of the loaded libtorch CPU library (TorchSharp loads it with its first tensor).</summary>
    public static IntPtr Library => LoadedLibrary.Value;

    private static readonly Lazy<IntPtr> LoadedLibrary = new(() =>
    {
        using (torch.zeros(1)) { } // makes sure TorchSharp has loaded libtorch
        if (NativeLibrary.TryLoad(LibraryName, out var handle)) return handle;
        // Where the loader does not find it by name: beside the app (a publish), or in the build's runtimes/<rid>/native.
        string runtimes = Path.Combine(AppContext.BaseDirectory, "runtimes");
        var folders = Directory.Exists(runtimes)
            ? Directory.EnumerateDirectories(runtimes).Select(rid => Path.Combine(rid, "native")).Prepend(AppContext.BaseDirectory)
            : [AppContext.BaseDirectory];
        foreach (string folder in folders)
            if (NativeLibrary.TryLoad(Path.Combine(folder, LibraryName), out handle)) return handle;
        throw new DllNotFoundException($"{LibraryName} is not loaded in this process");
    });

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate IntPtr GlobalContext();

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate byte Getter(IntPtr context);

    [UnmanagedFunctionPointer(CallingConvention.Cdecl)]
    private delegate void Setter(IntPtr context, byte value);

    private sealed record Entry(IntPtr Context, Getter GetOneDnn, Setter SetOneDnn, Getter GetNnpack, Setter SetNnpack, Getter GetCuDnn, Setter SetCuDnn);

    private static Entry Load()
    {
        var library = Library;
        bool msvc = OperatingSystem.IsWindows();
        T Export<T>(int index) where T : Delegate =>
            Marshal.GetDelegateForFunctionPointer<T>(NativeLibrary.GetExport(library, msvc ? Symbols[index].Msvc : Symbols[index].Itanium));
        return new Entry(Export<GlobalContext>(0)(), Export<Getter>(1), Export<Setter>(2), Export<Getter>(3), Export<Setter>(4),
            Export<Getter>(5), Export<Setter>(6));
    }
}
