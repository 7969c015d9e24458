import Foundation

/// The long vectors of a large run, kept beside its `summary.json` as `.npy` files instead of inside it.
///
/// When d > `threshold` (1000) and the summary is written into a run folder, `beta`, `direction`, `weights` and the
/// configuration's `data.mu` are written as NPY files (`NPYArray`: format 1.0, little-endian `<f8`, C order) beside
/// it, and the summary holds `null` under the key with the file's name under `KEY_file`:
///
///     "beta": null, "beta_file": "beta.npy"                      shape (d,)
///     "direction": null, "direction_file": "direction.npy"        shape (d,), absent when beta = 0 (direction null)
///     "weights": null, "weights_file": "weights.npy"              shape (layers, d): one row per layer
///     "weights": null, "weights_files": ["weights_1.npy", ...]    the dense model: one (rows, columns) matrix per layer
///     "config": {"data": {"kind": "single", "mu": null, "mu_file": "mu.npy"}, ...}    shape (d,)
///
/// A summary of d <= 1000 is unchanged, byte for byte, and every key keeps its meaning: a reader that sees `null`
/// under `beta` and a `beta_file` reads the vector from that file, relative to the summary's folder. `RunFolder.read`
/// and `--config summary.json` do so. A summary encoded without a sink (`--json` without `--out`, the explorer's API,
/// sweeps) keeps every vector inline, as before.
public final class SummaryVectors: @unchecked Sendable {
    /// Vectors longer than this go to files.
    public static let threshold = 1000
    /// The userInfo key of the sink an encoder writes the files into.
    public static let sinkKey = CodingUserInfoKey(rawValue: "samlabSummaryVectors")!
    /// The userInfo key of the folder a decoder reads `*_file` names against.
    public static let directoryKey = CodingUserInfoKey(rawValue: "samlabSummaryDirectory")!

    /// The files gathered while encoding, by name, in the order they were added.
    public private(set) var files: [(name: String, array: NPYArray)] = []

    /// An empty sink.
    public init() {}

    /// Adds a file (one encoding adds each name once).
    public func add(_ name: String, _ array: NPYArray) { files.append((name, array)) }

    /// The files whose entries are made as they are written (a direction, from beta), by name, in the order they
    /// were added.
    public private(set) var derivedFiles: [(name: String, vector: NPYDerivedVector)] = []

    /// Adds a file made entry by entry (one encoding adds each name once).
    public func add(_ name: String, _ vector: NPYDerivedVector) { derivedFiles.append((name, vector)) }

    /// The sink of an encoder writing a run folder's summary, when the vectors are `count` long and above the threshold.
    static func sink(_ encoder: any Encoder, count: Int) -> SummaryVectors? {
        count > threshold ? encoder.userInfo[sinkKey] as? SummaryVectors : nil
    }

    /// The folder a decoder reads vector files from, if it was given one.
    static func directory(_ decoder: any Decoder) -> String? { decoder.userInfo[directoryKey] as? String }

    /// The NPY file `name` of the summary being decoded: its array, or an error saying why it cannot be read.
    static func load(_ name: String, key: String, directory: String?) throws -> NPYArray {
        guard let directory else {
            throw InvalidInput("'\(key)' is in \(name) beside the summary: read the summary from its folder (RunFolder.read, --config FILE)")
        }
        let path = name.hasPrefix("/") ? name : (directory as NSString).appendingPathComponent(name)
        return try NPYArray(data: try InputFile.read(path), source: path)
    }

    /// Whether `name` is one of the files a run folder may hold beside its summary.
    public static func isFolderFile(_ name: String) -> Bool {
        if ["beta.npy", "direction.npy", "weights.npy", "mu.npy"].contains(name) { return true }
        guard name.hasPrefix("weights_"), name.hasSuffix(".npy") else { return false }
        let middle = name.dropFirst("weights_".count).dropLast(".npy".count)
        return !middle.isEmpty && middle.allSatisfy(\.isNumber)
    }
}
