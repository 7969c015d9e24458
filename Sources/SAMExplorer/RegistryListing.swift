import SAMCore

/// `GET /api/registry`: what a run specification can name, read from a `Registry` (the page builds its rule, loss
/// and parametrization selectors and the rule parameters' inputs from it, so a rule registered in the library
/// appears on the page without an edit there).
///
///     {"rules": [{"name": "lp-sam", "display_name": "ℓp-SAM", "aliases": [], "summary": "...", "uses_radius": true,
///                 "parameters": [{"key": "p", "default": 2, "minimum": 1, "minimum_included": true, "maximum": null,
///                                 "maximum_included": true, "integral": false, "names": ["inf"], "choice": false,
///                                 "summary": "..."}]}, ...],
///      "losses": [{"name": "squared", "summary": "...", "margin_loss": false}, ...],
///      "models": [{"name": "product", "summary": "...", "maximum_depth": 64}, ...]}
///
/// JSON has no infinity: a default or bound at +-inf is written as the rule parameter writes its values
/// (`RuleParameter.json`: a name such as `"inf"` or `"n"` where the parameter has one), and an unbounded side is null.
public struct RegistryListing: Encodable, Sendable {
    /// One rule and its parameters.
    public struct RuleItem: Encodable, Sendable {
        /// `Rule.name`, the spec's `optimizer`.
        public var name: String
        /// The name in legends.
        public var displayName: String
        /// Other names accepted.
        public var aliases: [String]
        /// The formula of eps.
        public var summary: String
        /// Whether rho matters.
        public var usesRadius: Bool
        /// The rule's parameters beyond rho.
        public var parameters: [ParameterItem]

        enum CodingKeys: String, CodingKey {
            case name, displayName = "display_name", aliases, summary, usesRadius = "uses_radius", parameters
        }
    }

    /// One rule parameter: its key (a top-level key of the spec, a flag with dashes on the command line), default
    /// and domain.
    public struct ParameterItem: Encodable, Sendable {
        /// The spec key (`asam_eta`).
        public var key: String
        /// The default, as JSON writes it (a number, or a name: `"n"`, `"l2"`).
        public var defaultValue: JSONValue
        /// The lower bound, null when there is none.
        public var minimum: JSONValue
        /// Whether the lower bound is allowed.
        public var minimumIncluded: Bool
        /// The upper bound, null when there is none (+inf; `maximum_included` then says whether inf is a value).
        public var maximum: JSONValue
        /// Whether the upper bound is allowed.
        public var maximumIncluded: Bool
        /// Whether finite values must be integers.
        public var integral: Bool
        /// The named values, as JSON and the command line spell them.
        public var names: [String]
        /// Whether the names are the only values.
        public var choice: Bool
        /// The help line.
        public var summary: String

        enum CodingKeys: String, CodingKey {
            case key, defaultValue = "default", minimum, minimumIncluded = "minimum_included", maximum, maximumIncluded = "maximum_included",
                 integral, names, choice, summary
        }

        /// The item of `p`.
        init(_ p: RuleParameter) {
            key = p.key
            defaultValue = p.json(p.defaultValue)
            minimum = p.minimum.isFinite ? .number(p.minimum) : .null
            minimumIncluded = p.minimumIncluded
            maximum = p.maximum.isFinite ? .number(p.maximum) : .null
            maximumIncluded = p.maximumIncluded
            integral = p.integral
            names = p.names.map(\.name)
            choice = p.isChoice
            summary = p.summary
        }
    }

    /// One loss.
    public struct LossItem: Encodable, Sendable {
        /// `TrainingLoss.name`, the spec's `loss`.
        public var name: String
        /// The formula.
        public var summary: String
        /// Whether margins apply (false: a regression loss, which reports mse and has no rescaled flow).
        public var marginLoss: Bool

        enum CodingKeys: String, CodingKey { case name, summary, marginLoss = "margin_loss" }
    }

    /// One model.
    public struct ModelItem: Encodable, Sendable {
        /// `Model.name`, the spec's `param`.
        public var name: String
        /// The formula.
        public var summary: String
        /// The largest depth.
        public var maximumDepth: Int

        enum CodingKeys: String, CodingKey { case name, summary, maximumDepth = "maximum_depth" }
    }

    /// The rules, in registration order.
    public var rules: [RuleItem]
    /// The losses, in registration order.
    public var losses: [LossItem]
    /// The models, in registration order.
    public var models: [ModelItem]

    /// The listing of `registry`.
    public init(_ registry: Registry) {
        rules = registry.rules.map {
            RuleItem(name: $0.name, displayName: $0.displayName, aliases: $0.aliases, summary: $0.summary, usesRadius: $0.usesRadius,
                     parameters: $0.parameters.map(ParameterItem.init))
        }
        losses = registry.losses.map { LossItem(name: $0.name, summary: $0.summary, marginLoss: $0.isMarginLoss) }
        models = registry.models.map { ModelItem(name: $0.name, summary: $0.summary, maximumDepth: $0.maximumDepth) }
    }
}
