namespace D2Sharp;

/// <summary>Base type of every error D2Sharp raises on bad input or a failed native call.</summary>
public class D2SharpException : Exception
{
    public D2SharpException(string message) : base(message) { }
    public D2SharpException(string message, Exception inner) : base(message, inner) { }
}
