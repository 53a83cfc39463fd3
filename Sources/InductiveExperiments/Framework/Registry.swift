import Foundation

/// Every experiment of the catalogue implemented so far, in catalogue order.
public enum ExperimentRegistry {
    public static let all: [any Experiment] = [
        NTKWidthConvergence(), NTKLazyTraining(), NTKLinearizedDynamics(), NTKEigenDecay(), SigmoidSums(),
        L2Shrinkage(), NoiseIsL2(), DropoutRegularization(), Normalization(),
        Overparameterized(), MinimumNorm(), MatrixCompletionGD(), EarlyStopping(),
        GDModifiedFlow(), SGDModifiedLoss(), SGDRegularizer(), BatchSizeScaling(), Discretization(),
        BatchNormSmoothness(), BatchNormDepth(), LinearNetsSVM(), LinearConvFourier(), DoubleDescent(),
        SpectralBias(), FourierFeatureRegression(),
        InitializationVariance(),
        SymPooling(), SymConvolution(), SymEquivariantIsConvolution(), SymGroupConvolution(), SymAugmentationLoss(),
        SymAugmentationSinc(), SymAugmentationWeights(), SymDeepSets(),
        FourierMaskExperiment(), FeatureVisualization(), PDEDiscovery(), ODEDiscovery(),
        InvariantNTK(), LazyVsRich(), LangevinPosterior(),
    ]

    /// The experiment with this id.
    public static func experiment(_ id: String) -> (any Experiment)? { all.first { $0.id == id } }

    /// The experiments whose id matches a glob pattern (`*` any run of characters, `?` one
    /// character), e.g. `ntk.*`.
    public static func matching(_ pattern: String) -> [any Experiment] {
        all.filter { glob(pattern, matches: $0.id) }
    }

    static func glob(_ pattern: String, matches text: String) -> Bool {
        let p = Array(pattern), t = Array(text)
        var memo = [[Bool?]](repeating: [Bool?](repeating: nil, count: t.count + 1), count: p.count + 1)
        func match(_ i: Int, _ j: Int) -> Bool {
            if let m = memo[i][j] { return m }
            var r: Bool
            if i == p.count { r = j == t.count } else if p[i] == "*" {
                r = match(i + 1, j) || (j < t.count && match(i, j + 1))
            } else {
                r = j < t.count && (p[i] == "?" || p[i] == t[j]) && match(i + 1, j + 1)
            }
            memo[i][j] = r
            return r
        }
        return match(0, 0)
    }
}
