import Foundation
import InductiveTensor

/// A trajectory sampled at given times.
public struct ODESolution: Sendable, Equatable {
    /// Output times, shape [nt].
    public var t: Tensor
    /// States, shape [nt, dimension]; row i is the state at t[i].
    public var y: Tensor
    /// Steps accepted by the integrator.
    public var acceptedSteps: Int
    /// Steps rejected by the error control (0 for fixed-step methods).
    public var rejectedSteps: Int
    /// Right-hand-side evaluations.
    public var evaluations: Int
}

/// Classical fourth-order Runge-Kutta with a fixed step, output every `substeps` steps:
///
///     k1 = f(t, y), k2 = f(t + h/2, y + h/2 k1), k3 = f(t + h/2, y + h/2 k2), k4 = f(t + h, y + h k3)
///     y <- y + h/6 (k1 + 2 k2 + 2 k3 + k4),   h = interval / substeps.
///
/// - Returns: `count` states at t0, t0 + interval, ..., t0 + (count - 1) interval.
/// - Error: global O(h^4). Cost: 4 evaluations per step.
public func rungeKutta4(
    _ system: ODESystem, initial: [Double], start t0: Double = 0, interval: Double, count: Int, substeps: Int = 1
) -> ODESolution {
    precondition(initial.count == system.dimension, "rungeKutta4: initial state has \(initial.count) entries for a system of dimension \(system.dimension)")
    precondition(count >= 1 && substeps >= 1 && interval > 0, "rungeKutta4: need count >= 1, substeps >= 1, interval > 0")
    let n = system.dimension
    let h = interval / Double(substeps)
    var y = initial
    var out = [Double]()
    out.reserveCapacity(count * n)
    out.append(contentsOf: y)
    var t = t0
    var stage = [Double](repeating: 0, count: n)
    for i in 1..<Swift.max(count, 1) {
        for s in 0..<substeps {
            let k1 = system.rightHandSide(t, y)
            for j in 0..<n { stage[j] = y[j] + 0.5 * h * k1[j] }
            let k2 = system.rightHandSide(t + 0.5 * h, stage)
            for j in 0..<n { stage[j] = y[j] + 0.5 * h * k2[j] }
            let k3 = system.rightHandSide(t + 0.5 * h, stage)
            for j in 0..<n { stage[j] = y[j] + h * k3[j] }
            let k4 = system.rightHandSide(t + h, stage)
            for j in 0..<n { y[j] += h / 6 * (k1[j] + 2 * k2[j] + 2 * k3[j] + k4[j]) }
            // Recompute t from the index to avoid accumulating rounding in t.
            t = t0 + (Double(i - 1) + Double(s + 1) / Double(substeps)) * interval
        }
        out.append(contentsOf: y)
    }
    let steps = (count - 1) * substeps
    return ODESolution(t: Tensor((0..<count).map { t0 + Double($0) * interval }),
                       y: Tensor(shape: [count, n], scalars: out),
                       acceptedSteps: steps, rejectedSteps: 0, evaluations: 4 * steps)
}

/// Adaptive Dormand-Prince 5(4) (`InductiveTensor.DormandPrince`: ode45's method, error
/// control in the RMS norm of the scaled embedded error, steps shortened to land on each output
/// time) on an `ODESystem`.
///
/// - Throws: `DiscoveryError.integrationFailed` if the step size underflows, more than
///   `maxSteps` steps are needed or the state stops being finite; `DiscoveryError` for
///   unsorted times.
public func dormandPrince(
    _ system: ODESystem, initial: [Double], times: [Double], rtol: Double = 1e-9, atol: Double = 1e-12,
    maxSteps: Int = 10_000_000
) throws -> ODESolution {
    precondition(initial.count == system.dimension, "dormandPrince: initial state has \(initial.count) entries for a system of dimension \(system.dimension)")
    precondition(rtol > 0 && atol >= 0, "dormandPrince: need rtol > 0 and atol >= 0")
    guard !times.isEmpty else { throw DiscoveryError.invalidOption("dormandPrince: no output times") }
    for (a, b) in zip(times, times.dropFirst()) where !(b > a) {
        throw DiscoveryError.invalidOption("dormandPrince: output times must increase strictly (\(a) then \(b))")
    }
    let integrator = DormandPrince(relativeTolerance: rtol, absoluteTolerance: atol, maximumSteps: maxSteps)
    do {
        let (states, stats) = try integrator.integrate(from: initial, times: times, field: system.rightHandSide)
        return ODESolution(t: Tensor(times), y: Tensor(shape: [times.count, system.dimension], scalars: states),
                           acceptedSteps: stats.acceptedSteps, rejectedSteps: stats.rejectedSteps,
                           evaluations: stats.fieldEvaluations)
    } catch {
        throw DiscoveryError.integrationFailed(error.reason)
    }
}
