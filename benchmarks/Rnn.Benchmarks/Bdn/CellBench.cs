using BenchmarkDotNet.Attributes;
using Rnn.Core;
using Rnn.Core.Layers;
using Rnn.Core.Numerics;

namespace Rnn.Benchmarks.Bdn;

/// <summary>
/// The fused gate step of each cell (one time step of 64 rows, H = 128) against its readable TensorPrimitives
/// version. Run: <c>dotnet run -c Release --project benchmarks/Rnn.Benchmarks -- bdn --filter '*CellBench*'</c>.
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class CellBench
{
    private const int N = 64, H = 128;
    private float[] _gates = [], _gatesInit = [], _hh = [], _bias = [], _h = [], _c = [], _aux = [], _y = [];
    private float[] _dG = [], _dG2 = [], _dh = [], _dc = [], _dInit = [];

    [GlobalSetup]
    public void Setup()
    {
        var rng = new Rng(1);
        _gatesInit = new float[N * 4 * H];
        rng.FillUniform(_gatesInit, -3f, 3f);
        _gates = (float[])_gatesInit.Clone();
        _hh = new float[N * 4 * H];
        rng.FillUniform(_hh, -1f, 1f);
        _bias = new float[H];
        _h = new float[N * H];
        _c = new float[N * H];
        _aux = new float[N * H];
        _y = new float[N * H];
        _dG = new float[N * 4 * H];
        _dG2 = new float[N * 4 * H];
        _dh = new float[N * H];
        _dc = new float[N * H];
        _dInit = new float[N * H];
        rng.FillUniform(_dInit, -1f, 1f);
        LstmForwardSimple();
    }

    // The backward kernels scale dh/dc in place: restart from the same values every call (else they decay into denormals).
    private void ResetGradients()
    {
        _dInit.CopyTo(_dh, 0);
        _dInit.CopyTo(_dc, 0);
    }

    [Benchmark(Baseline = true)]
    public void LstmForwardSimple()
    {
        _gatesInit.CopyTo(_gates, 0);
        LstmCell.ForwardSimple(N, H, _gates, _h, _c, _aux, _y, H);
    }

    [Benchmark]
    public void LstmForwardFused()
    {
        _gatesInit.CopyTo(_gates, 0);
        LstmCell.Forward(N, H, _gates, _h, _c, _aux, _y, H);
    }

    [Benchmark]
    public void LstmBackwardSimple()
    {
        ResetGradients();
        LstmCell.BackwardSimple(N, H, _dG, _dh, _dc, _gates, _c, _aux);
    }

    [Benchmark]
    public void LstmBackwardFused()
    {
        ResetGradients();
        LstmCell.Backward(N, H, _dG, _dh, _dc, _gates, _c, _aux);
    }

    [Benchmark]
    public void GruForwardSimple()
    {
        _gatesInit.AsSpan(0, N * 3 * H).CopyTo(_gates);
        GruCell.ForwardSimple(N, H, _gates.AsSpan(0, N * 3 * H), _hh.AsSpan(0, N * 3 * H), _bias, _aux, _h, _y, H);
    }

    [Benchmark]
    public void GruForwardFused()
    {
        _gatesInit.AsSpan(0, N * 3 * H).CopyTo(_gates);
        GruCell.Forward(N, H, _gates.AsSpan(0, N * 3 * H), _hh.AsSpan(0, N * 3 * H), _bias, _aux, _h, _y, H);
    }

    [Benchmark]
    public void GruBackwardSimple()
    {
        ResetGradients();
        GruCell.BackwardSimple(N, H, _dG.AsSpan(0, N * 3 * H), _dG2.AsSpan(0, N * 3 * H), _dh, _gates.AsSpan(0, N * 3 * H), _aux, _c);
    }

    [Benchmark]
    public void GruBackwardFused()
    {
        ResetGradients();
        GruCell.Backward(N, H, _dG.AsSpan(0, N * 3 * H), _dG2.AsSpan(0, N * 3 * H), _dh, _gates.AsSpan(0, N * 3 * H), _aux, _c);
    }
}

/// <summary>
/// Forward and forward + backward of a whole <see cref="RecurrentLayer"/> per cell at a small fixed size
/// (B = 16, T = 20, I = 32, H = 64), with allocations (0 B expected once the buffers have grown).
/// </summary>
[MemoryDiagnoser]
[ShortRunJob]
public class LayerBench
{
    private RecurrentLayer _layer = null!;
    private Tensor _x = null!, _out = null!, _hN = null!, _cN = null!, _dOut = null!, _dX = null!;

    [Params(CellType.Rnn, CellType.Lstm, CellType.Gru)]
    public CellType Cell { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _layer = new RecurrentLayer(Cell, 32, 64, seed: 1);
        var rng = new Rng(2);
        _x = new Tensor(16, 20, 32);
        rng.FillNormal(_x.Span);
        _out = new Tensor(16, 20, 64);
        _hN = new Tensor(1, 16, 64);
        _cN = new Tensor(1, 16, 64);
        _dOut = new Tensor(16, 20, 64);
        rng.FillNormal(_dOut.Span);
        _dX = new Tensor(16, 20, 32);
        ForwardBackward();
    }

    [Benchmark]
    public void Forward() => _layer.Forward(_x, null, default, _out, _hN, _cN);

    [Benchmark]
    public void ForwardBackward()
    {
        _layer.Forward(_x, null, default, _out, _hN, _cN);
        _layer.Backward(_dOut, null, null, _dX, null, null);
    }
}
