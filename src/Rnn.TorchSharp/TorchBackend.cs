namespace Rnn.TorchSharp;

/// <summary>Placeholder.</summary>
internal static class TorchBackend
{
}
