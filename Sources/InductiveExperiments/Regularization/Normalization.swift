import Foundation
import InductiveAutodiff
import InductiveNN
import InductiveReport
import InductiveSolvers
import InductiveTensor

/// Notes, "Data normalization" (a heading without text): standardizing inputs improves the
/// conditioning of least squares and speeds up gradient descent, measured on the shipped
/// handwritten digits.
struct Normalization: Experiment {
    let id = "reg.normalization"
    let section = NotesSection.regularization
    let title = "Standardized inputs condition gradient descent"
    let claim = "Standardizing inputs lowers the condition number of XᵀX and the number of gradient-descent steps to a fixed tolerance."
    let parameters = [
        ParameterSpec("tolerance", "relative suboptimality (J − J*)/(J₀ − J*) to reach", .double(1e-6), minimum: 1e-300, maximum: 0.999),
        ParameterSpec("maxSteps", "cap on gradient-descent steps", quick: .int(20_000), full: .int(100_000), minimum: 1, maximum: 10_000_000),
    ]
    // Two gradient-descent runs (raw and standardized) on the 1797 digits of 64 pixels; the
    // full size is 2.3e10 at the step cap.
    let workBound = WorkBound("2 × maxSteps × 1797 × 64 (two runs of gradient descent on the digits)", limit: 4e11) { p in
        2 * Double(p.int("maxSteps")) * 1797 * 64
    }
    let checks = [
        CheckSpec("condition", "κ(XᵀX) standardized / raw", .lessThan(1)),
        CheckSpec("steps", "GD steps to tolerance, standardized / raw", .lessThan(1)),
    ]

    /// Gradient descent with step 1/lambda_max on J(w) = (1/2n)||Xw - y||^2 from 0; the
    /// steps until the relative suboptimality falls below `tolerance` (capped).
    func stepsToTolerance(_ x: Tensor, _ y: Tensor, tolerance: Double, cap: Int, rng: inout RandomGenerator,
                          progress: @escaping (Double) -> Void) throws -> (steps: Int, reached: Bool, curve: [Double]) {
        let n = Double(x.shape[0])
        let lambdaMax = try eigvalsh(matmul(x, x, transposeA: true) / n).maxAll()
        let wStar = try minimumNormLeastSquares(x, y).coefficients
        let jStar = square(matmul(x, wStar) - y).sumAll() / (2 * n)
        let j0 = square(y).sumAll() / (2 * n)
        var optimizer = GradientDescent(learningRate: 1 / lambdaMax)
        var steps = cap, reached = false
        var curve: [Double] = []
        minimize({ w in square(matmul(Variable(x), w) - Variable(y)).sum() * (0.5 / n) }, from: Tensor.zeros([x.shape[1]]),
                 optimizer: &optimizer, steps: cap, rng: &rng) { k, _, value in
            let gap = (value - jStar) / (j0 - jStar)
            if k % 10 == 0 { curve.append(gap) }
            if k % 1000 == 0 { progress(Double(k) / Double(cap)) }
            if gap < tolerance {
                steps = k
                reached = true
                return false
            }
            return true
        }
        return (steps, reached, curve)
    }

    func run(_ context: inout ExperimentContext) throws {
        let digits = try Dataset.digits()
        let varying = (0..<64).filter { digits.inputs.slice([.all, .index($0)]).variance().scalar > 0 }
        let raw = digits.inputs.take(varying, axis: 1) * 16  // pixel intensities 0..16
        // Least squares of the (centred) label on the pixels, without intercept, the same target
        // for both inputs: only the representation of X differs.
        let y = Tensor(digits.labels!.map(Double.init))
        let (mean, std) = (raw.mean(axes: [0], keepDims: true), raw.standardDeviation(axes: [0], keepDims: true))
        let standardized = (raw - mean) / std
        let yCentered = y - y.mean()
        func kappa(_ x: Tensor) throws -> Double {
            let e = try eigvalsh(matmul(x, x, transposeA: true))
            return e.maxAll() / e.minAll()
        }
        let kRaw = try kappa(raw), kStd = try kappa(standardized)
        context.measure("condition", kStd / kRaw)
        let tolerance = context.parameters.double("tolerance"), cap = context.parameters.int("maxSteps")
        let reporter = context
        let rawRun = try stepsToTolerance(raw, yCentered, tolerance: tolerance, cap: cap, rng: &context.rng) {
            reporter.progress(0.9 * $0, "raw inputs")
        }
        let stdRun = try stepsToTolerance(standardized, yCentered, tolerance: tolerance, cap: cap, rng: &context.rng) {
            reporter.progress(0.9 + 0.1 * $0, "standardized inputs")
        }
        context.measure("steps", Double(stdRun.steps) / Double(rawRun.steps))
        context.record("condition_numbers", .object([(key: "raw", value: .number(kRaw)), (key: "standardized", value: .number(kStd))]))
        context.record("steps", .object([(key: "raw", value: .int(rawRun.steps)), (key: "raw_reached", value: .bool(rawRun.reached)),
                                         (key: "standardized", value: .int(stdRun.steps))]))
        context.note(String(format: "%d pixels with non-zero variance. κ(XᵀX): raw %.3g, standardized %.3g. Steps to %.0e: raw %@%d, standardized %d.",
                            varying.count, kRaw, kStd, tolerance, rawRun.reached ? "" : "more than ", rawRun.steps, stdRun.steps)
                     + (rawRun.reached ? "" : " The raw run hit the step cap, so the measured ratio is an upper bound.")
                     + String(format: " When the standardized run reached the tolerance, the raw one was still at %.2g.",
                              rawRun.curve[Swift.min(stdRun.steps / 10, rawRun.curve.count - 1)]))
        let xs = { (c: [Double]) in (0..<c.count).map { Double($0 * 10 + 1) } }
        context.figure(Figure(
            id: "suboptimality", title: "Gradient descent on raw and standardized digits",
            caption: "Relative suboptimality (J − J*)/(J₀ − J*) of least squares (label as target) with step 1/λ_max.",
            chart: .plot(Plot(x: Axis("step", scale: .log), y: Axis("(J − J*) / (J₀ − J*)", scale: .log),
                              series: [Series("raw pixels", x: xs(rawRun.curve), y: rawRun.curve),
                                       Series("standardized", x: xs(stdRun.curve), y: stdRun.curve)],
                              referenceLines: [.horizontal(tolerance, label: "tolerance")]))))
    }
}
