import InductiveDiscovery
import InductiveTensor
import InductiveTestSupport
import Testing

@Suite struct CandidateLibraryTests {
    @Test func polynomialNamesInGradedLexicographicOrder() {
        let library = PolynomialLibrary(variableNames: ["x", "y", "z"], degree: 2)
        #expect(library.names == ["1", "x", "y", "z", "x^2", "x*y", "x*z", "y^2", "y*z", "z^2"])
        #expect(PolynomialLibrary(variableNames: ["x", "y"], degree: 3).names
                == ["1", "x", "y", "x^2", "x*y", "y^2", "x^3", "x^2*y", "x*y^2", "y^3"])
        #expect(PolynomialLibrary(variableNames: ["a"], degree: 2, includeConstant: false).names == ["a", "a^2"])
        // C(d + degree, degree) terms.
        #expect(PolynomialLibrary(variableNames: ["a", "b", "c", "d"], degree: 3).exponents.count == 35)
    }

    @Test func polynomialEvaluation() {
        let library = PolynomialLibrary(variableNames: ["x", "y"], degree: 2)
        let theta = library.evaluate(Tensor([[2, 3], [-1, 0.5]]))
        #expect(theta == Tensor([[1, 2, 3, 4, 6, 9], [1, -1, 0.5, 1, -0.5, 0.25]]))
    }

    /// Without the constant the degree-1 terms have no parent term and take the power path;
    /// the rest are built from them. Small integers: every product is exact.
    @Test func polynomialEvaluationWithoutConstant() {
        let library = PolynomialLibrary(variableNames: ["x", "y"], degree: 3, includeConstant: false)
        let theta = library.evaluate(Tensor([[2, 3], [-1, 5]]))
        #expect(theta == Tensor([[2, 3, 4, 6, 9, 8, 12, 18, 27], [-1, 5, 1, -5, 25, -1, 5, -25, 125]]))
    }

    @Test func pdeNamesPutPowersOfUFirst() {
        let library = PDELibrary(degree: 2, maxDerivative: 3)
        #expect(library.names == ["1", "u", "u^2", "u_x", "u*u_x", "u^2*u_x", "u_xx", "u*u_xx", "u^2*u_xx",
                                  "u_xxx", "u*u_xxx", "u^2*u_xxx"])
    }

    @Test func pdeEvaluation() {
        let library = PDELibrary(degree: 1, maxDerivative: 2)
        let theta = library.evaluate(u: Tensor([2, 3]), derivatives: [Tensor([5, 7]), Tensor([11, 13])])
        // 1, u, u_x, u*u_x, u_xx, u*u_xx
        #expect(theta == Tensor([[1, 2, 5, 10, 11, 22], [1, 3, 7, 21, 13, 39]]))
    }
}
