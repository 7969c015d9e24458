import Foundation

/// One value that describes any run: its data, model, loss, rule (with its parameters), dynamics (discrete: lr,
/// steps; flow: time, rescaled / log time, tolerances, blow-up norm) and what to record.
///
/// It is what `--config` reads, what a sweep's `base` and axes address, what a summary stores under `config`, and
/// what the library runs (`RunSpec.run`, in SAMFlow). Its JSON is one flat object:
///
///     {"data": {"kind": "single", "mu": [1, 2]}, "param": "product", "depth": 2, "alpha": [0.5],
///      "loss": "logistic", "optimizer": "l2-sam", "rho": 0.1, "lr": 0.1, "steps": 1000, "record": "log=200"}
///
/// (a flow has `time`, `rescaled`, `log_time`, `rtol`, `atol`, `blowup_norm` and `loss_tolerance` in place of `lr`
/// and `steps`; a rule's own parameters are keys of their own; `"sharpness": true` adds the Hessian's largest
/// eigenvalue and trace to every recorded state). Reading is strict and total: an unknown key
/// anywhere is refused with its JSON path and the known keys, and a key left out takes its default.
public struct RunSpec: Sendable, Equatable {
    /// Where the examples come from (key `data`).
    public var data: DataSource
    /// The model, its depth and its initial weights (keys `param`, `depth`, `alpha`, `layer_init`).
    public var model: ModelSpec
    /// The registered name of the loss (key `loss`).
    public var loss: String
    /// The rule, its radius and its parameters (keys `optimizer`, `rho` and the rule's own keys).
    public var rule: RuleSpec
    /// Discrete steps or a flow, with their settings.
    public var dynamics: DynamicsSpec
    /// Which states the trajectory keeps (key `record`).
    public var record: RecordingSchedule
    /// Whether every recorded state gets `lambda_max` and `hessian_trace` (and discrete l2-SAM runs `gd_edge` and
    /// `sam_edge`) (key `sharpness`, false by default and then not written; THEORY.md §8).
    public var sharpness: Bool

    /// The values a spec takes when it leaves a key out (the parts have their own `Defaults`).
    public enum Defaults {
        /// The logistic loss.
        public static let loss = "logistic"
    }

    /// A spec from its parts; each defaults to the value a JSON spec without that key gets.
    public init(data: DataSource = .standard, model: ModelSpec = ModelSpec(), loss: String = Defaults.loss,
                rule: RuleSpec = RuleSpec(), dynamics: DynamicsSpec = .discrete(DiscreteSettings()),
                record: RecordingSchedule = .standard, sharpness: Bool = false) {
        self.data = data
        self.model = model
        self.loss = loss
        self.rule = rule
        self.dynamics = dynamics
        self.record = record
        self.sharpness = sharpness
    }

    /// What the run counts in (steps or time).
    public var clock: Clock { dynamics.clock }

    /// The discrete settings (nil for flows), settable.
    public var discrete: DiscreteSettings? {
        get { dynamics.discrete }
        set { if let newValue { dynamics = .discrete(newValue) } }
    }

    /// The flow settings (nil for discrete runs), settable.
    public var flow: FlowSettings? {
        get { dynamics.flow }
        set { if let newValue { dynamics = .flow(newValue) } }
    }

    // MARK: - Validation

    /// Checks every value that can be checked without the data: names against the registry, scalars against their
    /// domains, the recording schedule against the clock and its size (`RecordingSchedule.maximumStates`). The data and the model check themselves when built.
    public func validate(registry: Registry = .standard) throws(SpecError) {
        if let discrete = dynamics.discrete {
            guard discrete.learningRate.isFinite, discrete.learningRate > 0 else {
                throw .outOfRange(field: "lr", value: "\(discrete.learningRate)", requirement: "must be positive")
            }
        }
        guard rule.rho.isFinite, rule.rho >= 0 else {
            throw .outOfRange(field: "rho", value: "\(rule.rho)", requirement: "must be non-negative")
        }
        guard model.depth >= 1 else { throw .outOfRange(field: "depth", value: "\(model.depth)", requirement: "must be at least 1") }
        try dynamics.discrete?.validate()
        try model.validate()
        try dynamics.flow?.validate()
        try data.validate()
        try record.validate(clock: clock)
        try record.validateSize(clock: clock, extent: dynamics.discrete.map { Double($0.steps) } ?? dynamics.flow?.time ?? 0)
        let entry = try registry.rule(named: rule.name)
        for key in rule.parameters.keys.sorted() where !entry.parameters.contains(where: { $0.key == key }) {
            let owners = registry.rules.filter { $0.parameters.contains { $0.key == key } }.map(\.name)
            throw .inapplicable(field: SpecField(key), reason: owners.isEmpty
                ? "is not a parameter of any registered rule"
                : "is a parameter of \(owners.joined(separator: ", ")), not of \(entry.name)")
        }
        for parameter in entry.parameters { try parameter.validate(rule.value(of: parameter)) }
        if clock == .time, try entry.rule(rule).selectsOneComponent {
            // A one-component rule (lp-sam at p = 1) moves eps from one weight to another as the largest score changes hands.
            let values = entry.parameters.map { p in
                let v = rule.value(of: p)
                return "\(p.key) = " + (v == v.rounded() && abs(v) < 1e15 ? "\(Int(v))" : "\(v)")
            }
            throw .inapplicable(field: "optimizer", reason: "\(entry.name)\(values.isEmpty ? "" : " with " + values.joined(separator: ", ")) puts eps "
                + "on a single component, chosen over all parameters, so its flow field jumps wherever that choice changes: a "
                + "discontinuous field that SAMLab's flows do not handle yet (discrete runs take it)")
        }
        let lossEntry = try registry.loss(named: loss)
        if let flow = dynamics.flow, flow.rescaled, !lossEntry.isMarginLoss {
            throw .inapplicable(field: "rescaled", reason: "divides the field by the mean |l'|, the slope of a margin loss; the \(loss) loss has no scalar l' to divide by (run the flow in original time)")
        }
        let modelEntry = try registry.model(named: model.name)
        guard model.depth <= modelEntry.maximumDepth else {
            throw .outOfRange(field: "depth", value: "\(model.depth)", requirement: "must be at most \(modelEntry.maximumDepth)")
        }
    }

    /// The spec's components, built: the rule, the loss and the model (for data of dimension d).
    public func components(dimension d: Int, registry: Registry = .standard) throws(SpecError) -> RunComponents {
        try validate(registry: registry)
        let entry = try registry.rule(named: rule.name)
        return RunComponents(rule: try entry.rule(rule), ruleEntry: entry, loss: try registry.loss(named: self.loss).loss(),
                             model: try registry.model(named: model.name).model(model, dimension: d))
    }

    /// What a runner of `clock` builds first: the components, after checking that the spec is of that kind.
    public func components(for clock: Clock, dimension d: Int, registry: Registry = .standard) throws(SpecError) -> RunComponents {
        guard self.clock == clock else {
            throw clock == .step ? .inapplicable(field: "time", reason: "is a setting of flows: a discrete run needs lr and steps")
                                 : .inapplicable(field: "lr", reason: "is a setting of discrete runs: a flow needs a time")
        }
        return try components(dimension: d, registry: registry)
    }

    // MARK: - JSON keys

    /// Keys every run has.
    public static let commonKeys = ["data", "param", "depth", "alpha", "layer_init", "width", "seed", "loss", "optimizer", "rho", "record",
                                    "sharpness"]

    /// Every key a spec counted in `clock` may have (with the rule parameters the registry knows).
    public static func knownKeys(clock: Clock, registry: Registry = .standard) -> [String] {
        let dynamics = clock == .step ? DiscreteSettings.keys : FlowSettings.keys
        var keys = commonKeys + dynamics
        for key in registry.ruleParameterKeys where !keys.contains(key) { keys.append(key) }
        return keys
    }

    // MARK: - Reading

    /// Reads a spec from its JSON object. `clock` says which kind of run it is (`train` reads discrete specs, `flow`
    /// flows); nil infers it from the keys (a flow's `time`, `rescaled`, ...; a discrete run's `lr`, `steps`).
    /// File names in it (`data.mu_file`) are read against `baseDirectory` (the folder of the file it came from).
    public init(json value: JSONValue, clock: Clock?, registry: Registry = .standard, path: String = "",
                baseDirectory: String? = nil) throws(SpecError) {
        var object = try SpecObject(value, path: path)
        object.baseDirectory = baseDirectory
        let flowKeys = FlowSettings.keys.filter(object.contains), discreteKeys = DiscreteSettings.keys.filter(object.contains)
        let resolved: Clock
        if let clock {
            resolved = clock
        } else if !flowKeys.isEmpty && !discreteKeys.isEmpty {
            throw .inapplicable(field: SpecField(object.path(of: flowKeys[0])),
                                reason: "is a setting of flows, but '\(discreteKeys[0])' is one of discrete runs: a spec is one or the other")
        } else if !flowKeys.isEmpty {
            resolved = .time
        } else if !discreteKeys.isEmpty {
            resolved = .step
        } else {
            throw .missingKey(path: path, key: "lr or time (cannot tell a discrete run from a flow)")
        }
        let known = Self.knownKeys(clock: resolved, registry: registry)
        let foreign = resolved == .step ? flowKeys : discreteKeys
        if let key = foreign.first {
            throw .inapplicable(field: SpecField(object.path(of: key)),
                                reason: resolved == .step ? "is a setting of flows, not of discrete runs" : "is a setting of discrete runs, not of flows")
        }
        // A rule that is not registered would make its parameters look like unknown keys: name the rule first.
        if let name = try object.string("optimizer"), (try? registry.rule(named: name)) == nil {
            throw .unknownName(field: SpecField(object.path(of: "optimizer")), name: name, known: registry.ruleNames)
        }
        try object.requireOnly(known)

        if let dataObject = try object.object("data") { data = try DataSource(spec: dataObject) } else { data = .standard }
        model = ModelSpec(name: try object.string("param") ?? ModelSpec.Defaults.name,
                          depth: try object.integer("depth") ?? ModelSpec.Defaults.depth,
                          alpha: try object.doubles("alpha") ?? ModelSpec.Defaults.alpha,
                          layerInit: try object.doubleLists("layer_init"), width: try object.integer("width"),
                          seed: try Self.seed(object))
        loss = try object.string("loss") ?? Defaults.loss
        var parameters: [String: Double] = [:]
        let ownParameters = (try? registry.rule(named: (try? object.string("optimizer")) ?? nil ?? RuleSpec.Defaults.name))?.parameters ?? []
        for key in registry.ruleParameterKeys where object.contains(key) {
            guard let json = object.values[key], json != .null else { continue }
            // A number, or a name of a value ("inf" for lp-sam's p, "n" for msam's m, "l2"/"none" for msam_norm); the spec's own rule decides.
            let parameter = ownParameters.first { $0.key == key } ?? registry.rules.flatMap(\.parameters).first { $0.key == key }!
            guard let value = parameter.value(of: json) else {
                throw .wrongType(path: object.path(of: key), expected: parameter.expected)
            }
            parameters[key] = value
        }
        rule = RuleSpec(name: try object.string("optimizer") ?? RuleSpec.Defaults.name,
                        rho: try object.double("rho") ?? RuleSpec.Defaults.rho, parameters: parameters)
        switch resolved {
        case .step:
            dynamics = .discrete(DiscreteSettings(learningRate: try object.double("lr") ?? DiscreteSettings.Defaults.learningRate,
                                                  steps: try object.integer("steps") ?? DiscreteSettings.Defaults.steps))
        case .time:
            dynamics = .flow(FlowSettings(time: try object.double("time") ?? FlowSettings.Defaults.time,
                                          rescaled: try object.bool("rescaled") ?? false,
                                          logTime: try object.bool("log_time") ?? false,
                                          rtol: try object.double("rtol") ?? FlowSettings.Defaults.rtol,
                                          atol: try object.double("atol") ?? FlowSettings.Defaults.atol,
                                          blowupNorm: try object.double("blowup_norm") ?? FlowSettings.Defaults.blowupNorm,
                                          lossTolerance: try object.double("loss_tolerance"),
                                          solver: try object.string("solver")))
        }
        if let text = try object.string("record") {
            do { record = try RecordingSchedule(parsing: text, clock: resolved) } catch {
                throw .within(path: object.path(of: "record"), error)
            }
        } else {
            record = .standard
        }
        sharpness = try object.bool("sharpness") ?? false
    }

    /// The dense model's `seed`: a non-negative integer, or absent.
    static func seed(_ object: SpecObject) throws(SpecError) -> UInt64? {
        guard object.contains("seed") else { return nil }
        guard let seed = try object.integer("seed"), seed >= 0 else {
            throw .wrongType(path: object.path(of: "seed"), expected: "a non-negative integer")
        }
        return UInt64(seed)
    }

    /// Reads a spec from JSON text: a bare spec, or a summary (its `config`, with the clock read off the summary).
    /// File names in it are read against `baseDirectory` (the folder of the file).
    public init(jsonData data: Data, clock: Clock?, registry: Registry = .standard, baseDirectory: String? = nil) throws(SpecError) {
        let value = try JSONValue(parsingStrictly: data)
        if case .object(let object) = value, let config = object["config"] {
            let summaryClock: Clock? = object["steps"] != nil ? .step : (object["time"] != nil ? .time : nil)
            if let clock, let summaryClock, clock != summaryClock {
                throw .inapplicable(field: "config", reason: summaryClock == .time
                    ? "is the configuration of a flow, not of a discrete run" : "is the configuration of a discrete run, not of a flow")
            }
            try self.init(json: config, clock: clock ?? summaryClock, registry: registry, path: "config", baseDirectory: baseDirectory)
        } else {
            try self.init(json: value, clock: clock, registry: registry, baseDirectory: baseDirectory)
        }
    }

    // MARK: - Writing

    /// The spec's JSON object (the `config` of a summary). Every key of the kind of run is written, so that the
    /// object alone repeats the run; a rule's parameters are written with their values, given or default.
    public func jsonValue(registry: Registry = .standard) throws(InvalidInput) -> JSONValue {
        try JSONValue(encoding: Encoded(spec: self, registry: registry))
    }

    /// The JSON bytes of `jsonValue` in SAMLab's style.
    public func jsonData(registry: Registry = .standard) throws(InvalidInput) -> Data {
        try JSONOutput.encode(Encoded(spec: self, registry: registry))
    }

    /// The encodable form of a spec (flat keys, as in every summary's `config`).
    public struct Encoded: Encodable, Sendable {
        /// The spec to write.
        public var spec: RunSpec
        var parameters: [String: RuleParameterValue]

        /// The encodable form of `spec`; the rule's parameters left out of it are written with the registry's defaults.
        /// Values with a name are written by name (`"inf"`, msam's `"n"`, `"l2"`), as they are read.
        public init(spec: RunSpec, registry: Registry = .standard) {
            self.spec = spec
            var parameters = spec.rule.parameters
            let entry = try? registry.rule(named: spec.rule.name)
            if let entry {
                for p in entry.parameters where parameters[p.key] == nil { parameters[p.key] = p.defaultValue }
            }
            var named: [String: RuleParameterValue] = [:]
            for (key, value) in parameters {
                let parameter = entry?.parameters.first { $0.key == key } ?? registry.rules.lazy.flatMap(\.parameters).first { $0.key == key }
                named[key] = RuleParameterValue(value, of: parameter)
            }
            self.parameters = named
        }

        struct Key: CodingKey {
            var stringValue: String
            var intValue: Int? { nil }
            init(_ s: String) { stringValue = s }
            init?(stringValue: String) { self.stringValue = stringValue }
            init?(intValue: Int) { nil }
        }

        /// Writes the flat object: every key of the kind of run, with its value.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            let s = spec
            try c.encode(s.data, forKey: Key("data"))
            try c.encode(s.model.depth, forKey: Key("depth"))
            try c.encode(s.model.name, forKey: Key("param"))
            try c.encode(s.model.alpha, forKey: Key("alpha"))
            try c.encodeIfPresent(s.model.layerInit, forKey: Key("layer_init"))
            try c.encodeIfPresent(s.model.width, forKey: Key("width"))
            if s.model.name == DenseNetwork.name { try c.encode(s.model.seed ?? ModelSpec.Defaults.seed, forKey: Key("seed")) }
            try c.encode(s.loss, forKey: Key("loss"))
            try c.encode(s.rule.name, forKey: Key("optimizer"))
            try c.encode(s.rule.rho, forKey: Key("rho"))
            // JSON has no infinity: lp-sam's p = inf is written "inf", msam's m = n "n", as they are read.
            for (key, value) in parameters { try c.encode(value, forKey: Key(key)) }
            switch s.dynamics {
            case .discrete(let d):
                try c.encode(d.learningRate, forKey: Key("lr"))
                try c.encode(d.steps, forKey: Key("steps"))
            case .flow(let f):
                try c.encode(f.time, forKey: Key("time"))
                try c.encode(f.rescaled, forKey: Key("rescaled"))
                try c.encode(f.logTime, forKey: Key("log_time"))
                try c.encode(f.rtol, forKey: Key("rtol"))
                try c.encode(f.atol, forKey: Key("atol"))
                try c.encode(f.blowupNorm, forKey: Key("blowup_norm"))
                try c.encodeIfPresent(f.lossTolerance, forKey: Key("loss_tolerance"))
                try c.encodeIfPresent(f.solver, forKey: Key("solver"))
            }
            try c.encode(s.record.text(clock: s.clock), forKey: Key("record"))
            // Written only when on, so that the configurations of runs without it keep their bytes.
            if s.sharpness { try c.encode(true, forKey: Key("sharpness")) }
        }
    }
}

extension RunSpec: Codable {
    /// Decoding through `Codable` infers the kind of run from the keys and uses the standard registry.
    public init(from decoder: any Decoder) throws {
        let value = try JSONValue(from: decoder)
        self = try RunSpec(json: value, clock: nil)
    }

    /// Writes the flat object of `Encoded` (with the standard registry's parameter defaults).
    public func encode(to encoder: any Encoder) throws {
        try Encoded(spec: self).encode(to: encoder)
    }
}

/// A spec's rule, loss and model, built from the registry.
public struct RunComponents: Sendable {
    /// The rule (the perturbation eps(w)).
    public var rule: any Rule
    /// The rule's registry entry (its name, display name and parameters).
    public var ruleEntry: Registry.RuleEntry
    /// The loss (a margin loss or a regression loss).
    public var loss: any TrainingLoss
    /// The model, for the data's dimension, with its initial weights.
    public var model: any Model
}
