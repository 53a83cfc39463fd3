import Foundation
import InductiveTensor
import InductiveTestSupport
import Testing

/// The shared helpers of InductiveTestSupport (here, in the lowest test target that uses them).
@Suite struct TestSupportTests {
    @Test func temporaryDirectoriesAreRemovedAfterReturnAndAfterThrow() throws {
        struct Planned: Error {}
        let kept = try withTemporaryDirectory { dir in
            #expect(FileManager.default.fileExists(atPath: dir))
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
            try AtomicFile.write("x", to: dir + "/file.txt")
            return dir
        }
        #expect(!FileManager.default.fileExists(atPath: kept))
        var thrownFrom = ""
        #expect(throws: Planned.self) {
            try withTemporaryDirectory { dir in
                thrownFrom = dir
                throw Planned()
            }
        }
        #expect(!thrownFrom.isEmpty && !FileManager.default.fileExists(atPath: thrownFrom))
    }

    @Test func seededTensorsRepeatAndDifferBySeed() {
        #expect(normal([3, 4], seed: 1) == normal([3, 4], seed: 1))
        #expect(normal([3, 4], seed: 1) != normal([3, 4], seed: 2))
        #expect(normal([5], seed: 3, std: 2) == normal([5], seed: 3) * 2)
        let u = uniform([1000], seed: 4, low: 0.5, high: 2)
        #expect(u.minAll() >= 0.5 && u.maxAll() < 2)
    }

    @Test func toleranceTiersStateTheirErrorModel() {
        // kappa = 100, n = 50: about 1.1e-11 relative. An error of 1e-12 is inside, 1e-10 outside,
        // and near-zero entries are judged against the scale given.
        let tier = ToleranceTier.backwardStable(conditionNumber: 100, size: 50, scale: 4)
        #expect(closeness(Tensor([4, 1]), Tensor([4 * (1 + 1e-12), 1]), tier) == nil)
        #expect(closeness(Tensor([4, 1]), Tensor([4 * (1 + 1e-10), 1]), tier) != nil)
        #expect(closeness(Tensor([4, 1e-12]), Tensor([4, 0]), tier) == nil)
        #expect(closeness(Tensor([4, 1e-9]), Tensor([4, 0]), tier) != nil)
        #expect(tier.description.contains("condition number"))
        let message = closeness(Tensor([1, 2]), Tensor([1, 2 + 1e-6]), .exactAlgebra)
        #expect(message?.contains("exact algebra") == true, "\(message ?? "close")")
        #expect(closeness(Tensor([1, 2]), Tensor([1, 2 + 1e-14]), .exactAlgebra) == nil)
        let mean = ToleranceTier.statistical(samples: 400, standardDeviation: 2)
        #expect(mean.absolute == 5 * 2 / 20 && mean.relative == 0)
    }
}
