using BenchmarkDotNet.Attributes;
using Optline.Core.Keywords;

namespace Optline.Bench;

/// <summary>The keyword classifier alone (PRODUCT.md §4): a keyword, ordinary chatter, a phrase opt-out, a flagged message.</summary>
[MemoryDiagnoser]
public class ClassifierBenchmarks
{
    private readonly KeywordClassifier _classifier = KeywordClassifier.Default;

    [Params("YES", "Can we move our call to Friday?", "Stop please", "I'll stop by on Tuesday")]
    public string Body { get; set; } = "YES";

    [Benchmark]
    public Classification Classify() => _classifier.Classify(Body);
}
