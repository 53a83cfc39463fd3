import InductiveReport
import InductiveTensor

/// A section of the lecture notes.
public enum NotesSection: Int, Sendable, CaseIterable, Comparable, CustomStringConvertible {
    case neuralTangentKernel = 1, regularization, implicitBias, initialization, symmetry, interpretability, beyond

    public var description: String {
        switch self {
        case .neuralTangentKernel: return "1. Neural tangent kernel"
        case .regularization: return "2. Regularization"
        case .implicitBias: return "3. Implicit bias"
        case .initialization: return "4. Weight initialization"
        case .symmetry: return "5. Invariance and equivariance"
        case .interpretability: return "6. Interpretability"
        case .beyond: return "7. Beyond the notes"
        }
    }

    public static func < (a: NotesSection, b: NotesSection) -> Bool { a.rawValue < b.rawValue }
}

/// One entry of the catalogue: a claim of the notes turned into a measurement with checks.
///
/// An experiment declares everything that judges it before it runs: its parameters (with
/// quick and full values) and its checks (with the catalogue's comparators and
/// tolerances). `run` computes, records measurements, figures, errata and notes in the
/// context, and never decides a verdict itself.
public protocol Experiment: Sendable {
    /// The catalogue id, e.g. `ntk.width-convergence`.
    var id: String { get }
    var section: NotesSection { get }
    var title: String { get }
    /// The claim, in one or two sentences.
    var claim: String { get }
    var parameters: [ParameterSpec] { get }
    var checks: [CheckSpec] { get }
    /// The most work a run may ask for, estimated from the parameters (checked before `run`,
    /// after `validate`).
    var workBound: WorkBound { get }
    /// Why a combination of parameter values cannot run (checked before `run`), or nil.
    func validate(_ parameters: ParameterValues) -> String?
    /// Runs the experiment; throws only for failures that stop it (reported as a crash).
    func run(_ context: inout ExperimentContext) throws
}

extension Experiment {
    public func validate(_ parameters: ParameterValues) -> String? { nil }

    /// The parameters for a size with overrides applied, validated and within the work bound
    /// (throws `ParameterError`).
    public func resolve(quick: Bool, overrides: [String: String]) throws -> ParameterValues {
        let values = try ParameterValues(parameters, quick: quick, overrides: overrides, experiment: id)
        if let problem = validate(values) { throw ParameterError(reason: "\(id): \(problem)") }
        // The full size's estimate is needed only to word a refusal.
        if let problem = workBound.problem(values, fullSize: {
            (try? ParameterValues(parameters, quick: false, overrides: [:], experiment: id)).map(workBound.estimate) ?? 0
        }) {
            throw ParameterError(reason: "\(id): \(problem)")
        }
        return values
    }
}
