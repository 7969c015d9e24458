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

    /// A parameter with its key, default, help line and lower bound (none by default).
    public init(key: String, defaultValue: Double, summary: String, minimum: Double = -.infinity, minimumIncluded: Bool = true) {
        self.key = key
        self.defaultValue = defaultValue
        self.summary = summary
        self.minimum = minimum
        self.minimumIncluded = minimumIncluded
    }

    /// Checks a value against the domain.
    public func validate(_ value: Double) throws(SpecError) {
        let ok = value.isFinite && (minimumIncluded ? value >= minimum : value > minimum)
        guard ok else {
            let requirement = minimum == -.infinity ? "must be finite"
                : (minimumIncluded ? (minimum == 0 ? "must be non-negative" : "must be at least \(minimum)")
                                   : (minimum == 0 ? "must be positive" : "must exceed \(minimum)"))
            throw .outOfRange(field: SpecField(key), value: "\(value)", requirement: requirement)
        }
    }
}
