import Foundation
import InductiveKernels
import InductiveNN
import InductiveReport

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
        ParameterSpec("width", "hidden width n", quick: .int(512), full: .int(4096)),
        ParameterSpec("trainPoints", "training inputs on the unit circle", .int(20)),
        ParameterSpec("testPoints", "test inputs on the unit circle", .int(50)),
        ParameterSpec("stepFraction", "learning rate as a fraction of 2 / λ_max(K₀)", .double(0.5)),
        ParameterSpec("steps", "gradient-descent steps", .int(400)),
    ]
    let checks = [
        CheckSpec("train", "max over steps of ‖f_net − f_lin‖ / ‖Y‖ on the training set", .lessThan(0.02), quick: .lessThan(0.1)),
        CheckSpec("test", "max over steps of ‖f_net − f_lin‖ / ‖Y‖ on test points", .lessThan(0.05), quick: .lessThan(0.15)),
    ]

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
        NTKSetup.train(net, parameters: net.parameters, x: x, y: y, learningRate: eta, maxSteps: steps, rng: &rng) { step, theta, f in
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

        // Errata: the notes' final formula, and the loss convention. Compared in continuous
        // time (t = number of steps), against the network at the end of training.
        let (w, v) = try eigh(k0)
        func flow(_ rate: Double, _ t: Double) -> Tensor { matmul(v * w.map { Foundation.exp(-rate * $0 * t) }, v, transposeB: true) }
        let t = Double(steps)
        let correct = y + matmul(flow(eta, t), f0 - y)
        let asWritten = matmul(flow(1, t), f0) + y - matmul(flow(eta, t), y)
        let meanLoss = y + matmul(flow(eta / Double(y.count), t), f0 - y)
        let final = netTrain.last!
        context.erratum(location: "Neural Tangent Kernel, final formula",
                        asWritten: "f(θ) = (f(θ(0)) − Y) e^{−ηK∞t} + Y = f(θ(0)) e^{−K∞t} + (I − e^{−ηK∞t}) Y",
                        correction: "f(θ) = Y + e^{−ηK∞t}(f(θ(0)) − Y) = e^{−ηK∞t} f(θ(0)) + (I − e^{−ηK∞t}) Y: the learning rate η multiplies K in both exponentials.",
                        evidence: String(format: "After %d steps (η = %.3g), the network is %.2g away from the corrected formula and %.2g from the formula as written (relative to ‖Y‖).",
                                         steps, eta, (final - correct).norm() / yNorm, (final - asWritten).norm() / yNorm))
        context.erratum(location: "Neural Tangent Kernel, loss convention",
                        asWritten: "The loss is a mean, L = (1/N) Σ ℓ, while the dynamics take ∇_f L = f − Y.",
                        correction: "∇_f L = f − Y holds for L = ½ Σ_i (f(x_i) − y_i)² (used here); with the mean over N the exponent is −ηKt/N.",
                        evidence: String(format: "After %d steps of GD on ½Σ(f − y)², the network is %.2g from Y + e^{−ηKt}(f₀ − Y) and %.2g from Y + e^{−ηKt/N}(f₀ − Y) (N = %d).",
                                         steps, (final - correct).norm() / yNorm, (final - meanLoss).norm() / yNorm, y.count))

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
