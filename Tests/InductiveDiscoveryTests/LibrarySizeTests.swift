import InductiveDiscovery
import InductiveTensor
import Testing

/// Libraries are counted without being built, so that discovery can refuse a request before
/// allocating it.
@Suite struct LibrarySizeTests {
    @Test func polynomialCountsMatchTheBuiltLibraries() {
        for variables in 1...5 {
            for degree in 1...5 {
                for constant in [true, false] {
                    let built = PolynomialLibrary(variableNames: (0..<variables).map { "x\($0)" }, degree: degree,
                                                  includeConstant: constant).exponents.count
                    #expect(PolynomialLibrary.termCount(variables: variables, degree: degree, includeConstant: constant) == built)
                }
            }
        }
        #expect(PolynomialLibrary.termCount(variables: 5000, degree: 2) == 12_507_501)   // C(5002, 2)
        #expect(PolynomialLibrary.termCount(variables: 3, degree: 3000) == 4_509_005_501) // C(3003, 3)
        #expect(PolynomialLibrary.termCount(variables: 3, degree: Int.max) == nil)
        #expect(PolynomialLibrary.termCount(variables: 1000, degree: 1000) == nil)
    }

    @Test func pdeCountsMatchTheBuiltLibraries() {
        for degree in 0...4 {
            for maxDerivative in 0...4 where degree + maxDerivative >= 1 {
                #expect(PDELibrary.termCount(degree: degree, maxDerivative: maxDerivative)
                        == PDELibrary(degree: degree, maxDerivative: maxDerivative).terms.count)
            }
        }
        #expect(PDELibrary.termCount(degree: Int.max, maxDerivative: 3) == nil)
        #expect(PDELibrary.termCount(degree: 1 << 40, maxDerivative: 1 << 40) == nil)
    }

    @Test func wideDataIsRefusedBeforeTheLibraryIsBuilt() {
        // 3 samples of 5000 variables: 12.5 million candidate terms, refused at once.
        #expect(throws: DiscoveryError.tooFewSamples(samples: 3, terms: 12_507_501)) {
            try discoverODE(Tensor.zeros([3, 5000]), dt: 0.1)
        }
        #expect(estimatedODEDiscoveryBytes(samples: 3, variables: 5000, degree: 2) > 1e11)
        #expect(estimatedODEDiscoveryBytes(samples: 10, variables: 3, degree: Int.max) == .infinity)
        #expect(estimatedPDEDiscoveryBytes(times: 10, points: 10, degree: Int.max, maxDerivative: 3) == .infinity)
    }

    @Test func hugeSettingsAreRefusedWithoutOverflow() {
        var rng = RandomGenerator(seed: 0)
        let u = Tensor.ones([20, 30])
        var options = PDEDiscoveryOptions()
        options.trim = 1 << 62
        #expect(throws: DiscoveryError.invalidOption(
            "trimming 4611686018427387904 points at each end leaves no data of shape [20, 30]")) {
            try discoverPDE(u, dt: 0.1, dx: 0.1, options: options, using: &rng)
        }
        options = PDEDiscoveryOptions()
        options.derivative = .polynomial(degree: 4, halfWidth: 1 << 62)
        #expect(throws: DiscoveryError.invalidOption(
            "polynomial derivative windows of half-width 4611686018427387904 do not fit in 30 points")) {
            try discoverPDE(u, dt: 0.1, dx: 0.1, options: options, using: &rng)
        }
        options = PDEDiscoveryOptions()
        options.degree = Int.max
        #expect(throws: DiscoveryError.invalidOption(
            "degree 9223372036854775807 and max-derivative 3 give more candidate terms than can be counted")) {
            try discoverPDE(u, dt: 0.1, dx: 0.1, options: options, using: &rng)
        }
        var ode = ODEDiscoveryOptions()
        ode.derivative = .polynomial(degree: Int.max, halfWidth: 5)
        #expect(throws: DiscoveryError.invalidOption(
            "polynomial derivative needs 1 <= degree < 2 halfWidth + 1, got degree 9223372036854775807, halfWidth 5")) {
            try discoverODE(Tensor.ones([50, 2]), dt: 0.1, options: ode)
        }
        ode = ODEDiscoveryOptions()
        ode.variableNames = ["a", "a"]
        #expect(throws: DiscoveryError.invalidOption(
            "variable name 'a' is given twice: names must be distinct")) {
            try discoverODE(Tensor.ones([50, 2]), dt: 0.1, options: ode)
        }
        #expect(throws: DiscoveryError.invalidOption(
            "dt 1e-320 is too small: derivatives divided by it overflow")) {
            try discoverODE(Tensor.ones([50, 2]), dt: 1e-320)
        }
    }
}
