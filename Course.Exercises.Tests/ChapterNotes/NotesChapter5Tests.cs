using System.Reflection;
using System.Runtime.CompilerServices;
using Course.Core.Runtime;
using NUnit.Framework;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Course.Exercises.Tests.ChapterNotes;

/// <summary>The GPU section's Q&amp;A (d2l 5.6).</summary>
public sealed class NotesChapter5Tests
{
    [Test]
    public void DataMustBeOnTheNetworksDevice()
    {
        var device = Devices.TryGpu();
        var net = nn.Linear(3, 2).to(device);
        using var here = zeros(4, 3).to(device);
        Assert.That(net.call(here).device_type, Is.EqualTo(device.type));
        if (device.type != DeviceType.CUDA) return;
        using var left = zeros(4, 3);
        Assert.That(() => net.call(left), Throws.Exception.With.Message.Contains("same device"), "data left on the CPU");
    }

    [Test]
    public void ModulesHaveCudaAsWellAsTo()
    {
        static bool Extends(MethodInfo m, Type target) => m.IsDefined(typeof(ExtensionAttribute)) && m.GetParameters() is [var first, ..] &&
            (target.IsAssignableFrom(first.ParameterType) || first.ParameterType.IsGenericParameter &&
                first.ParameterType.GetGenericParameterConstraints().Any(target.IsAssignableFrom));
        var statics = typeof(Tensor).Assembly.GetTypes().SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static)).ToArray();
        Assert.That(statics.Any(m => m.Name == "cuda" && Extends(m, typeof(nn.Module))), "module.cuda()");
        Assert.That(statics.Any(m => m.Name == "to" && Extends(m, typeof(nn.Module))), "module.to(device)");
        Assert.That(typeof(Tensor).GetMethods().Any(m => m.Name == "cuda"), "tensor.cuda()");
        if (!cuda.is_available()) return;
        var net = nn.Linear(2, 2).cuda();
        Assert.That(net.weight!.device_type, Is.EqualTo(DeviceType.CUDA));
    }

    [Test]
    public void InferenceIsAForwardPassWithoutAGraph()
    {
        var net = nn.Sequential(nn.Linear(3, 2));
        var before = NotesCheck.Floats(((Linear)net[0]).weight!);
        using var noGrad = no_grad();
        var y = net.call(ones(5, 3));
        Assert.That(y.requires_grad, Is.False);
        Assert.That(NotesCheck.Floats(((Linear)net[0]).weight!), Is.EqualTo(before));
    }
}
