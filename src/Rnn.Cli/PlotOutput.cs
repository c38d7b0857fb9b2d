using Rnn.Cli.Reporting;

namespace Rnn.Cli;

/// <summary>Where <c>--plot DIR</c> writes: the commands list the files in their result (<c>wrote PATH</c>, or <c>"plots"</c> with <c>--json</c>).</summary>
internal static class PlotOutput
{
    /// <summary>
    /// Runs <paramref name="draw"/> and returns the paths it wrote; a directory that cannot be written or a graphics
    /// library that cannot load becomes an <see cref="InvalidOperationException"/> (exit code 1, one line).
    /// </summary>
    public static string[] Write(Func<IEnumerable<string>> draw)
    {
        Plots.Announce = false;
        try
        {
            return [.. draw()];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or DllNotFoundException or TypeInitializationException)
        {
            throw new InvalidOperationException($"could not write the plots: {e.GetBaseException().Message}", e);
        }
    }
}
