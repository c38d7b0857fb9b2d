namespace Rnn.Core;

/// <summary>
/// Base of every layer and model: named parameters and a training/evaluation switch.
/// </summary>
/// <remarks>
/// There is no autograd: each module has a <c>Forward</c> that fills a cache and a <c>Backward</c>
/// beside it that consumes the cache and accumulates parameter gradients.
/// </remarks>
public abstract class Module
{
    /// <summary>Parameters named as in PyTorch's <c>state_dict</c>.</summary>
    public ParameterCollection Parameters { get; } = new();

    /// <summary>Training mode (dropout active, caches kept for backward). Default true; see <see cref="Eval"/>.</summary>
    public bool Training { get; private set; } = true;

    /// <summary>Switches to training mode (PyTorch's <c>module.train()</c>).</summary>
    public virtual void Train() => Training = true;

    /// <summary>Switches to evaluation mode (PyTorch's <c>module.eval()</c>): no dropout, no caches.</summary>
    public virtual void Eval() => Training = false;

    /// <summary>Zeroes every parameter's gradient.</summary>
    public void ZeroGrad() => Parameters.ZeroGrad();

    /// <summary>
    /// The generators whose draws training consumes (dropout masks), by name (a child's prefixed with the child's name):
    /// what a training checkpoint saves besides the parameters, so a resumed run draws the same masks. Empty by default.
    /// </summary>
    internal virtual IEnumerable<KeyValuePair<string, Numerics.Rng>> RandomStreams() => [];

    /// <summary>Registers a new zero-filled parameter.</summary>
    protected Parameter AddParameter(string name, params int[] shape)
    {
        var p = new Parameter(name, shape);
        Parameters.Add(p);
        return p;
    }
}
