import Foundation
import InductiveAutodiff
import InductiveNN
import InductiveReport
import InductiveSymmetry
import InductiveTensor

/// Notes, "Random Shuffling": with m minibatch losses C^_k and one epoch of SGD in a random
/// order, E(omega_m) = omega(m eps) + O(m^3 eps^3) for the flow of
/// C~_SGD = C + eps/(4m) sum_k ||grad C^_k||^2, the expectation over the order of the
/// batches (not their composition). Against the plain flow of C the gap is O(m^2 eps^2).
/// With m = 4 batches the expectation is exact: the mean over all 24 orders.
struct SGDModifiedLoss: Experiment {
    let id = "ib.sgd-modified-loss"
    let section = NotesSection.implicitBias
    let title = "The mean SGD iterate follows the flow of C + ε/(4m) Σ‖∇Ĉ_k‖²"
    let claim = "After one epoch of random-reshuffling SGD, the mean iterate (over batch orders) follows the flow of C + ε/(4m) Σ_k ‖∇Ĉ_k‖² to O(ε³), one order better than the plain gradient flow."
    let parameters = [
        ParameterSpec("examples", "training points N", .int(16), minimum: 2, maximum: 10_000),
        ParameterSpec("batches", "m, minibatches per epoch (all m! orders are averaged)", .int(4), minimum: 2, maximum: 6),
        ParameterSpec("hidden", "tanh units", .int(6), minimum: 1, maximum: 200),
        ParameterSpec("stepSizes", "ε grid (mε ≤ 0.16: the asymptotic regime of the expansion)", quick: .doubles([0.04, 0.02, 0.01, 0.005]),
                      full: .doubles([0.04, 0.02, 0.01, 0.005, 0.0025, 0.00125]), minimum: 1e-5, maximum: 1, minimumCount: 3),
        ParameterSpec("tolerance", "relative tolerance of the Dormand–Prince integration", .double(1e-12), minimum: 1e-14, maximum: 1e-4),
    ]
    let checks = [
        CheckSpec("plain-slope", "log-log slope of ‖E[θ_m] − θ_flow(mε)‖ vs ε (plain flow of C)", .within(1.6, 2.4)),
        CheckSpec("modified-slope", "log-log slope of ‖E[θ_m] − θ̃(mε)‖ vs ε (flow of C + ε/(4m) Σ‖∇Ĉ_k‖²)", .within(2.6, 3.4)),
    ]

    func validate(_ p: ParameterValues) -> String? {
        p.int("examples") < p.int("batches") ? "examples (\(p.int("examples"))) must be at least batches (\(p.int("batches")))" : nil
    }

    // Per step size: m! epochs of m gradient steps and two flow integrations of up to about
    // 2000 evaluations, each m Hessian-vector products on N/m examples (30 N hidden / m
    // operations plus 2000 of autodiff overhead per product). The full size is 2.6e8.
    let workBound = WorkBound("stepSizes × (m! × m + 4000 m) × (30 examples × hidden / m + 2000)", limit: 5e9) { p in
        let m = p.int("batches")
        let orders = Double((1...m).reduce(1, *))
        return Double(p.doubles("stepSizes").count) * (orders * Double(m) + 4000 * Double(m))
            * (30 * Double(p.int("examples") * p.int("hidden")) / Double(m) + 2000)
    }

    func run(_ context: inout ExperimentContext) throws {
        let p = context.parameters
        let n = p.int("examples"), m = p.int("batches")
        let problem = BackwardErrorTanhModel(examples: n, hidden: p.int("hidden"), using: &context.rng)
        // One fixed composition: a random partition into m batches of N/m examples.
        let batches = epochBatches(exampleCount: n, batchSize: n / m, sampling: .randomReshuffling, using: &context.rng)
        let batchLosses = batches.map { problem.loss(rows: $0) }
        // C is the mean of the batch losses (equal batch sizes).
        let full: ParameterLoss = { theta in batchLosses.dropFirst().reduce(batchLosses[0](theta)) { $0 + $1(theta) } / Double(m) }
        let loss: BatchLoss = { theta, rows in problem.loss(rows: rows)(theta) }
        let orders = FiniteGroup.allPermutations(m)
        let integrator = DormandPrince(relativeTolerance: p.double("tolerance"), absoluteTolerance: p.double("tolerance") * 1e-2)
        let steps = p.doubles("stepSizes").sorted(by: >)
        var plainErrors: [Double] = [], modifiedErrors: [Double] = [], spreads: [Double] = []
        for (i, eps) in steps.enumerated() {
            let sgd = MinibatchSGD(learningRate: eps, batchSize: n / m)
            var mean = Tensor.zeros(problem.start.shape)
            var iterates: [Tensor] = []
            for order in orders {
                var theta = problem.start
                sgd.run(&theta, batches: order.map { batches[$0] }, loss: loss)
                mean += theta / Double(orders.count)
                iterates.append(theta)
            }
            let time = Double(m) * eps
            let plain = try GradientFlow.plain(full, from: problem.start, time: time, integrator: integrator)
            let modified = try GradientFlow.reshuffled(batchLosses, stepSize: eps, from: problem.start, time: time, integrator: integrator)
            plainErrors.append((mean - plain).norm())
            modifiedErrors.append((mean - modified).norm())
            spreads.append(iterates.map { ($0 - mean).norm() }.max()!)
            context.progress(Double(i + 1) / Double(steps.count))
        }
        let plainSlope = Statistics.logLogSlope(x: steps, y: plainErrors)
        let modifiedSlope = Statistics.logLogSlope(x: steps, y: modifiedErrors)
        context.measure("plain-slope", plainSlope)
        context.measure("modified-slope", modifiedSlope)
        context.record("step_sizes", steps)
        context.record("error_plain_flow", plainErrors)
        context.record("error_modified_flow", modifiedErrors)
        context.record("largest_order_spread", spreads)
        context.note(String(format: "m = %d batches of %d, mean over all %d orders (the exact expectation over orders). At ε = %g the mean iterate is %.2e from the plain flow and %.2e from the modified flow; single orders scatter up to %.2e around their mean (O(ε²), the variance term the mean removes).",
                            m, n / m, orders.count, steps.last!, plainErrors.last!, modifiedErrors.last!, spreads.last!))
        let tight = Swift.max(p.double("tolerance") / 100, 1e-13)
        let tighter = DormandPrince(relativeTolerance: tight, absoluteTolerance: tight * 1e-2)
        let last = try GradientFlow.reshuffled(batchLosses, stepSize: steps.last!, from: problem.start, time: Double(m) * steps.last!, integrator: integrator)
        let refined = try GradientFlow.reshuffled(batchLosses, stepSize: steps.last!, from: problem.start, time: Double(m) * steps.last!, integrator: tighter)
        context.note(String(format: "Integrator check: tightening the Dormand–Prince tolerance to %.0e moves the last modified flow by %.1e, against a smallest measured distance of %.1e.",
                            tight, (last - refined).norm(), modifiedErrors.min()!))
        let guide = { (errors: [Double], slope: Double) in
            ReferenceLine.powerLaw(exponent: slope, through: (steps.last!, errors.last!), label: String(format: "ε^%.0f", slope))
        }
        context.figure(Figure(
            id: "errors", title: "Mean SGD iterate after one epoch vs two flows",
            caption: "One epoch of m = \(m) steps with random reshuffling, averaged over all \(orders.count) batch orders; the flows integrated to time mε by Dormand–Prince.",
            chart: .plot(Plot(x: Axis("step size ε", scale: .log), y: Axis("‖E[θ_m] − θ_flow(mε)‖", scale: .log),
                              series: [Series("plain flow of C", x: steps, y: plainErrors, style: .lineAndMarkers),
                                       Series("flow of C + ε/(4m) Σ‖∇Ĉ_k‖²", x: steps, y: modifiedErrors, style: .lineAndMarkers)],
                              referenceLines: [guide(plainErrors, 2), guide(modifiedErrors, 3)]))))
    }
}
