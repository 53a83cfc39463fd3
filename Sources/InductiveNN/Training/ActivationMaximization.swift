import InductiveAutodiff
import InductiveTensor

/// Which unit of a layer's output to maximize.
public enum UnitSelection: Sendable, Equatable {
    /// Entry i of the example's output flattened (row-major over all non-batch axes).
    case index(Int)
    /// The mean over the spatial positions of channel c (axis 1 of an output [batch, C, ...]).
    case channelMean(Int)
}

/// Activation maximization with a norm constraint (Erhan et al. 2009): the input x with
/// ||x|| = radius that maximizes the activation a(x) of one unit of a layer, by projected
/// normalized gradient ascent x <- radius (x + eta_t g / ||g||) / ||x + eta_t g / ||g|| ||,
/// g = grad a(x) (normalizing g makes the step independent of the unit's scale), with the
/// step falling linearly, eta_t = eta (1 - t / steps), so that the iterates settle instead of
/// circling the maximum at a distance of order eta.
///
/// The unit is read after the first `depth` layers of `model` (evaluation mode): depth 1 is
/// the first layer's output. For a linear unit a(x) = w . x + b the maximizer is
/// radius w / ||w||. Cost: `steps` forward and backward passes of one example.
public struct ActivationMaximization: Sendable {
    /// The optimized input (shape of `start`).
    public let input: Tensor
    /// a(input).
    public let activation: Double
    /// a(x) before each step and after the last.
    public let trace: [Double]

    /// Runs `steps` projected ascent steps of rate `learningRate` from `start` (projected onto
    /// the sphere first). `start` is one example with its batch axis, e.g. [1, 64].
    public init(model: Sequential, depth: Int, unit: UnitSelection, radius: Double, start: Tensor,
                steps: Int, learningRate: Double) {
        precondition(depth >= 1 && depth <= model.layers.count, "ActivationMaximization: depth \(depth) outside 1...\(model.layers.count)")
        precondition(radius > 0 && start.norm() > 0 && start.shape.first == 1, "ActivationMaximization: needs radius > 0 and one non-zero example")
        let prefix = Sequential(Array(model.layers.prefix(depth)))
        let theta = prefix.parameters.map { Variable(constant: $0) }
        let a = { (x: Variable) -> Variable in ActivationMaximization.activation(of: prefix.apply(parameters: theta, to: x), unit: unit) }
        var x = start * (radius / start.norm())
        var trace: [Double] = []
        for t in 0..<steps {
            let (value, g) = valueAndGradient(at: x, of: a)
            trace.append(value)
            let gNorm = g.norm()
            guard gNorm > 0 else { break }  // a flat point (e.g. a dead ReLU unit): stay
            let moved = x + g * (learningRate * (1 - Double(t) / Double(steps)) / gNorm)
            x = moved * (radius / moved.norm())
        }
        let final = a(Variable(constant: x)).scalar
        trace.append(final)
        input = x
        activation = final
        self.trace = trace
    }

    /// The selected unit's activation for each example of a batch output y: [batch].
    public static func activations(of y: Variable, unit: UnitSelection) -> Variable {
        switch unit {
        case .index(let i):
            let flat = y.reshaped([y.shape[0], -1])
            precondition(i >= 0 && i < flat.shape[1], "ActivationMaximization: unit \(i) outside 0..<\(flat.shape[1])")
            return flat.slice([.all, .index(i)])
        case .channelMean(let c):
            precondition(y.rank >= 2 && c >= 0 && c < y.shape[1], "ActivationMaximization: channel \(c) of output \(y.shape)")
            let channel = y.slice([.all, .index(c)]).reshaped([y.shape[0], -1])
            return channel.mean(axes: [1])
        }
    }

    /// The selected unit's activation summed over the batch (a scalar to differentiate).
    static func activation(of y: Variable, unit: UnitSelection) -> Variable { activations(of: y, unit: unit).sum() }
}
