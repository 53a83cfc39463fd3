/// Bad input to equation discovery or to a simulator: something a user supplied (a data
/// file, a flag) that cannot work. Each case prints as one line saying what to fix.
public enum DiscoveryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The data has the wrong number of axes.
    case wrongRank(name: String, expected: String, shape: [Int])
    /// The data contains NaN or infinity.
    case nonFinite(name: String)
    /// Fewer usable samples than candidate terms: the regression is underdetermined.
    case tooFewSamples(samples: Int, terms: Int)
    /// A step or spacing (dt, dx) or another positive quantity is zero, negative or not finite.
    case nonPositive(name: String, value: Double)
    /// The number of variable names does not match the number of columns.
    case nameCount(given: Int, variables: Int)
    /// A setting is out of its range.
    case invalidOption(String)
    /// The ODE integrator could not reach the requested time.
    case integrationFailed(String)
    /// An intermediate result (a derivative estimate, the candidate library) overflowed to
    /// infinity or NaN although the data is finite: the message says which and what to change.
    case overflow(String)

    public var description: String {
        switch self {
        case let .wrongRank(name, expected, shape):
            return "\(name) must be \(expected), got an array of shape \(shape)"
        case let .nonFinite(name):
            return "\(name) contains NaN or infinite values"
        case let .tooFewSamples(samples, terms):
            return "only \(samples) usable samples for \(terms) candidate terms: need more samples than terms (or a smaller --degree)"
        case let .nonPositive(name, value):
            return "\(name) must be a positive number, got \(value)"
        case let .nameCount(given, variables):
            return "\(given) names given for \(variables) variables: give one name per column"
        case let .invalidOption(message):
            return message
        case let .integrationFailed(message):
            return "integration failed: \(message)"
        case let .overflow(message):
            return message
        }
    }
}
