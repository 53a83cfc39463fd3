import InductiveNN
import InductiveTensor

/// How far a function is from equivariance on a batch: for every group element g,
/// e(g) = ‖f(ρ_in(g) x) − ρ_out(g) f(x)‖_F, and the same relative to ‖f(x)‖_F.
/// The test that group-equivariant libraries run on their layers; exact layers give
/// rounding-level errors (about ε times the operation count).
public struct EquivarianceReport: Sendable {
    /// e(g) per group element (the identity's is 0 up to nondeterminism).
    public let errors: [Double]
    /// ‖f(x)‖_F.
    public let outputNorm: Double

    /// max_g e(g).
    public var maximum: Double { errors.max() ?? 0 }
    /// max_g e(g) / ‖f(x)‖ (0 for a zero output).
    public var relative: Double { outputNorm > 0 ? maximum / outputNorm : maximum }

    /// Measures f on the batch x ([b, ...], `input.degree` features per example); f maps it to
    /// [b, ...] with `output.degree` features per example (use a trivial output action for an
    /// invariance check). Costs |G| + 1 evaluations of f.
    public init(_ f: (Tensor) -> Tensor, input: PermutationAction, output: PermutationAction, on x: Tensor) {
        precondition(input.group == output.group, "EquivarianceReport: input and output must be actions of the same group")
        let fx = f(x)
        errors = input.group.elements.map { g in (f(input.apply(g, to: x)) - output.apply(g, to: fx)).norm() }
        outputNorm = fx.norm()
    }

    /// The same for a layer in evaluation mode with its own parameters.
    public init(_ layer: some Layer, input: PermutationAction, output: PermutationAction, on x: Tensor) {
        self.init({ layer($0) }, input: input, output: output, on: x)
    }
}
