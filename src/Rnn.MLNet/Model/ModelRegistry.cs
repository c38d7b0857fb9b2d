using System.Reflection;
using System.Runtime.CompilerServices;
using Rnn.MLNet.Model;

namespace Rnn.MLNet;

/// <summary>
/// The fixed map from a model zip's type ids ("Rnn.CopyColumns", ...) to loaders. Loading never resolves
/// a .NET type from a name in the file: an id not registered here is an error.
/// </summary>
/// <remarks>
/// Rnn.MLNet registers its own transformers when this class is first used. Another assembly registers its
/// loaders with <see cref="Register"/> from a <c>[ModuleInitializer]</c>, which runs when that assembly is first
/// used. An app that only calls <c>ml.Model.Load</c> may not have touched such an assembly yet, so on an
/// unknown id the registry loads the known companion assemblies by their fixed names (a constant list in this
/// class, never a name from the file: "Rnn.Pipelines"), runs their module initializers, and looks again.
/// A library's <c>[ModuleInitializer]</c> raises CA2255; suppress it there with a justification pointing here
/// (tests/Rnn.MLNet.Tests/Companion shows the pattern and ModelRegistryTest checks the by-name load).
/// </remarks>
public static class ModelRegistry
{
    private static readonly Dictionary<string, (Func<ModelLoadContext, ITransformer> Loader, int Version)> Loaders = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();
    private static bool _companionsLoaded;

    /// <summary>Assemblies that register loaders from a module initializer, loaded on an unknown id.</summary>
    internal static readonly List<string> CompanionAssemblies = ["Rnn.Pipelines"];

    static ModelRegistry() => BuiltInLoaders.RegisterAll();

    /// <summary>
    /// Registers (or replaces) the loader of <paramref name="typeId"/>, which reads layouts up to <paramref name="version"/>;
    /// a file holding a newer version is rejected.
    /// </summary>
    public static void Register(string typeId, int version, Func<ModelLoadContext, ITransformer> loader)
    {
        ArgumentException.ThrowIfNullOrEmpty(typeId);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(version);
        ArgumentNullException.ThrowIfNull(loader);
        lock (Gate)
            Loaders[typeId] = (loader, version);
    }

    /// <summary>Whether <paramref name="typeId"/> has a loader.</summary>
    public static bool IsRegistered(string typeId) => TryGetLoader(typeId, out _, out _);

    internal static bool TryGetLoader(string typeId, out Func<ModelLoadContext, ITransformer> loader, out int version)
    {
        lock (Gate)
        {
            if (Loaders.TryGetValue(typeId, out var entry))
            {
                (loader, version) = entry;
                return true;
            }
        }
        if (LoadCompanions())
            return TryGetLoader(typeId, out loader, out version);
        loader = null!;
        version = 0;
        return false;
    }

    /// <summary>Loads the companion assemblies once and runs their module initializers; true when anything new may have registered.</summary>
    private static bool LoadCompanions()
    {
        lock (Gate)
        {
            if (_companionsLoaded)
                return false;
            _companionsLoaded = true;
        }
        foreach (string name in CompanionAssemblies)
        {
            try
            {
                Assembly assembly = Assembly.Load(new AssemblyName(name));
                RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
            }
            catch (Exception e) when (e is FileNotFoundException or FileLoadException or BadImageFormatException)
            {
                // Not deployed with this app: its ids stay unknown.
            }
        }
        return true;
    }

    internal static void ResetCompanionsForTest()
    {
        lock (Gate)
            _companionsLoaded = false;
    }
}
