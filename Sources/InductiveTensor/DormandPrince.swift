import Foundation

/// What an adaptive integration did.
public struct IntegrationStatistics: Sendable, Equatable {
    public var acceptedSteps = 0
    public var rejectedSteps = 0
    public var fieldEvaluations = 0
    public init() {}
}

/// An integration that could not finish: too many steps, a step-size underflow, a state that
/// left the finite numbers, or output times that do not increase.
public struct IntegrationError: Error, Sendable, CustomStringConvertible {
    public let reason: String
    public init(reason: String) { self.reason = reason }
    public var description: String { "integration failed: \(reason)" }
}

/// Adaptive Dormand–Prince 5(4) for dy/dt = f(t, y) (Dormand and Prince 1980; Hairer, Nørsett
/// and Wanner, Table II.5.2): the method of MATLAB's ode45 and SciPy's RK45, with local
/// extrapolation (the fifth-order solution is propagated) and first-same-as-last.
///
/// - Error control: a step is accepted when
///   sqrt(mean_j (e_j / (atol + rtol max(|y_j|, |y_new,j|)))^2) <= 1, e the difference of the
///   embedded solutions; the next step is h min(5, max(0.2, 0.9 err^(-1/5))) (no growth right
///   after a rejection). The global error is of the order of the local tolerance times the
///   number of steps and the flow's growth rate.
/// - Output: steps are shortened to land on each output time exactly, so no interpolation
///   error is added.
/// - Cost: 6 evaluations of f per step.
public struct DormandPrince: Sendable {
    public var relativeTolerance: Double
    public var absoluteTolerance: Double
    /// Refuses to take more than this many steps (a stiff or blowing-up system).
    public var maximumSteps: Int

    public init(relativeTolerance: Double = 1e-10, absoluteTolerance: Double = 1e-12, maximumSteps: Int = 10_000_000) {
        precondition(relativeTolerance > 0 && absoluteTolerance >= 0, "DormandPrince: need rtol > 0 and atol >= 0")
        self.relativeTolerance = relativeTolerance
        self.absoluteTolerance = absoluteTolerance
        self.maximumSteps = maximumSteps
    }

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
    /// Fifth-order weights (the last row of `a`) minus the embedded fourth-order weights.
    static let e: [Double] = [71.0 / 57600, 0, -71.0 / 16695, 71.0 / 1920, -17253.0 / 339200, 22.0 / 525, -1.0 / 40]

    /// The states at `times` (strictly increasing; the first is the start time), flattened
    /// row by row: `states[i * n + j]` is component j at times[i], n = initial.count.
    public func integrate(from initial: [Double], times: [Double], field: (Double, [Double]) -> [Double])
        throws(IntegrationError) -> (states: [Double], statistics: IntegrationStatistics)
    {
        guard let first = times.first else { throw IntegrationError(reason: "no output times") }
        for (a, b) in zip(times, times.dropFirst()) where !(b > a) {
            throw IntegrationError(reason: "output times must increase strictly (\(a) then \(b))")
        }
        let n = initial.count
        let (rtol, atol) = (relativeTolerance, absoluteTolerance)
        var stats = IntegrationStatistics()
        var y = initial
        var t = first
        var out = [Double]()
        out.reserveCapacity(times.count * n)
        out.append(contentsOf: y)
        guard n > 0 else {
            for _ in times.dropFirst() { out.append(contentsOf: y) }
            return (out, stats)
        }
        var k = [[Double]](repeating: [Double](repeating: 0, count: n), count: 7)
        k[0] = field(t, y)
        stats.fieldEvaluations = 1
        // Initial step from the scaled sizes of y and f (Hairer et al., II.4, simplified).
        var d0 = 0.0, d1 = 0.0
        for j in 0..<n {
            let sc = atol + rtol * Swift.abs(y[j])
            d0 += (y[j] / sc) * (y[j] / sc); d1 += (k[0][j] / sc) * (k[0][j] / sc)
        }
        d0 = (d0 / Double(n)).squareRoot(); d1 = (d1 / Double(n)).squareRoot()
        var h = (d0 < 1e-5 || d1 < 1e-5 || !d1.isFinite) ? 1e-6 : 0.01 * d0 / d1
        var stage = [Double](repeating: 0, count: n)
        var yNew = [Double](repeating: 0, count: n)
        var justRejected = false
        for target in times.dropFirst() {
            while t < target {
                if stats.acceptedSteps + stats.rejectedSteps >= maximumSteps {
                    throw IntegrationError(reason: "more than \(maximumSteps) steps before t = \(target) (reached t = \(t))")
                }
                let remaining = target - t
                let landing = h >= remaining * (1 - 1e-12)
                let step = landing ? remaining : h
                if step <= Swift.max(Swift.abs(t), Swift.abs(target)) * Double.ulpOfOne * 4 {
                    throw IntegrationError(reason: "step size underflow at t = \(t)")
                }
                for s in 1..<7 {
                    for j in 0..<n {
                        var acc = y[j]
                        for m in 0..<s { acc += step * Self.a[s][m] * k[m][j] }
                        stage[j] = acc
                    }
                    k[s] = field(t + Self.c[s] * step, stage)
                    if s == 6 { yNew = stage }
                }
                stats.fieldEvaluations += 6
                var err = 0.0
                for j in 0..<n {
                    var e = 0.0
                    for m in 0..<7 { e += Self.e[m] * k[m][j] }
                    e *= step
                    let sc = atol + rtol * Swift.max(Swift.abs(y[j]), Swift.abs(yNew[j]))
                    err += (e / sc) * (e / sc)
                }
                err = (err / Double(n)).squareRoot()
                guard err.isFinite else { throw IntegrationError(reason: "the state left the finite numbers near t = \(t)") }
                let factor = err == 0 ? 5 : Swift.min(5, Swift.max(0.2, 0.9 * Foundation.pow(err, -0.2)))
                if err <= 1 {
                    t = landing ? target : t + step
                    y = yNew
                    k[0] = k[6]  // first same as last
                    stats.acceptedSteps += 1
                    // A shortened landing step says nothing about the natural step: keep h.
                    if !landing { h = step * (justRejected ? Swift.min(1, factor) : factor) }
                    justRejected = false
                } else {
                    stats.rejectedSteps += 1
                    h = step * Swift.min(1, factor)
                    justRejected = true
                }
            }
            out.append(contentsOf: y)
        }
        return (out, stats)
    }

    /// theta(T) of the autonomous flow d theta/dt = field(theta), theta(0) = start (any shape).
    public func integrate(from start: Tensor, time: Double, field: (Tensor) -> Tensor)
        throws(IntegrationError) -> (theta: Tensor, statistics: IntegrationStatistics)
    {
        guard time >= 0 else { throw IntegrationError(reason: "negative time \(time)") }
        if time == 0 { return (start, IntegrationStatistics()) }
        let shape = start.shape
        let (states, stats) = try integrate(from: start.scalars, times: [0, time]) { _, y in
            field(Tensor(shape: shape, scalars: y)).scalars
        }
        return (Tensor(shape: shape, scalars: Array(states[start.count...])), stats)
    }
}
