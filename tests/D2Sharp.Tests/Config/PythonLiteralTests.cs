using D2Sharp.Config;
using D2Sharp.Config.Python;

namespace D2Sharp.Tests.Config;

/// <summary>
/// yacs runs Python's <c>ast.literal_eval</c> on every string value (from YAML and from opts) and
/// keeps the string when it is not a literal. Expected values are what CPython 3 gives.
/// </summary>
[TestFixture]
public class PythonLiteralTests
{
    private static object?[] L(params object?[] items) => items;

    private static IEnumerable<TestCaseData> Literals()
    {
        yield return new TestCaseData("101", 101L);
        yield return new TestCaseData("-1", -1L);
        yield return new TestCaseData("+ 7", 7L);
        yield return new TestCaseData("1_000", 1000L);
        yield return new TestCaseData("0x1F", 31L);
        yield return new TestCaseData("0o17", 15L);
        yield return new TestCaseData("0b101", 5L);
        yield return new TestCaseData("00", 0L);
        yield return new TestCaseData("0.5", 0.5);
        yield return new TestCaseData("1.", 1.0);
        yield return new TestCaseData(".25", 0.25);
        yield return new TestCaseData("1e-3", 0.001);
        yield return new TestCaseData("-2.5E+2", -250.0);
        yield return new TestCaseData("True", true);
        yield return new TestCaseData("None", null);
        yield return new TestCaseData("'abc'", "abc");
        yield return new TestCaseData("\"a\" 'b'", "ab");
        yield return new TestCaseData("'tab\\there'", "tab\there");
        yield return new TestCaseData("r'a\\n'", "a\\n");
        yield return new TestCaseData("'\\x41\\u00e9\\101'", "A\u00e9A");
        yield return new TestCaseData("'\\d'", "\\d");
        yield return new TestCaseData("('coco_2017_train',)", L("coco_2017_train"));
        yield return new TestCaseData("(800, )", L(800L));
        yield return new TestCaseData("()", L());
        yield return new TestCaseData("(1)", 1L);
        yield return new TestCaseData("1, 2", L(1L, 2L));
        yield return new TestCaseData("[False,True,True,True]", L(false, true, true, true));
        yield return new TestCaseData("[[32], [64.0]]", L(L(32L), L(64.0)));
        yield return new TestCaseData("[\n 1,  # one\n 2,\n]", L(1L, 2L));
        yield return new TestCaseData("  [1]", L(1L));
    }

    [TestCaseSource(nameof(Literals))]
    public void LiteralIsEvaluated(string text, object? expected)
    {
        LiteralResult result = PyLiteralEvaluator.Evaluate(text);

        Assert.That(result.Outcome, Is.EqualTo(LiteralOutcome.Value));
        Assert.That(Normalize(result.Value), Is.EqualTo(Normalize(expected)));
        if (expected is not null) Assert.That(result.Value!.GetType(), Is.EqualTo(expected is object?[] ? typeof(List<object?>) : expected.GetType()));
    }

    [TestCase("BGR")]
    [TestCase("./output")]
    [TestCase("detectron2://ImageNetPretrained/MSRA/R-50.pkl")]
    [TestCase("")]
    [TestCase("res2,res3")]
    [TestCase("[res2, res3]")]
    [TestCase("1+2")]
    [TestCase("--1")]
    [TestCase("-True")]
    [TestCase("0777")]
    [TestCase("1__0")]
    [TestCase("1 2")]
    [TestCase("inf")]
    [TestCase("f'x'")]
    [TestCase("x if y else z")]
    [TestCase("1 < 2")]
    [TestCase("'unterminated")]
    [TestCase("\"a\" b\"c\"")]
    [TestCase("a.b")]
    [TestCase("foo(1)")]
    [TestCase("1\n2")]
    [TestCase("1 +2j + 3")]
    [TestCase("(99999999999999999999 apples)")]
    [TestCase("2L")]
    public void NonLiteralStaysAString(string text)
    {
        Assert.That(PyLiteralEvaluator.Evaluate(text).Outcome, Is.EqualTo(LiteralOutcome.NotALiteral));

        CfgNode cfg = ConfigDefaults.Create();
        ConfigLoader.MergeFromList(cfg, ["MODEL.DEVICE", text]);
        Assert.That(cfg.GetString("MODEL.DEVICE"), Is.EqualTo(text));
    }

    [TestCase("{'a': [1]}", "dict")]
    [TestCase("set()", "set")]
    [TestCase("-1j", "complex")]
    [TestCase("...", "ellipsis")]
    [TestCase("'\\N{BULLET}'", "str with a \\N{...} escape")]
    public void LiteralOfAnUnsupportedTypeIsRecognised(string text, string type)
    {
        LiteralResult result = PyLiteralEvaluator.Evaluate(text);

        Assert.That(result.Outcome, Is.EqualTo(LiteralOutcome.Unsupported));
        Assert.That(result.UnsupportedType, Is.EqualTo(type));
    }

    [Test]
    public void NestingIsBoundedLikePython()
    {
        // CPython refuses about 200 nested brackets ("too many nested parentheses"); yacs then keeps the string.
        string Nested(int depth) => new string('[', depth) + "1" + new string(']', depth);

        Assert.That(PyLiteralEvaluator.Evaluate(Nested(150)).Outcome, Is.EqualTo(LiteralOutcome.Value));
        Assert.That(PyLiteralEvaluator.Evaluate(Nested(100_000)).Outcome, Is.EqualTo(LiteralOutcome.NotALiteral));
        Assert.That(PyLiteralEvaluator.Evaluate(new string('-', 100_000) + "1").Outcome, Is.EqualTo(LiteralOutcome.NotALiteral));
        Assert.Throws<PythonSyntaxException>(() => PyArithmeticEvaluator.Evaluate(new string('(', 100_000) + "1" + new string(')', 100_000)));
    }

    [Test]
    public void DataLiteralKeepsTuplesAndDicts()
    {
        object? value = PyLiteralEvaluator.EvaluateData("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 3, 96, 128), 'l': [2L, -1], 'd': {}, }\n   ");

        var dict = (PyDictValue)value!;
        Assert.That(dict.Entries.Select(entry => entry.Key), Is.EqualTo(new[] { "descr", "fortran_order", "shape", "l", "d" }));
        Assert.That(dict.Entries[0].Value, Is.EqualTo("<f4"));
        Assert.That(dict.Entries[1].Value, Is.EqualTo(false));
        Assert.That(dict.Entries[2].Value, Is.TypeOf<PyTupleValue>());
        Assert.That(((PyTupleValue)dict.Entries[2].Value!).Items, Is.EqualTo(new object[] { 1L, 3L, 96L, 128L }));
        Assert.That(dict.Entries[3].Value, Is.TypeOf<List<object?>>().And.EqualTo(new object[] { 2L, -1L }));
        Assert.That(dict.Entries[4].Value, Is.TypeOf<PyDictValue>().And.Property("Entries").Empty);
    }

    [TestCase("{'a': __import__('os')}", "not a literal")]
    [TestCase("{'a': {1, 2}}", "set")]
    [TestCase("(b'x',)", "bytes")]
    [TestCase("{'a': 1", "never closed")]
    [TestCase("0x10L", "invalid number")]
    public void DataLiteralRefusesWhatItCannotHold(string text, string reason)
    {
        var e = Assert.Throws(Is.InstanceOf<PythonExpressionException>(), () => PyLiteralEvaluator.EvaluateData(text));
        Assert.That(e!.Message, Does.Contain(reason));
    }

    [TestCase("[[x, x * 2**(1.0/3), x * 2**(2.0/3) ] for x in [32, 64, 128, 256, 512 ]]")]
    public void RetinaNetExpressionMatchesPython(string expression)
    {
        var levels = (List<object?>)PyArithmeticEvaluator.Evaluate(expression)!;

        // Values printed by CPython for the same expression.
        Assert.That(levels[0], Is.EqualTo(new object[] { 32L, 40.31747359663594, 50.79683366298238 }));
        Assert.That(levels[4], Is.EqualTo(new object[] { 512L, 645.0795775461751, 812.7493386077181 }));
    }

    [TestCase("7 // 2", 3L)]
    [TestCase("-7 // 2", -4L)]
    [TestCase("-7 % 3", 2L)]
    [TestCase("7 % -3", -2L)]
    [TestCase("7 / 2", 3.5)]
    [TestCase("2 ** -1", 0.5)]
    [TestCase("-2 ** 2", -4L)]
    [TestCase("2 ** 3 ** 2", 512L)]
    [TestCase("-7.5 // 2", -4.0)]
    [TestCase("-7.5 % 2", 0.5)]
    [TestCase("1 + 2 * 3 - 4 / 2", 5.0)]
    [TestCase("(1 + 2) * 3", 9L)]
    public void ArithmeticFollowsPython(string expression, object expected)
    {
        object? value = PyArithmeticEvaluator.Evaluate(expression);

        Assert.That(value, Is.EqualTo(expected));
        Assert.That(value!.GetType(), Is.EqualTo(expected.GetType()));
    }

    [TestCase(1e-5, "1e-05")]
    [TestCase(0.0001, "0.0001")]
    [TestCase(1e16, "1e+16")]
    [TestCase(1e15, "1000000000000000.0")]
    [TestCase(123.0, "123.0")]
    [TestCase(0.1, "0.1")]
    [TestCase(-2.5e-7, "-2.5e-07")]
    [TestCase(40.31747359663594, "40.31747359663594")]
    [TestCase(1.2345678901234568e+17, "1.2345678901234568e+17")]
    [TestCase(0.0, "0.0")]
    public void FloatReprMatchesPython(double value, string repr) => Assert.That(PythonFloat.Repr(value), Is.EqualTo(repr));

    private static object? Normalize(object? value) => value switch
    {
        List<object?> list => list.Select(Normalize).ToArray(),
        object?[] array => array.Select(Normalize).ToArray(),
        _ => value,
    };
}
