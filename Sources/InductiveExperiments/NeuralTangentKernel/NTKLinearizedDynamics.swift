import Foundation
import InductiveAutodiff
import InductiveKernels
import InductiveNN
import InductiveReport
import InductiveTensor

/// Notes, "Neural Tangent Kernel": linearizing the network around its initialization,
/// gradient descent on the MSE gives f(t) = Y + exp(-eta K t)(f_0 - Y) on the training set
/// (and the kernel formula on test points). Measured: a wide network trained by gradient
/// descent against the linearized model built from its own empirical NTK at initialization.
struct NTKLinearizedDynamics: Experiment {
    let id = "ntk.linearized-dynamics"
    let section = NotesSection.neuralTangentKernel
    let title = "A wide network follows its linearization"
    let claim = "A wide network trained by gradient descent follows the linearized model f(t) = Y + exp(−ηKt)(f₀ − Y) on the training set, and the kernel formula on test points."
    let parameters = [
        ParameterSpec("width", "hidden width n", quick: .int(512), full: .int(4096), minimum: 1, maximum: 16384),
        ParameterSpec("trainPoints", "training inputs on the unit circle", .int(20), minimum: 2, maximum: 1000),
        ParameterSpec("testPoints", "test inputs on the unit circle", .int(50), minimum: 1, maximum: 1000),
        ParameterSpec("stepFraction", "learning rate as a fraction of 2 / λ_max(K₀) (below 1: beyond, gradient descent diverges)", .double(0.5), minimum: 1e-6, maximum: 0.999),
        ParameterSpec("steps", "gradient-descent steps", .int(400), minimum: 1, maximum: 20_000),
    ]
    let checks = [
        CheckSpec("train", "max over steps of ‖f_net − f_lin‖ / ‖Y‖ on the training set", .lessThan(0.02), quick: .lessThan(0.1)),
        CheckSpec("test", "max over steps of ‖f_net − f_lin‖ / ‖Y‖ on test points", .lessThan(0.05), quick: .lessThan(0.15)),
    ]

    func validate(_ p: ParameterValues) -> String? {
        // The outputs of network and linearized model at every step are kept.
        let kept = Double(p.int("steps")) * Double(p.int("trainPoints") + p.int("testPoints"))
        return kept > 1e7 ? "steps × (trainPoints + testPoints) must be at most 1e7 (80 MB of outputs per model), got \(WorkBound.format(kept))" : nil
    }

    // Every step evaluates the network on all points (points × width²) and the linearized
    // model on them (points²); the full size is 4.7e11.
    let workBound = WorkBound("steps × (points × width² + points² + 1000) + 10 width² + points² × (width + points) (points = trainPoints + testPoints)", limit: 9e12) { p in
        let points = p.int("trainPoints") + p.int("testPoints")
        return NTKSetup.work(width: p.int("width"), points: points, steps: p.int("steps"), pointsPerStep: Double(points * points))
    }

    func run(_ context: inout ExperimentContext) throws {
        let p = context.parameters
        let steps = p.int("steps"), width = p.int("width")
        let trainAngles = NTKSetup.equallySpaced(p.int("trainPoints"), offset: 0.5)
        let testAngles = (0..<p.int("testPoints")).map { _ in context.rng.uniform(0, 2 * Double.pi) }
        let x = NTKSetup.circle(angles: trainAngles), xTest = NTKSetup.circle(angles: testAngles)
        let y = NTKSetup.target(trainAngles), yTest = NTKSetup.target(testAngles)
        var rng = context.rng.child(1)
        let net = NTKSetup.architecture.network(inputSize: 2, width: width, using: &rng)
        let k0 = try empiricalNTK(net, x), k0Test = try empiricalNTK(net, xTest, x)
        let eta = p.double("stepFraction") * 2 / (try eigvalsh(k0)).maxAll()
        let f0 = net(x), f0Test = net(xTest)

        // The network, by gradient descent on L = (1/2) sum (f - y)^2.
        var netTrain: [Tensor] = [], netTest: [Tensor] = []
        var lastThetas: [[Tensor]] = []  // the last three parameter vectors, for the θ(t) erratum
        NTKSetup.train(net, parameters: net.parameters, x: x, y: y, learningRate: eta, maxSteps: steps, rng: &rng) { step, theta, f in
            lastThetas.append(theta)
            if lastThetas.count > 3 { lastThetas.removeFirst() }
            netTrain.append(f)
            netTest.append(net.apply(parameters: theta.map { Variable(constant: $0) }, to: Variable(constant: xTest)).value)
            context.progress(Double(step) / Double(steps))
            return true
        }
        // The linearized model: the same steps in closed form from the kernel at initialization.
        let linear = try GradientDescentMSE(trainKernel: k0, targets: y, learningRate: eta, convention: .halfSum)
        let stepList = Array(0...steps)
        let linTrain = linear.trainOutputs(afterSteps: stepList, initial: f0)
        let linTest = linear.testOutputs(afterSteps: stepList, testTrainKernel: k0Test, initialTrain: f0, initialTest: f0Test)
        let yNorm = y.norm(), yTestNorm = yTest.norm()
        let trainGap = zip(netTrain, linTrain).map { ($0 - $1).norm() / yNorm }
        let testGap = zip(netTest, linTest).map { ($0 - $1).norm() / yTestNorm }
        context.measure("train", trainGap.max()!)
        context.measure("test", testGap.max()!)
        context.record("train_gap", trainGap)
        context.record("test_gap", testGap)

        // Errata: the notes' final formula, and the loss convention. The formulas are in
        // continuous time, so they are compared with the network along the slow eigendirections
        // of K (eta lambda < 0.05, where gradient descent and gradient flow agree), at every step.
        let (w, v) = try eigh(k0)
        let slow = (0..<w.count).filter { eta * w.scalars[$0] < 0.05 }
        let vs = v.take(slow, axis: 1), ws = w.take(slow)
        let n = Double(y.count)
        func coordinates(_ f: Tensor) -> Tensor { matmul(vs, f, transposeA: true) }
        let (cf0, cy) = (coordinates(f0), coordinates(y))
        func decay(_ rate: Double, _ t: Double) -> Tensor { ws.map { Foundation.exp(-rate * $0 * t) }.reshaped([slow.count, 1]) }
        var worst = (correct: 0.0, written: 0.0, mean: 0.0)
        for (k, f) in netTrain.enumerated() {
            let t = Double(k), measured = coordinates(f) - cy
            let correct = decay(eta, t) * (cf0 - cy)
            let written = decay(1, t) * cf0 - decay(eta, t) * cy
            let mean = decay(eta / n, t) * (cf0 - cy)
            worst.correct = Swift.max(worst.correct, (measured - correct).norm() / yNorm)
            worst.written = Swift.max(worst.written, (measured - written).norm() / yNorm)
            worst.mean = Swift.max(worst.mean, (measured - mean).norm() / yNorm)
        }
        // A formula agrees with the network when it is as close as the train check asks of the linear model.
        let agreement = context.quick ? 0.1 : 0.02
        context.erratum(location: "Neural Tangent Kernel, final formula",
                        asWritten: "f(θ) = (f(θ(0)) − Y) e^{−ηK∞t} + Y = f(θ(0)) e^{−K∞t} + (I − e^{−ηK∞t}) Y",
                        correction: "f(θ) = Y + e^{−ηK∞t}(f(θ(0)) − Y) = e^{−ηK∞t} f(θ(0)) + (I − e^{−ηK∞t}) Y: the learning rate η multiplies K in both exponentials.",
                        evidence: String(format: "Along the %d slow eigendirections of K (ηλ < 0.05; η = %.3g), over %d steps the network stays within %.2g of the corrected formula but is %.2g away from the formula as written (max over time, relative to ‖Y‖).",
                                         slow.count, eta, steps, worst.correct, worst.written),
                        separation: ErratumSeparation(measure: "max over time of the distance to the network along the slow directions, relative to ‖Y‖; agreement up to the train check's tolerance",
                                                      asWrittenMiss: worst.written, correctedMiss: worst.correct, threshold: agreement))
        context.erratum(location: "Neural Tangent Kernel, loss convention",
                        asWritten: "L(θ) = (1/N) Σ_i ℓ(f(x^(i); θ), y^(i)), then \"if the empirical loss is defined as ∇_θ L(θ) = f(X; θ) − Y\"",
                        correction: "The dynamics df/dt = −ηK(f − Y) need ∇_f L = f − Y (a gradient with respect to the outputs, an N-vector, not ∇_θ, a P-vector), which holds for L = ½ Σ_i (f(x_i) − y_i)² (used here); with the mean over N the exponent is −ηKt/N.",
                        evidence: String(format: "Trained on ½Σ(f − y)², the network along the slow directions is within %.2g of Y + e^{−ηKt}(f₀ − Y) and %.2g from Y + e^{−ηKt/N}(f₀ − Y) (N = %d; max over time, relative to ‖Y‖).",
                                         worst.correct, worst.mean, y.count),
                        separation: ErratumSeparation(measure: "max over time of the distance to the network along the slow directions, relative to ‖Y‖; agreement up to the train check's tolerance",
                                                      asWrittenMiss: worst.mean, correctedMiss: worst.correct, threshold: agreement))

        // Erratum of the derivation: "θ(t) − θ(0) = −η∇_θL(θ)" where dθ/dt = −η∇_θL(θ) is meant.
        // At the end of training the gradient has nearly vanished while θ(t) − θ(0) has not.
        if steps >= 2 && lastThetas.count == 3 {
            func flat(_ ts: [Tensor]) -> Tensor { Tensor(ts.flatMap { $0.scalars }) }
            func gradient(_ theta: [Tensor]) -> Tensor {
                let vars = theta.map(Variable.parameter)
                let loss = square(net.apply(parameters: vars, to: Variable(constant: x)) - Variable(y)).sum() * 0.5
                return flat(gradientTensors(of: loss, wrt: vars))
            }
            let theta0 = flat(net.parameters), thetaT = flat(lastThetas[2])
            // Gradient descent is the Euler discretization of the flow with time step 1: its
            // velocity at step T − 1 is θ_T − θ_{T−1} (exactly −η∇L(θ_{T−1}) up to rounding).
            let velocity = thetaT - flat(lastThetas[1])
            let drift = thetaT - theta0
            let writtenMiss = (drift + gradient(lastThetas[2]) * eta).norm() / drift.norm()
            let correctedMiss = (velocity + gradient(lastThetas[1]) * eta).norm() / velocity.norm()
            context.erratum(location: "Neural Tangent Kernel, derivation of df/dt",
                            asWritten: "θ(t) − θ(0) = −η∇_θL(θ) = −η∇_θf(θ)ᵀ∇_fL",
                            correction: "dθ/dt = −η∇_θL(θ) = −η∇_θf(θ)ᵀ∇_fL (the gradient flow; the next line's f^lin(θ(t)) − f(θ(0)) is likewise df/dt).",
                            evidence: String(format: "After %d steps ‖θ(t) − θ(0)‖ = %.3g while ‖η∇L(θ(t))‖ = %.3g; the velocity θ_t − θ_{t−1} per step is %.3g and matches −η∇L(θ_{t−1}) to %.2g (relative).",
                                             steps, drift.norm(), (gradient(lastThetas[2]) * eta).norm(), velocity.norm(), correctedMiss),
                            // Agreement: relative distance up to 0.1 (the quick train check's tolerance).
                            separation: ErratumSeparation(measure: "relative distance of −η∇L(θ) from θ(t) − θ(0) (as written) and from the velocity dθ/dt (corrected), at the last step",
                                                          asWrittenMiss: writtenMiss, correctedMiss: correctedMiss, threshold: 0.1))
        }

        // A few outputs over time, network against linearization.
        let shown = [0, x.shape[0] / 4, x.shape[0] / 2]
        var series: [Series] = []
        let ts = stepList.map(Double.init)
        for (k, i) in shown.enumerated() {
            series.append(Series("network, x_\(i)", x: ts, y: netTrain.map { $0.scalars[i] }, color: Palette.color(at: k)))
            series.append(Series("linearized, x_\(i)", x: ts, y: linTrain.map { $0.scalars[i] }, dash: .dashed, color: Palette.color(at: k), inLegend: false))
        }
        context.figure(Figure(
            id: "trajectories", title: "Training outputs: network (solid) and linearized model (dashed)",
            caption: "Width \(width); gradient descent with η = \(String(format: "%.3g", eta)) = \(p.double("stepFraction")) × 2/λ_max on ½Σ(f − y)²; the linear model uses the network's empirical NTK at initialization.",
            chart: .plot(Plot(x: Axis("step"), y: Axis("f(x_i)"), series: series))))
        context.figure(Figure(
            id: "gap", title: "Distance between network and linearized model",
            chart: .plot(Plot(x: Axis("step"), y: Axis("‖f_net − f_lin‖ / ‖Y‖"),
                              series: [Series("training set", x: ts, y: trainGap), Series("test points", x: ts, y: testGap)]))))
    }
}
