using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Rnn.Tests.Shared;

/// <summary>One saved artefact to damage: a model zip (or a bare safetensors file) and how to load and score it.</summary>
/// <param name="Kind">Name in the report ("binary", "forecaster", ...).</param>
/// <param name="Original">The undamaged bytes.</param>
/// <param name="Score">Loads the bytes and scores fixed input; returns every output value as text (floats as bits).
/// Throws when the bytes cannot be loaded or scored.</param>
/// <param name="IsZip">False for a bare safetensors file (then every mutation is a payload mutation).</param>
internal sealed record FuzzTarget(string Kind, byte[] Original, Func<byte[], string> Score, bool IsZip = true);

/// <summary>How one damaged case ended.</summary>
internal enum FuzzOutcome
{
    /// <summary>Loaded and scored exactly as the original (the damage did not matter, e.g. a flipped bit in padding).</summary>
    Identical,

    /// <summary>Threw one of the documented exception types (<see cref="ZipFuzzer.Documented"/>).</summary>
    Rejected,

    /// <summary>
    /// Loaded and scored finite values, differently, after an entry-level rewrite (entries' contents swapped, or an entry
    /// renamed over another) that leaves a well-formed ML.NET zip: a different pipeline made of the same valid parts,
    /// which ML.NET has no means to tell from the original (docs/security.md). Never allowed for any other mutation.
    /// </summary>
    Altered,

    /// <summary>Anything else: another exception type, RnnMl code throwing other than InvalidDataException, a hang, an
    /// allocation over the bound, or a loaded model scoring differently. Each is a bug.</summary>
    Failed,
}

/// <summary>One case's result.</summary>
internal sealed record FuzzCase(string Kind, int Index, string Mutation, FuzzOutcome Outcome, string Detail, long AllocatedBytes);

/// <summary>
/// Seeded mutation fuzzing of saved models (docs/reliability.md, "Damaged and hostile zips"). Each case applies one
/// mutation, chosen by the seed, to a target's bytes, then loads and scores the result on a fresh thread with a
/// timeout, counting the bytes allocated meanwhile (all threads).
/// </summary>
/// <remarks>
/// <para>Mutations of the zip: bit flips and byte overwrites, truncation (to zero bytes too), zip header fields
/// (entry sizes, name lengths, offsets, entry counts) set to 0 or huge values, and entry-level edits through
/// <see cref="ZipArchive"/>: removed, duplicated, shuffled, renamed, swapped, emptied or truncated entries.</para>
/// <para>Mutations of the payload (decoded from the zip's carrier table, mutated, re-encoded as base64 and written back
/// as a valid table, so they reach RnnMl's parser and not just ML.NET's): bit flips, truncation, appended bytes, the
/// safetensors header length, tensor data_offsets, shapes and dtypes, swapped or removed tensors, and the metadata:
/// format, kind, version and every number in the settings JSON set to extreme values.</para>
/// <para>A case passes when it ends in a documented exception type (for an exception raised inside RnnMl's code: an
/// <see cref="InvalidDataException"/>), or loads and scores exactly as the original; and in every case allocates at
/// most <see cref="AllocationBound"/>.</para>
/// </remarks>
internal static class ZipFuzzer
{
    /// <summary>Exception types a damaged zip may end in (see docs/security.md): ML.NET's and the BCL's, and RnnMl's InvalidDataException.</summary>
    public static readonly Type[] Documented =
    [
        typeof(InvalidDataException),      // System.IO.Compression (damaged zip, CRC), RnnMl (every payload problem)
        typeof(FormatException),           // ML.NET's Contracts.CheckDecode ("Corrupt model file"), base64/number parsing
        typeof(InvalidOperationException), // ML.NET's Contracts.Check/Except (missing entries, schema mismatches)
        typeof(ArgumentException),         // ML.NET's Contracts.CheckParam/ExceptParam (and ArgumentOutOfRangeException)
        typeof(IOException),               // EndOfStreamException from ML.NET's BinaryReader on a short entry
    ];

    /// <summary>The per-case allocation bound: twice what loading and scoring the original allocates, plus 16 × its size.</summary>
    public static long AllocationBound(long originalAllocation, long size) => (2 * originalAllocation) + (16 * size);

    /// <summary>The seed of the CI run and of the documented full run.</summary>
    public const int Seed = 20240601;

    /// <summary>
    /// Runs <see cref="CasesPerTarget"/>(<paramref name="ciCases"/>) cases of <paramref name="target"/> with
    /// <see cref="Seed"/> and a 20 s timeout per case, writes the report to <paramref name="log"/> and throws when a case failed.
    /// </summary>
    public static void Verify(FuzzTarget target, int ciCases, Action<string> log)
    {
        var cases = Run(target, CasesPerTarget(ciCases), Seed, TimeSpan.FromSeconds(20));
        string report = Report(cases);
        log(report);
        if (cases.Any(c => c.Outcome == FuzzOutcome.Failed)) throw new InvalidOperationException("fuzzing found failures:\n" + report);
    }

    /// <summary>A target for the zip <c>ml.Model.Save</c> writes of <paramref name="model"/>; <paramref name="score"/> scores what <c>ml.Model.Load</c> reads back.</summary>
    public static FuzzTarget ZipOf(string kind, MLContext ml, ITransformer model, DataViewSchema inputSchema, Func<ITransformer, string> score)
    {
        using var zip = new MemoryStream();
        ml.Model.Save(model, inputSchema, zip);
        return new FuzzTarget(kind, zip.ToArray(), bytes => score(new MLContext().Model.Load(new MemoryStream(bytes, writable: false), out _)));
    }

    /// <summary>Cases per target: the RNNML_FUZZ_CASES environment variable, or <paramref name="fallback"/>.</summary>
    public static int CasesPerTarget(int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable("RNNML_FUZZ_CASES"), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 ? n : fallback;

    /// <summary>Runs <paramref name="cases"/> mutations of <paramref name="target"/>; case i uses seed (<paramref name="seed"/>, i).</summary>
    public static List<FuzzCase> Run(FuzzTarget target, int cases, int seed, TimeSpan timeout)
    {
        string reference = target.Score(target.Original); // warm up: the first load pays for ML.NET's component catalog
        var (_, referenceAgain, baseline) = Measure(() => target.Score(target.Original), timeout);
        if (referenceAgain != reference) throw new InvalidOperationException($"{target.Kind}: scoring the original twice differs");
        long bound = AllocationBound(baseline, target.Original.Length);
        var carrier = target.IsZip ? CarrierTable.Find(target.Original) : null;
        var results = new List<FuzzCase>(cases);
        for (int i = 0; i < cases; i++)
        {
            var rng = new Random(unchecked((seed * 1_000_003) + (StableHash(target.Kind) * 7919) + i));
            var (mutation, bytes) = Mutate(target, carrier, rng);
            var (error, scored, allocated) = Measure(() => target.Score(bytes), timeout);
            var (outcome, detail) = Judge(error, scored, reference, allocated, bound, mutation);
            if (outcome == FuzzOutcome.Failed && detail.StartsWith("different", StringComparison.Ordinal)
                && (mutation.StartsWith("entry.swapContent", StringComparison.Ordinal) || mutation.StartsWith("entry.rename", StringComparison.Ordinal)))
                (outcome, detail) = (FuzzOutcome.Altered, "altered: a rewritten but well-formed ML.NET pipeline");
            results.Add(new FuzzCase(target.Kind, i, mutation, outcome, detail, allocated));
        }
        return results;
    }

    // FNV-1a of the kind: string.GetHashCode differs between processes, and a case must be reproducible.
    private static int StableHash(string text)
    {
        uint hash = 2166136261;
        foreach (char c in text) hash = unchecked((hash ^ c) * 16777619);
        return unchecked((int)hash);
    }

    /// <summary>A table of outcomes per kind and per mutation family, and the first failures in full.</summary>
    public static string Report(IEnumerable<FuzzCase> cases)
    {
        var all = cases.ToList();
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"{"kind",-12} {"cases",7} {"identical",10} {"rejected",9} {"altered",8} {"failed",7}");
        foreach (var group in all.GroupBy(c => c.Kind).Append(all.GroupBy(_ => "total").Single()))
            text.AppendLine(CultureInfo.InvariantCulture, $"{group.Key,-12} {group.Count(),7} {group.Count(c => c.Outcome == FuzzOutcome.Identical),10} {group.Count(c => c.Outcome == FuzzOutcome.Rejected),9} {group.Count(c => c.Outcome == FuzzOutcome.Altered),8} {group.Count(c => c.Outcome == FuzzOutcome.Failed),7}");
        text.AppendLine("outcomes by exception type:");
        foreach (var group in all.GroupBy(c => c.Outcome is FuzzOutcome.Identical or FuzzOutcome.Altered ? c.Outcome.ToString().ToLowerInvariant() : c.Detail.Split(':')[0]).OrderByDescending(g => g.Count()))
            text.AppendLine(CultureInfo.InvariantCulture, $"  {group.Count(),7}  {group.Key}");
        text.AppendLine("mutation families:");
        foreach (var group in all.GroupBy(c => c.Mutation.Split(' ')[0]).OrderBy(g => g.Key, StringComparer.Ordinal))
            text.AppendLine(CultureInfo.InvariantCulture, $"  {group.Key,-22} {group.Count(),6} (identical {group.Count(c => c.Outcome == FuzzOutcome.Identical)}, rejected {group.Count(c => c.Outcome == FuzzOutcome.Rejected)}, altered {group.Count(c => c.Outcome == FuzzOutcome.Altered)}, failed {group.Count(c => c.Outcome == FuzzOutcome.Failed)})");
        text.AppendLine(CultureInfo.InvariantCulture, $"largest allocation in one case: {all.Max(c => c.AllocatedBytes) / 1e6:F1} MB");
        foreach (var failure in all.Where(c => c.Outcome == FuzzOutcome.Failed).Take(10))
            text.AppendLine(CultureInfo.InvariantCulture, $"FAILED {failure.Kind} #{failure.Index} [{failure.Mutation}]: {failure.Detail}");
        return text.ToString();
    }

    // ---------------------------------------------------------------- running and judging

    // Runs one case on its own thread (a hang cannot stop the run), counting every thread's allocations.
    private static (Exception? Error, string? Scored, long Allocated) Measure(Func<string> score, TimeSpan timeout)
    {
        Exception? error = null;
        string? scored = null;
        long before = GC.GetTotalAllocatedBytes(precise: true);
        var thread = new Thread(() =>
        {
            try
            {
                scored = score();
            }
#pragma warning disable CA1031 // every exception is an outcome to judge
            catch (Exception e)
#pragma warning restore CA1031
            {
                error = e;
            }
        }, maxStackSize: 16 << 20) { IsBackground = true };
        thread.Start();
        if (!thread.Join(timeout)) return (new TimeoutException($"no result within {timeout.TotalSeconds} s"), null, 0);
        return (error, scored, GC.GetTotalAllocatedBytes(precise: true) - before);
    }

    private static (FuzzOutcome, string) Judge(Exception? error, string? scored, string reference, long allocated, long bound, string mutation)
    {
        if (allocated > bound)
            return (FuzzOutcome.Failed, $"allocation: {allocated:N0} bytes, bound {bound:N0}; {error?.GetType().Name} {error?.Message}");
        if (error is null)
        {
            return scored == reference
                ? (FuzzOutcome.Identical, "identical")
                : (FuzzOutcome.Failed, "different: loaded and scored differently from the original");
        }
        // ML.NET wraps what a component throws (e.g. in InvalidOperationException or TargetInvocationException), and
        // RnnMl wraps the parser errors it turns into InvalidDataException: judge the deepest InvalidDataException in the
        // chain, or else the innermost exception.
        var chain = new List<Exception>();
        for (var e = error; e is not null; e = e.InnerException) chain.Add(e);
        var root = chain.LastOrDefault(e => e is InvalidDataException) ?? chain[^1];
        string name = $"{root.GetType().FullName}{(root == error ? "" : $" (in {error.GetType().Name})")}";
        string message = root.Message.Length > 300 ? root.Message[..300] : root.Message;
        // Whatever fails inside RnnMl's code (its frames on the stack of the innermost or the judged exception) must
        // leave it as an InvalidDataException; RnnMl's API may also say "this pipeline holds no forecaster" (ArgumentException)
        // when ML.NET's own entries were rearranged, but never for a damaged payload.
        bool ours = InRnnMl(root) || InRnnMl(chain[^1]);
        bool notOurModel = root is ArgumentException && !mutation.StartsWith("payload.", StringComparison.Ordinal);
        if (ours && root is not InvalidDataException && !notOurModel)
            return (FuzzOutcome.Failed, $"{name} escaped RnnMl: {message}\n{chain[^1].StackTrace}");
        if (!Documented.Any(t => t.IsInstanceOfType(root)) || root is TimeoutException)
            return (FuzzOutcome.Failed, $"{name}: {message}\n{root.StackTrace}");
        return (FuzzOutcome.Rejected, $"{name}{(ours ? " [RnnMl]" : "")}: {message}");
    }

    private static readonly string[] RnnMlAssemblies = ["Rnn.Core", "Rnn.MLNet", "Rnn.Pipelines"];

    // Whether a frame of the library (not of the tests) is on the exception's stack.
    private static bool InRnnMl(Exception e) => new StackTrace(e).GetFrames()
        .Any(f => f.GetMethod()?.DeclaringType?.Assembly.GetName().Name is { } name && RnnMlAssemblies.Contains(name));

    // ---------------------------------------------------------------- mutations

    private static (string, byte[]) Mutate(FuzzTarget target, CarrierTable? carrier, Random rng)
    {
        if (!target.IsZip) return PayloadMutations.Apply(target.Original, rng);
        int family = rng.Next(carrier is null ? 3 : 5);
        switch (family)
        {
            case 0: return RawMutations.Apply(target.Original, rng);
            case 1: return ZipHeaderMutations.Apply(target.Original, rng);
            case 2: return EntryMutations.Apply(target.Original, rng);
            default:
                var (name, payload) = PayloadMutations.Apply(carrier!.Payload, rng);
                return (name, carrier.With(payload));
        }
    }

    /// <summary>Bit flips, byte overwrites, truncation and appended bytes on the raw file.</summary>
    private static class RawMutations
    {
        public static (string, byte[]) Apply(byte[] original, Random rng)
        {
            var bytes = (byte[])original.Clone();
            switch (rng.Next(5))
            {
                case 0:
                    int flips = 1 + rng.Next(8);
                    for (int k = 0; k < flips; k++) bytes[rng.Next(bytes.Length)] ^= (byte)(1 << rng.Next(8));
                    return ($"raw.bitflip x{flips}", bytes);
                case 1:
                    int at = rng.Next(bytes.Length), count = 1 + rng.Next(16);
                    byte value = (byte)(rng.Next(3) switch { 0 => 0x00, 1 => 0xFF, _ => rng.Next(256) });
                    bytes.AsSpan(at, Math.Min(count, bytes.Length - at)).Fill(value);
                    return ($"raw.overwrite {count}@{at}={value}", bytes);
                case 2:
                    int length = rng.Next(4) == 0 ? 0 : rng.Next(bytes.Length);
                    return ($"raw.truncate to {length}", bytes[..length]);
                case 3:
                    int cut = rng.Next(bytes.Length), span = 1 + rng.Next(Math.Min(4096, bytes.Length - cut));
                    return ($"raw.remove {span}@{cut}", [.. bytes[..cut], .. bytes[(cut + span)..]]);
                default:
                    var extra = new byte[1 + rng.Next(1024)];
                    rng.NextBytes(extra);
                    return ($"raw.append {extra.Length}", [.. bytes, .. extra]);
            }
        }
    }

    /// <summary>Zip header fields (local headers, central directory, end record) set to 0, small or huge values.</summary>
    private static class ZipHeaderMutations
    {
        private const uint Local = 0x04034b50, Central = 0x02014b50, End = 0x06054b50;

        // (signature, offset from it, field size, field name)
        private static readonly (uint Signature, int Offset, int Size, string Name)[] Fields =
        [
            (Local, 14, 4, "local.crc"), (Local, 18, 4, "local.compressedSize"), (Local, 22, 4, "local.size"),
            (Local, 26, 2, "local.nameLength"), (Local, 28, 2, "local.extraLength"), (Local, 8, 2, "local.method"),
            (Central, 16, 4, "central.crc"), (Central, 20, 4, "central.compressedSize"), (Central, 24, 4, "central.size"),
            (Central, 28, 2, "central.nameLength"), (Central, 30, 2, "central.extraLength"), (Central, 32, 2, "central.commentLength"),
            (Central, 42, 4, "central.localOffset"), (Central, 10, 2, "central.method"),
            (End, 8, 2, "end.entriesOnDisk"), (End, 10, 2, "end.entries"), (End, 12, 4, "end.directorySize"),
            (End, 16, 4, "end.directoryOffset"), (End, 20, 2, "end.commentLength"),
        ];

        public static (string, byte[]) Apply(byte[] original, Random rng)
        {
            var field = Fields[rng.Next(Fields.Length)];
            var places = Signatures(original, field.Signature).Where(p => p + field.Offset + field.Size <= original.Length).ToList();
            if (places.Count == 0) return RawMutations.Apply(original, rng);
            int at = places[rng.Next(places.Count)] + field.Offset;
            var bytes = (byte[])original.Clone();
            ulong max = field.Size == 2 ? ushort.MaxValue : uint.MaxValue;
            ulong current = field.Size == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(at)) : BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(at));
            ulong value = rng.Next(6) switch
            {
                0 => 0,
                1 => max,
                2 => max / 2,
                3 => current + 1,
                4 => current == 0 ? 1 : current - 1,
                _ => (ulong)rng.NextInt64(0, (long)max + 1),
            };
            if (field.Size == 2) BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at), (ushort)value);
            else BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), (uint)value);
            return ($"zip.{field.Name} {current}->{value}", bytes);
        }

        private static IEnumerable<int> Signatures(byte[] bytes, uint signature)
        {
            for (int i = 0; i + 4 <= bytes.Length; i++)
                if (BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(i)) == signature) yield return i;
        }
    }

    /// <summary>Entry-level edits: the zip stays well-formed (valid CRCs), its content does not.</summary>
    private static class EntryMutations
    {
        public static (string, byte[]) Apply(byte[] original, Random rng)
        {
            var entries = Read(original);
            int i = rng.Next(entries.Count), j = rng.Next(entries.Count);
            string what;
            switch (rng.Next(7))
            {
                case 0:
                    what = $"entry.remove {entries[i].Name}";
                    entries.RemoveAt(i);
                    break;
                case 1:
                    what = $"entry.duplicate {entries[i].Name}";
                    entries.Insert(rng.Next(entries.Count + 1), entries[i]);
                    break;
                case 2:
                    what = "entry.shuffle";
                    entries = [.. entries.OrderBy(_ => rng.Next())];
                    break;
                case 3:
                    what = $"entry.swapContent {entries[i].Name} <-> {entries[j].Name}";
                    (entries[i], entries[j]) = (entries[i] with { Content = entries[j].Content }, entries[j] with { Content = entries[i].Content });
                    break;
                case 4:
                    what = $"entry.rename {entries[i].Name} -> {entries[j].Name}";
                    entries[i] = entries[i] with { Name = entries[j].Name };
                    break;
                case 5:
                    what = $"entry.empty {entries[i].Name}";
                    entries[i] = entries[i] with { Content = [] };
                    break;
                default:
                    int length = rng.Next(entries[i].Content.Length + 1);
                    what = $"entry.truncate {entries[i].Name} to {length}";
                    entries[i] = entries[i] with { Content = entries[i].Content[..length] };
                    break;
            }
            return (what, Write(entries));
        }

        public static List<Entry> Read(byte[] zip)
        {
            using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
            return [.. archive.Entries.Select(e =>
            {
                using var content = new MemoryStream();
                using (var stream = e.Open()) stream.CopyTo(content);
                return new Entry(e.FullName, content.ToArray());
            })];
        }

        public static byte[] Write(IEnumerable<Entry> entries)
        {
            using var result = new MemoryStream();
            using (var archive = new ZipArchive(result, ZipArchiveMode.Create, leaveOpen: true))
            {
                foreach (var entry in entries)
                {
                    using var stream = archive.CreateEntry(entry.Name, CompressionLevel.Fastest).Open();
                    stream.Write(entry.Content);
                }
            }
            return result.ToArray();
        }

        public sealed record Entry(string Name, byte[] Content);
    }

    /// <summary>
    /// The carrier's table in a zip (the ValueMapping whose one value is the base64 payload), so a mutated payload can be
    /// written back as a valid table. Tables are ML.NET binary views with text columns Key and Value.
    /// </summary>
    private sealed class CarrierTable
    {
        private readonly List<EntryMutations.Entry> _entries;
        private readonly int _index;
        private readonly string _key;

        private CarrierTable(List<EntryMutations.Entry> entries, int index, string key, byte[] payload)
        {
            _entries = entries;
            _index = index;
            _key = key;
            Payload = payload;
        }

        /// <summary>The decoded payload (a safetensors file).</summary>
        public byte[] Payload { get; }

        public static CarrierTable? Find(byte[] zip)
        {
            var entries = EntryMutations.Read(zip);
            var ml = new MLContext();
            for (int i = 0; i < entries.Count; i++)
            {
                if (!entries[i].Name.EndsWith(".idv", StringComparison.Ordinal)) continue;
                string file = Path.Combine(Path.GetTempPath(), $"rnnml-fuzz-{Guid.NewGuid():N}.idv");
                try
                {
                    File.WriteAllBytes(file, entries[i].Content);
                    var view = ml.Data.LoadFromBinary(file);
                    if (view.Schema.GetColumnOrNull("Key") is not { Type: TextDataViewType } || view.Schema.GetColumnOrNull("Value") is not { Type: TextDataViewType })
                        continue;
                    var rows = ml.Data.CreateEnumerable<Row>(view, reuseRowObject: false).ToList();
                    if (rows.Count != 1) continue;
                    byte[] payload = Convert.FromBase64String(rows[0].Value);
                    if (payload.Length > 8 && Encoding.UTF8.GetString(payload, 8, Math.Min(payload.Length - 8, 4096)).Contains("\"rnnml\"", StringComparison.Ordinal))
                        return new CarrierTable(entries, i, rows[0].Key, payload);
                }
                catch (FormatException)
                {
                    // Not base64: not the carrier.
                }
                finally
                {
                    File.Delete(file);
                }
            }
            return null;
        }

        /// <summary>The zip with <paramref name="payload"/> (base64) in the carrier's table.</summary>
        public byte[] With(byte[] payload)
        {
            var ml = new MLContext();
            using var table = new MemoryStream();
            ml.Data.SaveAsBinary(ml.Data.LoadFromEnumerable([new Row { Key = _key, Value = Convert.ToBase64String(payload) }]), table);
            var entries = _entries.ToList();
            entries[_index] = entries[_index] with { Content = table.ToArray() };
            return EntryMutations.Write(entries);
        }

        private sealed class Row
        {
            public string Key { get; set; } = "";

            public string Value { get; set; } = "";
        }
    }

    /// <summary>Mutations of a safetensors payload: its bytes, its header length, its JSON header and its metadata.</summary>
    private static class PayloadMutations
    {
        private static readonly long[] Extremes = [0, 1, -1, 2, 7, 255, 65535, 65536, 1 << 20, int.MaxValue, (long)int.MaxValue + 1, uint.MaxValue, long.MaxValue / 2, long.MaxValue];

        public static (string, byte[]) Apply(byte[] payload, Random rng)
        {
            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(payload);
            var header = JsonNode.Parse(payload.AsSpan(8, (int)headerLength))!.AsObject();
            byte[] data = payload[(8 + (int)headerLength)..];
            switch (rng.Next(12))
            {
                case 0:
                {
                    var bytes = (byte[])payload.Clone();
                    int flips = 1 + rng.Next(4);
                    for (int k = 0; k < flips; k++) bytes[rng.Next(bytes.Length)] ^= (byte)(1 << rng.Next(8));
                    return ($"payload.bitflip x{flips}", bytes);
                }
                case 1:
                {
                    var bytes = (byte[])payload.Clone();
                    int at = 8 + (int)headerLength + rng.Next(Math.Max(1, data.Length));
                    if (at < bytes.Length) bytes[at] ^= (byte)(1 << rng.Next(8));
                    return ($"payload.dataflip @{at}", bytes);
                }
                case 2:
                {
                    int length = rng.Next(3) switch { 0 => rng.Next(9), 1 => rng.Next(8 + (int)headerLength), _ => rng.Next(payload.Length) };
                    return ($"payload.truncate to {length}", payload[..length]);
                }
                case 3:
                {
                    var extra = new byte[1 + rng.Next(64)];
                    rng.NextBytes(extra);
                    return ($"payload.append {extra.Length}", [.. payload, .. extra]);
                }
                case 4:
                {
                    var bytes = (byte[])payload.Clone();
                    ulong value = rng.Next(5) switch
                    {
                        0 => 0,
                        1 => ulong.MaxValue,
                        2 => (ulong)rng.NextInt64(),
                        3 => headerLength + (ulong)rng.Next(1, 64),
                        _ => headerLength - (ulong)rng.Next(1, 8),
                    };
                    BinaryPrimitives.WriteUInt64LittleEndian(bytes, value);
                    return ($"payload.headerLength {headerLength}->{value}", bytes);
                }
                case 5:
                {
                    var tensor = RandomTensor(header, rng);
                    if (tensor is null) goto case 9;
                    var offsets = tensor.Value.Entry["data_offsets"]!.AsArray();
                    int which = rng.Next(2);
                    long value = Extreme(rng, (long)offsets[which]!);
                    offsets[which] = value;
                    return ($"payload.offset {tensor.Value.Name}[{which}]={value}", Encode(header, data));
                }
                case 6:
                {
                    var tensor = RandomTensor(header, rng);
                    if (tensor is null) goto case 9;
                    var shape = tensor.Value.Entry["shape"]!.AsArray();
                    string what;
                    switch (shape.Count == 0 ? 0 : rng.Next(3))
                    {
                        case 0:
                            shape.Add(rng.Next(2) == 0 ? 1 : 2);
                            what = "add dimension";
                            break;
                        case 1:
                            shape.RemoveAt(rng.Next(shape.Count));
                            what = "remove dimension";
                            break;
                        default:
                            int d = rng.Next(shape.Count);
                            long value = Extreme(rng, (long)shape[d]!);
                            shape[d] = value;
                            what = $"dimension {d}={value}";
                            break;
                    }
                    return ($"payload.shape {tensor.Value.Name} {what}", Encode(header, data));
                }
                case 7:
                {
                    var tensor = RandomTensor(header, rng);
                    if (tensor is null) goto case 9;
                    string dtype = new[] { "F16", "BF16", "F64", "I32", "U8", "BOOL", "F32 ", "", "f32" }[rng.Next(9)];
                    tensor.Value.Entry["dtype"] = dtype;
                    return ($"payload.dtype {tensor.Value.Name}={dtype}", Encode(header, data));
                }
                case 8:
                {
                    var names = header.Where(p => p.Key != "__metadata__").Select(p => p.Key).ToList();
                    if (names.Count < 2) goto case 9;
                    string a = names[rng.Next(names.Count)], b = names[rng.Next(names.Count)];
                    if (rng.Next(3) == 0)
                    {
                        header.Remove(a);
                        return ($"payload.removeTensor {a}", Encode(header, data));
                    }
                    // Swap the two entries' positions in the data buffer (same-shape tensors swap silently).
                    var ea = header[a]!.AsObject();
                    var eb = header[b]!.AsObject();
                    var oa = ea["data_offsets"]!.DeepClone();
                    ea["data_offsets"] = eb["data_offsets"]!.DeepClone();
                    eb["data_offsets"] = oa;
                    return ($"payload.swapTensors {a} <-> {b}", Encode(header, data));
                }
                case 9:
                {
                    if (header["__metadata__"] is not JsonObject metadata) header["__metadata__"] = metadata = [];
                    string key = new[] { "format", "kind", "version", "version", "settings", "rnnml.sha256" }[rng.Next(6)];
                    string value = key switch
                    {
                        "rnnml.sha256" => new[] { "", "0", new string('0', 64), ((string?)metadata[key] ?? "").ToUpperInvariant() }[rng.Next(4)],
                        "format" => new[] { "", "RNNML", "safetensors", "rnnml " }[rng.Next(4)],
                        "kind" => new[] { "", "recurrent-predictor", "recurrent-forecaster", "char-language-model", "sliding-window", "x" }[rng.Next(6)],
                        "version" => new[] { "0", "2", "-1", "1.0", " 1", "999999999999", "" }[rng.Next(7)],
                        _ => new[] { "", "{}", "null", "[]", "{\"a\":", new string('[', 64) }[rng.Next(6)],
                    };
                    if (rng.Next(6) == 0)
                    {
                        metadata.Remove(key);
                        return ($"payload.metadata remove {key}", Encode(header, data));
                    }
                    metadata[key] = value;
                    return ($"payload.metadata {key}='{value}'", Encode(header, data));
                }
                case 10:
                {
                    // A number in the settings JSON set to an extreme value (sizes, counts, lengths, seeds).
                    if (header["__metadata__"] is not JsonObject metadata || metadata["settings"] is null) goto case 9;
                    var settings = JsonNode.Parse((string)metadata["settings"]!)!;
                    var numbers = Numbers(settings).ToList();
                    if (numbers.Count == 0) goto case 9;
                    var (parent, key, index) = numbers[rng.Next(numbers.Count)];
                    double current = parent is JsonObject o ? (double)o[key!]! : (double)((JsonArray)parent)[index]!;
                    JsonNode replacement = rng.Next(4) switch
                    {
                        0 => JsonValue.Create(Extreme(rng, (long)current)),
                        1 => JsonValue.Create(-current),
                        2 => JsonValue.Create(current * 1e30),
                        _ => JsonValue.Create(Math.Floor(current) + 1),
                    };
                    if (parent is JsonObject obj) obj[key!] = replacement;
                    else ((JsonArray)parent)[index] = replacement;
                    metadata["settings"] = settings.ToJsonString();
                    return ($"payload.settings {key ?? $"[{index}]"}: {current}->{replacement.ToJsonString()}", Encode(header, data));
                }
                default:
                {
                    // An extra tensor, or a duplicated name in the raw header text.
                    if (rng.Next(2) == 0)
                    {
                        header["extra.weight"] = new JsonObject { ["dtype"] = "F32", ["shape"] = new JsonArray(1), ["data_offsets"] = new JsonArray(data.Length, data.Length + 4) };
                        return ("payload.extraTensor", Encode(header, [.. data, 0, 0, 0, 0]));
                    }
                    var tensor = RandomTensor(header, rng);
                    if (tensor is null) goto case 9;
                    string json = header.ToJsonString();
                    string entry = $"\"{tensor.Value.Name}\":{tensor.Value.Entry.ToJsonString()}";
                    json = json.Insert(1, entry + ",");
                    return ($"payload.duplicateName {tensor.Value.Name}", Encode(Encoding.UTF8.GetBytes(json), data));
                }
            }
        }

        private static long Extreme(Random rng, long current) => rng.Next(3) == 0 ? current + rng.Next(-3, 4) : Extremes[rng.Next(Extremes.Length)];

        private static (string Name, JsonObject Entry)? RandomTensor(JsonObject header, Random rng)
        {
            var tensors = header.Where(p => p.Key != "__metadata__").ToList();
            if (tensors.Count == 0) return null;
            var pick = tensors[rng.Next(tensors.Count)];
            return (pick.Key, pick.Value!.AsObject());
        }

        private static IEnumerable<(JsonNode Parent, string? Key, int Index)> Numbers(JsonNode node)
        {
            switch (node)
            {
                case JsonObject o:
                    foreach (var (key, value) in o.ToList())
                    {
                        if (value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number) yield return (o, key, -1);
                        else if (value is not null) foreach (var n in Numbers(value)) yield return n;
                    }
                    break;
                case JsonArray a:
                    // Long arrays (a vocabulary, a state): a few elements are enough.
                    for (int i = 0; i < Math.Min(a.Count, 4); i++)
                    {
                        if (a[i] is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number) yield return (a, null, i);
                        else if (a[i] is not null) foreach (var n in Numbers(a[i]!)) yield return n;
                    }
                    break;
            }
        }

        private static byte[] Encode(JsonObject header, byte[] data) => Encode(Encoding.UTF8.GetBytes(header.ToJsonString()), data);

        private static byte[] Encode(byte[] json, byte[] data)
        {
            int padding = (8 - (json.Length % 8)) % 8;
            var bytes = new byte[8 + json.Length + padding + data.Length];
            BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)(json.Length + padding));
            json.CopyTo(bytes, 8);
            bytes.AsSpan(8 + json.Length, padding).Fill((byte)' ');
            data.CopyTo(bytes, 8 + json.Length + padding);
            return bytes;
        }
    }

    /// <summary>Every visible column of every row of <paramref name="view"/> as text, floats as their bits.</summary>
    public static string Fingerprint(IDataView view)
    {
        var columns = view.Schema.Where(c => !c.IsHidden).ToArray();
        using var cursor = view.GetRowCursor(columns);
        var readers = columns.Select(c => Reader(cursor, c)).ToArray();
        var text = new StringBuilder();
        while (cursor.MoveNext())
        {
            foreach (var read in readers) text.Append(read()).Append('|');
            text.Append('\n');
        }
        return text.ToString();
    }

    /// <summary>Floats as their bits, so "identical" is bit-exact; NaN and infinities fail the finiteness rule (for outputs
    /// that are never NaN: <see cref="Fingerprint"/> keeps the NaN of a sliding window's first rows as bits).</summary>
    public static string Bits(IEnumerable<float> values) => string.Join(",", values.Select(v =>
        float.IsFinite(v) ? BitConverter.SingleToInt32Bits(v).ToString("x8", CultureInfo.InvariantCulture) : throw new ArithmeticException($"non-finite output {v}")));

    private static string RawBits(float value) => BitConverter.SingleToInt32Bits(value).ToString("x8", CultureInfo.InvariantCulture);

    private static Func<string> Reader(DataViewRow row, DataViewSchema.Column column)
    {
        var type = column.Type is VectorDataViewType v ? v.ItemType.RawType : column.Type.RawType;
        bool vector = column.Type is VectorDataViewType;
        if (type == typeof(float) && !vector) return Scalar<float>(row, column, RawBits);
        if (type == typeof(float)) return Vector<float>(row, column, RawBits);
        if (type == typeof(double)) return vector ? Vector<double>(row, column, d => RawBits((float)d)) : Scalar<double>(row, column, d => RawBits((float)d));
        if (type == typeof(ReadOnlyMemory<char>)) return vector ? Vector<ReadOnlyMemory<char>>(row, column, s => s.ToString()) : Scalar<ReadOnlyMemory<char>>(row, column, s => s.ToString());
        if (type == typeof(uint)) return vector ? Vector<uint>(row, column, u => u.ToString(CultureInfo.InvariantCulture)) : Scalar<uint>(row, column, u => u.ToString(CultureInfo.InvariantCulture));
        if (type == typeof(bool)) return vector ? Vector<bool>(row, column, b => b ? "T" : "F") : Scalar<bool>(row, column, b => b ? "T" : "F");
        return () => column.Type.ToString() ?? "";
    }

    private static Func<string> Scalar<T>(DataViewRow row, DataViewSchema.Column column, Func<T, string> format)
    {
        var getter = row.GetGetter<T>(column);
        return () =>
        {
            T value = default!;
            getter(ref value);
            return format(value);
        };
    }

    private static Func<string> Vector<T>(DataViewRow row, DataViewSchema.Column column, Func<T, string> format)
    {
        var getter = row.GetGetter<VBuffer<T>>(column);
        return () =>
        {
            VBuffer<T> value = default;
            getter(ref value);
            return string.Join(",", value.DenseValues().Select(format));
        };
    }
}
