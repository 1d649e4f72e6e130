using System.ComponentModel.DataAnnotations;
using Course.Chapters.Infrastructure;
using Course.Core.Runtime;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Chapters.Ch04_MultilayerPerceptrons;

/// <summary>
/// 4.10 as the notes tried it afterwards: five hidden layers of 30 ReLU units (weights N(0, 0.01), biases 0), Adam with
/// lr 0.01 and weight decay 0.5, batch 50, 300 epochs.
/// </summary>
[Section("kaggle-house-deep", "4.10", "Kaggle house prices with a five-hidden-layer MLP (the notes)", Dataset = "Kaggle house prices")]
public sealed class KaggleHousePricesDeep : ISection<KaggleHousePricesDeep.Settings>
{
    /// <summary>The notes' <c>k, num_epochs, lr, weight_decay, batch_size = 5, 300, 0.01, 0.5, 50</c>.</summary>
    public sealed record Settings(int K = 5, int Epochs = 300, double Lr = 0.01, [Range(0.0, double.MaxValue)] double WeightDecay = 0.5, int BatchSize = 50);

    /// <summary>The notes' <c>get_net</c>: inputs → 30 → 30 → 30 → 30 → 30 → 1 with ReLU between.</summary>
    public static Sequential Net(int inputs)
    {
        var layers = new List<nn.Module<Tensor, Tensor>>();
        int width = inputs;
        for (int i = 0; i < 5; i++)
        {
            layers.Add(nn.Linear(width, 30));
            layers.Add(nn.ReLU());
            width = 30;
        }
        layers.Add(nn.Linear(width, 1));
        var net = nn.Sequential(layers);
        using (no_grad())
        {
            foreach (var linear in layers.OfType<Linear>())
            {
                nn.init.normal_(linear.weight, 0, 0.01);
                nn.init.zeros_(linear.bias);
            }
        }
        return net;
    }

    /// <inheritdoc />
    public void Run(RunContext ctx, Settings s) =>
        KaggleHousePrices.Run(ctx, Net, new KaggleHousePrices.Settings(s.K, s.Epochs, s.Lr, s.WeightDecay, s.BatchSize));
}
