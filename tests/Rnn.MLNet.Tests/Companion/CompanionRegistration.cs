using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace Rnn.MLNet.Tests.Companion;

internal static class CompanionRegistration
{
    public const string TypeId = "Tests.Companion.Identity";

    // A library registering its model loaders is the module-initializer use CA2255 warns about on purpose (see ModelRegistry).
    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The ModuleInitializer attribute should not be used in libraries", Justification = "Registers model loaders when the assembly loads; ModelRegistry loads it by name.")]
    internal static void Register() => ModelRegistry.Register(TypeId, 1, _ => throw new NotSupportedException("only registered"));
}
