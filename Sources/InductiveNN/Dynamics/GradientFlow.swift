import Foundation
import InductiveAutodiff
import InductiveTensor

/// What an adaptive integration did: accepted and rejected steps, vector-field evaluations.
public struct FlowStatistics: Sendable, Equatable {
    public var acceptedSteps = 0
    public var rejectedSteps = 0
    public var fieldEvaluations = 0
    public init() {}
}

/// A high-accuracy integrator of an autonomous flow d theta/dt = F(theta) on a parameter
/// vector: the Dormand–Prince 5(4) pair (Dormand and Prince 1980) with local extrapolation
/// and step-size control, so that "gradient descent after n steps" can be compared with
/// "the flow at time n eps".
///
/// Error control: a step is accepted when the embedded error estimate satisfies
/// max_i |e_i| / (atol + rtol max(|theta_i|, |theta'_i|)) <= 1; the step then changes by
/// 0.9 (1/err)^(1/5), clamped to [0.2, 5]. The global error at time T is of order the local
/// tolerance times the number of steps and the flow's growth rate; for the contracting flows
/// of gradient descent near a minimum it stays within a small multiple of the tolerance.
/// Cost: 6 field evaluations per accepted step (first-same-as-last).
public struct DormandPrince: Sendable {
    public var relativeTolerance: Double
    public var absoluteTolerance: Double
    /// Refuses to take more than this many steps (a stiff or blowing-up flow).
    public var maximumSteps: Int

    public init(relativeTolerance: Double = 1e-10, absoluteTolerance: Double = 1e-12, maximumSteps: Int = 1_000_000) {
        precondition(relativeTolerance > 0 && absoluteTolerance > 0, "DormandPrince: tolerances must be positive")
        self.relativeTolerance = relativeTolerance
        self.absoluteTolerance = absoluteTolerance
        self.maximumSteps = maximumSteps
    }

    // Butcher tableau of DOPRI5.
    static let c: [Double] = [0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1]
    static let a: [[Double]] = [
        [],
        [1.0 / 5],
        [3.0 / 40, 9.0 / 40],
        [44.0 / 45, -56.0 / 15, 32.0 / 9],
        [19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729],
        [9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656],
        [35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84],
    ]
    // Fifth-order weights (= the last row of a) minus the embedded fourth-order weights.
    static let e: [Double] = [71.0 / 57600, 0, -71.0 / 16695, 71.0 / 1920, -17253.0 / 339200, 22.0 / 525, -1.0 / 40]

    /// theta(T) for d theta/dt = field(theta), theta(0) = start. Throws `FlowError` when the
    /// step count exceeds `maximumSteps` or the state stops being finite.
    public func integrate(from start: Tensor, time: Double, field: (Tensor) -> Tensor) throws -> (theta: Tensor, statistics: FlowStatistics) {
        precondition(time >= 0, "DormandPrince: time must be non-negative")
        var stats = FlowStatistics()
        var y = start
        var t = 0.0
        if time == 0 { return (y, stats) }
        var k1 = field(y)
        stats.fieldEvaluations += 1
        // Initial step from the field's size (Hairer et al.'s simple rule).
        let scale = Swift.max(k1.norm(.infinity), 1e-300)
        var h = Swift.min(time, 0.01 * Swift.max(y.norm(.infinity), 1) / scale)
        while t < time {
            if stats.acceptedSteps + stats.rejectedSteps >= maximumSteps {
                throw FlowError(reason: "more than \(maximumSteps) steps before t = \(time) (reached t = \(t))")
            }
            if t + h > time { h = time - t }
            var k = [k1]
            for s in 1..<7 {
                var ys = y
                for j in 0..<s where Self.a[s][j] != 0 { ys.addScaled(k[j], h * Self.a[s][j]) }
                if s == 6 {
                    k.append(field(ys))
                    stats.fieldEvaluations += 1
                    // ys is the fifth-order solution.
                    var err = Tensor.zeros(y.shape)
                    for j in 0..<7 where Self.e[j] != 0 { err.addScaled(k[j], h * Self.e[j]) }
                    let ratio = errorRatio(err, y, ys)
                    guard ratio.isFinite, ys.isFinite else { throw FlowError(reason: "the flow left the finite numbers at t = \(t)") }
                    if ratio <= 1 {
                        t += h
                        y = ys
                        k1 = k[6]
                        stats.acceptedSteps += 1
                    } else {
                        stats.rejectedSteps += 1
                    }
                    let factor = ratio == 0 ? 5 : Swift.min(5, Swift.max(0.2, 0.9 * Foundation.pow(1 / ratio, 0.2)))
                    h *= factor
                } else {
                    k.append(field(ys))
                    stats.fieldEvaluations += 1
                }
            }
        }
        return (y, stats)
    }

    func errorRatio(_ err: Tensor, _ y0: Tensor, _ y1: Tensor) -> Double {
        var worst = 0.0
        for i in 0..<err.count {
            let sc = absoluteTolerance + relativeTolerance * Swift.max(Swift.abs(y0[flat: i]), Swift.abs(y1[flat: i]))
            worst = Swift.max(worst, Swift.abs(err[flat: i]) / sc)
        }
        return worst
    }
}

/// An integration that could not finish.
public struct FlowError: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { "flow integration failed: \(reason)" }
}

/// The gradient flows compared with gradient descent, integrated by `DormandPrince`.
public enum GradientFlow {
    /// theta(T) of d theta/dt = -grad C(theta) (autodiff gradients).
    public static func plain(_ loss: ParameterLoss, from start: Tensor, time: Double,
                             integrator: DormandPrince = DormandPrince()) throws -> Tensor {
        try integrator.integrate(from: start, time: time) { -gradient(at: $0, of: loss) }.theta
    }

    /// theta(T) of the modified flow of gradient descent with step eps,
    /// d theta/dt = -grad(C + (eps/4) ||grad C||^2) = -(grad C + (eps/2) H grad C).
    public static func modified(_ loss: ParameterLoss, stepSize eps: Double, from start: Tensor, time: Double,
                                integrator: DormandPrince = DormandPrince()) throws -> Tensor {
        try integrator.integrate(from: start, time: time) {
            -ModifiedLoss.gradientDescentGradient(at: $0, loss: loss, stepSize: eps)
        }.theta
    }

    /// theta(T) of the modified flow of one epoch of random reshuffling over m minibatch
    /// losses, d theta/dt = -grad(C + eps/(4m) sum_k ||grad C^_k||^2).
    public static func reshuffled(_ batchLosses: [ParameterLoss], stepSize eps: Double, from start: Tensor, time: Double,
                                  integrator: DormandPrince = DormandPrince()) throws -> Tensor {
        try integrator.integrate(from: start, time: time) {
            -ModifiedLoss.randomReshufflingGradient(at: $0, batchLosses: batchLosses, stepSize: eps)
        }.theta
    }
}
