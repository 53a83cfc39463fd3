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

// Dormand-Prince 5(4) tableau (Dormand and Prince 1980; Hairer, Norsett and Wanner, Table 5.2).
private let dpC: [Double] = [0, 1.0 / 5, 3.0 / 10, 4.0 / 5, 8.0 / 9, 1, 1]
private let dpA: [[Double]] = [
    [],
    [1.0 / 5],
    [3.0 / 40, 9.0 / 40],
    [44.0 / 45, -56.0 / 15, 32.0 / 9],
    [19372.0 / 6561, -25360.0 / 2187, 64448.0 / 6561, -212.0 / 729],
    [9017.0 / 3168, -355.0 / 33, 46732.0 / 5247, 49.0 / 176, -5103.0 / 18656],
    [35.0 / 384, 0, 500.0 / 1113, 125.0 / 192, -2187.0 / 6784, 11.0 / 84],
]
/// Fifth-order weights minus the embedded fourth-order weights.
private let dpE: [Double] = [71.0 / 57600, 0, -71.0 / 16695, 71.0 / 1920, -17253.0 / 339200, 22.0 / 525, -1.0 / 40]

/// Adaptive Dormand-Prince 5(4) (the method of MATLAB's ode45 and SciPy's RK45), with
/// local extrapolation (the fifth-order solution is propagated) and first-same-as-last.
///
/// - Error control: a step is accepted when
///   sqrt(mean_j (e_j / (atol + rtol max(|y_j|, |y_new,j|)))^2) <= 1, e the difference of the
///   embedded solutions; the next step is h * min(5, max(0.2, 0.9 err^(-1/5))) (no growth right
///   after a rejection).
/// - Output: the states at `times` (ascending; the first is the start time). Steps are
///   shortened to land on each output time exactly, so no interpolation error is added.
/// - Throws: `DiscoveryError.integrationFailed` if the step size underflows or more than
///   `maxSteps` steps are needed; `DiscoveryError` for unsorted times or a non-finite state.
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
    let n = system.dimension
    var y = initial
    var t = times[0]
    var out = [Double]()
    out.reserveCapacity(times.count * n)
    out.append(contentsOf: y)
    var k = [[Double]](repeating: [Double](repeating: 0, count: n), count: 7)
    k[0] = system.rightHandSide(t, y)
    var evaluations = 1
    // Initial step from the scaled sizes of y and f (Hairer et al., II.4, simplified).
    var d0 = 0.0, d1 = 0.0
    for j in 0..<n {
        let sc = atol + rtol * Swift.abs(y[j])
        d0 += (y[j] / sc) * (y[j] / sc); d1 += (k[0][j] / sc) * (k[0][j] / sc)
    }
    d0 = (d0 / Double(n)).squareRoot(); d1 = (d1 / Double(n)).squareRoot()
    var h = (d0 < 1e-5 || d1 < 1e-5) ? 1e-6 : 0.01 * d0 / d1
    var accepted = 0, rejected = 0
    var stage = [Double](repeating: 0, count: n)
    var yNew = [Double](repeating: 0, count: n)
    var justRejected = false
    for target in times.dropFirst() {
        while t < target {
            if accepted + rejected >= maxSteps {
                throw DiscoveryError.integrationFailed("more than \(maxSteps) steps before t = \(target)")
            }
            let remaining = target - t
            let landing = h >= remaining * (1 - 1e-12)
            let step = landing ? remaining : h
            if step <= Swift.abs(t) * Double.ulpOfOne * 4 {
                throw DiscoveryError.integrationFailed("step size underflow at t = \(t)")
            }
            for s in 1..<7 {
                for j in 0..<n {
                    var acc = y[j]
                    for m in 0..<s { acc += step * dpA[s][m] * k[m][j] }
                    stage[j] = acc
                }
                k[s] = system.rightHandSide(t + dpC[s] * step, stage)
                if s == 6 { yNew = stage }
            }
            evaluations += 6
            var err = 0.0
            for j in 0..<n {
                var e = 0.0
                for m in 0..<7 { e += dpE[m] * k[m][j] }
                e *= step
                let sc = atol + rtol * Swift.max(Swift.abs(y[j]), Swift.abs(yNew[j]))
                err += (e / sc) * (e / sc)
            }
            err = (err / Double(n)).squareRoot()
            guard err.isFinite else {
                throw DiscoveryError.integrationFailed("non-finite state near t = \(t)")
            }
            let factor = err == 0 ? 5 : Swift.min(5, Swift.max(0.2, 0.9 * Foundation.pow(err, -0.2)))
            if err <= 1 {
                t = landing ? target : t + step
                y = yNew
                k[0] = k[6]  // first same as last
                accepted += 1
                // A shortened landing step says nothing about the natural step: keep h.
                if !landing { h = step * (justRejected ? Swift.min(1, factor) : factor) }
                justRejected = false
            } else {
                rejected += 1
                h = step * Swift.min(1, factor)
                justRejected = true
            }
        }
        out.append(contentsOf: y)
    }
    return ODESolution(t: Tensor(times), y: Tensor(shape: [times.count, n], scalars: out),
                       acceptedSteps: accepted, rejectedSteps: rejected, evaluations: evaluations)
}
