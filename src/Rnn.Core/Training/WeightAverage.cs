using System.Numerics.Tensors;

namespace Rnn.Core.Training;

/// <summary>
/// Polyak (stochastic weight) averaging for <see cref="SequenceTrainer"/> (<see cref="TrainerOptions.AverageLastEpochs"/>):
/// the mean of the weights at the end of each of the last K epochs, which the model ends with. Works through the session,
/// so it averages on any backend.
/// </summary>
internal sealed class WeightAverage(ITrainingSession session, int epochs, int lastEpochs)
{
    private float[][]? _sum;      // per parameter, in the model's parameter order
    private float[][]? _current;

    /// <summary>Epochs added so far.</summary>
    public int Count { get; private set; }

    /// <summary>Adds the weights at the end of <paramref name="epoch"/> when it is one of the last K.</summary>
    public void Add(int epoch)
    {
        if (lastEpochs <= 0 || epoch <= epochs - lastEpochs) return;
        _current = session.Snapshot(_current);
        if (_sum is null)
        {
            _sum = _current.Select(t => (float[])t.Clone()).ToArray();
        }
        else
        {
            for (int i = 0; i < _sum.Length; i++) TensorPrimitives.Add(_sum[i], _current[i], _sum[i]);
        }
        Count++;
    }

    /// <summary>Sets the session's weights to the average (when more than one epoch was added).</summary>
    public void Apply()
    {
        if (_sum is null || Count < 2) return;
        foreach (var t in _sum) TensorPrimitives.Multiply(t, 1f / Count, t);
        session.Restore(_sum);
    }
}
