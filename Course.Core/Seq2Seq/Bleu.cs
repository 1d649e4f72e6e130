namespace Course.Core.Seq2Seq;

/// <summary>d2l's <c>bleu</c> (9.7): BLEU of a predicted sentence against one label, tokens split on spaces.</summary>
public static class Bleu
{
    /// <summary>
    /// exp(min(0, 1 − len_label / len_pred)) · Π_{n=1..k} p_n^(1/2^n), with p_n the clipped n-gram precision. Where
    /// the prediction is shorter than n tokens, p_n has no n-grams to count and the score is 0 (d2l divides by zero).
    /// </summary>
    public static double Score(string prediction, string label, int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        string[] pred = prediction.Split(' '), reference = label.Split(' ');
        double score = Math.Exp(Math.Min(0, 1 - (double)reference.Length / pred.Length));
        for (int n = 1; n <= k; n++)
        {
            int predNgrams = pred.Length - n + 1;
            if (predNgrams <= 0) return 0;
            var labelSubs = new Dictionary<string, int>();
            for (int i = 0; i + n <= reference.Length; i++)
            {
                string gram = string.Join(' ', reference, i, n);
                labelSubs[gram] = labelSubs.GetValueOrDefault(gram) + 1;
            }
            int matches = 0;
            for (int i = 0; i < predNgrams; i++)
            {
                string gram = string.Join(' ', pred, i, n);
                if (labelSubs.GetValueOrDefault(gram) > 0)
                {
                    matches++;
                    labelSubs[gram]--;
                }
            }
            score *= Math.Pow((double)matches / predNgrams, Math.Pow(0.5, n));
        }
        return score;
    }
}
