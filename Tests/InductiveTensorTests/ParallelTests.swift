import Foundation
import InductiveTensor
import Testing

/// The multi-core paths must give exactly the bits of the single-thread ones: every
/// comparison here is bitwise (`bitPattern`), tolerance zero. Why zero is right: an
/// elementwise operation computes each element with the same instructions whichever
/// thread and range it falls in, and the chunked sum fixes its order of additions
/// independently of the thread count, so any difference is a bug, not rounding.
@Suite struct ParallelTests {
    /// Several parts per core and odd lengths, so that ranges start at unaligned offsets
    /// (vector loop bodies and scalar tails meet at different elements than in one pass).
    /// (Four parts of the cheap operations' threshold, so every kind of operation splits.)
    static let n = 4 * Parallel.minimumCheapElementsPerPart + 13

    static func values(_ n: Int, seed: UInt64, low: Double = -4, high: Double = 4) -> Tensor {
        var rng = RandomGenerator(seed: seed)
        return Tensor((0..<n).map { _ in rng.uniform(low, high) })
    }

    static func expectSameBits(_ a: Tensor, _ b: Tensor, _ what: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(a.shape == b.shape, Comment(rawValue: what), sourceLocation: sourceLocation)
        let mismatch = a.scalars.indices.first { a.scalars[$0].bitPattern != b.scalars[$0].bitPattern }
        #expect(mismatch == nil, Comment(rawValue: "\(what): first differing element \(mismatch ?? -1)"), sourceLocation: sourceLocation)
    }

    @Test func rangesPartitionTheIndicesExactlyOnce() {
        for count in [0, 1, 7, 1000, 65_537] {
            for parts in [1, 2, 3, 8, 5000] {
                let hits = UnsafeMutableBufferPointer<Int>.allocate(capacity: Swift.max(count, 1))
                defer { hits.deallocate() }
                hits.initialize(repeating: 0)
                Parallel.forEachRange(count: count, parts: parts) { r in
                    for i in r { hits[i] += 1 }
                }
                #expect(hits.prefix(count).allSatisfy { $0 == 1 }, "count \(count), parts \(parts)")
            }
        }
    }

    @Test func partsFollowTheThreshold() {
        #expect(Parallel.parts(count: Parallel.minimumElementsPerPart - 1) == 1)
        #expect(Parallel.parts(count: 0) == 1)
        #expect(Parallel.minimumCheapElementsPerPart >= Parallel.minimumElementsPerPart)
        #expect(Parallel.cores == ProcessInfo.processInfo.activeProcessorCount)
        #expect(Parallel.parts(count: 1 << 30) == Parallel.cores)
    }

    /// exp and the libm functions on a split tensor against the same function on pieces
    /// smaller than the threshold (each piece one serial pass) and against `map` (serial).
    @Test func elementwiseMathEqualsTheSerialPath() {
        let x = Self.values(Self.n, seed: 41)
        let pieces = stride(from: 0, to: Self.n, by: 1000).map { start in
            exp(Tensor(Array(x.scalars[start..<Swift.min(start + 1000, Self.n)])))
        }
        Self.expectSameBits(exp(x), Tensor(pieces.flatMap(\.scalars)), "exp")
        let positive = abs(x) + 0.5
        let cases: [(String, Tensor, (Tensor) -> Tensor, (Double) -> Double)] = [
            ("log", positive, { log($0) }, { Foundation.log($0) }),
            ("sqrt", positive, { sqrt($0) }, { $0.squareRoot() }),
            ("sin", x, { sin($0) }, { Foundation.sin($0) }),
            ("tanh", x, { tanh($0) }, { Foundation.tanh($0) }),
            ("sigmoid", x, { sigmoid($0) }, { scalarSigmoid($0) }),
            ("softplus", x, { softplus($0) }, { scalarSoftplus($0) }),
            ("relu", x, { relu($0) }, { $0 > 0 ? $0 : 0 }),
            ("pow 1.5", positive, { pow($0, 1.5) }, { Foundation.pow($0, 1.5) }),
            ("x * 3.7", x, { $0 * 3.7 }, { $0 * 3.7 }),
            ("0.3 - x", x, { 0.3 - $0 }, { 0.3 - $0 }),
            ("-x", x, { -$0 }, { -$0 }),
        ]
        for (name, input, f, g) in cases { Self.expectSameBits(f(input), input.map(g), name) }
    }

    @Test func binaryAndInPlaceArithmeticEqualTheSerialPath() {
        let a = Self.values(Self.n, seed: 42), b = Self.values(Self.n, seed: 43, low: 0.5, high: 2)
        Self.expectSameBits(a + b, Tensor.zipWith(a, b) { $0 + $1 }, "a + b")
        Self.expectSameBits(a * b, Tensor.zipWith(a, b) { $0 * $1 }, "a * b")
        Self.expectSameBits(a / b, Tensor.zipWith(a, b) { $0 / $1 }, "a / b")
        Self.expectSameBits(a - Tensor(2.5), a.map { $0 - 2.5 }, "a - scalar tensor")
        var c = a
        c += b
        Self.expectSameBits(c, Tensor.zipWith(a, b) { $0 + $1 }, "+=")
        c = a
        c *= b
        Self.expectSameBits(c, Tensor.zipWith(a, b) { $0 * $1 }, "*=")
        c = a
        c.addScaled(b, -0.3)
        Self.expectSameBits(c, Tensor.zipWith(a, b) { $0 + -0.3 * $1 }, "addScaled")
        c = a
        c.updateElements(with: b) { x, y in x * 0.9 + y * y * 0.1 }
        Self.expectSameBits(c, Tensor.zipWith(a, b) { x, y in x * 0.9 + y * y * 0.1 }, "updateElements")
        // In place must not touch a tensor sharing the storage (copy-on-write).
        Self.expectSameBits(a, Self.values(Self.n, seed: 42), "shared storage untouched")
    }

    /// The serial reference: four interleaved accumulators per chunk of `sumChunk`, chunk
    /// sums added left to right (written out here independently of the library).
    static func referenceSum(_ x: [Double]) -> Double {
        func four(_ p: ArraySlice<Double>) -> Double {
            var s = [0.0, 0.0, 0.0, 0.0]
            var k = 0
            let items = Array(p)
            while k + 4 <= items.count {
                for j in 0..<4 { s[j] += items[k + j] }
                k += 4
            }
            while k < items.count { s[0] += items[k]; k += 1 }
            return (s[0] + s[1]) + (s[2] + s[3])
        }
        if x.count <= Parallel.sumChunk { return four(x[...]) }
        var total = 0.0
        for start in stride(from: 0, to: x.count, by: Parallel.sumChunk) {
            total += four(x[start..<Swift.min(start + Parallel.sumChunk, x.count)])
        }
        return total
    }

    /// The chunked sum has the same bits for every thread count and split, equals the
    /// serial reference, and below one chunk is the old single four-way sum.
    @Test func chunkedSumIsIndependentOfTheThreadCount() {
        for count in [0, 5, Parallel.sumChunk, 3 * Parallel.sumChunk + 17] {
            let x = Self.values(count, seed: 44, low: -1, high: 1e3)
            let reference = Self.referenceSum(x.scalars)
            #expect(x.sumAll().bitPattern == reference.bitPattern, "count \(count)")
            for parts in [1, 2, 3, 7, 64] {
                let s = x.scalars.withUnsafeBufferPointer { Parallel.chunkedSum($0, parts: parts) }
                #expect(s.bitPattern == reference.bitPattern, "count \(count), parts \(parts)")
            }
        }
        // Integers below 2^53 sum exactly in any order: the value itself, not only its
        // reproducibility (n(n-1)/2 for 0 ..< n).
        let n = 2 * Parallel.sumChunk + 3
        #expect(Tensor((0..<n).map(Double.init)).sumAll() == Double(n * (n - 1) / 2))
    }
}
