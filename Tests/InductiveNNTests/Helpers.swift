import InductiveAutodiff
import InductiveNN
import InductiveTensor
import InductiveTestSupport

/// A scalar test function of a layer's parameters and input: a fixed random projection of
/// the output, so every output entry matters.
func projectedOutput(_ layer: some Layer, inputShape: [Int]) -> ([Variable]) -> Variable {
    { xs in
        var context = ForwardContext(training: false)
        let y = layer.apply(parameters: Array(xs.dropFirst()), to: xs[0], context: &context)
        return (y * y * Variable(normal(y.shape, seed: 77)) + y * Variable(normal(y.shape, seed: 78))).sum()
    }
}

/// First- and second-order checks of a layer with respect to its input and parameters
/// (judge them with the tiers `.finiteDifferences` and `.secondOrderFiniteDifferences`).
func checkLayer(_ layer: some Layer, input: Tensor) -> (first: GradientCheckResult, second: GradientCheckResult) {
    let f = projectedOutput(layer, inputShape: input.shape)
    let args = [input] + layer.parameters
    let first = checkGradient(of: f, at: args)
    let directions = args.enumerated().map { normal($1.shape, seed: 90 + UInt64($0)) }
    let second = checkHessianVectorProduct(of: f, at: args, direction: directions)
    return (first, second)
}
