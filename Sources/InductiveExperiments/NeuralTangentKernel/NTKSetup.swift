import Foundation
import InductiveAutodiff
import InductiveKernels
import InductiveNN
import InductiveTensor

/// The network family of the NTK experiments (catalogue, section 1): ReLU MLPs with L = 2
/// hidden layers in the NTK parameterization, s = sqrt(2), b_std = 0.1, on inputs on the
/// unit circle (a raw scalar input would make the NTK ill-conditioned).
enum NTKSetup {
    static let architecture = InfiniteWidthMLP(depth: 2, activation: .relu, weightStd: 2.0.squareRoot(), biasStd: 0.1)

    /// Points (cos a, sin a) at the given angles: [n, 2].
    static func circle(angles: [Double]) -> Tensor {
        Tensor(shape: [angles.count, 2], scalars: angles.flatMap { [Foundation.cos($0), Foundation.sin($0)] })
    }

    /// n equally spaced angles, shifted by `offset` (in units of the spacing).
    static func equallySpaced(_ n: Int, offset: Double = 0) -> [Double] {
        (0..<n).map { 2 * Double.pi * (Double($0) + offset) / Double(n) }
    }

    /// The regression target of the experiments, a smooth function of the angle: [n, 1].
    static func target(_ angles: [Double]) -> Tensor {
        Tensor(shape: [angles.count, 1], scalars: angles.map { Foundation.sin(2 * $0) + 0.5 * Foundation.cos($0) })
    }

    /// Full-batch gradient descent on L = (1/2) sum_i (f(x_i) - y_i)^2 (the loss under
    /// which the NTK dynamics are df/dt = -eta K (f - Y)). `observe(step, parameters,
    /// outputs)` sees the state before each step (and after the last); returning false stops.
    /// Returns the final parameters.
    @discardableResult
    static func train(_ net: Sequential, parameters start: [Tensor], x: Tensor, y: Tensor, learningRate: Double, maxSteps: Int,
                      rng: inout RandomGenerator, observe: (Int, [Tensor], Tensor) -> Bool) -> [Tensor] {
        var parameters = start
        var optimizer = GradientDescent(learningRate: learningRate)
        for step in 0...maxSteps {
            let vars = parameters.map(Variable.parameter)
            let f = net.apply(parameters: vars, to: Variable(constant: x))
            if !observe(step, parameters, f.value) || step == maxSteps { break }
            let loss = (square(f - Variable(y)).sum()) * 0.5
            optimizer.update(&parameters, gradients: gradientTensors(of: loss, wrt: vars), rng: &rng)
        }
        return parameters
    }

    /// The estimated work of one network of width `width` on `points` inputs trained for
    /// `steps` steps (see `WorkBound`): every step's forward and backward pass (points × width²,
    /// plus `pointsPerStep` for what each step does with the outputs and 1000 of overhead),
    /// drawing the weights (10 width²), the empirical NTK and its eigendecomposition
    /// (points² × (width + points)).
    static func work(width: Int, points: Int, steps: Int, pointsPerStep: Double = 0) -> Double {
        let w = Double(width), n = Double(points)
        return Double(steps) * (n * w * w + pointsPerStep + 1000) + 10 * w * w + n * n * (w + n)
    }

    /// The relative Frobenius distance ||a - b|| / ||b||.
    static func relative(_ a: Tensor, _ b: Tensor) -> Double { (a - b).norm() / b.norm() }
}
