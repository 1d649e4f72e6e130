using System.Globalization;
using Course.Core.Data;
using static TorchSharp.torch;

namespace Course.Core.Training;

/// <summary>Per-epoch perplexity and the training speed of a language model.</summary>
public sealed record LanguageModelHistory(IReadOnlyList<double> Perplexities, double TokensPerSecond)
{
    /// <summary>d2l's closing line: <c>perplexity 1.0, 67212.6 tokens/sec on cpu</c>.</summary>
    public string SummaryLine(string device) =>
        string.Create(CultureInfo.InvariantCulture, $"perplexity {Perplexities[^1]:F1}, {TokensPerSecond:F1} tokens/sec on {device}");
}

/// <summary>
/// The language-model training loop: d2l's <c>train_ch8</c> and <c>train_epoch_ch8</c> (8.5), used by 8.5, 8.6 and
/// 9.1–9.4. With sequential partitioning the hidden state is carried from batch to batch (detached, so gradients stop
/// at the batch); with random sampling it starts from zero for every batch. Gradients are clipped to norm θ before
/// each update; the loss sum stays on the device and is read once per epoch; a NaN or infinite perplexity stops
/// training with a clear error.
/// </summary>
public sealed class LanguageModelTrainer : SequenceTrainer
{
    /// <inheritdoc />
    protected override string MetricName => "perplexity";

    /// <summary>Trains <paramref name="net"/> on <paramref name="data"/> with the updater <paramref name="updater"/> builds and the cross-entropy loss.</summary>
    public LanguageModelHistory Fit(RecurrentLanguageModel net, SeqDataLoader data, UpdaterFactory updater)
    {
        var run = Begin(net, updater, data);
        foreach (int epoch in run.EpochsLeft)
        {
            var (perplexity, tokens) = TrainEpoch(run, net, data);
            EnsureFinite([perplexity], epoch);
            run.EndEpoch(perplexity, tokens);
        }
        return new LanguageModelHistory(run.History.Select(e => e.Metrics).ToArray(), run.PerSecond);
    }

    private (double Perplexity, double Tokens) TrainEpoch(TrainingRun<double> run, RecurrentLanguageModel net, SeqDataLoader data)
    {
        net.train();
        using var sums = new DeviceSums(1, Device);
        double tokens = 0;
        Tensor[]? state = null;
        foreach (var (x, y) in data)
        {
            tokens += y.numel();
            run.Step([x, y], on =>
            {
                var (X, Y) = (on[0], on[1]);
                var input = state is null || data.UseRandomIter
                    ? net.BeginState((int)X.shape[0], Device)
                    : state.Select(s => s.detach()).ToArray();
                if (state is not null) foreach (var s in state) s.Dispose();
                run.Verify([("the batch's tokens", X), ("the batch's labels", Y), .. input.Select((s, i) => ($"the initial state {i}", (Tensor?)s))]);
                var (yHat, newState) = net.call(X, input);
                var loss = nn.functional.cross_entropy(yHat, Y.T.reshape(-1), reduction: nn.Reduction.None);
                run.Updater.Step(loss.mean(), () => GradClipping(net.parameters(), ClipTheta));
                sums.Add(loss.sum());
                state = newState.Select(s => s.detach().MoveToOuterDisposeScope()).ToArray();
            });
        }
        if (state is not null) foreach (var s in state) s.Dispose();
        return (Math.Exp(sums.Read()[0] / tokens), tokens);
    }

    /// <summary>
    /// d2l's <c>predict_ch8(prefix, num_preds, net, vocab, device)</c>: warms the state up on <paramref name="prefix"/>,
    /// then appends <paramref name="numPreds"/> characters, each the most likely next one. It runs where the model is.
    /// </summary>
    public static string Predict(string prefix, int numPreds, RecurrentLanguageModel net, Vocab vocab)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        using var evaluating = net.Evaluating();
        var device = net.DeviceOf();
        var state = net.BeginState(1, device);
        var outputs = new List<int> { vocab[prefix[0].ToString()] };
        Tensor LastInput() => tensor(new long[] { outputs[^1] }, device: device).reshape(1, 1);
        foreach (char c in prefix[1..])
        {
            (_, state) = net.call(LastInput(), state);
            outputs.Add(vocab[c.ToString()]);
        }
        for (int i = 0; i < numPreds; i++)
        {
            var (y, next) = net.call(LastInput(), state);
            state = next;
            outputs.Add((int)y.argmax(1).item<long>());
        }
        return string.Concat(vocab.ToTokens(outputs));
    }
}
