import InductiveTensor

/// A finite group given by its multiplication (Cayley) table: elements are the indices
/// 0..<order, element 0 is the identity, `compose(g, h)` = g h (apply h first, then g when
/// the group acts on something).
///
/// Constructors build the groups of the notes exactly (no floating point): cyclic C_n, the
/// symmetric group S_n, the rotations C4 and the dihedral group D4 of the square, and direct
/// products. Memory: order² table entries.
public struct FiniteGroup: Sendable, Equatable, CustomStringConvertible {
    /// A short name, e.g. "C4", "D4", "S3", "C8×C8".
    public let name: String
    /// table[g][h] = g h.
    public let table: [[Int]]
    /// inverses[g] = g⁻¹.
    public let inverses: [Int]
    /// A readable name per element (e.g. "r1", "f r2", "(0 2 1)").
    public let elementNames: [String]

    /// A group from its Cayley table; element 0 must be the identity. The table is checked in
    /// O(n²): a Latin square (every row and column a permutation of 0..<n), element 0 the
    /// identity on both sides, each inverse two-sided. Associativity (O(n³)) is not checked.
    /// A malformed table is a programming error.
    public init(name: String, table: [[Int]], elementNames: [String]? = nil) {
        let n = table.count
        precondition(n >= 1 && table.allSatisfy { $0.count == n }, "FiniteGroup: the table must be square and non-empty")
        precondition(table[0] == Array(0..<n) && table.map { $0[0] } == Array(0..<n), "FiniteGroup: element 0 must be the identity")
        // Latin square: every row and every column is a permutation of 0..<n. O(n²).
        for g in 0..<n {
            var rowSeen = [Bool](repeating: false, count: n), columnSeen = [Bool](repeating: false, count: n)
            for h in 0..<n {
                let a = table[g][h], b = table[h][g]
                precondition((0..<n).contains(a) && !rowSeen[a], "FiniteGroup: row \(g) of the table is not a permutation")
                precondition((0..<n).contains(b) && !columnSeen[b], "FiniteGroup: column \(g) of the table is not a permutation")
                rowSeen[a] = true; columnSeen[b] = true
            }
        }
        var inv = [Int](repeating: -1, count: n)
        for g in 0..<n {
            guard let h = table[g].firstIndex(of: 0) else { preconditionFailure("FiniteGroup: \(g) has no inverse") }
            precondition(table[h][g] == 0, "FiniteGroup: the right inverse of \(g) is not a left inverse")
            inv[g] = h
        }
        self.name = name
        self.table = table
        self.inverses = inv
        self.elementNames = elementNames ?? (0..<n).map { "g\($0)" }
    }

    /// |G|.
    public var order: Int { table.count }
    /// The identity, always element 0.
    public var identity: Int { 0 }
    /// The elements 0..<order.
    public var elements: Range<Int> { 0..<order }
    /// g h.
    public func compose(_ g: Int, _ h: Int) -> Int { table[g][h] }
    /// g⁻¹.
    public func inverse(_ g: Int) -> Int { inverses[g] }
    public var description: String { name }

    /// The group of a faithful permutation representation: `permutations` (each a
    /// permutation of 0..<d, the identity first, closed under composition) with
    /// (p q)[i] = p[q[i]]. Cost O(|G|² d) with a dictionary lookup per product.
    public init(name: String, permutations: [[Int]], elementNames: [String]? = nil) {
        let index = Dictionary(uniqueKeysWithValues: permutations.enumerated().map { ($1, $0) })
        precondition(index.count == permutations.count, "FiniteGroup: repeated permutations")
        let table = permutations.map { p in
            permutations.map { q -> Int in
                let pq = q.map { p[$0] }
                guard let k = index[pq] else { preconditionFailure("FiniteGroup: the permutations are not closed under composition") }
                return k
            }
        }
        self.init(name: name, table: table, elementNames: elementNames)
    }

    /// The cyclic group C_n = Z/n: element t is the shift by t, t s = t + s mod n.
    public static func cyclic(_ n: Int) -> FiniteGroup {
        precondition(n >= 1, "cyclic: n must be positive")
        return FiniteGroup(name: "C\(n)", table: (0..<n).map { a in (0..<n).map { (a + $0) % n } },
                           elementNames: (0..<n).map { "t\($0)" })
    }

    /// All n! permutations of 0..<n (the identity first, then lexicographic), composed as
    /// functions. Order n!, so n is limited to 7 (5040 elements).
    public static func symmetric(_ n: Int) -> FiniteGroup {
        precondition((1...7).contains(n), "symmetric: n must be in 1...7")
        return FiniteGroup(name: "S\(n)", permutations: allPermutations(n), elementNames: allPermutations(n).map { "(\($0.map(String.init).joined(separator: " ")))" })
    }

    /// The 90° rotations of the square, C4: element r^k (k = 0...3) rotates by k · 90°
    /// counter-clockwise. Same table as `cyclic(4)`, element names r0...r3. Built once.
    public static let rotations: FiniteGroup =
        FiniteGroup(name: "C4", table: cyclic(4).table, elementNames: (0..<4).map { "r\($0)" })

    /// The dihedral group D4 of the square (order 8): element k (0...3) is the rotation r^k,
    /// element 4 + k is r^k f with f the mirror x ↦ −x (left-right flip). Relations
    /// r⁴ = f² = 1, f r f = r⁻¹. Built once.
    public static let dihedral: FiniteGroup = {
        let mats = ImageSymmetry.dihedralMatrices
        let table = mats.map { a in mats.map { b in mats.firstIndex(of: ImageSymmetry.multiply(a, b))! } }
        return FiniteGroup(name: "D4", table: table, elementNames: (0..<4).map { "r\($0)" } + (0..<4).map { "r\($0)f" })
    }()

    /// The direct product G × H: element (g, h) has index g · |H| + h, composed factor by factor.
    public static func product(_ a: FiniteGroup, _ b: FiniteGroup) -> FiniteGroup {
        let m = b.order
        let table = (0..<(a.order * m)).map { x in
            (0..<(a.order * m)).map { y in a.compose(x / m, y / m) * m + b.compose(x % m, y % m) }
        }
        let names = a.elementNames.flatMap { ga in b.elementNames.map { "(\(ga),\($0))" } }
        return FiniteGroup(name: "\(a.name)×\(b.name)", table: table, elementNames: names)
    }

    /// All n! permutations of 0..<n in lexicographic order (the identity first), each as the
    /// array of images of 0..<n. Cost O(n · n!) time and memory.
    public static func allPermutations(_ n: Int) -> [[Int]] {
        var result: [[Int]] = []
        var current: [Int] = []
        var used = [Bool](repeating: false, count: n)
        func extend() {
            if current.count == n { result.append(current); return }
            for i in 0..<n where !used[i] {
                used[i] = true; current.append(i)
                extend()
                current.removeLast(); used[i] = false
            }
        }
        extend()
        return result
    }
}

/// The 2 × 2 integer matrices of the square's symmetries, acting on centred pixel
/// coordinates (row offset, column offset) from the image centre.
public enum ImageSymmetry {
    /// [[a, b], [c, d]] stored row-major as (a, b, c, d).
    public typealias Matrix = [Int]

    /// r^k, k = 0...3: counter-clockwise rotation by k · 90° of an image drawn with row 0 at
    /// the top. In (row, column) coordinates a counter-clockwise quarter turn maps
    /// (i, j) ↦ (−j, i).
    public static let rotationMatrices: [Matrix] = {
        var result: [Matrix] = [[1, 0, 0, 1]]
        for _ in 1..<4 { result.append(multiply([0, -1, 1, 0], result.last!)) }
        return result
    }()

    /// r^k, then r^k f with f the left-right flip (i, j) ↦ (i, −j).
    public static let dihedralMatrices: [Matrix] = rotationMatrices + rotationMatrices.map { multiply($0, [1, 0, 0, -1]) }

    /// The product a b of two 2 × 2 matrices.
    public static func multiply(_ a: Matrix, _ b: Matrix) -> Matrix {
        [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3]]
    }

    /// The matrices of C4 (`rotations`) or D4 (`dihedral`), in element order. The group is
    /// recognized by its multiplication table (any name; e.g. `cyclic(4)` is C4 here), which
    /// must equal that of `rotations` or `dihedral` element by element, so that the matrices
    /// represent it.
    public static func matrices(of group: FiniteGroup) -> [Matrix] {
        if group.table == FiniteGroup.rotations.table { return rotationMatrices }
        if group.table == FiniteGroup.dihedral.table { return dihedralMatrices }
        preconditionFailure("ImageSymmetry: \(group.name) does not have the table of C4 or D4 in their element order")
    }

    /// The pixel permutation of an element on an n × n grid: (ρ(g) x)[p] = x[source[p]] with
    /// source = g⁻¹ p in centred coordinates (exact for every n: the centre is at (n − 1)/2,
    /// and doubled coordinates keep it an integer).
    public static func pixelSource(_ m: Matrix, side n: Int) -> [Int] {
        // inverse of an orthogonal integer matrix is its transpose
        let t = [m[0], m[2], m[1], m[3]]
        var source = [Int](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                let u = 2 * i - (n - 1), v = 2 * j - (n - 1)
                let su = t[0] * u + t[1] * v, sv = t[2] * u + t[3] * v
                source[i * n + j] = ((su + n - 1) / 2) * n + (sv + n - 1) / 2
            }
        }
        return source
    }
}
