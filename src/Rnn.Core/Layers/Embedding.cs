using System.Numerics.Tensors;
using Rnn.Core.Internals;
using Rnn.Core.Numerics;

namespace Rnn.Core.Layers;

// N = number of ids (every leading dimension flattened, e.g. batch × steps), V = vocabulary size, E = embedding size

/// <summary>
/// Lookup table mapping integer ids to learned vectors, PyTorch's <c>nn.Embedding</c>.
/// </summary>
/// <remarks>
/// <para>Parameter, named as PyTorch's <c>state_dict</c>: <c>weight</c> [V, E], initialised from N(0, 1) (PyTorch's default),
/// with the row <see cref="PaddingIdx"/> (when given) set to zero.</para>
/// <para>Forward: <c>y[n, :] = W[ids[n], :]</c>.</para>
/// <para>Backward: <c>dW[ids[n], :] += dY[n, :]</c> (scatter-add; repeated ids add up), except for the padding row,
/// whose gradient stays zero so it keeps its value under plain gradient descent.</para>
/// </remarks>
public sealed class Embedding : Module
{
    /// <summary>Creates an embedding table initialised from a seed.</summary>
    /// <param name="numEmbeddings">V, the vocabulary size; ids range over [0, V).</param>
    /// <param name="embeddingDim">E, the size of each vector.</param>
    /// <param name="paddingIdx">Id of the padding token, whose row is zero and never receives gradient; negative counts from the end (PyTorch). Default none.</param>
    /// <param name="seed">Seed of the initialisation; the same seed gives bit-identical weights. Default 0.</param>
    public Embedding(int numEmbeddings, int embeddingDim, int? paddingIdx = null, int seed = 0)
        : this(numEmbeddings, embeddingDim, paddingIdx, new Rng(seed))
    {
    }

    /// <summary>Creates an embedding table initialised from <paramref name="rng"/>.</summary>
    /// <param name="numEmbeddings">V, the vocabulary size; ids range over [0, V).</param>
    /// <param name="embeddingDim">E, the size of each vector.</param>
    /// <param name="paddingIdx">Id of the padding token, or null; negative counts from the end (PyTorch).</param>
    /// <param name="rng">Generator drawing the V·E initial values.</param>
    public Embedding(int numEmbeddings, int embeddingDim, int? paddingIdx, Rng rng)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numEmbeddings);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(embeddingDim);
        ArgumentNullException.ThrowIfNull(rng);
        if (paddingIdx is int p && (p >= numEmbeddings || p < -numEmbeddings))
            ThrowHelper.ThrowArgumentOutOfRange(nameof(paddingIdx), p, $"paddingIdx must be within [-{numEmbeddings}, {numEmbeddings}), got {p}");
        NumEmbeddings = numEmbeddings;
        EmbeddingDim = embeddingDim;
        PaddingIdx = paddingIdx is int q && q < 0 ? q + numEmbeddings : paddingIdx;
        Weight = AddParameter("weight", numEmbeddings, embeddingDim); // W: [V, E]
        rng.FillNormal(Weight.Value.Span);
        if (PaddingIdx is int pad) Weight.Value.Row(pad).Clear();
    }

    /// <summary>V, the vocabulary size.</summary>
    public int NumEmbeddings { get; }

    /// <summary>E, the size of each vector.</summary>
    public int EmbeddingDim { get; }

    /// <summary>The padding id in [0, V), or null.</summary>
    public int? PaddingIdx { get; }

    /// <summary>The table W, shape [V, E] (PyTorch's <c>weight</c>).</summary>
    public Parameter Weight { get; }

    /// <summary>Copies the row of each id into <paramref name="y"/>. Allocates nothing.</summary>
    /// <param name="ids">Ids, [N], each in [0, V).</param>
    /// <param name="y">Output, [N, E] row-major, overwritten.</param>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside [0, V); the message names the id and its position.</exception>
    /// <exception cref="ArgumentException"><paramref name="y"/> does not hold N·E values.</exception>
    public void Forward(ReadOnlySpan<int> ids, Span<float> y)
    {
        SpanChecks.Length(y.Length, (long)ids.Length * EmbeddingDim, nameof(y), $"[N, E] = [{ids.Length}, {EmbeddingDim}]");
        var w = Weight.Value; // [V, E]
        for (int n = 0; n < ids.Length; n++)
        {
            CheckId(ids, n);
            w.Row(ids[n]).CopyTo(y.Slice(n * EmbeddingDim, EmbeddingDim));
        }
    }

    /// <summary>Scatter-adds <c>dW[ids[n], :] += dY[n, :]</c>, skipping the padding id. Allocates nothing.</summary>
    /// <param name="dY">Gradient with respect to the output, [N, E].</param>
    /// <param name="ids">The ids given to <see cref="Forward(ReadOnlySpan{int}, Span{float})"/>, [N].</param>
    /// <remarks>Nothing is accumulated when <see cref="Parameter.RequiresGrad"/> is false (a frozen table).</remarks>
    /// <exception cref="ArgumentOutOfRangeException">An id is outside [0, V).</exception>
    /// <exception cref="ArgumentException"><paramref name="dY"/> does not hold N·E values.</exception>
    public void Backward(ReadOnlySpan<float> dY, ReadOnlySpan<int> ids)
    {
        SpanChecks.Length(dY.Length, (long)ids.Length * EmbeddingDim, nameof(dY), $"[N, E] = [{ids.Length}, {EmbeddingDim}]");
        if (!Weight.RequiresGrad) return;
        var dW = Weight.Grad; // [V, E]
        for (int n = 0; n < ids.Length; n++)
        {
            CheckId(ids, n);
            if (ids[n] == PaddingIdx) continue;
            var row = dW.Row(ids[n]); // [E]
            TensorPrimitives.Add(row, dY.Slice(n * EmbeddingDim, EmbeddingDim), row);
        }
    }

    /// <summary>Looks up every id and returns a new [N, E] tensor.</summary>
    /// <param name="ids">Ids, [N], each in [0, V).</param>
    public Tensor Forward(ReadOnlySpan<int> ids)
    {
        var y = new Tensor(ids.Length, EmbeddingDim); // [N, E]
        Forward(ids, y.Span);
        return y;
    }

    private void CheckId(ReadOnlySpan<int> ids, int position) => CheckId(ids[position], position);

    /// <summary>Throws as <see cref="Forward(ReadOnlySpan{int}, Span{float})"/> does for an id outside [0, V) at <paramref name="position"/>.</summary>
    internal void CheckId(int id, int position)
    {
        if ((uint)id >= (uint)NumEmbeddings)
            ThrowHelper.ThrowArgumentOutOfRange("ids", id, $"id {id} at position {position} is outside the vocabulary [0, {NumEmbeddings})");
    }
}
