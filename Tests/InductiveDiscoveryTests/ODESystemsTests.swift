import InductiveDiscovery
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct ODESystemsTests {
    @Test(arguments: [ODESystem.lorenz(), .vanDerPol(mu: 1.5), .dampedOscillator(omega: 2, zeta: 0.3), .lotkaVolterra()])
    func polynomialTermsDescribeTheRightHandSide(system: ODESystem) throws {
        // Evaluate the stated polynomial terms through the library and compare with f.
        let library = PolynomialLibrary(variableNames: system.variableNames, degree: 3)
        var rng = RandomGenerator(seed: 1)
        let states = Tensor.randomNormal([20, system.dimension], using: &rng)
        let theta = library.evaluate(states)
        let terms = try #require(system.polynomialTerms)
        for i in 0..<20 {
            let f = system.rightHandSide(0, states.row(i).scalars)
            for (v, equation) in terms.enumerated() {
                for name in equation.keys { #expect(library.names.contains(name), "\(system.name): unknown term \(name)") }
                let value = library.names.enumerated().reduce(0.0) { $0 + (equation[$1.element] ?? 0) * theta[i, $1.offset] }
                // Sums of <= 4 terms (coefficients <= 28, monomials of degree <= 3, each a few roundings)
                // against f's own few operations: both within ~4 eps of sum|terms|, which reaches ~300
                // and can exceed |f| by cancellation; the fixed atol 1e-13 was below 8 eps sum|terms|,
                // the scale-aware bound used now.
                let termScale = library.names.enumerated().reduce(0.0) { $0 + Swift.abs((equation[$1.element] ?? 0) * theta[i, $1.offset]) }
                expectClose(value, f[v], rtol: 1e-13, atol: 8 * Double.ulpOfOne * termScale)
            }
        }
    }
}
