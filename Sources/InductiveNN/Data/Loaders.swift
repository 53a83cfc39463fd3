import Foundation
import InductiveTensor

extension Dataset {
    /// The UCI optical digits shipped with the package (1,797 images of 8x8 pixels with
    /// intensities 0..16, ten classes; E. Alpaydin and C. Kaynak 1998, CC BY 4.0; see
    /// Resources/DIGITS-README.md). Inputs are [1797, 64] scaled to [0, 1], image shape [1, 8, 8].
    public static func digits() throws -> Dataset {
        guard let url = Bundle.module.url(forResource: "digits.csv", withExtension: "gz") else {
            throw DataError("the digits resource is missing from the package")
        }
        let table = try CSV.read(url.path, header: .absent)
        return try fromLabelledTable(table.values, source: "digits", scale: 1.0 / 16, imageShape: [1, 8, 8])
    }

    /// Loads a data set from a file:
    /// - `.npz` with arrays `x` (or `inputs`) and `y` (or `labels`/`targets`): integer `y`
    ///   of shape [N] means classification, a float matrix means regression targets;
    /// - `.csv` / `.csv.gz`: numeric rows, the last column the class label (integers).
    public static func load(_ path: String) throws -> Dataset {
        let lower = path.lowercased()
        if lower.hasSuffix(".npz") {
            let archive = try NPZ.read(path)
            guard let x = archive["x"] ?? archive["inputs"] else {
                throw FileError(path: path, reason: "needs an array 'x' (or 'inputs'); it has \(archive.keys.joined(separator: ", "))")
            }
            guard let y = archive["y"] ?? archive["labels"] ?? archive["targets"] else {
                throw FileError(path: path, reason: "needs an array 'y' (or 'labels'/'targets'); it has \(archive.keys.joined(separator: ", "))")
            }
            let inputs = x.tensor
            let imageShape = inputs.rank == 4 ? Array(inputs.shape.dropFirst()) : (inputs.rank == 3 ? [1] + Array(inputs.shape.dropFirst()) : nil)
            let flat = inputs.rank > 2 ? inputs.reshaped([inputs.shape[0], -1]) : inputs
            if let labels = y.integers, y.shape.count == 1 {
                return try Dataset(inputs: flat, labels: labels, imageShape: imageShape)
            }
            let t = y.tensor
            if t.rank == 1, t.scalars.allSatisfy({ $0 == $0.rounded() && $0 >= 0 }) {
                return try Dataset(inputs: flat, labels: t.scalars.map { Int($0) }, imageShape: imageShape)
            }
            return try Dataset(inputs: flat, targets: t, imageShape: imageShape)
        }
        if lower.hasSuffix(".csv") || lower.hasSuffix(".csv.gz") {
            let table = try CSV.read(path)
            do { return try fromLabelledTable(table.values, source: path, scale: 1, imageShape: nil) } catch let e as DataError {
                throw FileError(path: path, reason: e.reason)
            }
        }
        throw FileError(path: path, reason: "unknown data format (use .npz with x and y, or .csv with the label last)")
    }

    /// Rows of features followed by an integer label.
    static func fromLabelledTable(_ values: Tensor, source: String, scale: Double, imageShape: [Int]?) throws -> Dataset {
        guard values.rank == 2, values.shape[1] >= 2 else { throw DataError("\(source): needs at least one feature column and a label column") }
        let columns = values.shape[1]
        let features = values.slice([.all, .range(0..<(columns - 1))]) * scale
        let raw = values.slice([.all, .index(columns - 1)]).scalars
        var labels: [Int] = []
        for (row, v) in raw.enumerated() {
            guard v == v.rounded(), v >= 0, v < 1e9 else { throw DataError("\(source): row \(row + 1) has label \(v), not a class index") }
            labels.append(Int(v))
        }
        return try Dataset(inputs: features, labels: labels, imageShape: imageShape)
    }
}
