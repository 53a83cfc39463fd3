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

    /// Loads a data set from files:
    /// - `.npz` with arrays `x` (or `inputs`) and `y` (or `labels`/`targets`): an integer `y`
    ///   of shape [N] means classification (class indices), a floating-point `y` regression
    ///   targets ([N] or [N, k]);
    /// - `.npy` inputs with the labels in a second `.npy` (`labels`), the same rules for y;
    /// - `.csv` / `.csv.gz`: numeric rows, the last column the class label (integers).
    /// Inputs of rank 3 ([N, H, W]) or 4 ([N, C, H, W]) are flattened, keeping their image shape.
    public static func load(_ path: String, labels labelsPath: String? = nil) throws -> Dataset {
        let lower = path.lowercased()
        if lower.hasSuffix(".npz") || lower.hasSuffix(".npy") {
            let x: NPYArray, y: NPYArray
            if lower.hasSuffix(".npz") {
                let archive = try NPZ.read(path)
                guard let xa = archive["x"] ?? archive["inputs"] else {
                    throw FileError(path: path, reason: "needs an array 'x' (or 'inputs'); it has \(archive.keys.joined(separator: ", "))")
                }
                guard let ya = archive["y"] ?? archive["labels"] ?? archive["targets"] else {
                    throw FileError(path: path, reason: "needs an array 'y' (or 'labels'/'targets'); it has \(archive.keys.joined(separator: ", "))")
                }
                (x, y) = (xa, ya)
            } else {
                guard let labelsPath else { throw FileError(path: path, reason: "a .npy holds only the inputs: give the labels' .npy too") }
                (x, y) = (try NPY.readArray(path), try NPY.readArray(labelsPath))
            }
            let inputs = x.tensor
            guard inputs.rank >= 1, inputs.shape[0] > 0, inputs.count > 0 else {
                throw FileError(path: path, reason: "the inputs have shape \(inputs.shape): no examples")
            }
            let imageShape = inputs.rank == 4 ? Array(inputs.shape.dropFirst()) : (inputs.rank == 3 ? [1] + Array(inputs.shape.dropFirst()) : nil)
            let flat = inputs.rank != 2 ? inputs.reshaped([inputs.shape[0], inputs.count / inputs.shape[0]]) : inputs
            do {
                if let labels = y.integers, y.shape.count == 1 {
                    return try Dataset(inputs: flat, labels: labels, imageShape: imageShape)
                }
                return try Dataset(inputs: flat, targets: y.tensor, imageShape: imageShape)
            } catch let e as DataError {
                throw FileError(path: path, reason: e.reason)
            }
        }
        if lower.hasSuffix(".csv") || lower.hasSuffix(".csv.gz") {
            let table = try CSV.read(path)
            do { return try fromLabelledTable(table.values, source: path, scale: 1, imageShape: nil) } catch let e as DataError {
                throw FileError(path: path, reason: e.reason)
            }
        }
        throw FileError(path: path, reason: "unknown data format (use .npz with x and y, .npy with a labels .npy, or .csv with the label last)")
    }

    /// Rows of features followed by an integer label.
    static func fromLabelledTable(_ values: Tensor, source: String, scale: Double, imageShape: [Int]?) throws -> Dataset {
        guard values.rank == 2, values.shape[1] >= 2 else { throw DataError("\(source): needs at least one feature column and a label column") }
        let columns = values.shape[1]
        let features = values.slice([.all, .range(0..<(columns - 1))]) * scale
        let raw = values.slice([.all, .index(columns - 1)]).scalars
        var labels: [Int] = []
        for (row, v) in raw.enumerated() {
            guard v.isFinite, v == v.rounded(), v >= 0, v < 100_000 else {
                throw DataError("\(source): row \(row + 1) has label \(v), not a class index (0 to 99,999)")
            }
            labels.append(Int(v))
        }
        return try Dataset(inputs: features, labels: labels, imageShape: imageShape)
    }
}
