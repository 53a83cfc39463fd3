import Foundation
import InductiveNN
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct DatasetTests {
    @Test func digitsShipWithThePackage() throws {
        let digits = try Dataset.digits()
        #expect(digits.count == 1797 && digits.inputs.shape == [1797, 64])
        #expect(digits.classCount == 10 && digits.imageShape == [1, 8, 8])
        #expect(Set(digits.labels!) == Set(0..<10))
        #expect(digits.inputs.minAll() == 0 && digits.inputs.maxAll() == 1)
        #expect(digits.targets.sum(axes: [1]) == Tensor.ones([1797]))
    }

    @Test func seededSplitsAndTrainOnlyStandardization() throws {
        let digits = try Dataset.digits()
        var r1 = RandomGenerator(seed: 0), r2 = RandomGenerator(seed: 0)
        let (a, b) = try digits.split(testFraction: 0.3, using: &r1)
        let (c, _) = try digits.split(testFraction: 0.3, using: &r2)
        #expect(a.count == 1258 && b.count == 539)
        #expect(a.labels == c.labels)
        let (mean, std) = a.standardization()
        let standardized = a.standardized(mean: mean, std: std)
        // A column mean of 1258 centred values is 0 up to the sum's rounding divided by n and the
        // centring's, ~eps max|z|: 1e-12 holds for max|z| up to ~4e3 (measured 4e-16).
        expectClose(standardized.inputs.mean(axes: [0]), Tensor.zeros([64]), rtol: 0, atol: 1e-12)
        let test = b.standardized(mean: mean, std: std)
        #expect(test.inputs == (b.inputs - mean) / std)
    }

    @Test func badDataGivesOneLineErrors() {
        #expect(throws: DataError("label 3 is out of range 0..<3")) {
            try Dataset(inputs: Tensor.zeros([2, 2]), labels: [0, 3], classCount: 3)
        }
        #expect(throws: DataError("inputs contain NaN or infinity")) {
            try Dataset(inputs: Tensor([[1, .nan]]), labels: [0])
        }
        #expect(throws: DataError("inputs have 2 rows but there are 3 labels")) {
            try Dataset(inputs: Tensor.zeros([2, 2]), labels: [0, 1, 1])
        }
    }

    /// Labels that are not class indices, or absurdly large ones, give one-line errors instead
    /// of a crash or a giant one-hot matrix.
    @Test func labelsThatAreNotClassIndicesAreRejected() throws {
        try withTemporaryDirectory { dir in
            try AtomicFile.write("1,2,inf\n3,4,1\n", to: dir + "/inf.csv")
            #expect(throws: FileError.self) { try Dataset.load(dir + "/inf.csv") }
            try AtomicFile.write("1,2,999999999\n3,4,1\n", to: dir + "/huge.csv")
            #expect(throws: FileError.self) { try Dataset.load(dir + "/huge.csv") }
            #expect(throws: DataError.self) { try Dataset(inputs: Tensor.zeros([2, 2]), labels: [0, Int.max]) }
            var archive = NPZArchive()
            archive.set("x", Tensor.zeros([0, 8, 8]))
            archive.set("y", .integer([], shape: [0]))
            try NPZ.write(archive, to: dir + "/empty.npz")
            #expect(throws: FileError.self) { try Dataset.load(dir + "/empty.npz") }
            // A floating-point y is a regression target, even with integer values.
            var counts = NPZArchive()
            counts.set("x", Tensor.zeros([3, 2]))
            counts.set("y", Tensor([0, 2, 5]))
            try NPZ.write(counts, to: dir + "/counts.npz")
            let regression = try Dataset.load(dir + "/counts.npz")
            #expect(regression.labels == nil && regression.targets.shape == [3, 1])
            // Inputs in one .npy and labels in another.
            try NPY.write(Tensor.arange(6).reshaped([3, 2]), to: dir + "/x.npy")
            try NPY.write(integers: [1, 0, 1], shape: [3], to: dir + "/y.npy")
            #expect(try Dataset.load(dir + "/x.npy", labels: dir + "/y.npy").labels == [1, 0, 1])
            #expect(throws: FileError.self) { try Dataset.load(dir + "/x.npy") }
        }
    }

    @Test func loadsNPZAndCSV() throws {
        try withTemporaryDirectory { dir in
            var archive = NPZArchive()
            archive.set("x", Tensor.arange(12).reshaped([3, 2, 2]))
            archive.set("y", .integer([0, 1, 1], shape: [3]))
            try NPZ.write(archive, to: dir + "/d.npz")
            let d = try Dataset.load(dir + "/d.npz")
            #expect(d.inputs.shape == [3, 4] && d.labels == [0, 1, 1] && d.imageShape == [1, 2, 2])
            try AtomicFile.write("1,2,0\n3,4,2\n", to: dir + "/d.csv")
            let c = try Dataset.load(dir + "/d.csv")
            #expect(c.labels == [0, 2] && c.classCount == 3)
            try AtomicFile.write("1,2,0.5\n", to: dir + "/bad.csv")
            #expect(throws: FileError.self) { try Dataset.load(dir + "/bad.csv") }
            var noY = NPZArchive()
            noY.set("x", Tensor.zeros([2, 2]))
            try NPZ.write(noY, to: dir + "/noy.npz")
            do { _ = try Dataset.load(dir + "/noy.npz"); Issue.record("accepted") } catch let e as FileError {
                #expect(e.reason.contains("needs an array 'y'"))
            }
        }
    }
}
