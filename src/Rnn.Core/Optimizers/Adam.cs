using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Rnn.Core.Numerics;

namespace Rnn.Core.Optimizers;

/// <summary>Adam with optional L2 weight decay: PyTorch's <c>torch.optim.Adam</c> (without amsgrad).</summary>
/// <remarks>
/// <para>Per parameter θ with gradient g, at step t (PyTorch's algorithm, https://pytorch.org/docs/stable/generated/torch.optim.Adam.html):</para>
/// <code>
/// g ← g + λ θ                                   (Adam: L2 weight decay λ folded into the gradient)
/// θ ← θ (1 − γ λ)                               (AdamW instead: decoupled weight decay)
/// m ← β₁ m + (1 − β₁) g                         first moment
/// v ← β₂ v + (1 − β₂) g²                        second moment
/// θ ← θ − (γ / (1 − β₁ᵗ)) · m / (√v / √(1 − β₂ᵗ) + ε)
/// </code>
/// <para>State: <c>exp_avg</c> (m) and <c>exp_avg_sq</c> (v) per parameter, plus its step count t.</para>
/// </remarks>
public class Adam : Optimizer
{
    private static readonly string[] Names = ["exp_avg", "exp_avg_sq"];
    private readonly bool _decoupledWeightDecay;

    /// <summary>Creates an Adam optimiser.</summary>
    /// <param name="parameters">Parameters to update.</param>
    /// <param name="learningRate">γ. Default 1e-3.</param>
    /// <param name="beta1">β₁, decay of the first moment, in [0, 1). Default 0.9.</param>
    /// <param name="beta2">β₂, decay of the second moment, in [0, 1). Default 0.999.</param>
    /// <param name="eps">ε, added to the denominator; non-negative. Default 1e-8.</param>
    /// <param name="weightDecay">λ, L2 penalty added to the gradient; non-negative. Default 0.</param>
    public Adam(IEnumerable<Parameter> parameters, float learningRate = 1e-3f, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f, float weightDecay = 0f)
        : this(parameters, learningRate, beta1, beta2, eps, weightDecay, decoupledWeightDecay: false)
    {
    }

    /// <summary>Creates an Adam-family optimiser; <paramref name="decoupledWeightDecay"/> selects AdamW's decay.</summary>
    /// <param name="parameters">Parameters to update.</param>
    /// <param name="learningRate">γ.</param>
    /// <param name="beta1">β₁, in [0, 1).</param>
    /// <param name="beta2">β₂, in [0, 1).</param>
    /// <param name="eps">ε, non-negative.</param>
    /// <param name="weightDecay">λ, non-negative.</param>
    /// <param name="decoupledWeightDecay">True: θ ← θ(1 − γλ) before the update (AdamW); false: g ← g + λθ (Adam).</param>
    protected Adam(IEnumerable<Parameter> parameters, float learningRate, float beta1, float beta2, float eps, float weightDecay, bool decoupledWeightDecay)
        : base(parameters, learningRate)
    {
        OptimizerChecks.UnitInterval(beta1, nameof(beta1));
        OptimizerChecks.UnitInterval(beta2, nameof(beta2));
        OptimizerChecks.NonNegative(eps, nameof(eps));
        OptimizerChecks.NonNegative(weightDecay, nameof(weightDecay));
        Beta1 = beta1;
        Beta2 = beta2;
        Eps = eps;
        WeightDecay = weightDecay;
        _decoupledWeightDecay = decoupledWeightDecay;
    }

    /// <summary>β₁.</summary>
    public float Beta1 { get; }

    /// <summary>β₂.</summary>
    public float Beta2 { get; }

    /// <summary>ε.</summary>
    public float Eps { get; }

    /// <summary>λ.</summary>
    public float WeightDecay { get; }

    /// <inheritdoc />
    protected override IReadOnlyList<string> StateNames => Names;

    /// <inheritdoc />
    protected sealed override unsafe void Update(int index, Span<float> value, ReadOnlySpan<float> grad, long step)
    {
        var m = GetBuffer(index, Names[0]); // exp_avg, [parameter shape]
        var v = GetBuffer(index, Names[1]); // exp_avg_sq, [parameter shape]
        float beta1 = Beta1, beta2 = Beta2, eps = Eps;
        float l2 = _decoupledWeightDecay ? 0f : WeightDecay;
        // the scalars, in double as PyTorch computes them in Python
        double biasCorrection1 = 1.0 - Math.Pow(beta1, step);
        double biasCorrection2 = 1.0 - Math.Pow(beta2, step);
        float stepSize = (float)(LearningRate / biasCorrection1);
        float biasCorrection2Sqrt = (float)Math.Sqrt(biasCorrection2);
        float decay = _decoupledWeightDecay ? (float)(1.0 - (double)LearningRate * WeightDecay) : 1f;
        var job = new AdamJob
        {
            Beta1 = beta1, Beta2 = beta2, Eps = eps, L2 = l2, Decay = decay, StepSize = stepSize,
            BiasCorrection2Sqrt = biasCorrection2Sqrt, Length = value.Length,
        };
        fixed (float* pv = value, pg = grad, pm = m, pq = v)
        {
            job.Value = pv; job.Grad = pg; job.M = pm; job.V = pq;
            // Large parameters (an embedding table) are split over the threads; each element's arithmetic is the same.
            int parts = value.Length >= ParallelElements ? WorkerPool.Threads : 1;
            job.Parts = parts;
            if (parts <= 1) AdamJob.Run(&job, 0, value.Length);
            else WorkerPool.Run(parts, &RunPart, &job);
        }
    }

    /// <summary>Parameters with at least this many elements are updated by all <see cref="WorkerPool.Threads"/> threads.</summary>
    internal const int ParallelElements = 1 << 16;

    private static unsafe void RunPart(void* context, int part)
    {
        var job = (AdamJob*)context;
        int parts = job->Parts, length = job->Length;
        // Ranges of whole 16-float vectors, so every element goes through the same (vector or scalar) path as unsplit.
        int vectors = length / 16;
        int start = WorkerPool.ShareStart(vectors, part, parts) * 16;
        int end = part == parts - 1 ? length : WorkerPool.ShareStart(vectors, part + 1, parts) * 16;
        AdamJob.Run(job, start, end);
    }

    /// <summary>One Adam update over a range of a parameter (the same operations in the same order per element, vector or scalar).</summary>
    private unsafe struct AdamJob
    {
        public float Beta1, Beta2, Eps, L2, Decay, StepSize, BiasCorrection2Sqrt;
        public float* Value, Grad, M, V;
        public int Length, Parts;

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Run(AdamJob* job, int start, int end)
        {
            float beta1 = job->Beta1, beta2 = job->Beta2, eps = job->Eps, l2 = job->L2, decay = job->Decay;
            float stepSize = job->StepSize, bc2 = job->BiasCorrection2Sqrt;
            float* value = job->Value, grad = job->Grad, m = job->M, v = job->V;
            int i = start;
            if (Vector512.IsHardwareAccelerated)
            {
                var b1 = Vector512.Create(beta1); var c1 = Vector512.Create(1f - beta1);
                var b2 = Vector512.Create(beta2); var c2 = Vector512.Create(1f - beta2);
                var vl2 = Vector512.Create(l2); var vdecay = Vector512.Create(decay);
                var veps = Vector512.Create(eps); var vstep = Vector512.Create(stepSize); var vbc2 = Vector512.Create(bc2);
                for (; i + 16 <= end; i += 16)
                {
                    var g = Vector512.Load(grad + i);
                    var p = Vector512.Load(value + i);
                    if (l2 != 0f) g += vl2 * p;
                    if (decay != 1f) p *= vdecay;
                    var mi = b1 * Vector512.Load(m + i) + c1 * g;
                    var vi = b2 * Vector512.Load(v + i) + c2 * g * g;
                    var denom = Vector512.Sqrt(vi) / vbc2 + veps;
                    p -= vstep * (mi / denom);
                    mi.Store(m + i);
                    vi.Store(v + i);
                    p.Store(value + i);
                }
            }
            for (; i < end; i++)
            {
                float g = grad[i];
                if (l2 != 0f) g += l2 * value[i];                       // Adam: L2 penalty folded into the gradient
                if (decay != 1f) value[i] *= decay;                     // AdamW: decoupled weight decay, before the moments
                m[i] = beta1 * m[i] + (1f - beta1) * g;                 // update the first moment (momentum)
                v[i] = beta2 * v[i] + (1f - beta2) * g * g;             // update the second moment (RMSprop)
                float denom = MathF.Sqrt(v[i]) / bc2 + eps;             // bias-corrected √v̂ + ε
                value[i] -= stepSize * (m[i] / denom);                  // step along the bias-corrected first moment
            }
        }
    }
}
