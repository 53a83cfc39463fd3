/// An autonomous or time-dependent system of ODEs y' = f(t, y), with names for its
/// variables and, for the built-in systems, its right-hand side as polynomial terms.
public struct ODESystem: Sendable {
    /// A short name ("lorenz").
    public var name: String
    /// One name per state variable ("x", "y", "z").
    public var variableNames: [String]
    /// f(t, y): returns dy/dt, with y.count == dimension.
    public var rightHandSide: @Sendable (Double, [Double]) -> [Double]
    /// The right-hand side written in the term names of `PolynomialLibrary` (one dictionary
    /// per variable, term name -> coefficient), when the system is polynomial; the truth that
    /// discovery should recover.
    public var polynomialTerms: [[String: Double]]?

    /// The number of state variables.
    public var dimension: Int { variableNames.count }

    /// A system from its parts.
    public init(name: String, variableNames: [String], polynomialTerms: [[String: Double]]? = nil,
                rightHandSide: @escaping @Sendable (Double, [Double]) -> [Double]) {
        self.name = name
        self.variableNames = variableNames
        self.polynomialTerms = polynomialTerms
        self.rightHandSide = rightHandSide
    }

    /// Lorenz (1963): x' = sigma (y - x), y' = x (rho - z) - y, z' = x y - beta z.
    public static func lorenz(sigma: Double = 10, rho: Double = 28, beta: Double = 8.0 / 3) -> ODESystem {
        ODESystem(name: "lorenz", variableNames: ["x", "y", "z"],
                  polynomialTerms: [["x": -sigma, "y": sigma], ["x": rho, "y": -1, "x*z": -1], ["x*y": 1, "z": -beta]]) { _, s in
            [sigma * (s[1] - s[0]), s[0] * (rho - s[2]) - s[1], s[0] * s[1] - beta * s[2]]
        }
    }

    /// Van der Pol oscillator: x' = y, y' = mu (1 - x^2) y - x.
    public static func vanDerPol(mu: Double = 1) -> ODESystem {
        ODESystem(name: "vanderpol", variableNames: ["x", "y"],
                  polynomialTerms: [["y": 1], ["x": -1, "y": mu, "x^2*y": -mu]]) { _, s in
            [s[1], mu * (1 - s[0] * s[0]) * s[1] - s[0]]
        }
    }

    /// Damped harmonic oscillator x'' + 2 zeta omega x' + omega^2 x = 0 as a first-order
    /// system: x' = v, v' = -omega^2 x - 2 zeta omega v.
    public static func dampedOscillator(omega: Double = 1, zeta: Double = 0.1) -> ODESystem {
        ODESystem(name: "oscillator", variableNames: ["x", "v"],
                  polynomialTerms: [["v": 1], ["x": -omega * omega, "v": -2 * zeta * omega]]) { _, s in
            [s[1], -omega * omega * s[0] - 2 * zeta * omega * s[1]]
        }
    }

    /// Lotka-Volterra predator-prey: x' = alpha x - beta x y, y' = delta x y - gamma y.
    public static func lotkaVolterra(alpha: Double = 1, beta: Double = 0.5, delta: Double = 0.25, gamma: Double = 1) -> ODESystem {
        ODESystem(name: "lotkavolterra", variableNames: ["x", "y"],
                  polynomialTerms: [["x": alpha, "x*y": -beta], ["x*y": delta, "y": -gamma]]) { _, s in
            [alpha * s[0] - beta * s[0] * s[1], delta * s[0] * s[1] - gamma * s[1]]
        }
    }
}
