import InductiveAutodiff
import InductiveNN
import InductiveSymmetry
import InductiveTensor
import InductiveTestSupport

/// Every group the library builds, with an action of it (small sizes: the tests enumerate
/// all triples of elements).
let allGroups: [(name: String, group: FiniteGroup)] = [
    ("C1", .cyclic(1)), ("C5", .cyclic(5)), ("S3", .symmetric(3)), ("S4", .symmetric(4)),
    ("C4", .rotations), ("D4", .dihedral), ("C3×C2", .product(.cyclic(3), .cyclic(2))), ("D4×C2", .product(.dihedral, .cyclic(2))),
]

let allActions: [(name: String, action: PermutationAction)] = [
    ("shifts 6", .cyclicShifts(6)), ("translations 3x4", .translations(height: 3, width: 4)),
    ("sets S4 x2", .setPermutations(4, features: 2)), ("C4 image 5", .image(.rotations, side: 5, channels: 2)),
    ("C4 image 4", .image(.rotations, side: 4)), ("D4 image 5", .image(.dihedral, side: 5)), ("D4 image 6", .image(.dihedral, side: 6, channels: 2)),
    ("regular D4", .regular(.dihedral, channels: 2)), ("C4 feature maps", .groupFeatureMaps(.rotations, side: 3, channels: 2)),
    ("D4 feature maps", .groupFeatureMaps(.dihedral, side: 4, channels: 1)),
    ("product shifts × D4 image", .product(.cyclicShifts(3), .image(.dihedral, side: 3))),
    ("flips of D4", PermutationAction.image(.dihedral, side: 5).restricted(to: [0, 2, 4, 6], name: "flips")),
]

/// Projection of a layer's output on fixed random weights, for derivative checks.
func projectedOutput(_ layer: some Layer) -> ([Variable]) -> Variable {
    { xs in
        var context = ForwardContext(training: false)
        let y = layer.apply(parameters: Array(xs.dropFirst()), to: xs[0], context: &context)
        return (y * y * Variable(normal(y.shape, seed: 77)) + y * Variable(normal(y.shape, seed: 78))).sum()
    }
}

/// First- and second-order finite-difference checks with respect to input and parameters.
func checkLayer(_ layer: some Layer, input: Tensor) -> (first: GradientCheckResult, second: GradientCheckResult) {
    let f = projectedOutput(layer)
    let args = [input] + layer.parameters
    let first = checkGradient(of: f, at: args)
    let directions = args.enumerated().map { normal($1.shape, seed: 90 + UInt64($0)) }
    return (first, checkHessianVectorProduct(of: f, at: args, direction: directions))
}

/// The relative equivariance error tolerated for an exact layer: a sum of about `terms`
/// products, each rounded, reordered by the transformation: a few ε √terms relative; 1e-12
/// (the catalogue's threshold) leaves a margin of 100 at a thousand terms.
let exactTolerance = 1e-12
