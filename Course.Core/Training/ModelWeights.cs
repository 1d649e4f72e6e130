using Course.Core.Runtime;

namespace Course.Core.Training;

/// <summary>
/// The PyTorch weights of one training (<see cref="PyTorchWeights"/>): the state_dict its model starts from, if any
/// (<c>--weights</c>), and the safetensors file it writes the trained model to, under d2l's names, after the last
/// epoch (<c>model.safetensors</c> in the run folder, or one file per training for a section that trains several).
/// </summary>
/// <param name="StartFrom">A <c>.pt</c>, <c>.pth</c> or <c>.safetensors</c> state_dict to load before training, or null.</param>
/// <param name="ExportTo">Where the trained model's state_dict is written as safetensors, or null for nowhere.</param>
public sealed record ModelWeights(string? StartFrom, string? ExportTo);
