using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Rnn.Core.Numerics;

// M, N, K = rows of op(A) and C, columns of op(B) and C, shared dimension.
// MC, KC, NC = cache blocks: an (MC, KC) A block stays in L2, one (KC, NR) B micro-panel in L1,
// the (KC, NC) B block in L2/L3. MR × NR = the register tile (Gemm.Kernels.cs).
//
// The blocked kernel (Goto/BLIS loop order):
//   for jc in N step NC:                 B block columns
//     for pc in K step KC:               k block
//       pack op(B)[pc:+KC, jc:+NC]       → NR-column panels (Gemm.Packing.cs)
//       for ic in M step MC:
//         pack op(A)[ic:+MC, pc:+KC]     → MR-row tiles
//         for each NR panel, for each MR tile: micro-kernel (C tile (+)= A tile · B panel)
// Every transpose case is absorbed by the packing; the micro-kernel sees one layout.
//
// Pre-packed weights (the recurrent products: one per time step with the same weight):
//   PackedMatrix w = Gemm.PackB(weight, ldb: H, transB: true, k: H, n: G*H);   // once per forward pass
//   for t: Gemm.Multiply(transA: false, m: B, h_t, lda: H, w, gates_t, ldc: G*H, accumulate: true);
// which packs only the small A (the batch of hidden states) per step. w.Pack(...) refills it after an
// optimiser step without allocating.
//
// For m ≥ 2 this path is 1.2–2× faster than packing B every call (64×512×128: ~50 µs vs ~61 µs; 1×512×128: 2.4 µs
// vs 6.2 µs for Simple), and it packs A once and shares it between the threads.
//
// Threads: a product with 2·M·N·K ≥ ParallelFlops (1 MFLOP, measured break-even) runs on WorkerPool (the caller plus
// one dedicated thread here). Per-call products: WorkerPool.Threads parts along N (whole NR panels; along M when N
// has too few panels), each running the loop above with its thread's own buffers. Pre-packed products: 4 parts per
// thread along N, claimed dynamically, sharing the caller's packed A.

internal static partial class Gemm
{
    /// <summary>Depth of a k block: a (KC, NR) B micro-panel is 32 KiB, within the 48 KiB L1.</summary>
    internal const int KC = 256;

    /// <summary>Rows of an A block (a multiple of MR): (MC, KC) is 192 KiB, well within the 2 MiB L2.</summary>
    internal const int MC = 192;

    /// <summary>Columns of a B block (a multiple of NR): (KC, NC) is 4 MiB, within L3.</summary>
    internal const int NC = 4096;

    /// <summary>
    /// Products with at least this many FLOPs (2·m·n·k) are split across <see cref="WorkerPool.Threads"/> threads;
    /// below it one thread is faster (measured with the benchmarks' <c>scan</c>: waking the worker and the second core's
    /// cold caches cost a few µs; at 1–2 MFLOP two threads take ~0.6–0.8 of one thread's time on a quiet machine).
    /// </summary>
    internal static long ParallelFlops { get; set; } = 1_000_000;

    /// <summary>
    /// While <see cref="WorkerPool.IsContended"/> (other processes keep the second core busy and the worker arrives
    /// late), only products of at least this many FLOPs are split; smaller ones run on the caller alone.
    /// </summary>
    internal static long ContendedParallelFlops { get; set; } = 64_000_000;

    /// <summary>
    /// While a worker sleeps (<see cref="WorkerPool.WorkersAwake"/> false: no product for longer than its spin time),
    /// only products of at least this many FLOPs are split: waking it through the OS costs tens of µs on this VM.
    /// Measured on infer_latency (batch 1: the 3.3 MFLOP input projection after 50 serial matrix-vector steps):
    /// p50 308 µs split vs 193–199 µs on one thread. A caller about to issue many such products (a recurrent scan whose
    /// steps split their columns) wakes the worker first with <see cref="WorkerPool.Prewake"/>: without that, a worker
    /// that fell asleep during a serial stretch (a bias pass, the optimiser) stayed asleep for the whole scan.
    /// </summary>
    internal static long SleepingParallelFlops { get; set; } = 16_000_000;

    /// <summary>
    /// The blocked, packed, register-tiled kernel (AVX-512 micro-kernel). Same contract as
    /// <see cref="Multiply(bool, bool, int, int, int, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, Span{float}, int, bool)"/>.
    /// Correct on any hardware; fast where <see cref="Vector512.IsHardwareAccelerated"/>.
    /// </summary>
    internal static void Blocked(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate)
    {
        CheckArguments(transA, transB, m, n, k, a, lda, b, ldb, c, ldc);
        if (IsEmptyProduct(m, n, k, c, ldc, accumulate)) return;
        BlockedCore(transA, transB, m, n, k, a, lda, b, ldb, c, ldc, accumulate);
    }

    /// <summary>Handles the products with nothing to multiply (C empty, or k = 0: C cleared unless accumulating).</summary>
    private static bool IsEmptyProduct(int m, int n, int k, Span<float> c, int ldc, bool accumulate)
    {
        if (m == 0 || n == 0) return true;
        if (k != 0) return false;
        if (!accumulate) ClearC(m, n, c, ldc);
        return true;
    }

    /// <summary>
    /// Whether the blocked kernel beats <see cref="Simple"/> for this shape. Measured (benchmarks: <c>scan</c>): with
    /// AVX-512 it wins from 2 rows on, even for 4×8×8 (0.3 µs vs 1 µs); a single row (a matrix-vector product) is
    /// faster as Simple's dot products / row updates (1×512×128 NT: 6.8 µs vs 13 µs), as is everything without AVX-512.
    /// </summary>
    private static bool PreferBlocked(int m, int n, int k) => Vector512.IsHardwareAccelerated && m >= 2;

    /// <summary>Blocked kernel without argument checks (m, n, k ≥ 1).</summary>
    private static unsafe void BlockedCore(bool transA, bool transB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, Span<float> c, int ldc, bool accumulate)
    {
        fixed (float* pa = a, pb = b, pc = c)
        {
            var job = new Job
            {
                TransA = transA, TransB = transB, Accumulate = accumulate,
                M = m, N = n, K = k, A = pa, Lda = lda, B = pb, Ldb = ldb, C = pc, Ldc = ldc,
            };
            Run(ref job);
        }
    }

    /// <summary>
    /// Computes <c>C[m, n] (+)= op(A)[m, k] · B</c> with B pre-packed by <see cref="PackB(ReadOnlySpan{float}, int, bool, int, int)"/>
    /// (n = <see cref="PackedMatrix.N"/>, k = <see cref="PackedMatrix.K"/>): only A is packed per call.
    /// </summary>
    /// <param name="transA">Use Aᵀ: A is stored [k, m].</param>
    /// <param name="m">Rows of C.</param>
    /// <param name="a">A, row-major with row stride <paramref name="lda"/>.</param>
    /// <param name="lda">Row stride of A as stored.</param>
    /// <param name="b">The packed op(B), [k, n].</param>
    /// <param name="c">C, row-major with row stride <paramref name="ldc"/>.</param>
    /// <param name="ldc">Row stride of C.</param>
    /// <param name="accumulate">Add into C instead of overwriting it.</param>
    public static unsafe void Multiply(bool transA, int m, ReadOnlySpan<float> a, int lda, PackedMatrix b,
        Span<float> c, int ldc, bool accumulate)
    {
        ArgumentNullException.ThrowIfNull(b);
        int n = b.N, k = b.K;
        if (m < 0) Internals.ThrowHelper.ThrowArgument(nameof(m), $"matrix sizes must be non-negative, got m={m}");
        CheckOperand(nameof(a), a.Length, transA ? k : m, transA ? m : k, lda);
        CheckOperand(nameof(c), c.Length, m, n, ldc);
        if (IsEmptyProduct(m, n, k, c, ldc, accumulate)) return;
        fixed (float* pa = a, pc = c)
        {
            var job = new Job
            {
                TransA = transA, Accumulate = accumulate,
                M = m, N = n, K = k, A = pa, Lda = lda, C = pc, Ldc = ldc,
                Packed = b.Data, PackedPanels = b.Panels,
            };
            Run(ref job);
            GC.KeepAlive(b);
        }
    }

    /// <summary>
    /// <c>c[0:n] (+)= a[0:k] · B</c> for one contiguous row and a pre-packed B, on the calling thread (no packing, no
    /// dispatch, no argument checks beyond the sizes): the step of a batch-1 scan whose parts each own some of B's columns.
    /// </summary>
    /// <param name="a">The row [k] (k = <see cref="PackedMatrix.K"/>).</param>
    /// <param name="b">The packed op(B) [k, n].</param>
    /// <param name="c">The result [n] (n = <see cref="PackedMatrix.N"/>).</param>
    /// <param name="accumulate">Add into c instead of overwriting it.</param>
    public static unsafe void MultiplyRow(ReadOnlySpan<float> a, PackedMatrix b, Span<float> c, bool accumulate)
    {
        ArgumentNullException.ThrowIfNull(b);
        int n = b.N, k = b.K;
        if (a.Length < k) Internals.ThrowHelper.ThrowArgument(nameof(a), $"a has {a.Length} elements, expected {k}");
        if (c.Length < n) Internals.ThrowHelper.ThrowArgument(nameof(c), $"c has {c.Length} elements, expected {n}");
        if (n == 0) return;
        if (k == 0)
        {
            if (!accumulate) c.Slice(0, n).Clear();
            return;
        }
        float* data = b.Data;
        int panels = b.Panels, full = n / NR;
        float* tile = stackalloc float[NR];
        fixed (float* pa = a, pc = c)
        {
            for (int pc0 = 0; pc0 < k; pc0 += KC)
            {
                int kc = Math.Min(KC, k - pc0);
                float* block = data + (nint)pc0 * panels * NR;
                bool add = accumulate || pc0 > 0;
                int panel = 0;
                for (; panel + 4 <= full; panel += 4) Kernel1x128(kc, pa + pc0, 1, block + (nint)panel * kc * NR, pc + panel * NR, add);
                for (; panel < full; panel++) Kernel1x32(kc, pa + pc0, block + (nint)panel * kc * NR, pc + panel * NR, add);
                if (panel < panels)
                {
                    // The last, partial panel: through a 32-float stack tile.
                    int cols = n - panel * NR;
                    if (add) new ReadOnlySpan<float>(pc + panel * NR, cols).CopyTo(new Span<float>(tile, NR));
                    Kernel1x32(kc, pa + pc0, block + (nint)panel * kc * NR, tile, add);
                    new ReadOnlySpan<float>(tile, cols).CopyTo(new Span<float>(pc + panel * NR, cols));
                }
            }
        }
        GC.KeepAlive(b);
    }

    /// <summary>
    /// Packs <c>op(B)</c> [k, n] once into the micro-kernel's layout, for products that reuse the same B
    /// (a recurrent weight every time step).
    /// </summary>
    /// <param name="b">B, row-major with row stride <paramref name="ldb"/>: [k, n], or [n, k] when <paramref name="transB"/>.</param>
    /// <param name="ldb">Row stride of B as stored.</param>
    /// <param name="transB">Use Bᵀ: B is stored [n, k] (a PyTorch weight applied as x·Wᵀ).</param>
    /// <param name="k">Rows of op(B).</param>
    /// <param name="n">Columns of op(B).</param>
    /// <returns>A new packed matrix; refill it with <see cref="PackedMatrix.Pack"/>.</returns>
    public static PackedMatrix PackB(ReadOnlySpan<float> b, int ldb, bool transB, int k, int n)
    {
        var packed = new PackedMatrix(k, n);
        packed.Pack(b, ldb, transB);
        return packed;
    }

    /// <summary>
    /// Packs columns [<paramref name="firstColumn"/>, +<paramref name="columns"/>) of op(B) [k, n] into <paramref name="dst"/>
    /// (<see cref="PackedMatrix"/>'s layout, <paramref name="panels"/> panels); <paramref name="b"/> points at the first of them
    /// (B's row <paramref name="firstColumn"/> when transposed). <paramref name="firstColumn"/> is a multiple of NR.
    /// </summary>
    internal static unsafe void PackColumns(bool transB, int k, int firstColumn, int columns, float* b, int ldb, float* dst, int panels)
    {
        for (int pc = 0; pc < k; pc += KC)
        {
            int kc = Math.Min(KC, k - pc);
            PackBBlock(transB, kc, columns, transB ? b + pc : b + (nint)pc * ldb, ldb,
                dst + (nint)pc * panels * NR + (nint)(firstColumn / NR) * kc * NR);
        }
    }

    /// <summary>One product, as the parts see it (lives on the caller's stack while the parts run).</summary>
    private unsafe struct Job
    {
        public bool TransA, TransB, Accumulate, SplitN;
        public int M, N, K, Lda, Ldb, Ldc, Parts;
        public float* A, B, C;

        /// <summary>Pre-packed B (null when B is packed per call) and its panel count.</summary>
        public float* Packed;
        public int PackedPanels;

        /// <summary>All of op(A) packed once by the caller for the parts to share (null: each part packs its own).</summary>
        public float* SharedA;
        public int SharedARows;
    }

    /// <summary>Largest op(A) (floats, padded; rows also at most 2·MC) that the pre-packed-B path packs once and shares between the parts.</summary>
    private const int SharedALimit = 1 << 20;

    /// <summary>Parts per thread for the pre-packed-B path: parts are claimed dynamically, so more balance better.</summary>
    private const int PartsPerThread = 4;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Run(ref Job job)
    {
        int threads = WorkerPool.Threads;
        long flops = 2L * job.M * job.N * job.K;
        int panels = (job.N + NR - 1) / NR;
        int parts = threads <= 1 || WorkerPool.InJob || flops < ParallelFlops || !WorkerPool.ShouldSplit(flops >= ContendedParallelFlops)
            || (flops < SleepingParallelFlops && !WorkerPool.WorkersAwake) ? 1 : threads;
        if (job.Packed != null && PaddedRows(job.M) <= 2 * MC && (long)PaddedRows(job.M) * job.K <= SharedALimit)
        {
            // Per-step products: pack the small A once here; the parts are ranges of B panels sharing it.
            int rows = PaddedRows(job.M);
            job.SharedA = PackBuffers.Current.Shared(rows * job.K);
            job.SharedARows = rows;
            for (int pc = 0; pc < job.K; pc += KC)
            {
                int kc = Math.Min(KC, job.K - pc);
                PackABlock(job.TransA, job.M, kc, job.TransA ? job.A + (nint)pc * job.Lda : job.A + pc, job.Lda, job.SharedA + (nint)pc * rows);
            }
            if (parts > 1) parts = Math.Min(panels, parts * PartsPerThread);
            job.SplitN = true;
        }
        else if (parts > 1)
        {
            job.SplitN = panels >= parts * 2 || job.M < parts * MRTail;
            if (job.SplitN && panels < parts) parts = panels;
            if (!job.SplitN && job.M < parts * MRTail) parts = 1;
        }
        job.Parts = parts;
        fixed (Job* p = &job)
        {
            if (parts == 1) RunPart(p, 0);
            else WorkerPool.Run(parts, &RunPart, p);
        }
    }

    /// <summary>Rows of op(A) once packed: whole MR tiles, then the rest rounded up to MRTail.</summary>
    private static int PaddedRows(int m) => m / MR * MR + (m % MR + MRTail - 1) / MRTail * MRTail;

    // Part `part` of `job`: a range of whole NR panels (SplitN) or of MR-multiple rows.
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void RunPart(void* context, int part)
    {
        ref readonly Job job = ref *(Job*)context;
        int m = job.M, n = job.N;
        float* a = job.A, b = job.B, c = job.C;
        int panelStart = 0, panelEnd = (n + NR - 1) / NR;
        if (job.Parts > 1 && job.SplitN)
        {
            int panels = panelEnd;
            panelStart = WorkerPool.ShareStart(panels, part, job.Parts);
            panelEnd = WorkerPool.ShareStart(panels, part + 1, job.Parts);
        }
        else if (job.Parts > 1)
        {
            int unit = m >= job.Parts * MR ? MR : MRTail;
            int units = (m + unit - 1) / unit;
            int r0 = Math.Min(m, unit * WorkerPool.ShareStart(units, part, job.Parts));
            int r1 = Math.Min(m, unit * WorkerPool.ShareStart(units, part + 1, job.Parts));
            a = job.TransA ? a + r0 : a + (nint)r0 * job.Lda;
            c += (nint)r0 * job.Ldc;
            m = r1 - r0;
        }
        if (m <= 0 || panelEnd <= panelStart) return;
        int j0 = panelStart * NR, cols = Math.Min(n, panelEnd * NR) - j0;

        var buffers = PackBuffers.Current;
        if (job.Packed != null)
        {
            for (int pc = 0; pc < job.K; pc += KC)
            {
                int kc = Math.Min(KC, job.K - pc);
                float* bBlock = job.Packed + (nint)pc * job.PackedPanels * NR + (nint)panelStart * kc * NR;
                bool add = job.Accumulate || pc > 0;
                if (job.SharedA != null)
                {
                    PanelsKernel(m, kc, job.SharedA + (nint)pc * job.SharedARows, bBlock, cols, c + j0, job.Ldc, add, buffers.Scratch);
                    continue;
                }
                float* aBlock = job.TransA ? a + (nint)pc * job.Lda : a + pc;
                MacroKernel(job.TransA, m, kc, aBlock, job.Lda, bBlock, cols, c + j0, job.Ldc, add, buffers);
            }
            return;
        }
        for (int jc = j0; jc < j0 + cols; jc += NC)
        {
            int nc = Math.Min(NC, j0 + cols - jc);
            for (int pc = 0; pc < job.K; pc += KC)
            {
                int kc = Math.Min(KC, job.K - pc);
                float* bBlock = job.TransB ? b + (nint)jc * job.Ldb + pc : b + (nint)pc * job.Ldb + jc;
                PackBBlock(job.TransB, kc, nc, bBlock, job.Ldb, buffers.B);
                float* aBlock = job.TransA ? a + (nint)pc * job.Lda : a + pc;
                MacroKernel(job.TransA, m, kc, aBlock, job.Lda, buffers.B, nc, c + jc, job.Ldc, job.Accumulate || pc > 0, buffers);
            }
        }
    }

    /// <summary>
    /// C[0:m, 0:cols] (+)= op(A)[0:m, 0:kc] · Bblock, with the B block already packed in NR panels and
    /// A (offset to the k block's first column of op(A)) packed here MC rows at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void MacroKernel(bool transA, int m, int kc, float* a, int lda, float* bBlock, int cols,
        float* c, int ldc, bool add, PackBuffers buffers)
    {
        for (int ic = 0; ic < m; ic += MC)
        {
            int mc = Math.Min(MC, m - ic);
            PackABlock(transA, mc, kc, transA ? a + ic : a + (nint)ic * lda, lda, buffers.A);
            PanelsKernel(mc, kc, buffers.A, bBlock, cols, c + (nint)ic * ldc, ldc, add, buffers.Scratch);
        }
    }

    /// <summary>
    /// C[0:m, 0:cols] (+)= Apack · Bblock over one k block, both packed: for each NR panel of B (kept in L1),
    /// every register tile of A.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void PanelsKernel(int m, int kc, float* aPack, float* bBlock, int cols,
        float* c, int ldc, bool add, float* scratch)
    {
        int j0 = 0;
        if (m == 1)
        {
            // A single row: four full panels at a time (see Kernel1x128).
            for (; j0 + 4 * NR <= cols; j0 += 4 * NR) Kernel1x128(kc, aPack, bBlock + (nint)(j0 / NR) * kc * NR, c + j0, add);
        }
        for (; j0 < cols; j0 += NR)
        {
            int nr = Math.Min(NR, cols - j0);
            float* bPanel = bBlock + (nint)(j0 / NR) * kc * NR;
            int r = 0;
            for (; r + MR <= m; r += MR)
                Tile(MR, MR, nr, kc, aPack + (nint)r * kc, bPanel, c + (nint)r * ldc + j0, ldc, add, scratch);
            if (r + 2 * MRTail <= m && nr == NR)
            {
                // Two whole tail tiles: one 8-row pass (the packed tails are consecutive 4-row tiles).
                Kernel8x32(kc, aPack + (nint)r * kc, bPanel, c + (nint)r * ldc + j0, ldc, add);
                r += 2 * MRTail;
            }
            for (; r < m; r += MRTail)
                Tile(MRTail, Math.Min(MRTail, m - r), nr, kc, aPack + (nint)r * kc, bPanel, c + (nint)r * ldc + j0, ldc, add, scratch);
        }
    }
}
