/// The release of the toolkit, recorded in every result and printed by `inductive --version`.
///
/// It lives in the lowest target so that every target (the experiments' results, the
/// command-line tool, a library user's own files) can name the release without depending on
/// the experiments.
public enum InductiveVersion {
    /// The semantic version, `major.minor.patch`.
    public static let string = "0.1.0"
}
