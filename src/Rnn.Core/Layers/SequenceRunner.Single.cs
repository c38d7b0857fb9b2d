using System.Numerics.Tensors;
using Rnn.Core.Numerics;

namespace Rnn.Core.Layers;

// H = hidden size, P = parts (threads), U = H/P hidden units per part, Q = gate blocks (RNN 1, GRU 3, LSTM 4), G = Q·H,
// T = steps.

/// <summary>
/// The batch-1 inference scan on two threads: each part owns half of the hidden units — their rows of every gate
/// block of W_hh — so it computes those units' gates and runs the cell on them, and the two parts meet once per step
/// (<see cref="Lockstep"/>), because the next step needs the whole state. A single sequence's steps are matrix-vector
/// products bound by reading W_hh from L2; split, each core reads half of it from its own L2.
/// </summary>
/// <remarks>
/// What the two cores share lives in 64-byte-aligned rows of a pinned arena, so that neither writes a cache line the
/// other writes: the state history [T + 1, H] (each step reads row s whole and each part writes its units of row s + 1;
/// rows are never reused within a scan, so no step overwrites what the partner may still be reading) and the LSTM cell
/// state. Each part's gate scratch is its own aligned block.
/// </remarks>
internal sealed partial class SequenceRunner
{
    private const int SingleParts = 2;

    /// <summary>Smallest recurrent product (G·H multiply-adds per step) worth splitting: below it the meeting costs more than it saves.</summary>
    internal static long SingleSplitMacs { get; set; } = 32_768;

    private PackedMatrix?[] _unitWeights = [];   // [P]: part p's rows of every gate block of W_hh, packed as op(B) [H, Q·U]
    private float[] _arena = [];                 // pinned; regions below start at 64-byte boundaries
    private int _arenaBase, _historyAt, _cellAt, _partAt, _partFloats;
    private readonly Lockstep _lockstep = new();

    /// <summary>How the last forward scan ran: 0 not split, 1 split but the partner did not join (one thread did all), 2 two threads.</summary>
    internal int LastSingleSequenceThreads { get; private set; }

    /// <summary>Whether this forward pass runs the split batch-1 scan.</summary>
    private bool UseSingleSequenceParts(bool training) =>
        !training && _batch == 1 && _steps >= 2 && _hidden % (SingleParts * Gemm.NR) == 0
        && WorkerPool.Threads >= SingleParts && !WorkerPool.InJob && !WorkerPool.Busy && (long)_gates * _hidden >= SingleSplitMacs;

    /// <summary>Runs the batch-1 scan in two parts (the input projection is in <c>_gateValues</c>, the biases in <c>_bias</c>).</summary>
    private unsafe void ForwardSingleSequence()
    {
        int h = _hidden, q = _gates / h, u = h / SingleParts;
        if (_unitWeights.Length != SingleParts)
        {
            _unitWeights = new PackedMatrix?[SingleParts];
            for (int i = 0; i < _unitWeights.Length; i++) _unitWeights[i] = new PackedMatrix(h, q * u);
        }
        // Arena: history [T + 1, H], cell state [H], then per part: gates of every step [T, Q·U], GRU hh [Q·U], the part's
        // biases [Q·U], aux [U].
        _partFloats = RoundToLine((_steps + 2) * q * u + u);
        _historyAt = 0;
        _cellAt = RoundToLine((_steps + 1) * h);
        _partAt = _cellAt + RoundToLine(h);
        int floats = _partAt + SingleParts * _partFloats + 16;
        if (_arena.Length < floats)
        {
            _arena = GC.AllocateArray<float>(floats, pinned: true);
            fixed (float* p = _arena) _arenaBase = (int)((64 - ((nint)p & 63)) & 63) / sizeof(float);
        }
        _h.AsSpan(0, h).CopyTo(Arena(_historyAt, h));
        if (_cell == CellType.Lstm) _c.AsSpan(0, h).CopyTo(Arena(_cellAt, h));
        LastSingleSequenceThreads = SingleParts;
        _lockstep.Reset();
        WorkerPool.Run(SingleParts, this, &SingleSequencePart);
    }

    private static int RoundToLine(int floats) => (floats + 15) / 16 * 16;

    private Span<float> Arena(int offset, int length) => _arena.AsSpan(_arenaBase + offset, length);

    private static void SingleSequencePart(object runner, int part)
    {
        var self = (SequenceRunner)runner;
        if (part == 0)
        {
            if (self._lockstep.Lead()) self.SingleSequenceUnits(0, 1, together: true);
            else
            {
                self.LastSingleSequenceThreads = 1;
                self.SingleSequenceUnits(0, SingleParts, together: false);
            }
        }
        else if (self._lockstep.Join())
        {
            self.SingleSequenceUnits(part, 1, together: true);
        }
    }

    /// <summary>Runs parts [first, first + count) of the units through every step; meets the partner after each step when together.</summary>
    private unsafe void SingleSequenceUnits(int first, int count, bool together)
    {
        int h = _hidden, g = _gates, q = g / h, u = h / SingleParts, qu = q * u, steps = _steps;
        ScanArguments args = _scan;
        ReadOnlySpan<float> wHh = _wHh.Value.Span, wIh = _wIh.Value.Span, bias = _bias.AsSpan(0, g), bHh = _bHh.Value.Span;
        var x = new ReadOnlySpan<float>(args.X, args.XLength);
        for (int p = first; p < first + count; p++)
        {
            // Part p's columns, gate by gate: W_hh rows packed side by side (one [H, Q·U] matrix, so one product per
            // step), and the input projection of every step with its biases, [T, Q·U] — the layout the cells take.
            Span<float> scratch = Arena(_partAt + p * _partFloats, _partFloats);
            Span<float> gates = scratch.Slice(0, steps * qu), partBias = scratch.Slice((steps + 1) * qu, qu);
            for (int gate = 0; gate < q; gate++)
            {
                int row = gate * h + p * u;
                _unitWeights[p]!.PackColumns(wHh.Slice(row * h, u * h), h, transB: true, gate * u, u);
                Gemm.Multiply(false, true, steps, u, _inputSize, x, _inputSize, wIh.Slice(row * _inputSize), _inputSize,
                    gates.Slice(gate * u), qu, accumulate: false);
                bias.Slice(row, u).CopyTo(partBias.Slice(gate * u, u));
            }
            Elementwise.AddToRows(gates, steps, qu, partBias);
        }

        Span<float> history = Arena(_historyAt, (steps + 1) * h);
        Span<float> cell = Arena(_cellAt, h);
        for (int s = 0; s < steps; s++)
        {
            int t = _reverse ? steps - 1 - s : s;   // batch 1: packed row t is step t
            ReadOnlySpan<float> hPrev = history.Slice(s * h, h);
            for (int p = first; p < first + count; p++)
            {
                Span<float> scratch = Arena(_partAt + p * _partFloats, _partFloats);
                Span<float> gates = scratch.Slice(t * qu, qu);
                Span<float> hUnits = history.Slice((s + 1) * h + p * u, u);
                Span<float> aux = scratch.Slice((steps + 2) * qu, u);
                switch (_cell)
                {
                    case CellType.Rnn:
                        Gemm.MultiplyRow(hPrev, _unitWeights[p]!, gates, accumulate: true);
                        RnnCell.Forward(1, u, _nonlinearity, gates, hUnits, hUnits, u);
                        break;
                    case CellType.Lstm:
                        Gemm.MultiplyRow(hPrev, _unitWeights[p]!, gates, accumulate: true);
                        LstmCell.Forward(1, u, gates, hUnits, cell.Slice(p * u, u), aux, hUnits, u);
                        break;
                    default:
                        Span<float> hh = scratch.Slice(steps * qu, qu);
                        Gemm.MultiplyRow(hPrev, _unitWeights[p]!, hh, accumulate: false);
                        hPrev.Slice(p * u, u).CopyTo(hUnits);   // the GRU cell reads h and writes h' in place
                        GruCell.Forward(1, u, gates, hh, bHh.Slice(2 * h + p * u, u), aux, hUnits, hUnits, u);
                        break;
                }
            }
            if (together) _lockstep.Arrive(first, s + 1);
        }

        // Each part hands out its own units: the outputs of every step, the final h (and c).
        var y = new Span<float>(args.Y, args.YLength);
        for (int p = first; p < first + count; p++)
        {
            for (int s = 0; s < steps && !y.IsEmpty; s++)
            {
                int t = _reverse ? steps - 1 - s : s;
                history.Slice((s + 1) * h + p * u, u).CopyTo(y.Slice(t * args.Ldy + args.YColumn + p * u, u));
            }
            history.Slice(steps * h + p * u, u).CopyTo(_h.AsSpan(p * u, u));
            if (_cell == CellType.Lstm) cell.Slice(p * u, u).CopyTo(_c.AsSpan(p * u, u));
        }
    }
}
