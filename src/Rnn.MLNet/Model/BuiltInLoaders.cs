namespace Rnn.MLNet.Model;

/// <summary>The loaders of Rnn.MLNet's own transformers: one line per type id.</summary>
internal static class BuiltInLoaders
{
    public static void RegisterAll()
    {
    }
}
