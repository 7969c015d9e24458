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
public struct RuleParameter: Sendable, Equatable {
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
    /// spelt `"inf"` in JSON (`infinitySpelling`) and on the command line.
    public var maximumIncluded: Bool

    /// How +inf is written where a number cannot be (JSON): `"inf"`.
    public static let infinitySpelling = "inf"

    /// A parameter with its key, default, help line and bounds (none by default; infinity is admitted only with
    /// `maximum: .infinity, maximumIncluded: true`).
    public init(key: String, defaultValue: Double, summary: String, minimum: Double = -.infinity, minimumIncluded: Bool = true,
                maximum: Double = .infinity, maximumIncluded: Bool = false) {
        self.key = key
        self.defaultValue = defaultValue
        self.summary = summary
        self.minimum = minimum
        self.minimumIncluded = minimumIncluded
        self.maximum = maximum
        self.maximumIncluded = maximumIncluded
    }

    /// Whether +inf is a value of the parameter.
    public var admitsInfinity: Bool { maximum == .infinity && maximumIncluded }

    /// Checks a value against the domain.
    public func validate(_ value: Double) throws(SpecError) {
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
    }

    /// A JSON value of the parameter: a number, or `"inf"` for +inf when the parameter admits it; nil otherwise.
    public func value(of json: JSONValue) -> Double? {
        switch json {
        case .number(let x): x
        case .string(Self.infinitySpelling) where admitsInfinity: .infinity
        default: nil
        }
    }

    /// The JSON of a value: `"inf"` for +inf (JSON has no infinity), a number otherwise.
    public static func json(_ value: Double) -> JSONValue {
        value == .infinity ? .string(infinitySpelling) : .number(value)
    }
}

/// A rule parameter's value as JSON holds it: a number, or `"inf"` for +inf (JSON has no infinity; lp-sam's p = inf).
/// Run specifications and SAMVision's training configurations write their rule parameters this way.
public struct RuleParameterValue: Codable, Sendable, Hashable {
    /// The value.
    public var value: Double

    /// The value `value`.
    public init(_ value: Double) { self.value = value }

    /// A number, or the string `"inf"`.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let x = try? c.decode(Double.self) {
            value = x
        } else if try c.decode(String.self) == RuleParameter.infinitySpelling {
            value = .infinity
        } else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "expected a number or \"\(RuleParameter.infinitySpelling)\"")
        }
    }

    /// `"inf"` for +inf, the number otherwise.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        if value == .infinity { try c.encode(RuleParameter.infinitySpelling) } else { try c.encode(value) }
    }
}
