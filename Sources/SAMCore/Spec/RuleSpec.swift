/// The rule part of a run specification: which registered rule (`optimizer`), its radius `rho`, and any further
/// parameters the rule declares (each a top-level key of the run specification, e.g. `asam_eta`).
public struct RuleSpec: Sendable, Equatable {
    /// The registered name of the rule (the key `optimizer`).
    public var name: String
    /// The perturbation radius (used by every rule but plain gradient descent).
    public var rho: Double
    /// The rule's own parameters by key; keys it leaves out take the rule's defaults.
    public var parameters: [String: Double]

    /// The values a spec takes when it leaves `optimizer` or `rho` out.
    public enum Defaults {
        /// Plain gradient descent.
        public static let name = "gd"
        /// rho = 0.1.
        public static let rho = 0.1
    }

    /// The rule part with the given name, radius and parameters.
    public init(name: String = Defaults.name, rho: Double = Defaults.rho, parameters: [String: Double] = [:]) {
        self.name = name
        self.rho = rho
        self.parameters = parameters
    }

    /// The value of the rule's parameter `key`: given, or else `defaultValue`.
    public func value(forKey key: String, default defaultValue: Double) -> Double {
        parameters[key] ?? defaultValue
    }

    /// The value of one of the rule's parameters: given, or the parameter's default.
    public func value(of parameter: RuleParameter) -> Double {
        parameters[parameter.key] ?? parameter.defaultValue
    }
}

/// A number a rule takes beyond rho: its key in the run specification (and a sweep axis), its default, and its domain.
///
/// Some values have names, which JSON and the command line use instead of the number: +inf is `"inf"` where a
/// parameter admits it (lp-SAM's p) unless the parameter names it otherwise (m-SAM's m = `"n"`, all examples). A
/// parameter of named choices (`init(choices:_:summary:)`, m-SAM's `msam_norm`: `"l2"` or `"none"`) takes its names
/// only; its value is the chosen name's position (0, 1, ...).
public struct RuleParameter: Sendable, Equatable {
    /// A name for one value of a parameter.
    public struct Name: Sendable, Equatable {
        /// The name as JSON and the command line spell it.
        public var name: String
        /// The value it stands for.
        public var value: Double

        /// `name` for `value`.
        public init(_ name: String, _ value: Double) {
            self.name = name
            self.value = value
        }
    }

    /// The key in the run specification (`asam_eta`); the command line spells it as a flag with dashes.
    public var key: String
    /// The value used when the spec leaves the key out.
    public var defaultValue: Double
    /// One line for help texts.
    public var summary: String
    /// The smallest allowed value, and whether it is allowed itself.
    public var minimum: Double
    /// Whether `minimum` itself is allowed.
    public var minimumIncluded: Bool
    /// The largest allowed value (+inf: no upper bound).
    public var maximum: Double
    /// Whether `maximum` itself is allowed; with `maximum` = +inf this admits infinity itself (lp-SAM's p = inf),
    /// spelt `"inf"` in JSON (`infinitySpelling`) and on the command line, or by the parameter's own name for it.
    public var maximumIncluded: Bool
    /// Whether finite values must be integers (m-SAM's m).
    public var integral: Bool
    /// The named values (`"inf"` for +inf by default when it is admitted).
    public var names: [Name]
    /// Whether the named values are the only ones (a choice: `msam_norm`).
    public var isChoice: Bool

    /// How +inf is written where a number cannot be (JSON): `"inf"`, unless the parameter names it otherwise.
    public static let infinitySpelling = "inf"

    /// A parameter with its key, default, help line and bounds (none by default; infinity is admitted only with
    /// `maximum: .infinity, maximumIncluded: true`), integers only with `integral`, and named values (by default
    /// `"inf"` for an admitted +inf).
    public init(key: String, defaultValue: Double, summary: String, minimum: Double = -.infinity, minimumIncluded: Bool = true,
                maximum: Double = .infinity, maximumIncluded: Bool = false, integral: Bool = false, names: [Name]? = nil) {
        self.key = key
        self.defaultValue = defaultValue
        self.summary = summary
        self.minimum = minimum
        self.minimumIncluded = minimumIncluded
        self.maximum = maximum
        self.maximumIncluded = maximumIncluded
        self.integral = integral
        self.names = names ?? (maximum == .infinity && maximumIncluded ? [Name(Self.infinitySpelling, .infinity)] : [])
        isChoice = false
    }

    /// A parameter of named choices: its value is the position of one of `choices`, the first by default.
    public init(choices key: String, _ choices: [String], summary: String, defaultIndex: Int = 0) {
        precondition(!choices.isEmpty && choices.indices.contains(defaultIndex))
        self.init(key: key, defaultValue: Double(defaultIndex), summary: summary, minimum: 0,
                  maximum: Double(choices.count - 1), maximumIncluded: true, integral: true,
                  names: choices.enumerated().map { Name($1, Double($0)) })
        isChoice = true
    }

    /// Whether +inf is a value of the parameter.
    public var admitsInfinity: Bool { maximum == .infinity && maximumIncluded }

    /// The value of a name of the parameter, or nil.
    public func value(named name: String) -> Double? {
        names.first { $0.name == name }?.value
    }

    /// The name of a value, or nil when it has none.
    public func name(of value: Double) -> String? {
        names.first { $0.value == value }?.name
    }

    /// What a value must look like, for errors: "a number", "a number or \"inf\"", "an integer or \"n\"",
    /// "\"l2\" or \"none\"".
    public var expected: String {
        let quoted = names.map { "\"\($0.name)\"" }
        if isChoice { return quoted.count == 1 ? quoted[0] : quoted.dropLast().joined(separator: ", ") + " or " + quoted.last! }
        return ([integral ? "an integer" : "a number"] + quoted).joined(separator: " or ")
    }

    /// Checks a value against the domain.
    public func validate(_ value: Double) throws(SpecError) {
        if isChoice {
            guard name(of: value) == nil else { return }
            throw .outOfRange(field: SpecField(key), value: "\(value)", requirement: "must be \(expected)")
        }
        let ok = (value.isFinite || (value == .infinity && admitsInfinity))
            && (minimumIncluded ? value >= minimum : value > minimum) && (maximumIncluded ? value <= maximum : value < maximum)
        guard ok else {
            let lower = minimum == -.infinity ? nil
                : (minimumIncluded ? (minimum == 0 ? "must be non-negative" : "must be at least \(minimum)")
                                   : (minimum == 0 ? "must be positive" : "must exceed \(minimum)"))
            let upper = maximum == .infinity ? nil : (maximumIncluded ? "at most \(maximum)" : "below \(maximum)")
            let requirement = [lower, upper.map { lower == nil ? "must be \($0)" : $0 }].compactMap { $0 }.joined(separator: " and ")
            let infinite = value == .infinity && !admitsInfinity
            throw .outOfRange(field: SpecField(key), value: "\(value)",
                              requirement: requirement.isEmpty || infinite ? "must be finite" : requirement)
        }
        if integral, value.isFinite, value != value.rounded() {
            throw .outOfRange(field: SpecField(key), value: "\(value)", requirement: "must be \(expected)")
        }
    }

    /// A JSON value of the parameter: a number (not for a choice), or one of its names; nil otherwise.
    public func value(of json: JSONValue) -> Double? {
        switch json {
        case .number(let x) where !isChoice: x
        case .string(let name): value(named: name)
        default: nil
        }
    }

    /// The JSON of a value of this parameter: its name when it has one, a number otherwise.
    public func json(_ value: Double) -> JSONValue {
        name(of: value).map(JSONValue.string) ?? Self.json(value)
    }

    /// The JSON of a value: `"inf"` for +inf (JSON has no infinity), a number otherwise.
    public static func json(_ value: Double) -> JSONValue {
        value == .infinity ? .string(infinitySpelling) : .number(value)
    }
}

/// A rule parameter's value as JSON holds it: a number, `"inf"` for +inf (JSON has no infinity; lp-sam's p = inf), or
/// another name of a value of a registered parameter (m-sam's m = `"n"`, msam_norm `"l2"`/`"none"`). Run
/// specifications and SAMVision's training configurations write their rule parameters this way.
public struct RuleParameterValue: Codable, Sendable, Hashable {
    /// The value.
    public var value: Double
    /// The name it is written with, when it has one other than `"inf"`.
    public var name: String?

    /// The value `value`.
    public init(_ value: Double) { self.value = value }

    /// The value `value` of `parameter`, written with its name there if it has one.
    public init(_ value: Double, of parameter: RuleParameter?) {
        self.value = value
        name = parameter?.name(of: value).flatMap { $0 == RuleParameter.infinitySpelling ? nil : $0 }
    }

    /// The value `value` of the parameter `key` of `Registry.standard` (named as there).
    public init(_ value: Double, key: String) {
        self.init(value, of: Registry.standard.rules.lazy.flatMap(\.parameters).first { $0.key == key })
    }

    /// A number, the string `"inf"`, or a name of a value of a parameter of `Registry.standard`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let x = try? c.decode(Double.self) {
            value = x
            return
        }
        let text = try c.decode(String.self)
        if text == RuleParameter.infinitySpelling {
            value = .infinity
        } else if let named = Registry.standard.rules.lazy.flatMap(\.parameters).compactMap({ $0.value(named: text) }).first {
            value = named
            name = text
        } else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected a number or \"\(RuleParameter.infinitySpelling)\" or the name of a value")
        }
    }

    /// The name, or `"inf"` for +inf, or the number.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        if let name { try c.encode(name) } else if value == .infinity { try c.encode(RuleParameter.infinitySpelling) } else { try c.encode(value) }
    }
}
