import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct BroadcastingTests {
    @Test func broadcastShapesFollowNumPy() {
        #expect(Tensor.broadcastShape([3, 1], [1, 4]) == [3, 4])
        #expect(Tensor.broadcastShape([5, 3, 1], [4]) == [5, 3, 4])
        #expect(Tensor.broadcastShape([], [2, 2]) == [2, 2])
        #expect(Tensor.broadcastShape([3], [4]) == nil)
        #expect(Tensor.broadcastShape([2, 1], [3, 1]) == nil)
    }

    @Test func columnPlusRowIsTheOuterSum() {
        let column: Tensor = [[1], [2], [3]]
        let row: Tensor = [10, 20]
        let sum = column + row
        #expect(sum == Tensor([[11, 21], [12, 22], [13, 23]]))
        #expect(row + column == sum)
    }

    @Test func broadcastingMatchesAnExplicitLoop() {
        var rng = RandomGenerator(seed: 3)
        let a = Tensor.randomNormal([2, 1, 4], using: &rng)
        let b = Tensor.randomNormal([3, 1], using: &rng)
        let c = a * b
        #expect(c.shape == [2, 3, 4])
        for i in 0..<2 { for j in 0..<3 { for k in 0..<4 {
            #expect(c[i, j, k] == a[i, 0, k] * b[j, 0])
        } } }
    }

    @Test func broadcastToMaterializesRepeats() {
        let v: Tensor = [1, 2]
        #expect(v.broadcast(to: [2, 2]) == Tensor([[1, 2], [1, 2]]))
        #expect(Tensor(7).broadcast(to: [3]) == Tensor([7, 7, 7]))
    }

    @Test func threeOperandWhereBroadcasts() {
        let condition: Tensor = [[1], [0]]
        let r = Tensor.where(condition, Tensor([1, 2, 3]), Tensor(0))
        #expect(r == Tensor([[1, 2, 3], [0, 0, 0]]))
    }

    @Test func sizeOneAxesAndEmptyTensors() {
        let a = Tensor.ones([1, 1, 3])
        #expect((a + Tensor([1, 2, 3])).shape == [1, 1, 3])
        let empty = Tensor.zeros([0, 3])
        #expect((empty + Tensor([1, 2, 3])).shape == [0, 3])
    }
}
