import Foundation
import SAMAnalysis
import SAMCore

/// A sweep: a base run (a run specification, as in a summary's `config`), axes that set keys of it, how the axes
/// combine, and which result fields to keep. Read from JSON, strictly: every error names its JSON path.
///
///     {"kind": "flow",
///      "base": {"data": {"kind": "single", "mu": [1, 2, 3, 4, 5, 6]}, "optimizer": "l2-sam", "rescaled": true, "time": 20},
///      "axes": [{"key": "alpha", "log": {"from": 0.05, "to": 2, "count": 40}},
///               {"key": "rho", "values": [0.1, 0.5, 1]}],
///      "combine": "product", "keep": ["status", "regime", "event_time"]}
///
/// Keys the base leaves out take their defaults. An axis key is a numeric key of the run specification (`alpha`,
/// `rho`, `lr`, `time`, a rule's parameter, ...) or a numeric key of the base's data (`data.mu`, `data.sigma`,
/// `data.n`); its value replaces the base's value there, and a number given for a list-valued key (`alpha`,
/// `data.mu`) becomes a one-entry list. `seeds` (optional) varies the Gaussian data's seed. Before anything runs,
/// the base, every axis key and every axis value (with the other axes at their first values) and every seed are
/// checked the way `samlab train` / `flow` check a run, data included.
public struct SweepSpec: Sendable, Equatable {
    /// Which runs the sweep makes: discrete (`train`) or flows (`flow`).
    public enum Kind: String, Sendable {
        /// `train` (discrete runs) or `flow`.
        case train, flow

        /// Steps for `train`, time for `flow`.
        public var clock: Clock { self == .train ? .step : .time }
    }

    /// One axis: a key and its values.
    public struct AxisSpec: Sendable, Equatable {
        /// The key it sets (`alpha`, `rho`, `data.mu`, ...).
        public var key: String
        /// Its values, in order (a `log` or `linear` range is expanded).
        public var values: [Double]
        /// The names of values of the rule parameter `key` (`"inf"` for lp-sam's p, `"n"` for msam's m, `"l2"` and
        /// `"none"` for msam_norm), which `values` may give instead of numbers; empty for other keys.
        public var names: [RuleParameter.Name] = []

        /// The JSON of a value of the axis: its name if it has one, a number otherwise (`"inf"` for +inf).
        public func json(_ value: Double) -> JSONValue {
            names.first { $0.value == value }.map { .string($0.name) } ?? RuleParameter.json(value)
        }
    }

    /// `kind`: discrete runs or flows.
    public var kind: Kind
    /// `base`: the run specification's JSON object that the axes modify.
    public var base: [String: JSONValue]
    /// `axes`, in order.
    public var axes: [AxisSpec]
    /// `combine`: "zip" (true: the i-th values of all axes together) or "product" (false, the default).
    public var zipped: Bool
    /// `seeds`: the Gaussian data's seeds to vary, or nil.
    public var seeds: [UInt64]?
    /// `keep`: the result fields stored per point (default status, regime, leaders).
    public var keep: [String]

    /// The keys of a sweep spec.
    public static let knownKeys = ["kind", "base", "axes", "combine", "seeds", "keep"]
    /// The result fields `keep` may name.
    public static let resultFields = Set(["status", "regime", "event_time", "event_step", "time", "steps", "loss", "log_loss",
                                          "margin", "norm", "beta", "direction", "leader", "leader_absolute", "leaders",
                                          "leaders_absolute", "first_leader", "leader_count"]).union(sharpnessFields)
    /// The result fields of a base with `"sharpness": true` (the final state's; `gd_edge` and `sam_edge` of
    /// discrete l2-SAM only).
    public static let sharpnessFields: Set<String> = ["lambda_max", "hessian_trace", "gd_edge", "sam_edge"]

    /// Reads a spec; errors carry JSON paths and name no file (`init(json:source:)` adds the file's name).
    public init(json data: Data, registry: Registry = .standard) throws(SpecError) {
        let document = try JSONValue(parsingStrictly: data)
        let object = try SpecObject(document, path: "")
        try object.requireOnly(Self.knownKeys)
        guard let kindText = try? object.string("kind"), let kind = Kind(rawValue: kindText) else {
            throw .invalid(path: "", detail: "'kind' must be \"train\" or \"flow\"")
        }
        self.kind = kind
        guard case .object(let base)? = object.values["base"] else {
            throw .invalid(path: "", detail: "'base' must be an object (a run configuration)")
        }
        self.base = base
        let baseSpec: RunSpec
        do { baseSpec = try RunSpec(json: .object(base), clock: kind.clock, registry: registry) } catch { throw .within(path: "base", error) }
        guard case .array(let axisValues)? = object.values["axes"], !axisValues.isEmpty else {
            throw .invalid(path: "", detail: "'axes' must be a non-empty list of {\"key\": ..., \"values\" | \"linear\" | \"log\": ...}")
        }
        var axes: [AxisSpec] = []
        for (i, value) in axisValues.enumerated() {
            let axis = try Self.axis(value, at: "axes[\(i)]", registry: registry)
            try Self.checkKey(axis.key, at: "axes[\(i)].key", base: baseSpec, registry: registry)
            // "inf" only where a rule parameter admits it (lp-sam's p).
            if axis.values.contains(.infinity),
               !registry.rules.contains(where: { $0.parameters.contains { $0.key == axis.key && $0.admitsInfinity } }) {
                throw .invalid(path: "axes[\(i)]", detail: "('\(axis.key)'): 'values' must be a non-empty list of numbers")
            }
            if let j = axes.firstIndex(where: { $0.key == axis.key }) {
                throw .invalid(path: "axes[\(i)].key", detail: "'\(axis.key)' is already axes[\(j)]: give each key one axis")
            }
            axes.append(axis)
        }
        self.axes = axes
        switch try object.string("combine") ?? "product" {
        case "product": zipped = false
        case "zip":
            zipped = true
            guard Set(axes.map(\.values.count)).count == 1 else { throw .invalid(path: "combine", detail: "\"zip\" needs axes of equal length") }
        default: throw .invalid(path: "", detail: "'combine' must be \"product\" or \"zip\"")
        }
        if let seeds = object.values["seeds"] {
            guard case .array(let list) = seeds, !list.isEmpty else {
                throw .invalid(path: "", detail: "'seeds' must be a non-empty list of non-negative integers")
            }
            var values: [UInt64] = []
            for entry in list {
                guard case .number(let x) = entry, x >= 0, x == x.rounded(), x < 9e15 else {
                    throw .invalid(path: "", detail: "'seeds' must be a non-empty list of non-negative integers")
                }
                values.append(UInt64(x))
            }
            guard case .gaussian = baseSpec.data else {
                throw .invalid(path: "seeds", detail: "vary the seed of Gaussian data, but the base's data are '\(baseSpec.data.kind)'")
            }
            self.seeds = values
        }
        var keep = ["status", "regime", "leaders"]
        if let given = object.values["keep"] {
            guard case .array(let list) = given, !list.isEmpty else {
                throw .invalid(path: "", detail: "'keep' must be a non-empty list of field names")
            }
            keep = []
            for entry in list {
                guard case .string(let field) = entry else { throw .invalid(path: "", detail: "'keep' must be a non-empty list of field names") }
                keep.append(field)
            }
        }
        if let bad = keep.first(where: { !Self.resultFields.contains($0) }) {
            throw .invalid(path: "", detail: "'keep' has unknown field '\(bad)' (known: \(Self.resultFields.sorted().joined(separator: ", ")))")
        }
        if let field = keep.first(where: { Self.sharpnessFields.contains($0) }) {
            guard baseSpec.sharpness else {
                throw .invalid(path: "keep", detail: "'\(field)' needs \"sharpness\": true in 'base'")
            }
            if let edge = keep.first(where: { $0 == "gd_edge" || $0 == "sam_edge" }), !baseSpec.hasStabilityEdges {
                throw .invalid(path: "keep", detail: "'\(edge)' is kept only by discrete l2-SAM runs (kind train, optimizer l2-sam)")
            }
        }
        self.keep = keep
        try validateValues(registry: registry)
    }

    /// Reads a spec file's bytes; errors are one line that starts with `source`.
    public init(json data: Data, source: String, registry: Registry = .standard) throws(InvalidInput) {
        do { try self.init(json: data, registry: registry) } catch { throw InvalidInput("\(source): \(error)") }
    }

    /// The numeric keys an axis may set, for a base of this kind.
    public static func axisKeys(base: RunSpec, registry: Registry = .standard) -> [String] {
        var keys = ["depth", "alpha", "rho"] + (base.clock == .step ? ["lr", "steps"] : ["time", "rtol", "atol", "blowup_norm", "loss_tolerance"])
        keys += registry.ruleParameterKeys.filter { !keys.contains($0) }
        if base.model.name == DenseNetwork.name { keys += ["width", "seed"] }
        switch base.data {
        case .singleExample: keys.append("data.mu")
        case .gaussian: keys += ["data.n", "data.mean", "data.sigma", "data.seed"]
        case .csv: break
        }
        return keys
    }

    static func checkKey(_ key: String, at path: String, base: RunSpec, registry: Registry) throws(SpecError) {
        let known = axisKeys(base: base, registry: registry)
        guard known.contains(key) else { throw .unknownKey(path: path, key: key, known: known) }
    }

    static func axis(_ value: JSONValue, at place: String, registry: Registry) throws(SpecError) -> AxisSpec {
        let object = try SpecObject(value, path: place)
        guard let key = try? object.string("key"), !key.isEmpty else { throw .invalid(path: place, detail: "missing 'key'") }
        let names = registry.rules.lazy.flatMap(\.parameters).first { $0.key == key }?.names ?? []
        let listed = names.isEmpty ? "numbers" : "numbers or " + names.map { "\"\($0.name)\"" }.joined(separator: ", ")
        let kinds = ["values", "linear", "log"].filter(object.contains)
        guard kinds.count == 1 else { throw .invalid(path: place, detail: "('\(key)'): give exactly one of values, linear, log") }
        try object.requireOnly(["key", "values", "linear", "log"])
        if kinds[0] == "values" {
            guard case .array(let entries)? = object.values["values"], !entries.isEmpty else {
                throw .invalid(path: place, detail: "('\(key)'): 'values' must be a non-empty list of numbers")
            }
            var values: [Double] = []
            for entry in entries {
                // A number, or a name of a value of the rule parameter `key` ("inf", "n", "l2", "none").
                if case .string(let text) = entry, let named = names.first(where: { $0.name == text }) {
                    values.append(named.value)
                    continue
                }
                guard case .number(let x) = entry else { throw .invalid(path: place, detail: "('\(key)'): 'values' must be a non-empty list of \(listed)") }
                values.append(x)
            }
            return AxisSpec(key: key, values: values, names: names)
        }
        let range = try SpecObject(try object.value(kinds[0]), path: "\(place).\(kinds[0])")
        try range.requireOnly(["from", "to", "count"])
        guard let from = try? range.double("from"), let to = try? range.double("to"), let count = try? range.integer("count") else {
            throw .invalid(path: place, detail: "('\(key)'): '\(kinds[0])' needs numbers from, to and count")
        }
        guard count >= 1, from.isFinite, to.isFinite else { throw .invalid(path: place, detail: "('\(key)'): count must be >= 1 and the ends finite") }
        if kinds[0] == "log" {
            guard from > 0, to > 0 else { throw .invalid(path: place, detail: "('\(key)'): a log range needs positive ends") }
            return AxisSpec(key: key, values: (0..<count).map { count == 1 ? from : from * pow(to / from, Double($0) / Double(count - 1)) })
        }
        return AxisSpec(key: key, values: (0..<count).map { count == 1 ? from : from + (to - from) * Double($0) / Double(count - 1) })
    }

    /// Every axis value (with the other axes at their first values) and every seed makes a run that `train` /
    /// `flow` would accept, data checks included; the error names the axis.
    func validateValues(registry: Registry) throws(SpecError) {
        let first = axes.map { $0.values[0] }
        var checked = Set<String>()  // keys, not configurations: a long "zip" axis must not hold every configuration
        func check(_ values: [Double], seed: UInt64?, place: String) throws(SpecError) {
            let point = Point(index: 0, values: values, seed: seed)
            guard checked.insert(key(for: point)).inserted else { return }
            do {
                _ = try PreparedRun(try runSpec(for: point, registry: registry), registry: registry)
            } catch let error as RunSetupError {
                switch error {
                case .spec(let e): throw .within(path: place, e)
                case .data(let e): throw .within(path: place, .invalid(path: "", detail: e.description))
                }
            } catch let error as SpecError {
                throw .within(path: place, error)
            } catch {
                throw .within(path: place, .invalid(path: "", detail: "\(error)"))
            }
        }
        for (i, axis) in axes.enumerated() {
            for (k, value) in axis.values.enumerated() {
                var values = first
                if zipped { values = axes.map { $0.values[k] } } else { values[i] = value }
                try check(values, seed: seeds?.first, place: "axes[\(i)] (\(axis.key) = \(value))")
            }
        }
        for seed in seeds ?? [] { try check(first, seed: seed, place: "seeds (\(seed))") }
    }

    /// One point: the axis values (and seed) in order.
    public struct Point: Sendable, Equatable {
        /// The point's position in `points()`.
        public var index: Int
        /// One value per axis.
        public var values: [Double]
        /// The data seed, when the sweep varies seeds.
        public var seed: UInt64?
    }

    /// All points in a fixed order (the last axis varies fastest; seeds innermost). `point(at:)` gives one of them
    /// without building the others.
    public func points() -> [Point] {
        (0..<pointCount).map(point(at:))
    }

    /// The number of points: the product of the axis lengths (for "zip", the common length) times the number of
    /// seeds; `Int.max` if that overflows.
    public var pointCount: Int {
        let combos = zipped ? axes[0].values.count : Self.saturatingProduct(axes.map(\.values.count))
        return Self.saturatingProduct([combos, seeds?.count ?? 1])
    }

    /// Point `index` of `points()` (0 <= index < pointCount), computed from the index alone.
    public func point(at index: Int) -> Point {
        let seedCount = seeds?.count ?? 1
        var combo = index / seedCount
        var values = [Double](repeating: 0, count: axes.count)
        if zipped {
            for (i, axis) in axes.enumerated() { values[i] = axis.values[combo] }
        } else {
            for i in axes.indices.reversed() {
                let count = axes[i].values.count
                values[i] = axes[i].values[combo % count]
                combo /= count
            }
        }
        return Point(index: index, values: values, seed: seeds.map { $0[index % seedCount] })
    }

    /// The number of points of the sweep spec `json`, counted from its axes' lengths (a `values` list's length, a
    /// range's `count`) and its seeds without expanding a range or checking anything else; nil when these keys are
    /// malformed (`init(json:)` says how). `Int.max` if the product overflows. Lets a caller refuse a grid too large
    /// to run before reading it.
    public static func pointCount(json data: Data) -> Int? {
        guard case .object(let object)? = try? JSONValue(parsingStrictly: data), case .array(let axes)? = object["axes"] else { return nil }
        var lengths: [Int] = []
        for axis in axes {
            guard case .object(let fields) = axis else { return nil }
            if case .array(let values)? = fields["values"] {
                lengths.append(values.count)
            } else if case .object(let range)? = fields["linear"] ?? fields["log"], case .number(let count)? = range["count"],
                      count >= 0, count == count.rounded() {
                lengths.append(count < 9e18 ? Int(count) : .max)
            } else {
                return nil
            }
        }
        guard !lengths.isEmpty else { return nil }
        var seedCount = 1
        if let seeds = object["seeds"] {
            guard case .array(let list) = seeds else { return nil }
            seedCount = list.count
        }
        let zipped = object["combine"] == .string("zip")
        return saturatingProduct([zipped ? lengths.max()! : saturatingProduct(lengths), seedCount])
    }

    static func saturatingProduct(_ factors: [Int]) -> Int {
        var product = 1
        for f in factors {
            let (p, overflow) = product.multipliedReportingOverflow(by: f)
            if overflow { return .max }
            product = p
        }
        return product
    }

    /// The configuration JSON of a point (base with the axis values set), as canonical sorted-key bytes: the point's
    /// identity in the results store.
    public func configurationData(for point: Point) -> Data {
        JSONValue.object(configuration(for: point)).canonicalData
    }

    /// The key of a point in the results store: the hash of `configurationData(for:)`.
    public func key(for point: Point) -> String {
        fnv1a(configurationData(for: point))
    }

    func configuration(for point: Point) -> [String: JSONValue] {
        var object = base
        for (axis, value) in zip(axes, point.values) {
            if axis.key.hasPrefix("data.") {
                let key = String(axis.key.dropFirst(5))
                guard case .object(var data) = object["data"] ?? .null else { continue }
                data[key] = key == "mu" || key == "mean" ? .array([.number(value)]) : .number(value)
                object["data"] = .object(data)
            } else if case .array = object[axis.key] ?? .null {
                object[axis.key] = .array([.number(value)])
            } else if axis.key == "alpha" {
                object[axis.key] = .array([.number(value)])
            } else {
                object[axis.key] = axis.json(value)  // "inf" for lp-sam's p = inf, "n" for msam's m = n, "l2"/"none"
            }
        }
        if let seed = point.seed, case .object(var data) = object["data"] ?? .null {
            data["seed"] = .number(Double(seed))
            object["data"] = .object(data)
        }
        return object
    }

    /// The run specification of a point.
    public func runSpec(for point: Point, registry: Registry = .standard) throws(SpecError) -> RunSpec {
        try RunSpec(json: .object(configuration(for: point)), clock: kind.clock, registry: registry)
    }
}
