import Foundation
import InductiveAutodiff
import InductiveNN
import InductiveReport
import InductiveSolvers
import InductiveTensor

/// Notes, "Minimum norm solution in least-square problem": for a fat A = U [Sigma_1 0] V^T
/// of full row rank, gradient descent on (1/2)||Ax - b||^2 with a stable step converges to
/// x_inf = V_2 V_2^T x_0 + V_1 Sigma_1^-1 U^T b: the least-norm solution plus the part of x_0
/// in the null space, which never moves. From x_0 = 0 it is the least-norm solution.
struct MinimumNorm: Experiment {
    let id = "ib.min-norm"
    let section = NotesSection.implicitBias
    let title = "Gradient descent finds the minimum-norm solution"
    let claim = "Gradient descent on an underdetermined least-squares problem from x₀ converges to V₂V₂ᵀx₀ + x_LN; from 0, to the least-norm solution x_LN."
    let parameters = [
        ParameterSpec("rows", "equations m", .int(20), minimum: 1, maximum: 2000),
        ParameterSpec("columns", "unknowns n > m", .int(50), minimum: 2, maximum: 5000),
        ParameterSpec("starts", "random starting points besides 0", .int(3), minimum: 0, maximum: 100),
        ParameterSpec("steps", "gradient-descent steps", .int(3000), minimum: 1, maximum: 1_000_000),
    ]
    let checks = [
        CheckSpec("zero", "from x₀ = 0: ‖x_GD − x_LN‖ / ‖x_LN‖", .lessThan(1e-8)),
        CheckSpec("start", "from random x₀ (worst): ‖x_GD − (V₂V₂ᵀx₀ + x_LN)‖ / ‖V₂V₂ᵀx₀ + x_LN‖", .lessThan(1e-8)),
    ]

    // Every gradient-descent step multiplies by A and Aᵀ (rows × columns, plus 1000 of
    // overhead), from each start; the full SVD costs columns³. The full size is 2.4e7.
    let workBound = WorkBound("(starts + 1) × steps × (rows × columns + 1000) + columns³", limit: 5e8) { p in
        let n = Double(p.int("columns"))
        return Double(p.int("starts") + 1) * Double(p.int("steps")) * (Double(p.int("rows")) * n + 1000) + n * n * n
    }

    func validate(_ p: ParameterValues) -> String? {
        p.int("columns") > p.int("rows") ? nil : "the problem must be underdetermined: columns > rows"
    }

    func run(_ context: inout ExperimentContext) throws {
        let m = context.parameters.int("rows"), n = context.parameters.int("columns")
        let a = Tensor.randomNormal([m, n], using: &context.rng), b = Tensor.randomNormal([m], using: &context.rng)
        // The limits from the SVD, exactly as the notes write them.
        let (u, s, vt) = try svd(a, fullMatrices: true)
        let v1 = vt.slice([.range(0..<m)]).transposed(), v2 = vt.slice([.range(m..<n)]).transposed()
        let xLN = matmul(v1, matmul(u, b, transposeA: true) / s)
        // The solvers' minimum-norm least squares (dgelsd) agrees: a cross-check of both.
        let solverGap = (try minimumNormLeastSquares(a, b).coefficients - xLN).norm() / xLN.norm()
        let mu = 1 / (s.maxAll() * s.maxAll())
        let steps = context.parameters.int("steps")
        var starts = [Tensor.zeros([n])]
        for _ in 0..<context.parameters.int("starts") { starts.append(Tensor.randomNormal([n], using: &context.rng)) }
        var worst = 0.0
        var plotSeries: [Series] = []
        for (k, x0) in starts.enumerated() {
            let limit = matmul(v2, matmul(v2, x0, transposeA: true)) + xLN
            var optimizer = GradientDescent(learningRate: mu)
            var distances: [Double] = []
            let x = minimize({ x in square(matmul(Variable(a), x) - Variable(b)).sum() * 0.5 }, from: x0,
                             optimizer: &optimizer, steps: steps, rng: &context.rng) { _, x, _ in
                distances.append((x - xLN).norm() / xLN.norm())
                return true
            }
            let error = (x - limit).norm() / limit.norm()
            if k == 0 { context.measure("zero", error) } else { worst = Swift.max(worst, error) }
            let stride = Swift.max(1, steps / 300)
            let idx = Swift.Array(Swift.stride(from: 0, to: distances.count, by: stride))
            plotSeries.append(Series(k == 0 ? "x₀ = 0" : "random x₀ #\(k)", x: idx.map { Double($0) }, y: idx.map { distances[$0] }))
            context.record("distance_to_least_norm_start_\(k)", idx.map { distances[$0] })
            context.progress(Double(k + 1) / Double(starts.count))
        }
        context.measure("start", worst)
        context.note(String(format: "The solvers' minimum-norm least squares (LAPACK dgelsd) differs from V₁Σ₁⁻¹Uᵀb by %.1e (relative).", solverGap))
        context.figure(Figure(
            id: "distance-to-least-norm", title: "Distance to the least-norm solution during gradient descent",
            caption: "From 0 the distance vanishes; from a random start it levels off at ‖V₂V₂ᵀx₀‖ / ‖x_LN‖, the null-space component that gradient descent never changes.",
            chart: .plot(Plot(x: Axis("iteration"), y: Axis("‖x − x_LN‖ / ‖x_LN‖", scale: .log), series: plotSeries))))
    }
}
