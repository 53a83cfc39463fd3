import Foundation
import InductiveTensor
import Testing

@Suite struct DormandPrinceTests {
    /// y' = A y with A = [[-0.1, 1], [-1, -0.1]] (a damped rotation): y(t) = e^{-0.1 t} R(t) y0.
    @Test func dampedRotationMatchesItsClosedFormAtEveryOutputTime() throws {
        let times = (0...20).map { Double($0) * 0.5 }
        let integrator = DormandPrince(relativeTolerance: 1e-10, absoluteTolerance: 1e-12)
        let (states, stats) = try integrator.integrate(from: [1.5, -0.5], times: times) { _, y in
            [-0.1 * y[0] + y[1], -y[0] - 0.1 * y[1]]
        }
        // A contracting flow: the global error stays within the accepted steps times the local
        // tolerance (RMS over 2 components: sqrt(2) in a component).
        let bound = Double(stats.acceptedSteps) * 2.0.squareRoot() * (1e-10 * 1.6 + 1e-12)
        for (i, t) in times.enumerated() {
            let d = exp(-0.1 * t)
            let exact = [d * (1.5 * cos(t) - 0.5 * sin(t)), d * (-1.5 * sin(t) - 0.5 * cos(t))]
            for j in 0..<2 { #expect(abs(states[i * 2 + j] - exact[j]) < bound, "t = \(t)") }
        }
        #expect(stats.fieldEvaluations == 1 + 6 * (stats.acceptedSteps + stats.rejectedSteps))
    }

    @Test func theTensorFormKeepsTheShape() throws {
        let start = Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])
        let (theta, _) = try DormandPrince().integrate(from: start, time: 1) { -$0 }
        #expect(theta.shape == [2, 2])
        for i in 0..<4 { #expect(abs(theta[flat: i] - start[flat: i] * exp(-1)) < 1e-9) }
    }

    @Test func failuresAreErrors() {
        // y' = y^2 from y = 1 blows up at t = 1.
        #expect(throws: IntegrationError.self) {
            _ = try DormandPrince(maximumSteps: 500).integrate(from: [1.0], times: [0, 2]) { _, y in [y[0] * y[0]] }
        }
        #expect(throws: IntegrationError.self) {
            _ = try DormandPrince().integrate(from: [1.0], times: [0, 1, 1]) { _, y in y }
        }
    }
}
