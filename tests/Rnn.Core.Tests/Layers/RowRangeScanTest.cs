using Rnn.Core.Layers;
using Rnn.Core.Numerics;

namespace Rnn.Core.Tests.Layers;

/// <summary>
/// The recurrent scan splits a large batch into row ranges that run on separate threads from the first step to the
/// last. Each row is its own sequence, so the result must be exactly the single-range scan's.
/// </summary>
[TestClass]
public sealed class RowRangeScanTest
{
    [TestMethod]
    [DataRow(CellType.Rnn), DataRow(CellType.Lstm), DataRow(CellType.Gru)]
    public void RowRanges_VariableLengthsBidirectionalTwoLayers_BitIdenticalToOneRange(CellType cell)
    {
        if (WorkerPool.Threads < 2) Assert.Inconclusive("needs two threads");
        const int batch = 21, steps = 9, input = 5, hidden = 16;
        var rng = new Rng(12);
        var x = new Tensor(batch, steps, input);
        rng.FillNormal(x.Span);
        var dy = new Tensor(batch, steps, 2 * hidden);
        rng.FillNormal(dy.Span);
        var dhN = new Tensor(4, batch, hidden);
        rng.FillNormal(dhN.Span);
        int[] lengths = new int[batch];
        for (int b = 0; b < batch; b++) lengths[b] = 1 + (b * 7 + 3) % steps;

        (RecurrentOutput Out, RecurrentGradients Grads, float[][] ParamGrads, int Ranges) Run(long splitFlops)
        {
            long saved = SequenceRunner.RowSplitFlops;
            SequenceRunner.RowSplitFlops = splitFlops;
            try
            {
                var layer = new RecurrentLayer(cell, input, hidden, numLayers: 2, bidirectional: true, seed: 4);
                var output = layer.Forward(x, lengths: lengths);
                int ranges = layer.RunnerAt(0, 0).LastRowRanges;
                var grads = layer.Backward(dy, dhN, cell == CellType.Lstm ? dhN : null);
                ranges = Math.Min(ranges, layer.RunnerAt(1, 1).LastRowRanges);
                return (output, grads, layer.Parameters.Values.Select(p => p.Grad.Span.ToArray()).ToArray(), ranges);
            }
            finally
            {
                SequenceRunner.RowSplitFlops = saved;
            }
        }

        var one = Run(long.MaxValue);
        var split = Run(0);
        Assert.AreEqual(1, one.Ranges, "reference runs one range");
        Assert.AreEqual(2, split.Ranges, "the forward and backward scans ran two row ranges");
        CollectionAssert.AreEqual(one.Out.Output.Span.ToArray(), split.Out.Output.Span.ToArray(), "output");
        CollectionAssert.AreEqual(one.Out.HN.Span.ToArray(), split.Out.HN.Span.ToArray(), "h_n");
        if (cell == CellType.Lstm) CollectionAssert.AreEqual(one.Out.CN!.Span.ToArray(), split.Out.CN!.Span.ToArray(), "c_n");
        CollectionAssert.AreEqual(one.Grads.Input.Span.ToArray(), split.Grads.Input.Span.ToArray(), "dx");
        CollectionAssert.AreEqual(one.Grads.InitialH.Span.ToArray(), split.Grads.InitialH.Span.ToArray(), "dh_0");
        for (int i = 0; i < one.ParamGrads.Length; i++)
            CollectionAssert.AreEqual(one.ParamGrads[i], split.ParamGrads[i], $"gradient of parameter {i}");
    }
}

/// <summary>
/// Inference projects each row range's inputs step by step (x_t·W_ihᵀ just before h·W_hhᵀ) instead of all steps at
/// once as training does, each range gathering its own input rows from the batch-major input; each gate is the same sum
/// in the same order, so the outputs must be exactly training's.
/// </summary>
[TestClass]
public sealed class StepwiseInputProjectionTest
{
    [TestMethod]
    [DataRow(CellType.Rnn, 0L), DataRow(CellType.Lstm, 0L), DataRow(CellType.Gru, 0L)]
    [DataRow(CellType.Rnn, long.MaxValue), DataRow(CellType.Lstm, long.MaxValue), DataRow(CellType.Gru, long.MaxValue)]
    public void EvalForward_VariableLengthsBidirectionalTwoLayers_BitIdenticalToTrainingForward(CellType cell, long splitFlops)
    {
        const int batch = 37, steps = 9, input = 64, hidden = 32;
        var rng = new Rng(5);
        var x = new Tensor(batch, steps, input);
        rng.FillNormal(x.Span);
        int[] lengths = new int[batch];
        for (int b = 0; b < batch; b++) lengths[b] = 1 + (b * 5 + 2) % steps;
        long saved = SequenceRunner.RowSplitFlops;
        SequenceRunner.RowSplitFlops = splitFlops;
        try
        {
            var layer = new RecurrentLayer(cell, input, hidden, numLayers: 2, bidirectional: true, seed: 8);
            var trained = layer.Forward(x, lengths: lengths);
            layer.Eval();
            var inferred = layer.Forward(x, lengths: lengths);
            CollectionAssert.AreEqual(trained.Output.Span.ToArray(), inferred.Output.Span.ToArray(), "output");
            CollectionAssert.AreEqual(trained.HN.Span.ToArray(), inferred.HN.Span.ToArray(), "h_n");
            if (cell == CellType.Lstm) CollectionAssert.AreEqual(trained.CN!.Span.ToArray(), inferred.CN!.Span.ToArray(), "c_n");
            // Final states only: the last layer writes no step outputs, and its ranges keep their outputs to themselves.
            var hN = new Tensor(4, batch, hidden);
            var cN = cell == CellType.Lstm ? new Tensor(4, batch, hidden) : null;
            layer.Forward(x, null, lengths, output: null, hN, cN);
            Assert.AreEqual(splitFlops == 0 && WorkerPool.Threads >= 2 ? 2 : 1, layer.RunnerAt(1, 0).LastRowRanges, "row ranges");
            CollectionAssert.AreEqual(trained.HN.Span.ToArray(), hN.Span.ToArray(), "h_n, final states only");
            if (cN is not null) CollectionAssert.AreEqual(trained.CN!.Span.ToArray(), cN.Span.ToArray(), "c_n, final states only");
        }
        finally
        {
            SequenceRunner.RowSplitFlops = saved;
        }
    }
}

/// <summary>
/// RNN and LSTM form dW_ih and dW_hh with one product over [x | h_prev] (and one column sum for both biases); the
/// result must be the two separate products'.
/// </summary>
[TestClass]
public sealed class CombinedWeightGradientTest
{
    [TestMethod]
    [DataRow(CellType.Rnn), DataRow(CellType.Lstm)]
    public void CombinedProduct_WideInputVariableLengthsBidirectional_MatchesSeparateProducts(CellType cell)
    {
        const int batch = 6, steps = 7, input = 20, hidden = 16;
        var rng = new Rng(31);
        var x = new Tensor(batch, steps, input);
        rng.FillNormal(x.Span);
        var dy = new Tensor(batch, steps, 2 * hidden);
        rng.FillNormal(dy.Span);
        int[] lengths = [7, 3, 5, 7, 1, 6];

        float[][] Gradients(bool combined)
        {
            bool saved = SequenceRunner.CombineWeightGradients;
            SequenceRunner.CombineWeightGradients = combined;
            try
            {
                var layer = new RecurrentLayer(cell, input, hidden, numLayers: 2, bidirectional: true, seed: 3);
                layer.Forward(x, lengths: lengths);
                var grads = layer.Backward(dy);
                return [.. layer.Parameters.Values.Select(p => p.Grad.Span.ToArray()), grads.Input.Span.ToArray()];
            }
            finally
            {
                SequenceRunner.CombineWeightGradients = saved;
            }
        }

        float[][] separate = Gradients(false), combined = Gradients(true);
        for (int i = 0; i < separate.Length; i++)
            for (int j = 0; j < separate[i].Length; j++)
                Assert.AreEqual(separate[i][j], combined[i][j], 1e-5f * (1f + Math.Abs(separate[i][j])), $"gradient {i}, element {j}");
    }
}
