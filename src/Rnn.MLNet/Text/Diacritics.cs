namespace Rnn.MLNet.Text;

/// <summary>
/// Removes diacritics without ICU (the library runs with invariant globalization, where string.Normalize is
/// unavailable): Latin-1 and Latin Extended-A letters map to their base letter as Unicode decomposition (NFD)
/// would give it, and combining marks are dropped by the caller. Letters without a decomposition (Æ, Ø, ß, Ł...) stay.
/// </summary>
internal static class Diacritics
{
    private const int First = 0xC0;

    // Generated from unicodedata.normalize("NFD", c)[0] for U+00C0..U+017F when the rest is combining marks.
    private const string BaseLetters = "AAAAAA\u00C6CEEEEIIII\u00D0NOOOOO\u00D7\u00D8UUUUY\u00DE\u00DFaaaaaa\u00E6ceeeeiiii\u00F0nooooo\u00F7\u00F8uuuuy\u00FEyAaAaAaCcCcCcCcDd\u0110\u0111EeEeEeEeEeGgGgGgGgHh\u0126\u0127IiIiIiIiI\u0131\u0132\u0133JjKk\u0138LlLlLl\u013F\u0140\u0141\u0142NnNnNn\u0149\u014A\u014BOoOoOo\u0152\u0153RrRrRrSsSsSsSsTtTt\u0166\u0167UuUuUuUuUuUuWwYyYZzZzZz\u017F";

    public static char Strip(char c) => c >= First && c < First + BaseLetters.Length ? BaseLetters[c - First] : c;
}
