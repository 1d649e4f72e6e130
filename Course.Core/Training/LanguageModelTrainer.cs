using System.Globalization;
using Course.Core.Data;
using Course.Core.Runtime;
using TorchSharp;
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
/// each update; every step runs in its own dispose scope; a NaN or infinite loss stops training with a clear error.
/// </summary>
public sealed class LanguageModelTrainer : SequenceTrainer
{
    /// <summary>Called after each epoch with its number and perplexity.</summary>
    public Action<int, double>? EpochEnded { get; init; }

    /// <summary>Trains <paramref name="net"/> on <paramref name="data"/> with <paramref name="updater"/> and the cross-entropy loss.</summary>
    public LanguageModelHistory Fit(RecurrentLanguageModel net, SeqDataLoader data, IUpdater updater)
    {
        net.to(Device);
        var perplexities = new List<double>();
        double tokens = 0, seconds = 0;
        for (int epoch = 1; epoch <= Epochs; epoch++)
        {
            var (perplexity, epochTokens, epochSeconds) = TrainEpoch(net, data, updater, epoch);
            perplexities.Add(perplexity);
            (tokens, seconds) = (tokens + epochTokens, seconds + epochSeconds);
            if (epoch % PointsEvery == 0 || epoch == Epochs) Animator?.Add(epoch, perplexity);
            EpochEnded?.Invoke(epoch, perplexity);
            Progress?.Report(string.Create(CultureInfo.InvariantCulture, $"epoch {epoch}/{Epochs}  perplexity {perplexity:F2}  {tokens / seconds:F0} tokens/sec"));
        }
        Progress?.Clear();
        return new LanguageModelHistory(perplexities, seconds > 0 ? tokens / seconds : 0);
    }

    private (double Perplexity, double Tokens, double Seconds) TrainEpoch(RecurrentLanguageModel net, SeqDataLoader data, IUpdater updater, int epoch)
    {
        net.train();
        var metric = new Accumulator(2);
        var timer = new Timer();
        Tensor[]? state = null;
        foreach (var (x, y) in data)
        {
            using var step = NewDisposeScope();
            step.Attach(x);
            step.Attach(y);
            var input = state is null || data.UseRandomIter
                ? net.BeginState((int)x.shape[0], Device)
                : state.Select(s => s.detach()).ToArray();
            if (state is not null) foreach (var s in state) s.Dispose();
            var (yHat, newState) = net.call(x, input);
            var target = y.T.reshape(-1);
            var loss = nn.functional.cross_entropy(yHat, target, reduction: nn.Reduction.None);
            updater.Step(loss, () => GradClipping(net.parameters(), ClipTheta));
            double lossSum = loss.detach().sum().item<float>();
            if (!double.IsFinite(lossSum))
                throw new CourseException($"Training diverged: the loss became {lossSum} in epoch {epoch}; try a smaller learning rate (--lr).");
            metric.Add(lossSum, target.numel());
            state = newState.Select(s => s.detach().MoveToOuterDisposeScope()).ToArray();
        }
        if (state is not null) foreach (var s in state) s.Dispose();
        double seconds = timer.Stop();
        return (Math.Exp(metric[0] / metric[1]), metric[1], seconds);
    }

    /// <summary>d2l's <c>grad_clipping(net, theta)</c>: scales all gradients by θ / ‖g‖ when their joint L2 norm ‖g‖ exceeds θ.</summary>
    public static void GradClipping(IEnumerable<Tensor> parameters, double theta)
    {
        using var scope = NewDisposeScope();
        var grads = parameters.Where(p => p.requires_grad).Select(p => p.grad).OfType<Tensor>().ToArray();
        if (grads.Length == 0) return;
        double norm = stack(grads.Select(g => g.square().sum()).ToArray()).sum().sqrt().item<float>();
        if (norm <= theta) return;
        using var noGrad = no_grad();
        foreach (var g in grads) g.mul_(theta / norm);
    }

    /// <summary>
    /// d2l's <c>predict_ch8(prefix, num_preds, net, vocab, device)</c>: warms the state up on <paramref name="prefix"/>,
    /// then appends <paramref name="numPreds"/> characters, each the most likely next one.
    /// </summary>
    public static string Predict(string prefix, int numPreds, RecurrentLanguageModel net, Vocab vocab, Device device)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        bool wasTraining = net.training;
        net.eval();
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
        net.train(wasTraining);
        return string.Concat(vocab.ToTokens(outputs));
    }
}
