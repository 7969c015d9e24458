import Foundation

/// Which steps (or, for flows, times) a trajectory keeps: every k-th, or about `count` on a log-spaced grid.
/// Step 0 and the last step are always kept.
public enum RecordingSchedule: Sendable, Equatable {
    case every(Int)
    case log(Int)

    /// Parses `every=10` or `log=200`.
    public init(parsing text: String, flag: String = "--record") throws(InvalidInput) {
        let parts = text.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let k = Int(parts[1]) else {
            throw InvalidInput("\(flag) must be every=K or log=N (got '\(text)')")
        }
        switch parts[0] {
        case "every":
            guard k >= 1 else { throw InvalidInput("\(flag) every=K needs K >= 1 (got \(k))") }
            self = .every(k)
        case "log":
            guard k >= 2 else { throw InvalidInput("\(flag) log=N needs N >= 2 (got \(k))") }
            self = .log(k)
        default:
            throw InvalidInput("\(flag) must be every=K or log=N (got '\(text)')")
        }
    }

    public var text: String {
        switch self {
        case .every(let k): "every=\(k)"
        case .log(let n): "log=\(n)"
        }
    }

    /// The recorded steps of a run of `total` steps, ascending, without repeats.
    public func steps(total: Int) -> [Int] {
        var steps = Set([0, total])
        switch self {
        case .every(let k):
            for s in stride(from: 0, through: total, by: k) { steps.insert(s) }
        case .log(let n):
            if total > 0 {
                let top = Foundation.log(Double(total))
                for i in 0..<n {
                    steps.insert(min(total, Int((Foundation.exp(top * Double(i) / Double(n - 1))).rounded())))
                }
            }
        }
        return steps.sorted()
    }
}

extension RecordingSchedule: Codable {
    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do { self = try RecordingSchedule(parsing: text, flag: "record") } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.message))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(text)
    }
}
