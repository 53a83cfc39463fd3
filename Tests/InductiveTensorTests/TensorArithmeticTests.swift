import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct ArithmeticTests {
    let a: Tensor = [[1, 2], [3, 4]]
    let b: Tensor = [[0.5, -1], [2, 8]]

    @Test func elementwiseOperators() {
        #expect(a + b == Tensor([[1.5, 1], [5, 12]]))
        #expect(a - b == Tensor([[0.5, 3], [1, -4]]))
        #expect(a * b == Tensor([[0.5, -2], [6, 32]]))
        #expect(a / b == Tensor([[2, -2], [1.5, 0.5]]))
        #expect(-a == Tensor([[-1, -2], [-3, -4]]))
    }

    @Test func scalarOperandsOnEitherSide() {
        let x = 2.0
        #expect(a * x == Tensor([[2, 4], [6, 8]]))
        #expect(x - a == Tensor([[1, 0], [-1, -2]]))
        #expect(1 / a == Tensor([[1, 0.5], [1.0 / 3, 0.25]]))
        #expect(a + 1 == Tensor([[2, 3], [4, 5]]))
        // Plain-number code stays unambiguous beside the tensor operators.
        #expect([1.0, 2.0, 3.0].reduce(0, +) == 6)
    }

    @Test func compoundAssignmentInPlaceAndBroadcast() {
        var t = a
        t += b
        #expect(t == a + b)
        t -= Tensor([1, 1])
        #expect(t == a + b - 1)
        t *= 2
        #expect(t == (a + b - 1) * 2)
        var u = a
        u.addScaled(b, -2)
        #expect(u == a - 2 * b)
    }

    @Test func clampingAndExtrema() {
        let t: Tensor = [-2, 0.5, 3, .nan]
        let c = t.clamped(min: -1, max: 1)
        #expect(Array(c.scalars.prefix(3)) == [-1, 0.5, 1])
        #expect(c.scalars[3].isNaN)
        #expect(Tensor.maximum(Tensor([1, 5]), Tensor([3, 2])) == Tensor([3, 5]))
        #expect(Tensor.minimum(Tensor([1, 5]), Tensor(2)) == Tensor([1, 2]))
    }
}
