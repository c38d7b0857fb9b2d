namespace Rnn.Core.Numerics;

/// <summary>
/// Deterministic pseudo-random generator (xoshiro128** seeded by SplitMix64): the same seed gives
/// the same stream on every machine and runtime, which <see cref="System.Random"/> does not promise.
/// </summary>
public sealed class Rng
{
    private uint _s0, _s1, _s2, _s3;
    private bool _hasSpare;
    private float _spare;

    /// <summary>Creates a generator from a seed.</summary>
    public Rng(long seed)
    {
        ulong x = unchecked((ulong)seed);
        ulong a = SplitMix(ref x), b = SplitMix(ref x);
        _s0 = (uint)a; _s1 = (uint)(a >> 32); _s2 = (uint)b; _s3 = (uint)(b >> 32);
        if ((_s0 | _s1 | _s2 | _s3) == 0) _s0 = 1;
    }

    /// <summary>A new independent generator derived from this one (for a sub-component).</summary>
    public Rng Fork() => new(((long)NextUInt() << 32) | NextUInt());

    /// <summary>Next 32 random bits.</summary>
    public uint NextUInt()
    {
        uint result = RotateLeft(_s1 * 5, 7) * 9;
        uint t = _s1 << 9;
        _s2 ^= _s0; _s3 ^= _s1; _s1 ^= _s2; _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 11);
        return result;
    }

    /// <summary>Uniform float in [0, 1) with 24 random bits.</summary>
    public float NextFloat() => (NextUInt() >> 8) * (1f / 16777216f);

    /// <summary>Uniform double in [0, 1).</summary>
    public double NextDouble() => (((ulong)NextUInt() << 21) ^ (NextUInt() >> 11)) * (1.0 / (1UL << 53));

    /// <summary>Uniform float in [<paramref name="low"/>, <paramref name="high"/>).</summary>
    public float Uniform(float low, float high) => low + (high - low) * NextFloat();

    /// <summary>Uniform integer in [0, <paramref name="n"/>) without modulo bias.</summary>
    public int NextInt(int n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        ulong m = (ulong)NextUInt() * (ulong)n;
        uint low = (uint)m;
        if (low < (uint)n)
        {
            uint threshold = (uint)(-n) % (uint)n;
            while (low < threshold)
            {
                m = (ulong)NextUInt() * (ulong)n;
                low = (uint)m;
            }
        }
        return (int)(m >> 32);
    }

    /// <summary>Standard normal sample (Box–Muller).</summary>
    public float Normal()
    {
        if (_hasSpare) { _hasSpare = false; return _spare; }
        double u1, u2;
        do { u1 = NextDouble(); } while (u1 <= double.Epsilon);
        u2 = NextDouble();
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        _spare = (float)(r * Math.Sin(2 * Math.PI * u2));
        _hasSpare = true;
        return (float)(r * Math.Cos(2 * Math.PI * u2));
    }

    /// <summary>Fills <paramref name="destination"/> with uniform values in [low, high).</summary>
    public void FillUniform(Span<float> destination, float low, float high)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = Uniform(low, high);
    }

    /// <summary>Fills <paramref name="destination"/> with normal values of the given mean and standard deviation.</summary>
    public void FillNormal(Span<float> destination, float mean = 0f, float std = 1f)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = mean + std * Normal();
    }

    /// <summary>Shuffles <paramref name="values"/> in place (Fisher–Yates).</summary>
    public void Shuffle<T>(Span<T> values)
    {
        for (int i = values.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (values[i], values[j]) = (values[j], values[i]);
        }
    }

    /// <summary>The generator's whole state (four state words, the Box–Muller spare and whether it is pending), for checkpoints.</summary>
    internal RngState State
    {
        get => new(_s0, _s1, _s2, _s3, _hasSpare, _spare);
        set => (_s0, _s1, _s2, _s3, _hasSpare, _spare) = (value.S0, value.S1, value.S2, value.S3, value.HasSpare, value.Spare);
    }

    private static uint RotateLeft(uint x, int k) => (x << k) | (x >> (32 - k));

    private static ulong SplitMix(ref ulong x)
    {
        ulong z = x += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}

/// <summary>The state of an <see cref="Rng"/>: restoring it makes the generator continue the same stream.</summary>
internal readonly record struct RngState(uint S0, uint S1, uint S2, uint S3, bool HasSpare, float Spare);
