using System.Globalization;
using Course.Core.Data;
using Course.Core.Training;
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
/// Xavier-uniform weights for every Linear and GRU, <see cref="MaskedSoftmaxCELoss"/>, teacher forcing (the decoder
/// reads <c>&lt;bos&gt;</c> and the target shifted right), the summed loss back-propagated and the gradients clipped to
/// norm θ, with the updater it is given (d2l: Adam). The loss reported is d2l's: the sum of the sequences' mean
/// losses over the number of valid tokens, summed on the device and read once per epoch.
/// </summary>
public sealed class Seq2SeqTrainer : SequenceTrainer
{
    /// <inheritdoc />
    protected override string MetricName => "loss";

    /// <summary>Trains <paramref name="net"/> on <paramref name="data"/> with the updater <paramref name="updater"/> builds; <paramref name="bos"/> is the target vocabulary's <c>&lt;bos&gt;</c>.</summary>
    public Seq2SeqHistory Fit(EncoderDecoder net, NmtLoader data, UpdaterFactory updater, int bos)
    {
        net.apply(XavierInitWeights);
        var run = Begin(net, updater, data);
        foreach (int epoch in run.EpochsLeft)
        {
            net.train();
            using var sums = new DeviceSums(2, Device);
            foreach (var batch in data)
            {
                run.Step([batch.X, batch.XValidLength, batch.Y, batch.YValidLength], on =>
                {
                    var (X, xValidLen, Y, yValidLen) = (on[0], on[1], on[2], on[3]);
                    run.Verify(("the source batch", X), ("the source lengths", xValidLen), ("the target batch", Y), ("the target lengths", yValidLen));
                    var bosColumn = full(Y.shape[0], 1, bos, dtype: Y.dtype, device: Device);
                    var decoderInput = cat([bosColumn, Y[.., ..^1]], 1);
                    var (yHat, _) = net.call(X, decoderInput, xValidLen);
                    var loss = MaskedSoftmaxCELoss.Compute(yHat, Y, yValidLen).sum();
                    run.Updater.Step(loss, () => GradClipping(net.parameters(), ClipTheta));
                    sums.Add(loss, yValidLen.sum());
                });
            }
            double[] sum = sums.Read();
            EnsureFinite([sum[0] / sum[1]], epoch);
            run.EndEpoch(sum[0] / sum[1], sum[1]);
        }
        return new Seq2SeqHistory(run.History.Select(e => e.Metrics).ToArray(), run.PerSecond);
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
