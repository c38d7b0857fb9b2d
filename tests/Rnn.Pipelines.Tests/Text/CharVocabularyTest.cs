using Rnn.MLNet;

namespace Rnn.Pipelines.Tests.Text;

[TestClass]
public sealed class CharVocabularyTest
{
    private const string Corpus = "To be, or not to be: that is the question.\nWhether 'tis nobler — in the mind 🎭";

    [TestMethod]
    public void EncodeDecode_Corpus_RoundTrips()
    {
        var vocabulary = CharVocabulary.FromText(Corpus);
        int[] ids = vocabulary.Encode(Corpus, UnknownCharacterHandling.Throw);
        Assert.HasCount(Corpus.Length, ids);
        Assert.AreEqual(Corpus, vocabulary.Decode(ids));
        Assert.AreEqual(Corpus.Distinct().Count(), vocabulary.Count);
    }

    [TestMethod]
    public void FromText_IdsFollowOrdinalOrder()
    {
        var vocabulary = CharVocabulary.FromText("cabbac\n");
        CollectionAssert.AreEqual(new[] { '\n', 'a', 'b', 'c' }, vocabulary.ToArray());
        Assert.IsTrue(vocabulary.TryGetId('c', out int id));
        Assert.AreEqual(3, id);
        Assert.AreEqual(0, vocabulary.StartId, "the newline starts an empty prompt");
        Assert.AreEqual(1, CharVocabulary.FromText("\tx y").StartId, "else the space");
    }

    [TestMethod]
    public void FromCharacters_SavedOrder_GivesTheSameIds()
    {
        var vocabulary = CharVocabulary.FromText(Corpus);
        var reloaded = CharVocabulary.FromCharacters(vocabulary.ToArray());
        CollectionAssert.AreEqual(vocabulary.Encode(Corpus), reloaded.Encode(Corpus));
        Assert.ThrowsExactly<ArgumentException>(() => CharVocabulary.FromCharacters("ba"));
        Assert.ThrowsExactly<ArgumentException>(() => CharVocabulary.FromCharacters("aa"));
        Assert.ThrowsExactly<ArgumentException>(() => CharVocabulary.FromCharacters(""));
    }

    [TestMethod]
    public void Encode_UnknownCharacters_SkippedOrThrown()
    {
        var vocabulary = CharVocabulary.FromText("abc");
        CollectionAssert.AreEqual(new[] { 0, 2 }, vocabulary.Encode("aZc"));
        var e = Assert.ThrowsExactly<ArgumentException>(() => vocabulary.Encode("aZc", UnknownCharacterHandling.Throw));
        StringAssert.Contains(e.Message, "U+005A");
        StringAssert.Contains(e.Message, "position 1");
    }

    [TestMethod]
    public void FromText_Empty_Throws() =>
        Assert.ThrowsExactly<ArgumentException>(() => CharVocabulary.FromText(""));

    [TestMethod]
    public void Decode_IdOutOfRange_Throws() =>
        Assert.ThrowsExactly<ArgumentOutOfRangeException>(() => CharVocabulary.FromText("ab").Decode([2]));
}
