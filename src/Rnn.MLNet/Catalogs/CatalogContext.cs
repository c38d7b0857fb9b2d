using System.Reflection;
using Microsoft.ML;
using Microsoft.ML.Runtime;

namespace Rnn.MLNet;

/// <summary>
/// The ML.NET environment behind a catalog. ML.NET keeps it internal (<c>IInternalCatalog.Environment</c>), so a third-party
/// catalog extension reads it by reflection; it gives the trainers the context's seed (through <see cref="IHost.Rand"/>)
/// and its log (<c>MLContext.Log</c>), and whether its execution was cancelled.
/// </summary>
internal static class CatalogContext
{
    private static readonly PropertyInfo? EnvironmentProperty = typeof(MLContext).Assembly
        .GetType("Microsoft.ML.Data.IInternalCatalog")?.GetProperty("Environment");

    /// <summary>The environment of <paramref name="catalog"/> (an ML.NET catalog or sub-catalog), or null where it cannot be read.</summary>
    public static IHostEnvironment? Of(object catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        if (catalog is IHostEnvironment env) return env;
        try
        {
            return EnvironmentProperty?.GetValue(catalog) as IHostEnvironment;
        }
        catch (TargetException)
        {
            return null;
        }
    }

    private static readonly PropertyInfo? IsCanceledProperty = typeof(IHostEnvironment).Assembly
        .GetType("Microsoft.ML.Runtime.ICancelable")?.GetProperty("IsCanceled");

    /// <summary>
    /// Whether the execution of <paramref name="env"/> was cancelled (<c>MLContext.CancelExecution</c>, which cancels every
    /// host registered under the context). ML.NET keeps the flag internal (<c>ICancelable.IsCanceled</c>), so it is read by
    /// reflection; false where it cannot be read.
    /// </summary>
    public static bool IsCanceled(IHostEnvironment env)
    {
        ArgumentNullException.ThrowIfNull(env);
        try
        {
            return IsCanceledProperty?.DeclaringType?.IsInstanceOfType(env) == true && IsCanceledProperty.GetValue(env) is true;
        }
        catch (TargetInvocationException)
        {
            return false;
        }
    }

    /// <summary>A host named <paramref name="name"/> under the environment (a fresh MLContext's when there is none).</summary>
    public static IHost Host(IHostEnvironment? env, string name) => (env ?? new MLContext()).Register(name);

    /// <summary>Writes an informational line to the context's log (<c>MLContext.Log</c>).</summary>
    public static void Info(IHost host, string message)
    {
        using var channel = host.Start(host.GetType().Name);
        channel.Info(MessageSensitivity.None, message);
    }
}
