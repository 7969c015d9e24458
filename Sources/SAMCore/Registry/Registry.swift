import Foundation

/// The rules, losses and models a run specification can name, each registered by one line.
///
///     let registry = Registry.standard.registering(rule: MyRule.self)   // a rule of one's own
///
/// A registry is a value: pass it to whatever reads or runs specifications (`RunSpec(json:registry:)`,
/// `RunSpec.run(registry:)`, sweeps). `Registry.standard` holds SAMLab's built-ins. Registering a type builds, in a
/// context where the type is concrete, everything the runners need from it (for a rule, its kernels, specialized
/// for the fast algebras), so that nothing downstream switches over rules, losses or models.
public struct Registry: Sendable {
    /// A registered rule.
    public struct RuleEntry: Sendable {
        /// The rule's name (`Rule.name`).
        public let name: String
        /// Other names accepted for it.
        public let aliases: [String]
        /// Its formula, for help texts.
        public let summary: String
        /// Its name in legends and reports.
        public let displayName: String
        /// Whether it uses rho.
        public let usesRadius: Bool
        /// Its parameters beyond rho.
        public let parameters: [RuleParameter]
        let type: any Rule.Type
        let make: @Sendable (RuleSpec) throws(SpecError) -> any Rule
        /// The kernels of the types the rule's `kernelRule` can be (its own, `Rule.visitOwnKernelType`, and
        /// `Rule.visitKernelRuleTypes`), by type.
        let kernelRuleKernels: [ObjectIdentifier: KernelBuilders]

        init<R: Rule>(_ type: R.Type) {
            name = R.name
            aliases = R.aliases
            summary = R.summary
            displayName = R.displayName
            usesRadius = R.usesRadius
            parameters = R.parameters
            self.type = type
            make = { spec throws(SpecError) in try R(spec: spec) }
            var collector = KernelCollector()
            R.visitOwnKernelType(&collector)
            R.visitKernelRuleTypes(&collector)
            kernelRuleKernels = collector.kernels
        }

        /// Builds the kernels of each type it is shown, in the context where that type is concrete.
        struct KernelCollector: RuleTypeVisitor {
            var kernels: [ObjectIdentifier: KernelBuilders] = [:]
            mutating func visit<T: Rule>(_ type: T.Type) { kernels[ObjectIdentifier(type)] = KernelBuilders(type) }
            mutating func visitManyExampleType<T: Rule>(_ type: T.Type) {
                kernels[ObjectIdentifier(type)] = KernelBuilders(manyExample: type)
            }
        }

        /// The rule of `spec`, its parameters validated.
        public func rule(_ spec: RuleSpec) throws(SpecError) -> any Rule {
            for parameter in parameters { try parameter.validate(spec.value(of: parameter)) }
            return try make(spec)
        }
    }

    /// A registered loss (a margin loss or another `TrainingLoss`).
    public struct LossEntry: Sendable {
        /// The loss's name (`TrainingLoss.name`).
        public let name: String
        /// Its formula, for help texts.
        public let summary: String
        /// Whether it is a margin loss (labels +1 / -1, margins apply).
        public let isMarginLoss: Bool
        let make: @Sendable () -> any TrainingLoss

        init<L: TrainingLoss>(_ type: L.Type) {
            name = L.name
            summary = L.summary
            isMarginLoss = L.isMarginLoss
            make = { L() }
        }

        /// A new instance of the loss.
        public func loss() -> any TrainingLoss { make() }

        /// The loss as a margin loss, or nil when it is not one.
        public func marginLoss() -> (any MarginLoss)? { make() as? any MarginLoss }

        /// What labels a dataset for this loss may have.
        public var labels: LabelKind { isMarginLoss ? .classes : .real }
    }

    /// A registered model.
    public struct ModelEntry: Sendable {
        /// The model's name (`Model.name`).
        public let name: String
        /// Its formula, for help texts.
        public let summary: String
        /// The largest depth it supports.
        public let maximumDepth: Int
        let layers: @Sendable (Int) -> Int
        let make: @Sendable (ModelSpec, Int) throws(SpecError) -> any Model

        init<M: Model>(_ type: M.Type) {
            name = M.name
            summary = M.summary
            maximumDepth = M.maximumDepth
            layers = { M.layerCount(depth: $0) }
            make = { spec, d throws(SpecError) in try M(spec: spec, dimension: d) }
        }

        /// Weight vectors of length d at depth L.
        public func layerCount(depth: Int) -> Int { layers(depth) }

        /// The model of `spec` for data of dimension d.
        public func model(_ spec: ModelSpec, dimension d: Int) throws(SpecError) -> any Model { try make(spec, d) }
    }

    /// The registered rules, in registration order.
    public private(set) var rules: [RuleEntry] = []
    /// The registered losses, in registration order.
    public private(set) var losses: [LossEntry] = []
    /// The registered models, in registration order.
    public private(set) var models: [ModelEntry] = []

    /// An empty registry (`Registry.standard` has the built-ins).
    public init() {}

    /// This registry with a rule added. A name (or alias) registered twice is a programming error.
    public func registering<R: Rule>(rule type: R.Type) -> Registry {
        precondition(!(ruleNames + rules.flatMap(\.aliases)).contains(R.name), "rule '\(R.name)' is registered twice")
        var copy = self
        copy.rules.append(RuleEntry(type))
        return copy
    }

    /// This registry with a loss added.
    public func registering<L: TrainingLoss>(loss type: L.Type) -> Registry {
        precondition(!lossNames.contains(L.name), "loss '\(L.name)' is registered twice")
        var copy = self
        copy.losses.append(LossEntry(type))
        return copy
    }

    /// This registry with a model added.
    public func registering<M: Model>(model type: M.Type) -> Registry {
        precondition(!modelNames.contains(M.name), "model '\(M.name)' is registered twice")
        var copy = self
        copy.models.append(ModelEntry(type))
        return copy
    }

    /// The rules' names (without aliases).
    public var ruleNames: [String] { rules.map(\.name) }
    /// The losses' names.
    public var lossNames: [String] { losses.map(\.name) }
    /// The models' names.
    public var modelNames: [String] { models.map(\.name) }

    /// Every parameter key that some registered rule declares.
    public var ruleParameterKeys: [String] { rules.flatMap { $0.parameters.map(\.key) } }

    /// The rule registered under `name` or one of its aliases.
    public func rule(named name: String) throws(SpecError) -> RuleEntry {
        guard let entry = rules.first(where: { $0.name == name || $0.aliases.contains(name) }) else {
            throw .unknownName(field: "optimizer", name: name, known: ruleNames)
        }
        return entry
    }

    /// The loss registered under `name`; an unknown name is an error that lists the known ones.
    public func loss(named name: String) throws(SpecError) -> LossEntry {
        guard let entry = losses.first(where: { $0.name == name }) else {
            throw .unknownName(field: "loss", name: name, known: lossNames)
        }
        return entry
    }

    /// The model registered under `name`; an unknown name is an error that lists the known ones.
    public func model(named name: String) throws(SpecError) -> ModelEntry {
        guard let entry = models.first(where: { $0.name == name }) else {
            throw .unknownName(field: "param", name: name, known: modelNames)
        }
        return entry
    }

    /// The kernels of a rule's type: those a registered rule built for it (its own type or a type its `kernelRule`
    /// can be), or (for a type that no registered rule names) built now.
    func kernelBuilders(for rule: any Rule) -> KernelBuilders {
        if let kernels = specializedKernelBuilders(for: rule) { return kernels }
        let type = Swift.type(of: rule)
        return Self.builders(type)
    }

    /// The kernels a registered rule built, specialized, for `rule`'s type; nil if none did (the kernels then run
    /// generic: correct, slower).
    func specializedKernelBuilders(for rule: any Rule) -> KernelBuilders? {
        let id = ObjectIdentifier(Swift.type(of: rule))
        for entry in rules { if let kernels = entry.kernelRuleKernels[id] { return kernels } }
        return nil
    }

    static func builders<R: Rule>(_ type: R.Type) -> KernelBuilders { KernelBuilders(type) }
}

extension CodingUserInfoKey {
    /// The registry that decoding a summary or a checkpoint reads names with (`Registry.standard` when absent).
    public static let samlabRegistry = CodingUserInfoKey(rawValue: "samlab.registry")!
}

extension Registry {
    /// The registry a decoder was given (`userInfo[.samlabRegistry]`), or the standard one.
    public static func from(_ decoder: any Decoder) -> Registry {
        decoder.userInfo[.samlabRegistry] as? Registry ?? .standard
    }

    /// A JSON decoder that reads names with this registry.
    public var decoder: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.userInfo[.samlabRegistry] = self
        return decoder
    }
}

extension Registry {
    /// SAMLab's built-in rules, losses and models: one line each.
    public static let standard = Registry()
        .registering(rule: GradientDescent.self)
        .registering(rule: L2SAM.self)
        .registering(rule: LInfSAM.self)
        .registering(rule: UnnormalizedSAM.self)
        .registering(rule: AdaptiveSAM.self)
        .registering(rule: LpSAM.self)
        .registering(rule: MSharpnessSAM.self)
        .registering(rule: SurrogateGapSAM.self)
        .registering(loss: LogisticLoss.self)
        .registering(loss: ExponentialLoss.self)
        .registering(loss: SquaredLoss.self)
        .registering(model: ProductNetwork.self)
        .registering(model: SignedNetwork.self)
        .registering(model: DenseNetwork.self)
}
