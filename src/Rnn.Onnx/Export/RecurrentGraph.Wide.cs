using Rnn.Core.Models;
using Rnn.Onnx.Protobuf;
using static Rnn.Onnx.Export.OnnxGraphBuilder;
using DataType = Rnn.Onnx.Protobuf.TensorProto.Types.DataType;

namespace Rnn.Onnx.Export;

// B = batch, T = steps, V = vocabulary, N = wide buckets, O = outputs.

// The wide (bag-of-words) path of a text model, as HashedBag computes it:
//   wide[b] = v·(Σ_t known·word[tok] + Σ_t pair·W[bigram(tok_t, tok_t+1)]) / √max(1, words + pairs)
//           + v·(Σ_t known·char[tok]) / √max(1, Σ_t known·chars[tok])
// with known = a valid step holding a key other than 0, pair = known at t and t+1, and per-token tables computed at export:
// word[v] = W[word bucket of v], char[v] = Σ W[char buckets of v], chars[v] = their count, hash[v] = word(v) for the bigram
// bucket (hash[a]·M + hash[b]) mod N, which int64 arithmetic computes exactly as HashedTokenFeatures does.
internal sealed partial class RecurrentGraph
{
    /// <summary>The wide path's logits [B, O] from the (guarded) token ids [B, T] and lengths [B].</summary>
    private string WideLogits(string tokens, string lengths)
    {
        var bag = _network.Wide!;
        var features = bag.Features;
        int v = _o.VocabularySize, o = _o.OutputSize;
        ReadOnlySpan<float> w = bag.Weight.Value.Span; // [N, O]
        var word = new float[v * o];                   // [V, O]
        var chars = new float[v * o];                  // [V, O]
        var charCount = new float[v];                  // [V]
        var hash = new long[v];                        // [V]
        for (int id = 1; id < v; id++)
        {
            w.Slice(features.WordBucket(id) * o, o).CopyTo(word.AsSpan(id * o, o));
            foreach (int charBucket in features.CharBuckets(id))
                for (int k = 0; k < o; k++) chars[id * o + k] += w[charBucket * o + k];
            charCount[id] = features.CharBuckets(id).Length;
            hash[id] = features.WordHash(id);
        }

        // known [B, T]: a valid step holding a key other than the missing one
        string t = _g.Node("Squeeze", "wide_steps", [_g.Node("Shape", "wide_steps_1", [tokens], Attribute("start", 1L), Attribute("end", 2L))]);
        string positions = _g.Node("Range", "wide_positions", [_g.Int64Scalar("wide_range_start", 0), t, _g.Int64Scalar("wide_range_delta", 1)]);
        string valid = _g.Node("Less", "wide_valid", [
            _g.Node("Unsqueeze", "wide_positions_1t", [positions, _g.Int64Vector("wide_axis_0", 0)]),
            _g.Node("Unsqueeze", "wide_lengths_b1", [lengths, _g.Int64Vector("wide_axis_1", 1)])]);
        string known = _g.Node("And", "wide_known", [valid, _g.Node("Greater", "wide_nonzero", [tokens, _g.Int64Scalar("wide_zero_i64", 0)])]);
        string knownF = _g.Node("Cast", "wide_known_f", [known], Attribute("to", (long)DataType.Float));                 // [B, T]
        string knownF3 = _g.Node("Unsqueeze", "wide_known_f3", [knownF, _g.Int64Vector("wide_axis_2", 2)]);          // [B, T, 1]
        string axis1 = _g.Int64Vector("wide_reduce_1", 1);
        string SumSteps(string name, string x) => _g.Node("ReduceSum", name, [x, axis1], Attribute("keepdims", 0L));

        // unigrams and character n-grams
        string wordSum = SumSteps("wide_word_sum", _g.Node("Mul", "wide_word_rows", [
            _g.Node("Gather", "wide_word_gathered", [_g.Floats("wide.word_rows", word, v, o), tokens], Attribute("axis", 0L)), knownF3]));
        string charSum = SumSteps("wide_char_sum", _g.Node("Mul", "wide_char_rows", [
            _g.Node("Gather", "wide_char_gathered", [_g.Floats("wide.char_rows", chars, v, o), tokens], Attribute("axis", 0L)), knownF3]));
        string charN = SumSteps("wide_char_n", _g.Node("Mul", "wide_char_counts", [
            _g.Node("Gather", "wide_char_count_gathered", [_g.Floats("wide.char_counts", charCount, v), tokens], Attribute("axis", 0L)), knownF]));
        string unigramN = SumSteps("wide_unigram_n", knownF);

        // bigrams (t, t+1): the next token and its known flag, shifted left with a zero at the end (no empty tensors at T = 1)
        string pads = _g.Int64Vector("wide_pads", 0, 0, 0, 1);
        string start1 = _g.Int64Vector("wide_slice_1", 1), end = _g.Int64Vector("wide_slice_end", long.MaxValue);
        string next = _g.Node("Slice", "wide_next", [_g.Node("Pad", "wide_tokens_padded", [tokens, pads, _g.Int64Scalar("wide_pad_i64", 0)]), start1, end, axis1]);
        string nextKnown = _g.Node("Slice", "wide_next_known", [_g.Node("Pad", "wide_known_padded", [knownF, pads, _g.FloatScalar("wide_pad_f", 0f)]), start1, end, axis1]);
        string pair = _g.Node("Mul", "wide_pair", [knownF, nextKnown]);                                                   // [B, T]
        string hashes = _g.Int64s("wide.word_hash", hash, v);
        string bucket = _g.Node("Mod", "wide_bigram_bucket", [
            _g.Node("Add", "wide_bigram_key", [
                _g.Node("Mul", "wide_bigram_first", [_g.Node("Gather", "wide_hash_first", [hashes, tokens], Attribute("axis", 0L)), _g.Int64Scalar("wide_multiplier", HashedTokenFeatures.BigramMultiplier)]),
                _g.Node("Gather", "wide_hash_second", [hashes, next], Attribute("axis", 0L))]),
            _g.Int64Scalar("wide_buckets", features.Buckets)]);
        string bigramSum = SumSteps("wide_bigram_sum", _g.Node("Mul", "wide_bigram_rows", [
            _g.Node("Gather", "wide_bigram_gathered", [_g.Floats("wide.weight", w, features.Buckets, o), bucket], Attribute("axis", 0L)),
            _g.Node("Unsqueeze", "wide_pair_3", [pair, _g.Int64Vector("wide_axis_2b", 2)])]));
        string bigramN = SumSteps("wide_bigram_n", pair);

        // v / √max(1, n) per group, [B, 1]
        string Scale(string name, string n) => _g.Node("Unsqueeze", name, [
            _g.Node("Div", $"{name}_b", [_g.FloatScalar($"{name}_v", bag.FeatureScale),
                _g.Node("Sqrt", $"{name}_sqrt", [_g.Node("Max", $"{name}_n", [n, _g.FloatScalar($"{name}_one", 1f)])])]),
            _g.Int64Vector($"{name}_axis", 1)]);
        string words = _g.Node("Mul", "wide_words", [_g.Node("Add", "wide_word_group", [wordSum, bigramSum]),
            Scale("wide_word_scale", _g.Node("Add", "wide_word_n", [unigramN, bigramN]))]);
        string charPart = _g.Node("Mul", "wide_chars", [charSum, Scale("wide_char_scale", charN)]);
        return _g.Node("Add", "wide_logits", [words, charPart]);
    }
}
