import InductiveTensor
import Testing

@Suite struct CreationTests {
    @Test func constantsAndIdentity() {
        #expect(Tensor.zeros([2, 2]).scalars == [0, 0, 0, 0])
        #expect(Tensor.ones([3]).scalars == [1, 1, 1])
        #expect(Tensor.full([2], 7).scalars == [7, 7])
        #expect(Tensor.eye(2, 3) == Tensor([[1, 0, 0], [0, 1, 0]]))
        #expect(Tensor.zeros(like: Tensor.eye(2)).shape == [2, 2])
    }

    @Test func rangesMatchNumPy() {
        #expect(Tensor.arange(4) == Tensor([0, 1, 2, 3]))
        #expect(Tensor.arange(1, 2, step: 0.25) == Tensor([1, 1.25, 1.5, 1.75]))
        #expect(Tensor.arange(5, 1, step: -2) == Tensor([5, 3]))
        #expect(Tensor.linspace(0, 1, count: 5) == Tensor([0, 0.25, 0.5, 0.75, 1]))
        #expect(Tensor.linspace(0, 1, count: 4, endpoint: false) == Tensor([0, 0.25, 0.5, 0.75]))
        #expect(Tensor.linspace(2, 3, count: 1) == Tensor([2]))
    }

    @Test func diagonals() {
        let d = Tensor.diagonal(Tensor([1, 2]))
        #expect(d == Tensor([[1, 0], [0, 2]]))
        #expect(Tensor([[1, 2, 3], [4, 5, 6]]).diagonalPart == Tensor([1, 5]))
        #expect(Tensor([[1, 2], [3, 4]]).trace == 5)
    }
}
