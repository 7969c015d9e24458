import Foundation
import SAMCore
import SAMFlow

/// A sweep: a base run (train or flow configuration, as in a summary's `config`), axes that set configuration keys,
/// how the axes combine, and which result fields to keep. Read from JSON; every error names the key.
///
///     {"kind": "flow",
///      "base": {"data": {"kind": "single", "mu": [1, 2, 3, 4, 5, 6]}, "optimizer": "l2-sam", "rescaled": true, "time": 20},
///      "axes": [{"key": "alpha", "log": {"from": 0.05, "to": 2, "count": 40}},
///               {"key": "rho", "values": [0.1, 0.5, 1]}],
///      "combine": "product", "keep": ["status", "regime", "event_time"]}
///
/// Keys the base leaves out take the command-line defaults. An axis value replaces the base's value at its key; a
/// number given for a list-valued key (alpha) becomes a one-entry list. `seeds` (optional) varies the Gaussian seed.
public struct SweepSpec: Sendable, Equatable {
    public enum Kind: String, Sendable { case train, flow }

    public struct AxisSpec: Sendable, Equatable {
        public var key: String
        public var values: [Double]
    }

    public var kind: Kind
    public var base: [String: JSONValue]
    public var axes: [AxisSpec]
    public var zipped: Bool
    public var seeds: [UInt64]?
    public var keep: [String]

    public static let knownKeys: Set<String> = ["kind", "base", "axes", "combine", "seeds", "keep"]
    public static let resultFields: Set<String> = ["status", "regime", "event_time", "event_step", "time", "steps", "loss", "log_loss",
                                                   "margin", "norm", "beta", "direction", "leader", "leader_absolute", "leaders",
                                                   "leaders_absolute", "first_leader", "leader_count"]

    public init(json data: Data, source: String) throws(InvalidInput) {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw InvalidInput("\(source): not a JSON object")
        }
        if let unknown = object.keys.sorted().first(where: { !Self.knownKeys.contains($0) }) {
            throw InvalidInput("\(source): unknown key '\(unknown)' (expected \(Self.knownKeys.sorted().joined(separator: ", ")))")
        }
        guard let kindText = object["kind"] as? String, let kind = Kind(rawValue: kindText) else {
            throw InvalidInput("\(source): 'kind' must be \"train\" or \"flow\"")
        }
        self.kind = kind
        guard let base = object["base"] as? [String: Any] else { throw InvalidInput("\(source): 'base' must be an object (a run configuration)") }
        self.base = base.mapValues(JSONValue.init)
        guard let axes = object["axes"] as? [[String: Any]], !axes.isEmpty else {
            throw InvalidInput("\(source): 'axes' must be a non-empty list of {\"key\": ..., \"values\" | \"linear\" | \"log\": ...}")
        }
        self.axes = try axes.enumerated().map { i, axis throws(InvalidInput) in try Self.axis(axis, at: "\(source): axes[\(i)]") }
        switch object["combine"] as? String ?? "product" {
        case "product": zipped = false
        case "zip":
            zipped = true
            guard Set(self.axes.map(\.values.count)).count == 1 else { throw InvalidInput("\(source): 'combine': \"zip\" needs axes of equal length") }
        default: throw InvalidInput("\(source): 'combine' must be \"product\" or \"zip\"")
        }
        if let seeds = object["seeds"] {
            guard let list = seeds as? [NSNumber], !list.isEmpty, list.allSatisfy({ $0.int64Value >= 0 && Double($0.int64Value) == $0.doubleValue }) else {
                throw InvalidInput("\(source): 'seeds' must be a non-empty list of non-negative integers")
            }
            self.seeds = list.map { UInt64($0.int64Value) }
        }
        let keep = object["keep"] ?? ["status", "regime", "leaders"]
        guard let fields = keep as? [String], !fields.isEmpty else { throw InvalidInput("\(source): 'keep' must be a non-empty list of field names") }
        if let bad = fields.first(where: { !Self.resultFields.contains($0) }) {
            throw InvalidInput("\(source): 'keep' has unknown field '\(bad)' (known: \(Self.resultFields.sorted().joined(separator: ", ")))")
        }
        self.keep = fields
        // Every point must make a valid configuration: check the first one now, with the key named.
        if let first = points().first { _ = try configuration(for: first, source: source) }
    }

    static func axis(_ object: [String: Any], at place: String) throws(InvalidInput) -> AxisSpec {
        guard let key = object["key"] as? String, !key.isEmpty else { throw InvalidInput("\(place): missing 'key'") }
        let kinds = ["values", "linear", "log"].filter { object[$0] != nil }
        guard kinds.count == 1 else { throw InvalidInput("\(place) ('\(key)'): give exactly one of values, linear, log") }
        if let unknown = object.keys.sorted().first(where: { !["key", "values", "linear", "log"].contains($0) }) {
            throw InvalidInput("\(place) ('\(key)'): unknown key '\(unknown)'")
        }
        if kinds[0] == "values" {
            guard let values = object["values"] as? [NSNumber], !values.isEmpty else {
                throw InvalidInput("\(place) ('\(key)'): 'values' must be a non-empty list of numbers")
            }
            return AxisSpec(key: key, values: values.map(\.doubleValue))
        }
        guard let range = object[kinds[0]] as? [String: Any], let from = (range["from"] as? NSNumber)?.doubleValue,
              let to = (range["to"] as? NSNumber)?.doubleValue, let count = (range["count"] as? NSNumber)?.intValue else {
            throw InvalidInput("\(place) ('\(key)'): '\(kinds[0])' needs numbers from, to and count")
        }
        guard count >= 1, from.isFinite, to.isFinite else { throw InvalidInput("\(place) ('\(key)'): count must be >= 1 and the ends finite") }
        if kinds[0] == "log" {
            guard from > 0, to > 0 else { throw InvalidInput("\(place) ('\(key)'): a log range needs positive ends") }
            return AxisSpec(key: key, values: (0..<count).map { count == 1 ? from : from * pow(to / from, Double($0) / Double(count - 1)) })
        }
        return AxisSpec(key: key, values: (0..<count).map { count == 1 ? from : from + (to - from) * Double($0) / Double(count - 1) })
    }

    /// One point: the axis values (and seed) in order.
    public struct Point: Sendable, Equatable {
        public var index: Int
        public var values: [Double]
        public var seed: UInt64?
    }

    /// All points in a fixed order (the last axis varies fastest; seeds innermost).
    public func points() -> [Point] {
        var combos: [[Double]] = [[]]
        if zipped {
            combos = (0..<axes[0].values.count).map { i in axes.map { $0.values[i] } }
        } else {
            for axis in axes { combos = combos.flatMap { c in axis.values.map { c + [$0] } } }
        }
        var out: [Point] = []
        for c in combos {
            for seed in seeds.map({ $0.map(Optional.some) }) ?? [nil] { out.append(Point(index: out.count, values: c, seed: seed)) }
        }
        return out
    }

    /// The configuration JSON of a point (base with the axis values set), as canonical sorted-key bytes: the point's
    /// identity in the results store.
    public func configurationData(for point: Point) -> Data {
        var object = base
        for (axis, value) in zip(axes, point.values) {
            if case .array = object[axis.key] ?? .null { object[axis.key] = .array([.number(value)]) }
            else if axis.key == "alpha" || axis.key == "mu" { object[axis.key] = .array([.number(value)]) }
            else { object[axis.key] = .number(value) }
        }
        if let seed = point.seed, case .object(var data) = object["data"] ?? .null {
            data["seed"] = .number(Double(seed))
            object["data"] = .object(data)
        }
        return JSONValue.object(object).canonicalData
    }

    public enum Configuration: Sendable {
        case train(TrainConfiguration)
        case flow(FlowConfiguration)
    }

    public func configuration(for point: Point, source: String = "spec") throws(InvalidInput) -> Configuration {
        let data = configurationData(for: point)
        let place = "\(source): point \(point.index) (\(zip(axes, point.values).map { "\($0.key) = \($1)" }.joined(separator: ", ")))"
        switch kind {
        case .train:
            let c = try JSONOutput.decode(TrainConfiguration.self, from: Self.withDefaults(data, TrainConfiguration()), source: place)
            try c.validate()
            return .train(c)
        case .flow:
            let c = try JSONOutput.decode(FlowConfiguration.self, from: Self.withDefaults(data, FlowConfiguration()), source: place)
            try c.validate()
            return .flow(c)
        }
    }

    /// The defaults' JSON with the given keys laid over it, so that a base needs only the keys it changes.
    static func withDefaults<C: Encodable>(_ data: Data, _ defaults: C) throws(InvalidInput) -> Data {
        guard var object = (try? JSONSerialization.jsonObject(with: try JSONOutput.encode(defaults))) as? [String: Any],
              let given = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw InvalidInput("internal error: configuration JSON")
        }
        for (k, v) in given { object[k] = v }
        guard let merged = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else {
            throw InvalidInput("internal error: configuration JSON")
        }
        return merged
    }
}
