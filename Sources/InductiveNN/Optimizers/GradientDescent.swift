import Foundation
import InductiveTensor

/// Gradient descent with optional momentum (heavy ball or Nesterov) and weight decay:
/// v <- mu v + g;  theta <- theta - eta (Nesterov ? g + mu v : v), with g the gradient
/// (plus lambda theta for coupled decay). mu = 0 is plain (stochastic) gradient descent:
/// theta <- theta - eta g, exactly the update of the notes.
public struct GradientDescent: Optimizer {
    /// eta (before the schedule).
    public var learningRate: Double
    public var schedule: LearningRateSchedule
    /// mu in [0, 1); 0 is plain gradient descent.
    public var momentum: Double
    /// Nesterov's look-ahead instead of the heavy ball.
    public var nesterov: Bool
    public var weightDecay: WeightDecay
    public var step: Int = 0
    var velocity: [Tensor] = []

    public init(learningRate: Double, momentum: Double = 0, nesterov: Bool = false, weightDecay: WeightDecay = .none,
                schedule: LearningRateSchedule = .constant) {
        precondition(momentum >= 0 && momentum < 1, "GradientDescent: momentum must be in [0, 1)")
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        self.schedule = schedule
    }

    public mutating func update(_ parameters: inout [Tensor], gradients: [Tensor], rng: inout RandomGenerator) {
        precondition(parameters.count == gradients.count, "GradientDescent: \(gradients.count) gradients for \(parameters.count) parameters")
        let eta = currentLearningRate
        if momentum > 0 && velocity.isEmpty { velocity = parameters.map { Tensor.zeros($0.shape) } }
        for i in parameters.indices {
            var g = gradients[i]
            weightDecay.apply(to: &parameters[i], gradient: &g, learningRate: eta)
            if momentum > 0 {
                velocity[i] *= momentum
                velocity[i] += g
                if nesterov { g.addScaled(velocity[i], momentum) } else { g = velocity[i] }
            }
            parameters[i].addScaled(g, -eta)
        }
        step += 1
    }

    public var stateTensors: [(name: String, value: Tensor)] {
        [("step", Tensor(Double(step)))] + velocity.enumerated().map { ("velocity.\($0)", $1) }
    }

    public mutating func restore(_ state: [String: Tensor]) throws {
        guard let s = state["step"] else { throw OptimizerStateError(reason: "missing 'step'") }
        step = Int(s.scalar)
        velocity = (0..<state.count).compactMap { state["velocity.\($0)"] }
    }
}

/// Adam (Kingma and Ba 2015), with Algorithm 1's bias correction:
/// m <- b1 m + (1 - b1) g;  v <- b2 v + (1 - b2) g^2;  m^ = m / (1 - b1^t);  v^ = v / (1 - b2^t);
/// theta <- theta - eta m^ / (sqrt(v^) + eps). Coupled weight decay adds lambda theta to g;
/// decoupled (AdamW, Loshchilov and Hutter 2019) subtracts eta lambda theta directly.
public struct Adam: Optimizer {
    public var learningRate: Double
    public var schedule: LearningRateSchedule
    /// Decay of the first moment.
    public var beta1: Double
    /// Decay of the second moment.
    public var beta2: Double
    public var epsilon: Double
    public var weightDecay: WeightDecay
    public var step: Int = 0
    var firstMoment: [Tensor] = []
    var secondMoment: [Tensor] = []

    public init(learningRate: Double = 1e-3, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
                weightDecay: WeightDecay = .none, schedule: LearningRateSchedule = .constant) {
        self.learningRate = learningRate
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.weightDecay = weightDecay
        self.schedule = schedule
    }

    /// AdamW: Adam with decoupled weight decay lambda.
    public static func adamW(learningRate: Double = 1e-3, weightDecay lambda: Double = 1e-2) -> Adam {
        Adam(learningRate: learningRate, weightDecay: .decoupled(lambda))
    }

    public mutating func update(_ parameters: inout [Tensor], gradients: [Tensor], rng: inout RandomGenerator) {
        precondition(parameters.count == gradients.count, "Adam: \(gradients.count) gradients for \(parameters.count) parameters")
        if firstMoment.isEmpty {
            firstMoment = parameters.map { Tensor.zeros($0.shape) }
            secondMoment = parameters.map { Tensor.zeros($0.shape) }
        }
        let eta = currentLearningRate
        let t = Double(step + 1)
        let c1 = 1 - Foundation.pow(beta1, t), c2 = 1 - Foundation.pow(beta2, t)
        for i in parameters.indices {
            var g = gradients[i]
            weightDecay.apply(to: &parameters[i], gradient: &g, learningRate: eta)
            // In place, element by element the same expressions as m * b1 + g * (1 - b1) and
            // v * b2 + g * g * (1 - b2) on whole tensors (same bits, no temporaries).
            let (d1, w1, d2, w2) = (beta1, 1 - beta1, beta2, 1 - beta2)
            firstMoment[i].updateElements(with: g) { m, x in m * d1 + x * w1 }
            secondMoment[i].updateElements(with: g) { v, x in v * d2 + x * x * w2 }
            let (b1, b2, e) = (c1, c2, epsilon)
            let direction = Tensor.zipWith(firstMoment[i], secondMoment[i]) { m, v in (m / b1) / ((v / b2).squareRoot() + e) }
            parameters[i].addScaled(direction, -eta)
        }
        step += 1
    }

    public var stateTensors: [(name: String, value: Tensor)] {
        [("step", Tensor(Double(step)))]
            + firstMoment.enumerated().map { ("m.\($0)", $1) }
            + secondMoment.enumerated().map { ("v.\($0)", $1) }
    }

    public mutating func restore(_ state: [String: Tensor]) throws {
        guard let s = state["step"] else { throw OptimizerStateError(reason: "missing 'step'") }
        step = Int(s.scalar)
        firstMoment = (0..<state.count).compactMap { state["m.\($0)"] }
        secondMoment = (0..<state.count).compactMap { state["v.\($0)"] }
        guard firstMoment.count == secondMoment.count else { throw OptimizerStateError(reason: "moment counts differ") }
    }
}

/// Stochastic gradient Langevin dynamics (Welling and Teh 2011):
/// theta <- theta - eta g + sqrt(2 eta T) xi, xi ~ N(0, I). For a loss U(theta) with
/// full gradients, the iterates sample approximately from exp(-U / T) for small eta
/// (exactly a Gaussian with variance T / (lambda (1 - eta lambda / 2)) on U = lambda theta^2 / 2).
public struct Langevin: Optimizer {
    public var learningRate: Double
    public var schedule: LearningRateSchedule
    /// T, the temperature of the sampled Gibbs distribution exp(-U / T).
    public var temperature: Double
    public var step: Int = 0

    public init(learningRate: Double, temperature: Double, schedule: LearningRateSchedule = .constant) {
        precondition(temperature >= 0, "Langevin: temperature must be non-negative")
        self.learningRate = learningRate
        self.temperature = temperature
        self.schedule = schedule
    }

    public mutating func update(_ parameters: inout [Tensor], gradients: [Tensor], rng: inout RandomGenerator) {
        let eta = currentLearningRate
        let noise = (2 * eta * temperature).squareRoot()
        for i in parameters.indices {
            parameters[i].addScaled(gradients[i], -eta)
            if noise > 0 { parameters[i].addScaled(Tensor.randomNormal(parameters[i].shape, using: &rng), noise) }
        }
        step += 1
    }

    public var stateTensors: [(name: String, value: Tensor)] { [("step", Tensor(Double(step)))] }

    public mutating func restore(_ state: [String: Tensor]) throws {
        guard let s = state["step"] else { throw OptimizerStateError(reason: "missing 'step'") }
        step = Int(s.scalar)
    }
}
