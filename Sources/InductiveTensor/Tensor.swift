#if canImport(Glibc)
import Glibc
#endif

/// An n-dimensional array of `Double`, stored row-major (C order), with value semantics.
///
/// Storage is a Swift array, so copies are cheap and copy-on-write: a tensor is only
/// duplicated when one of two sharing values is mutated. A scalar is a 0-d tensor
/// (`shape == []`, one element).
///
/// ```swift
/// let a: Tensor = [[1, 2], [3, 4]]          // shape [2, 2]
/// let b = Tensor(shape: [2], scalars: [10, 20])
/// let c = a + b                              // broadcasting: [[11, 22], [13, 24]]
/// ```
///
/// Shape mismatches inside the library are programmer errors and stop with a message
/// naming both shapes; anything that comes from a user (files, flags) throws instead.
public struct Tensor: Sendable, Equatable, Hashable {
    @usableFromInline var _shape: [Int]
    @usableFromInline var _scalars: [Double]

    /// The extent of each axis; `[]` for a scalar.
    @inlinable public var shape: [Int] {
        get { _shape }
    }
    /// The elements in row-major order; `scalars.count == shape.reduce(1, *)`.
    @inlinable public internal(set) var scalars: [Double] {
        get { _scalars }
        _modify { yield &_scalars }
        set { _scalars = newValue }
    }

    /// Creates a tensor from a shape and its elements in row-major order.
    /// - Precondition: every extent is non-negative and `scalars.count` equals their product.
    @inlinable
    public init(shape: [Int], scalars: [Double]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "Tensor: negative extent in shape \(shape)")
        precondition(
            Tensor.elementCount(shape) == scalars.count,
            "Tensor: shape \(shape) needs \(Tensor.elementCount(shape)) elements, got \(scalars.count)")
        self._shape = shape
        self._scalars = scalars
    }

    /// A 0-d tensor holding `value`.
    @inlinable
    public init(_ value: Double) {
        self._shape = []
        self._scalars = [value]
    }

    /// A 1-d tensor of the given elements.
    @inlinable
    public init(_ values: [Double]) {
        self._shape = [values.count]
        self._scalars = values
    }

    /// A 2-d tensor from rows of equal length.
    public init(_ rows: [[Double]]) {
        let columns = rows.first?.count ?? 0
        precondition(rows.allSatisfy { $0.count == columns }, "Tensor: rows of unequal length")
        self._shape = [rows.count, columns]
        self._scalars = rows.flatMap { $0 }
    }

    /// Creates a tensor by filling an uninitialized buffer of `Tensor.elementCount(shape)`
    /// elements; `body` must initialize every element.
    @inlinable
    public init(shape: [Int], unsafeUninitialized body: (UnsafeMutableBufferPointer<Double>) throws -> Void) rethrows {
        let n = Tensor.elementCount(shape)
        self._shape = shape
        self._scalars = try [Double](unsafeUninitializedCapacity: n) { buffer, count in
            if n >= Tensor.hugePageThreshold { Tensor.adviseHugePages(buffer) }
            try body(buffer)
            count = n
        }
    }

    /// Element count from which fresh buffers ask for transparent huge pages (4 MiB).
    @usableFromInline static let hugePageThreshold = 1 << 19

    /// Asks the kernel to back a large, not yet touched buffer with 2 MiB pages (as NumPy
    /// does): first-touch page faults otherwise dominate elementwise work on big tensors.
    @usableFromInline
    static func adviseHugePages(_ buffer: UnsafeMutableBufferPointer<Double>) {
        #if os(Linux)
        let page = 1 << 21
        let start = (Int(bitPattern: buffer.baseAddress) + page - 1) & ~(page - 1)
        let end = (Int(bitPattern: buffer.baseAddress) + buffer.count * 8) & ~(page - 1)
        if end > start { _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_HUGEPAGE) }
        #endif
    }

    /// The product of the extents (1 for a scalar shape).
    @inlinable
    public static func elementCount(_ shape: [Int]) -> Int {
        var n = 1
        for s in shape { n *= s }
        return n
    }

    /// Number of axes.
    @inlinable public var rank: Int { shape.count }
    /// Number of elements.
    @inlinable public var count: Int { scalars.count }
    /// True for a 0-d tensor.
    @inlinable public var isScalar: Bool { shape.isEmpty }

    /// The single element of a tensor with one element (any rank).
    @inlinable
    public var scalar: Double {
        precondition(scalars.count == 1, "Tensor.scalar: tensor of shape \(shape) has \(scalars.count) elements")
        return scalars[0]
    }

    /// Row-major strides (in elements) of `shape`.
    @inlinable
    public static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var s = 1
        for i in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[i] = s
            s *= shape[i]
        }
        return strides
    }

    /// Row-major strides of this tensor.
    @inlinable public var strides: [Int] { Tensor.contiguousStrides(shape) }

    /// Normalizes a possibly negative axis (`-1` is the last) against `rank`.
    @inlinable
    public static func normalizeAxis(_ axis: Int, rank: Int) -> Int {
        let a = axis < 0 ? axis + rank : axis
        precondition(a >= 0 && a < Swift.max(rank, 1) && (rank > 0 || a == 0), "axis \(axis) out of range for rank \(rank)")
        return a
    }

    /// Element access by a full multi-index.
    @inlinable
    public subscript(indices: Int...) -> Double {
        get { _scalars[flatIndex(indices)] }
        set { _scalars[flatIndex(indices)] = newValue }
    }

    /// Element access by row-major position (0 ..< count).
    @inlinable
    public subscript(flat index: Int) -> Double {
        get { _scalars[index] }
        set { _scalars[index] = newValue }
    }

    @inlinable
    func flatIndex(_ indices: [Int]) -> Int {
        precondition(indices.count == shape.count, "Tensor: \(indices.count) indices for shape \(shape)")
        var flat = 0
        for (i, index) in indices.enumerated() {
            let extent = shape[i]
            let idx = index < 0 ? index + extent : index
            precondition(idx >= 0 && idx < extent, "Tensor: index \(index) out of range for axis \(i) of shape \(shape)")
            flat = flat * extent + idx
        }
        return flat
    }

    /// Applies `body` to the elements as a contiguous buffer.
    @inlinable
    public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Double>) throws -> R) rethrows -> R {
        try _scalars.withUnsafeBufferPointer(body)
    }

    /// Applies `body` to the elements as a mutable contiguous buffer (copying first if shared).
    @inlinable
    public mutating func withUnsafeMutableBufferPointer<R>(_ body: (inout UnsafeMutableBufferPointer<Double>) throws -> R) rethrows -> R {
        try _scalars.withUnsafeMutableBufferPointer(body)
    }

    /// True if every element is finite (no NaN, no infinity).
    public var isFinite: Bool {
        _scalars.withUnsafeBufferPointer { p in
            // x - x is 0 for finite x and NaN otherwise; one pass, no branches. Eight
            // independent lanes: a single running sum is one dependent add (4 cycles) per
            // element, which made the check of a SINDy library as slow as building it.
            let n = p.count
            var lanes = SIMD8<Double>(repeating: 0)
            var i = 0
            if let base = p.baseAddress {
                while i + 8 <= n {
                    let x = UnsafeRawPointer(base + i).loadUnaligned(as: SIMD8<Double>.self)
                    lanes += x - x
                    i += 8
                }
            }
            var acc = lanes.sum()
            while i < n { acc += p[i] - p[i]; i += 1 }
            return acc == 0
        }
    }
}

/// An element of a nested tensor literal: a number or a nested list of numbers. It exists so
/// that `let t: Tensor = [[1, 2], [3, 4]]` works while `Tensor` itself is not a number
/// literal (which keeps plain-number expressions such as `[Double].reduce(0, +)` fast to
/// type-check and unambiguous beside the tensor operators).
public struct TensorLiteral: ExpressibleByFloatLiteral, ExpressibleByIntegerLiteral, ExpressibleByArrayLiteral, Sendable {
    let shape: [Int]
    let scalars: [Double]

    public init(floatLiteral value: Double) { shape = []; scalars = [value] }
    public init(integerLiteral value: Int) { shape = []; scalars = [Double(value)] }
    public init(arrayLiteral elements: TensorLiteral...) { self.init(elements) }

    /// NaN, for literals such as `[1, .nan]`.
    public static var nan: TensorLiteral { TensorLiteral(floatLiteral: .nan) }
    /// Positive infinity.
    public static var infinity: TensorLiteral { TensorLiteral(floatLiteral: .infinity) }
}

extension Tensor: ExpressibleByArrayLiteral {
    /// Nested literals: `[[1, 2], [3, 4]]` is a 2x2 tensor. Rows must have equal shapes.
    public init(arrayLiteral elements: TensorLiteral...) {
        let literal = TensorLiteral(elements)
        self.init(shape: literal.shape, scalars: literal.scalars)
    }
}

extension TensorLiteral {
    init(_ elements: [TensorLiteral]) {
        let inner = elements.first?.shape ?? []
        precondition(elements.allSatisfy { $0.shape == inner }, "Tensor literal: ragged nesting")
        shape = [elements.count] + inner
        scalars = elements.flatMap(\.scalars)
    }
}

extension Tensor: CustomStringConvertible {
    /// A NumPy-like rendering, abbreviated for large tensors.
    public var description: String {
        if shape.isEmpty { return Tensor.format(scalars[0]) }
        if count > 1000 { return "Tensor(shape: \(shape), first: \(scalars.prefix(6).map(Tensor.format)))" }
        func render(_ axis: Int, _ offset: Int) -> String {
            let st = Tensor.contiguousStrides(shape)
            if axis == shape.count - 1 {
                return "[" + (0..<shape[axis]).map { Tensor.format(scalars[offset + $0]) }.joined(separator: ", ") + "]"
            }
            let inner = (0..<shape[axis]).map { render(axis + 1, offset + $0 * st[axis]) }
            return "[" + inner.joined(separator: ",\n" + String(repeating: " ", count: axis + 1)) + "]"
        }
        return render(0, 0)
    }

    static func format(_ x: Double) -> String {
        if x.isFinite && x == x.rounded() && abs(x) < 1e15 { return String(Int(x)) + "." }
        return String(x)
    }
}
