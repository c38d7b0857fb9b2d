namespace Rnn.Core.Layers;

/// <summary>How <see cref="SequencePooling"/> reduces a sequence of step outputs to one vector per example.</summary>
public enum PoolingKind
{
    /// <summary>The output at the last valid step (<c>lengths[b] − 1</c>); for a bidirectional output, see <see cref="SequencePooling"/>.</summary>
    Last,

    /// <summary>The mean over the valid steps.</summary>
    Mean,

    /// <summary>The element-wise maximum over the valid steps.</summary>
    Max,
}
