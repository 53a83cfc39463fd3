import Foundation
import InductiveTensor
import InductiveTestSupport
import Testing

/// Both rules are exact for polynomials of degree < 2n; the only error is the rounding of an
/// n-term weighted sum of O(1) terms and of the eigensolver (a few n·ε), hence 1e-13.
@Suite struct QuadratureTests {
    @Test(arguments: [1, 2, 5, 12, 20])
    func legendreIsExactForPolynomialsBelowDegreeTwoN(n: Int) {
        let rule = GaussLegendre.nodes(n)
        #expect(rule.points.count == n)
        for degree in 0..<(2 * n) {
            let integral = zip(rule.points, rule.weights).map { Foundation.pow($0, Double(degree)) * $1 }.reduce(0, +)
            let exact = degree % 2 == 0 ? 2 / Double(degree + 1) : 0
            #expect(abs(integral - exact) < 1e-13, "n = \(n), degree \(degree): \(integral) vs \(exact)")
        }
    }

    @Test func legendreIsNotExactAtDegreeTwoN() {
        // x^(2n) is the first monomial the rule misses: the check above can fail.
        let n = 4, rule = GaussLegendre.nodes(n)
        let integral = zip(rule.points, rule.weights).map { Foundation.pow($0, Double(2 * n)) * $1 }.reduce(0, +)
        #expect(abs(integral - 2 / Double(2 * n + 1)) > 1e-3)
    }

    @Test(arguments: [3, 10, 40])
    func hermiteGivesTheGaussianMoments(n: Int) {
        // E[Z^(2k)] = (2k - 1)!! for Z ~ N(0, 1), exact while 2k < 2n. Up to degree 16 only: a
        // weight w_i = v_i^2 carries an absolute error ~ 2ε sqrt(w_i) from its eigenvector, which
        // the factor x_i^(2k) of an outer node amplifies; to degree 16 that stays below 1e-13
        // of the moment, so 1e-12 relative.
        let rule = GaussianQuadrature.nodes(n)
        var doubleFactorial = 1.0
        for k in 0..<Swift.min(n, 9) {
            if k > 0 { doubleFactorial *= Double(2 * k - 1) }
            let moment = zip(rule.points, rule.weights).map { Foundation.pow($0, Double(2 * k)) * $1 }.reduce(0, +)
            #expect(abs(moment - doubleFactorial) <= 1e-12 * doubleFactorial, "n = \(n), E[Z^\(2 * k)]")
        }
    }
}
