using D2Sharp.Graph;
using D2Sharp.Ops;

namespace D2Sharp.Modeling;

/// <summary>
/// Detectron2's <c>layers.Conv2d</c> (conv + optional norm) expressed as graph nodes: a BatchNorm is
/// folded into the conv, a GroupNorm becomes its own node named <c>&lt;conv&gt;.norm</c>, and the
/// block's residual add and ReLU are fused where the norm allows it.
/// </summary>
internal static class Layers
{
    public sealed record ConvArgs(int InChannels, int OutChannels, int Kernel, int Stride = 1, int Padding = 0, int Dilation = 1, int Groups = 1);

    /// <summary>
    /// conv → norm → (+ residual) → activation. A conv has its own bias only when it has no norm
    /// (<paramref name="bias"/> says whether Detectron2 gives it one then).
    /// </summary>
    public static Value Conv(ModelGraph g, string name, Value x, ConvArgs a, NormSpec norm, bool bias,
        Activation act = Activation.None, Value? residual = null, string? module = null, string? valueName = null)
    {
        CheckGroups(name, a);
        var spec = new ShapeSpec(a.OutChannels, x.Spec.Stride * a.Stride);
        bool groupNorm = norm.IsGroupNorm;
        var conv = new Conv2d
        {
            InChannels = a.InChannels, OutChannels = a.OutChannels, KernelH = a.Kernel, KernelW = a.Kernel,
            Stride = a.Stride, Padding = a.Padding, Dilation = a.Dilation, Groups = a.Groups,
            HasBias = bias && norm.IsNone, Norm = norm.Folded,
            HasResidual = residual != null && !groupNorm,
            Activation = groupNorm ? Activation.None : act,
        };
        var y = g.Add(name, conv, conv.HasResidual ? [x, residual!] : [x], spec, valueName, module);
        return groupNorm ? GroupNormAfter(g, name, name + ".norm", (module ?? name) + ".norm", y, a.OutChannels, act, residual) : y;
    }

    /// <summary>
    /// An <c>nn.Conv2d</c> (with its bias, norm or not), then in the same <c>nn.Sequential</c> a norm
    /// module of its own and the activation, as RetinaNet's subnets are built; one of the inputs
    /// the modules are applied to, <paramref name="at"/> (node names <c>&lt;module&gt;@&lt;at&gt;</c>).
    /// The conv's parameters live under <paramref name="module"/>, the norm's affine terms under
    /// <paramref name="normModule"/> and its running statistics under <paramref name="statistics"/>
    /// (the same module, or for a BatchNorm per input, <c>CycleBatchNormList</c>'s
    /// <c>&lt;normModule&gt;.&lt;index&gt;</c>). A BatchNorm is folded into the conv, each input's
    /// with its own statistics; a GroupNorm is its own node; with <see cref="NormSpec.None"/> the
    /// norm's modules are not read.
    /// </summary>
    public static Value SequentialConv(ModelGraph g, string module, string normModule, string statistics, string at, Value x, ConvArgs a,
        NormSpec norm, Activation act)
    {
        CheckGroups(module, a);
        var conv = new Conv2d
        {
            InChannels = a.InChannels, OutChannels = a.OutChannels, KernelH = a.Kernel, KernelW = a.Kernel,
            Stride = a.Stride, Padding = a.Padding, Dilation = a.Dilation, Groups = a.Groups,
            HasBias = true, Norm = norm.Folded, Activation = norm.IsGroupNorm ? Activation.None : act,
        };
        var foldedNorm = norm.Folded == FoldedNorm.None ? null : new Dictionary<string, string>
        {
            ["norm.weight"] = normModule + ".weight",
            ["norm.bias"] = normModule + ".bias",
            ["norm.running_mean"] = statistics + ".running_mean",
            ["norm.running_var"] = statistics + ".running_var",
        };
        var y = g.Add($"{module}@{at}", conv, [x], new ShapeSpec(a.OutChannels, x.Spec.Stride * a.Stride), module: module, parameterNames: foldedNorm);
        return norm.IsGroupNorm ? GroupNormAfter(g, module, $"{normModule}@{at}", normModule, y, a.OutChannels, act, null) : y;
    }

    /// <summary>Deformable conv (<c>conv2</c> of a DeformBottleneckBlock) with its norm and ReLU.</summary>
    public static Value DeformConv(ModelGraph g, string name, Value x, Value offsetMask, ConvArgs a,
        int deformableGroups, bool modulated, NormSpec norm, Activation act)
    {
        CheckGroups(name, a);
        var spec = new ShapeSpec(a.OutChannels, x.Spec.Stride * a.Stride);
        var op = new DeformConv2d
        {
            InChannels = a.InChannels, OutChannels = a.OutChannels, Kernel = a.Kernel, Stride = a.Stride,
            Padding = a.Padding, Dilation = a.Dilation, Groups = a.Groups, DeformableGroups = deformableGroups,
            Modulated = modulated, Norm = norm.Folded, Activation = norm.IsGroupNorm ? Activation.None : act,
        };
        var y = g.Add(name, op, [x, offsetMask], spec);
        return norm.IsGroupNorm ? GroupNormAfter(g, name, name + ".norm", null, y, a.OutChannels, act, null) : y;
    }

    private static void CheckGroups(string name, ConvArgs a)
    {
        if (a.InChannels % a.Groups != 0 || a.OutChannels % a.Groups != 0)
            throw new ModelBuildException(
                $"{name}: {a.InChannels} input and {a.OutChannels} output channels must both be divisible by groups = {a.Groups}");
    }

    /// <summary>The GroupNorm node <paramref name="name"/> (parameters under <paramref name="module"/>, by default its name) after a conv's output.</summary>
    private static Value GroupNormAfter(ModelGraph g, string convName, string name, string? module, Value y, int channels, Activation act, Value? residual)
    {
        if (channels % NormSpec.GroupNormGroups != 0)
            throw new ModelBuildException(
                $"{convName}: GroupNorm(32, {channels}) needs the channel count to be divisible by 32 (num_channels must be divisible by num_groups)");
        var gn = new GroupNorm
        {
            Groups = NormSpec.GroupNormGroups, Channels = channels,
            Activation = residual == null ? act : Activation.None,
        };
        var normed = g.Add(name, gn, [y], y.Spec, module: module);
        if (residual == null) return normed;
        return g.Add(convName + ".add_residual", new Add { Activation = act }, [normed, residual], y.Spec);
    }
}
