namespace Cotangent.Runtime.Tests;

public class ShapeTests
{
    [Fact]
    public void Broadcast_AlignsTrailingDimensions()
    {
        Assert.Equal(Shape.Of(4, 2, 3), Shape.Broadcast(Shape.Of(2, 1), Shape.Of(4, 1, 3), "add"));
        Assert.Throws<ShapeException>(() => Shape.Broadcast(Shape.Of(2), Shape.Of(3), "add"));
    }
}
