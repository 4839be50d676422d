// Digits: a two-layer network on the UCI handwritten digits (8×8 images, 10 classes), trained with Adam on
// seeded minibatches, with a live progress bar and a loss/accuracy plot. Exits non-zero if the held-out accuracy
// is below 97%, so CI checks the whole path: CSV loading, Grad over a record of parameters, the optimizer, batching.
//
//   dotnet run --project samples/Digits                              # writes digits.png in the current folder
//   dotnet run --project samples/Digits -- docs/images/digits.png     # the README's figure
using System.Diagnostics;
using Cotangent;
using ScottPlot;
using Spectre.Console;
using DType = Cotangent.Runtime.DType;
using static Cotangent.Np;

const int Classes = 10, Hidden = 64, Epochs = 30, BatchSize = 32;
const double RequiredAccuracy = 0.97;
const ulong Seed = 2021;
var plotPath = args.Length > 0 ? args[0] : "digits.png";
var clock = Stopwatch.StartNew();

// The data file is copied next to the program (see Digits.csproj), so the sample runs from any folder.
var (table, _) = Csv.Load(Path.Combine(AppContext.BaseDirectory, "data", "digits.csv.gz"), hasHeader: false);
var images = table[.., ..^1] / 16.0;                  // pixels 0..16 → [0, 1]
var labels = AsType(table[.., ^1], DType.Int32);

// A fixed held-out split: one seeded permutation, the first 20% for testing. The test rows are never trained on.
int n = images.Shape[0], nTest = n / 5;
var order = Tensor.FromArray(Batches.Permutation(n, Seed));
var (testX, testY) = (Take(images, order[..nTest], 0), Take(labels, order[..nTest], 0));
var (trainX, trainY) = (Take(images, order[nTest..], 0), Take(labels, order[nTest..], 0));

var seeds = SplitSeed(Seed, 2);
var parameters = new Mlp(
    RandomNormal(seeds[0], [64, Hidden]) * Math.Sqrt(1.0 / 64), Zeros(Hidden),
    RandomNormal(seeds[1], [Hidden, Classes]) * Math.Sqrt(1.0 / Hidden), Zeros(Classes));

// Cross-entropy of the softmax over the ten classes, averaged over the batch.
static Tensor Loss(Mlp p, Tensor x, Tensor y) => -Mean(Sum(OneHot(y, Classes) * LogSoftmax(p.Logits(x)), 1));
static double Accuracy(Mlp p, Tensor x, Tensor y) => Mean(AsType(Equal(ArgMax(p.Logits(x), 1), y), DType.Float64)).ToDouble();

var optimizer = Optim.Adam(Schedule.CosineDecay(0.01, Epochs * ((trainX.Shape[0] + BatchSize - 1) / BatchSize)));
var state = optimizer.Init(parameters);
var grad = Ad.ValueAndGrad<Mlp, (Tensor X, Tensor Y)>((p, batch) => Loss(p, batch.X, batch.Y));
var history = new List<(double Loss, double TrainAccuracy, double TestAccuracy)>();

// One epoch: a pass over the seeded minibatches; returns the mean training loss.
double Epoch(int epoch)
{
    double total = 0;
    int batches = 0;
    foreach (var (x, y) in Batches.Shuffled(trainX, trainY, BatchSize, Seed, epoch))
    {
        var (loss, g) = grad(parameters, (x, y));
        (var updates, state) = optimizer.Update(g, state, parameters);
        parameters = Optim.ApplyUpdates(parameters, updates);
        total += loss.ToDouble();
        batches++;
    }

    return total / batches;
}

void Record(int epoch)
{
    var loss = Epoch(epoch);
    history.Add((loss, Accuracy(parameters, trainX, trainY), Accuracy(parameters, testX, testY)));
}

string Status() => history.Count == 0 ? "" :
    $"loss {history[^1].Loss:F4}  train {history[^1].TrainAccuracy:P1}  test {history[^1].TestAccuracy:P1}";

// Without a terminal Spectre.Console assumes 80 columns and wraps; a log has no such limit.
if (!AnsiConsole.Profile.Capabilities.Interactive) AnsiConsole.Profile.Width = 160;
AnsiConsole.MarkupLine($"[bold]Digits[/]: {trainX.Shape[0]} training and {nTest} held-out images, a 64→{Hidden}→{Classes} tanh network, Adam, batches of {BatchSize}");
if (AnsiConsole.Profile.Capabilities.Interactive)
{
    // A terminal: one bar that redraws in place with the latest loss and accuracies.
    AnsiConsole.Progress()
        .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
        .Start(context =>
        {
            var task = context.AddTask("training", maxValue: Epochs);
            for (int epoch = 0; epoch < Epochs; epoch++)
            {
                Record(epoch);
                task.Description = $"epoch {epoch + 1,2}/{Epochs}  {Status()}";
                task.Increment(1);
            }
        });
}
else
{
    // Redirected output (CI, a pipe, a file): a live bar would print escape codes or nothing, so print plain lines.
    for (int epoch = 0; epoch < Epochs; epoch++)
    {
        Record(epoch);
        if (epoch % 5 == 4 || epoch == Epochs - 1) Console.WriteLine($"epoch {epoch + 1,2}/{Epochs}  {Status()}");
    }
}

var final = history[^1];
WritePlot(history, plotPath);
AnsiConsole.MarkupLine($"held-out accuracy {final.TestAccuracy:P2} (required ≥ {RequiredAccuracy:P0}); plot written to {Markup.Escape(plotPath)}; {clock.Elapsed.TotalSeconds:F1} s");
if (final.TestAccuracy < RequiredAccuracy)
{
    Console.Error.WriteLine($"FAILED: held-out accuracy {final.TestAccuracy:P2} is below {RequiredAccuracy:P0}");
    return 1;
}

return 0;

// Loss on the left axis, accuracies on the right, one point per epoch.
static void WritePlot(List<(double Loss, double TrainAccuracy, double TestAccuracy)> history, string path)
{
    var epochs = Enumerable.Range(1, history.Count).Select(e => (double)e).ToArray();
    var plot = new Plot();
    var loss = plot.Add.Scatter(epochs, history.Select(h => h.Loss).ToArray());
    loss.LegendText = "training loss";
    var accuracyAxis = plot.Axes.Right;
    var train = plot.Add.Scatter(epochs, history.Select(h => h.TrainAccuracy * 100).ToArray());
    train.LegendText = "training accuracy (%)";
    train.Axes.YAxis = accuracyAxis;
    var test = plot.Add.Scatter(epochs, history.Select(h => h.TestAccuracy * 100).ToArray());
    test.LegendText = "held-out accuracy (%)";
    test.Axes.YAxis = accuracyAxis;
    plot.Title($"Digits: a 64→{Hidden}→{Classes} network trained with Adam");
    plot.XLabel("epoch");
    plot.YLabel("cross-entropy loss");
    accuracyAxis.Label.Text = "accuracy (%)";
    plot.ShowLegend(Alignment.MiddleRight);
    var folder = Path.GetDirectoryName(Path.GetFullPath(path));
    if (folder is not null) Directory.CreateDirectory(folder);
    plot.SavePng(path, 800, 450);
}

/// <summary>The network's parameters: a record is a tree, so Grad returns an Mlp and Adam updates one.</summary>
internal sealed record Mlp(Tensor W1, Tensor B1, Tensor W2, Tensor B2)
{
    /// <summary>Class scores for a batch of images [batch, 64] → [batch, 10].</summary>
    public Tensor Logits(Tensor x) => MatMul(Tanh(MatMul(x, W1) + B1), W2) + B2;
}
