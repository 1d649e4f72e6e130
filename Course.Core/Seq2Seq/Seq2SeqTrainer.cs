using System.Globalization;
using Course.Core.Data;
using Course.Core.Runtime;
using Course.Core.Training;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Core.Seq2Seq;

/// <summary>Per-epoch loss and the training speed of a sequence-to-sequence model.</summary>
public sealed record Seq2SeqHistory(IReadOnlyList<double> Losses, double TokensPerSecond)
{
    /// <summary>d2l's closing line: <c>loss 0.019, 12745.1 tokens/sec on cuda:0</c>.</summary>
    public string SummaryLine(string device) =>
        string.Create(CultureInfo.InvariantCulture, $"loss {Losses[^1]:F3}, {TokensPerSecond:F1} tokens/sec on {device}");
}

/// <summary>
/// The sequence-to-sequence training loop, d2l's <c>train_seq2seq</c> (9.7), used by 9.7, 9.8 and chapter 10:
/// Xavier-uniform weights for every Linear and GRU, Adam, <see cref="MaskedSoftmaxCELoss"/>, teacher forcing (the
/// decoder reads <c>&lt;bos&gt;</c> and the target shifted right), the summed loss back-propagated and the gradients
/// clipped to norm θ. The loss reported is d2l's: the sum of the sequences' mean losses over the number of valid tokens.
/// </summary>
public sealed class Seq2SeqTrainer : SequenceTrainer
{
    /// <summary>Trains <paramref name="net"/> on <paramref name="data"/> with Adam at <paramref name="learningRate"/>; <paramref name="bos"/> is the target vocabulary's <c>&lt;bos&gt;</c>.</summary>
    public Seq2SeqHistory Fit(EncoderDecoder net, NmtLoader data, double learningRate, int bos)
    {
        net.apply(XavierInitWeights);
        net.to(Device);
        using var optimizer = optim.Adam(net.parameters(), learningRate);
        net.train();
        var losses = new List<double>();
        double tokens = 0, seconds = 0;
        for (int epoch = 1; epoch <= Epochs; epoch++)
        {
            var metric = new Accumulator(2);
            var timer = new Training.Timer();
            foreach (var batch in data)
            {
                using var step = NewDisposeScope();
                foreach (var part in new[] { batch.X, batch.XValidLength, batch.Y, batch.YValidLength }) step.Attach(part);
                var (X, xValidLen, Y, yValidLen) = (batch.X.to(Device), batch.XValidLength.to(Device), batch.Y.to(Device), batch.YValidLength.to(Device));
                var bosColumn = full(Y.shape[0], 1, bos, dtype: Y.dtype, device: Device);
                var decoderInput = cat([bosColumn, Y[.., ..^1]], 1);
                var (yHat, _) = net.call(X, decoderInput, xValidLen);
                var loss = MaskedSoftmaxCELoss.Compute(yHat, Y, yValidLen).sum();
                optimizer.zero_grad();
                loss.backward();
                LanguageModelTrainer.GradClipping(net.parameters(), ClipTheta);
                optimizer.step();
                double lossSum = loss.item<float>();
                if (!double.IsFinite(lossSum))
                    throw new CourseException($"Training diverged: the loss became {lossSum} in epoch {epoch}; try a smaller learning rate (--lr).");
                metric.Add(lossSum, yValidLen.sum().item<long>());
            }
            seconds += timer.Stop();
            tokens += metric[1];
            losses.Add(metric[0] / metric[1]);
            if (epoch % PointsEvery == 0 || epoch == Epochs) Animator?.Add(epoch, losses[^1]);
            Progress?.Report(string.Create(CultureInfo.InvariantCulture, $"epoch {epoch}/{Epochs}  loss {losses[^1]:F3}  {tokens / seconds:F0} tokens/sec"));
        }
        Progress?.Clear();
        return new Seq2SeqHistory(losses, seconds > 0 ? tokens / seconds : 0);
    }

    /// <summary>d2l's <c>xavier_init_weights</c>: Xavier-uniform weights for Linear layers and every weight matrix of a GRU.</summary>
    private static void XavierInitWeights(nn.Module module)
    {
        using var noGrad = no_grad();
        switch (module)
        {
            case Linear linear:
                nn.init.xavier_uniform_(linear.weight!);
                break;
            case GRU gru:
                foreach (var (name, parameter) in gru.named_parameters())
                    if (name.Contains("weight", StringComparison.Ordinal)) nn.init.xavier_uniform_(parameter);
                break;
        }
    }
}
