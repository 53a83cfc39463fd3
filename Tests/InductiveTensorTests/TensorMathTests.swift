import Foundation
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct MathTests {
    @Test func unaryFunctionsMatchScalarLibm() {
        let x: Tensor = [-3, -0.5, 0, 0.25, 2]
        let cases: [(String, (Tensor) -> Tensor, (Double) -> Double)] = [
            ("sin", { sin($0) }, { Foundation.sin($0) }),
            ("cos", { cos($0) }, { Foundation.cos($0) }),
            ("tanh", { tanh($0) }, { Foundation.tanh($0) }),
            ("erf", { erf($0) }, { Foundation.erf($0) }),
            ("abs", { abs($0) }, { Swift.abs($0) }),
            ("square", { square($0) }, { $0 * $0 }),
            ("expm1", { expm1($0) }, { Foundation.expm1($0) }),
        ]
        // Elementwise, no BLAS: the same libm call (identical), or one or two roundings for
        // square, abs, sqrt and pow's fast paths (<= 1 ulp, 2.2e-16 relative): 1e-15 leaves 4x.
        for (name, f, g) in cases {
            expectClose(f(x), x.map(g), rtol: 1e-15, Comment(rawValue: name))
        }
        let positive: Tensor = [0.001, 0.5, 1, 7]
        expectClose(log(positive), positive.map { Foundation.log($0) }, rtol: 1e-15)
        expectClose(log1p(positive), positive.map { Foundation.log1p($0) }, rtol: 1e-15)
        expectClose(sqrt(positive), positive.map { $0.squareRoot() }, rtol: 0)
        expectClose(pow(positive, 1.5), positive.map { Foundation.pow($0, 1.5) }, rtol: 1e-15)
        expectClose(pow(positive, Tensor([1, 2, 3, 0.5])), Tensor([0.001, 0.25, 1, 7.0.squareRoot()]), rtol: 1e-15)
    }

    /// The vectorized exp is within 2 ulp of libm over the whole double range, including
    /// overflow, underflow to subnormals, infinities and NaN.
    @Test func vectorizedExpAgreesWithLibm() {
        var rng = RandomGenerator(seed: 11)
        var values = (0..<20_000).map { _ in rng.uniform(-760, 760) }
        values += (0..<2_000).map { _ in rng.uniform(-1e-3, 1e-3) }
        values += [0, -0.0, 1, -1, 708, -708, 709.78, 709.79, -745.1, -746, 1e-300, .infinity, -.infinity,
                   .nan, .greatestFiniteMagnitude, -.greatestFiniteMagnitude, 0.5 * .ulpOfOne]
        let y = exp(Tensor(values))
        for (x, e) in zip(values, y.scalars) {
            let reference = Foundation.exp(x)
            if reference.isNaN { #expect(e.isNaN); continue }
            if reference.isInfinite || reference == 0 { #expect(e == reference, "exp(\(x))"); continue }
            let ulps = Swift.abs(e - reference) / reference.ulp
            #expect(ulps <= 2, "exp(\(x)) = \(e), libm \(reference): \(ulps) ulp")
        }
    }

    @Test func sigmoidAndSoftplusAreStableAtTheExtremes() {
        let x: Tensor = [-800, -30, 0, 30, 800]
        let s = sigmoid(x)
        #expect(s.isFinite)
        #expect(s.scalars[0] == 0 && s.scalars[2] == 0.5 && s.scalars[4] == 1)
        // sigmoid(-30) as e^-30 / (1 + e^-30) vs 1 / (1 + e^30): ~4 roundings each, <= 1e-15
        // relative; softplus: log1p and one addition, <= 2 ulp. 1e-14 / 1e-15 leave >= 2x.
        expectClose(s.scalars[1], 1 / (1 + Foundation.exp(30)), rtol: 1e-14)
        let sp = softplus(x)
        #expect(sp.isFinite)
        #expect(sp.scalars[0] == 0 && sp.scalars[4] == 800)
        expectClose(sp.scalars[2], Foundation.log(2), rtol: 1e-15)
        expectClose(sp.scalars[3], 30 + Foundation.log1p(Foundation.exp(-30)), rtol: 1e-15)
    }

    @Test func reluAndSign() {
        let x: Tensor = [-2, 0, 3, .nan]
        #expect(Array(relu(x).scalars.prefix(3)) == [0, 0, 3])
        #expect(relu(x).scalars[3].isNaN)  // NaN propagates, as in NumPy
        #expect(x.norm(.infinity).isNaN)
        let s = sign(x)
        #expect(Array(s.scalars.prefix(3)) == [-1, 0, 1])
        #expect(s.scalars[3].isNaN)
    }

    @Test func comparisonsGiveZerosAndOnes() {
        let a: Tensor = [1, 2, 3]
        #expect((a .> 2) == Tensor([0, 0, 1]))
        #expect((a .<= Tensor([3, 2, 1])) == Tensor([1, 1, 0]))
        #expect((a .== 2) == Tensor([0, 1, 0]))
        #expect((a .!= a) == Tensor([0, 0, 0]))
        #expect(Tensor.where(a .>= 2, a, -a) == Tensor([-1, 2, 3]))
    }

    @Test func isCloseUsesRelativeAndAbsoluteTolerance() {
        #expect(Tensor([1, 2]).isClose(to: Tensor([1, 2 + 1e-12]), rtol: 1e-9))
        #expect(!Tensor([1, 2]).isClose(to: Tensor([1, 2.1]), rtol: 1e-9))
        #expect(!Tensor([.nan]).isClose(to: Tensor([.nan])))
        #expect(!Tensor([1]).isClose(to: Tensor([1, 1])))
    }
}
