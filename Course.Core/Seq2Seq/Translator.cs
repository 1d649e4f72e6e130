using Course.Core.Data;
using Course.Core.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace Course.Core.Seq2Seq;

/// <summary>A translation: its tokens (without <c>&lt;eos&gt;</c>), the sum of their log-probabilities and the length they were scored over.</summary>
public sealed record Translation(IReadOnlyList<string> Tokens, double LogProbability, int Length)
{
    /// <summary>
    /// When asked for and the model has them (<see cref="IAttentionWeights"/>): the encoder's attention weights, and
    /// the decoder's at each decoding step (d2l's <c>attention_weight_seq</c>), on the CPU.
    /// </summary>
    public (IReadOnlyList<Tensor> Encoder, IReadOnlyList<IReadOnlyList<Tensor>> DecoderSteps)? Attention { get; init; }

    /// <summary>The tokens joined by spaces, as d2l prints them.</summary>
    public string Text => string.Join(' ', Tokens);

    /// <summary>The book's beam-search objective (9.8): log P(y₁…y_L | c) / L^α.</summary>
    public double Score(double alpha = 0.75) => LogProbability / Math.Pow(Length, alpha);
}

/// <summary>
/// Translating one sentence with a trained <see cref="EncoderDecoder"/>: d2l's <c>predict_seq2seq</c> (greedy
/// search, 9.7) and the beam search the book describes in 9.8. The decoder is fed one token at a time and its state
/// carried, so the decoder sees exactly what it saw in training except that its inputs are its own predictions.
/// It runs where the model is.
/// </summary>
public sealed class Translator(EncoderDecoder net, Vocab sourceVocab, Vocab targetVocab, int numSteps)
{
    private Device Device => net.DeviceOf();

    /// <summary>d2l's <c>predict_seq2seq</c>: the most likely next token at every step, until <c>&lt;eos&gt;</c> or <c>num_steps</c> tokens.</summary>
    /// <param name="sentence">The source sentence, words separated by spaces.</param>
    /// <param name="saveAttentionWeights">Keep the attention weights (d2l's <c>save_attention_weights</c>) in <see cref="Translation.Attention"/>.</param>
    public Translation Greedy(string sentence, bool saveAttentionWeights = false) => Decode(() =>
    {
        int eos = targetVocab["<eos>"];
        var (encoderX, validLen) = Encode(sentence);
        var state = net.decoder.InitState(net.encoder.call(encoderX, validLen), validLen);
        var encoderAttention = Saved(net.encoder);
        var decoderAttention = new List<IReadOnlyList<Tensor>>();
        var decoderX = tensor(new long[] { targetVocab["<bos>"] }, device: Device).reshape(1, 1);
        var output = new List<int>();
        double logProbability = 0;
        int length = numSteps;
        for (int t = 1; t <= numSteps; t++)
        {
            (var y, state) = net.decoder.call(decoderX, state);
            decoderX = y.argmax(2);
            int prediction = (int)decoderX.item<long>();
            logProbability += y[0, 0].log_softmax(0)[prediction].item<float>();
            decoderAttention.Add(Saved(net.decoder));
            if (prediction == eos)
            {
                length = t;
                break;
            }
            output.Add(prediction);
        }
        return new Translation(targetVocab.ToTokens(output), logProbability, length)
        {
            Attention = saveAttentionWeights && net.decoder is IAttentionWeights ? (encoderAttention, decoderAttention) : null,
        };

        IReadOnlyList<Tensor> Saved(nn.Module module) => saveAttentionWeights && module is IAttentionWeights attentive
            ? attentive.AttentionWeights.Select(w => w.detach().cpu().clone().MoveToOuterDisposeScope()).ToArray()
            : [];
    });

    /// <summary>
    /// Beam search (9.8): at every step each of the <paramref name="beamSize"/> kept sequences is extended by each
    /// token, and the <paramref name="beamSize"/> most probable extensions are kept; one that ends in <c>&lt;eos&gt;</c>
    /// is set aside as a candidate. The candidates, with the sequences still alive after <c>num_steps</c> tokens, are
    /// ranked by <see cref="Translation.Score"/> with <paramref name="alpha"/>, <c>&lt;eos&gt;</c> counted in their
    /// length. With a beam of one this is <see cref="Greedy"/>.
    /// </summary>
    public Translation BeamSearch(string sentence, int beamSize, double alpha = 0.75)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(beamSize, 1);
        return Decode(() =>
        {
            int eos = targetVocab["<eos>"];
            var (encoderX, validLen) = Encode(sentence);
            var beams = new List<Hypothesis> { new([], 0, net.decoder.InitState(net.encoder.call(encoderX, validLen), validLen)) };
            var candidates = new List<Translation>();
            for (int t = 1; t <= numSteps && beams.Count > 0; t++)
            {
                var extensions = new List<(Hypothesis From, int Token, double LogProbability, Tensor?[] State)>();
                foreach (var beam in beams)
                {
                    int last = beam.Tokens.Count == 0 ? targetVocab["<bos>"] : beam.Tokens[^1];
                    var (y, state) = net.decoder.call(tensor(new long[] { last }, device: Device).reshape(1, 1), beam.State);
                    var logProbabilities = y[0, 0].log_softmax(0);
                    var (values, indices) = logProbabilities.topk(Math.Min(beamSize, (int)logProbabilities.shape[0]));
                    float[] top = values.cpu().data<float>().ToArray();
                    long[] tokens = indices.cpu().data<long>().ToArray();
                    for (int i = 0; i < top.Length; i++) extensions.Add((beam, (int)tokens[i], beam.LogProbability + top[i], state));
                }
                beams = [];
                foreach (var (from, token, logProbability, state) in extensions.OrderByDescending(e => e.LogProbability).Take(beamSize))
                {
                    if (token == eos) candidates.Add(new Translation(targetVocab.ToTokens(from.Tokens), logProbability, t));
                    else beams.Add(new Hypothesis([.. from.Tokens, token], logProbability, state));
                }
            }
            candidates.AddRange(beams.Select(b => new Translation(targetVocab.ToTokens(b.Tokens), b.LogProbability, numSteps)));
            return candidates.MaxBy(c => c.Score(alpha))!;
        });
    }

    /// <summary>Runs <paramref name="search"/> in evaluation mode, without gradients, freeing its tensors after.</summary>
    private Translation Decode(Func<Translation> search)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var evaluating = net.Evaluating();
        return search();
    }

    /// <summary>The source as d2l's <c>predict_seq2seq</c> prepares it: lower-cased words and <c>&lt;eos&gt;</c>, padded or truncated to <c>num_steps</c>; the valid length is counted before truncation, as in d2l.</summary>
    private (Tensor X, Tensor ValidLength) Encode(string sentence)
    {
        int[] tokens = [.. sourceVocab.ToIndices(sentence.ToLowerInvariant().Split(' ')), sourceVocab["<eos>"]];
        var validLength = tensor(new long[] { tokens.Length }, device: Device);
        int[] padded = FraEng.TruncatePad(tokens, numSteps, sourceVocab["<pad>"]);
        return (tensor(padded.Select(i => (long)i).ToArray(), device: Device).unsqueeze(0), validLength);
    }

    private sealed record Hypothesis(IReadOnlyList<int> Tokens, double LogProbability, Tensor?[] State);
}
